"""A unit's response cycle, driven by callbacks on SimPy events instead of a SimPy process.

One dispatch: (turnout) → travel → on scene until the incident is done → return to
base (free again on the way). A unit sent back to its post (a stand-by move, back in
service away from base) runs the return leg alone.

A SimPy process per dispatch would cost a generator, a ``Process`` event, its start
event and its end event, and every resumption goes through ``Process._resume``. A
:class:`Response` instead appends one bound method to each event it waits for (a
``Timeout``, the incident's ``done``, the way-home event) and keeps which step comes
next. It behaves as the process did, event for event, so logs stay the same:

- it starts at an ``URGENT`` event scheduled when it is made (as SimPy's ``Initialize``);
- :meth:`Response.interrupt` schedules an ``URGENT`` event that, if the response is
  still alive, takes its callback off the event it waits for and runs the interrupt's
  step (as SimPy's ``Interruption``); interrupting one that has ended, or the one
  running now, is refused (:class:`RuntimeError`) as SimPy refuses it;
- an event already processed when waited for is passed at once (as a process would).

While a step runs, ``sim._running`` is the response (SimPy's ``active_process`` of a
process), so the engine defers an interrupt a step sets off on its own unit.

Times in minutes.
"""

from __future__ import annotations

import math
from heapq import heappush
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simpy.core import URGENT
from simpy.events import Event
from simpy.exceptions import Interrupt

from drillsim.engine import units as unit_state
from drillsim.engine.incidents import NONE_UNREACHABLE

if TYPE_CHECKING:  # pragma: no cover
    from drillsim.engine.incidents import Incident
    from drillsim.engine.units import Unit
    from drillsim.scenario.region import Place

_TRAVELLING = unit_state.TRAVELLING
_ON_SCENE = unit_state.ON_SCENE
_RETURNING = unit_state.RETURNING
_AVAILABLE = unit_state.AVAILABLE
_INF = math.inf
# the kinds and detail keys of the events logged (EventLog.record_values)
_EN_ROUTE = ("unit_en_route", ("travel",))
_ARRIVED = ("unit_arrived", ("place", "first"))
_CLEARED = ("unit_cleared", ())
_RETURNED = ("unit_returned", ("place",))


