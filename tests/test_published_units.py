"""The units the published fire and flood methods write, read as they define them.

* The chain of fire behaviour is 66 international feet, 20.1168 m: BehavePlus writes its
  spread rates in chains per hour and converts ft/min by 10/11 (firelab/behave
  ``surfaceFireSpread.cpp``, ``FEET_PER_MIN_TO_CHAINS_PER_HOUR = 10.0 / 11.0``: 60 ft/h
  over 66 ft); the NWCG IRPG's line production table and Fire Fighter Math are in chains
  per hour. Before, ``20ch/h`` was refused as a centi-hour and ``chains/h`` as no unit.
* The pound per minute of ALOHA's release rates (its source strength is reported in lb/min
  and kg/min): 1 lb = 0.45359237 kg exactly (NIST SP 811, B.8). Before, ``100lb/min`` was
  refused as "'pound', not a unit of ... mass".
* The cubic foot per second of American hydrology texts (Chow, Maidment & Mays 1988,
  Example 8.4.1 routes a hydrograph in cfs): 0.3048³ m³/s = 0.028316846592 m³/s exactly
  (NIST SP 811, B.8: 1 ft = 0.3048 m).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.scenario.quantities import parse_quantity

M_PER_CHAIN = 66 * 0.3048            # 20.1168 m, exactly
M3_PER_FT3 = 0.3048 ** 3             # 0.028316846592 m³


@pytest.mark.parametrize("text", ["20ch/h", "20chain/h", "20chains/h", "20 ch/h"])
def test_chains_per_hour_are_66_feet_per_hour(text):
    assert parse_quantity(text, "speed") == pytest.approx(20 * M_PER_CHAIN / 1000, rel=1e-15)  # km/h


def test_a_chain_is_a_length_and_not_a_centi_hour():
    assert parse_quantity("36.694893ch", "length") == pytest.approx(36.694893 * M_PER_CHAIN / 1000, rel=1e-15)
    with pytest.raises(ValueError, match="measures"):
        parse_quantity("2ch", "time")


@pytest.mark.parametrize("text", ["85cfs", "85ft3/s", "85ft^3/s", "85 ft**3/s"])
def test_cubic_feet_per_second(text):
    # Chow, Maidment & Mays (1988) Example 8.4.1's initial outflow, 85 cfs = 2.407 m³/s
    # (the SI restatement gives 2.40 m³/s)
    assert parse_quantity(text, "discharge") == pytest.approx(85 * M3_PER_FT3, rel=1e-15)
    assert parse_quantity(text, "discharge") == pytest.approx(2.40, abs=0.01)


@pytest.mark.parametrize("text, grams_per_second", [("100lb/min", 100 * 453.59237 / 60),
                                                    ("2lb/s", 2 * 453.59237)])
def test_pounds_per_minute_as_aloha_writes_a_release(text, grams_per_second):
    assert parse_quantity(text, "mass_rate") == pytest.approx(grams_per_second, rel=1e-15)
    runs = [CliRunner().invoke(main, ["hazard", "plume", "--rate", rate, "--wind", "3m/s", "--json"])
            for rate in (text, f"{grams_per_second!r}g/s")]
    assert runs[0].exit_code == 0, runs[0].output
    assert json.loads(runs[0].output)["concentration_g_m3"] == pytest.approx(
        json.loads(runs[1].output)["concentration_g_m3"], rel=1e-12)


def _fire(*args):
    res = CliRunner().invoke(main, ["hazard", "fire", "--fuel-model", "FM1", "--wind", "5mph",
                                    "--slope", "30%", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_the_fire_calculator_takes_line_production_in_chains_per_hour():
    """IRPG: a Type 1 crew in grass (fuel model 1) builds 30 ch/h, 603.504 m/h."""
    in_chains = _fire("--attack", "30min", "--production", "30ch/h")
    in_metres = _fire("--attack", "30min", "--production", f"{30 * M_PER_CHAIN!r}m/h")
    assert in_chains == in_metres
    # Behave's fuel model 1 case (5 mi/h midflame wind up a 30 % slope: 109.394614 ch/h,
    # firelab/behave testBehave.cpp) in m/min by the chain: 109.394614 × 20.1168 / 60
    assert in_chains["rate_of_spread_ch_h"] == pytest.approx(109.394614, abs=1e-6)
    assert in_chains["rate_of_spread_m_min"] == pytest.approx(109.394614 * M_PER_CHAIN / 60, abs=1e-6)


# The 60-min AEGLs as the National Research Council's AEGL volumes print them, ppm with
# mg/m³ to two significant figures (chlorine vol. 4, 2004; ammonia vol. 6, 2008; hydrogen
# sulfide vol. 9, 2010): mg/m³ = ppm × M / 24.45 at 25 °C and 1 atm
AEGL_60MIN = {
    "chlorine": {"aegl1": (0.50, 1.5), "aegl2": (2.0, 5.8), "aegl3": (20, 58)},
    "ammonia": {"aegl1": (30, 21), "aegl2": (160, 110), "aegl3": (1100, 770)},
    "hydrogen_sulfide": {"aegl1": (0.51, 0.71), "aegl2": (27, 38), "aegl3": (50, 70)},
}


@pytest.mark.parametrize("name", sorted(AEGL_60MIN))
def test_the_plume_calculators_aegls_in_ppm_and_mg_m3_at_25_c(name):
    res = CliRunner().invoke(main, ["hazard", "plume", "--rate", "100g/s", "--wind", "5m/s",
                                    "--chemical", name, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    molar = {"chlorine": 70.90, "ammonia": 17.031, "hydrogen_sulfide": 34.08}[name]   # IUPAC, g/mol
    for level, (ppm, mg_m3) in AEGL_60MIN[name].items():
        assert out[f"{level}_ppm"] == ppm
        # two significant figures: within 3.5 % (0.50 ppm of chlorine is 1.4499 mg/m³ with
        # M = 70.90, printed 1.5)
        assert out[f"{level}_mg_m3"] == pytest.approx(mg_m3, rel=0.035), (name, level)
        assert out[f"{level}_mg_m3"] == pytest.approx(ppm * molar / 24.45, rel=1e-12)
    # the concentration at the point in both units, one from the other at 25 °C
    assert out["concentration_ppm"] == pytest.approx(out["concentration_mg_m3"] * 24.45 / molar, rel=1e-12)
