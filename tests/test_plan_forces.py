"""The plan's forces scored by rows of their own (plan items P2, P12, P13, P14 in the 2020
Fujiang flood), each value checked against a hand calculation from the scenario's stated
figures and the region's travel rule.

By hand: every team of the flood is based at the district seat (30.1782 N, 105.82991 E:
the district rescue base and the city riverside boat base, region file), and the Zitong
evacuation, the first the teams are sent to, is at the same seat; travel is great-circle
km × circuity 1.4 ÷ 40 km/h (rescue vehicles), so 0 min there. The volunteer teams turn
out in 30 min by day and 60 min from 22:00 to 07:00 (the scenario's ``turnout_by_time``).
"""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run
from tests.conftest import FLOOD

R = 6371.0088
SEAT = (30.1782, 105.82991)
SHUANGJIANG = (30.21754, 105.7452)   # the Shuangjiang town seat (region file)


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def drive(a, b, kmh=40.0):
    return km(a, b) * 1.4 / kmh * 60


def rows(host, replications=2, **overrides):
    return {r.id: r for r in run(load_scenario(FLOOD, host=host, overrides=overrides or None), host,
                                 replications=replications).rows}


@pytest.fixture(scope="module")
def day(host):
    return rows(host)


def test_the_rows_score_their_items(host):
    sc = load_scenario(FLOOD, host=host)
    items = {t.id: list(t.plan_items) for t in sc.targets}
    assert items["R1"] == ["P12"] and items["D1"] == ["P2"]
    assert items["V1"] == ["P13"] and items["V2"] == ["P14"]


def test_volunteer_call_up_by_day_and_at_night(host, day):
    # by day (the evacuation order about 16:00): 30 min assembly + 0 min to the seat
    assert day["V1"].values == [pytest.approx(30.0 + drive(SEAT, SEAT))] * 2
    assert day["V2"].values == [pytest.approx(30.0)] * 2
    assert day["V1"].status == "pass"
    # the same flood 9 h later: the orders fall about 01:00, in the night band. The
    # nearest-first dispatch then prefers the township teams (15-30 min) to volunteers
    # needing an hour, so they are sent only when the township teams are not there
    night = rows(host, start="2020-08-16T16:00+08:00")
    assert night["V1"].status == "not measured"
    night = rows(host, start="2020-08-16T16:00+08:00", **{"forces.township_teams.enabled": False})
    # then the nearest evacuation needing them is Shuangjiang's: an hour's assembly and
    # 9.2 km (straight) to its seat, and the call-up standard is missed
    assert night["V1"].values == [pytest.approx(60.0 + drive(SEAT, SHUANGJIANG))] * 2
    assert night["V1"].values[0] == pytest.approx(79.4, abs=0.05)
    assert night["V1"].status == "fail"


def test_the_district_team_has_no_crew_free_for_hours(host, day):
    """D1 by a second reckoning: the union of the spans in which all three crews were
    between a dispatch and their clearing (or release), from the raw log."""
    sc = load_scenario(FLOOD, host=host)
    for rep in range(2):
        sim = Simulation(sc, host, replication=rep)
        sim.run()
        busy, total, since = set(), 0.0, None
        for e in sim.log.events:
            if not (e.unit or "").startswith("district_team"):
                continue
            if e.kind == "unit_dispatched":
                busy.add(e.unit)
            elif e.kind in ("unit_cleared", "unit_released"):
                busy.discard(e.unit)
            else:
                continue
            if len(busy) == 3 and since is None:
                since = e.t
            elif len(busy) < 3 and since is not None:
                total, since = total + e.t - since, None
        if since is not None:
            total += sim.horizon - since
        assert day["D1"].values[rep] == pytest.approx(total / 60.0)
        # all three crews go to the Zitong evacuation at its order and stay on it for hours
        first = [e for e in sim.log.events if e.kind == "unit_dispatched" and e.unit.startswith("district_team")][:3]
        assert {sim.incidents[e.incident].kind for e in first} == {"evacuation"}
    assert day["D1"].status == "fail" and day["D1"].mean > 3.0


