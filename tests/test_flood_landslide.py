"""Two hazards at once: the 2020 flood with a landslide blocking the Shuangjiang-city road
(scenarios/flood_landslide.yaml). The compound effect on Shuangjiang's evacuation is worked
out by hand and compared with the same flood without the slide.

By hand, from the models' documented rules:

- an evacuation of P people demands ceil(P / 100) rescuers and 100 / 20 h = 300 min of work
  at full staffing; it progresses at min(1, rescuers on scene / demand) (engine incidents);
- a unit arrives turnout + great-circle km (law of cosines) × 1.4 ÷ 40 km/h after its
  dispatch (fire appliance turnout 1 min, township team 15 min; region circuity 1.4);
- a slide closes every road trip whose straight line passes within the road's radius (1 km)
  of the point, except trips to or from the slide itself (plugins/landslide).
"""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS

COMPOUND = SCENARIOS / "flood_landslide.yaml"
R = 6371.0088
SHUANGJIANG = (30.21754, 105.7452)
SEAT = (30.1782, 105.82991)
JIANGBEI = (30.19, 105.83)
HUAYAN = (30.25681, 105.64234)
SLOPE = (30.199, 105.785)
PEOPLE = {"shuangjiang_station": 6, "jiangbei_station": 6, "township_teams": 20}


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def drive(a, b):
    return km(a, b) * 1.4 / 40 * 60


def line_distance_km(p, a, b):
    """Distance from p to the segment a-b on a local flat map (km east, km north of p)."""
    def xy(q):
        return (math.radians(q[1] - p[1]) * R * math.cos(math.radians(p[0])), math.radians(q[0] - p[0]) * R)
    (ax, ay), (bx, by) = xy(a), xy(b)
    dx, dy = bx - ax, by - ay
    s = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    return math.hypot(ax + s * dx, ay + s * dy)


def finish(order, demand, arrivals, work=300.0):
    """When an evacuation ordered at ``order`` ends: arrivals [(minute, rescuers)]."""
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


@pytest.fixture(scope="module")
def runs(host):
    return simulate(host), simulate(host, **{"hazards[1].enabled": False})


def evacuation(sim):
    created = next(e for e in sim.log.events if e.kind == "incident_created"
                   and e.details.get("kind") == "evacuation" and e.details.get("township") == "shuangjiang")
    sent = [e.unit for e in sim.log.events if e.kind == "unit_dispatched" and e.incident == created.incident]
    ended = next(e for e in sim.log.events if e.kind == "incident_completed" and e.incident == created.incident)
    return created, sent, ended


def test_the_slide_closes_the_city_road_before_the_evacuation(runs):
    both, _ = runs
    blocked = next(e for e in both.log.events if e.kind == "road_blocked")
    created, sent, _ = evacuation(both)
    assert blocked.t < created.t and blocked.details["between"] == ["shuangjiang", "zitong"]
    # the city's two stations lie on the far side: their straight lines pass within 1 km
    assert line_distance_km(SLOPE, SEAT, SHUANGJIANG) < 1.0
    assert line_distance_km(SLOPE, JIANGBEI, SHUANGJIANG) < 1.0
    assert not any(u.startswith(("jiangbei", "industrial_park", "district_team", "blue_sky", "snow_leopard"))
                   for u in sent)


def test_shuangjiang_evacuates_later_with_the_slide_by_hand(runs):
    both, alone = runs
    a_created, a_sent, a_end = evacuation(alone)
    b_created, b_sent, b_end = evacuation(both)
    t0 = a_created.t
    assert b_created.t == pytest.approx(t0)                       # the flood is the same
    demand = math.ceil(a_created.details["people"] / 100)         # 3,055 people: 31 rescuers
    assert a_created.details["demand"] == {"people": demand}
    # flood alone: Shuangjiang's station (at the seat), its team, and Jiangbei's first appliance
    assert sorted(a_sent) == ["jiangbei_station-1", "shuangjiang_station", "township_teams.shuangjiang"]
    alone_end = finish(t0, demand, [(t0 + 1, 6), (t0 + 15, 20), (t0 + 1 + drive(JIANGBEI, SHUANGJIANG), 6)])
    assert a_end.t == pytest.approx(alone_end, abs=1e-6)
    # with the slide: the station is at the slide's rescue, the city cannot pass; Huayan's team
    # comes from the west instead
    station = [e for e in both.log.events if e.unit == "shuangjiang_station" and e.kind == "unit_dispatched"
               and e.t <= t0]
    kind = next(e for e in both.log.events if e.kind == "incident_created"
                and e.incident == station[-1].incident).details["kind"]
    assert kind == "landslide_rescue"
    assert sorted(b_sent) == ["township_teams.huayan", "township_teams.shuangjiang"]
    both_end = finish(t0, demand, [(t0 + 15, 20), (t0 + 15 + drive(HUAYAN, SHUANGJIANG), 20)])
    assert b_end.t == pytest.approx(both_end, abs=1e-6)
    # the compound effect: about 10 min later (20 of 31 rescuers for the 22.7 min Huayan's
    # team takes to come, where the flood alone had 26 of 31 after 15 min and all 32 at 19.3)
    delay = b_end.t - a_end.t
    assert delay == pytest.approx(both_end - alone_end, abs=1e-6)
    assert delay == pytest.approx(10.07, abs=0.01)
