"""Scorecard rows from known observations, against hand calculations:

values 10, 20, 30, 40 (minutes): mean 25, sample sd = sqrt(500/3) = 12.9099,
t(0.975, 3) = 3.182446, half-width = 3.182446 * 12.9099 / 2 = 20.5426;
Wilson 95 % interval for 3 passes of 4 (z = 1.959964): centre (0.75 + 0.960365)/1.960365 ...
computed below from the formula.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from drillsim.host.registry import Metric
from drillsim.scoring import stats
from drillsim.scoring.scorecard import build


def test_mean_ci_by_hand():
    mean, (lo, hi) = stats.mean_ci([10, 20, 30, 40])
    half = 3.182446305284263 * math.sqrt(500 / 3) / 2
    assert mean == 25
    assert (lo, hi) == pytest.approx((25 - half, 25 + half), rel=1e-9)
    assert half == pytest.approx(20.5426, abs=1e-4)
    assert stats.mean_ci([7.0]) == (7.0, None)


def test_wilson_by_hand():
    z = 1.959963984540054
    n, p = 4, 0.75
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert stats.wilson(3, 4) == pytest.approx((centre - half, centre + half))
    assert stats.wilson(3, 4) == pytest.approx((0.3006, 0.9544), abs=1e-4)
    assert stats.wilson(0, 0) is None


def test_percentile_linear():
    # numpy default (Hyndman-Fan 7): p90 of 1..10 = 1 + 0.9 * 9 = 9.1
    assert stats.percentile(range(1, 11), 90) == pytest.approx(9.1)


def _target(**kw):
    metric = Metric("m", kw.pop("quantity", "time"), "d", lambda e, c, p: [], kw.pop("default", "max"),
                    None, kw.pop("label", None))
    base = dict(id="X", title="t", section="S", metric=metric, params=None, statistic="max",
                comparison="<=", threshold=30.0, unit="min", scale=1.0, required_pass_rate=0.75,
                by_label=False, source=None, note=None)
    base.update(kw)
    t = SimpleNamespace(**base)
    t.display = lambda v, s=t.scale: None if v is None else v / s
    return t


def test_row_from_known_observations():
    # four replications; the statistic (max) per replication: 10, 20, 30, 40 minutes;
    # threshold <= 30 min: 3 of 4 pass = 75 % >= required 75 % -> pass
    target = _target()
    obs = [{"X": [("a", 5.0), ("b", 10.0)]}, {"X": [("a", 20.0)]},
           {"X": [("a", 30.0), ("b", 1.0)]}, {"X": [("c", 40.0)]}]
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert row.values == [10.0, 20.0, 30.0, 40.0]
    assert row.mean == 25.0
    assert row.ci95 == pytest.approx((25 - 20.5426, 25 + 20.5426), abs=1e-4)
    assert row.p90 == pytest.approx(stats.percentile([5, 10, 20, 30, 1, 40], 90))
    assert row.pass_rate == 0.75 and row.passed is True and row.status == "pass"
    target.required_pass_rate = 0.9
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert row.status == "fail"


def test_display_units_and_not_measured():
    target = _target(unit="h", scale=60.0, threshold=12 * 60.0, comparison=">=", statistic="min")
    (row,) = build(SimpleNamespace(targets=[target]), [{"X": [("x", 600.0)]}, {"X": []}])
    assert row.mean == 10.0 and row.threshold == 12.0 and row.n == 1 and row.status == "fail"
    (row,) = build(SimpleNamespace(targets=[target]), [{"X": []}])
    assert row.status == "not measured" and row.mean is None


def test_breakdown_and_by_label():
    target = _target(label="township", statistic="min", comparison=">=", threshold=0.0)
    obs = [{"X": [("mixin", 60.0), ("zitong", -30.0)]}, {"X": [("mixin", 120.0), ("zitong", 30.0)]}]
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert row.values == [-30.0, 30.0] and row.pass_rate == 0.5
    by = {b["label"]: b for b in row.breakdown}
    assert by["mixin"]["mean"] == 90.0 and by["mixin"]["pass_rate"] == 1.0
    assert by["zitong"]["mean"] == 0.0 and by["zitong"]["pass_rate"] == 0.5
    target.by_label = True
    rows = build(SimpleNamespace(targets=[target]), obs)
    assert [r.id for r in rows] == ["X/mixin", "X/zitong"]


def test_worst_place_and_its_own_p90():
    # lead times per township and replication (minutes); statistic min ("worst township").
    # Per place over 5 replications: a = 100, 200, 300, 400, 500 (mean 300);
    # b = 600 .. 1000 (mean 800). Worst (lowest mean) is a; its 90th percentile by
    # linear interpolation: position 0.9 * 4 = 3.6 -> 400 + 0.6 * 100 = 460 min. Pooled
    # over both places the 90th percentile would be (10 values, position 8.1)
    # 900 + 0.1 * 100 = 910: the best township's range, which is what must not be shown.
    target = _target(label="township", statistic="min", comparison=">=", threshold=250.0)
    obs = [{"X": [("a", 100.0 * k), ("b", 500.0 + 100.0 * k)]} for k in range(1, 6)]
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert row.worst == "a"
    assert row.p90 == pytest.approx(460.0)
    assert row.p90_over == "replications at a"
    by = {b["label"]: b for b in row.breakdown}
    assert by["a"]["p90"] == pytest.approx(460.0)
    assert by["b"]["p90"] == pytest.approx(960.0)   # 900 + 0.6 * 100
    assert row.to_dict()["worst"] == "a"
    # max over places: the worst is the highest mean (b)
    target = _target(label="township", statistic="max", comparison="<=", threshold=700.0)
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert row.worst == "b" and row.p90 == pytest.approx(960.0)
    # a row over one-off items (no label) keeps the pooled percentile and says so
    target = _target()
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert row.worst is None and row.p90_over == "all observations"
    assert row.p90 == pytest.approx(910.0)
