"""Peak flow of a small catchment: the rational method with Kirpich's time of concentration.

- **Time of concentration** (Kirpich 1940, *Time of concentration of small agricultural
  watersheds*, Civil Engineering 10(6):362; the formula as tabulated in Chow, Maidment &
  Mays 1988, *Applied Hydrology*, Table 15.1.2): ``t_c = 0.0078 L^0.77 S^-0.385`` minutes
  with L the main channel length in feet and S its slope (ft/ft); in metres
  ``t_c = 0.0195 L^0.77 S^-0.385`` (0.0078 × 3.2808^0.77 = 0.0195).
- **Rational method** (Kuichling 1889, *The relation between the rainfall and the
  discharge of sewers in populous districts*, Trans. ASCE 20:1-56; Chow et al. 1988 §15.2;
  the same form is China's 推理公式 for small-catchment design floods, SL 44-2006):
  ``Q_p = 0.278 C i A`` m³/s, with C the runoff coefficient, i the rainfall intensity in
  mm/h over a duration equal to t_c, and A the catchment area in km² (0.278 = 1/3.6
  turns mm/h × km² into m³/s).
- **Hydrograph**: a burst of intensity i lasting t_c over a catchment whose contributing
  area grows uniformly with travel time (a linear time-area diagram) gives a triangle:
  flow rises from the base flow to ``base + Q_p`` over t_c and falls back over t_c (the
  convolution of two rectangles of length t_c).
- **Intensity at t_c** from a storm's depth-duration points (the largest depth in 1 h,
  3 h, 6 h …): power-law (log-log) interpolation between neighbouring points, the first
  or last segment's exponent beyond them.
"""

from __future__ import annotations

import math

#: m³/s per (mm/h × km²): 1e-3 m × 1e6 m² / 3600 s
RATIONAL_FACTOR = 1.0 / 3.6


def kirpich_minutes(length_m: float, slope: float) -> float:
    """Kirpich (1940) time of concentration, minutes, for a main channel ``length_m``
    metres long at mean ``slope`` (m/m).

    :raises ValueError: a length or slope not above 0.
    """
    if length_m <= 0 or slope <= 0:
        raise ValueError("channel length and slope must be above 0")
    return 0.0195 * length_m ** 0.77 * slope ** -0.385


def rational_peak(c: float, intensity_mm_h: float, area_km2: float) -> float:
    """Rational-method peak discharge, m³/s: ``C · i · A / 3.6`` (≈ 0.278 C i A).

    :raises ValueError: C outside (0, 1], a negative intensity or area.
    """
    if not 0 < c <= 1:
        raise ValueError(f"runoff coefficient must lie in (0, 1], got {c:g}")
    if intensity_mm_h < 0 or area_km2 < 0:
        raise ValueError("intensity and area must not be negative")
    return RATIONAL_FACTOR * c * intensity_mm_h * area_km2


def depth_for_duration(points: list[tuple[float, float]], minutes: float) -> float:
    """Rain depth (mm) for a duration (minutes) from ``(duration_min, depth_mm)`` points
    sorted by duration, by power-law interpolation ``P = P1 (d/d1)^n`` with
    ``n = ln(P2/P1) / ln(d2/d1)`` between neighbours (the first or last segment beyond
    them; a single point: depth proportional to duration^0.5).

    :raises ValueError: no points, durations or depths not increasing, a duration ≤ 0.
    """
    if not points:
        raise ValueError("a storm needs at least one (duration, depth) point")
    if minutes <= 0:
        raise ValueError("duration must be above 0")
    for (d1, p1), (d2, p2) in zip(points, points[1:]):
        if not (d2 > d1 > 0 and p2 >= p1 > 0):
            raise ValueError("storm durations must increase and depths must not fall")
    if len(points) == 1:
        d1, p1 = points[0]
        return p1 * (minutes / d1) ** 0.5
    k = 0
    while k < len(points) - 2 and minutes > points[k + 1][0]:
        k += 1
    (d1, p1), (d2, p2) = points[k], points[k + 1]
    n = math.log(p2 / p1) / math.log(d2 / d1)
    return p1 * (minutes / d1) ** n


def triangle(t: float, base: float, peak_above_base: float, t_c: float) -> float:
    """Flow at ``t`` minutes after the burst begins: base + Q_p·t/t_c rising, base +
    Q_p·(2 − t/t_c) falling, base outside [0, 2 t_c]."""
    if t <= 0 or t >= 2 * t_c:
        return base
    r = t / t_c
    return base + peak_above_base * (r if r <= 1 else 2.0 - r)
