"""Muskingum routing against Chow, Maidment & Mays (1988), Applied Hydrology,
Example 8.4.1 (Table 8.4.1): K = 2.3 h, X = 0.15, Δt = 1 h."""

from __future__ import annotations

import json

import pytest

from drillsim_plugins.flood.routing import muskingum_coefficients, muskingum_route
from tests.conftest import DATA

CASE = json.loads((DATA / "reference_cases.json").read_text())["M1_muskingum_cmm_8_4_1"]


def test_coefficients_match_the_textbook():
    c = muskingum_coefficients(CASE["K_h"], CASE["X"], CASE["dt_h"])
    assert c == pytest.approx(CASE["C"], abs=CASE["tolerance"]["C_abs"])
    assert sum(c) == pytest.approx(1.0)


def test_outflow_matches_table_8_4_1():
    # the table's first inflow row is hour 1 with outflow 85 cfs given; O[j+1] uses I[j], I[j+1]
    out = muskingum_route(CASE["inflow_cfs"], CASE["K_h"], CASE["X"], CASE["dt_h"],
                          initial_outflow=CASE["initial_outflow_cfs"])
    assert out == pytest.approx(CASE["outflow_cfs_published"], abs=CASE["tolerance"]["outflow_abs_cfs"])
    peak = max(range(len(out)), key=out.__getitem__)
    assert (peak + 1, round(out[peak])) == (11, 642)  # hour 11, 642 cfs (published)


def test_units_do_not_matter_when_consistent():
    hours = muskingum_route(CASE["inflow_cfs"], 2.3, 0.15, 1.0, 85)
    minutes = muskingum_route(CASE["inflow_cfs"], 138.0, 0.15, 60.0, 85)
    assert minutes == pytest.approx(hours)


def test_cascade_of_sub_reaches_conserves_volume():
    inflow = [100.0] + [100.0 + 900.0 * min(j, 10) / 10 * max(0, 20 - j) / 20 for j in range(1, 80)] + [100.0] * 40
    out = muskingum_route(inflow, 11.0, 0.2, 1.0, reaches=6)
    # C1+C2+C3 = 1: what goes in comes out (same base flow at both ends)
    assert sum(out) == pytest.approx(sum(inflow), rel=1e-6)
    assert max(out) < max(inflow)


@pytest.mark.parametrize("K,X,dt", [(11.0, 0.2, 1.0), (2.0, 0.45, 5.0), (1.0, 0.6, 1.0), (0.0, 0.2, 1.0)])
def test_unstable_or_invalid_parameters_are_refused(K, X, dt):
    with pytest.raises(ValueError):
        muskingum_coefficients(K, X, dt)


def test_route_calculator_cli_reproduces_the_textbook():
    import json as _json

    from click.testing import CliRunner

    from drillsim.cli.main import main

    inflow = ",".join(str(q) for q in CASE["inflow_cfs"])
    result = CliRunner().invoke(main, ["hazard", "route", "--inflow", inflow, "--K", "2.3h", "--X", "0.15",
                                       "--dt", "60min", "--initial-outflow", "85", "--json"])
    assert result.exit_code == 0, result.output
    out = _json.loads(result.output)
    assert out["outflow"] == pytest.approx(CASE["outflow_cfs_published"], abs=1.0)
    assert [out["C1"], out["C2"], out["C3"]] == pytest.approx(CASE["C"], abs=5e-5)
    bad = CliRunner().invoke(main, ["hazard", "route", "--inflow", inflow, "--K", "2.3", "--X", "0.15", "--dt", "1h"])
    assert bad.exit_code == 2 and "is not a duration with a unit" in bad.output
    bad = CliRunner().invoke(main, ["hazard", "route", "--inflow", inflow, "--K", "11h", "--X", "0.2", "--dt", "1h"])
    assert bad.exit_code == 2 and "outside the stable range" in bad.output


def test_x_one_half_with_the_step_equal_to_k_is_pure_translation():
    """X = 0.5 and Δt = K: C1 = 0, C2 = 1, C3 = 0 (eqs. 8.4.7–8.4.9 by hand), so the
    outflow is the inflow one step later: the wave moves without attenuation."""
    assert muskingum_coefficients(3.0, 0.5, 3.0) == pytest.approx((0.0, 1.0, 0.0))
    inflow = [10.0, 40.0, 90.0, 60.0, 30.0, 10.0]
    assert muskingum_route(inflow, 3.0, 0.5, 3.0) == pytest.approx([10.0] + inflow[:-1])


