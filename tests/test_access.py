"""Hazards that change the map: closures and slow-downs through the
``drillsim_travel_restriction`` hook, asked when a unit sets out and again for units on
the road when a hazard's access changes (re-routed or stopped), and units waiting for
their way home.

A small test plugin provides a ``road_closure`` hazard: from ``start`` (until ``end``) a
township is closed to units without ``allowed`` capability, or (with ``factor``) trips
into it are slowed. Times are worked out by hand on the mini region (0.1° of longitude on
the equator = 11.119508 km; car 60 km/h, slow 30 km/h; circuity 1).
"""

from __future__ import annotations

import math
import sys
import types

import pluggy
import pytest

from drillsim.api import Strict
from drillsim.engine.access import Restriction, combine
from drillsim.engine.simulation import Simulation
from drillsim.host.pluginhost import PluginHost
from drillsim.host.registry import HazardType
from drillsim.scenario.loader import load_scenario
from tests.conftest import BUILTIN

hookimpl = pluggy.HookimplMarker("drillsim")
LEG_MIN = 6371.0088 * math.pi / 180 * 0.1  # minutes by car (60 km/h) between neighbours


class ClosureParams(Strict):
    township: str
    start: float
    end: float | None = None
    factor: float | None = None
    allowed: str = "boats"


_ACTIVE: dict = {}


def _start(sim, hazard):
    p = hazard.params
    _ACTIVE[sim] = (p, False)

    def run():
        yield sim.timeout(p.start)
        _ACTIVE[sim] = (p, True)
        sim.access_changed(f"{p.township} closed")
        if p.end is not None:
            yield sim.timeout(p.end - p.start)
            _ACTIVE[sim] = (p, False)
            sim.access_changed(f"{p.township} open")

    sim.process(run())


@hookimpl
def drillsim_register_hazard_types(register):
    register(HazardType("road_closure", "test closure", ClosureParams, _start))


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    p, on = _ACTIVE.get(sim, (None, False))
    if not on or destination.township != p.township or origin.township == p.township:
        return None
    if p.factor is not None:
        return Restriction(factor=p.factor, reason="slow")
    if unit.capabilities.get(p.allowed, 0) > 0:
        return None
    return Restriction(closed=True, reason=f"{p.township} closed")


@pytest.fixture(scope="module")
def closure_host():
    module = types.ModuleType("closure_test_plugin")
    module.drillsim_register_hazard_types = drillsim_register_hazard_types
    module.drillsim_travel_restriction = drillsim_travel_restriction
    sys.modules["closure_test_plugin"] = module
    try:
        yield PluginHost(only=BUILTIN, modules={"closure": "closure_test_plugin"})
    finally:
        del sys.modules["closure_test_plugin"]


FORCES = """\
forces:
  - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
  - {id: b, type: district_rescue_team, base: east_base, vehicle: slow, turnout: 0min, capabilities: {people: 1, boats: 1}}
"""


def scenario(mini, closure: str | None, call_at: str = "10min", work: str = "5min"):
    body = "run: {horizon: 3h}\n" + FORCES + "hazards:\n"
    body += (f"  - {{id: s, type: scripted_incidents, params: {{incidents: [{{at: {call_at}, kind: call, "
             f"place: middle, demand: {{people: 1}}, on_scene: {work}}}]}}}}\n")
    if closure:
        body += f"  - {{id: c, type: road_closure, params: {closure}}}\n"
    return mini(body)


def run(path, host):
    sim = Simulation(load_scenario(path, host=host), host)
    sim.run()
    return sim


def events(sim, kind):
    return [e for e in sim.log.events if e.kind == kind]


def test_restrictions_combine():
    assert combine([None, None]).apply(10.0) == 10.0
    slow = combine([Restriction(factor=1.5, reason="x"), Restriction(factor=1.2), None])
    assert slow.apply(10.0) == pytest.approx(15.0)
    assert math.isinf(combine([Restriction(factor=2.0), Restriction(closed=True, reason="shut")]).apply(10.0))
    with pytest.raises(ValueError):
        Restriction(factor=0.5)
    with pytest.raises(TypeError):
        combine([3.0])


def test_a_closure_changes_the_dispatch(mini, closure_host):
    # open: the car from west (11.12 min) beats the slow boat unit from east (22.24 min)
    sim = run(scenario(mini, None), closure_host)
    assert [e.unit for e in events(sim, "unit_dispatched")] == ["a"]
    # middle closed to units without boats from the start: the boat unit goes instead
    sim = run(scenario(mini, "{township: middle, start: 0}"), closure_host)
    assert [e.unit for e in events(sim, "unit_dispatched")] == ["b"]
    assert [e.t for e in events(sim, "unit_arrived")] == pytest.approx([10 + 2 * LEG_MIN])