class Response:
    """One unit's task: a response to ``incident`` from ``origin`` (with ``turnout``:
    the unit sets out from rest), or with ``incident`` None the way back to its base.

    :param sim: the :class:`~drillsim.engine.simulation.Simulation` the unit belongs to
        (typed ``Any`` here: naming the class would make an import circle, as the
        simulation makes its responses).
    :ivar is_alive: True until the task has ended (as ``simpy.Process.is_alive``).
    """

    __slots__ = ("sim", "unit", "incident", "origin", "turnout", "is_alive", "_target",
                 "_then", "_on_interrupt")

    def __init__(self, sim: Any, unit: "Unit", incident: "Incident | None" = None,
                 origin: "Place | None" = None, turnout: bool = False) -> None:
        self.sim = sim
        self.unit = unit
        self.incident = incident
        self.origin = origin
        self.turnout = turnout
        self.is_alive = True
        env = sim.env
        start = Event.__new__(Event)  # Event.__init__ inlined, as simpy's own Timeout does
        start.env = env
        start.callbacks = [self._wake]
        start._ok = True
        start._value = None
        self._target = start
        if incident is None:
            self._then: Callable[[], None] = self._go_home
        elif turnout and (unit.force.turnout_bands or unit.turnout > 0):
            self._then = self._begin
        else:  # no turnout to wait for (what _begin would find): straight on the road
            self._then = self._travel
        self._on_interrupt: Callable[[Any], None] = self._not_started
        heappush(env._queue, (env._now, URGENT, next(env._eid), start))  # env.schedule(start, URGENT)

    def __repr__(self) -> str:
        what = f"to {self.incident.id}" if self.incident is not None else "home"
        return f"Response({self.unit.id} {what}{'' if self.is_alive else ', ended'})"

    # ------------------------------------------------------------ driving
    def _wake(self, _event: Event) -> None:
        sim = self.sim
        sim._running = self
        try:
            self._then()
        finally:
            sim._running = None

    def _wait(self, event: Event, then: Callable[[], None], on_interrupt: Callable[[Any], None]) -> None:
        """Go on with ``then()`` when ``event`` is processed (at once if it already is);
        an interrupt meanwhile runs ``on_interrupt(cause)`` instead."""
        callbacks = event.callbacks
        if callbacks is None:
            then()
            return
        callbacks.append(self._wake)
        self._target = event
        self._then = then
        self._on_interrupt = on_interrupt

    def interrupt(self, cause: Any = None) -> None:
        """Interrupt the task with ``cause`` at this instant, before the events of the
        same time not yet begun (an ``URGENT`` event, as ``simpy.Process.interrupt``).

        :raises RuntimeError: the task has ended, or it is the one running now."""
        if not self.is_alive:
            raise RuntimeError(f"{self!r} has terminated and cannot be interrupted.")
        sim = self.sim
        if sim._running is self:
            raise RuntimeError("A process is not allowed to interrupt itself.")
        event = Event(sim.env)
        event._ok = True
        event._value = None
        event.callbacks.append(lambda _event: self._interrupted(cause))
        sim.env.schedule(event, URGENT)

    def _interrupted(self, cause: Any) -> None:
        if not self.is_alive:
            return  # ended since (several interrupts at one instant)
        self._target.callbacks.remove(self._wake)
        sim = self.sim
        sim._running = self
        try:
            self._on_interrupt(cause)
        finally:
            sim._running = None

    def _not_started(self, cause: Any) -> None:
        # a process interrupted before its first step fails with the interrupt
        self.is_alive = False
        raise Interrupt(cause)

    # ------------------------------------------------------------ to the incident
    def _begin(self) -> None:
        # reached only for a unit that may have a turnout now (``__init__`` sends the
        # others straight to ``_travel``): a band may still give 0 at this hour
        unit = self.unit
        sim = self.sim
        minutes = sim.turnout(unit) if unit.force.turnout_bands else unit.turnout
        if minutes > 0:
            self._wait(sim.env.timeout(minutes), self._travel, self._stopped)
            return
        self._travel()

    def _travel(self) -> None:
        sim, unit, incident = self.sim, self.unit, self.incident
        origin, place = self.origin, incident.place
        minutes = sim.travel_time(unit, origin, place)
        if minutes == _INF:  # (never -inf: travel_time gives 0 or more)
            if incident.unreachable is NONE_UNREACHABLE:
                incident.unreachable = set()
            incident.unreachable.add(unit.id)
            self._leave("unreachable")
            return
        unit.status = _TRAVELLING
        unit._trip = (origin, place, sim._clock(), minutes)
        sim._trip_factor[unit.id] = sim._factor(unit, origin, place, minutes) if minutes > 0 else 1.0
        sim.log.record_values(_EN_ROUTE, unit.id, incident.id, minutes)
        if minutes > 0:
            self._wait(sim.env.timeout(minutes), self._arrive, self._stopped_travelling)
        else:
            self._arrive()

    def _stopped_travelling(self, cause: Any) -> None:
        """An interrupt on the road: ``access`` re-routes (or stops) the unit; any other
        cause as :meth:`_stopped`."""
        if cause != "access":
            self._stopped(cause)
            return
        sim = self.sim
        minutes = sim._reroute(self.unit, self.incident)
        if math.isinf(minutes):
            sim._trip_factor.pop(self.unit.id, None)
            self._leave("route closed")
        elif minutes > 0:
            self._wait(sim.env.timeout(minutes), self._arrive, self._stopped_travelling)
        else:
            self._arrive()

    def _arrive(self) -> None:
        sim, unit, incident = self.sim, self.unit, self.incident
        sim._trip_factor.pop(unit.id, None)
        unit._trip = None
        place = incident.place
        unit.location = place
        unit.status = _ON_SCENE
        present = incident.present
        present.append(unit)
        sim.log.record_values(_ARRIVED, unit.id, incident.id, place.id, len(present) == 1)
        sim._work_changed(incident)
        # self._wait(incident.done, self._cleared, self._stopped), inlined
        done = incident.done
        callbacks = done.callbacks
        if callbacks is None:
            self._cleared()
            return
        callbacks.append(self._wake)
        self._target = done
        self._then = self._cleared
        self._on_interrupt = self._stopped

    def _cleared(self) -> None:
        unit = self.unit
        self.sim.log.record_values(_CLEARED, unit.id, self.incident.id)
        unit.incident = None
        self._go_home()

    def _stopped(self, cause: Any) -> None:
        """Interrupted before the incident was done: ``redispatch`` (a new response has
        taken the unit over) ends the task; any other cause makes it leave."""
        if cause == "redispatch":
            self.is_alive = False
            return
        self._leave(str(cause))

    def _leave(self, cause: str) -> None:
        sim, unit = self.sim, self.unit
        sim._leave(unit, self.incident, cause)
        unit.incident = None
        if cause == "breakdown":
            sim._stand_down(unit)
            self.is_alive = False
            return
        self._go_home()

    # ------------------------------------------------------------ back to base
    def _go_home(self) -> None:
        sim, unit = self.sim, self.unit
        origin = unit.location if unit._trip is None else unit.position(sim._clock())
        unit._trip = None
        unit.location = origin
        minutes = sim.travel_time(unit, origin, unit.base) if origin is not unit.base else 0.0
        unit.status = _RETURNING
        sim.dispatch_pass()
        if unit.status != _RETURNING:
            self.is_alive = False  # dispatched again at once
            return
        self.origin = origin
        self._homeward(minutes)

    def _homeward(self, minutes: float) -> None:
        sim, unit, origin = self.sim, self.unit, self.origin
        if math.isinf(minutes):  # the way home is closed: wait where it is
            sim.log.log("unit_held", unit=unit.id, place=origin.id,
                        reason="; ".join(sim.access(unit, origin, unit.base).reasons))
            self._wait(sim._access_event, self._retry_home, self._stopped_homeward)
            return
        if minutes > 0:
            unit._trip = (origin, unit.base, sim._clock(), minutes)
            self._wait(sim.env.timeout(minutes), self._home, self._stopped_homeward)
        else:
            self._home()

    def _retry_home(self) -> None:
        self._homeward(self.sim.travel_time(self.unit, self.origin, self.unit.base))

    def _stopped_homeward(self, cause: Any) -> None:
        self.is_alive = False
        self.sim._stopped_on_way_home(self.unit, cause)

    def _home(self) -> None:
        unit = self.unit
        unit._trip = None
        unit.location = unit.base
        unit.status = _AVAILABLE
        self.is_alive = False
        self.sim.log.record_values(_RETURNED, unit.id, None, unit.base.id)
