"""Road links and road blocks, shared by the built-in hazards that close a road (a slide,
a tanker crash, a flooded underpass).

There is no road graph of Tongnan (the region's travel model is straight line ×
circuity), so a road link is the straight line between two places of the region, as the
travel model itself draws a trip. A *block* closes the link at one point: a road trip
whose straight line passes within ``radius`` of the point is closed (or slowed by a
``detour`` factor), while trips to or from the point itself stay open (the responders
come up to it from their side). The geometry is the plane distance from a point to a
segment in the local equirectangular frame of :func:`drillsim.api.to_local_km`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import Field

from drillsim.api import Fraction, Place, Restriction, Strict, from_local_km, haversine_km, suggest, to_local_km


class RoadPoint(Strict):
    """A point on a road link: ``at`` of the way along the straight line from the first
    place of ``between`` to the second."""

    name: str
    """The road's name (`G93 Chengyu Ring Expressway (渝遂高速)`)."""
    between: list[str] = Field(min_length=2, max_length=2)
    """The two places of the region the link runs between (`[zitong, tianjia]`)."""
    at: Fraction = 0.5
    """How far along the link from the first place (`40%`)."""


def segment_distance_km(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance, km, from point P to the segment AB (plane coordinates in km)."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    s = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(ax + s * dx - px, ay + s * dy - py)


def point_on_road(region, road: RoadPoint, pid: str, name: str) -> Place:
    """The :class:`Place` ``road.at`` of the way from ``between[0]`` to ``between[1]``
    (linear in the local frame of the first place). It lies in the township whose seat
    is nearest (no township boundaries are known; of townships sharing a seat, the one
    with the largest population weight).

    :raises KeyError: a place of ``between`` is not in the region (``check`` reports it first).
    """
    a, b = region.place(road.between[0]), region.place(road.between[1])
    bx, by = to_local_km(b.lat, b.lon, a.lat, a.lon)
    lat, lon = from_local_km(road.at * bx, road.at * by, a.lat, a.lon)
    township = min(region.townships.values(),   # seats shared by several: the most populous
                   key=lambda t: (haversine_km(lat, lon, t.lat, t.lon), -(t.population_weight or 0))).id
    return Place(pid, name, lat, lon, "road", township)


def check_road(road: RoadPoint, region, where: tuple):
    """``(path, message)`` for each end of the link that is not a place of the region."""
    for j, pid in enumerate(road.between):
        if pid not in region.places:
            yield (where + ("between", j), f"unknown place {pid!r}" + suggest(pid, list(region.places)))
    if len(road.between) == 2 and road.between[0] == road.between[1]:
        yield (where + ("between",), "a road link runs between two different places")


@dataclass
class Block:
    """A road closed (or slowed) at a point while ``open`` is False.

    :ivar hazard: the hazard id (for the log and the reason).
    :ivar point: what closes it (a hazard point, a crash site).
    :ivar road: the road's name.
    :ivar radius: km: trips passing closer than this are affected.
    :ivar detour: None: no way round (closed); else the factor on affected trips.
    :ivar cause: what blocks it, for the reason (`the slide`, `the crash`).
    """

    hazard: str
    point: str
    lat: float
    lon: float
    road: str
    radius: float
    detour: float | None
    cause: str
    open: bool = False

    def affects(self, origin, destination) -> bool:
        """A trip passing the point, neither going to nor leaving the point itself."""
        ax, ay = to_local_km(origin.lat, origin.lon, self.lat, self.lon)
        bx, by = to_local_km(destination.lat, destination.lon, self.lat, self.lon)
        r = self.radius
        if math.hypot(ax, ay) <= r or math.hypot(bx, by) <= r:
            return False
        return segment_distance_km(0.0, 0.0, ax, ay, bx, by) <= r


def restriction(blocks, unit, origin, destination):
    """The combined effect of ``blocks`` on one road trip: closed if a block without a
    detour affects it, else the largest detour factor (None: no effect)."""
    if unit.mode != "road":
        return None
    factor, why = 1.0, ""
    for b in blocks:
        if b.open or not b.affects(origin, destination):
            continue
        if b.detour is None:
            return Restriction(closed=True, reason=f"{b.hazard}: {b.road} blocked by {b.cause} at {b.point}")
        if b.detour > factor:
            factor, why = b.detour, f"{b.hazard}: detour round {b.cause} on {b.road}"
    return Restriction(factor=factor, reason=why) if factor > 1.0 else None
