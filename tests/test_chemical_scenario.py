"""The Tianjia chlorine leak scenario: response times, the leak's stop, protective actions
and the AEGL-2 zone closed to all but hazmat units, each re-derived by hand.

Distances are great-circle (law of cosines here, haversine in the code) × circuity 1.4
÷ 40 km/h, as the region's road model says.
"""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim_plugins.chemical import plume
from drillsim_plugins.chemical.chemicals import chemical
from tests.conftest import SCENARIOS

R = 6371.0088
PARK = (30.08963, 105.85665)
SEAT = (30.1782, 105.82991)      # hazmat base and the city stations' assumed site


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))


@pytest.fixture(scope="module")
def run(host):
    sc = load_scenario(SCENARIOS / "chemical_park_leak.yaml", host=host)
    sim = Simulation(sc, host)
    sim.run(until=20.0)
    checks = {}
    # at 20 min the AEGL-2 zone covers the park: a fire appliance may not drive in, the hazmat team may
    park = sim.region.place("tianjia_chemical_park")
    engine = sim.units["industrial_park_station-2"]
    checks["engine_to_park"] = sim.travel_time(engine, engine.base, park)
    hazmat_unit = sim.units["hazmat_team"]
    checks["hazmat_to_park"] = sim.travel_time(hazmat_unit, sim.region.place("hightech_hazmat_base"), park)
    sim.run()
    return sim, checks


def first(sim, kind, **match):
    return next(e for e in sim.log.events if e.kind == kind and all(
        getattr(e, k, None) == v or e.details.get(k) == v for k, v in match.items()))


def test_hazmat_team_arrival_and_the_leak_stopping(run):
    sim, _ = run
    travel = km(SEAT, PARK) * 1.4 / 40 * 60
    call = 10.0                                    # detection
    arrival = call + 2.0 + travel                  # hazmat turnout 2 min
    assert first(sim, "unit_arrived", unit="hazmat_team").t == pytest.approx(arrival)
    assert travel == pytest.approx(21.4, abs=0.05)
    stop = first(sim, "release_stopped")
    assert stop.t == pytest.approx(arrival + 45.0)   # 45 min of work on scene


def test_fire_appliances_with_and_without_the_tianjia_station(run):
    sim, _ = run
    # staging point 1 km upwind (the wind blows from 45 deg): Tianjia's appliance drives
    # 1 km x 1.4 at 40 km/h after 1 min turnout; the city's drives from the seat
    tianjia = first(sim, "unit_arrived", unit="tianjia_station")
    assert tianjia.t - 10.0 == pytest.approx(1.0 + 1.0 * 1.4 / 40 * 60, abs=0.01)
    staging = (PARK[0] + math.degrees(1.0 * math.cos(math.radians(45)) / R),
               PARK[1] + math.degrees(1.0 * math.sin(math.radians(45)) / (R * math.cos(math.radians(PARK[0])))))
    city = first(sim, "unit_arrived", unit="industrial_park_station-1")
    assert city.t - 10.0 == pytest.approx(1.0 + km(SEAT, staging) * 1.4 / 40 * 60, abs=0.01)


def test_the_aegl2_zone_is_closed_to_all_but_hazmat_units(run):
    _, checks = run
    assert math.isinf(checks["engine_to_park"])
    assert checks["hazmat_to_park"] == pytest.approx(km(SEAT, PARK) * 1.4 / 40 * 60)


def test_threat_zones_for_the_scenario_weather(run):
    sim, _ = run
    zones = first(sim, "plume_zones")
    assert zones.details["stability"] == "F"          # clear night, 2 m/s (Pasquill table)
    thr = chemical("chlorine").aegl_mg_m3("aegl2") / 1000
    length = plume.threat_zone(500, 2.0, thr, 2.0, "F", "briggs_rural")["length_m"]
    assert zones.details["zones"]["aegl2"]["length_m"] == pytest.approx(length, abs=0.1)


def test_protective_actions_follow_the_rule(run):
    sim, _ = run
    warned = first(sim, "warning_issued")
    assert warned.t == pytest.approx(25.0)             # call at 10 + 15 min alerting
    actions = {e.details["township"]: e.details for e in sim.log.events if e.kind == "protective_action"}
    for town, d in actions.items():
        assert d["action"] == ("evacuate" if d["lead_min"] >= 45 else "shelter"), town
    # Tai'an (5.3 km downwind) is reached 30 min into the release: too soon to leave, it shelters
    taian = first(sim, "people_exposed", township="taian", level="aegl2")
    assert actions["taian"]["action"] == "shelter" and taian.details["exposed"] == 0
    # the people living at the park are reached before any warning
    tianjia = first(sim, "people_exposed", township="tianjia", level="aegl2")
    assert tianjia.t < warned.t and tianjia.details["exposed"] == tianjia.details["in_zone"] > 0
    # an evacuation ordered 10 min after the warning demands one rescuer per 100 people
    evac = [e for e in sim.log.events if e.kind == "incident_created" and e.details.get("kind") == "evacuation"]
    for e in evac:
        assert e.t == pytest.approx(35.0)
        assert e.details["demand"]["people"] == math.ceil(e.details["people"] / 100)


def test_plume_arrival_is_distance_over_wind(run):
    sim, _ = run
    # the AEGL-2 front reaches Tai'an at (downwind distance of the nearest exposed point) / 2 m/s;
    # Tai'an's seat lies 5.3 km away, its 2 km disc brings the plume in earlier
    t = first(sim, "hazard_arrival", township="taian", level="aegl2").t
    seat = km(PARK, (30.06603, 105.80934)) * 1000
    assert (seat - 2000) / 2.0 / 60 <= t <= seat / 2.0 / 60


def test_same_scenario_same_events(host):
    from drillsim.scoring.runner import run_replication

    sc = load_scenario(SCENARIOS / "chemical_park_leak.yaml", host=host)
    a = [e.to_json() for e in run_replication(sc, host, 0)]
    b = [e.to_json() for e in run_replication(sc, host, 0)]
    assert a == b and len(a) > 20


def test_bad_hazard_parameters_name_file_line_and_field(tmp_path, host):
    from drillsim.errors import ValidationFailed

    text = (SCENARIOS / "chemical_park_leak.yaml").read_text(encoding="utf-8")
    bad = text.replace("chemical: chlorine", "chemical: clorine").replace("rate: 500g/s", "rate: 500")
    root = tmp_path / "scenarios"
    root.mkdir()
    (root / "regions").mkdir()
    (root / "plans").mkdir()
    for sub in ("regions/tongnan.yaml", "plans/tongnan-2021.yaml"):
        (root / sub).write_text((SCENARIOS / sub).read_text(encoding="utf-8"), encoding="utf-8")
    path = root / "leak.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load_scenario(path, host=host)
    message = str(err.value)
    assert "hazards[0].params.rate" in message and "needs a unit" in message
