"""Elliptical fire growth (Anderson 1983), fireline production (NWCG) and the forest fire
scenario's figures, checked by hand.

Published case R2 (NWCG Fire Fighter Math, 9.8 Production Rates, Example 1): a grass fire
with an 1,800 ft perimeter; one 15-person crew builds 900 ft of 3 ft line per hour, so it
needs 2 h, and 2 crews are needed to finish in 1 h.
"""

from __future__ import annotations

import json
import math

import pytest
from scipy import integrate

from drillsim_plugins.forest_fire.containment import (M_PER_CHAIN, crew_rate_m_h, crews_needed, flank_attack,
                                                     flame_length_limit, hours_to_build)
from drillsim_plugins.forest_fire.ellipse import (FireShape, ellipse_perimeter, head_to_back,
                                                  length_to_breadth, point_fire)
from drillsim_plugins.forest_fire.rothermel import Moisture, surface_fire
from tests.conftest import DATA, SCENARIOS

CASES = json.loads((DATA / "fire_reference_cases.json").read_text())


def test_nwcg_fire_fighter_math_production_example():
    case = CASES["R2_fireline_nwcg_ffm_example"]
    i, want = case["inputs"], case["expected"]
    assert hours_to_build(i["perimeter_ft"], i["production_ft_per_h"]) == want["hours_one_crew"]
    assert crews_needed(i["perimeter_ft"], i["production_ft_per_h"], i["target_time_h"]) == want["crews_for_1h"]
    assert hours_to_build(i["perimeter_ft"], i["production_ft_per_h"], crews=2) == 1.0
    with pytest.raises(ValueError):
        crews_needed(100, 0, 1)


def test_irpg_production_rates_and_crew_scaling():
    # IRPG: Type 2 crew, fuel model 9 conifers, 16 chains/h per 20 people
    assert crew_rate_m_h("type2", 9, "conifers") == pytest.approx(16 * 20.1168)
    assert crew_rate_m_h("type1", 1, "grass", crew_size=10) == pytest.approx(30 * 20.1168 / 2)
    assert M_PER_CHAIN == pytest.approx(66 * 0.3048)
    # Andrews & Rothermel (1982): 4 ft and 8 ft, in metres exactly (1 ft = 0.3048 m)
    assert (flame_length_limit("hand_crew"), flame_length_limit("aircraft")) == (4 * 0.3048, 8 * 0.3048)
    for args, match in ((("type3", 9, "conifers"), "unknown crew type"), (("type2", 14, "all"), "no production"),
                        (("type2", 9, "grass"), "no condition 'grass'")):
        with pytest.raises(ValueError, match=match):
            crew_rate_m_h(*args)


def test_the_irpg_table_agrees_with_fire_fighter_math():
    """Two NWCG publications, one crew: the IRPG's Type 2 crew in grass (18 ch/h per 20
    people), scaled to 15 people, builds 891 ft/h — Fire Fighter Math 9.8's 15-person crew
    builds 900 ft/h in grass (1 % apart), and FFM's rule of thumb, 3 ft of line around a
    1-acre grass fire in 1 h (a circle of 1 acre has a perimeter 2√(π·43,560 ft²) = 740 ft),
    holds; Example 1's 1,800 ft then takes 2.02 h."""
    ft_h = crew_rate_m_h("type2", 1, "grass", crew_size=15) / 0.3048
    assert ft_h == pytest.approx(18 * 66 * 15 / 20) and ft_h == pytest.approx(900, rel=0.01)
    assert 2 * math.sqrt(math.pi * 43_560) == pytest.approx(739.9, abs=0.1)
    assert hours_to_build(2 * math.sqrt(math.pi * 43_560), ft_h) < 1.0
    assert hours_to_build(1800, ft_h) == pytest.approx(2.02, abs=0.005)
    assert crews_needed(1800, ft_h, 1.0) == 3 and crews_needed(1800, 900, 1.0) == 2   # 891 ft/h falls just short


def test_anderson_length_to_breadth():
    assert length_to_breadth(0.0) == pytest.approx(1.0)                 # 0.936 + 0.461 - 0.397
    u = 4.0  # m/s
    assert length_to_breadth(u * 3.6) == pytest.approx(
        0.936 * math.exp(0.2566 * u) + 0.461 * math.exp(-0.1548 * u) - 0.397)
    assert length_to_breadth(200.0) == 8.0                              # capped as in FARSITE
    assert head_to_back(1.0) == pytest.approx(1.0)
    lb = 2.5
    assert head_to_back(lb) == pytest.approx((lb + math.sqrt(lb ** 2 - 1)) / (lb - math.sqrt(lb ** 2 - 1)))
    with pytest.raises(ValueError):
        length_to_breadth(-1.0)


