"""The landslide hazard: intensity–duration thresholds against hand calculations, and the
Guxi/Baolong scenario's warning, relocation, slide, rescue and road block re-derived by hand.

Thresholds: Caine (1980) I = 14.82 D^-0.39, Guzzetti et al. (2008) I = 2.20 D^-0.44 (I mm/h,
D h). At a constant intensity i the curve is reached after D = (a / i)^(1/b) hours. For the
scenario's hourly storm the crossing inside an hour is found here by fixed-point iteration
of E(t) = a t^(1-b), written out by hand (the code uses Brent's method).

Distances: great-circle (law of cosines) × circuity 1.4 at the vehicle's speed, as the
region's road model says.
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim_plugins.landslide.calculator import landslide_calculator
from drillsim_plugins.landslide.threshold import CURVES, Curve, exceedance
from tests.conftest import SCENARIOS

R = 6371.0088
SEAT = (30.1782, 105.82991)           # district seat: district team, engineering team
GUXI_SEAT = (30.33026, 105.87208)
GUXI_PT = (30.315, 105.868)
BAOLONG_SEAT = (30.35498, 105.92034)
BAOLONG_PT = (30.345, 105.905)
RAIN = [4, 6, 8, 12, 18, 26, 30, 22, 14, 10, 8, 6, 4, 3, 2, 1]


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))


def crossing(a: float, b: float, hour: int, before: float, rate: float) -> float:
    """Minutes at which before + rate·x (mm, x h into hour ``hour``) meets a·(hour+x)^(1-b):
    fixed-point iteration x = (a (hour+x)^(1-b) − before) / rate."""
    x = 0.5
    for _ in range(500):
        x = (a * (hour + x) ** (1 - b) - before) / rate
    return (hour + x) * 60.0


# ------------------------------------------------------------------ the thresholds
def test_caine_at_constant_intensity():
    # 10 mm/h: D = (14.82 / 10)^(1 / 0.39) = 1.482^2.5641 = 2.7421 h = 164.52 min
    t = exceedance(60.0, [10.0] * 10, CURVES["caine_1980"])
    assert t == pytest.approx(164.52, abs=0.01)
    # the mean intensity there lies on the curve: 10 = 14.82 × 2.7421^-0.39
    assert 14.82 * (t / 60) ** -0.39 == pytest.approx(10.0, rel=1e-6)


def test_guzzetti_at_constant_intensity():
    # 2 mm/h: D = (2.20 / 2)^(1 / 0.44) = 1.1^2.2727 = 1.2419 h = 74.51 min
    assert exceedance(60.0, [2.0] * 5, CURVES["guzzetti_2008"]) == pytest.approx(74.51, abs=0.01)


def test_rain_starting_later_counts_from_its_first_drop():
    t = exceedance(60.0, [0.0, 0.0, 10.0, 10.0, 10.0], CURVES["caine_1980"])
    assert t == pytest.approx(120.0 + 164.52, abs=0.01)


def test_rain_that_never_reaches_the_curve():
    # 1 mm/h for 10 h: Caine needs 14.82 × 10^0.61 = 60.4 mm by then; 10 mm fell
    assert exceedance(60.0, [1.0] * 10, CURVES["caine_1980"]) is None
    assert exceedance(60.0, [0.0, 0.0], CURVES["caine_1980"]) is None


def test_a_downpour_is_over_the_curve_at_its_shortest_duration():
    # 60 mm in 10 min: at D = 10 min Caine asks 14.82 × (1/6)^0.61 = 4.95 mm; 60 mm fell
    assert exceedance(10.0, [60.0], CURVES["caine_1980"]) == pytest.approx(10.0)


def test_the_scenario_storm_by_hand():
    caine = CURVES["caine_1980"]
    # Guxi: 30 mm fell by 4 h, 18 mm in the 5th hour
    assert exceedance(60.0, RAIN, caine) == pytest.approx(crossing(14.82, 0.39, 4, 30, 18), abs=1e-4)
    # warning at half the curve: 10 mm by 2 h, 8 mm in the 3rd
    assert exceedance(60.0, RAIN, caine.scaled(0.5)) == pytest.approx(crossing(7.41, 0.39, 2, 10, 8), abs=1e-4)
    # Baolong, 1.2 × the rain: 21.6 mm by 3 h, 14.4 mm in the 4th
    more = [1.2 * d for d in RAIN]
    assert exceedance(60.0, more, caine) == pytest.approx(crossing(14.82, 0.39, 3, 21.6, 14.4), abs=1e-4)


def test_regional_curves_are_checked():
    with pytest.raises(ValueError, match="b must lie between 0 and 1"):
        Curve(10.0, 1.2, 0.1, 100.0)
    with pytest.raises(ValueError, match="rain depths must not be negative"):
        exceedance(60.0, [1.0, -1.0], CURVES["caine_1980"])


def test_calculator():
    out = landslide_calculator([10.0] * 10, 60.0, "caine_1980", 0.5)
    assert out["threshold_reached_min"] == pytest.approx(164.52, abs=0.01)
    assert out["mean_intensity_mm_h"] == pytest.approx(10.0)
    # half the curve at 10 mm/h: D = (7.41 / 10)^(1/0.39) = 0.4638 h
    assert out["warning_reached_min"] == pytest.approx((7.41 / 10) ** (1 / 0.39) * 60, abs=0.01)
    with pytest.raises(ValueError, match="unknown curve"):
        landslide_calculator([1.0], 60.0, "nobody_2024")


@pytest.mark.parametrize("rain", [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
def test_rain_that_never_reaches_the_curve_is_an_answer(rain):
    """Caine's curve at 3 h asks 14.82 · 3^0.61 = 28.9 mm; 6 mm (or none) never reaches it,
    nor half of it. The calculator said so with None, which the command refused as a
    fault of the plugin (exit status 1)."""
    out = landslide_calculator(rain, 60.0, "caine_1980", 0.5)
    assert out["threshold_reached"] is False and out["warning_reached"] is False
    assert "threshold_reached_min" not in out and "warning_reached_min" not in out
    result = CliRunner().invoke(main, ["hazard", "landslide", "--rain", ",".join(map(str, rain)),
                                       "--step", "1h", "--warning-fraction", "50%", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["threshold_reached"] is False


# ------------------------------------------------------------------ the scenario
@pytest.fixture(scope="module")
def run(host):
    sc = load_scenario(SCENARIOS / "guxi_landslide.yaml", host=host)
    sim = Simulation(sc, host)
    base, guxi, slope = (sim.region.place(p) for p in ("district_rescue_base", "guxi", "guxi_road_slope"))
    team = sim.units["district_team-1"]
    checks = {"before": sim.travel_time(team, base, guxi)}
    sim.run(until=300.0)      # after the Guxi slide (261 min)
    checks["blocked"] = sim.travel_time(team, base, guxi)
    checks["to_slide"] = sim.travel_time(team, base, slope)
    sim.run()
    checks["after"] = sim.travel_time(team, base, guxi)
    return sim, checks


def first(sim, event_kind, **match):
    return next(e for e in sim.log.events if e.kind == event_kind and all(
        getattr(e, k, None) == v or e.details.get(k) == v for k, v in match.items()))


def test_warning_relocation_and_slide_at_guxi(run):
    sim, _ = run
    warn = crossing(7.41, 0.39, 2, 10, 8) + 20.0                 # + issue delay
    slide = crossing(14.82, 0.39, 4, 30, 18)
    assert first(sim, "warning_issued", point="guxi_road_slope").t == pytest.approx(warn, abs=1e-3)
    # ordered 20 min later (22:57, in the night band 22:00-07:00); the Guxi team: 30 min
    # turnout at night, drive, 30 min of work (5 rescuers
    # for 46 people at 10 each, 20 on scene: full rate; 10 people / 20 per hour = 30 min)
    reloc = first(sim, "incident_created", kind="relocation")
    assert reloc.t == pytest.approx(warn + 20.0, abs=1e-3)
    assert reloc.details["demand"] == {"people": 5.0}
    done = first(sim, "incident_completed", incident=reloc.incident)
    assert 22 * 60 <= 20 * 60 + reloc.t < 24 * 60                # the run starts at 20:00
    assert done.t == pytest.approx(warn + 20 + 30 + km(GUXI_SEAT, GUXI_PT) * 1.4 / 40 * 60 + 30, abs=1e-3)
    s = first(sim, "landslide", point="guxi_road_slope")
    assert s.t == pytest.approx(slide, abs=1e-3)
    assert (s.details["remaining"], s.details["warned"], s.details["homes_buried"]) == (0, True, 6)
    assert s.details["warning_lead"] == pytest.approx(slide - warn, abs=1e-3)
    assert slide - warn == pytest.approx(104.2, abs=0.1)        # L1: 1.74 h ≥ 1 h


def test_unmonitored_baolong_slides_on_its_people(run):
    sim, _ = run
    slide = crossing(14.82, 0.39, 3, 21.6, 14.4)
    s = first(sim, "landslide", point="baolong_hill_slope")
    assert s.t == pytest.approx(slide, abs=1e-3)
    # never warned: all 23 still there; half of 6 homes, half of 23 people rounded up: 12
    assert (s.details["remaining"], s.details["homes_buried"], s.details["buried_people"]) == (23, 3, 12)
    assert not any(e.kind == "warning_issued" and e.details.get("point") == "baolong_hill_slope"
                   for e in sim.log.events)


def test_rescue_needs_rescuers_and_the_excavator(run):
    sim, _ = run
    slide = crossing(14.82, 0.39, 3, 21.6, 14.4)
    rescue = first(sim, "incident_created", kind="landslide_rescue")
    assert rescue.t == pytest.approx(slide + 15.0, abs=1e-3)       # detection
    assert rescue.details["demand"] == {"people": 20.0, "excavator": 1.0}
    assert rescue.details["on_scene"] == pytest.approx(3 * 120.0)   # 2 h per buried home
    dig = first(sim, "unit_arrived", unit="engineering_team")
    # 60 min to load, then the low-loader at 30 km/h from the district seat
    assert dig.t == pytest.approx(slide + 15 + 60 + km(SEAT, BAOLONG_PT) * 1.4 / 30 * 60, abs=1e-3)
    # work starts with the excavator: done 6 h later, then the only excavator goes to Guxi
    assert first(sim, "incident_completed", incident=rescue.incident).t == pytest.approx(dig.t + 360, abs=1e-3)
    guxi = first(sim, "unit_arrived", unit="engineering_team", place="guxi_road_slope")
    assert guxi.t == pytest.approx(dig.t + 360 + km(BAOLONG_PT, GUXI_PT) * 1.4 / 30 * 60, abs=1e-3)


def test_the_road_past_the_slide_is_blocked_for_its_duration(run):
    sim, checks = run
    assert checks["before"] == pytest.approx(km(SEAT, GUXI_SEAT) * 1.4 / 40 * 60)
    assert math.isinf(checks["blocked"])                               # city -> Guxi passes the slide
    assert checks["to_slide"] == pytest.approx(km(SEAT, GUXI_PT) * 1.4 / 40 * 60)   # rescuers reach it
    assert checks["after"] == checks["before"]                        # reopened after 36 h
    blocked = first(sim, "road_blocked", point="guxi_road_slope")
    assert first(sim, "road_reopened", point="guxi_road_slope").t == pytest.approx(blocked.t + 36 * 60)


def test_a_slope_that_holds(host):
    sc = load_scenario(SCENARIOS / "guxi_landslide.yaml", host=host,
                       overrides={"hazards[0].params.points[1].probability": 0})
    sim = Simulation(sc, host)
    sim.run()
    assert first(sim, "slope_held", point="baolong_hill_slope")
    assert [e.details["point"] for e in sim.log.events if e.kind == "landslide"] == ["guxi_road_slope"]


def test_scorecard_rows(host):
    from drillsim.scoring.runner import run

    sc = load_scenario(SCENARIOS / "guxi_landslide.yaml", host=host)
    rows = {r.id: r for r in run(sc, host).rows}
    assert rows["L1"].passed and rows["L2"].passed
    # the calls come after midnight: the township teams' 30-min night turnout (tests/test_guxi_night.py)
    assert not rows["L4"].passed and rows["L4"].fails_by_design
    assert not rows["L3"].passed and rows["L3"].mean == 23     # Baolong was never warned
    assert not rows["L5"].passed        # one excavator, two slides


def test_same_scenario_same_events(host):
    from drillsim.scoring.runner import run_replication

    sc = load_scenario(SCENARIOS / "guxi_landslide.yaml", host=host)
    a = [e.to_json() for e in run_replication(sc, host, 0)]
    b = [e.to_json() for e in run_replication(sc, host, 0)]
    assert a == b and len(a) > 20


# ------------------------------------------------------------------ the drill pack
def test_the_pack_draws_valid_scenarios_and_plays(tmp_path, host):
    from drillsim.drill import packs
    from drillsim.drill.session import DrillSession

    pack_path = SCENARIOS / "packs" / "landslide.yaml"
    pack, _doc, base = packs.load_pack(pack_path)
    for v in pack.variants:
        load_scenario(base, host=host, overrides={**pack.overrides, **v.overrides})
    factors = [packs.draw(pack_path, seed).choices["hazards.northern_storm.params.points[1].rain_factor"]
               for seed in range(8)]
    assert all(1.0 <= f <= 1.4 for f in factors) and len(set(factors)) > 1
    s = DrillSession.open(pack_path, seed=3, log_path=tmp_path / "drill.jsonl")
    assert s.sim.hazards[0].params.points[1].rain_factor == 1.34
    s.advance_to(180.0)
    warned = [f for f in s.feed if f.category == "warning"]
    assert warned and "evacuate guxi" in warned[0].text       # the warning says which order to give
    assert not any(e.kind == "relocation_ordered" for e in s.sim.log.events)   # players decide
    assert s.command("evacuate guxi").ok
    assert not s.command("evacuate mixin").ok                   # no hazard point there
    s.advance_to(400.0)
    order = first(s.sim, "relocation_ordered")
    assert order.details["by"] == "player" and order.t == pytest.approx(180.0)
    assert any("slide at" in f.text for f in s.feed if f.category == "township")
    s.end("test over")
    from drillsim.drill import aar

    review = aar.build(s)          # the after-action review against the automatic baseline
    text = aar.render(s, review)
    assert "L2" in text and "evacuate guxi" in text
