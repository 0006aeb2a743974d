"""The urban waterlogging hazard: ponding by the rational method with a storage rule,
Pregnolato et al.'s (2017) depth-speed function, the share of a trip inside the city,
and closures and slow-downs lengthening a unit's travel — each against values worked
out by hand (in the comments).

Mini region: townships on the equator 0.1° of longitude apart, 0.1° = 6371.0088 km ×
π/180 × 0.1 = 11.119508 km; circuity 1 and a car at 60 km/h: 1 km a minute.
"""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim_plugins.waterlogging import model
from tests.conftest import SCENARIOS

KM_01 = 6371.0088 * math.pi / 180 * 0.1      # 11.119508 km
STORM = [3, 5, 8, 14, 20, 12, 8, 5, 3, 2, 2, 2]


def test_safe_speed_in_standing_water():
    # v(w) = 0.0009 w² − 0.5529 w + 86.9448: v(0) = 86.9448; v(100) = 9 − 55.29 + 86.9448 = 40.6548
    assert model.safe_speed_kmh(0) == pytest.approx(86.9448)
    assert model.safe_speed_kmh(100) == pytest.approx(40.6548)
    assert model.safe_speed_kmh(300) == 0.0                   # impassable from 300 mm
    # the factor: 86.9448 / 40.6548 = 2.138611; capped at 3 where the road is impassable
    assert model.slow_down(100, 3.0) == pytest.approx(2.138611, abs=1e-6)
    assert model.slow_down(350, 3.0) == 3.0
    with pytest.raises(ValueError):
        model.safe_speed_kmh(-1)


def test_surplus_rain_ponds_and_drains():
    # drains of 36 mm/h carry 6 mm per 10 min: S = max(0, S + P − 6) over the storm
    # 3, 5, 8, 14, 20, 12, 8, 5, 3, 2, 2, 2 → 0, 0, 2, 10, 24, 30, 32, 31, 28, 24, 20, 16,
    # then dry steps 10, 4, 0
    s = model.surplus_series(STORM, 36.0, 10.0)
    assert s == pytest.approx([0, 0, 2, 10, 24, 30, 32, 31, 28, 24, 20, 16, 10, 4, 0])
    # the underpass: ψ 0.9 on 5 % of its catchment: 0.9 × 32 / 0.05 = 576 mm at the peak
    assert model.water_depth_mm(max(s), 0.9, 0.05) == pytest.approx(576.0)
    # the city's streets: ψ 0.6 on 60 %: 32 mm; factor 86.9448 / (0.9216 − 17.6928 + 86.9448)
    # = 86.9448 / 70.1736 = 1.238996
    w = model.water_depth_mm(max(s), 0.6, 0.6)
    assert w == pytest.approx(32.0)
    assert model.slow_down(w, 3.0) == pytest.approx(86.9448 / 70.1736)


def test_share_of_a_trip_inside_the_city():
    # (−5, 0) → (5, 0) through a disc of radius 3: 6 of 10 km inside
    assert model.share_inside_disc(-5, 0, 5, 0, 3) == pytest.approx(0.6)
    # from the centre outwards 10 km: 3 of 10
    assert model.share_inside_disc(0, 0, 10, 0, 3) == pytest.approx(0.3)
    # passing 4 km off the centre: none
    assert model.share_inside_disc(-5, 4, 5, 4, 3) == 0.0
    # a chord 2.4 km off the centre: 2 × √(3² − 2.4²) = 3.6 of 10 km
    assert model.share_inside_disc(-5, 2.4, 5, 2.4, 3) == pytest.approx(0.36)


def scenario(points: str, streets: str = "") -> str:
    return f"""\
run: {{horizon: 4h}}
forces:
  - {{id: car, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, serves: [waterlogging_rescue]}}
hazards:
  - id: storm
    type: urban_waterlogging
    params:
      rainfall: {{start: 0min, step: 10min, values_mm: [106]}}
      points:
{points}{streets}      calls: {{rate_per_h: 0}}
"""


