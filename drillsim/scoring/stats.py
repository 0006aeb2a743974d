"""Statistics over replications.

- Confidence interval of a mean: Student's t, ``mean ± t(0.975, n−1)·s/√n`` (s the
  sample standard deviation), e.g. Law, *Simulation Modeling and Analysis*, 5th ed.,
  §9.4.1. Undefined (None) for fewer than two replications.
- Percentiles: numpy's default (linear interpolation between order statistics,
  Hyndman & Fan 1996 definition 7).
- Wilson score interval for a pass rate: Wilson (1927), JASA 22:209–212.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from drillsim.scoring.ttable import LEVEL, T975, Z975

#: numpy's sum of an array or list (``numpy.sum`` without its Python layers)
_add = np.add.reduce


def _t_quantile(df: int, p: float) -> float:
    """Student's t quantile t(p, df): from the table of :mod:`drillsim.scoring.ttable` at
    95 % and up to 200 degrees of freedom (every shipped run), else by
    ``scipy.special.stdtrit`` (what ``scipy.stats.t.ppf`` calls; imported only then: it
    takes about a quarter of a second to load)."""
    if p == 0.5 + LEVEL / 2 and 1 <= df <= len(T975):
        return T975[df - 1]
    from scipy.special import stdtrit

    return float(stdtrit(df, p))


def _normal_quantile(p: float) -> float:
    """The standard normal quantile z(p) (``scipy.special.ndtri``, imported only for a
    level other than 95 %)."""
    if p == 0.5 + LEVEL / 2:
        return Z975
    from scipy.special import ndtri

    return float(ndtri(p))


def mean_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, tuple[float, float] | None]:
    """Mean and its two-sided t confidence interval (None when n < 2)."""
    # numpy's arithmetic of ``arr.mean()`` and ``arr.std(ddof=1)`` (pairwise sums, the
    # deviations squared in place, IEEE division and square root), the same floats,
    # without their Python layers: a scorecard takes some 150 of these
    arr = np.asarray(values, dtype=float)
    n = arr.size
    if n == 0:
        raise ValueError("no values")
    with np.errstate(over="ignore", invalid="ignore"):  # huge values: _scaled_mean_std
        total = _add(arr)
        mean = float(total / n)
        if n < 2:
            return mean, None
        dev = arr - total / n
        np.multiply(dev, dev, out=dev)
        std = math.sqrt(float(_add(dev) / (n - 1)))
    if not (math.isfinite(mean) and math.isfinite(std)) and np.isfinite(arr).all():
        mean, std = _scaled_mean_std(arr)
    half = float(_t_quantile(n - 1, 0.5 + level / 2) * std / math.sqrt(n))
    return mean, (mean - half, mean + half)


def sample_std(values: Sequence[float]) -> float:
    """The sample standard deviation (n − 1) of two or more finite values, without
    overflow for values beyond about 1e154 (:func:`_scaled_mean_std`); inf only when the
    spread itself is beyond the largest float.

    :raises ValueError: fewer than two values."""
    arr = np.asarray(values, dtype=float)
    if arr.size < 2:
        raise ValueError("a standard deviation needs two values or more")
    with np.errstate(over="ignore", invalid="ignore"):
        sd = float(np.std(arr, ddof=1))
    if not math.isfinite(sd) and np.isfinite(arr).all():
        sd = _scaled_mean_std(arr)[1]
    return sd


def _scaled_mean_std(arr: np.ndarray) -> tuple[float, float]:
    """Mean and sample standard deviation of finite values whose sum or squared
    deviations overflow a float (values beyond about 1e154): computed on the values
    divided by a power of two at least their largest magnitude (an exact division) and
    scaled back, so 1e308 twice has mean 1e308 and standard deviation 0, not inf and NaN."""
    exponent = math.frexp(float(np.max(np.abs(arr))))[1]
    y = np.ldexp(arr, -exponent)
    m = float(_add(y)) / y.size
    dev = y - m
    sd = math.sqrt(float(_add(dev * dev)) / (y.size - 1))
    try:
        sd = math.ldexp(sd, exponent)
    except OverflowError:  # a spread beyond the largest float
        sd = math.inf
    return math.ldexp(m, exponent), sd


def bounded(ci: tuple[float, float] | None, floor: float | None = None,
            ceiling: float | None = None) -> tuple[float, float] | None:
    """Cut an interval at the least and greatest values a quantity can take (a time or a
    count cannot be below 0, a share above 100 %); None stays None."""
    if ci is None:
        return None
    lo, hi = ci
    if floor is not None:
        lo = max(lo, floor)
    if ceiling is not None:
        hi = min(hi, ceiling)
    return (lo, hi)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of a non-empty sequence, linear interpolation
    between order statistics (Hyndman & Fan 1996, definition 7): numpy's default
    ``numpy.percentile``, computed with its very arithmetic (index ``(n − 1)·q/100``, the
    lerp ``b − (b − a)(1 − γ)`` from γ ≥ 0.5 on; NaN if any value is NaN), so the same
    float, without numpy's array machinery (which also imports ``numpy.ma``, ~10 ms of a
    run's start-up, for a few dozen short lists).

    :raises ValueError: ``q`` outside 0–100.
    :raises IndexError: no values.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    data = sorted(float(v) for v in values)
    n = len(data)
    if n == 0:
        raise IndexError("the percentile of no values")
    if any(math.isnan(v) for v in data):
        return math.nan
    virtual = (n - 1) * (q / 100)
    if virtual >= n - 1:  # numpy marks the index past the end -1, and γ counts from it
        a = b = data[-1]
        gamma = virtual + 1.0
    else:
        below = math.floor(virtual)
        a, b = data[below], data[below + 1]
        gamma = virtual - below
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


def wilson(passes: int, n: int, level: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion ``passes/n`` (None when n = 0)."""
    if n == 0:
        return None
    z = float(_normal_quantile(0.5 + level / 2))
    p = passes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # exactly, the interval holds p (its lower end is 0 at p = 0, its upper 1 at p = 1):
    # keep it so where rounding would leave p outside by 1e-17
    return (min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)))


