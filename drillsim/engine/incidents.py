"""Incidents: what needs doing, where, and how much of what it needs.

An incident has a **demand** (``{capability: amount}``, e.g. ``{"boats": 1, "people":
4}``) and an amount of **work**, given as the on-scene time it takes at full demand.
Work progresses at the *staffing rate*

    rate = min over demanded capabilities c of min(1, on-scene amount of c ÷ demand of c)

so an evacuation demanding 40 rescuers finishes in its stated time with 40 on scene,
in twice that time with 20, and not at all until every demanded capability is present.
Units stay until the incident is complete, then clear together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from drillsim.scenario.region import Place

if TYPE_CHECKING:  # pragma: no cover
    from drillsim.engine.units import Unit



#: an incident's ``unreachable`` until a unit finds it so (one shared empty set: most
#: incidents never need their own, and an empty ``set`` takes 216 bytes)
NONE_UNREACHABLE: frozenset[str] = frozenset()


class Incident:
    """One incident.

    :ivar id: ``"I1"``, ``"I2"`` … in creation order.
    :ivar kind: a hazard plugin's word (``flood_rescue``, ``evacuation``, ``hazmat``).
    :ivar place: where it is.
    :ivar demand: ``{capability: amount}`` needed (read-only: incidents of equal demand
        may share one dict).
    :ivar on_scene: minutes of work at full demand.
    :ivar priority: 1 is most urgent; the queue is ordered by (priority, created, id).
    :ivar created: minutes, when the call was received.
    :ivar details: plain data the hazard attaches (township, people …); read-only (an
        incident without details shares one empty read-only mapping).
    :ivar unreachable: ids of units that found it unreachable since access last changed
        (read-only: the engine replaces it).
    """

    __slots__ = ("id", "seq", "kind", "place", "demand", "on_scene", "priority", "created",
                 "details", "assigned", "present", "in_queue", "completed", "progress",
                 "progress_time", "rate", "done", "worker", "queued_logged", "unreachable")

    def __init__(self, id: str, seq: int, kind: str, place: Place, demand: dict[str, float],
                 on_scene: float, priority: int, created: float, details: Mapping[str, Any],
                 done) -> None:
        self.id = id
        self.seq = seq
        self.kind = kind
        self.place = place
        self.demand = demand
        self.on_scene = on_scene
        self.priority = priority
        self.created = created
        self.details = details
        self.assigned: list[Unit] = []
        self.present: list[Unit] = []
        self.in_queue = False
        self.completed = False
        self.progress = 0.0
        self.progress_time = created
        self.rate = 0.0
        self.done = done
        self.worker = None
        self.queued_logged = False
        self.unreachable: frozenset[str] | set[str] = NONE_UNREACHABLE

    def __repr__(self) -> str:
        return f"Incident({self.id}, {self.kind}, {self.status})"

    @property
    def status(self) -> str:
        """``completed``, ``working`` (units on scene), ``queued`` (waiting for units) or
        ``assigned`` (all demand on the way)."""
        if self.completed:
            return "completed"
        if self.present:
            return "working"
        return "queued" if self.in_queue else "assigned"

    @property
    def sort_key(self) -> tuple[int, float, int]:
        return (self.priority, self.created, self.seq)

    def unmet(self) -> dict[str, float]:
        """Demand not covered by assigned units (on scene or on the way)."""
        if not self.assigned:  # all of it (every amount is > 0): a copy, made in C
            return self.demand.copy()
        out = {}
        for cap, need in self.demand.items():
            have = 0.0
            for u in self.assigned:
                have += u.capabilities.get(cap, 0.0)
            if have < need:
                out[cap] = need - have
        return out

    def staffing(self) -> float:
        """Work rate as a share of full demand, from the units on scene (0–1)."""
        rate = 1.0
        for cap, need in self.demand.items():
            have = 0.0
            for u in self.present:
                have += u.capabilities.get(cap, 0.0)
            share = have / need
            if share < rate:
                rate = share
        return rate

    def progress_at(self, now: float) -> float:
        """Share of the work done by ``now`` (0–1)."""
        if self.completed:
            return 1.0
        return min(1.0, self.progress + self.rate * (now - self.progress_time))
