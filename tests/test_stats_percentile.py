"""scoring.stats.percentile: Hyndman & Fan (1996) definition 7, the same float as
numpy.percentile (the reference implementation it replaces on the scoring path)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from drillsim.scoring.stats import percentile


def test_hand_worked_values():
    # [1, 2, 3, 4]: p50 at index 1.5 → 2.5; p90 at index 2.7 → 3 + 0.7·1 = 3.7
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([4, 1, 3, 2], 90) == pytest.approx(3.7, abs=1e-15)
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 9.0], 0) == 1.0 and percentile([1.0, 9.0], 100) == 9.0


def test_same_float_as_numpy():
    rng = random.Random(3)
    for _ in range(20_000):
        n = rng.randint(1, 60)
        kind = rng.randrange(4)  # ties, whole numbers, wide magnitudes, negatives
        if kind == 0:
            values = [rng.choice([0.0, 1.0, 2.5, 10.0]) for _ in range(n)]
        elif kind == 1:
            values = [rng.randint(-5, 50) for _ in range(n)]
        elif kind == 2:
            values = [rng.expovariate(0.01) * 10 ** rng.randint(-8, 8) for _ in range(n)]
        else:
            values = [rng.uniform(-100, 1000) for _ in range(n)]
        q = rng.choice([50, 90, 95, 0, 100, 99.9, rng.uniform(0, 100)])
        expected = float(np.percentile(np.asarray(values, dtype=float), q))
        assert repr(percentile(values, q)) == repr(expected), (values, q)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("values", [[math.inf, 1.0], [-math.inf, 2.0, math.inf], [math.nan, 1.0],
                                    [0.0, -0.0], [-0.0, 0.0, -0.0]])
def test_same_as_numpy_at_the_edges(values):
    for q in (0, 50, 90, 100):
        assert repr(percentile(values, q)) == repr(float(np.percentile(np.asarray(values), q)))


def test_refuses_no_values_and_q_outside():
    with pytest.raises(IndexError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)