def _numpy_decides(values: Sequence[float]) -> bool:
    """Whether Python's ``min``/``max`` of ``values`` could differ from numpy's: a NaN
    (numpy's propagates), or zeros of both signs (which one numpy's SIMD loops return is
    not fixed; zeros of one sign are the same float whichever is picked)."""
    if any(v != v for v in values):
        return True
    return 0.0 in values and len({math.copysign(1.0, v) for v in values if v == 0.0}) > 1


def _least(values: Sequence[float]) -> float:
    """``float(numpy.min(values))``: Python's ``min`` where that is the same float (see
    :func:`_numpy_decides`): a scorecard reduces a few thousand short lists, and numpy's
    call costs about 15 µs each against 2 µs."""
    if _numpy_decides(values):
        return float(np.min(values))
    return float(min(values))


def _greatest(values: Sequence[float]) -> float:
    """``float(numpy.max(values))``, as :func:`_least`."""
    if _numpy_decides(values):
        return float(np.max(values))
    return float(max(values))


def _sum(values: Sequence[float]) -> float:
    """``float(numpy.sum(values))``: the ufunc ``numpy.sum`` calls for a list (its
    pairwise summation, the same float), without ``numpy.sum``'s Python layers."""
    return float(_add(values))


def _mean(values: Sequence[float]) -> float:
    """``float(numpy.mean(values))``: numpy's sum of the values as float64 (its pairwise
    summation) divided by their number, as ``numpy.mean`` computes it, without its
    Python layers."""
    return float(_add(np.asarray(values, dtype=np.float64))) / len(values)


STATISTICS = {
    "mean": _mean,
    "min": _least,
    "max": _greatest,
    "sum": _sum,
    "count": lambda v: float(len(v)),
    "p50": lambda v: percentile(v, 50),
    "p90": lambda v: percentile(v, 90),
    "p95": lambda v: percentile(v, 95),
}


def reduce(values: Sequence[float], statistic: str) -> float | None:
    """One replication's value from its observations (None if it has none; ``sum`` and
    ``count`` of nothing are 0)."""
    if not len(values):
        return 0.0 if statistic in ("sum", "count") else None
    return STATISTICS[statistic](values)
