"""A flood-detention reservoir on a small stream: level-pool routing (modified Puls).

The pool above the spillway crest is prismatic (surface area ``A``, m², the same at every
level), so its flood storage at head ``H`` (m above the crest) is ``S = A H``; the
uncontrolled spillway passes ``O = C L H^1.5`` (a broad-crested weir: C ≈ 1.7 m^0.5/s in
SI units, L its length in m). With storage a function of outflow alone, the continuity
equation ``dS/dt = I − O`` is solved over each step Δt by the storage-indication method
(Chow, Maidment & Mays 1988, *Applied Hydrology*, §8.2, the "level pool routing" or
modified Puls method):

    2 S_{j+1} / Δt + O_{j+1} = (I_j + I_{j+1}) + (2 S_j / Δt − O_j)

The right side is known; the left side grows with H, so H_{j+1} is found by bisection.
The pool starts at the head that passes the first inflow (steady flow). A property of
level-pool routing checked in the tests: the outflow peaks where it meets the falling
inflow (storage is greatest when I = O).
"""

from __future__ import annotations

from pydantic import Field

from drillsim.api import Strict


class ReservoirParams(Strict):
    """``reservoir:`` of a flash flood: a detention pool on the stream above the township."""

    name: str
    """The reservoir (`detention reservoir above Shouqiao (what-if)`)."""
    surface_area_km2: float = Field(gt=0, le=100)
    """Area of the pool above the spillway crest, km² (taken as the same at every level)."""
    spillway_length_m: float = Field(gt=0, le=1000)
    """Length of the uncontrolled spillway crest, m."""
    weir_coefficient: float = Field(default=1.7, gt=0.5, le=2.5)
    """Weir coefficient C of O = C L H^1.5, SI units (1.7 for a broad-crested weir)."""


def outflow(p: ReservoirParams, head_m: float) -> float:
    """Spillway outflow (m³/s) at ``head_m`` above the crest."""
    return p.weir_coefficient * p.spillway_length_m * max(0.0, head_m) ** 1.5


def head_for(p: ReservoirParams, q: float) -> float:
    """Head (m) at which the spillway passes ``q`` m³/s."""
    return (max(0.0, q) / (p.weir_coefficient * p.spillway_length_m)) ** (2.0 / 3.0)


def level_pool(p: ReservoirParams, inflow: list[float], dt_min: float) -> tuple[list[float], list[float]]:
    """Route ``inflow`` (m³/s at steps of ``dt_min`` minutes) through the pool: (outflow
    m³/s, head m) at the same steps.

    :raises ValueError: an empty or negative inflow, or a step that is not positive.
    """
    if not inflow or any(q < 0 for q in inflow):
        raise ValueError("inflow must be a non-empty series of flows, none negative")
    if dt_min <= 0:
        raise ValueError("the routing step must be positive")
    area = p.surface_area_km2 * 1e6
    dt = dt_min * 60.0
    h = head_for(p, inflow[0])
    heads, out = [h], [outflow(p, h)]
    for j in range(len(inflow) - 1):
        rhs = inflow[j] + inflow[j + 1] + 2.0 * area * h / dt - out[-1]
        lo, hi = 0.0, max(1.0, h)
        while 2.0 * area * hi / dt + outflow(p, hi) < rhs:
            hi *= 2.0
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            if 2.0 * area * mid / dt + outflow(p, mid) < rhs:
                lo = mid
            else:
                hi = mid
        h = 0.5 * (lo + hi)
        heads.append(h)
        out.append(outflow(p, h))
    return out, heads
