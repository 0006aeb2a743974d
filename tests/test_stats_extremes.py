"""A replication's ``min`` and ``max`` statistics give numpy's very float (Python's own
``min``/``max`` where that is the same; numpy's where NaN or zeros of both signs are
among the values); ``sum``, ``mean`` and the mean's confidence interval give the floats
of ``numpy.sum``, ``numpy.mean`` and ``arr.mean()``/``arr.std(ddof=1)``."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from drillsim.scoring.stats import _t_quantile, mean_ci, reduce


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


@pytest.mark.parametrize("values", [
    [3.5], [2, 7, 1], [4.0, -1e308, 1e-300], [math.inf, 5.0, -math.inf], [1.0, math.nan, -2.0],
    [0.0, -0.0, 3.0], [-0.0, 0.0], [0.0, -0.0], [-0.0], [5, 5.0], [2**60 + 1, 1.0],
])
def test_edges_as_numpy(values):
    assert _same(reduce(values, "min"), float(np.min(values)))
    assert _same(reduce(values, "max"), float(np.max(values)))


def test_random_lists_as_numpy():
    rng = random.Random(18)
    for _ in range(20_000):
        n = rng.randint(1, 40)
        values = [rng.choice([rng.uniform(-1e3, 1e3), rng.expovariate(0.1), float(rng.randint(-5, 5)),
                              rng.choice([0.0, -0.0, math.inf, -math.inf, math.nan])])
                  if rng.random() < 0.1 else rng.uniform(-1e6, 1e6) for _ in range(n)]
        assert _same(reduce(values, "min"), float(np.min(values)))
        assert _same(reduce(values, "max"), float(np.max(values)))


def _values(rng: random.Random) -> list:
    n = rng.choice([1, 2, 3, 7, 8, 9, 16, 17, 20, 33, 129, 300])
    pick = rng.choice([lambda: rng.uniform(-1e3, 1e3), lambda: rng.randint(-5, 5),
                       lambda: rng.choice([0.0, -0.0, 1.5, -2.25, 1e-300]),
                       lambda: rng.choice([0.1, 0.2, 1e16, -1e16, 3.0]), lambda: rng.expovariate(0.1)])
    values = [pick() for _ in range(n)]
    if rng.random() < 0.02:
        values[rng.randrange(n)] = rng.choice([math.nan, math.inf])
    return values


def test_sum_and_mean_as_numpy():
    rng = random.Random(19)
    for _ in range(5_000):
        values = _values(rng)
        assert _same(reduce(values, "sum"), float(np.sum(values))), values
        assert _same(reduce(values, "mean"), float(np.mean(values))), values


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_mean_ci_as_numpy():
    rng = random.Random(20)
    for _ in range(5_000):
        values = _values(rng)
        arr = np.asarray(values, dtype=float)
        mean, ci = mean_ci(values)
        assert _same(mean, float(arr.mean()))
        if len(values) < 2:
            assert ci is None
            continue
        half = float(_t_quantile(arr.size - 1, 0.975) * arr.std(ddof=1) / math.sqrt(arr.size))
        assert _same(ci[0], float(arr.mean()) - half) and _same(ci[1], float(arr.mean()) + half)