def finish(order, demand, arrivals, work=300.0):
    """When an evacuation ordered at ``order`` ends, for units arriving [(minute, rescuers)]:
    it needs ``work`` minutes at full staffing (100 residents per rescuer at 20 an hour:
    5 h) and progresses at min(1, rescuers on scene / demand) (the engine's incidents)."""
    done, t, on = 0.0, order, 0.0
    for when, people in sorted(arrivals):
        rate = min(1.0, on / demand)
        if rate > 0 and done + rate * (when - t) >= work:
            return t + (work - done) / rate
        done += rate * (when - t)
        t, on = when, on + people
    return t + (work - done) / min(1.0, on / demand)


def test_the_district_teams_first_hours_on_the_zitong_evacuation_by_hand(host, day):
    """The first span with no crew free: all three crews from Zitong's evacuation order
    until it is done, worked out from its size and the rescuers that come."""
    sim = Simulation(load_scenario(FLOOD, host=host), host, replication=0)
    sim.run()
    sent = [e for e in sim.log.events if e.kind == "unit_dispatched" and e.unit.startswith("district_team")][:3]
    evac = sim.incidents[sent[0].incident]
    assert {e.incident for e in sent} == {evac.id} and evac.details["township"] == "zitong"
    people = evac.details["people"]
    assert evac.demand == {"people": math.ceil(people / 100)}            # 19,249 -> 193 rescuers
    came = [(e.t, sim.units[e.unit].capabilities["people"]) for e in sim.log.events
            if e.kind == "unit_arrived" and e.incident == evac.id]
    end = finish(evac.created, evac.demand["people"], came)
    cleared = [e.t for e in sim.log.events if e.kind == "unit_cleared" and e.incident == evac.id
               and e.unit.startswith("district_team")]
    assert cleared == [pytest.approx(end, abs=1e-6)] * 3
    # no crew free from the order to then (5.3 h), and more later on rescue calls
    assert day["D1"].values[0] >= (end - evac.created) / 60.0 - 1e-9
    assert (end - evac.created) / 60.0 == pytest.approx(5.35, abs=0.01)


def test_r1_first_rescue_call_by_hand(host):
    """The run's first flood rescue call: every boat crew is at its base, so the first on
    scene is the crew with the least turnout + drive; R1's value for that call is it."""
    sc = load_scenario(FLOOD, host=host)
    sim = Simulation(sc, host, replication=0)
    sim.run()
    call = next(e for e in sim.log.events if e.kind == "incident_created" and e.details["kind"] == "flood_rescue")
    place = sim.incidents[call.incident].place
    # (turnout min, road km/h): district team 5 min by rescue vehicle; water rescue team
    # 10 min towing its boat at 35 km/h; volunteers 30 min by day, 60 from 22:00 to 07:00
    hour = sim.local_time(call.t).hour
    volunteers = 60.0 if (hour >= 22 or hour < 7) else 30.0
    crews = {"district_team": (5.0, 40.0), "water_rescue": (10.0, 35.0),
             "blue_sky": (volunteers, 40.0), "snow_leopard": (volunteers, 40.0)}
    away = set()  # crews not at their base when the call comes
    for e in sim.log.events:
        if e.t > call.t:
            break
        if e.kind == "unit_dispatched":
            away.add(e.unit)
        elif e.kind == "unit_returned":
            away.discard(e.unit)
    at_base = [u for u in sim.units.values() if u.force.id in crews and u.id not in away]
    assert at_base
    best = min(crews[u.force.id][0] + drive(SEAT, (place.lat, place.lon), crews[u.force.id][1])
               for u in at_base)
    arrived = next(e for e in sim.log.events if e.kind == "unit_arrived" and e.incident == call.incident)
    assert arrived.t - call.t == pytest.approx(best, abs=1e-6)


# --- P5: the community fire post at the Shuangjiang old-town fire --------------------------
# The fire's place is the old town (30.21754 N, 105.7452 E); the city's Jiangbei station
# (30.19 N, 105.83 E) and the Shuangjiang station (at the old town) turn out in 1 min; the
# assumed post 0.003 degrees east on the same street (about 290 m) sets out in 1 min.
# Appliances and the post's light vehicle drive at 40 km/h, circuity 1.4.

