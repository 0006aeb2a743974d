"""Response units and the forces they belong to.

A unit follows the response cycle

    available → dispatched → (turnout) → travelling → on_scene → (clear) → returning → available

A unit that has cleared a scene is available for a new dispatch while it returns; if
sent again, it sets out from where it is on its way back (interpolated along the
straight line between scene and base). ``out_of_service`` units (not yet activated,
broken down) are never dispatched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drillsim.scenario.region import Place

AVAILABLE = "available"
DISPATCHED = "dispatched"
TRAVELLING = "travelling"
ON_SCENE = "on_scene"
RETURNING = "returning"
OUT_OF_SERVICE = "out_of_service"

#: statuses in which a unit may be given a new dispatch
DISPATCHABLE = frozenset({AVAILABLE, RETURNING})


@dataclass(eq=False)
class Force:
    """A force as a run sees it: one scenario ``forces:`` entry with its units.

    :ivar id: the scenario's force id.
    :ivar type: the :class:`~drillsim.host.registry.UnitType`.
    :ivar params: the validated plugin params (a pydantic model) or None.
    :ivar spec: the scenario's force entry (plain model).
    """

    id: str
    type: Any
    params: Any
    spec: Any
    units: list["Unit"] = field(default_factory=list)
    #: ``((start, end, turnout), …)``: minutes after local midnight and the turnout, in
    #: minutes, of a unit dispatched in that band (the scenario force's ``turnout_by_time``,
    #: else its unit type's)
    turnout_bands: tuple[tuple[float, float, float], ...] = ()


class Unit:
    """One dispatchable unit (a crew with its vehicle, boat or aircraft).

    :ivar capabilities: amounts this unit brings (``{"people": 6, "boats": 1}``).
    :ivar turnout: minutes from dispatch to leaving the base.
    :ivar serves: incident kinds it may be sent to (None: any).
    :ivar home: township id of its base (for ``area: home`` units).
    """

    __slots__ = ("id", "force", "index", "capabilities", "base", "location", "vehicle", "mode",
                 "turnout", "serves", "area", "home", "status", "incident", "process",
                 "_trip", "__weakref__")

    def __init__(self, id: str, force: Force, index: int, capabilities: dict[str, float],
                 base: Place, vehicle: str, mode: str, turnout: float,
                 serves: frozenset[str] | None, area: str) -> None:
        self.id = id
        self.force = force
        self.index = index
        self.capabilities = capabilities
        self.base = base
        self.location = base
        self.vehicle = vehicle
        self.mode = mode
        self.turnout = turnout
        self.serves = serves
        self.area = area
        self.home = base.township
        self.status = AVAILABLE
        self.incident: Any = None  # the Incident served (engine.incidents imports this module)
        self.process = None
        self._trip: tuple[Place, Place, float, float] | None = None

    def __repr__(self) -> str:
        return f"Unit({self.id}, {self.status})"

    @property
    def dispatchable(self) -> bool:
        return self.status in DISPATCHABLE

    def can_serve(self, incident: Any, unmet: dict[str, float]) -> bool:
        """True if this unit may go to ``incident`` and brings something in ``unmet``."""
        if self.serves is not None and incident.kind not in self.serves:
            return False
        if self.area == "home" and incident.place.township != self.home:
            return False
        caps = self.capabilities
        for cap in unmet:
            if caps.get(cap, 0) > 0:
                return True
        return False

    def position(self, now: float) -> Place:
        """Where the unit is now: its location, or a point on its current trip."""
        trip = self._trip
        if trip is None:
            return self.location
        origin, dest, start, minutes = trip
        if minutes <= 0 or now >= start + minutes:
            return dest
        f = (now - start) / minutes
        return Place(f"{self.id}@{now:.2f}", f"{self.id} en route",
                     origin.lat + f * (dest.lat - origin.lat), origin.lon + f * (dest.lon - origin.lon),
                     "en_route", None)


def arrival_estimate(sim, unit: Unit, place: Place) -> float:
    """Minutes until ``unit`` could be on scene at ``place`` if sent now: turnout (only
    for a unit at rest; a returning unit is already on the road) plus travel
    (``sim.travel_time``, the ``drillsim_travel_time`` hook)."""
    turnout = sim.turnout(unit) if unit.status == AVAILABLE else 0.0
    return turnout + sim.travel_time(unit, unit.position(sim.now), place)


def band_turnout(bands: tuple[tuple[float, float, float], ...], minute_of_day: float,
                 default: float) -> float:
    """The turnout (minutes) of the first band holding ``minute_of_day`` (0 ≤ m < 1440,
    local time): a band ``(start, end, turnout)`` holds ``start <= m < end``, or, when it
    runs past midnight (``end < start``), ``m >= start or m < end``; ``default`` outside
    every band."""
    for start, end, minutes in bands:
        if (start <= minute_of_day < end) if start < end else (minute_of_day >= start or minute_of_day < end):
            return minutes
    return default
