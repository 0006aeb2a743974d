"""Road and air travel times, against hand calculations with an independent formula
(the spherical law of cosines instead of the haversine the code uses)."""

from __future__ import annotations

import math

import pytest

from drillsim.scenario.loader import load_scenario
from drillsim.scenario.region import load_region
from tests.conftest import FLOOD, SCENARIOS

R = 6371.0088


def law_of_cosines_km(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return R * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))


@pytest.fixture(scope="module")
def tongnan():
    return load_region(SCENARIOS / "regions" / "tongnan.yaml", "tongnan.yaml")


def test_road_minutes_mixin_to_zitong(tongnan):
    # Mixin (30.37985, 105.76781) -> Zitong seat (30.1782, 105.82991): 23.20 km straight,
    # x 1.4 circuity = 32.48 km, at 40 km/h (fire engine) = 48.7 min
    km = law_of_cosines_km(30.37985, 105.76781, 30.1782, 105.82991)
    assert km == pytest.approx(23.2019, abs=1e-3)
    expected = km * 1.4 / 40 * 60
    got = tongnan.road_minutes(tongnan.place("mixin"), tongnan.place("zitong"), "fire_engine")
    assert got == pytest.approx(expected, rel=1e-9)
    assert got == pytest.approx(48.72, abs=0.01)


def test_road_minutes_symmetric_and_zero_at_same_place(tongnan):
    a, b = tongnan.place("guxi"), tongnan.place("wugui")
    assert tongnan.road_minutes(a, b, "boat_trailer") == pytest.approx(tongnan.road_minutes(b, a, "boat_trailer"))
    assert tongnan.road_minutes(a, a, "boat_trailer") == 0.0


def test_region_keeps_statuses_and_credits(tongnan):
    assert len(tongnan.townships) == 23
    assert tongnan.townships["zitong"].coord_status == "verified"
    assert tongnan.townships["guilin"].coord_status == "approximate"      # no GeoNames point
    assert tongnan.townships["baizi"].coord_status == "approximate"       # spelt 白梓镇 in GeoNames
    assert tongnan.townships["mixin"].name_zh == "米心镇"
    assert any("GeoNames" in c and "CC BY 4.0" in c for c in tongnan.spec.credits)
    statuses = {s.id: s.status for s in tongnan.spec.sites}
    assert statuses["tianjia_chemical_park"] == "approximate"
    assert statuses["industrial_park_station"] == "assumed"


def test_helicopter_flies_to_the_landing_site_nearest_the_destination(host):
    from drillsim.engine.simulation import Simulation

    sc = load_scenario(FLOOD, host=host)
    sim = Simulation(sc, host)
    heli = sim.units["helicopters"]
    # Wugui's nearest assumed landing site is Wofo (29.90825, 105.78706); from the aviation
    # centre at the seat: start-up 15 + km/236*60 + landing 5
    wofo = law_of_cosines_km(30.1782, 105.82991, 29.90825, 105.78706)
    expected = 15 + wofo / 236 * 60 + 5
    got = sim.travel_time(heli, sim.region.place("aviation_centre"), sim.region.place("wugui"))
    assert got == pytest.approx(expected, rel=1e-9)
    assert got == pytest.approx(27.7, abs=0.1)


def test_road_graph_shortest_path(tmp_path):
    (tmp_path / "roads.csv").write_text("from,to,km\nwest,middle,20\nmiddle,east,20\nwest,east,100\n")
    (tmp_path / "r.yaml").write_text("""\
name: graph
travel:
  circuity: {value: 1.0, status: assumed}
  vehicles: {car: {speed: 60km/h, status: assumed}}
  road_graph: roads.csv
townships:
  - {id: west, name_zh: 西, name_pinyin: Xi, kind: town, lat: 0.0, lon: 0.0, coord_status: assumed}
  - {id: middle, name_zh: 中, name_pinyin: Zhong, kind: town, lat: 0.0, lon: 0.1, coord_status: assumed}
  - {id: east, name_zh: 东, name_pinyin: Dong, kind: town, lat: 0.0, lon: 0.2, coord_status: assumed}
""")
    region = load_region(tmp_path / "r.yaml", "r.yaml")
    # west -> east via middle: 40 km (not the direct 100 km edge) at 60 km/h = 40 min
    assert region.road_minutes(region.place("west"), region.place("east"), "car") == pytest.approx(40.0)
