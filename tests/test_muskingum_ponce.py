"""Muskingum routing against a third textbook table, with a K and step in days.

Ponce, V.M. (1989) *Engineering Hydrology: Principles and Practices*, Prentice Hall,
chapter 9 (§9.2, Muskingum method), Table 9-1: K = 2 d, X = 0.1, Δt = 1 d, a flood of
352 → 6,951 → 352 m³/s at daily steps, outflow starting at 352 m³/s; the table lists
each day's three products and the outflow to 0.1 m³/s (transcribed as in the public
MODFLOW 6 test suite, autotest ``ponce_data``, which reproduces it within 0.06 m³/s).

By hand (Chow, Maidment & Mays 1988 eqs. 8.4.7-8.4.9 with 2K(1 − X) + Δt = 4.6 d):
C1 = (1 − 0.4)/4.6 = 0.1304, C2 = (1 + 0.4)/4.6 = 0.3043, C3 = (3.6 − 1)/4.6 = 0.5652, and
the step lies inside the stable range 2KX = 0.4 d ≤ Δt ≤ 2K(1 − X) = 3.6 d.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

INFLOW = [352.0, 587.0, 1353.0, 2725.0, 4408.5, 5987.0, 6704.0, 6951.0, 6839.0, 6207.0, 5346.0,
          4560.0, 3861.5, 3007.0, 2357.5, 1779.0, 1405.0, 1123.0, 952.5, 730.0, 605.0, 514.0,
          422.0, 352.0, 352.0, 352.0]
OUTFLOW = [352.0, 382.7, 571.4, 1090.2, 2020.6, 3264.7, 4541.8, 5514.1, 6124.2, 6352.6, 6177.0,
           5713.2, 5120.7, 4461.7, 3744.5, 3066.0, 2457.7, 1963.2, 1575.6, 1275.7, 1022.1, 828.9,
           680.0, 558.7, 468.8, 418.0]
# day 1's three products as printed: C1 I2, C2 I1, C3 O1
DAY1 = (76.6, 107.1, 199.0)


def _route(*args):
    return CliRunner().invoke(main, ["hazard", "route", "--inflow", ",".join(f"{q:g}" for q in INFLOW), *args])


def test_ponce_table_9_1_from_the_command_line():
    res = _route("--K", "2d", "--X", "0.1", "--dt", "1d", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["C1"], out["C2"], out["C3"]) == pytest.approx((0.6 / 4.6, 1.4 / 4.6, 2.6 / 4.6), rel=1e-12)
    assert (round(out["C1"], 4), round(out["C2"], 4), round(out["C3"], 4)) == (0.1304, 0.3043, 0.5652)
    assert (out["C1"] * INFLOW[1], out["C2"] * INFLOW[0], out["C3"] * OUTFLOW[0]) == pytest.approx(DAY1, abs=0.05)
    # each printed outflow is the sum of three products rounded to 0.1 m3/s
    assert out["outflow"] == pytest.approx(OUTFLOW, abs=0.1)
    # the crest: 6,951 m3/s on day 7 passes as 6,352.6 m3/s on day 9 (8.6 % lower, 2 days later)
    assert out["peak_outflow"] == pytest.approx(6352.6, abs=0.1)
    assert out["peak_lag_steps"] == 2
    assert out["attenuation"] == pytest.approx(1 - 6352.6 / 6951, abs=2e-5)


def test_the_same_table_in_hours():
    """K and the step in any time unit: 48 h and 24 h give the same routing as 2 d and 1 d."""
    days, hours = _route("--K", "2d", "--X", "0.1", "--dt", "1d", "--json"), _route(
        "--K", "48h", "--X", "0.1", "--dt", "24h", "--json")
    assert json.loads(days.output)["outflow"] == json.loads(hours.output)["outflow"]


def test_a_step_beyond_the_stable_range_for_this_reach_is_refused_with_the_fix():
    # 2K(1 - X) = 3.6 d: a 4-day step would make C3 negative; two sub-reaches of K = 1 d
    # need 0.2 d <= step <= 1.8 d, so 4 d fits none: the message gives the steps that fit
    res = _route("--K", "2d", "--X", "0.1", "--dt", "4d")
    assert res.exit_code == 2 and "stable range" in res.output and "Traceback" not in res.output, res.output
    assert "86.4 h" in res.output            # 2K(1 - X) = 3.6 d, the longest step for one reach
