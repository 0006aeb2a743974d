"""The drill's Textual app driven with Pilot: keys, orders, the hidden scenario, the
reveal. The clock is driven by the tests (``autoplay=False``), never by sleeping."""

from __future__ import annotations

import asyncio
import html
import json
import re

import pytest

pytest.importorskip("textual")

from drillsim.drill.session import DrillSession  # noqa: E402
from drillsim.tui.app import DrillApp  # noqa: E402
from drillsim.tui.screens.controller import ControllerScreen  # noqa: E402
from drillsim.tui.screens.player import PlayerScreen  # noqa: E402
from drillsim.tui.screens.review import ReviewScreen  # noqa: E402
from drillsim.tui.widgets.command_line import CommandLine  # noqa: E402

from .conftest import SCENARIOS  # noqa: E402

PACK = SCENARIOS / "packs" / "flood.yaml"
SEED = 987654
SIZE = (160, 45)


def screen_text(app) -> str:
    """The screen as plain text (from Textual's SVG export)."""
    svg = app.export_screenshot()
    text = " ".join(re.findall(r">([^<>]*)</text>", svg))
    return html.unescape(text).replace("\xa0", " ")


def run(coro):
    return asyncio.run(coro)


async def order(pilot, line: str) -> None:
    """Focus the command line with ':', put the order in it, Enter, Escape."""
    await pilot.press("colon")
    pilot.app.screen.query_one(CommandLine).value = line
    await pilot.press("enter")
    await pilot.press("escape")


def test_pause_speed_and_orders(tmp_path):
    session = DrillSession.open(PACK, seed=SEED, log_path=tmp_path / "d.jsonl")

    async def go():
        app = DrillApp(session, autoplay=False, review_path=str(tmp_path / "r.md"))
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, PlayerScreen)
            assert session.paused
            await pilot.press("space")
            assert not session.paused
            await pilot.press("1")
            assert session.speed == 1
            await pilot.press("3")
            assert session.speed == 60
            session.tick(60.0)       # one wall minute at 60x: one scenario hour
            assert session.now == pytest.approx(60.0)
            await pilot.press("space")
            app.step(20 * 60)
            await pilot.pause()
            await order(pilot, "evacuate mixin")
            assert session.orders[-1].ok and session.orders[-1].text == "evacuate mixin"
            await pilot.pause()
            assert "evacuation of mixin ordered" in screen_text(app)
            await order(pilot, "dispatch water_rescue-9 C1")
            assert not session.orders[-1].ok
            assert "no unit 'water_rescue-9'" in screen_text(app)
            # the incident board shows what the command knows
            assert "C1" in screen_text(app) and "evacuation" in screen_text(app)

    run(go())


