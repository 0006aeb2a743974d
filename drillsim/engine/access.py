"""Access: how hazards close or slow places and roads for the units that travel them.

A hazard plugin implements the ``drillsim_travel_restriction`` hook: for a trip of one
unit (origin → destination, at the current scenario time) it answers None (no effect) or
a :class:`Restriction` — the trip is closed (the unit cannot go) or slowed by a factor
(a detour, flooded or smoky roads). The engine combines every hazard's answer:

    closed by any hazard            → the trip takes ``math.inf`` minutes (unreachable)
    otherwise                       → minutes × the largest slow-down factor

It asks when a unit sets out (travel time at dispatch and at the end of turnout, and for
every candidate the dispatch policy ranks) — from the first time a hazard calls
:meth:`~drillsim.engine.simulation.Simulation.access_changed` on (before that every trip is
open, which spares the hook calls). When a hazard's restrictions change it calls
:meth:`~drillsim.engine.simulation.Simulation.access_changed`; units already travelling
are then checked again from where they are: a unit whose way ahead is closed is stopped
(``unit_stopped``; its incident re-queues what it lacked), one whose factor changed is
re-routed (``unit_rerouted``, with the new remaining travel time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Restriction:
    """What a hazard does to one trip.

    :ivar closed: the unit may not make this trip now.
    :ivar factor: travel time multiplier (≥ 1: 1.5 means 50 % longer), ignored if closed.
    :ivar reason: a few words for the event log (``"AEGL-2 zone"``, ``"Zitong flooded"``).
    :raises ValueError: a factor below 1 or not finite.
    """

    closed: bool = False
    factor: float = 1.0
    reason: str = ""

    def __post_init__(self) -> None:
        if not (self.factor >= 1.0) or math.isinf(self.factor):
            raise ValueError(f"a restriction's factor must be a finite number >= 1, got {self.factor!r}")


@dataclass(frozen=True)
class Access:
    """The combined effect of all hazards on one trip (see the module docstring)."""

    closed: bool
    factor: float
    reasons: tuple[str, ...]

    def apply(self, minutes: float) -> float:
        """Travel minutes after the restrictions."""
        return math.inf if self.closed else minutes * self.factor


OPEN = Access(False, 1.0, ())


def combine(answers: Iterable[Restriction | None]) -> Access:
    """Combine the hook's answers (None entries mean "no effect").

    :raises TypeError: an answer that is not a :class:`Restriction`.
    """
    closed, factor, reasons = False, 1.0, []
    for r in answers:
        if r is None:
            continue
        if not isinstance(r, Restriction):
            raise TypeError(f"drillsim_travel_restriction must return a Restriction or None, got {r!r}")
        if r.closed:
            closed = True
            reasons.append(r.reason)
        elif r.factor > 1.0:
            factor = max(factor, r.factor)
            reasons.append(r.reason)
    if not closed and factor == 1.0:
        return OPEN
    return Access(closed, factor, tuple(reasons))
