"""What plugin authors needed and lacked (issue 20): local clock time, per-run state,
taking a returning unit out of service, a warning for a hook without its marker, and the
docs listing every event kind the code logs."""

from __future__ import annotations

import ast
import datetime as dt
import sys
import textwrap
import types
from pathlib import Path

import pytest

from drillsim.api import Stash, StashKey
from drillsim.engine.simulation import Simulation
from drillsim.host.pluginhost import PluginHost
from drillsim.scenario.loader import load_scenario
from tests.conftest import BUILTIN

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """\
run: {seed: 1, replications: 2, horizon: 10h}
forces:
  - {id: team, type: district_rescue_team, units: 1, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
hazards:
  - id: script
    type: scripted_incidents
    params:
      incidents:
        - {at: 0min, kind: call, place: east, demand: {people: 1}, on_scene: 10min}
"""


def _host(monkeypatch, source: str) -> PluginHost:
    module = types.ModuleType("kit_plugin")
    exec(textwrap.dedent(source), module.__dict__)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return PluginHost(only=BUILTIN, modules={"kit": module.__name__})


def test_local_time_is_start_plus_minutes(mini, host):
    sc = load_scenario(mini(SCENARIO), host=host)      # start: 2020-01-01T00:00+08:00
    sim = Simulation(sc, host)
    tz = dt.timezone(dt.timedelta(hours=8))
    assert sim.local_time() == dt.datetime(2020, 1, 1, 0, 0, tzinfo=tz)
    assert sim.local_time(90) == dt.datetime(2020, 1, 1, 1, 30, tzinfo=tz)
    assert sim.local_time(24 * 60 + 1).strftime("%d %H:%M %z") == "02 00:01 +0800"


def test_stash_keys_are_distinct_and_per_run(mini, monkeypatch):
    a, b = StashKey[int](), StashKey[int]()
    stash = Stash()
    stash[a] = 1
    assert stash[a] == 1 and b not in stash and stash.get(b, 7) == 7
    assert stash.setdefault(b, 2) == 2 and len(stash) == 2
    with pytest.raises(KeyError):
        Stash()[a]
    # a plugin counting dispatches per replication in the stash: each replication's count
    # is that replication's own (one call, one unit: 1), not a running total (1, 2)
    host = _host(monkeypatch, """\
        from drillsim.api import StashKey, hookimpl
        SENT = StashKey[int]()
        COUNTS = []

        @hookimpl
        def drillsim_run_started(sim):
            sim.stash[SENT] = 0

        @hookimpl
        def drillsim_event(sim, event):
            if event.kind == "unit_dispatched":
                sim.stash[SENT] += 1

        @hookimpl
        def drillsim_run_finished(sim):
            COUNTS.append(sim.stash[SENT])
        """)
    sc = load_scenario(mini(SCENARIO), host=host)
    for r in range(2):
        Simulation(sc, host, replication=r).run()
    assert sys.modules["kit_plugin"].COUNTS == [1, 1]


def test_a_returning_unit_can_be_taken_out_of_service_and_back(mini, monkeypatch):
    # east is 0.2 deg of longitude from west on the equator: 22.239016 km at 60 km/h =
    # 22.239016 min. Dispatch at 0, on scene at 22.239, cleared at 32.239; 5 min into
    # the way home (t = 37.239) the plugin stands the unit down for the night; at 60 min
    # it is back in service and drives the 22.239 - 5 = 17.239 min left: home at 77.239.
    host = _host(monkeypatch, """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_event(sim, event):
            if event.kind != "unit_cleared":
                return
            unit = sim.units[event.unit]

            def night():
                yield sim.timeout(5)
                sim.set_in_service(unit, False, reason="night")
                yield sim.timeout(60 - sim.now)
                sim.set_in_service(unit, True, reason="morning")

            sim.process(night())
        """)
    sc = load_scenario(mini(SCENARIO), host=host)
    sim = Simulation(sc, host).run()
    events = [(e.kind, round(e.t, 3), e.details.get("reason")) for e in sim.log.events
              if e.unit == "team" and e.kind in ("unit_cleared", "unit_out_of_service",
                                                   "unit_in_service", "unit_returned")]
    trip = 0.2 * 6371.0088 * 3.141592653589793 / 180   # km = min at 60 km/h
    assert events == [("unit_cleared", round(trip + 10, 3), None),
                      ("unit_out_of_service", round(trip + 15, 3), "night"),
                      ("unit_in_service", 60.0, "morning"),
                      ("unit_returned", round(60 + trip - 5, 3), None)]


def test_a_busy_unit_is_refused_with_the_way_to_stop_it(mini, host):
    sc = load_scenario(mini(SCENARIO), host=host)
    sim = Simulation(sc, host)
    sim.start()
    sim.env.run(until=1)                                  # travelling to the call
    unit = sim.units["team"]
    with pytest.raises(ValueError, match=r"sim.break_down\(unit, reason\)"):
        sim.set_in_service(unit, False, reason="x")


