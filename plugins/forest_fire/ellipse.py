"""Elliptical growth of a fire from a point (Anderson 1983).

A fire started at a point under steady wind and slope grows as an ellipse with the
ignition point at its rear focus region: the head advances at the head rate R, the back
at R_b = R / HB, and the ellipse's length-to-breadth ratio LB depends on the wind:

    LB = 0.936 e^(0.2566 U) + 0.461 e^(−0.1548 U) − 0.397            (Anderson 1983, eq. 6)
    HB = (LB + √(LB² − 1)) / (LB − √(LB² − 1))                      (Anderson 1983, eq. 2)

with U the (effective) midflame wind speed in m/s — the unit in which FARSITE (Finney
1998, RMRS-RP-4, eq. 4) and ELMFIRE apply Anderson's fit (ELMFIRE converts ft/min with the
factor 5.07955e-3) — and LB capped at 8 as in FARSITE. (Some codes feed mi/h instead, which
gives LB = 8 already at 14 km/h; drillsim follows the m/s reading: LB ≈ 2.8 at 16 km/h.) After time t, length L = (R + R_b) t, breadth
W = L / LB, area π L W / 4; the perimeter is Ramanujan's second approximation for an
ellipse with semi-axes a = L/2, b = W/2 (error below 0.001 % for LB ≤ 8).

Source: Anderson, H.E. (1983) Predicting wind-driven wild land fire size and shape, USDA
Forest Service Res. Pap. INT-305; used in BehavePlus's SIZE module (Andrews 2014,
RMRS-GTR-106WWW Part 3).

Under conditions that change over time the head, back and flank distances are summed
step by step (:class:`FireShape`), which keeps the ellipse form of the original papers
for piecewise-constant conditions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

KMH_PER_MS = 3.6
MAX_LB = 8.0


def length_to_breadth(wind_kmh: float) -> float:
    """Anderson's (1983) length-to-breadth ratio for a midflame (or effective) wind.

    :param wind_kmh: wind speed, km/h (≥ 0).
    :returns: LB ≥ 1, capped at 8 (reached near 30 km/h).
    :raises ValueError: negative or non-finite wind.
    """
    if not wind_kmh >= 0 or math.isinf(wind_kmh):
        raise ValueError(f"wind speed must be a finite number >= 0 km/h, got {wind_kmh!r}")
    u = wind_kmh / KMH_PER_MS
    lb = 0.936 * math.exp(0.2566 * u) + 0.461 * math.exp(-0.1548 * u) - 0.397
    return min(MAX_LB, max(1.0, lb))


def head_to_back(lb: float) -> float:
    """Anderson's (1983) head-to-back ratio HB for a length-to-breadth ratio LB ≥ 1."""
    if lb < 1.0:
        raise ValueError(f"length-to-breadth ratio must be >= 1, got {lb}")
    root = math.sqrt(lb * lb - 1.0)
    return (lb + root) / (lb - root)


def ellipse_perimeter(a: float, b: float) -> float:
    """Perimeter of an ellipse with semi-axes ``a``, ``b`` (Ramanujan 1914, second
    approximation): π (a + b) (1 + 3h / (10 + √(4 − 3h))), h = ((a − b)/(a + b))²."""
    if a <= 0 and b <= 0:
        return 0.0
    h = ((a - b) / (a + b)) ** 2
    return math.pi * (a + b) * (1.0 + 3.0 * h / (10.0 + math.sqrt(4.0 - 3.0 * h)))


@dataclass
class FireShape:
    """A fire's ellipse grown from a point, in metres.

    :ivar head: distance the head has run from the ignition point, m.
    :ivar back: distance the back has run (opposite direction), m.
    :ivar flank: half-breadth of the ellipse, m.
    """

    head: float = 0.0
    back: float = 0.0
    flank: float = 0.0

    def grow(self, head_ros_m_min: float, lb: float, minutes: float) -> None:
        """Grow for ``minutes`` at head rate ``head_ros_m_min`` (m/min) and ratio ``lb``.

        :raises ValueError: negative rate or time, LB < 1.
        """
        if head_ros_m_min < 0 or minutes < 0:
            raise ValueError("rate of spread and time must not be negative")
        back = head_ros_m_min / head_to_back(lb)
        self.head += head_ros_m_min * minutes
        self.back += back * minutes
        self.flank += (head_ros_m_min + back) * minutes / (2.0 * lb)

    @property
    def length_m(self) -> float:
        return self.head + self.back

    @property
    def area_ha(self) -> float:
        """Area, hectares: π a b."""
        return math.pi * (self.length_m / 2.0) * self.flank / 1e4

    @property
    def perimeter_m(self) -> float:
        return ellipse_perimeter(self.length_m / 2.0, self.flank)


def point_fire(head_ros_m_min: float, wind_kmh: float, minutes: float) -> dict:
    """Size of a fire grown from a point for ``minutes`` under steady conditions.

    :param head_ros_m_min: head fire rate of spread, m/min.
    :param wind_kmh: (effective) midflame wind speed for the shape, km/h.
    :param minutes: elapsed time since ignition, min (≥ 0).
    :returns: ``{"length_to_breadth", "backing_ros_m_min", "length_m", "width_m",
        "area_ha", "perimeter_m"}``.
    :raises ValueError: negative inputs.
    """
    lb = length_to_breadth(wind_kmh)
    shape = FireShape()
    shape.grow(head_ros_m_min, lb, minutes)
    return {"length_to_breadth": lb, "backing_ros_m_min": head_ros_m_min / head_to_back(lb),
            "length_m": shape.length_m, "width_m": 2 * shape.flank, "area_ha": shape.area_ha,
            "perimeter_m": shape.perimeter_m}
