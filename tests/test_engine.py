"""The response cycle, nearest-unit dispatch, queueing and shared work, on a region
small enough to compute every time by hand.

Mini region: townships west (0°, 0°), middle (0°, 0.1°), east (0°, 0.2°) on the equator;
0.1° of longitude there is 6371.0088 km × π/180 × 0.1 = 11.119508 km; circuity 1.0;
car 60 km/h (11.119508 min per 0.1°), slow 30 km/h.
"""

from __future__ import annotations

import math
import re

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario

LEG = 6371.0088 * math.pi / 180 * 0.1  # km between neighbouring townships
CAR = LEG / 60 * 60                     # minutes at 60 km/h
#: a scenario with one unit and no hazard: nothing happens unless a test makes it
QUIET = """\
    run: {horizon: 3h}
    forces:
      - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
    hazards: []
    """


def run(path, host):
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host)
    sim.run()
    return sim


def times(sim, kind, **match):
    return [e.t for e in sim.log.events if e.kind == kind
            and all(getattr(e, k, None) == v or e.details.get(k) == v for k, v in match.items())]


def test_nearest_unit_by_arrival_time(mini, host):
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
          - {id: b, type: district_rescue_team, base: east_base, vehicle: slow, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 10min, kind: call, place: middle, demand: {people: 1}, on_scene: 20min}
        """)
    sim = run(path, host)
    dispatched = [e for e in sim.log.events if e.kind == "unit_dispatched"]
    assert [e.unit for e in dispatched] == ["a"]           # 11.1 min by car beats 22.2 by slow
    assert times(sim, "unit_arrived", unit="a") == pytest.approx([10 + CAR])
    assert times(sim, "incident_completed") == pytest.approx([10 + CAR + 20])
    assert times(sim, "unit_returned", unit="a") == pytest.approx([10 + CAR + 20 + CAR])


def test_turnout_then_travel(mini, host):
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 2min, capabilities: {people: 1}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 0min, kind: call, place: east, demand: {people: 1}, on_scene: 5min}
        """)
    sim = run(path, host)
    assert times(sim, "unit_en_route") == pytest.approx([2.0])
    assert times(sim, "unit_arrived") == pytest.approx([2.0 + 2 * CAR])


def test_queue_when_all_units_busy_and_priority_order(mini, host):
    # one unit; A occupies it 0-30 min; B (priority 3) is called at 1 min, C (priority 1)
    # at 2 min: C is served first when the unit clears at 30, then B at 40.
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 0min, kind: call, place: west, demand: {people: 1}, on_scene: 30min}
                - {at: 1min, kind: call, place: west, demand: {people: 1}, on_scene: 10min, priority: 3}
                - {at: 2min, kind: call, place: west, demand: {people: 1}, on_scene: 10min, priority: 1}
        """)
    sim = run(path, host)
    arrivals = {e.incident: e.t for e in sim.log.events if e.kind == "unit_arrived"}
    assert arrivals == pytest.approx({"I1": 0.0, "I3": 30.0, "I2": 40.0})
    queued = [e.incident for e in sim.log.events if e.kind == "incident_queued"]
    assert queued == ["I2", "I3"]
    done = {e.incident: e.t for e in sim.log.events if e.kind == "incident_completed"}
    assert done == pytest.approx({"I1": 30.0, "I3": 40.0, "I2": 50.0})


def test_two_units_share_the_work(mini, host):
    # demand 10 people for 60 min at full strength; 5 arrive at 0, 5 more after one leg.
    # progress by the second arrival: 0.5 * CAR / 60; the rest at full rate:
    # done = CAR + (1 - 0.5*CAR/60) * 60 = 60 + CAR/2
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 5}}
          - {id: b, type: district_rescue_team, base: middle, vehicle: car, turnout: 0min, capabilities: {people: 5}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 0min, kind: evacuation, place: west, demand: {people: 10}, on_scene: 60min}
        """)
    sim = run(path, host)
    assert times(sim, "incident_completed") == pytest.approx([60 + CAR / 2])
    assert sorted(times(sim, "unit_cleared")) == pytest.approx([60 + CAR / 2] * 2)


