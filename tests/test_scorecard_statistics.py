"""The run's scorecard statistics, read from ``drillsim run --json`` as a user would and
recomputed here with scipy and numpy from the per-replication values the JSON carries:

- the mean's 95 % interval is Student's t with n − 1 degrees of freedom, not z (Law,
  *Simulation Modeling and Analysis*, 5th ed., §4.5 eq. 4.12 and §9.4.1), cut at the
  metric's floor (a time or count is at least 0);
- the pass rate's interval is Wilson's score interval (Wilson 1927; Brown, Cai &
  DasGupta 2001, *Statistical Science* 16:101–133, recommend it over Wald's, which is
  [0, 0] at 0 of n and [1, 1] at n of n), as ``scipy.stats.binomtest(...).proportion_ci(
  method="wilson")``;
- the 90th percentile of a row over places is ``numpy.percentile`` (linear, Hyndman &
  Fan 1996 definition 7) of that place's replications;
- one replication has no interval and the scorecard says so; two have t(0.975, 1) =
  12.706 (NIST/SEMATECH e-Handbook §1.3.6.7.2); a value the same in every replication
  has a zero-width interval, which the scorecard does not print as one, and says why;
- values beyond ~1e154, whose squares overflow a float, still give a finite mean and
  standard deviation.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from drillsim.scoring.stats import mean_ci
from tests.conftest import SCENARIOS, invoke

WATERLOGGING = SCENARIOS / "urban_waterlogging.yaml"


def run_json(tmp_path, n: int) -> tuple[dict, str]:
    out = tmp_path / f"s{n}.json"
    r = invoke("run", WATERLOGGING, "-n", n, "--json", out)
    assert r.exit_code == 0, r.output
    table = invoke("run", WATERLOGGING, "-n", n)
    assert table.exit_code == 0, table.output
    return json.loads(out.read_text(encoding="utf-8")), " ".join(table.output.split())


def t_interval(values: list[float], floor: float | None = 0.0) -> tuple[float, float]:
    """Student's t interval by scipy, cut at the floor as the scorecard cuts it."""
    x = np.asarray(values)
    lo, hi = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    return (max(lo, floor) if floor is not None else lo, hi)


def test_five_replications_against_scipy(tmp_path):
    data, text = run_json(tmp_path, 5)
    rows = {r["id"]: r for r in data["targets"]}
    varied = 0
    for row in rows.values():
        values = [v for v in row["values"] if v is not None]
        assert row["n"] == len(values)
        if not values:
            continue
        assert row["mean"] == pytest.approx(np.mean(values), rel=1e-12)
        if len(set(values)) > 1:
            varied += 1
            assert tuple(row["ci95"]) == pytest.approx(t_interval(values), rel=1e-9)
            # not the normal interval: z = 1.96 instead of t(0.975, 4) = 2.776
            z_half = 1.959964 * stats.sem(values)
            assert row["ci95"][1] - row["mean"] > 1.3 * z_half
        else:
            assert row["ci95"] == [values[0], values[0]]  # zero variance: zero width
        if row["pass_rate"] is not None:
            passes = round(row["pass_rate"] * row["n"])
            ci = stats.binomtest(passes, row["n"]).proportion_ci(0.95, method="wilson")
            assert tuple(row["pass_rate_ci95"]) == pytest.approx((ci.low, ci.high), abs=1e-12)
        if (row.get("p90_over") or "").startswith("replications at"):
            assert row["p90"] == pytest.approx(np.percentile(values, 90), rel=1e-12)
    assert varied >= 2  # W2 and W3 vary by replication
    # W1: 2 points in 0 of 5 replications against 'sum <= 0': Wilson [0, 0.4345], where
    # Wald's p ± z·sqrt(p(1 − p)/n) would claim [0, 0]
    assert rows["W1"]["pass_rate_ci95"] == pytest.approx([0.0, 0.43448246478317476])
    # W2 met in 5 of 5: Wilson's lower end 0.5655 (Wald's would be 1)
    assert rows["W2"]["pass_rate_ci95"] == pytest.approx([0.5655175352168251, 1.0])
    # T2 is 35 min in every replication: no interval printed, and the legend says why
    assert "35 min at the city cloudburst [" not in text
    assert "no interval where every replication gave the same value" in text


def test_one_replication_has_no_interval_and_says_so(tmp_path):
    data, text = run_json(tmp_path, 1)
    assert all(r["ci95"] is None for r in data["targets"])
    assert "one replication gives no confidence interval: it needs at least 2" in text
    report = invoke("run", WATERLOGGING, "-n", 1, "--report", "-")
    assert "one replication gives no confidence interval" in report.output


def test_two_replications_use_t_with_one_degree_of_freedom(tmp_path):
    data, _ = run_json(tmp_path, 2)
    row = next(r for r in data["targets"] if r["id"] == "W2")
    a, b = row["values"]
    assert a != b
    # n = 2: mean ± t(0.975, 1)·s/√2 with t = 12.706 (NIST table) and s = |a − b|/√2,
    # so the half-width is 12.706·|a − b|/2; cut at 0 min
    half = 12.706204736174694 * abs(a - b) / 2
    mean = (a + b) / 2
    assert row["ci95"] == pytest.approx([max(0.0, mean - half), mean + half], rel=1e-12)


def test_huge_values_keep_a_finite_mean_and_interval():
    # 1e308 twice: mean 1e308, s = 0 (squares of the deviations would overflow a float
    # if computed unscaled: the interval was (nan, inf))
    assert mean_ci([1e308, 1e308]) == (1e308, (1e308, 1e308))
    # 1e300 and 3e300: mean 2e300, s = √2·1e300, half = 12.7062·√2·1e300/√2
    mean, (lo, hi) = mean_ci([1e300, 3e300])
    assert mean == pytest.approx(2e300) and hi - mean == pytest.approx(12.706204736174694e300)
    assert lo == pytest.approx(2e300 - 12.706204736174694e300)
    assert all(math.isfinite(v) for v in (mean, lo, hi))