def test_a_hook_without_its_marker_is_warned_of(monkeypatch):
    host = _host(monkeypatch, """\
        def drillsim_run_started(sim):
            pass
        """)
    assert host.warnings == ["plugin 'kit': drillsim_run_started has no @hookimpl marker, so "
                             "it is never called; put @hookimpl (from drillsim.api) above it"]
    from drillsim.host.pluginhost import load_plugins
    assert load_plugins(only=BUILTIN).warnings == []


def test_a_hook_marked_for_another_pluggy_project_is_told_so(monkeypatch):
    # a marker made by hand with the project misspelt: the function carries the marker
    # "drilsim_impl", which pluggy never looks for; "has no @hookimpl marker" was not true
    host = _host(monkeypatch, """\
        import pluggy

        hookimpl = pluggy.HookimplMarker("drilsim")

        @hookimpl
        def drillsim_run_started(sim):
            pass
        """)
    assert host.warnings == ["plugin 'kit': drillsim_run_started is marked by a hookimpl of the "
                             "pluggy project 'drilsim' (pluggy.HookimplMarker), not of 'drillsim', "
                             "so it is never called; import hookimpl from drillsim.api"]


def logged_kinds() -> set[str]:
    """Every event kind the engine and the built-in plugins log (``log.log("kind", …)``,
    ``log.record("kind", …)``), read from the source."""
    kinds = set()
    for path in [*ROOT.joinpath("drillsim").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("log", "record") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.args[0].value.replace("_", "").isalpha()):
                kinds.add(node.args[0].value)
    return kinds


def test_every_logged_event_kind_is_in_the_vocabulary():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    table = docs.split("### 3.3 Event vocabulary", 1)[1].split("###", 1)[0]
    kinds = logged_kinds()
    assert len(kinds) > 40
    assert sorted(k for k in kinds if f"`{k}`" not in table) == []


def test_a_bad_restriction_is_blamed_on_its_plugin(mini, monkeypatch):
    from drillsim.api import PluginFailed

    host = _host(monkeypatch, """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_run_started(sim):
            sim.access_changed("the plugin restricts from the start")

        @hookimpl
        def drillsim_travel_restriction(sim, unit, origin, destination):
            return 5          # nonsense: neither a Restriction nor None
        """)
    sc = load_scenario(mini(SCENARIO), host=host)
    with pytest.raises(PluginFailed) as failed:
        Simulation(sc, host).run()
    assert str(failed.value).startswith("plugin 'kit' failed in drillsim_travel_restriction at "
                                        "scenario time 0.0 min: it returned 5; return a "
                                        "drillsim.api.Restriction, or None for no effect")


def test_run_traceback_shows_the_plugins_own_traceback(mini, tmp_path):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "boom.py"
    plugin.write_text(textwrap.dedent("""\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_run_started(sim):
            return 1 / 0   # the plugin author's bug
        """), encoding="utf-8")
    path = mini(SCENARIO)
    args = ["run", str(path), "-n", "1", "--plugin-module", f"boom={plugin}"]
    plain = CliRunner().invoke(main, args)
    assert plain.exit_code == 1 and "Traceback" not in plain.output
    assert "plugin 'boom' failed in drillsim_run_started" in plain.output
    shown = CliRunner().invoke(main, [*args, "--traceback"])
    assert shown.exit_code == 1
    assert "Traceback (most recent call last)" in shown.output
    assert "return 1 / 0   # the plugin author's bug" in shown.output
    assert "ZeroDivisionError: division by zero" in shown.output


FILTER_SCENARIO = """\
run: {seed: 1, replications: 1, horizon: 10h}
forces:
  - {id: near, type: district_rescue_team, units: 1, base: east_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
  - {id: far, type: district_rescue_team, units: 1, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
hazards:
  - id: script
    type: scripted_incidents
    params:
      incidents:
        - {at: 0min, kind: call, place: east, demand: {people: 1}, on_scene: 10min}
"""


def test_a_filter_narrows_the_candidates_and_the_default_chooses(mini, monkeypatch):
    # without a filter the nearest unit (near, at east itself) goes; with a filter that
    # keeps only the far force, the default's nearest rule picks among what is left:
    # far, 0.2 deg of longitude away at 60 km/h = 22.239 min
    host = _host(monkeypatch, """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_filter_candidates(sim, incident, unmet, candidates):
            return [u for u in candidates if u.force.id == "far"]
        """)
    sc = load_scenario(mini(FILTER_SCENARIO), host=host)
    sim = Simulation(sc, host).run()
    arrived = [(e.unit, round(e.t, 3)) for e in sim.log.events if e.kind == "unit_arrived"]
    assert arrived == [("far", round(0.2 * 6371.0088 * 3.141592653589793 / 180, 3))]


def test_a_filter_naming_a_stranger_is_blamed(mini, monkeypatch):
    from drillsim.api import PluginFailed

    host = _host(monkeypatch, """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_filter_candidates(sim, incident, unmet, candidates):
            return ["someone"]
        """)
    sc = load_scenario(mini(FILTER_SCENARIO), host=host)
    with pytest.raises(PluginFailed) as failed:
        Simulation(sc, host).run()
    assert str(failed.value) == ("plugin 'kit' failed in drillsim_filter_candidates at scenario "
                                 "time 0.0 min: it returned ['someone'], not among the "
                                 "candidates; return a list of the candidates, or None")