FIRE = FLOOD.parent / "shuangjiang_oldtown_fire.yaml"
OLDTOWN = (30.21754, 105.7452)
POST = (30.21754, 105.7482)
JIANGBEI = (30.19, 105.83)


def fire_rows(host, **overrides):
    sc = load_scenario(FIRE, host=host, overrides=overrides or None)
    return {r.id: r for r in run(sc, host, replications=2).rows}


def test_first_water_with_and_without_the_post(host):
    built = fire_rows(host)
    # the call is answered from the city: 1 min turnout + 9.3 km straight -> 19.3 min
    assert built["B4"].values == [pytest.approx(1.0 + drive(JIANGBEI, OLDTOWN), abs=1e-6)] * 2
    assert built["B4"].status == "fail" and built["B4"].mean == pytest.approx(19.3, abs=0.05)
    post = fire_rows(host, **{"forces.oldtown_fire_post.status": "existing"})
    # the post: 1 min to set out + 0.289 km x 1.4 at 40 km/h = 1.61 min, inside the 3 min
    assert km(POST, OLDTOWN) == pytest.approx(0.2885, abs=1e-3)
    assert post["B4"].values == [pytest.approx(1.0 + drive(POST, OLDTOWN), abs=1e-6)] * 2
    assert post["B4"].status == "pass"
    # the post is no fire appliance: B1 (the 5-min station standard) still counts Jiangbei's
    assert post["B1"].values == built["B1"].values
    assert post["B1"].status == "fail"
    # with the Shuangjiang station at the old town the first water is its turnout
    assert fire_rows(host, forces_as_of="plan_complete")["B4"].values == [pytest.approx(1.0)] * 2


def test_first_water_metric_by_hand():
    from drillsim_plugins.building_fire.metrics import (
        BuildingFireParams,
        first_water_times,
    )

    from drillsim.engine.eventlog import Event
    from drillsim.scoring.metrics import MetricContext

    ev = [Event(5.0, "incident_created", "I1", None, {"kind": "building_fire", "hazard": "a"}),
          Event(6.0, "incident_created", "I2", None, {"kind": "evacuation", "hazard": "flood"}),
          Event(7.5, "fire_attack", None, None, {"hazard": "a", "before_flashover": -3.4}),
          Event(9.0, "incident_created", "I3", None, {"kind": "building_fire", "hazard": "b"}),
          Event(50.0, "building_fire_result", None, None, {"hazard": "a"}),
          Event(60.0, "building_fire_result", None, None, {"hazard": "b"})]
    got = first_water_times(ev, MetricContext(horizon=120.0), BuildingFireParams())
    assert got == [("a", 2.5), ("b (no water)", 111.0)]


# --- P11: one company-run crew for oil/gas-chemical and water rescue (compound scenario) ---
# The crew is based at the city boat base (the district seat) and turns out and drives as a
# hazmat team (2 min, 40 km/h); the leak's hazmat call is at the Tianjia park
# (30.08963 N, 105.85665 E), 10.2 km straight from the seat.

COMPOUND = FLOOD.parent / "fujiang_flood_chemical_leak.yaml"
PARK = (30.08963, 105.85665)


def compound_rows(host, **overrides):
    sc = load_scenario(COMPOUND, host=host, overrides=overrides or None)
    return {r.id: r for r in run(sc, host, replications=1).rows}


def test_the_shared_crew_free_reaches_the_leak(host):
    rows = compound_rows(host)
    # at 19:10 on 16 August no flood rescue call has come yet: the crew is at its base
    assert rows["H2"].values == [pytest.approx(2.0 + drive(SEAT, PARK), abs=1e-6)]
    assert rows["H2"].values[0] == pytest.approx(23.4, abs=0.05) and rows["H2"].status == "pass"


