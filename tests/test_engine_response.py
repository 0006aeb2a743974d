"""A unit's response cycle on its way home (drillsim.engine.response): sent again from
where it is, held while its way home is closed, taken out of service and back. Mini
region as in test_engine.py: neighbouring townships are LEG = 11.119508 km apart on the
equator, CAR = 11.119508 min at 60 km/h (circuity 1); a point part of the way along a
trip is interpolated in longitude, so a unit half way home from ``middle`` (lon 0.1) to
``west_base`` (lon 0.0) is at lon 0.05, 1.5 LEG from ``east`` (lon 0.2)."""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario

LEG = 6371.0088 * math.pi / 180 * 0.1
CAR = LEG  # minutes at 60 km/h

BODY = """\
    run: {{horizon: 6h}}
    forces:
      - {{id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {{people: 1}}}}
    hazards:
      - id: s
        type: scripted_incidents
        params:
          incidents:
{incidents}
"""


def simulation(mini, host, *incidents: str) -> tuple[Simulation, object]:
    lines = "\n".join(f"            - {i}" for i in incidents)
    sim = Simulation(load_scenario(mini(BODY.format(incidents=lines)), host=host), host)
    return sim, next(iter(sim.units.values()))


def at(sim, minutes: float, action) -> None:
    """Call ``action()`` at scenario time ``minutes`` (a plugin's process would)."""
    def wait():
        yield sim.timeout(minutes)
        action()
    sim.process(wait())


def times(sim, unit_id: str, kind: str) -> list[float]:
    return [e.t for e in sim.log.events if e.unit == unit_id and e.kind == kind]


def test_a_unit_sent_again_on_its_way_home_sets_out_from_where_it_is(mini, host):
    # clears middle at CAR + 10, half way home at CAR + 10 + CAR/2 a call at east: no
    # turnout (already on the road), 1.5 LEG to go, 10 min there, then 2 LEG home
    t_b = CAR + 10 + CAR / 2
    sim, unit = simulation(mini, host,
                           "{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 10min}",
                           f"{{at: {t_b!r}min, kind: call, place: east, demand: {{people: 1}}, on_scene: 10min}}")
    sim.run()
    assert times(sim, unit.id, "unit_arrived") == pytest.approx([CAR, t_b + 1.5 * CAR])
    assert times(sim, unit.id, "unit_returned") == pytest.approx([t_b + 1.5 * CAR + 10 + 2 * CAR])
    assert unit.status == "available" and unit.location is unit.base


def test_a_unit_whose_way_home_is_closed_waits_until_it_opens(mini, host):
    # on scene at middle from CAR to CAR + 10; middle's roads cut at CAR + 5 and reopened
    # at 60: held at middle from CAR + 10, home at 60 + CAR
    sim, unit = simulation(mini, host,
                           "{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 10min}")
    at(sim, CAR + 5, lambda: sim.close_roads("middle", "test"))
    at(sim, 60.0, lambda: sim.open_roads("middle"))
    sim.run()
    held = [e for e in sim.log.events if e.kind == "unit_held"]
    assert [(e.t, e.details["place"]) for e in held] == [(pytest.approx(CAR + 10), "middle")]
    assert times(sim, unit.id, "unit_returned") == pytest.approx([60.0 + CAR])


def test_a_unit_taken_out_of_service_on_its_way_home_stops_there_and_goes_on_later(mini, host):
    # half way home (lon 0.05) at CAR + 10 + CAR/2 it is stood down there; back in service
    # at 100 it drives the other half (CAR/2) home
    sim, unit = simulation(mini, host,
                           "{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 10min}")
    at(sim, CAR + 10 + CAR / 2, lambda: sim.set_in_service(unit, False, "crew change"))
    seen = {}

    def back():
        seen["status"], seen["lon"] = unit.status, unit.location.lon
        sim.set_in_service(unit, True, "crew back")
    at(sim, 100.0, back)
    sim.run()
    assert seen == {"status": "out_of_service", "lon": pytest.approx(0.05)}
    kinds = [e.kind for e in sim.log.events if e.unit == unit.id]
    assert kinds[-3:] == ["unit_out_of_service", "unit_in_service", "unit_returned"]
    assert times(sim, unit.id, "unit_out_of_service") == pytest.approx([CAR + 10 + CAR / 2])
    assert times(sim, unit.id, "unit_returned") == pytest.approx([100.0 + CAR / 2])


def test_an_ended_task_cannot_be_interrupted_and_a_task_cannot_interrupt_itself(mini, host):
    sim, unit = simulation(mini, host,
                           "{at: 0min, kind: call, place: middle, demand: {people: 1}, on_scene: 10min}")
    refused = []

    def on_arrival(event):
        try:
            unit.process.interrupt("test")
        except RuntimeError as exc:
            refused.append(str(exc))
    sim.log.subscribe("unit_arrived", on_arrival)
    sim.run()
    assert refused == ["A process is not allowed to interrupt itself."]
    assert not unit.process.is_alive
    with pytest.raises(RuntimeError, match="has terminated and cannot be interrupted"):
        unit.process.interrupt("late")
