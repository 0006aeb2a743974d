"""Edge conditions the published methods define, through the command line.

* A fire in calm air on flat ground spreads alike in every direction: Anderson's (1983)
  length-to-breadth ratio is 1 at no wind (0.936 + 0.461 − 0.397 = 1.000) and so is
  Rothermel's (1991) 1 + 0.25 U; with the ignition at the focus of a circle, the head,
  flanks and back all run at the no-wind rate R0, and after t the fire is a circle of
  radius R0 t.
* The Gaussian plume is not valid in calm air: EPA (Meteorological Monitoring Guidance,
  EPA-454/R-99-005, §6.9) takes 1 m/s as the lowest wind of the models' validations, and
  ALOHA refuses calmer winds; the plume calculator refuses them.
* Turner's (1970, Table 1) night classes: a clear night (≤ 3/8 cloud) with 2-3 m/s of
  wind at 10 m is F, a cloudy one E; from 5 m/s every night is D, as is any overcast sky.
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main


def _hazard(*args):
    return CliRunner().invoke(main, ["hazard", *args])


@pytest.mark.parametrize("shape", ["anderson_1983", "rothermel_1991"])
@pytest.mark.parametrize("model", ["FM1", "GR2", "TL8"])
def test_a_calm_fire_on_flat_ground_is_a_circle(model, shape):
    res = _hazard("fire", "--fuel-model", model, "--wind", "0km/h", "--slope", "0%",
                  "--elapsed", "90min", "--shape", shape, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    r0 = out["rate_of_spread_m_min"]
    assert out["length_to_breadth"] == 1.0
    assert out["effective_wind_km_h"] == 0.0 and out["direction_of_max_spread_deg_from_upslope"] == 0.0
    assert out["backing_rate_of_spread_m_min"] == pytest.approx(r0, rel=1e-12)
    assert out["flanking_rate_of_spread_m_min"] == pytest.approx(r0, rel=1e-12)
    radius = r0 * 90
    assert out["length_m"] == pytest.approx(2 * radius, rel=1e-12)
    assert out["width_m"] == pytest.approx(2 * radius, rel=1e-12)
    assert out["area_ha"] == pytest.approx(math.pi * radius ** 2 / 1e4, rel=1e-12)
    assert out["perimeter_m"] == pytest.approx(2 * math.pi * radius, rel=1e-12)


@pytest.mark.parametrize("wind", ["0m/s", "0.5m/s", "3.5km/h"])
def test_the_plume_refuses_calm_air(wind):
    res = _hazard("plume", "--rate", "100g/s", "--wind", wind)
    assert res.exit_code == 2 and "below 1 m/s" in res.output and "Traceback" not in res.output, res.output


@pytest.mark.parametrize("wind, sky, expected", [
    ("2.5m/s", "night_clear", "F"), ("2.5m/s", "night_cloudy", "E"),
    ("4m/s", "night_clear", "E"), ("4m/s", "night_cloudy", "D"),
    ("5.5m/s", "night_clear", "D"), ("8m/s", "night_clear", "D"),
    ("2.5m/s", "overcast", "D"), ("1.5m/s", "strong", "A"), ("8m/s", "strong", "C"),
])
def test_turners_classes_through_the_calculator(wind, sky, expected):
    res = _hazard("plume", "--rate", "100g/s", "--wind", wind, "--stability", "auto", "--insolation", sky,
                  "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["stability"] == expected


@pytest.mark.parametrize("curve, a, b, d_max_h, steady_mm_h, reached", [
    # Guzzetti et al. (2008), Landslides 5:3-17: I = 2.20 D^-0.44 for 0.1 h <= D <= 1000 h
    ("guzzetti_2008", 2.20, 0.44, 1000.0, 0.11, True),     # D = (2.20/0.11)^(1/0.44) = 905.5 h
    ("guzzetti_2008", 2.20, 0.44, 1000.0, 0.10, False),    # D = 1,139 h: beyond the curve's range
    # Caine (1980), Geografiska Annaler A 62:23-27: I = 14.82 D^-0.39 for 10 min <= D <= 10 d
    ("caine_1980", 14.82, 0.39, 240.0, 1.80, True),        # D = 221.8 h
    ("caine_1980", 14.82, 0.39, 240.0, 1.70, False),       # D = 257.6 h: beyond 10 days
])
def test_a_threshold_holds_only_over_its_published_durations(tmp_path, curve, a, b, d_max_h, steady_mm_h,
                                                             reached):
    rain = tmp_path / "rain.csv"
    rain.write_text("\n".join([f"{steady_mm_h}"] * 1200))
    res = _hazard("landslide", "--rain", str(rain), "--step", "1h", "--curve", curve, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    d_h = (a / steady_mm_h) ** (1 / b)
    assert (d_h <= d_max_h) is reached
    assert out["threshold_reached"] is reached
    if reached:
        assert out["event_duration_h"] == pytest.approx(d_h, rel=1e-9)