def test_the_shared_crew_on_a_flood_rescue_misses_the_leak(host):
    # the same leak at 05:00 on 17 August (reported 05:10), when the flood's rescue calls
    # have begun: the crew, the fastest boat to turn out, is sent to one a minute earlier
    sc = load_scenario(COMPOUND, host=host, overrides={"hazards[1].params.start": "23h"})
    sim = Simulation(sc, host)
    sim.run()
    call = next(e for e in sim.log.events if e.kind == "incident_created" and e.details["kind"] == "hazmat_release")
    assert call.t == pytest.approx(23 * 60 + 10)
    mine = [e for e in sim.log.events if e.unit == "company_team"]
    busy = [e for e in mine if e.kind == "unit_dispatched" and e.t <= call.t][-1]
    cleared = next(e for e in mine if e.kind == "unit_cleared" and e.t > call.t)
    assert sim.incidents[busy.incident].kind == "flood_rescue" and cleared.incident == busy.incident
    # the leak's hazmat work (45 min for two crews) goes at half speed with the zone's
    # team alone, from its arrival 23.4 min after the call: done 90 min later, before
    # the crew is free, so the crew never reaches the leak
    done = next(e for e in sim.log.events if e.kind == "incident_completed" and e.incident == call.incident)
    assert done.t == pytest.approx(call.t + 2.0 + drive(SEAT, PARK) + 90.0, abs=1e-6)
    assert cleared.t > done.t
    assert not any(e.kind == "unit_arrived" and e.incident == call.incident for e in mine)
    # H2 counts it unreached: from the call to the end of the run (a lower bound), FAIL
    rows = compound_rows(host, **{"hazards[1].params.start": "23h"})
    assert rows["H2"].values == [pytest.approx(sim.horizon - call.t)]
    assert rows["H2"].status == "fail"
    assert rows["H1"].status == "pass"      # the high-tech zone's own team is not the shared crew


# --- P17: mutual aid from Suining and Ziyang (compound scenario) -----------------------------
# The teams set out 1 h after the request from their city's centre (region file: Suining
# 30.508 N 105.5733 E, Ziyang 30.1222 N 104.6419 E) and drive to the command post at the
# district seat at 40 km/h, circuity 1.4. The rule asks both when a call has waited 30 min.

SUINING = (30.508, 105.5733)
ZIYANG = (30.1222, 104.6419)


def test_mutual_aid_arrival_by_hand(host):
    rows = compound_rows(host)
    # Suining is in flood (its warning is out): turned down; Ziyang: 1 h + 114.4 km
    assert km(ZIYANG, SEAT) == pytest.approx(114.4, abs=0.05)
    assert rows["M1"].values == [pytest.approx((60.0 + drive(ZIYANG, SEAT)) / 60.0, abs=1e-6)]
    assert rows["M1"].values[0] == pytest.approx(5.0, abs=0.01) and rows["M1"].status == "fail"
    assert any(b["label"] == "suining_aid (turned down)" for b in rows["M1"].breakdown)
    # had Suining not shared the flood: 1 h + 44.2 km, inside the 4 h
    free = compound_rows(host, **{"forces.suining_aid.params.hit_by": None})
    assert free["M1"].values == [pytest.approx((60.0 + drive(SUINING, SEAT)) / 60.0, abs=1e-6)]
    assert free["M1"].values[0] == pytest.approx(2.55, abs=0.01) and free["M1"].status == "pass"


def test_mutual_aid_arrival_metric_by_hand():
    from drillsim_plugins.mutual_aid import ArrivalParams, mutual_aid_arrivals

    from drillsim.engine.eventlog import Event
    from drillsim.scoring.metrics import MetricContext

    ev = [Event(10.0, "mutual_aid_unavailable", "I1", None, {"force": "a"}),
          Event(10.0, "mutual_aid_requested", "I1", None, {"force": "b"}),
          Event(20.0, "mutual_aid_requested", None, None, {"force": "c"}),
          Event(250.0, "unit_in_service", None, "b-1", {"force": "b"}),
          Event(250.0, "unit_in_service", None, "b-2", {"force": "b"})]
    got = mutual_aid_arrivals(ev, MetricContext(horizon=1000.0), ArrivalParams())
    assert got == [("a (turned down)", 990.0), ("b", 240.0), ("c (not arrived)", 980.0)]
