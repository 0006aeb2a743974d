"""Engine rules a user can state (issue 19, class 5): the horizon, comparisons at the
threshold, demand no unit can meet, orders given from inside a unit's own process, and
response time after a recall. Mini region as in test_engine.py: neighbouring townships
are LEG = 11.119508 km apart, CAR = 11.119508 min at 60 km/h."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.engine.simulation import Simulation
from drillsim.engine.stall import RunawayRun
from drillsim.errors import ValidationFailed
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.metrics import MetricContext, ResponseParams, response_times
from drillsim.scoring.scorecard import meets

LEG = 6371.0088 * math.pi / 180 * 0.1
CAR = LEG  # minutes at 60 km/h

ONE_UNIT = """\
    forces:
      - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
"""


def scripted(*incidents: str, horizon: str = "3h", forces: str = ONE_UNIT) -> str:
    lines = "\n".join(f"            - {i}" for i in incidents)
    return f"""\
    run: {{horizon: {horizon}}}
{forces}    hazards:
      - id: s
        type: scripted_incidents
        params:
          incidents:
{lines}
"""


def run(path, host) -> Simulation:
    sim = Simulation(load_scenario(path, host=host), host)
    sim.run()
    return sim


# ------------------------------------------------------------------ the horizon
def test_an_incident_at_or_after_the_horizon_is_refused_at_validate(mini, host):
    for at in ("3h", "200min"):
        path = mini(scripted(f"{{at: {at}, kind: call, place: east, demand: {{people: 1}}, on_scene: 5min}}"))
        with pytest.raises(ValidationFailed, match=r"incidents\[0\]\.at.*at or after the end of the run \(horizon 180 min\)"):
            load_scenario(path, host=host)


def test_an_event_exactly_at_the_horizon_does_not_happen(mini, host):
    # called at 0, unit arrives at CAR, works 180 min - CAR: completion due exactly at 3 h
    path = mini(scripted(f"{{at: 0min, kind: call, place: middle, demand: {{people: 1}}, on_scene: {180 - CAR!r}min}}"))
    sim = run(path, host)
    kinds = [e.kind for e in sim.log.events]
    assert "unit_arrived" in kinds and "incident_completed" not in kinds
    assert sim.log.events[-1].kind == "run_ended" and sim.log.events[-1].t == 180.0


# ------------------------------------------------------------------ thresholds
@pytest.mark.parametrize("value, comparison, threshold, expected", [
    (0.1 + 0.2, "<=", 0.3, True),         # 0.30000000000000004 is 0.3 for a target
    (5.000000000001, "<=", 5.0, True),
    (5.001, "<=", 5.0, False),
    (0.3, ">=", 0.1 + 0.2, True),
    (0.1 + 0.2, "<", 0.3, False),         # equal within tolerance: not strictly less
    (4.99, "<", 5.0, True),
    (0.3, ">", 0.1 + 0.2, False),
    (120.0 * (1 + 1e-12), "<=", 120.0, True),
])
def test_a_value_at_the_threshold_compares_as_equal(value, comparison, threshold, expected):
    assert meets(value, comparison, threshold) is expected


# ------------------------------------------------------------------ unservable demand
def test_demand_no_unit_of_the_scenario_brings_is_warned_at_validate(mini, host):
    path = mini(scripted("{at: 10min, kind: call, place: east, demand: {boats: 1}, on_scene: 5min}"))
    warnings = [str(w) for w in load_scenario(path, host=host).warnings]
    assert any("hazards[0].params.incidents[0].demand.boats: needs boats; no unit of this scenario "
               "brings boats to 'call' incidents, so this demand will wait to the end of the run" in w
               for w in warnings), warnings


def test_demand_no_unit_can_meet_at_run_time_is_reported(mini, host):
    # the only boat unit is out of its area (home township west) for an incident at east:
    # valid at load time (a unit brings boats to calls), unservable at east
    forces = """\
    forces:
      - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
      - {id: boat, type: water_rescue_team, base: west_base, vehicle: car, turnout: 0min, area: home, capabilities: {boats: 1}}