def test_ramanujan_perimeter_against_numerical_integration():
    for a, b in ((1.0, 1.0), (3.0, 1.0), (8.0, 1.0)):
        exact, _ = integrate.quad(lambda t: math.hypot(a * math.sin(t), b * math.cos(t)), 0, 2 * math.pi)
        assert ellipse_perimeter(a, b) == pytest.approx(exact, rel=1e-5)
    assert ellipse_perimeter(1.0, 1.0) == pytest.approx(2 * math.pi)


def test_point_fire_size_by_hand():
    # head 2 m/min, LB from 10 km/h, 60 min: length = (R + R/HB) t, width = length / LB
    lb = length_to_breadth(10.0)
    hb = head_to_back(lb)
    length = (2.0 + 2.0 / hb) * 60
    width = length / lb
    size = point_fire(2.0, 10.0, 60.0)
    assert size["length_m"] == pytest.approx(length)
    assert size["width_m"] == pytest.approx(width)
    assert size["area_ha"] == pytest.approx(math.pi * length * width / 4 / 1e4)
    # growing in two steps gives the same ellipse as one
    shape = FireShape()
    shape.grow(2.0, lb, 30.0)
    shape.grow(2.0, lb, 30.0)
    assert shape.area_ha == pytest.approx(size["area_ha"])


def _contained_fire(host, overrides=None):
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario

    sim = Simulation(load_scenario(SCENARIOS / "forest_fire.yaml", host=host, overrides=overrides), host)
    sim.run()
    return sim.log.events


#: IRPG production of the scenario's crews, m/h (16 chains/h per 20 people; 15 and 10 people)
CREW_RATE = {"forest_team": 16 * 20.1168 * 15 / 20, "township_teams.baolong": 16 * 20.1168 * 10 / 20,
             "township_teams.guxi": 16 * 20.1168 * 10 / 20}


@pytest.mark.parametrize("overrides", [
    None,
    {"hazards[0].params.monitoring.cameras": []},                 # reported by a patrol at 30 min
    {"forces[1].enabled": False, "forces[2].enabled": False},     # the forest team alone
], ids=["plan", "no camera", "forest team alone"])
def test_line_is_built_from_each_crews_arrival(host, overrides):
    """Line held at containment = the sum over crews of rate x time since its arrival (not
    since the end of the growth step it arrived in), and it closes the perimeter."""
    ev = _contained_fire(host, overrides)
    (done,) = [e for e in ev if e.kind == "fire_contained"]
    arrived = {e.unit: e.t for e in ev if e.kind == "unit_arrived" and e.unit in CREW_RATE}
    line = sum(CREW_RATE[u] * (done.t - t) / 60 for u, t in arrived.items())
    assert done.details["line_m"] == pytest.approx(line, abs=1.0)
    assert done.details["line_m"] == pytest.approx(done.details["perimeter_m"], abs=1.0)
    (began,) = [e for e in ev if e.kind == "fire_attack_began"]
    assert began.t == min(arrived.values())


def test_the_weather_changes_when_its_period_begins_not_at_the_next_step(host):
    """A period beginning at 62 min (within the 60-65 min step) takes over at 62 min: the
    fire nobody attacks is, at the 120-min report, the ellipse grown 62 min in the dry
    afternoon and 58 min in the damp calm (growing in parts gives one ellipse per
    period), and the reports keep their hourly times."""
    damp = Moisture(0.12, 0.13, 0.14, 1.20, 1.50)
    weather = [{"at": "0min", "midflame_wind": "8km/h", "wind_direction": "0deg",
                "moisture": {"d1": "6%", "d10": "7%", "d100": "8%", "live_herb": "60%", "live_woody": "90%"}},
               {"at": "62min", "midflame_wind": "3km/h", "wind_direction": "0deg",
                "moisture": {"d1": "12%", "d10": "13%", "d100": "14%", "live_herb": "120%", "live_woody": "150%"}}]
    ev = _contained_fire(host, {"hazards[0].params.weather": weather, "forces[0].enabled": False,
                                "forces[1].enabled": False, "forces[2].enabled": False})
    states = {e.t: e.details for e in ev if e.kind == "fire_state"}
    assert {0.0, 60.0, 120.0} <= set(states)
    shape = FireShape()
    for moisture, wind, minutes in ((Moisture(0.06, 0.07, 0.08, 0.60, 0.90), 8.0, 62.0), (damp, 3.0, 58.0)):
        r = surface_fire("TL8", moisture, wind, 0.30)
        shape.grow(r.ros_m_min, length_to_breadth(r.effective_wind_kmh), minutes)
    assert states[120.0]["area_ha"] == pytest.approx(shape.area_ha, abs=5e-4)
    assert states[120.0]["head_ros_m_min"] == pytest.approx(r.ros_m_min, abs=1e-3)


