"""Two hazards in one scenario: the 2020 flood with the Tianjia chlorine leak during its
evacuation. The leak's first fire appliance is compared with the same leak alone (the
flood switched off), the cause is read from the event log, and Suining's mutual aid is
turned down once the flood warning is out (its own flood).

Distances: great-circle (law of cosines) × circuity 1.4 ÷ 40 km/h, as the region says.
"""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run
from tests.conftest import SCENARIOS

COMPOUND = SCENARIOS / "fujiang_flood_chemical_leak.yaml"
R = 6371.0088
PARK = (30.08963, 105.85665)
SEAT = (30.1782, 105.82991)
LEAK_START = 12 * 60.0


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))


def staging():
    """1 km upwind of the park, the wind blowing from 45°."""
    return (PARK[0] + math.degrees(1.0 * math.cos(math.radians(45)) / R),
            PARK[1] + math.degrees(1.0 * math.sin(math.radians(45)) / (R * math.cos(math.radians(PARK[0])))))


def simulate(host, **overrides):
    sim = Simulation(load_scenario(COMPOUND, host=host, overrides=overrides), host)
    sim.run()
    return sim


def first_appliance(sim):
    call = next(e for e in sim.log.events if e.kind == "incident_created"
                and e.details.get("kind") == "hazmat_support")
    arrived = next(e for e in sim.log.events if e.kind == "unit_arrived" and e.incident == call.incident)
    return call, arrived


@pytest.fixture(scope="module")
def both(host):
    return simulate(host), simulate(host, **{"hazards[0].enabled": False})


def test_the_leak_alone_by_hand(both):
    _, alone = both
    call, arrived = first_appliance(alone)
    assert call.t == pytest.approx(LEAK_START + 10.0)                 # detection 10 min
    # a city station's appliance: 1 min turnout, then the seat -> staging point
    assert arrived.t - call.t == pytest.approx(1.0 + km(SEAT, staging()) * 1.4 / 40 * 60, abs=0.01)


def test_the_flood_delays_the_leaks_first_appliance(both):
    compound, alone = both
    c_call, c_arr = first_appliance(compound)
    a_call, a_arr = first_appliance(alone)
    assert c_call.t == pytest.approx(a_call.t)                        # the same leak, reported alike
    delay = (c_arr.t - c_call.t) - (a_arr.t - a_call.t)
    assert delay > 60.0                                               # more than an hour later
    # the cause: every city appliance was on a flood evacuation when the leak was called in;
    # the first to reach the staging point was sent the moment its evacuation ended
    dispatch = next(e for e in compound.log.events if e.kind == "unit_dispatched"
                    and e.unit == c_arr.unit and e.incident == c_arr.incident)
    cleared = [e for e in compound.log.events if e.kind == "unit_cleared" and e.unit == c_arr.unit
               and e.t <= dispatch.t]
    assert cleared and cleared[-1].t == pytest.approx(dispatch.t)
    evac = compound.incidents[cleared[-1].incident]
    assert evac.kind == "evacuation" and evac.details["township"] in {
        "mixin", "yuxi", "qunli", "shuangjiang", "zitong", "shanghe", "biekou"}
    stations = ("industrial_park_station", "jiangbei_station", "shuangjiang_station")
    busy_at_call = {u.id for u in compound.units.values() if u.force.id in stations}
    for e in compound.log.events:
        if e.t > c_call.t:
            break
        if e.unit in busy_at_call and e.kind == "unit_cleared":
            busy_at_call.discard(e.unit)
    assert len(busy_at_call) == 5                                     # none of the 5 appliances free
    # the wait for a free appliance plus the drive from where it was explains the whole delay
    wait = dispatch.t - c_call.t
    drive = c_arr.t - dispatch.t
    assert wait + drive - (a_arr.t - a_call.t) == pytest.approx(delay)


def test_suining_is_in_flood_and_sends_nobody(both):
    compound, _ = both
    affected = next(e for e in compound.log.events if e.kind == "mutual_aid_affected")
    warning = next(e for e in compound.log.events if e.kind == "warning_issued"
                   and e.details.get("hazard") == "fujiang_2020")
    assert affected.t == warning.t and affected.details["force"] == "suining_aid"
    assert any(e.kind == "mutual_aid_unavailable" and e.details["force"] == "suining_aid"
               for e in compound.log.events)
    assert not any(e.kind == "mutual_aid_requested" and e.details.get("force") == "suining_aid"
                   for e in compound.log.events)
    assert all(u.status == "out_of_service" for u in compound.units.values() if u.force.id == "suining_aid")


def test_one_scorecard_rows_by_hazard_and_combined(host):
    rows = {r.id: r for r in run(load_scenario(COMPOUND, host=host), host, replications=3).rows}
    flood = [r for r in rows.values() if r.title.startswith("Flood:")]
    leak = [r for r in rows.values() if r.title.startswith("Leak:")]
    both = [r for r in rows.values() if r.title.startswith("Both hazards:")]
    assert len(flood) >= 6 and len(leak) >= 4 and len(both) >= 3
    # the leak's evacuations are not the flood's: E1 measures the flood's townships only
    assert {b["label"] for b in rows["E1"].breakdown} <= {
        "mixin", "yuxi", "qunli", "shuangjiang", "zitong", "shanghe", "biekou"} or not rows["E1"].breakdown
    assert rows["F1-wait"].mean > 60.0


def test_hazard_filter_of_the_warning_metric(host):
    from drillsim.scoring.metrics import WarningParams, warning_lead_times
    from drillsim.engine.eventlog import Event

    ev = [Event(0.0, "warning_issued", None, None, {"hazard": "a", "townships": ["x"]}),
          Event(5.0, "warning_issued", None, None, {"hazard": "b", "townships": ["y"]}),
          Event(10.0, "hazard_arrival", None, None, {"hazard": "b", "township": "x", "level": "warning"}),
          Event(20.0, "hazard_arrival", None, None, {"hazard": "b", "township": "y", "level": "warning"})]
    assert warning_lead_times(ev, None, WarningParams(hazards=["b"])) == [("x (no warning)", 0.0), ("y", 15.0)]
    assert warning_lead_times(ev, None, WarningParams()) == [("x", 10.0), ("y", 15.0)]