"""
    path = mini(scripted("{at: 10min, kind: call, place: east, demand: {boats: 1}, on_scene: 5min}",
                         "{at: 20min, kind: call, place: middle, demand: {people: 1}, on_scene: 5min}",
                         forces=forces))
    sim = run(path, host)
    found = [e for e in sim.log.events if e.kind == "incident_unservable"]
    assert len(found) == 1 and found[0].incident == "I1"
    assert found[0].details["needs"] == ["boats"]
    assert "no unit of the scenario can bring boats" in found[0].details["reason"]
    assert any(e.kind == "unit_arrived" and e.incident == "I2" for e in sim.log.events)  # the run went on
    result = CliRunner().invoke(main, ["run", str(path), "-n", "2"])
    assert result.exit_code == 0, result.output
    assert "warning: incident I1 (call at east) needs boats; no unit of the scenario can bring boats " \
           "there (2 of 2 replications)" in result.output


# ------------------------------------------------------------------ orders from inside
def test_a_unit_recalled_by_a_subscriber_of_its_own_arrival(mini, host):
    path = mini(scripted("{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 30min}"))
    sim = Simulation(load_scenario(path, host=host), host)
    unit = sim.units["a-1"] if "a-1" in sim.units else next(iter(sim.units.values()))
    recalled = []

    def recall_once(event):
        if not recalled:
            recalled.append(event.t)
            sim.recall(unit, by="test")

    sim.log.subscribe("unit_arrived", recall_once)
    sim.run()
    kinds = [(e.kind, e.t) for e in sim.log.events if e.unit == unit.id]
    assert ("unit_recalled", pytest.approx(CAR)) in kinds
    released = [e for e in sim.log.events if e.kind == "unit_released"]
    assert released and released[0].t == pytest.approx(CAR) and released[0].details["cause"] == "recall"


def test_a_unit_broken_down_by_a_subscriber_of_its_own_dispatch(mini, host):
    path = mini(scripted("{at: 0min, kind: call, place: east, demand: {people: 1}, on_scene: 30min}"))
    sim = Simulation(load_scenario(path, host=host), host)
    unit = next(iter(sim.units.values()))
    sim.log.subscribe("unit_en_route", lambda e: unit.status != "out_of_service" and sim.break_down(unit, by="test"))
    sim.run()
    kinds = [e.kind for e in sim.log.events if e.unit == unit.id]
    assert "unit_arrived" not in kinds and "unit_out_of_service" in kinds
    assert unit.status == "out_of_service"


# ------------------------------------------------------------------ response after recall
def test_dispatch_to_arrival_counts_from_the_dispatch_of_the_unit_that_arrived(mini, host):
    forces = """\
    forces:
      - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
      - {id: b, type: district_rescue_team, base: east_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
"""
    path = mini(scripted("{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 30min}",
                         forces=forces))
    sc = load_scenario(path, host=host)
    sim = Simulation(sc, host)
    sim.set_auto_dispatch(False)
    units = {u.force.id: u for u in sim.units.values()}
    incidents = []
    sim.log.subscribe("incident_created", lambda e: incidents.append(e.incident))

    def orders(env_sim):
        yield env_sim.timeout(1)
        incident = env_sim.incidents[incidents[0]]
        env_sim.dispatch(units["a"], incident, by="player")
        yield env_sim.timeout(4)
        env_sim.recall(units["a"], by="player")
        yield env_sim.timeout(5)
        env_sim.dispatch(units["b"], incident, by="player")

    sim.start()
    sim.process(orders(sim))
    sim.run()
    ctx = MetricContext(horizon=sc.horizon)
    got = response_times(sim.log.events, ctx, ResponseParams(interval="dispatch_to_arrival"))
    assert got == [(incidents[0], pytest.approx(CAR))]      # b: dispatched at 10, arrived at 10 + CAR
    got = response_times(sim.log.events, ctx, ResponseParams(interval="call_to_dispatch"))
    assert got == [(incidents[0], pytest.approx(1.0))]      # the first dispatch order


# ------------------------------------------------------------------ runaway work
def test_calls_arriving_faster_than_units_serve_them_stop_the_run(mini, host):
    # 60 calls an hour, each 1 h of work, one unit: the queue grows by ~59 an hour
    path = mini("""\
        run: {horizon: 2d, max_queued: 50}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - id: p
            type: poisson_incidents
            params: {rate: 60/h, places: [east], demand: {people: 1}, on_scene_mean: 1h}
        """)
    sim = Simulation(load_scenario(path, host=host), host)
    with pytest.raises(RunawayRun, match=r"more than 50 incidents wait for units at scenario time .* raise run.max_queued"):
        sim.run()
    result = CliRunner().invoke(main, ["run", str(path), "-n", "1"])
    assert result.exit_code == 1 and "run failed: more than 50 incidents wait" in result.output
    assert "Traceback" not in result.output


def test_a_loop_of_events_at_one_instant_stops_the_run(mini, host, monkeypatch):
    # a subscriber that recalls the unit whenever it arrives: it is sent again from where it
    # stands (0 min away), arrives, is recalled … all at one instant
    monkeypatch.setattr("drillsim.engine.eventlog.MAX_EVENTS_AT_ONE_INSTANT", 2_000)
    path = mini(scripted("{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 30min}"))
    sim = Simulation(load_scenario(path, host=host), host)
    unit = next(iter(sim.units.values()))
    sim.log.subscribe("unit_arrived", lambda e: sim.recall(unit, by="test"))
    with pytest.raises(RunawayRun, match=r"more than 2,000 events at scenario time 11.1 min without the clock moving"):
        sim.run()


def test_a_slow_loop_at_one_instant_is_stopped_by_the_watchdog(mini, host, monkeypatch):
    import time

    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", "0.4")
    path = mini(scripted("{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 30min}"))
    sim = Simulation(load_scenario(path, host=host), host)

    def spinning():
        while True:  # logs, but never lets the clock move
            sim.log.log("spin")
            time.sleep(0.002)
            yield sim.timeout(0)

    sim.start()
    sim.process(spinning())
    with pytest.raises(RunawayRun, match=r"the clock has stood at scenario time 0.0 min for 0.4 s of wall time"):
        sim.run()


def test_a_unit_broken_down_by_a_subscriber_of_its_return_home(mini, host):
    # the breakdown comes as the unit's process ends: it is still carried out
    path = mini(scripted("{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 10min}"))
    sim = Simulation(load_scenario(path, host=host), host)
    unit = next(iter(sim.units.values()))
    sim.log.subscribe("unit_returned", lambda e: sim.break_down(unit, by="test"))
    sim.run()
    assert unit.status == "out_of_service"
    assert [e.kind for e in sim.log.events if e.unit == unit.id][-2:] == ["unit_breakdown", "unit_out_of_service"]
