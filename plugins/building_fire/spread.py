"""Fire spread from building to building in a dense block: Hamada's empirical model.

Hamada (1951; 浜田稔, 延焼速度式), built from the records of fires in Japanese timber towns,
gives the time in minutes for fire to pass from one fully involved building to the next,
one step of a + d metres (a: mean building side, d: mean gap between buildings), as a
function of the wind speed V (m/s) and the share f of fire-resistant (mortar-clad)
buildings. The form used here is the one Himoto & Tanaka (2008, "Development and
validation of a physics-based urban fire spread model", *Fire Safety Journal*
43(7):477–494) compare their model with, as implemented in firebench (WIRC-SJSU,
``ros_models.Hamada_1``):

    T_down = [(1−f)(3 + 3a/8 + 8d/(25 + 2.5V)) + f(5 + 5a/8 + 16d/(25 + 2.5V))]
             / (1.5 (1 + 0.1V + 0.007V²))
    T_side = [(1−f)(3 + 3a/8 + 8d/(5 + 0.25V)) + f(5 + 5a/8 + 16d/(5 + 0.25V))]
             / (1 + 0.005V²)
    T_up   = [(1−f)(3 + 3a/8 + 8d/(5 + 0.2V))  + f(5 + 5a/8 + 16d/(5 + 0.2V))]
             / (1 + 0.002V²)

**The block.** Buildings stand on a grid of ``rows`` × ``columns``, the wind blowing
along the columns' direction (along the street). A building catches fire when a
neighbour sharing a side has been fully involved for the step time in that direction
(downwind, upwind or sideways); so the building ``dc`` columns downwind (negative:
upwind) and ``dr`` rows aside of the building of origin becomes fully involved

    t = t_origin + |dc| · (T_down if dc > 0 else T_up) + |dr| · T_side

after the origin did (the shortest path through the grid; every step in one direction
costs the same).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class StepTimes:
    """Hamada's minutes for fire to pass one building downwind, sideways and upwind."""

    down: float
    side: float
    up: float


def hamada_step_times(side_m: float, gap_m: float, wind_m_s: float, fire_resistant: float = 0.0) -> StepTimes:
    """Minutes per building (a + d metres) downwind, sideways and upwind (Hamada 1951, in
    Himoto & Tanaka 2008's form; see the module docstring).

    :param side_m: mean building side a, m (> 0).
    :param gap_m: mean gap d between buildings, m (≥ 0; 0: shared walls).
    :param wind_m_s: wind speed V, m/s (≥ 0).
    :param fire_resistant: share f of fire-resistant buildings, 0–1.
    :raises ValueError: a value outside those ranges.
    """
    if not (side_m > 0 and gap_m >= 0 and wind_m_s >= 0 and 0.0 <= fire_resistant <= 1.0):
        raise ValueError("Hamada's model needs a > 0 m, d >= 0 m, V >= 0 m/s and 0 <= f <= 1")
    a, d, v, f = side_m, gap_m, wind_m_s, fire_resistant

    def burn(spread_speed: float) -> float:
        return (1 - f) * (3 + 3 * a / 8 + 8 * d / spread_speed) + f * (5 + 5 * a / 8 + 16 * d / spread_speed)

    down = burn(25 + 2.5 * v) / (1.5 * (1 + 0.1 * v + 0.007 * v * v))
    side = burn(5 + 0.25 * v) / (1 + 0.005 * v * v)
    up = burn(5 + 0.2 * v) / (1 + 0.002 * v * v)
    return StepTimes(down, side, up)


@dataclass(frozen=True)
class Block:
    """A block of ``rows`` × ``columns`` buildings, the fire starting in ``origin``
    (row, column; the wind blows towards higher columns)."""

    rows: int
    columns: int
    origin: tuple[int, int]

    def __post_init__(self) -> None:
        r, c = self.origin
        if self.rows < 1 or self.columns < 1 or not (0 <= r < self.rows and 0 <= c < self.columns):
            raise ValueError("a block needs at least one row and column, and its origin inside it")

    @property
    def buildings(self) -> int:
        return self.rows * self.columns


def ignition_offsets(block: Block, steps: StepTimes) -> dict[tuple[int, int], float]:
    """Minutes after the building of origin is fully involved at which each building of the
    block is (the origin 0), with no suppression: ``{(row, column): minutes}``."""
    r0, c0 = block.origin
    out = {}
    for r in range(block.rows):
        for c in range(block.columns):
            dc, dr = c - c0, r - r0
            along = dc * steps.down if dc > 0 else -dc * steps.up
            out[(r, c)] = along + abs(dr) * steps.side
    return out


def involved_by(offsets: dict[tuple[int, int], float], minutes: float) -> int:
    """Buildings fully involved ``minutes`` after the origin was (no suppression)."""
    return sum(1 for t in offsets.values() if t <= minutes + 1e-9) if minutes >= 0 else 0


def spread_rate_m_min(side_m: float, gap_m: float, step_minutes: float) -> float:
    """The front's speed in one direction, m/min: (a + d) / T."""
    if not step_minutes > 0 or math.isinf(step_minutes):
        raise ValueError("a step time must be a positive number of minutes")
    return (side_m + gap_m) / step_minutes
