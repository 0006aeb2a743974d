"""Who could have answered a call while it waited: the evidence behind the review's
"calls heard and not answered".

A call the command heard and left unanswered beyond its response standard is the
team's only if some unit could have gone to it in that time. A unit could go when it was
free (available, or returning from a task), able to serve the call (its kind, its area,
a capability the call still lacked), allowed to go by the scenario's rules (daylight
flying …) and able to reach it (no road cut, no flooded road between). A hidden inject
(a landslide cutting a township's roads, a boat breaking down) or a busy night can leave
no unit able to go: the review must then not blame the team for the wait.

That cannot be worked out after the drill (where each unit was, which roads were open,
is past), so the session asks while the drill runs: when the call is heard, then every
:data:`CHECK_EVERY` scenario minutes until the call is answered, its standard has run
out, or a unit is seen able to go (the units able to go at that check are kept, with its
minute); a call for which none ever was keeps the reasons each unit able to serve it
could not.

The checks fall on a fixed grid of the scenario clock, each one a simulation event
scheduled ahead (:meth:`CallWatcher.heard`) that comes before everything else at its
minute: a replay or a resumed drill, whose slices of time differ from the live drill's,
checks at the same minutes and sees the same state, and no slice is cut short at a
check. (Checked between slices instead, a call heard within a slice that spanned a grid
minute missed that minute's check.)
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Any

from drillsim.engine.units import DISPATCHABLE

#: scenario minutes between two checks of the calls waiting (assumed: a twelfth of the
#: usual 60-min standard; a unit free for less than this between two checks can be
#: missed, in the team's favour)
CHECK_EVERY = 5.0

#: the standard a call is held to when no target of the scenario times its kind: a unit
#: within the hour of the call reaching the command (assumed; the same hour the flood
#: scenario's R1 gives a boat from the call to the scene, so never stricter than it)
DEFAULT_ANSWER_MIN = 60.0

#: the simulation priority of a grid check: before every other event at its minute (SimPy's
#: own are URGENT, 0, and NORMAL, 1), so it sees the state the minute found
GRID_PRIORITY = -1


def answer_standard(scenario, kind: str) -> tuple[float, str]:
    """The response standard for a call of ``kind``: (minutes, how it was chosen).

    The tightest threshold of the scenario's targets that time a call to the first unit
    on scene (metric ``response_time`` or ``response_time_by_township``, interval
    ``call_to_arrival``, all forces, comparison ``<=``) and count this kind; else
    :data:`DEFAULT_ANSWER_MIN`, said as the rule. The review holds the *order* to it,
    from the call reaching the command, to that standard (the travel is the standard's
    too, so this is the lenient reading)."""
    best: tuple[float, str] | None = None
    for t in scenario.targets:
        params = t.params
        if (t.metric.name in ("response_time", "response_time_by_township") and t.comparison == "<="
                and t.threshold is not None and getattr(params, "interval", None) == "call_to_arrival"
                and not getattr(params, "forces", None) and kind in (getattr(params, "kinds", None) or ())
                and (best is None or t.threshold < best[0])):
            best = (t.threshold, f"{t.id} ≤ {t.threshold:g} min")
    return best or (DEFAULT_ANSWER_MIN, f"rule: a unit within {DEFAULT_ANSWER_MIN:g} min")


@dataclass
class Watch:
    """One call heard, watched until answered or until its standard ran out.

    :ivar heard: scenario minute the command heard of it.
    :ivar until: ``heard`` + its standard (minutes).
    :ivar could: unit id -> the minute it was seen able to go (at the first check that
        found any: one unit of each force that had one).
    :ivar held: why the units able to serve it could not go, as seen at the checks
        (``busy`` and ``out of service (REASON)`` when it was heard and at its standard's
        end; ``could not reach it (REASON)``, ``not allowed to go then`` at every check),
        each reason with the units it held at one check at least.
    :ivar able: the units able to serve it whatever their state (kind, area and a
        capability it asks for: :meth:`~drillsim.engine.units.Unit.can_serve`), in the
        simulation's unit order; shared by the calls alike
        (:meth:`~drillsim.engine.simulation.Simulation.able_units`).
    """

    incident: Any
    heard: float
    until: float
    could: dict[str, float] = field(default_factory=dict)
    held: dict[str, set[str]] = field(default_factory=dict)
    open: bool = True
    able: list = field(default_factory=list, repr=False)


class CallWatcher:
    """The calls a drill's command heard, checked for units able to go (see the module
    docstring).

    :param sim: the drill's simulation.
    :param out_of_service_why: unit id -> why it is out of service (the last reason logged).
    """

    def __init__(self, sim, out_of_service_why) -> None:
        self.sim = sim
        self.why_out = out_of_service_why
        self.watches: dict[str, Watch] = {}
        self._standard: dict[str, float] = {}   # call kind -> its standard (minutes)
        self._open: dict[str, Watch] = {}   # the watches still open, in the order heard
        #: the grid check scheduled in the simulation (None: none; one at a time)
        self._event = None

    def heard(self, incident) -> None:
        """The command has just heard of ``incident``: watch it (if it asks for units),
        check it now, and, if it stays open, make sure a grid check is scheduled."""
        if not incident.demand or incident.id in self.watches:
            return
        standard = self._standard.get(incident.kind)
        if standard is None:
            standard = self._standard[incident.kind] = answer_standard(self.sim.scenario, incident.kind)[0]
        now = self.sim.now
        self.watches[incident.id] = self._open[incident.id] = watch = Watch(incident, now, now + standard)
        # (a watched call has no unit assigned: it asks for its whole demand)
        watch.able = self.sim.able_units(incident, incident.demand)
        self._check(watch, now, reasons=True)
        if watch.open and self._event is None:
            self._schedule(now)

    def next_check(self) -> float:
        """The minute of the grid check scheduled (``math.inf``: none, no call is watched)."""
        return math.inf if self._event is None else self._event_at

    def _schedule(self, now: float) -> None:
        """Schedule the grid check at the first grid minute after ``now`` (none past the
        horizon: the run ends there, and a check left in the queue would hide a stalled
        run from :func:`drillsim.engine.stall.check`)."""
        at = (math.floor(now / CHECK_EVERY + 1e-9) + 1) * CHECK_EVERY
        sim = self.sim
        if at > sim.horizon:
            return
        env = sim.env
        event = env.event()
        event._ok, event._value = True, None  # triggered by the schedule itself (as a Timeout)
        event.callbacks.append(self._grid)
        env.schedule(event, GRID_PRIORITY, at - now)
        self._event, self._event_at = event, at

    def _grid(self, event) -> None:
        """The grid check: check every call still watched, and schedule the next check
        while any is."""
        self._event = None
        self.check()
        if self._open:
            self._schedule(self.sim.now)

    def withdraw(self) -> None:
        """Take the scheduled grid check out of the simulation (the drill ends before the
        horizon: the run's end sees only its own events)."""
        event, self._event = self._event, None
        if event is not None:
            queue = self.sim.env._queue
            queue[:] = [entry for entry in queue if entry[3] is not event]
            heapq.heapify(queue)

    def check(self) -> None:
        """Check every call still watched, now."""
        now = self.sim.now
        for watch in list(self._open.values()):
            self._check(watch, now)

    def _check(self, watch: Watch, now: float, reasons: bool = False) -> None:
        """Look for units able to go to the watched call now among the free units able to
        serve it; with ``reasons`` (when it is heard, and at the check that ends its
        watch), also note why each unit able to serve it cannot go (only those checks:
        the others look at the free units alone, which is all a busy drill's check costs)."""
        inc = watch.incident
        if inc.completed or inc.assigned:
            self._close(watch)  # answered (or done)
            return
        if now > watch.until + 1e-9:  # its standard has run out: the last look, for the reasons
            reasons, free = True, []
            self._close(watch)
        else:
            free = [u for u in watch.able if u.status in DISPATCHABLE]
        sim = self.sim
        if free:
            allowed = set(sim.allowed(inc, free))
            forces = set()
            for u in free:
                if u.force.id in forces:  # one unit of each force is enough to name it
                    continue
                if u not in allowed:
                    watch.held.setdefault("not allowed to go then (the scenario's rules)", set()).add(u.id)
                    continue
                origin = u.position(now)
                if math.isinf(sim.travel_time(u, origin, inc.place)):
                    why = "; ".join(r for r in sim.access(u, origin, inc.place).reasons if r) or "no way there"
                    watch.held.setdefault(f"could not reach it ({why})", set()).add(u.id)
                    continue
                watch.could[u.id] = now
                forces.add(u.force.id)
        if watch.could:
            self._close(watch)  # a unit could go: the wait is the team's (the units seen now named)
            return
        if reasons:
            for u in watch.able:
                if u.dispatchable:
                    continue
                why = (f"out of service ({self.why_out.get(u.id) or 'unavailable'})"
                       if u.status == "out_of_service" else "busy")
                watch.held.setdefault(why, set()).add(u.id)

    def _close(self, watch: Watch) -> None:
        watch.open = False
        self._open.pop(watch.incident.id, None)

    def verdict(self, incident_id: str) -> Watch | None:
        """The watch of a call (None: never heard, or asks for no unit)."""
        return self.watches.get(incident_id)


def held_text(watch: Watch) -> str:
    """Why no unit could go to a watched call, in a few words: each reason with its
    units (at most three named)."""
    parts = []
    for why, units in sorted(watch.held.items()):
        names = sorted(units)
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts.append(f"{why}: {shown}")
    return "; ".join(parts) or "no unit in the scenario has what it needs"
