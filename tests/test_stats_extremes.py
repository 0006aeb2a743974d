"""A replication's ``min`` and ``max`` statistics give numpy's very float (Python's own
``min``/``max`` where that is the same; numpy's where NaN or a zero of either sign is
among the values)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from drillsim.scoring.stats import reduce


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
