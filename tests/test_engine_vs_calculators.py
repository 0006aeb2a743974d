"""The scenario engine and ``drillsim hazard ...`` give the same numbers for the same
inputs: each shipped scenario run once, and the calculator run from the command line (as
a user would, ``--json``) with the scenario's own inputs written out again here. Each
case also checks one figure by hand from the published method, so that agreement is not
agreement in a shared mistake:

* forest fire (scenarios/forest_fire.yaml): TL8, 8 km/h midflame wind up a 30 % slope,
  moistures 6/7/8/60/90 %: head spread and flame length at ignition, the area when the
  camera reports (5 min) and when the first crew starts the line; the ellipse's area by
  Anderson (1983): π/4 · L · L/LB with L = (R + R/HB) t.
* chlorine release (scenarios/chemical_park_leak.yaml): 500 g/s from 2 m, 2 m/s on a
  clear night (Pasquill F from Turner's 1970 Table 1), Briggs open country: the three
  AEGL zones; at the AEGL-2 zone's end the ground-level axis concentration is AEGL-2,
  2.0 ppm = 2.0 × 70.90 / 24.45 = 5.80 mg/m³ (Turner 1970 eq. 3.1 with Briggs' 1973 F
  curves, by hand).
* landslide (scenarios/guxi_landslide.yaml): the 16-h storm against Caine's (1980)
  I = 14.82 D^-0.39: the time each slope reaches it, the monitored slope's warning at
  50 % (plus its 20 min issue delay), the unmonitored slope's rain × 1.2; by hand,
  the mean intensity at that time equals Caine's threshold.
* transit flood (scenarios/fujiang_flood_2020.yaml): the gamma hydrograph (NRCS m =
  3.7; 1,500 → 22,600 m³/s, peak at 16 h) routed by ``hazard route`` (K 11 h, X 0.2,
  1 h, 6 sub-reaches): the gauge's peak and its time.
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS


def _run(host, name):
    sim = Simulation(load_scenario(SCENARIOS / name, host=host), host)
    sim.run()
    return sim.log.events


def _cli(*args):
    res = CliRunner().invoke(main, ["hazard", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _first(events, kind):
    return next(e for e in events if e.kind == kind)


def test_forest_fire_engine_and_fire_calculator(host):
    ev = _run(host, "forest_fire.yaml")
    fire = ["fire", "--fuel-model", "TL8", "--wind", "8km/h", "--slope", "30%",
            "--moisture-1h", "6%", "--moisture-10h", "7%", "--moisture-100h", "8%",
            "--moisture-herb", "60%", "--moisture-woody", "90%"]
    start = _first(ev, "fire_state")
    calc = _cli(*fire)
    assert start.t == 0.0
    assert start.details["head_ros_m_min"] == pytest.approx(calc["rate_of_spread_m_min"], abs=5e-4)
    assert start.details["flame_length_m"] == pytest.approx(calc["flame_length_m"], abs=5e-3)
    for kind in ("fire_reported", "fire_attack_began"):
        e = _first(ev, kind)
        size = _cli(*fire, "--elapsed", f"{e.t!r}min")
        assert e.details["area_ha"] == pytest.approx(size["area_ha"], abs=5e-4), kind
        # by hand (Anderson 1983): L = (R + R/HB) t, W = L/LB, area π L W / 4
        lb = size["length_to_breadth"]
        hb = (lb + math.sqrt(lb * lb - 1)) / (lb - math.sqrt(lb * lb - 1))
        length = calc["rate_of_spread_m_min"] * (1 + 1 / hb) * e.t
        assert size["area_ha"] == pytest.approx(math.pi / 4 * length * length / lb / 1e4, rel=1e-9)
    assert _first(ev, "fire_reported").t == 5.0            # the camera's 5 min


#: (scenario, its release as the calculator's options, Turner's class, Briggs' open-country
#: sigma_y and sigma_z coefficients for that class, sigma_y = a x (1 + 0.0001 x)^-1/2 and
#: sigma_z = b x (1 + 0.0003 x)^-1 for E and F; release in g/s, height in m)
CHLORINE_RELEASES = {
    # the road tanker: 1 kg/s from 1 m, 2 m/s under a cloudy night (Turner's E), the same
    # release model as the park's
    "road_tanker_leak.yaml": (("--rate", "1kg/s", "--insolation", "night_cloudy", "--height", "1m"),
                              "E", (0.06, 0.03), 1000.0, 1.0),
    "chemical_park_leak.yaml": (("--rate", "500g/s", "--insolation", "night_clear", "--height", "2m"),
                                "F", (0.04, 0.016), 500.0, 2.0),
}


@pytest.mark.parametrize("scenario", sorted(CHLORINE_RELEASES))
def test_chlorine_release_engine_and_plume_calculator(host, scenario):
    options, stability, (a, b), q_g_s, height = CHLORINE_RELEASES[scenario]
    zones = _first(_run(host, scenario), "plume_zones").details
    calc = _cli("plume", *options, "--wind", "2m/s", "--stability", "auto", "--chemical", "chlorine")
    assert zones["stability"] == calc["stability"] == stability
    for level in ("aegl1", "aegl2", "aegl3"):
        assert zones["zones"][level]["length_m"] == pytest.approx(calc[f"{level}_zone_length_m"], abs=0.05)
        assert zones["zones"][level]["max_width_m"] == pytest.approx(calc[f"{level}_zone_max_width_m"], abs=0.05)
    # by hand at the AEGL-2 zone's end (2.0 ppm of chlorine, 70.90 g/mol, 24.45 L/mol at
    # 25 C): C = Q/(pi u sy sz) exp(-H^2/2sz^2), Briggs' curves for the class
    x = calc["aegl2_zone_length_m"]
    sy, sz = a * x / math.sqrt(1 + 0.0001 * x), b * x / (1 + 0.0003 * x)
    c_mg_m3 = q_g_s / (math.pi * 2.0 * sy * sz) * math.exp(-height ** 2 / (2 * sz * sz)) * 1000
    assert c_mg_m3 == pytest.approx(2.0 * 70.90 / 24.45, rel=1e-4)
    assert calc["aegl2_mg_m3"] == pytest.approx(2.0 * 70.90 / 24.45, rel=1e-12)


STORM = [4, 6, 8, 12, 18, 26, 30, 22, 14, 10, 8, 6, 4, 3, 2, 1]   # mm per hour


def test_landslide_engine_and_landslide_calculator(host):
    figures = _first(_run(host, "guxi_landslide.yaml"), "hazard_summary").details["figures"]
    for point, factor, warned in (("guxi_road_slope", 1.0, True), ("baolong_hill_slope", 1.2, False)):
        rain = ",".join(repr(d * factor) for d in STORM)
        calc = _cli("landslide", "--rain", rain, "--step", "1h", "--warning-fraction", "50%")
        t = figures[f"{point}_threshold_reached_min"]
        assert t == pytest.approx(calc["threshold_reached_min"], abs=1e-6), point
        if warned:
            assert figures[f"{point}_warning_min"] == pytest.approx(calc["warning_reached_min"] + 20.0, abs=1e-6)
        else:
            assert figures[f"{point}_warning_min"] is None
        # by hand: the rain fallen by t over its duration D (h) is Caine's 14.82 D^-0.39
        d_h = t / 60
        whole = int(d_h)
        fallen = factor * (sum(STORM[:whole]) + STORM[whole] * (d_h - whole))
        assert fallen / d_h == pytest.approx(14.82 * d_h ** -0.39, rel=1e-6), point


def test_transit_flood_engine_and_route_calculator(host):
    figures = _first(_run(host, "fujiang_flood_2020.yaml"), "hazard_summary").details["figures"]
    qb, qp, tp, m = 1500.0, 22600.0, 16.0, 3.7                 # the scenario's gamma hydrograph
    inflow = [qb] + [qb + (qp - qb) * (j / tp) ** m * math.exp(m * (1 - j / tp)) for j in range(1, 150)]
    calc = _cli("route", "--inflow", ",".join(repr(q) for q in inflow), "--K", "11h", "--X", "0.2",
                "--dt", "1h", "--reaches", "6")
    out = calc["outflow"]
    peak = max(range(len(out)), key=out.__getitem__)
    assert figures["upstream_peak_m3s"] == pytest.approx(qp, rel=1e-12)
    assert figures["gauge_peak_m3s"] == pytest.approx(calc["peak_outflow"], rel=1e-9)
    assert figures["gauge_peak_time_min"] == peak * 60.0
    assert figures["peak_travel_time_h"] == peak - tp


def test_the_crews_flame_limits_are_the_reports_chart():
    """The forest fire's hand crews and helicopters work the head up to the flame lengths
    at which the after-action report's chart (Andrews & Rothermel 1982, INT-131: 4 ft and
    8 ft) stops saying they can: before, the engine rounded them to 1.2 and 2.4 m, so a
    head of 1.21 m was one the report said hand tools could attack and the run's crews
    could not close."""
    from drillsim.report.figures import SUPPRESSION_CLASSES, suppression_class
    from drillsim_plugins.forest_fire.containment import flame_length_limit

    assert flame_length_limit("hand_crew") == SUPPRESSION_CLASSES[0][0] == 4 * 0.3048
    assert flame_length_limit("aircraft") == SUPPRESSION_CLASSES[1][0] == 8 * 0.3048
    assert suppression_class(1.21).startswith("hand tools can attack")
    assert 1.21 < flame_length_limit("hand_crew")


def test_the_flood_and_leak_plume_follows_its_skies(host):
    """The leak during the flood (scenarios/fujiang_flood_chemical_leak.yaml): 500 g/s from
    2 m at 2 m/s, overcast from 12 h (Turner's D, day or night) and a cloudy night from
    13 h (E): each period's zones equal 'hazard plume' with the same sky."""
    periods = [e.details for e in _run(host, "fujiang_flood_chemical_leak.yaml") if e.kind == "plume_zones"]
    assert [p["stability"] for p in periods] == ["D", "E"]
    for zones, sky in zip(periods, ("overcast", "night_cloudy")):
        calc = _cli("plume", "--rate", "500g/s", "--wind", "2m/s", "--stability", "auto",
                    "--insolation", sky, "--height", "2m", "--chemical", "chlorine")
        assert calc["stability"] == zones["stability"]
        for level in ("aegl1", "aegl2", "aegl3"):
            assert zones["zones"][level]["length_m"] == pytest.approx(calc[f"{level}_zone_length_m"], abs=0.05)
            assert zones["zones"][level]["max_width_m"] == pytest.approx(calc[f"{level}_zone_max_width_m"],
                                                                        abs=0.05)