CLOSING = "        - {place: middle, road: test street, runoff: 50%, capacity_mm_h: 36, ponding_share: 50%, radius: 1km, detour: 1.5}\n"
DRY = ("        - {place: east, road: test street, runoff: 10%, capacity_mm_h: 300, ponding_share: 100%, "
       "close_depth_mm: 3000}\n")


def test_a_closed_point_lengthens_a_trip_through_it_by_its_detour(host, mini):
    # 106 mm in 10 min, 6 mm drained: S = 100 mm, depth 0.5 × 100 / 0.5 = 100 mm: the street
    # closes at 100 mm in this test
    body = scenario(CLOSING.replace("detour: 1.5}", "detour: 1.5, close_depth_mm: 100}"))
    sim = Simulation(load_scenario(mini(body), host=host), host)
    sim.run(11.0)
    car = sim.units_of("car")[0]
    west, east = sim.region.place("west"), sim.region.place("east")
    # west → east passes the point at middle: 22.239016 min × 1.5 = 33.358524 min,
    # 11.119508 min longer
    assert sim.travel_time(car, west, east) == pytest.approx(2 * KM_01 * 1.5, rel=1e-6)
    assert sim.travel_time(car, west, east) - 2 * KM_01 == pytest.approx(11.119508, abs=1e-5)
    closed = next(e for e in sim.log if e.kind == "road_blocked")
    assert closed.t == 10.0 and closed.details["point"] == "middle"


def test_water_on_the_streets_slows_the_part_of_a_trip_in_the_city(host, mini):
    # streets: S = 106 − 6 = 100 mm, depth 0.5 × 100 / 0.5 = 100 mm → f = 2.138611;
    # a disc of 0.05° (5.559754 km) round middle holds half of west → east, so the trip
    # takes 1 + 0.5 × 1.138611 = 1.569305 times as long: 22.239016 × 1.569305 = 34.899563 min,
    # 12.660547 min longer than on dry streets
    radius = KM_01 / 2
    streets = (f"      streets: {{place: middle, radius: {radius * 1000:.3f}m, runoff: 50%, capacity_mm_h: 36, "
               "ponding_share: 50%, max_factor: 3}\n")
    sim = Simulation(load_scenario(mini(scenario(DRY, streets)), host=host), host)
    car = sim.units_of("car")[0]
    west, east = sim.region.place("west"), sim.region.place("east")
    sim.run(11.0)
    f = 86.9448 / 40.6548
    assert sim.travel_time(car, west, east) == pytest.approx(2 * KM_01 * (1 + 0.5 * (f - 1)), rel=1e-5)
    assert sim.travel_time(car, west, east) - 2 * KM_01 == pytest.approx(12.660547, abs=1e-3)
    # the streets drain 6 mm a step after the rain: 100 mm takes 17 steps (the last drains
    # 4 mm), dry at 10 + 170 = 180 min: no slow-down after that
    sim.run(185.0)
    assert sim.travel_time(car, west, east) == pytest.approx(2 * KM_01, rel=1e-9)


def test_the_shipped_scenario_re_derived(host):
    sim = Simulation(load_scenario(SCENARIOS / "urban_waterlogging.yaml", host=host), host)
    sim.run()
    log = list(sim.log)
    closes = {(e.kind, e.details["point"]): e.t for e in log if e.kind in ("road_blocked", "road_reopened")}
    # underpass: depth 0.9 S / 0.05 = 18 S ≥ 300 from S = 24 (end of step 5, 50 min) until
    # S = 16 (end of step 12, 120 min): closed 70 min
    assert closes[("road_blocked", "bridge_underpass")] == 50.0
    assert closes[("road_reopened", "bridge_underpass")] == 120.0
    # Xicaixi: drains 5 mm a step, S = 0, 0, 3, 12, 27, 34, 37, 37, 35, 32 …; depth 0.7 S / 0.08
    # = 8.75 S ≥ 300 only at 37 and 35 (323.75, 306.25 mm): closed from 70 to 100 min
    assert closes[("road_blocked", "xicaixi_low_ground")] == 70.0
    assert closes[("road_reopened", "xicaixi_low_ground")] == 100.0
    peak = max(e.details["depths_mm"]["xicaixi_low_ground"] for e in log if e.kind == "water_depth")
    assert peak == pytest.approx(323.8, abs=0.05)
    calls = [e for e in log if e.kind == "incident_created"]
    assert calls and all(e.details["kind"] == "waterlogging_rescue" for e in calls)
    assert all(50.0 <= e.t <= 120.0 for e in calls)      # only while a street is closed


