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
