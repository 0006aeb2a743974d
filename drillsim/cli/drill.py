"""``drillsim drill`` and ``drillsim replay``: the command-line side of drills."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click

from drillsim.cli.support import Fail, check_writable, guard, host_for, with_plugin_options
from drillsim.drill import SPEEDS


def _review_path(log: Path) -> str:
    name = log.name[:-len(".jsonl")] if log.name.endswith(".jsonl") else log.name
    return str(log.with_name(name + ".review.md"))


@click.command()
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path),
                metavar="SCENARIO_OR_PACK")
@click.option("--seed", type=click.IntRange(0), help="Drill seed (default: drawn at random and kept hidden).")
@click.option("--speed", type=click.Choice([str(s) for s in SPEEDS]), default="60", show_default=True,
              help="Starting speed: scenario minutes per real minute.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Drill log (JSON Lines; the controller's part beside it as *.controller.jsonl). "
                   "Default: drill-DATE-TIME.jsonl here.")
@click.option("--resume", "resume", type=click.Path(dir_okay=False, path_type=Path),
              help="Continue the drill of this log after a crash (same seed, orders replayed).")
@click.option("--controller", is_flag=True, help="Offer the controller screen (F2): the truth and injects.")
@click.option("--review", "review", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the after-action review (Markdown; HTML beside). "
                   "Default: beside the log, *.review.md.")
@with_plugin_options
def drill(source, seed, speed, log_path, resume, controller, review, plugins, disabled) -> None:
    """Run a double-blind drill of a scenario or a pack in the terminal."""
    from drillsim.drill.session import DrillSession
    from drillsim.tui.app import DrillApp

    host = guard(host_for, plugins, disabled)
    if resume is not None:
        if source is not None or seed is not None:
            raise Fail("--resume takes the scenario and seed from the log; give no SCENARIO_OR_PACK or --seed", 2)
        session = guard(DrillSession.resume, resume, host=host)
        log_path = resume
    else:
        if source is None:
            raise Fail("give a scenario or pack (e.g. scenarios/packs/flood.yaml), or --resume LOG", 2)
        if log_path is None:
            log_path = Path(f"drill-{dt.datetime.now():%Y%m%d-%H%M%S}.jsonl")
        if log_path.exists():
            raise Fail(f"{log_path}: already exists; to continue that drill use --resume {log_path}", 2)
        check_writable([log_path])
        session = guard(DrillSession.open, source, seed, host=host, log_path=log_path)
        session.set_speed(int(speed))
    app = DrillApp(session, controller=controller, review_path=str(review or _review_path(log_path)))
    try:
        app.run()
    finally:
        session.close()
    if app.return_code:
        raise Fail(f"{session.failed or 'the drill stopped'}\ndrill log: {log_path} (it cannot be "
                   f"resumed past that point; play it back with: drillsim replay {log_path})", 1)
    click.echo(f"drill log: {log_path}" + (f"; review: {app.review_path}" if app.review else
                                          f"; continue with: drillsim drill --resume {log_path}"))


@click.command()
@click.argument("log", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--speed", type=click.FloatRange(min=0, min_open=True), default=600.0, show_default=True,
              help="Scenario minutes per real minute.")
@click.option("--plain", is_flag=True, help="Print the feed as text instead of the full-screen view.")
@with_plugin_options
def replay(log, speed, plain, plugins, disabled) -> None:
    """Play a logged drill back (orders and injects at their times) at any speed."""
    from drillsim.drill.session import DrillSession

    host = guard(host_for, plugins, disabled)
    session = guard(DrillSession.replayer, log, host=host)
    if plain:
        shown = 0
        session.paused = False
        while not session.ended:
            before = session.now
            guard(session.advance, 10.0)
            for item in session.feed[shown:]:
                ref = f"[{item.ref}] " if item.ref else ""
                click.echo(f"{session.clock_text(item.t)}  {item.category:<8} {item.source}: {ref}{item.text}")
            shown = len(session.feed)
            time.sleep((session.now - before) / speed * 60.0 if speed < 1e6 else 0)
        click.echo(f"-- end of the drill ({session.end_reason}) at {session.clock_text()}")
        return
    from drillsim.tui.app import DrillApp

    session.speed = int(speed) if speed >= 1 else 1
    session.paused = False
    DrillApp(session, read_only=True).run()