def test_unit_redirected_while_returning(mini, host):
    # a goes west->east (2 legs), works 10 min, clears at 2*CAR+10 and heads home; 5 min
    # later a call at middle: a is half a leg... it is at east - 5 min of driving, i.e.
    # 5 km west of east, so 11.1195-5 = 6.1195 km from middle: 6.1195 min more.
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 0min, kind: call, place: east, demand: {people: 1}, on_scene: 10min}
        """)
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host)
    t_clear = 2 * CAR + 10

    def later():
        yield sim.timeout(t_clear + 5)
        sim.create_incident("call", "middle", {"people": 1}, 10)

    sim.start()
    sim.process(later())
    sim.run()
    second = [e.t for e in sim.log.events if e.kind == "unit_arrived" and e.incident == "I2"]
    assert second == pytest.approx([t_clear + 5 + (LEG - 5.0)])
    assert not [e for e in sim.log.events if e.kind == "unit_returned" and e.t < t_clear + 5]


def test_recall_requeues_the_incident(mini, host):
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards: []
        """)
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host)
    sim.start()
    sim.set_auto_dispatch(False)
    inc = sim.create_incident("call", "east", {"people": 1}, 10)
    assert inc.status == "queued"
    unit = sim.units["a"]
    sim.dispatch(unit, inc, by="player")
    assert inc.status == "assigned"
    sim.env.run(until=5)
    sim.recall(unit, by="player")
    sim.env.run(until=6)
    assert inc.status == "queued"
    assert [e.details["cause"] for e in sim.log.events if e.kind == "unit_released"] == ["recall"]
    assert unit.status == "returning" and unit.incident is None
    with pytest.raises(ValueError, match="not on a task"):
        sim.recall(unit)


def test_a_busy_unit_cannot_be_dispatched(mini, host):
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards: []
        """)
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host)
    sim.start()
    first = sim.create_incident("call", "east", {"people": 1}, 10)
    second = sim.create_incident("call", "east", {"people": 1}, 10)
    assert sim.units["a"].incident is first
    with pytest.raises(ValueError, match="not free"):
        sim.dispatch(sim.units["a"], second)


def test_mutual_aid_arrives_after_its_delay(mini, host):
    path = mini("""\
        run: {horizon: 10h}
        forces:
          - {id: local, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
          - {id: aid, type: mutual_aid_team, base: east_base, vehicle: car, capabilities: {people: 1},
             params: {delay: 2h, request_after: 30min}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 0min, kind: call, place: west, demand: {people: 1}, on_scene: 5h}
                - {at: 10min, kind: call, place: east, demand: {people: 1}, on_scene: 20min}
        """)
    sim = run(path, host)
    assert times(sim, "mutual_aid_requested") == pytest.approx([40.0])   # queued at 10 + 30
    assert times(sim, "unit_in_service", unit="aid") == pytest.approx([160.0])
    assert times(sim, "unit_arrived", incident="I2") == pytest.approx([160.0])  # based at east


def test_lost_when_no_queue_is_allowed(mini, host):
    # one unit busy 0-30 min; a no-queue call at 10 min is lost, one at 40 min is served
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards: []
        """)
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host)
    sim.start()

    def calls():
        sim.create_incident("call", "west", {"people": 1}, 30, queue=False)
        yield sim.timeout(10)
        sim.create_incident("call", "west", {"people": 1}, 5, queue=False)
        yield sim.timeout(30)
        sim.create_incident("call", "west", {"people": 1}, 5, queue=False)

    sim.process(calls())
    sim.run()
    assert [(e.t, e.incident) for e in sim.log.events if e.kind == "incident_lost"] == [(10.0, "I2")]
    assert [(e.t, e.incident) for e in sim.log.events if e.kind == "unit_arrived"] == [(0.0, "I1"), (40.0, "I3")]
    assert sim.queue == []


def test_player_mode_sends_nobody_until_switched_on(mini, host):
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
          - {id: b, type: district_rescue_team, base: east_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards: []
        """)
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host, auto_dispatch=False)
    sim.start()
    inc = sim.create_incident("call", "west", {"people": 1}, 10)
    assert inc.status == "queued" and not inc.assigned
    sim.set_auto_dispatch(True, forces=["b"])
    assert [u.id for u in inc.assigned] == ["b"]      # only b's force is automatic


def test_road_cut_stops_a_unit_and_reopening_lets_it_go(mini, host):
    # a leaves west at 0 for east (2 legs = 2*CAR min); roads of east are cut at 5 min:
    # a is stopped 5 km out and drives the 5 km home (there at 10 min); the call waits; at
    # 30 min the roads reopen and a is sent again from its base: 2 legs at 60 km/h
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 0min, kind: call, place: east, demand: {people: 1}, on_scene: 10min}
        """)
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host)
    sim.start()

    def controller():
        yield sim.timeout(5)
        sim.close_roads("east", "bridge out", by="controller")
        yield sim.timeout(25)
        sim.open_roads("east", by="controller")

    sim.process(controller())
    sim.run()
    kinds = [(e.kind, e.t) for e in sim.log.events if e.kind in ("unit_stopped", "unit_arrived")]
    assert kinds[0] == ("unit_stopped", 5.0)
    assert [e.t for e in sim.log.events if e.kind == "unit_returned"][0] == pytest.approx(10.0)
    arrived = [e.t for e in sim.log.events if e.kind == "unit_arrived"]
    assert arrived == pytest.approx([30.0 + 2 * CAR])


