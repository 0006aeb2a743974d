"""Upstream inflow hydrographs: a measured series, or a synthetic gamma-shaped flood.

Gamma form (the shape of the NRCS dimensionless unit hydrograph):

    Q(t) = Qb + (Qp − Qb) · (t/tp)^m · exp(m·(1 − t/tp))

with m = 3.7 approximating the NRCS curve (NRCS, *National Engineering Handbook* Part
630, Ch. 16 "Hydrographs", 2007). Qb base flow, Qp peak, tp time to peak.
"""

from __future__ import annotations

import math


def gamma_hydrograph(t: float, base: float, peak: float, time_to_peak: float, m: float = 3.7) -> float:
    """Discharge at time ``t`` (same time unit as ``time_to_peak``; t ≤ 0 gives ``base``).

    :raises ValueError: peak below base, non-positive time to peak or shape.
    """
    if peak < base:
        raise ValueError(f"peak {peak} is below base flow {base}")
    if time_to_peak <= 0 or m <= 0:
        raise ValueError("time to peak and shape m must be positive")
    if t <= 0:
        return base
    r = t / time_to_peak
    return base + (peak - base) * math.exp(m * (math.log(r) + 1.0 - r))


def sample_series(step: float, values: list[float], t: float) -> float:
    """Linear interpolation in a series sampled every ``step`` (held at its ends)."""
    if t <= 0:
        return values[0]
    k = t / step
    i = int(k)
    if i >= len(values) - 1:
        return values[-1]
    f = k - i
    return values[i] * (1 - f) + values[i + 1] * f
