"""Rainfall intensity–duration (ID) thresholds for shallow landslides and debris flows.

A threshold is a power law in the mean rainfall intensity ``I`` (mm/h) of a rainfall event
and its duration ``D`` (h) so far:

    I = a · D^(-b)        valid for d_min ≤ D ≤ d_max

Rain with a mean intensity on or above the curve is expected to trigger slides. Written
in cumulative rainfall ``E = I · D`` (mm) the curve is ``E = a · D^(1-b)``: the event
exceeds the threshold at the first time its cumulative rainfall since the start of the
rain reaches ``a · D^(1-b)``.

Published curves (:data:`CURVES`):

- ``caine_1980``: a = 14.82, b = 0.39, 10 min ≤ D ≤ 10 days. Caine, N. (1980) The rainfall
  intensity–duration control of shallow landslides and debris flows. *Geografiska
  Annaler, Series A* 62(1–2): 23–27 (the world-wide lower envelope of 73 triggering
  storms).
- ``guzzetti_2008``: a = 2.20, b = 0.44, 0.1 h ≤ D ≤ 1000 h. Guzzetti, F., Peruccacci, S.,
  Rossi, M. & Stark, C. P. (2008) The rainfall intensity–duration control of shallow
  landslides and debris flows: an update. *Landslides* 5: 3–17 (global minimum ID
  threshold from 2,626 events).

A regional curve is given by its own ``a``, ``b``, range and source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Curve:
    """An ID threshold ``I = a · D^(-b)`` (I in mm/h, D in h), valid for
    ``d_min_h ≤ D ≤ d_max_h``.

    :raises ValueError: a ≤ 0, b outside (0, 1), or an empty duration range.
    """

    a: float
    b: float
    d_min_h: float
    d_max_h: float
    source: str = ""

    def __post_init__(self) -> None:
        if not self.a > 0:
            raise ValueError(f"threshold a must be above 0 mm/h, got {self.a!r}")
        if not 0 < self.b < 1:
            raise ValueError(f"threshold b must lie between 0 and 1 (exclusive), got {self.b!r}")
        if not 0 < self.d_min_h < self.d_max_h:
            raise ValueError("threshold durations need 0 < d_min < d_max")

    def intensity(self, d_h: float) -> float:
        """Threshold mean intensity, mm/h, for a rain event of ``d_h`` hours."""
        return self.a * d_h ** (-self.b)

    def rainfall(self, d_h: float) -> float:
        """Threshold cumulative rainfall, mm, for a rain event of ``d_h`` hours."""
        return self.a * d_h ** (1.0 - self.b)

    def scaled(self, factor: float) -> "Curve":
        """The same curve with ``a`` multiplied by ``factor`` (a warning level below it)."""
        return Curve(self.a * factor, self.b, self.d_min_h, self.d_max_h, self.source)


CURVES = {
    "caine_1980": Curve(14.82, 0.39, 10.0 / 60.0, 240.0,
                        "Caine (1980), Geografiska Annaler A 62: 23-27"),
    "guzzetti_2008": Curve(2.20, 0.44, 0.1, 1000.0,
                           "Guzzetti, Peruccacci, Rossi & Stark (2008), Landslides 5: 3-17"),
}


def cumulative(step_min: float, depths_mm: list[float], t_min: float) -> float:
    """Cumulative rainfall, mm, ``t_min`` minutes after the series starts, the depth of
    each step falling at a uniform rate through the step (0 before the start)."""
    if t_min <= 0:
        return 0.0
    k = int(t_min // step_min)
    done = sum(depths_mm[:k])
    if k < len(depths_mm):
        done += depths_mm[k] * (t_min - k * step_min) / step_min
    return done


def greatest_rain_mm(step_min: float) -> float:
    """The envelope of the world's greatest recorded point rainfalls for a duration of
    ``step_min`` minutes, mm: 422 mm × D^0.475, D in hours (16.6 in × D^0.475, Jennings
    1950; as the WMO Manual on Estimation of Probable Maximum Precipitation, WMO-No. 1045,
    2009, gives it). 60 mm for 1 min (the record, 38 mm), 422 mm for 1 h (305 mm),
    1,909 mm for 24 h (1,825 mm)."""
    return 422.0 * (step_min / 60.0) ** 0.475


def depth_problem(step_min: float, depths_mm: list[float]) -> str | None:
    """Why a rain series has a depth no rain ever reached in one step, or None. A depth of
    ``1e300`` mm passed every check: the calculator printed a mean intensity of 10³⁰³ mm/h
    and a run drew its slides from it."""
    top = greatest_rain_mm(step_min)
    for k, d in enumerate(depths_mm):
        if d > top:
            return (f"{d:,.10g} mm in one step of {step_min:g} min (value {k + 1}) is more than has "
                    f"ever fallen anywhere: the world's greatest point rainfalls lie under "
                    f"422 mm × D^0.475 (D in hours; Jennings 1950), {top:,.0f} mm for this step; "
                    "check that the depths are mm per step")
    return None


def exceedance(step_min: float, depths_mm: list[float], curve: Curve) -> float | None:
    """Minutes from the start of the series at which the rain first reaches ``curve``;
    None if it never does within the curve's duration range.

    The event starts with the first step that has rain. Between step boundaries the
    cumulative rainfall is linear and the threshold ``a·D^(1-b)`` concave, so their
    difference is convex: it has at most one upward zero in a piece, found by Brent's
    method where the ends differ in sign.

    :param step_min: length of one step, minutes (> 0).
    :param depths_mm: rain depth in each step, mm (≥ 0).
    :raises ValueError: a non-positive step, a negative depth or one beyond
        :func:`greatest_rain_mm`.
    """
    if not step_min > 0:
        raise ValueError("the rainfall step must be longer than 0 min")
    if any(d < 0 for d in depths_mm):
        raise ValueError("rain depths must not be negative")
    problem = depth_problem(step_min, depths_mm)
    if problem is not None:
        raise ValueError(problem)
    first = next((k for k, d in enumerate(depths_mm) if d > 0), None)
    if first is None:
        return None
    t0 = first * step_min
    lo_t = t0 + curve.d_min_h * 60.0
    end_t = min(len(depths_mm) * step_min, t0 + curve.d_max_h * 60.0)
    if lo_t > end_t:
        return None

    def excess(t: float) -> float:
        return cumulative(step_min, depths_mm, t) - curve.rainfall((t - t0) / 60.0)

    cuts = [lo_t] + [k * step_min for k in range(first + 1, len(depths_mm) + 1)
                     if lo_t < k * step_min < end_t] + [end_t]
    for a, b in zip(cuts, cuts[1:]):
        fa, fb = excess(a), excess(b)
        if fa >= 0:
            return a
        if fb >= 0:
            # imported here: scipy.optimize takes ~0.2 s to load, and every drillsim
            # command that loads the plugins would pay it
            from scipy.optimize import brentq

            return brentq(excess, a, b, xtol=1e-9)
    return None


def duration_at_constant_intensity(intensity_mm_h: float, curve: Curve) -> float:
    """Hours of rain at a constant ``intensity_mm_h`` before the curve is reached
    (``(a / I)^(1/b)``, before clipping to the curve's range).

    :raises ValueError: a non-positive intensity.
    """
    if not intensity_mm_h > 0:
        raise ValueError("the intensity must be above 0 mm/h")
    return (curve.a / intensity_mm_h) ** (1.0 / curve.b)


def mean_intensity(step_min: float, depths_mm: list[float], t_min: float) -> tuple[float, float]:
    """(duration h, mean intensity mm/h) of the event from its first rain to ``t_min``;
    (0, 0) before it starts."""
    first = next((k for k, d in enumerate(depths_mm) if d > 0), None)
    if first is None or t_min <= first * step_min:
        return 0.0, 0.0
    d_h = (t_min - first * step_min) / 60.0
    return d_h, cumulative(step_min, depths_mm, t_min) / d_h if d_h > 0 else math.inf
