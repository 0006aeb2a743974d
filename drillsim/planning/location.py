"""Where to put k sites: the maximal covering and p-median problems as integer programmes.

Given travel minutes ``t[i, j]`` from candidate site *i* to demand point *j* (``inf``:
unreachable), demand weights ``w[j] ≥ 0`` (people), the number ``k`` of new sites, and
sites already there (``fixed``, kept open and not counted in k):

**Maximal covering** (Church & ReVelle 1974, "The maximal covering location problem",
Papers of the Regional Science Association 32:101–118): with ``N_j = {i : t[i, j] ≤ T}``,

    maximise   Σ_j w_j y_j
    subject to y_j ≤ Σ_{i ∈ N_j} x_i      for every demand j
               Σ_{i not fixed} x_i = k,   x_i = 1 for fixed i
               x_i, y_j ∈ {0, 1}

**p-median** (Hakimi 1964, "Optimum locations of switching centers and the absolute
centers and medians of a graph", Operations Research 12:450–459; the integer programme of
ReVelle & Swain 1970, Geographical Analysis 2:30–42):

    minimise   Σ_j Σ_i w_j t[i, j] z_ij
    subject to Σ_i z_ij = 1                for every demand j
               z_ij ≤ x_i                  (z_ij = 0 where t[i, j] is inf)
               Σ_{i not fixed} x_i = k,   x_i = 1 for fixed i
               x_i, z_ij ∈ {0, 1}

Both are solved exactly with ``scipy.optimize.milp`` (HiGHS branch and bound, relative
gap 0). The next-best layouts come from solving again with each layout found cut off
(``Σ_{i ∈ S} x_i ≤ k − 1`` for its new sites S), so the r-th answer is the best layout
other than the r − 1 before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


class NoLayout(ValueError):
    """No layout satisfies the problem (k larger than the candidates, a demand point no
    candidate can reach in a p-median …); the message says which."""


@dataclass(frozen=True)
class Layout:
    """One solution: ``sites`` (indices of the new sites chosen, ascending), ``value``
    (people covered for maximal covering; people-weighted minutes for p-median)."""

    sites: tuple[int, ...]
    value: float


def _solve(c, constraints, integrality, lower, upper):
    from scipy.optimize import Bounds, milp

    res = milp(c, integrality=integrality, bounds=Bounds(lower, upper), constraints=constraints,
               options={"mip_rel_gap": 0.0, "presolve": True})
    if res.status != 0 or res.x is None:
        return None
    return res


def _check(times: np.ndarray, weights: np.ndarray, k: int, fixed: tuple[int, ...]) -> None:
    m, n = times.shape
    if weights.shape != (n,):
        raise ValueError(f"{n} demand points but {weights.shape[0]} weights")
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise ValueError("demand weights must be finite and not negative")
    if any(not 0 <= f < m for f in fixed):
        raise ValueError("a fixed site is not a candidate index")
    free = m - len(set(fixed))
    if not 1 <= k <= free:
        raise NoLayout(f"cannot choose {k} new site(s) among {free} free candidate(s)")


def best_layouts(kind: str, times, weights, k: int, count: int = 1, within: float | None = None,
                 fixed: tuple[int, ...] = ()) -> list[Layout]:
    """The ``count`` best layouts of ``k`` new sites, best first (fewer if there are no more).

    :param kind: ``"coverage"`` (maximal covering within ``within`` minutes) or
        ``"p_median"`` (least people-weighted travel time).
    :param times: array (candidates m × demands n), minutes, ``inf`` where unreachable.
    :param weights: array (n,), people.
    :param fixed: candidate indices kept open whatever the layout (existing sites).
    :raises NoLayout: no layout at all (k too large; a demand point unreachable from every
        candidate for a p-median).
    :raises ValueError: shapes or values that make no problem.
    """
    times = np.asarray(times, dtype=float)
    weights = np.asarray(weights, dtype=float)
    fixed = tuple(sorted(set(fixed)))
    _check(times, weights, k, fixed)
    if kind == "coverage":
        if within is None or not within >= 0:
            raise ValueError("maximal covering needs a time within which demand counts as covered")
        build = _coverage_programme(times, weights, within)
    elif kind == "p_median":
        build = _p_median_programme(times, weights)
    else:
        raise ValueError(f"unknown location problem {kind!r}")
    from scipy.optimize import LinearConstraint

    c, rows, lows, highs, integrality, lower, upper, sign = build
    m = times.shape[0]
    nvar = c.shape[0]
    lower = lower.copy()
    free = [i for i in range(m) if i not in fixed]
    for i in fixed:
        lower[i] = 1.0
    pick = np.zeros(nvar)
    pick[free] = 1.0
    rows, lows, highs = rows + [pick], lows + [k], highs + [k]
    out: list[Layout] = []
    while len(out) < count:
        res = _solve(c, LinearConstraint(np.array(rows), np.array(lows, float), np.array(highs, float)),
                     integrality, lower, upper)
        if res is None:
            if not out:
                raise NoLayout("no layout meets the constraints (every candidate too far from "
                               "some demand point?)")
            break
        chosen = tuple(i for i in free if res.x[i] > 0.5)
        out.append(Layout(chosen, float(sign * res.fun)))
        cut = np.zeros(nvar)
        cut[list(chosen)] = 1.0
        rows, lows, highs = rows + [cut], lows + [-np.inf], highs + [k - 1]
    return out


def _coverage_programme(times: np.ndarray, weights: np.ndarray, within: float):
    m, n = times.shape
    covers = times <= within + 1e-9
    nvar = m + n                      # x_0..x_{m-1}, y_0..y_{n-1}
    c = np.concatenate([np.zeros(m), -weights])   # milp minimises: maximise Σ w y
    rows, lows, highs = [], [], []
    for j in range(n):                 # y_j - Σ_{i∈N_j} x_i ≤ 0
        row = np.zeros(nvar)
        row[m + j] = 1.0
        row[:m] = -covers[:, j].astype(float)
        rows.append(row)
        lows.append(-np.inf)
        highs.append(0.0)
    return c, rows, lows, highs, np.ones(nvar), np.zeros(nvar), np.ones(nvar), -1.0


def _p_median_programme(times: np.ndarray, weights: np.ndarray):
    m, n = times.shape
    reach = np.isfinite(times)
    for j in range(n):
        if not reach[:, j].any():
            raise NoLayout(f"demand point {j} cannot be reached from any candidate")
    nvar = m + m * n                   # x_i, then z_ij at m + i*n + j
    cost = np.where(reach, times, 0.0) * weights[None, :]
    c = np.concatenate([np.zeros(m), cost.ravel()])
    upper = np.concatenate([np.ones(m), reach.ravel().astype(float)])
    rows, lows, highs = [], [], []
    for j in range(n):                 # Σ_i z_ij = 1
        row = np.zeros(nvar)
        row[m + np.arange(m) * n + j] = 1.0
        rows.append(row)
        lows.append(1.0)
        highs.append(1.0)
    for i in range(m):                 # z_ij - x_i ≤ 0 (the strong form: a tighter relaxation)
        for j in range(n):
            if reach[i, j]:
                row = np.zeros(nvar)
                row[m + i * n + j] = 1.0
                row[i] = -1.0
                rows.append(row)
                lows.append(-np.inf)
                highs.append(0.0)
    return c, rows, lows, highs, np.ones(nvar), np.zeros(nvar), upper, 1.0


def covered(times, weights, sites, within: float) -> float:
    """People covered within ``within`` minutes by ``sites`` (candidate indices)."""
    times = np.asarray(times, float)
    if not sites:
        return 0.0
    best = times[list(sites)].min(axis=0)
    return float(np.asarray(weights, float)[best <= within + 1e-9].sum())


def weighted_minutes(times, weights, sites) -> float:
    """People-weighted travel minutes to the nearest of ``sites`` (``inf`` if a demand
    point with weight is unreachable)."""
    times = np.asarray(times, float)
    best = times[list(sites)].min(axis=0)
    w = np.asarray(weights, float)
    if np.isinf(best[w > 0]).any():
        return math.inf
    return float((np.where(np.isfinite(best), best, 0.0) * w).sum())