def test_x_zero_is_a_linear_reservoir_with_its_exact_step_response():
    """X = 0 (storage S = K·O, a linear reservoir): C1 = C2 = Δt/(2K + Δt), C3 = (2K − Δt)/
    (2K + Δt); with K = 4 h, Δt = 2 h: 0.2, 0.2, 0.6 (eqs. 8.4.7–8.4.9 by hand). A step of
    inflow from 0 to 50 then rises towards 50 geometrically with ratio C3."""
    c1, c2, c3 = muskingum_coefficients(4.0, 0.0, 2.0)
    assert (c1, c2, c3) == pytest.approx((0.2, 0.2, 0.6))
    out = muskingum_route([0.0] + [50.0] * 8, 4.0, 0.0, 2.0)
    assert out[0] == 0.0 and out[1] == pytest.approx(50.0 * 0.2)     # I[0] = 0: only C1·I[1] so far
    # then O[j+1] = (C1 + C2)·50 + C3·O[j] = 20 + 0.6·O[j], so O[j] = 50 (1 − 0.8 · 0.6^(j−1))
    assert out[1:] == pytest.approx([50.0 * (1 - 0.8 * 0.6 ** (j - 1)) for j in range(1, 9)])


@pytest.mark.parametrize("dt,ok", [(0.8, True), (3.2, True), (0.79, False), (3.21, False)])
def test_the_stable_range_ends_are_inclusive(dt, ok):
    """K = 2 h, X = 0.2: 2KX = 0.8 h (C1 = 0) and 2K(1 − X) = 3.2 h (C3 = 0) are the ends
    of the range where no coefficient is negative; just outside either, the step is refused
    with the range named."""
    if ok:
        c = muskingum_coefficients(2.0, 0.2, dt)
        assert min(c) == pytest.approx(0.0, abs=1e-12) and sum(c) == pytest.approx(1.0)
    else:
        with pytest.raises(ValueError, match=r"stable range \[2KX, 2K\(1-X\)\] = \[0.8, 3.2\]"):
            muskingum_coefficients(2.0, 0.2, dt)


@pytest.mark.parametrize("args,message", [
    (["--K", "0h", "--X", "0.2", "--dt", "1h"], "K must be longer than 0 h"),
    (["--K", "2h", "--X", "0", "--dt", "0h"], "the step --dt must be longer than 0 h"),
    (["--K", "2h", "--X", "0.6", "--dt", "1h"], "X must lie in [0, 0.5], got 0.6"),
    (["--K", "2h", "--X", "0.2", "--dt", "5h"], "outside the stable range 2KX <= dt <= 2K(1-X) = [0.8 h, 3.2 h]"),
])
def test_route_calculator_bad_physical_inputs(args, message):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    result = CliRunner().invoke(main, ["hazard", "route", "--inflow", "10,20,15", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert message in result.output, result.output


@pytest.mark.parametrize("K,X,dt,advice", [
    ("11h", "0.2", "1h", "use --reaches 5 to 17"),      # 2(K/n)X <= 1 h <= 2(K/n)(1-X): 4.4 <= n <= 17.6
    ("2h", "0.45", "0.5h", "use --reaches 4"),           # 3.6 <= n <= 4.4
    ("2h", "0.2", "5h", "use a --dt of at most 3.2 h"),  # n <= 0.64: no reach count fits a 5 h step
    ("1h", "0.45", "0.7h", "use a --dt from 0.9 h to 1.1 h (one reach), or --reaches 2 with a --dt from 0.45 h to 0.55 h"),
])
def test_the_route_calculator_names_the_sub_reaches_that_fit(K, X, dt, advice):
    """Outside 2KX <= dt <= 2K(1-X) the calculator names the counts n of equal sub-reaches
    for which 2(K/n)X <= dt <= 2(K/n)(1-X) (worked out by hand in the cases' comments), or
    the steps that fit when none does; each advised count then routes."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    args = ["hazard", "route", "--inflow", "10,20,15", "--K", K, "--X", X, "--dt", dt]
    r = CliRunner().invoke(main, args, env={"COLUMNS": "300"})
    assert r.exit_code == 2 and advice in r.output, r.output
    if "--reaches" in advice and "with a --dt" not in advice:
        counts = [int(n) for n in advice.split("--reaches ")[1].split(" to ")]
        for n in range(counts[0], counts[-1] + 1):
            assert CliRunner().invoke(main, args + ["--reaches", str(n)]).exit_code == 0
        for n in (counts[0] - 1, counts[-1] + 1):
            assert n < 1 or CliRunner().invoke(main, args + ["--reaches", str(n)]).exit_code == 2
