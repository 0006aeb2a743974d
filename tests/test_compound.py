"""Two hazards in one scenario: the 2020 flood with the Tianjia chlorine leak during its
evacuation, the plan's forces as the plan completes them (the Tianjia station built). The
leak's first fire appliance is compared with the same leak alone (the flood switched off);
both times and the delay are worked out by hand, the cause is read from the event log and
named in the report, and Suining's mutual aid is turned down once the flood warning is out.

By hand, from the models' documented rules:

- travel: great-circle km (law of cosines) × circuity 1.4 ÷ 40 km/h, as the region says; a
  fire appliance turns out in 1 min from its station, at once from an incident it clears;
- the staging point lies 1 km upwind of the park (the wind from 45°);
- an evacuation of P people demands ceil(P / 100) rescuers and 300 min of work at full
  staffing, progressing at min(1, rescuers on scene / demand) (engine incidents); its
  units clear together when it is done.
"""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.report.markdown import render
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run
from tests.conftest import SCENARIOS

COMPOUND = SCENARIOS / "fujiang_flood_chemical_leak.yaml"
R = 6371.0088
PARK = (30.08963, 105.85665)          # the Tianjia station is placed there too
SHUANGJIANG = (30.21754, 105.7452)
JIANGBEI = (30.19, 105.83)
LEAK_START = 12 * 60.0
APPLIANCES = ("industrial_park_station", "jiangbei_station", "shuangjiang_station", "tianjia_station")


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def drive(a, b):
    return km(a, b) * 1.4 / 40 * 60


def staging():
    """1 km upwind of the park, the wind blowing from 45°."""
    return (PARK[0] + math.degrees(1.0 * math.cos(math.radians(45)) / R),
            PARK[1] + math.degrees(1.0 * math.sin(math.radians(45)) / (R * math.cos(math.radians(PARK[0])))))


def finish(order, demand, arrivals, work=300.0):
    """When an evacuation ordered at ``order`` ends, units arriving [(minute, rescuers)]."""
    done, t, on = 0.0, order, 0.0
    for when, people in sorted(arrivals):
        rate = min(1.0, on / demand)
        if rate > 0 and done + rate * (when - t) >= work:
            return t + (work - done) / rate
        done += rate * (when - t)
        t, on = when, on + people
    return t + (work - done) / min(1.0, on / demand)


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
    # the planned Tianjia station at the park: 1 min turnout, then 1 km to the staging point
    assert arrived.unit == "tianjia_station"
    assert arrived.t - call.t == pytest.approx(1.0 + drive(PARK, staging()), abs=1e-6)   # 3.1 min


def test_the_flood_delays_the_leaks_first_appliance_by_hand(both):
    compound, alone = both
    c_call, c_arr = first_appliance(compound)
    a_call, a_arr = first_appliance(alone)
    assert c_call.t == pytest.approx(a_call.t)                        # the same leak, reported alike
    # the cause: at the call every one of the six appliances is on a flood evacuation
    doing = {}
    for e in compound.log.events:
        if e.t > c_call.t:
            break
        if e.unit and e.unit.startswith(APPLIANCES):
            if e.kind == "unit_dispatched":
                doing[e.unit] = e.incident
            elif e.kind == "unit_cleared":
                doing[e.unit] = None
    assert len(doing) == 6 and all(compound.incidents[i].kind == "evacuation" for i in doing.values())
    # the first freed is Shuangjiang's appliance, at the end of Shuangjiang's evacuation:
    # 3,055 people, 31 rescuers; the station's appliance at once (travel 0), the township
    # team after its 15 min turnout, Jiangbei's first appliance from the city
    evac = compound.incidents[doing["shuangjiang_station"]]
    t0 = evac.created
    assert evac.details["township"] == "shuangjiang" and evac.demand == {"people": 31.0}
    sent = sorted(e.unit for e in compound.log.events if e.kind == "unit_dispatched" and e.incident == evac.id)
    assert sent == ["jiangbei_station-1", "shuangjiang_station", "township_teams.shuangjiang"]
    end = finish(t0, 31, [(t0 + 1, 6), (t0 + 15, 20), (t0 + 1 + drive(JIANGBEI, SHUANGJIANG), 6)])
    freed = {e.unit: e.t for e in compound.log.events if e.kind == "unit_cleared" and e.unit in doing
             and e.incident == doing[e.unit]}
    assert freed["shuangjiang_station"] == pytest.approx(end, abs=1e-6)
    assert min(freed, key=freed.get) == "shuangjiang_station"
    # it goes straight from Shuangjiang to the staging point, 17.7 km away
    assert c_arr.unit == "shuangjiang_station"
    assert c_arr.t == pytest.approx(end + drive(SHUANGJIANG, staging()), abs=1e-6)
    # the delay against the leak alone: about 154 min (120 min waiting, 37 min driving
    # instead of Tianjia's 3.1)
    hand = (end + drive(SHUANGJIANG, staging()) - c_call.t) - (1.0 + drive(PARK, staging()))
    delay = (c_arr.t - c_call.t) - (a_arr.t - a_call.t)
    assert delay == pytest.approx(hand, abs=1e-6)
    assert hand == pytest.approx(154.3, abs=0.1)


def test_the_report_names_the_cause(host, both):
    compound, _ = both
    t0 = next(e.t for e in compound.log.events if e.kind == "incident_created"
              and e.details.get("kind") == "evacuation" and e.details.get("township") == "shuangjiang")
    end = finish(t0, 31, [(t0 + 1, 6), (t0 + 15, 20), (t0 + 1 + drive(JIANGBEI, SHUANGJIANG), 6)])
    outcome = run(load_scenario(COMPOUND, host=host), host, replications=1)
    text = render(outcome)
    section = text.split("## Between hazards", 1)[1].split("\n## ", 1)[0]
    row = next(line for line in section.splitlines() if "hazmat_support (tianjia_chlorine)" in line)
    # waited from the call (19:10) until Shuangjiang's evacuation ended (by hand, 120.3 min),
    # both appliances it got having been on flood evacuations
    assert "shuangjiang_station" in row and "evacuation at Shuangjiang" in row and "fujiang_2020" in row
    assert f"| {end - (LEAK_START + 10):.1f} min |" in row and "19:10" in row and "2 of 2" in row


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