def test_a_fire_still_burning_at_the_horizon_is_summed_up_there(host):
    """The forest team alone on a fire reported after 30 min does not contain it within
    the 36-h run: its state at the horizon is logged (a process's event at the horizon
    itself would be past the run), so the burned area is the horizon's and the report
    has the fire's summary."""
    horizon = 36 * 60.0
    ev = _contained_fire(host, {"forces[1].enabled": False, "forces[2].enabled": False,
                                "hazards[0].params.monitoring.cameras": []})
    assert not [e for e in ev if e.kind == "fire_contained"]
    states = [e for e in ev if e.kind == "fire_state"]
    last = states[-1]
    assert last.t == horizon and states[-2].t == horizon - 60.0     # after the hourly reports
    assert last.details["area_ha"] > states[-2].details["area_ha"]
    (arrived,) = [e.t for e in ev if e.kind == "unit_arrived" and e.unit == "forest_team"]
    assert last.details["line_m"] == pytest.approx(CREW_RATE["forest_team"] * (horizon - arrived) / 60, abs=0.1)
    (summary,) = [e for e in ev if e.kind == "hazard_summary"]
    assert summary.t == horizon and ev[-1].kind == "run_ended"
    assert summary.details["figures"]["contained"] is False
    assert summary.details["figures"]["area_ha"] == pytest.approx(last.details["area_ha"], abs=1e-3)


def test_forest_fire_scenario_figures(host):
    """The Baolong fire: each logged figure re-derived from the model's parts by hand."""
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario

    sc = load_scenario(SCENARIOS / "forest_fire.yaml", host=host)
    sim = Simulation(sc, host)
    sim.run()
    ev = sim.log.events
    states = [e for e in ev if e.kind == "fire_state"]
    dry = Moisture(0.06, 0.07, 0.08, 0.60, 0.90)
    r = surface_fire("TL8", dry, 8.0, 0.30)
    assert states[0].details["head_ros_m_min"] == pytest.approx(r.ros_m_min, abs=1e-3)
    # the helicopter is over the fire by 60 min: head 30 % slower, flame length x 0.7^0.46
    at60 = next(e for e in states if e.t == 60.0)
    assert at60.details["helicopters"] == 1
    assert at60.details["head_ros_m_min"] == pytest.approx(0.7 * r.ros_m_min, abs=1e-3)
    assert at60.details["flame_length_m"] == pytest.approx(r.flame_length_m * 0.7 ** 0.46, abs=0.01)
    # contained when the held line reaches the perimeter
    (done,) = [e for e in ev if e.kind == "fire_contained"]
    assert done.details["line_m"] == pytest.approx(done.details["perimeter_m"], abs=1.0)
    # T7: the forest team's 15 people reached the fire; the vehicles stopped at the anchor point
    assert {e.unit for e in ev if e.kind == "unit_arrived"} >= {"forest_team", "helicopters"}
    kinds = [e.kind for e in ev]
    assert kinds.count("incident_completed") == 2 and "unit_stopped" not in kinds


def test_the_fire_area_is_closed_to_vehicles_but_not_to_its_anchor_point(host):
    from drillsim.api import Place
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario

    # without the camera (reported at 30 min by a patrol) the fire burns until about 2.7 h
    sim = Simulation(load_scenario(SCENARIOS / "forest_fire.yaml", host=host,
                                   overrides={"hazards[0].params.monitoring.cameras": []}), host)
    sim.run(until=120.0)
    ignition = Place("probe", "inside the fire", 30.3400, 105.9420, "incident", "baolong")
    anchor = sim.region.places.get("baolong_fire_anchor") or next(
        i.place for i in sim.incidents.values() if i.kind == "forest_fire")
    truck = sim.units["township_teams.guxi"]
    heli = sim.units["helicopters"]
    assert math.isinf(sim.travel_time(truck, truck.base, ignition))
    assert math.isfinite(sim.travel_time(truck, truck.base, anchor))
    assert math.isfinite(sim.travel_time(heli, heli.base, ignition))
    # once contained (at about 2.7 h) the area opens again
    sim.run(until=200.0)
    assert math.isfinite(sim.travel_time(truck, truck.base, ignition))