def test_a_stalled_run_is_reported_with_what_waits_on_what(mini, host):
    # the call needs a boat and people; only a people unit exists: it arrives at 0 and
    # waits for ever; nothing else is scheduled -> the run stalls at 0 min
    from drillsim.engine.stall import RunStalled

    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 4}}
        hazards:
          - id: s
            type: scripted_incidents
            params:
              incidents:
                - {at: 0min, kind: call, place: west, demand: {people: 4, boats: 1}, on_scene: 10min}
        """)
    sim = Simulation(load_scenario(path, host=host), host)
    with pytest.raises(RunStalled) as err:
        sim.run()
    assert err.value.since == 0.0
    assert err.value.waiting == ["unit a (on scene) at incident I1 (call, west) waits for boats 1, "
                                 "which no free unit can bring"]
    assert sim.log.events[-1].kind == "run_stalled"


def test_a_plugin_process_waiting_for_nothing_stalls_the_run(mini, host):
    from drillsim.engine.stall import RunStalled

    path = mini(QUIET)
    sim = Simulation(load_scenario(path, host=host), host)
    sim.start()

    def waits_for_a_signal():
        yield sim.timeout(5)
        yield sim.event()   # nobody will ever trigger it

    sim.process(waits_for_a_signal())
    with pytest.raises(RunStalled, match=r"(?s)after scenario time 0.0 min.*process "
                                         r"test_a_plugin_process_waiting_for_nothing_stalls_the_run"
                                         r".<locals>.waits_for_a_signal of module tests.test_engine waits on"):
        sim.run()


def test_a_quiet_run_that_ends_normally_is_not_stalled(mini, host):
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [{at: 0min, kind: c, place: east, demand: {people: 1}, on_scene: 5min}]}}
        """)
    sim = run(path, host)
    assert sim.log.events[-1].kind == "run_ended"


@pytest.mark.parametrize("hook", ["drillsim_run_started", "drillsim_run_finished"])
def test_a_plugin_that_hangs_at_the_start_or_end_of_a_run_is_stopped(mini, tmp_path, monkeypatch, hook):
    """The hooks called outside SimPy's events (the run's start and end) are watched as
    the events are: an endless loop in ``drillsim_run_started`` hung the run for ever."""
    import time

    from drillsim.engine.simulation import PluginFailed
    from drillsim.host.pluginhost import PluginHost

    from .conftest import BUILTIN

    plugin = tmp_path / "stuck.py"
    plugin.write_text(
        "import time\n"
        "from drillsim.api import hookimpl\n"
        "DRILLSIM_API = '1.0'\n"
        "@hookimpl\n"
        f"def {hook}(sim):\n"
        "    while True:\n"
        "        time.sleep(0.01)\n", encoding="utf-8")
    host = PluginHost(only=BUILTIN, modules={"stuck": str(plugin)})
    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", "0.4")
    path = mini(QUIET)
    sim = Simulation(load_scenario(path, host=host), host)
    started = time.monotonic()
    at = "0.0" if hook == "drillsim_run_started" else "180.0"
    with pytest.raises(PluginFailed, match=rf"plugin 'stuck' did not return within 0.4 s \(wall clock\) "
                                          rf"at scenario time {at} min: stopped"):
        sim.run()
    assert time.monotonic() - started < 10


def test_a_plugin_that_hangs_is_stopped_by_the_watchdog(mini, host, monkeypatch):
    import time

    from drillsim.engine.simulation import PluginFailed

    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", "0.4")
    path = mini(QUIET)
    sim = Simulation(load_scenario(path, host=host), host)
    sim.start()

    def endless():
        yield sim.timeout(7)
        while True:          # a plugin bug: never yields again
            time.sleep(0.01)

    sim.process(endless())
    started = time.monotonic()
    with pytest.raises(PluginFailed, match=r"did not return within 0.4 s \(wall clock\) at scenario time 7.0 min"):
        sim.run()
    assert time.monotonic() - started < 5