def test_a_unit_on_the_road_is_stopped_and_another_sent(mini, closure_host):
    # a sets out at 10 for 11.12 min; middle closes at 15: a stops 5 min from its base,
    # the incident goes back in the queue and b (with a boat) is sent at 15
    sim = run(scenario(mini, "{township: middle, start: 15}"), closure_host)
    stopped = events(sim, "unit_stopped")
    assert [(e.unit, e.t) for e in stopped] == [("a", pytest.approx(15.0))]
    assert [(e.unit, e.t) for e in events(sim, "unit_dispatched")] == [("a", 10.0), ("b", pytest.approx(15.0))]
    assert [(e.unit, e.t) for e in events(sim, "unit_arrived")] == [("b", pytest.approx(15 + 2 * LEG_MIN))]
    released = events(sim, "unit_released")
    assert released[0].unit == "a" and released[0].details["cause"] == "route closed"
    # a drives back the 5 minutes it had covered
    assert [e.t for e in events(sim, "unit_returned") if e.unit == "a"] == [pytest.approx(20.0)]


def test_a_unit_on_the_road_is_rerouted_when_roads_slow_down(mini, closure_host):
    # trips into middle take twice as long from 15: a has 11.12 - 5 = 6.12 min left -> 12.24
    sim = run(scenario(mini, "{township: middle, start: 15, factor: 2.0}"), closure_host)
    rerouted = events(sim, "unit_rerouted")
    assert [(e.unit, e.t) for e in rerouted] == [("a", pytest.approx(15.0))]
    assert rerouted[0].details["travel"] == pytest.approx(2 * (LEG_MIN - 5))
    assert [e.t for e in events(sim, "unit_arrived")] == pytest.approx([15 + 2 * (LEG_MIN - 5)])


def test_a_unit_waits_while_its_way_home_is_closed(mini, closure_host):
    # a reaches middle at 21.12, works 5 min; west (its base) is closed from 20 to 60 for
    # units without boats: a waits at middle until 60, then drives home (11.12 min)
    sim = run(scenario(mini, "{township: west, start: 20, end: 60}"), closure_host)
    held = events(sim, "unit_held")
    assert [(e.unit, e.t) for e in held] == [("a", pytest.approx(10 + LEG_MIN + 5))]
    assert [e.t for e in events(sim, "unit_returned") if e.unit == "a"] == [pytest.approx(60 + LEG_MIN)]


def test_complete_incident_ends_the_work_and_clears_units(mini, host):
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 1}}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 10h}]}}
        """)
    sim = Simulation(load_scenario(path, host=host), host)
    sim.run(until=30)
    (incident,) = sim.incidents.values()
    sim.complete_incident(incident, reason="over")
    sim.run()
    done = events(sim, "incident_completed")
    assert [(e.t, e.details["reason"]) for e in done] == [(pytest.approx(30.0), "over")]
    assert [e.t for e in events(sim, "unit_returned")] == [pytest.approx(30 + LEG_MIN)]


def test_flooded_township_reachable_only_with_boats(host):
    """Fujiang 2020: once Mixin floods, a road unit without boats cannot be sent there; a
    squad with a boat and the helicopter can."""
    from tests.conftest import FLOOD

    sim = Simulation(load_scenario(FLOOD, host=host), host)
    flooded_at = None

    def note(e):
        nonlocal flooded_at
        if e.details.get("township") == "mixin" and e.details.get("level") == "impact" and flooded_at is None:
            flooded_at = e.t

    sim.log.subscribe("hazard_arrival", note)
    sim.run(until=20 * 60)
    assert flooded_at is not None and flooded_at < sim.now
    mixin = sim.region.place("mixin")
    no_boat = sim.units["township_teams.yuxi"]            # 20 people, no boats
    with_boat = sim.units["district_team-1"]                # a squad with a boat
    heli = sim.units["helicopters"]
    assert math.isinf(sim.travel_time(no_boat, no_boat.base, mixin))
    assert math.isfinite(sim.travel_time(with_boat, with_boat.base, mixin))
    assert math.isfinite(sim.travel_time(heli, heli.base, mixin))
    # Mixin's own team, already inside, may still work there
    own = sim.units["township_teams.mixin"]
    assert sim.travel_time(own, own.base, mixin) == 0.0
