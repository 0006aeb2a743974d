"""Fire growth in the room of origin: the t-squared fire up to flashover.

**t-squared fire.** The heat release rate grows as the square of the time since
established burning,

    Q(t) = α t²        (Q in kW, t in s, α in kW/s²)

with the growth classes of NFPA 72 (2019) Annex B (B.2.3.2.3) and the SFPE Handbook
(Karlsson & Quintiere, *Enclosure Fire Dynamics*, 2000, §3.3): a class is named by its
growth time t_g, the time to reach 1,055 kW (1,000 Btu/s), so α = 1055 / t_g².

=============  ======  =============
class          t_g, s  α, kW/s²
=============  ======  =============
slow           600     0.002931
medium         300     0.01172
fast           150     0.04689
ultrafast      75      0.1876
=============  ======  =============

EN 1991-1-2 (Eurocode 1, fire actions) Annex E, Table E.5 gives classes by occupancy:
dwellings, hotels, offices medium; shops, libraries, theatres fast.

**Flashover.** The heat release rate at flashover of a room, by Thomas's correlation
(Thomas 1981, "Testing products and materials for their contribution to flashover in
rooms", *Fire and Materials* 5(3):103–111; as in the SFPE Handbook and NUREG-1805
chapter 4):

    Q_fo = 7.8 A_T + 378 A_o √H_o        (kW)

with A_T the room's internal surface area less the openings (m²), A_o the area of the
openings (m²) and H_o their height (m). The t² fire reaches it at t_fo = √(Q_fo / α).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: growth time t_g (s) to 1,055 kW for each NFPA 72 / SFPE class
GROWTH_TIME_S = {"slow": 600.0, "medium": 300.0, "fast": 150.0, "ultrafast": 75.0}
#: 1,000 Btu/s in kW (1 Btu = 1.05506 kJ), the reference heat release rate of the classes
REFERENCE_KW = 1055.0


def alpha(growth: str) -> float:
    """Fire growth coefficient α, kW/s², of an NFPA 72 / SFPE growth class.

    :param growth: ``slow``, ``medium``, ``fast`` or ``ultrafast``.
    :raises ValueError: an unknown class (the message lists the four).
    """
    try:
        tg = GROWTH_TIME_S[growth]
    except KeyError:
        raise ValueError(f"unknown growth class {growth!r}; one of {', '.join(GROWTH_TIME_S)}") from None
    return REFERENCE_KW / (tg * tg)


def heat_release_kw(alpha_kw_s2: float, t_s: float) -> float:
    """Q = α t², kW, at ``t_s`` seconds after established burning (0 before it).

    :raises ValueError: α not positive.
    """
    if not alpha_kw_s2 > 0:
        raise ValueError(f"α must be positive, got {alpha_kw_s2}")
    return alpha_kw_s2 * t_s * t_s if t_s > 0 else 0.0


@dataclass(frozen=True)
class Room:
    """The room of origin: internal dimensions (m) and one opening (a door or shopfront),
    for Thomas's flashover correlation."""

    length_m: float
    width_m: float
    height_m: float
    opening_width_m: float
    opening_height_m: float

    def __post_init__(self) -> None:
        dims = (self.length_m, self.width_m, self.height_m, self.opening_width_m, self.opening_height_m)
        if not all(d > 0 and math.isfinite(d) for d in dims):
            raise ValueError("room and opening dimensions must be positive metres")
        if self.opening_height_m > self.height_m:
            raise ValueError("the opening cannot be higher than the room")

    @property
    def opening_area_m2(self) -> float:
        return self.opening_width_m * self.opening_height_m

    @property
    def lining_area_m2(self) -> float:
        """A_T: floor, ceiling and walls, less the opening, m²."""
        l, w, h = self.length_m, self.width_m, self.height_m
        return 2 * (l * w + l * h + w * h) - self.opening_area_m2


def flashover_kw(room: Room) -> float:
    """Heat release rate at flashover, kW (Thomas 1981): 7.8 A_T + 378 A_o √H_o."""
    return 7.8 * room.lining_area_m2 + 378.0 * room.opening_area_m2 * math.sqrt(room.opening_height_m)


def time_to_reach_s(alpha_kw_s2: float, q_kw: float) -> float:
    """Seconds for a t² fire of coefficient α to reach ``q_kw``: √(Q / α).

    :raises ValueError: α or Q not positive.
    """
    if not (alpha_kw_s2 > 0 and q_kw > 0):
        raise ValueError("α and the heat release rate must be positive")
    return math.sqrt(q_kw / alpha_kw_s2)