def test_a_run_ending_in_the_rain_sums_it_up_at_the_horizon(host):
    # the shipped rain cut at 65 min: the steps run end at 60 min (underpass S = 30: depth
    # 18 S = 540 mm; Xicaixi S = 34: 8.75 S = 297.5 mm; streets 30 mm), the underpass closed
    # since 50 min (15 min by the horizon), Xicaixi not yet. The summary was logged only
    # after the last step of the rain: never, in such a run
    sc = load_scenario(SCENARIOS / "urban_waterlogging.yaml", host=host, overrides={"run.horizon": "65min"})
    sim = Simulation(sc, host)
    sim.run()
    (summary,) = [e for e in sim.log if e.kind == "hazard_summary"]
    assert summary.t == 65.0
    f = summary.details["figures"]
    assert f["bridge_underpass_peak_mm"] == pytest.approx(540.0)
    assert f["xicaixi_low_ground_peak_mm"] == pytest.approx(297.5)
    assert f["streets_peak_mm"] == pytest.approx(30.0)
    assert f["bridge_underpass_closed_min"] == pytest.approx(15.0)
    assert f["xicaixi_low_ground_closed_min"] == 0.0


def test_the_pack_draws_valid_scenarios_and_plays(tmp_path, host):
    from drillsim.drill import packs
    from drillsim.drill.session import DrillSession

    pack_path = SCENARIOS / "packs" / "urban_waterlogging.yaml"
    checked, _base = packs.check_pack(pack_path, host)
    assert len(checked.variants) == 3 and checked.injects
    s = DrillSession.open(pack_path, seed=11, host=host, log_path=tmp_path / "drill.jsonl")
    s.advance_to(140.0)
    feed = [f.text for f in s.feed]
    assert any("closed: water too deep" in t for t in feed)          # traffic police
    assert not any(" mm" in t for t in feed)                           # the depths stay hidden
    s.close()


def test_the_works_sweep_capacities_by_hand():
    # scenarios/sweeps/waterlogging_works.yaml: the underpass holds 0.9 S / 0.05 = 18 S mm.
    # At 78 mm/h (13 mm a step) S = 0, 0, 0, 1, 8, 7, 2, 0 …: peak 8 → 144 mm ≤ 150;
    # at 72 mm/h (12 mm) S = …, 2, 10, 10, 6, …: peak 10 → 180 mm > 150
    assert 18 * max(model.surplus_series(STORM, 78.0, 10.0)) == pytest.approx(144.0)
    assert 18 * max(model.surplus_series(STORM, 72.0, 10.0)) == pytest.approx(180.0)
    # Xicaixi holds 0.7 S / 0.08 = 8.75 S mm. At 60 mm/h (10 mm) S = 0, 0, 0, 4, 14, 16, 14, 9,
    # 2: peak 16 → 140 mm; at 54 mm/h (9 mm) S = 0, 0, 0, 5, 16, 19, 18, 14, 8, 1: 19 → 166.25 mm
    assert 8.75 * max(model.surplus_series(STORM, 60.0, 10.0)) == pytest.approx(140.0)
    assert 8.75 * max(model.surplus_series(STORM, 54.0, 10.0)) == pytest.approx(166.25)