def test_completion_with_tab(tmp_path):
    session = DrillSession.open(PACK, seed=SEED)

    async def go():
        app = DrillApp(session, autoplay=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("colon")
            for ch in "evac":
                await pilot.press(ch)
            await pilot.press("space")
            for ch in "shuang":
                await pilot.press(ch)
            await pilot.pause()
            await pilot.pause()
            await pilot.press("tab")
            assert app.screen.query_one(CommandLine).value == "evac shuangjiang "

    run(go())


def test_nothing_hidden_reaches_the_player_before_the_end(tmp_path):
    log = tmp_path / "d.jsonl"
    session = DrillSession.open(PACK, seed=SEED, log_path=log)
    hidden = [str(SEED), session.drawn.variant, "variant", "hazard_summary", "gauge_peak",
              "time_to_peak", "forecast_lead"]
    hidden += [str(v) for k, v in session.drawn.choices.items() if k not in ("start", "out_of_service")]

    async def go():
        app = DrillApp(session, autoplay=False, review_path=str(tmp_path / "r.md"))
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(3):
                app.step(12 * 60)
                await pilot.pause()
                text = screen_text(app)
                for word in hidden:
                    assert word not in text, word
            # every other screen a player can open: help, the command palette
            await pilot.press("f1")
            text = screen_text(app)
            assert "dispatch UNITS INCIDENT" in text
            for word in hidden:
                assert word not in text, word
            await pilot.press("escape")
            await pilot.press("ctrl+p")
            await pilot.pause()
            text = screen_text(app)
            for word in hidden:
                assert word not in text, word
            await pilot.press("escape")
            await pilot.press("f2")                       # no controller key for players
            assert isinstance(app.screen, PlayerScreen)
            player_log = log.read_text(encoding="utf-8")
            for word in hidden:
                assert word not in player_log, word
            await order(pilot, "end")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            after = screen_text(app)
            assert str(SEED) in after and session.drawn.variant in after   # the reveal

    run(go())
    records = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    recs = [r["rec"] for r in records]
    assert recs.index("drill_ended") < recs.index("reveal")
    assert (tmp_path / "r.md").is_file() and (tmp_path / "r.html").is_file()


def test_controller_screen_and_inject(tmp_path):
    session = DrillSession.open(PACK, seed=SEED, log_path=tmp_path / "d.jsonl")

    async def go():
        app = DrillApp(session, autoplay=False, controller=True)
        async with app.run_test(size=SIZE) as pilot:
            app.step(60)
            await pilot.press("f2")
            assert isinstance(app.screen, ControllerScreen)
            text = screen_text(app)
            assert str(SEED) in text and "Planned injects" in text
            await pilot.press("colon")
            app.screen.query_one(CommandLine).value = "inject message bridge closed"
            await pilot.press("enter")
            assert session.injects[-1].ok
            await pilot.press("escape", "escape")          # leave the line, back to the player's screen
            assert isinstance(app.screen, PlayerScreen)
            await pilot.pause()
            assert "bridge closed" in screen_text(app)

    run(go())
    from drillsim.drill.drilllog import read_records

    control = read_records(tmp_path / "d.controller.jsonl", session.secret)
    assert any(r["rec"] == "inject" and r["inject"]["text"] == "bridge closed" for r in control)


def test_main_screen_snapshot(snap_compare):
    """The main screen at 160x45, 22 scenario hours into a fixed drill with two orders."""
    session = DrillSession.open(SCENARIOS / "fujiang_flood_2020.yaml", seed=2020)
    session.advance_to(19 * 60)
    session.command("evacuate mixin")
    session.command("dispatch township_teams.mixin C1")
    session.advance_to(22 * 60)
    app = DrillApp(session, autoplay=False)
    assert snap_compare(app, terminal_size=SIZE)


def test_a_drill_log_that_cannot_be_written_stops_the_drill_and_keeps_what_was_written(tmp_path):
    """Disk full mid-drill: the drill stops with a clear message, the log written so far
    stays valid, and the drill resumes from it."""
    import errno

    from drillsim.drill.drilllog import read_records

    log = tmp_path / "d.jsonl"
    session = DrillSession.open(PACK, seed=SEED, log_path=log)

    async def go():
        app = DrillApp(session, autoplay=False, review_path=str(tmp_path / "r.md"))
        async with app.run_test(size=SIZE) as pilot:
            app.step(30)
            await order(pilot, "evacuate mixin")
            before = read_records(log)

            def full(_text):
                raise OSError(errno.ENOSPC, "No space left on device")

            session.log.player._fh.write = full
            await pilot.press("3")                       # a speed change must be logged
            assert app.halted and "No space left on device" in app.halted
            assert "drillsim drill --resume" in app.halted
            clock = session.now
            app.step(60)                                 # the clock no longer moves
            assert session.now == clock
            await order(pilot, "evacuate yuxi")           # orders are refused
            assert "evacuation of yuxi" not in screen_text(app)
            assert read_records(log) == before           # what was written is intact
            return before

    before = run(go())
    session.close()
    resumed = DrillSession.resume(log, session.secret)
    assert resumed.now == pytest.approx(before[-1].get("t", resumed.now))
    assert any(m.text.startswith("evacuation of mixin") or "mixin" in m.text for m in resumed.feed)
    resumed.close()


def test_drill_refuses_a_log_in_a_read_only_folder(tmp_path):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    # /proc refuses new files even to root (a chmod-ed folder would not stop root)
    result = CliRunner().invoke(main, ["drill", str(PACK), "--seed", "1", "--log", "/proc/drill.jsonl"])
    assert result.exit_code == 2, result.output
    assert "cannot write in" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_quits_like_ctrl_q_and_the_drill_resumes_where_it_was(tmp_path, signame):
    """``kill PID`` (SIGTERM) or a closed terminal (SIGHUP) mid-drill: the app quits as
    Ctrl-Q does (Textual restores the terminal; the command prints how to continue), and
    the clock is logged at the close, so --resume goes on at the minute the drill
    stopped. Before, either signal ended the process at once: the terminal left in the
    full screen, no line, and the resumed drill up to 2 wall seconds (20 scenario minutes
    at 600x) earlier, at its last clock record."""
    import os
    import signal

    signum = getattr(signal, signame)
    caught = []

    def fallback(*_):  # the signal if the app does not take it
        caught.append(signum)

    before = signal.signal(signum, fallback)
    log = tmp_path / "d.jsonl"
    session = DrillSession.open(PACK, seed=SEED, log_path=log, secret="s3cret-s3cret")
    clock = [1000.0]
    session.clock = lambda: clock[0]   # the wall clock never moves: no clock record on the way

    async def go():
        app = DrillApp(session, autoplay=False)
        async with app.run_test(size=SIZE) as pilot:
            app.step(30)
            await order(pilot, "evacuate mixin")
            app.step(47.5)
            await pilot.pause()
            os.kill(os.getpid(), signum)
            for _ in range(20):
                await pilot.pause()
                if app._exit:
                    break
            assert app._exit and app.stopped_by == signame
        return app

    try:
        run(go())
        assert not caught
        assert signal.getsignal(signum) is fallback   # the handler before the app given back
    finally:
        signal.signal(signum, before)
    assert session.now == 77.5
    session.close()
    resumed = DrillSession.resume(log, "s3cret-s3cret")
    assert resumed.now == 77.5 and [o.text for o in resumed.orders] == ["evacuate mixin"]
    resumed.close()