# ------------------------------------------------------------------ containment with spread
#: Behave's CONTAIN test (the BehavePlus core, firelab/behave src/testBehave/testBehave.cpp,
#: testContainModule, at d963287): a fire of 1 acre at report, head spreading 5 ch/h,
#: length-to-width 3, one resource of 20 ch/h arriving 2 h after the report, head attack,
#: no gap between line and edge: final line 39.539849615 ch, final fire 9.42749714 acres
CONTAIN = {"report_acres": 1.0, "ros_ch_h": 5.0, "lw": 3.0, "arrival_h": 2.0, "production_ch_h": 20.0,
           "line_ch": 39.539849615, "size_acres": 9.42749714}
CH = 20.1168                      # m
ACRE = 4046.8564224               # m²


def _contain_start(case=CONTAIN) -> tuple[float, float]:
    """(head distance m when the line starts, head rate m/min): an ellipse of area A with
    the ignition at its focus (eccentricity e = √(1 − 1/L²)) has its head at
    (1 + e)·√(A / (π √(1 − e²))) from the ignition; then it runs at R until the arrival."""
    e = math.sqrt(1 - 1 / case["lw"] ** 2)
    head = (1 + e) * math.sqrt(case["report_acres"] * ACRE / (math.pi * math.sqrt(1 - e * e)))
    ros = case["ros_ch_h"] * CH / 60
    return head + ros * case["arrival_h"] * 60, ros


def test_head_attack_matches_behaves_contain():
    """Line from the head along both flanks (the production split between them) against
    Behave's CONTAIN: the line to 1e-3 chain and the fire inside it to 1e-4 of its area."""
    head, ros = _contain_start()
    c = flank_attack(head, ros, CONTAIN["lw"], [(0.0, CONTAIN["production_ch_h"] * CH)], "head")
    assert c["contained"]
    assert c["line_m"] / CH == pytest.approx(CONTAIN["line_ch"], abs=1e-3)
    assert c["area_m2"] / ACRE == pytest.approx(CONTAIN["size_acres"], rel=1e-4)
    assert c["line_m"] == pytest.approx(CONTAIN["production_ch_h"] * CH * c["minutes"] / 60)
    # the same test in Behave's testContain.cpp (at 63aec83) gives the fire when the line
    # starts, 7.10569878 acres and 36.694893 ch around, and the end 238.75 min after the
    # report: drillsim's ellipse grown from a point at 5 ch/h with L/B 3 to the same head
    shape = FireShape()
    shape.grow(ros, CONTAIN["lw"], head / ros)
    assert shape.area_ha * 1e4 / ACRE == pytest.approx(7.10569878, rel=1e-6)
    assert shape.perimeter_m / CH == pytest.approx(36.694893, rel=1e-4)    # Ramanujan's perimeter
    assert CONTAIN["arrival_h"] * 60 + c["minutes"] == pytest.approx(238.75, abs=0.25)


def test_several_crews_and_too_little_line():
    """Two crews of 10 ch/h starting together are one of 20; a second 20 ch/h crew joining
    after 30 min closes sooner than one alone and later than both from the start, the
    line being each crew's rate times its time on the line; a line no faster than the head
    on each flank (10 ch/h in all against 5 ch/h) cannot hold the edge at the head."""
    head, ros = _contain_start()
    one = flank_attack(head, ros, 3.0, [(0.0, 20 * CH)])
    two = flank_attack(head, ros, 3.0, [(0.0, 10 * CH), (0.0, 10 * CH)])
    assert (two["minutes"], two["line_m"]) == pytest.approx((one["minutes"], one["line_m"]), rel=1e-12)
    both = flank_attack(head, ros, 3.0, [(0.0, 40 * CH)])
    later = flank_attack(head, ros, 3.0, [(0.0, 20 * CH), (30.0, 20 * CH)])
    assert both["minutes"] < later["minutes"] < one["minutes"] and later["contained"]
    assert later["line_m"] == pytest.approx(20 * CH * later["minutes"] / 60 + 20 * CH * (later["minutes"] - 30) / 60)
    cut = flank_attack(head, ros, 3.0, [(0.0, 20 * CH)], limit_min=30.0)
    assert not cut["contained"] and cut["reason"] == "the line does not close within 0.5 h"
    assert cut["minutes"] == 30.0 and cut["line_m"] == pytest.approx(20 * CH / 2)
    slow = flank_attack(head, ros, 3.0, [(0.0, 10 * CH)])
    assert not slow["contained"] and "outruns the line" in slow["reason"]
    assert flank_attack(head, ros, 3.0, [(0.0, 10.2 * CH)])["contained"]


