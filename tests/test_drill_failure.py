"""A plugin that raises in a drill (issue 19, class 5): the drill stops with a clear
message and exit status 1, the log says where, and ``--resume`` refuses to go past that
point instead of crashing again."""

from __future__ import annotations

import asyncio
import re
import textwrap

import pytest

from drillsim.drill.drilllog import read_records
from drillsim.drill.session import DrillFailed, DrillSession
from drillsim.host.pluginhost import load_plugins
from drillsim.tui.app import DrillApp

from .conftest import BUILTIN

BREAKER = '''\
from drillsim.api import hookimpl


@hookimpl
def drillsim_event(sim, event):
    if event.kind == "unit_arrived":
        raise RuntimeError("the breaker plugin breaks on the first arrival")
'''

BODY = """\
run: {horizon: 6h}
forces:
  - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
hazards:
  - id: s
    type: scripted_incidents
    params:
      incidents:
        - {at: 30min, kind: call, place: east, demand: {people: 1}, on_scene: 20min}
"""


@pytest.fixture
def broken(mini, tmp_path):
    plugin = tmp_path / "breaker.py"
    plugin.write_text(BREAKER, encoding="utf-8")
    host = load_plugins(only=BUILTIN, modules={"breaker": str(plugin)})
    return mini(textwrap.dedent(BODY)), host


def test_the_drill_stops_and_says_where_and_why(broken, tmp_path):
    scenario, host = broken
    log = tmp_path / "d.jsonl"
    session = DrillSession.open(scenario, seed=5, host=host, log_path=log)
    session.command("auto on a")
    session.advance(20)
    # the player is told when, not why (the engine's reason may name hidden values) …
    with pytest.raises(DrillFailed, match=r"the drill stopped at .*: the simulation failed; the reason is "
                                          r"in the controller log") as stopped:
        session.advance(120)
    assert "breaker" not in str(stopped.value)
    # … the controller is told why
    assert re.search(r"the drill stopped at .* \(scenario minute \d+\.\d\): plugin 'breaker' failed .*breaks "
                     r"on the first arrival", session.failed)
    with pytest.raises(DrillFailed):   # and it stays stopped
        session.advance(10)
    session.close()
    assert any(r["rec"] == "drill_failed" for r in read_records(log))
    controller = read_records(log.with_name("d.controller.jsonl"), session.secret)
    assert any(r["rec"] == "failed" and "breaker" in r["error"] for r in controller)
    with pytest.raises(DrillFailed, match=r"cannot be resumed past that point .* drillsim replay"):
        DrillSession.resume(log, session.secret, host=host)


def test_the_app_closes_with_return_code_1(broken, tmp_path):
    scenario, host = broken
    session = DrillSession.open(scenario, seed=5, host=host, log_path=tmp_path / "d.jsonl")
    session.command("auto on a")

    async def go():
        app = DrillApp(session, autoplay=False, review_path=str(tmp_path / "r.md"))
        async with app.run_test(size=(120, 40)) as pilot:
            app.step(180)
            await pilot.pause()
        return app

    app = asyncio.run(go())
    session.close()
    assert app.return_code == 1 and "the simulation failed" in (app.halted or "")
    assert "breaks on the first arrival" in session.failed and "breaker" not in app.halted
    assert app.review is None   # no review of a drill that broke


@pytest.mark.parametrize("traceback", [False, True])
def test_the_command_names_the_plugin_after_the_drill_and_shows_its_traceback(mini, tmp_path,
                                                                              monkeypatch, traceback):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "breaker.py"
    plugin.write_text(BREAKER, encoding="utf-8")
    scenario = mini(textwrap.dedent(BODY))

    def headless(app):  # the app as a player drives it: automatic dispatch, then 3 h on
        async def go():
            async with app.run_test(size=(120, 40)) as pilot:
                app.session.command("auto on a")
                app.step(180)
                await pilot.pause()
        asyncio.run(go())

    monkeypatch.setattr(DrillApp, "run", headless)
    monkeypatch.setattr("drillsim.cli.drill.on_terminal", lambda: True)  # the test's pilot is one
    log = tmp_path / "d.jsonl"
    result = CliRunner().invoke(main, ["drill", str(scenario), "--seed", "5", "--log", str(log),
                                       "--plugin-module", f"breaker={plugin}"]
                                + (["--traceback"] if traceback else []))
    assert result.exit_code == 1, result.output
    # one line blames the plugin by name (the drill is over: no longer hidden), the hook
    # where it failed, not the reason (which may name hidden values)
    assert "\nplugin 'breaker' failed in drillsim_event" in result.output
    assert "breaks on the first arrival" not in result.output.split("Traceback")[0]
    if traceback:
        trace = result.output[result.output.index("Traceback (most recent call last):"):]
        assert f'File "{plugin}", line 7, in drillsim_event' in trace
        assert "RuntimeError: the breaker plugin breaks on the first arrival" in trace
    else:
        assert "Traceback" not in result.output
        assert ("plugin 'breaker' failed in drillsim_event; its traceback is in the controller "
                "log, or printed with --traceback") in result.output
    secret = re.search(r"control secret: (\S+)", result.output).group(1)
    controller = read_records(log.with_name("d.controller.jsonl"), secret)
    failed = next(r for r in controller if r["rec"] == "failed")
    assert failed["traceback"].endswith("RuntimeError: the breaker plugin breaks on the first arrival")
    assert f'File "{plugin}", line 7, in drillsim_event' in failed["traceback"]


def test_failure_blame():
    from drillsim.drill.session import failure_blame

    # the engine's messages (drillsim.engine.simulation)
    assert failure_blame("plugin 'x' failed in drillsim_event at scenario time 7.0 min: "
                         "RuntimeError: no map") == "plugin 'x' failed in drillsim_event"
    assert failure_blame("plugin 'flood' failed in a simulation process at scenario time 3.0 min: "
                         "KeyError: 'q'") == "plugin 'flood' failed in a simulation process"
    assert failure_blame("plugin 'slow' did not return within 10 s (wall clock) at scenario "
                         "time 1.0 min: stopped") == "plugin 'slow' did not return within 10 s"
    assert failure_blame("at scenario time 4.0 min: no plugin gave a travel time") is None


def test_a_failed_drill_still_plays_back_to_its_failure(broken, tmp_path):
    """``replay`` first checks the log against the drill its controller log sets up
    (breaker2: a player log beside another drill's controller log played without a
    word); a drill that stopped on a failure stops its check there too, and plays back
    up to the failure, as the resume's refusal tells the controller to do."""
    scenario, host = broken
    log = tmp_path / "d.jsonl"
    session = DrillSession.open(scenario, seed=5, host=host, log_path=log)
    session.command("auto on a")
    with pytest.raises(DrillFailed):
        session.advance(120)
    failed_at = session.now
    session.close()
    replay = DrillSession.replayer(log, session.secret, host=host)
    while not replay.ended:
        replay.advance(10.0)
    assert (replay.now, replay.end_reason) == (pytest.approx(failed_at), "end of the recorded drill")
