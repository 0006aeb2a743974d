"""Several variants against one baseline: the paired-t intervals of the differences are
simultaneous (Bonferroni), as Law, *Simulation Modeling and Analysis*, 5th ed., §10.3.1
("comparisons with a standard") makes them: with k systems, each of the k − 1 intervals
at level 1 − α/(k − 1), so that by the Bonferroni inequality (§9.7) all hold together
with probability at least 1 − α. Before, each was a plain 95 % interval, and with the
36-variant flood sweep one "significant" difference in 35 could come from chance alone.

Expected values are computed here from the exported replications with scipy
(``scipy.stats.t.ppf``), not with drillsim's own statistics."""

from __future__ import annotations

import csv
import math

import pytest
from click.testing import CliRunner
from scipy import stats

from drillsim.batch.analysis import bonferroni_level, paired_difference
from drillsim.cli.main import main
from drillsim.report.common import num
from tests.conftest import SCENARIOS


def test_bonferroni_level_by_hand():
    # Law 5th ed. §10.3.1: k − 1 = 3 comparisons at overall 95 %: each at 1 − 0.05/3
    assert bonferroni_level(0.95, 3) == pytest.approx(0.983333333333)
    assert bonferroni_level(0.95, 1) == 0.95  # one comparison: a plain 95 % interval
    with pytest.raises(ValueError):
        bonferroni_level(0.95, 0)


def test_paired_difference_with_three_comparisons_by_hand():
    # differences 1, 2, 3: mean 2, s = 1, n = 3; each of 3 intervals at 1 − 0.05/3, a
    # two-sided t quantile t(1 − 0.05/6, 2) = 7.6488 (scipy; Bonferroni t tables, e.g.
    # Dunn 1961, give 7.65 for 3 comparisons at 2 df); half-width 7.6488/√3 = 4.4160
    a = {0: 5.0, 1: 7.0, 2: 9.0}
    b = {0: 4.0, 1: 5.0, 2: 6.0}
    t = stats.t.ppf(1 - 0.05 / 6, 2)
    assert t == pytest.approx(7.6488, abs=1e-4)
    d = paired_difference(a, b, comparisons=3)
    assert d.comparisons == 3 and d.level == pytest.approx(1 - 0.05 / 3)
    assert d.ci95 == pytest.approx((2 - t / math.sqrt(3), 2 + t / math.sqrt(3)), rel=1e-12)
    # differences 2.0, 2.1, 1.9 (s = 0.1): the plain interval [1.75, 2.25] and the
    # simultaneous one 2 ± 7.6488·0.1/√3 = [1.56, 2.44] both exclude 0
    d = paired_difference({0: 3.0, 1: 3.1, 2: 2.9}, {0: 1.0, 1: 1.0, 2: 1.0}, comparisons=3)
    assert d.significant is True
    # eight differences around 0.84 (s = 0.74): the plain 95 % interval excludes 0, one of ten
    # simultaneous intervals (each at 1 − 0.05/10) does not
    a = {r: 2.0 + x for r, x in enumerate([-1, 0, 1, 0.5, -0.5, 0.8, -0.8, 0.3])}
    b = {r: 1.2 for r in a}
    diffs = [a[r] - b[r] for r in a]
    n, m, s = len(diffs), sum(diffs) / len(diffs), stats.tstd(diffs)
    assert m - stats.t.ppf(0.975, n - 1) * s / math.sqrt(n) > 0          # 95 %: excludes 0
    assert m - stats.t.ppf(1 - 0.05 / 20, n - 1) * s / math.sqrt(n) < 0  # 10 at 95 %: holds 0
    assert paired_difference(a, b).significant is True
    assert paired_difference(a, b, comparisons=10).significant is False