def test_a_fire_that_hardly_spreads_is_lined_along_its_perimeter():
    """Without spread (the head at 1e-7 m/min) the line is the ellipse's perimeter at the
    attack and the fire inside it the ellipse, π·A·B (semi-axes A = h/(1 + e), B = A√(1 − e²)),
    from either end: Fire Fighter Math's static arithmetic (line ÷ production) is the limit."""
    head, lw = 300.0, 2.0
    e = math.sqrt(1 - 1 / lw ** 2)
    a_axis = head / (1 + e)
    b_axis = a_axis * math.sqrt(1 - e * e)
    for tactic in ("head", "rear"):
        c = flank_attack(head, 1e-7, lw, [(0.0, 600.0)], tactic)
        assert c["line_m"] == pytest.approx(ellipse_perimeter(a_axis, b_axis), rel=1e-6)
        assert c["area_m2"] == pytest.approx(math.pi * a_axis * b_axis, rel=1e-5)
        assert c["minutes"] == pytest.approx(hours_to_build(c["line_m"], 600.0) * 60, rel=1e-9)


def test_rear_attack_lets_the_head_run():
    """Anchored at the rear, the crews reach the head last: more line and a larger fire
    than a head attack with the same crews (Fried & Fried 1996), and none at all when the
    line is no faster than the head on each flank."""
    head, ros = _contain_start()
    front = flank_attack(head, ros, 3.0, [(0.0, 20 * CH)], "head")
    rear = flank_attack(head, ros, 3.0, [(0.0, 20 * CH)], "rear")
    assert rear["contained"] and rear["line_m"] > front["line_m"] and rear["area_m2"] > front["area_m2"]
    assert not flank_attack(head, ros, 3.0, [(0.0, 10 * CH)], "rear")["contained"]


def test_the_fire_calculator_races_the_line():
    """drillsim hazard fire --attack T --production P: the fire grown from a point for T,
    then flank_attack with its head rate and length-to-breadth ratio; refusals in words."""
    from click.testing import CliRunner

    from drillsim.cli.main import main
    from drillsim_plugins.forest_fire.calculator import fire_calculator

    out = fire_calculator("TL8", 8.0, 0.0, 0.3, 0.06, 0.07, 0.08, 0.6, 0.9, attack=60.0, production=0.4)
    r = surface_fire("TL8", Moisture(0.06, 0.07, 0.08, 0.6, 0.9), 8.0, 0.3)
    c = flank_attack(r.ros_m_min * 60, r.ros_m_min, length_to_breadth(r.effective_wind_kmh), [(0.0, 400.0)])
    assert out["contained"] and out["contained_min"] == pytest.approx(60 + c["minutes"])
    assert out["line_m"] == pytest.approx(c["line_m"]) and out["contained_area_ha"] == pytest.approx(c["area_m2"] / 1e4)
    for args, words in ((["--attack", "1h"], "go together"), (["--tactic", "rear"], "--tactic only serves"),
                        (["--attack", "1h", "--production", "400m/h", "--moisture-1h", "40%"], "does not spread")):
        res = CliRunner().invoke(main, ["hazard", "fire", "--fuel-model", "TL8", *args])
        assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output, res.output
    res = CliRunner().invoke(main, ["hazard", "fire", "--fuel-model", "GR2", "--wind", "15km/h", "--attack", "1h",
                                    "--production", "400m/h"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "not contained: the fire outruns the line" in res.output


def test_the_scenarios_race_against_fried_and_fried_on_the_baolong_fire(host):
    """containment.py's scope, in figures: the shipped fire without its helicopter, the
    crews anchored at the rear as they arrive, closes by the scenario's race at 2.37 h
    and 6.4 ha; Fried & Fried's rear attack with the same crews, rates and spread at
    1.70 h and 1.9 ha (the race lets the edge already lined keep growing)."""
    ev = _contained_fire(host, {"hazards[0].params.helicopters.head_reduction": 0.0, "forces[2].enabled": False})
    (done,) = [e for e in ev if e.kind == "fire_contained"]
    assert (round(done.t / 60, 2), round(done.details["area_ha"], 1)) == (2.37, 6.4)
    arrived = {e.unit: e.t for e in ev if e.kind == "unit_arrived" and e.unit in CREW_RATE}
    t0 = min(arrived.values())
    r = surface_fire("TL8", Moisture(0.06, 0.07, 0.08, 0.60, 0.90), 8.0, 0.30)
    c = flank_attack(r.ros_m_min * t0, r.ros_m_min, length_to_breadth(r.effective_wind_kmh),
                     [(t - t0, CREW_RATE[u]) for u, t in arrived.items()], "rear")
    assert c["contained"] and (round((t0 + c["minutes"]) / 60, 2), round(c["area_m2"] / 1e4, 1)) == (1.70, 1.9)