def test_a_short_limit_is_watched_even_after_a_run_with_a_long_one(mini, host, monkeypatch):
    # the process's one watchdog thread was sleeping a quarter of the long limit (15 s)
    # when the short-limit run began: it must look again at once, not after 15 s
    import time

    from drillsim.engine.simulation import PluginFailed

    path = mini(QUIET)
    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", "60")
    slow = Simulation(load_scenario(path, host=host), host)
    slow.start()

    def a_while():
        yield slow.timeout(1)
        time.sleep(0.3)  # long enough for the thread to start its 15 s sleep

    slow.process(a_while())
    slow.run()
    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", "0.4")
    sim = Simulation(load_scenario(path, host=host), host)
    sim.start()

    def endless():
        yield sim.timeout(7)
        while True:
            time.sleep(0.01)

    sim.process(endless())
    started = time.monotonic()
    with pytest.raises(PluginFailed, match=r"did not return within 0.4 s"):
        sim.run()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("hook, answer, says", [
    ("drillsim_choose_units", lambda sim, incident, unmet, candidates: ["ghost-1"],
     r"it returned 'ghost-1', which is not among the free units that can serve I1"),
    ("drillsim_travel_time", lambda sim, unit, origin, destination: -5.0,
     r"it gave the travel time -5.0 for unit a \(west_base → east\) \(minutes must be a number, 0 "
     r"or more; math.inf when unreachable\)"),
    # a string is no number: the plugin that gave it is named, not the dispatch rule that
    # compared it (drillsim.defaults was blamed, with Python's TypeError)
    ("drillsim_travel_time", lambda sim, unit, origin, destination: "10",
     r"it gave the travel time '10' for unit a \(west_base → east\) \(minutes must be a number.*"),
    ("drillsim_travel_time", lambda sim, unit, origin, destination: float("nan"),
     r"it gave the travel time nan for unit a .*"),
    # a test's answer (True was taken for 1 minute, False for 0)
    ("drillsim_travel_time", lambda sim, unit, origin, destination: destination.township == "east",
     r"it gave the travel time True for unit a \(west_base → east\) \(minutes must be a number.*"),
    # an int beyond a float's range passed the check and failed after the hook had
    # returned, in the dispatch rule ranking by it: 'drillsim.defaults' failed in
    # drillsim_choose_units (OverflowError) was blamed
    ("drillsim_travel_time", lambda sim, unit, origin, destination: 10 ** 400,
     r"it gave the travel time 1(0){78}… for unit a \(west_base → east\) \(minutes must be a number.*"),
    # a string is iterable: each letter was taken for a unit ("it returned 'a'")
    # the second dispatch failed inside the engine, blaming whichever plugin's process
    # was running then (the hazard's)
    ("drillsim_choose_units", lambda sim, incident, unmet, candidates: [candidates[0], candidates[0]],
     r"it returned 'a' twice; name each unit once"),
    ("drillsim_choose_units", lambda sim, incident, unmet, candidates: "all",
     r"it returned 'all'; return a list of units taken from the candidates, or None"),
    # unit ids for units: said to be ids (it was "returned 'a', which is not among the
    # free units that can serve I1", while unit a was free and could serve it)
    ("drillsim_choose_units", lambda sim, incident, unmet, candidates: [candidates[0].id],
     r"it returned the unit id 'a' \(text\), not the units themselves \(unit.id is that text\); "
     r"return a list of units taken from the candidates, or None"),
    ("drillsim_filter_candidates", lambda sim, incident, unmet, candidates: [u.id for u in candidates],
     r"it returned the unit id 'a' \(text\), not the units themselves \(unit.id is that text\); "
     r"return a list of the candidates, or None"),
])
def test_a_plugin_answering_nonsense_stops_the_run_naming_plugin_hook_and_time(
        mini, host, hook, answer, says):
    # the call comes at 20 min; the plugin answers first (tryfirst) with nonsense
    import types

    from drillsim.api import hookimpl
    from drillsim.engine.simulation import PluginFailed

    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [{at: 20min, kind: c, place: east, demand: {people: 1}, on_scene: 5min}]}}
        """)
    plugin = types.ModuleType("nonsense")
    setattr(plugin, hook, hookimpl(tryfirst=True)(answer))
    host.pm.register(plugin, name="nonsense")
    try:
        sim = Simulation(load_scenario(path, host=host), host)
        with pytest.raises(PluginFailed) as err:
            sim.run()
    finally:
        host.pm.unregister(name="nonsense")
    assert re.fullmatch(rf"plugin 'nonsense' failed in {hook} at scenario time 20.0 min: {says}",
                        str(err.value))