def test_results_prints_simultaneous_intervals_computed_from_the_export(tmp_path):
    """The shipped waterlogging sweep (4 variants: 3 comparisons with the baseline), run
    as a user would; W2's difference for 'Xicaixi drains 60 mm/h' recomputed from the
    exported replications with scipy."""
    db, csv_path = tmp_path / "w.db", tmp_path / "w.csv"
    sweep = SCENARIOS / "sweeps" / "waterlogging_works.yaml"
    run = CliRunner().invoke(main, ["batch", str(sweep), "-n", "5", "-w", "0", "--db", str(db), "-q"])
    assert run.exit_code == 0, run.output
    out = CliRunner().invoke(main, ["results", str(db), "--export", str(csv_path)])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    values: dict[tuple[int, int], float] = {}
    with open(csv_path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            if rec["target"] == "W2" and rec["value"] != "":
                values[int(rec["variant"]), int(rec["replication"])] = float(rec["value"])
    diffs = [values[1, r] - values[0, r] for r in range(5)]
    n, mean, s = len(diffs), sum(diffs) / len(diffs), stats.tstd(diffs)
    half = stats.t.ppf(1 - 0.05 / (2 * 3), n - 1) * s / math.sqrt(n)  # Law §10.3.1, k − 1 = 3
    cell = f"{num(mean)} [{num(mean - half)}, {num(mean + half)}]"
    assert cell in text, (cell, text)
    plain = stats.t.ppf(0.975, n - 1) * s / math.sqrt(n)
    assert f"[{num(mean - plain)}, {num(mean + plain)}]" not in text  # not the 95 % one
    assert "Δ mean vs baseline [simultaneous 95% CI]" in text
    assert ("simultaneous over the 3 variants compared with the baseline (Bonferroni: each at "
            "98.33 %") in text


def test_two_variants_make_one_plain_comparison(tmp_path):
    """Two variants: one comparison, the paired-t 95 % interval of Law §10.2.1 as before."""
    from drillsim.batch.analysis import Comparison
    from drillsim.batch.sweep import Objective

    c = Comparison({}, Objective("mean", "R", "minimize"), [object(), object()], 0, [], 0, 0)
    assert c.comparisons == 1
    c.variants = [object()] * 36
    assert c.comparisons == 35


def test_welch_difference_against_scipy():
    """Independent streams: Welch's interval (Law 5th ed., §10.2.2) from all measured
    values of each, as ``scipy.stats.ttest_ind(equal_var=False)`` gives it."""
    from drillsim.batch.analysis import welch_difference

    a = {0: 5.0, 1: 7.0, 2: 9.0, 3: None}
    b = {0: 4.0, 1: 5.0, 2: 6.0, 3: 1.0, 4: 2.0}
    d = welch_difference(a, b)
    ref = stats.ttest_ind([5, 7, 9], [4, 5, 6, 1, 2], equal_var=False).confidence_interval(0.95)
    assert d.method == "Welch" and d.mean == pytest.approx(7 - 3.6)
    assert d.ci95 == pytest.approx((ref.low, ref.high), rel=1e-12)
    # by hand: s1²/n1 = 4/3, s2²/n2 = 4.3/5 = 0.86; f̂ = 2.1933² / ((4/3)²/2 + 0.86²/4)
    # = 4.81071 / 1.07379 = 4.4801 degrees of freedom
    v1, v2 = 4 / 3, 0.86
    f = (v1 + v2) ** 2 / (v1 ** 2 / 2 + v2 ** 2 / 4)
    assert f == pytest.approx(4.4801, abs=1e-4)
    half = stats.t.ppf(0.975, f) * math.sqrt(v1 + v2)
    assert d.ci95 == pytest.approx((3.4 - half, 3.4 + half), rel=1e-12)
    # three comparisons: each at 1 − 0.05/3
    d3 = welch_difference(a, b, comparisons=3)
    half3 = stats.t.ppf(1 - 0.05 / 6, f) * math.sqrt(v1 + v2)
    assert d3.ci95 == pytest.approx((3.4 - half3, 3.4 + half3), rel=1e-12)
    # no spread on either side: the difference itself; one value: no interval
    assert welch_difference({0: 2.0, 1: 2.0}, {0: 1.0, 1: 1.0}).ci95 == (1.0, 1.0)
    assert welch_difference({0: 2.0}, {0: 1.0, 1: 3.0}).ci95 is None
    assert welch_difference({0: None}, {0: 1.0}) is None


def test_results_without_common_random_numbers_use_welch(tmp_path):
    """The waterlogging sweep with every variant on its own seed: W2's difference is
    Welch's, recomputed from the export with scipy, and the footer says so."""
    import shutil

    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root, ignore=shutil.ignore_patterns("sweeps"))
    (root / "sweeps").mkdir()
    text = (SCENARIOS / "sweeps" / "waterlogging_works.yaml").read_text(encoding="utf-8")
    path = root / "sweeps" / "independent.yaml"
    path.write_text(text.replace("replications: 5", "replications: 5\ncommon_random_numbers: false"),
                    encoding="utf-8")
    db, csv_path = tmp_path / "i.db", tmp_path / "i.csv"
    run = CliRunner().invoke(main, ["batch", str(path), "-n", "6", "-w", "0", "--db", str(db), "-q"])
    assert run.exit_code == 0, run.output
    out = CliRunner().invoke(main, ["results", str(db), "--export", str(csv_path)])
    assert out.exit_code == 0, out.output
    shown = " ".join(out.output.split())
    by_variant: dict[int, list[float]] = {0: [], 1: []}
    with open(csv_path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            if rec["target"] == "W2" and rec["value"] != "" and int(rec["variant"]) in by_variant:
                by_variant[int(rec["variant"])].append(float(rec["value"]))
    x, y = by_variant[1], by_variant[0]
    v1, v2 = stats.tvar(x) / len(x), stats.tvar(y) / len(y)
    f = (v1 + v2) ** 2 / (v1 ** 2 / (len(x) - 1) + v2 ** 2 / (len(y) - 1))
    half = stats.t.ppf(1 - 0.05 / 6, f) * math.sqrt(v1 + v2)
    mean = sum(x) / len(x) - sum(y) / len(y)
    assert f"{num(mean)} [{num(mean - half)}, {num(mean + half)}]" in shown
    assert "Welch's t-intervals (independent random numbers" in shown


def test_one_replication_decides_nothing_by_its_value(tmp_path):
    """One replication per variant: W2 (3.60 min against 'max <= 5 min', met once) has the
    Wilson interval [20.7 %, 100 %] for 1 of 1 (Wilson 1927: 1/(1 + z²) = 0.2065 at
    z = 1.96), which does not reach the 90 % required: 'pass, not yet significant', not
    PASS as a value 'the same in every replication' (one replication is trivially so);
    and the footer says one replication gives no interval of a mean or a difference."""
    db = tmp_path / "one.db"
    sweep = SCENARIOS / "sweeps" / "waterlogging_works.yaml"
    run = CliRunner().invoke(main, ["batch", str(sweep), "-n", "1", "-w", "0", "--db", str(db), "-q"])
    assert run.exit_code == 0, run.output
    out = CliRunner().invoke(main, ["results", str(db), "--target", "W2"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    baseline = next(line for line in out.output.splitlines() if "(baseline)" in line)
    assert "100% [21%, 100%]" in baseline and "pass, not yet significant" in baseline
    assert 1 / (1 + 1.959964 ** 2) == pytest.approx(0.2065, abs=1e-4)
    assert "One replication gives no interval of a mean or a difference" in " ".join(out.output.split())


def test_a_row_measured_in_some_replications_says_in_how_many(tmp_path):
    """The flood's helicopter row T6 has a value only in the replications with a helicopter
    request: its mean and t-interval (n − 1 degrees of freedom, cut at 0 min) are over
    those, and the cell says 'in k of 4'; recomputed from the export with scipy."""
    db, csv_path = tmp_path / "f.db", tmp_path / "f.csv"
    sweep = SCENARIOS / "sweeps" / "flood_2020_water_rescue_base.yaml"
    run = CliRunner().invoke(main, ["batch", str(sweep), "-n", "4", "-w", "0", "--db", str(db), "-q"])
    assert run.exit_code == 0, run.output
    out = CliRunner().invoke(main, ["results", str(db), "--target", "T6", "--export", str(csv_path)],
                             env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    values = []
    with open(csv_path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            if rec["target"] == "T6" and rec["baseline"] == "True" and rec["value"] != "":
                values.append(float(rec["value"]))
    k = len(values)
    assert 2 <= k < 4  # measured in some replications, not all (seed 20200816)
    mean = sum(values) / k
    half = stats.t.ppf(0.975, k - 1) * stats.tstd(values) / math.sqrt(k)
    cell = f"{num(mean)} [{num(max(0.0, mean - half))}, {num(mean + half)}] (in {k} of 4)"
    baseline = next(line for line in out.output.splitlines() if "(baseline)" in line)
    assert cell in baseline, (cell, baseline)


PASS_RATE_SWEEP = """\
name: mini pass rate
scenario: ../scenario.yaml
replications: 8
factors:
  units:
    levels:
      - {name: one, set: {forces.a.units: 1, forces.b.units: 1}}
      - {name: two, set: {forces.a.units: 2, forces.b.units: 2}}
      - {name: three, set: {forces.a.units: 3, forces.b.units: 3}}
objective: {measure: pass_rate, target: Q}
"""


def test_a_difference_of_pass_rates_is_in_percentage_points(mini, tmp_path):
    """Objective pass_rate: the ranking's difference with the baseline is in percentage
    points beside pass rates in %, recomputed from the export (paired by replication,
    1 met / 0 not, t with n − 1 df at 1 − 0.05/2 each: Law 5th ed. §10.2.1, §10.3.1)."""
    from tests.batch_helpers import write_sweep

    path = write_sweep(mini, PASS_RATE_SWEEP)
    db, csv_path = tmp_path / "p.db", tmp_path / "p.csv"
    run = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "-w", "0", "-q"])
    assert run.exit_code == 0, run.output
    out = CliRunner().invoke(main, ["results", str(db), "--export", str(csv_path)], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    met: dict[tuple[int, int], float] = {}
    with open(csv_path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            if rec["target"] == "Q" and rec["met"] != "":
                met[int(rec["variant"]), int(rec["replication"])] = 1.0 if rec["met"] == "True" else 0.0
    lines = out.output.splitlines()
    checked = 0
    for v in (1, 2):
        diffs = [met[v, r] - met[0, r] for r in range(8) if (v, r) in met and (0, r) in met]
        n, mean = len(diffs), sum(diffs) / len(diffs)
        s = stats.tstd(diffs) if len(set(diffs)) > 1 else 0.0
        half = stats.t.ppf(1 - 0.05 / 4, n - 1) * s / math.sqrt(n)

        def pp(x):
            return f"{100 * x:+.0f}" if round(100 * x) != 0 else "0"
        cell = f"{pp(mean)} [{pp(mean - half)}, {pp(mean + half)}] pp"
        assert any(cell in line for line in lines), (cell, out.output)
        checked += mean != 0
    assert checked == 2  # two units each meet Q more often than one (seed 7): +25 [-22, +72] pp


def test_welch_difference_of_huge_values_does_not_overflow():
    # values near 1e200 (a plugin metric's): the squares of the deviations overflow a float,
    # which raised OverflowError; the interval is the same as for the values divided by
    # 1e200, scaled back (Welch's interval is scale-equivariant)
    from drillsim.batch.analysis import welch_difference

    big = welch_difference({0: 1e200, 1: 3e200}, {0: 2e200, 1: 5e200})
    small = welch_difference({0: 1.0, 1: 3.0}, {0: 2.0, 1: 5.0})
    assert big.mean == pytest.approx(small.mean * 1e200)
    assert big.ci95[0] == pytest.approx(small.ci95[0] * 1e200)
    assert big.ci95[1] == pytest.approx(small.ci95[1] * 1e200)
    # and the small one is scipy's Welch interval
    ref = stats.ttest_ind([1.0, 3.0], [2.0, 5.0], equal_var=False).confidence_interval(0.95)
    assert small.ci95 == pytest.approx((ref.low, ref.high))
