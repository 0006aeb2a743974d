"""Urban waterlogging (城市内涝): water ponding where rain exceeds what the drains carry,
and what standing water does to a vehicle's speed.

**Runoff and drainage: the rational method with a storage rule.** By the rational
method (Kuichling 1889; GB 50014-2021 室外排水设计标准, the design flow Q = q ψ F) the
runoff from a catchment of area F with runoff coefficient ψ under rain of intensity i
is ψ i F. A drain built for the intensity i_cap carries at most ψ i_cap F. The storage
rule (empirical: the surplus ponds where the ground is lowest and drains at the spare
capacity once the rain eases) keeps, per unit of catchment, a surplus rain depth

    S_k = max(0, S_{k-1} + (P_k − i_cap Δt))        (mm; P_k the rain of step k, mm)

and the water stands on the low part of the catchment, a share s of its area (an
underpass: a small share; a street network: a large one), at the depth

    w_k = ψ S_k / s                                   (mm)

The catchment's area cancels out: only ψ, i_cap and s are needed.

**Standing water and speed.** Pregnolato, Ford, Wilkinson & Dawson (2017), The impact
of flooding on road transport: a depth-disruption function, Transportation Research
Part D 55: 67–81 (doi:10.1016/j.trd.2017.06.020), fitted the highest safe speed in
standing water of depth w mm:

    v(w) = 0.0009 w² − 0.5529 w + 86.9448  km/h,  and a road is impassable from 300 mm.

A trip through water of depth w takes v(0) / v(w) times as long (the ratio of the
fitted speeds; the region's own vehicle speeds are kept for dry roads).
"""

from __future__ import annotations

import math

#: Pregnolato et al. (2017): coefficients of v(w) = A w² + B w + C (w mm, v km/h)
PREGNOLATO = (0.0009, -0.5529, 86.9448)
#: Pregnolato et al. (2017): depth (mm) from which a road is impassable
IMPASSABLE_MM = 300.0


def safe_speed_kmh(depth_mm: float) -> float:
    """Pregnolato et al. (2017): the highest safe speed (km/h) in standing water of
    ``depth_mm``; 0 from :data:`IMPASSABLE_MM` on.

    :raises ValueError: a negative depth.
    """
    if depth_mm < 0:
        raise ValueError(f"a water depth cannot be negative ({depth_mm} mm)")
    if depth_mm >= IMPASSABLE_MM:
        return 0.0
    a, b, c = PREGNOLATO
    return a * depth_mm * depth_mm + b * depth_mm + c


def slow_down(depth_mm: float, most: float) -> float:
    """Travel-time factor through water of ``depth_mm``: v(0) / v(w) (Pregnolato et al.
    2017), at most ``most`` (also when the water is impassable)."""
    v = safe_speed_kmh(depth_mm)
    return most if v <= 0 else min(most, PREGNOLATO[2] / v)


def surplus_series(depths_mm: list[float], capacity_mm_h: float, step_min: float) -> list[float]:
    """The surplus rain S_k (mm) at the end of each step: S_k = max(0, S_{k-1} + P_k −
    i_cap Δt), continued with dry steps until it is 0 again (the module docstring).

    :param depths_mm: rain of each step, mm.
    :param capacity_mm_h: the drains' capacity as a rain intensity, mm/h.
    :param step_min: the step, minutes.
    """
    drain = capacity_mm_h * step_min / 60.0
    out, s = [], 0.0
    for p in depths_mm:
        s = max(0.0, s + p - drain)
        out.append(s)
    while s > 0 and drain > 0:
        s = max(0.0, s - drain)
        out.append(s)
    return out


def water_depth_mm(surplus_mm: float, runoff: float, ponding_share: float) -> float:
    """w = ψ S / s: the depth the surplus stands at on the low share ``ponding_share`` of
    the catchment (the module docstring)."""
    return runoff * surplus_mm / ponding_share


def share_inside_disc(ax: float, ay: float, bx: float, by: float, radius: float) -> float:
    """The share (0–1) of the straight segment A→B lying within ``radius`` of the origin
    (plane coordinates, same unit): the roots of |A + t (B − A)|² = r², clipped to [0, 1]."""
    dx, dy = bx - ax, by - ay
    a = dx * dx + dy * dy
    if a == 0:
        return 1.0 if math.hypot(ax, ay) <= radius else 0.0
    b = 2 * (ax * dx + ay * dy)
    c = ax * ax + ay * ay - radius * radius
    disc = b * b - 4 * a * c
    if disc <= 0:
        return 0.0
    root = math.sqrt(disc)
    t1, t2 = (-b - root) / (2 * a), (-b + root) / (2 * a)
    return max(0.0, min(1.0, t2) - max(0.0, t1))
