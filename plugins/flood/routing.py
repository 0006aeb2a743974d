"""Muskingum flood routing.

Storage S = K[X·I + (1 − X)·O]; discretised (Chow, Maidment & Mays 1988, *Applied
Hydrology*, §8.4, eqs. 8.4.7–8.4.9):

    O[j+1] = C1·I[j+1] + C2·I[j] + C3·O[j]
    C1 = (Δt − 2KX) / (2K(1 − X) + Δt)
    C2 = (Δt + 2KX) / (2K(1 − X) + Δt)
    C3 = (2K(1 − X) − Δt) / (2K(1 − X) + Δt)

C1 + C2 + C3 = 1. All three are non-negative only when 2KX ≤ Δt ≤ 2K(1 − X); outside
that range the scheme produces negative or oscillating outflows, so the functions here
refuse it. A long reach is split into ``reaches`` equal sub-reaches of K/n each, routed
in cascade (the usual remedy, e.g. Chow et al. §8.4; each sub-reach must satisfy the
condition on its own K).

Units: K and Δt in the same time unit (minutes in drillsim); X dimensionless, 0–0.5;
flows in any consistent unit (m³/s in drillsim).
"""

from __future__ import annotations

from typing import Sequence


def muskingum_coefficients(K: float, X: float, dt: float) -> tuple[float, float, float]:
    """(C1, C2, C3) for storage constant ``K``, weighting ``X`` and step ``dt``.

    :raises ValueError: K or dt not positive, X outside [0, 0.5], or
        dt outside [2KX, 2K(1 − X)] (a coefficient would be negative).
    """
    if not K > 0 or not dt > 0:
        raise ValueError(f"K and dt must be positive (got K={K}, dt={dt})")
    if not 0.0 <= X <= 0.5:
        raise ValueError(f"X must lie in [0, 0.5], got {X}")
    lo, hi = 2 * K * X, 2 * K * (1 - X)
    if dt < lo - 1e-12 or dt > hi + 1e-12:
        raise ValueError(f"routing step {dt:g} is outside the stable range [2KX, 2K(1-X)] = "
                         f"[{lo:g}, {hi:g}] for K={K:g}, X={X:g}; change the step or split the "
                         "reach into more sub-reaches")
    denom = 2 * K * (1 - X) + dt
    return ((dt - 2 * K * X) / denom, (dt + 2 * K * X) / denom, (2 * K * (1 - X) - dt) / denom)


def muskingum_route(inflow: Sequence[float], K: float, X: float, dt: float,
                    initial_outflow: float | None = None, reaches: int = 1) -> list[float]:
    """Route an inflow hydrograph sampled every ``dt``.

    :param inflow: I[0], I[1], … at steps of ``dt``.
    :param initial_outflow: O[0] (default: I[0], a steady start). With several
        sub-reaches every sub-reach starts at this value.
    :param reaches: number of equal sub-reaches (each with K/reaches).
    :returns: O[0], O[1], … the same length as ``inflow``.
    :raises ValueError: see :func:`muskingum_coefficients`; empty inflow; reaches < 1.
    """
    if not len(inflow):
        raise ValueError("inflow is empty")
    if reaches < 1:
        raise ValueError(f"reaches must be at least 1, got {reaches}")
    c1, c2, c3 = muskingum_coefficients(K / reaches, X, dt)
    series = [float(q) for q in inflow]
    start = series[0] if initial_outflow is None else float(initial_outflow)
    for _ in range(reaches):
        out = [start]
        for j in range(len(series) - 1):
            out.append(c1 * series[j + 1] + c2 * series[j] + c3 * out[j])
        series = out
    return series
