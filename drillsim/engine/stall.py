"""Stalled runs: every process blocked, nothing left to happen, before the horizon.

SimPy advances to the horizon when its event queue runs dry, so a run in which every
process waits for something that will never happen (a unit on scene waiting for a
capability no unit can bring, a plugin process waiting on an event nobody triggers) would
otherwise look like a normal, quiet run. At the end of a run drillsim checks: if no event
is scheduled any more and processes are still alive, they are blocked for ever — the run
*stalled*. The report says what waits on what.

The opposite fault, a run whose work grows without bound, is :class:`RunawayRun`.
"""

from __future__ import annotations

import math
from typing import Any

from drillsim.errors import DrillsimError


class RunStalled(DrillsimError):
    """Every process of a run was blocked before the horizon (see the module docstring).

    :ivar since: scenario minutes of the last thing that happened.
    :ivar waiting: one line per blocked process, saying what it waits for.
    """

    def __init__(self, message: str, since: float, waiting: list[str]) -> None:
        super().__init__(message)
        self.since = since
        self.waiting = waiting


class RunawayRun(DrillsimError):
    """A run stopped because its work grew without bound: more incidents waiting than
    ``run.max_queued``, more than :data:`MAX_EVENTS_AT_ONE_INSTANT` events at one instant
    (:class:`~drillsim.engine.eventlog.EventLog`), or the clock stuck while events keep
    coming (:mod:`drillsim.engine.watchdog`). The message says which, and when."""


#: events logged at one simulation instant beyond which a run is a zero-delay loop (the
#: 2020 flood logs under 100 at its busiest instant; 200,000 events are ~0.7 GB kept)
MAX_EVENTS_AT_ONE_INSTANT = 200_000


def _describe_unit(unit) -> str:
    incident = unit.incident
    if incident is None:
        return f"unit {unit.id} ({unit.status.replace('_', ' ')}) waits for an event that never comes"
    lacks = incident.unmet() or {}
    need = ", ".join(f"{cap} {amount:g}" for cap, amount in sorted(lacks.items()))
    missing = [cap for cap, need_amount in incident.demand.items()
               if sum(u.capabilities.get(cap, 0.0) for u in incident.present) < need_amount]
    what = need or ", ".join(missing) or "its work to finish"
    return (f"unit {unit.id} ({unit.status.replace('_', ' ')}) at incident {incident.id} "
            f"({incident.kind}, {incident.place.id}) waits for {what}, which no free unit can bring")


def _describe_process(process, host) -> str:
    gen = getattr(process, "_generator", None)
    name = getattr(gen, "__qualname__", None) or getattr(gen, "__name__", "?")
    module = getattr(getattr(gen, "gi_frame", None), "f_globals", {}).get("__name__", "")
    plugin = None
    for pname, info in host.info.items():
        if module == info.module or module.startswith(info.module + "."):
            plugin = pname
    owner = f"plugin {plugin!r}" if plugin else f"module {module or '?'}"
    return f"process {name} of {owner} waits on {process.target!r}, which nothing will trigger"


def check(sim: Any) -> None:
    """Raise :class:`RunStalled` if the run ended with processes blocked for ever.

    :param sim: the :class:`~drillsim.engine.simulation.Simulation` that ran (not imported:
        the simulation imports this module).

    Called at the end of a run (before ``run_ended`` is logged); logs ``run_stalled``
    with the same description first.
    """
    if not math.isinf(sim.env.peek()):
        return  # something is still scheduled: nothing is blocked for ever
    waiting = []
    for unit in sim.units.values():
        if unit.process is not None and unit.process.is_alive:
            waiting.append(_describe_unit(unit))
    for process in sim.plugin_processes:
        if process.is_alive:
            waiting.append(_describe_process(process, sim.host))
    if not waiting:
        return
    since = sim.log.events[-1].t if len(sim.log) else 0.0
    sim.log.log("run_stalled", since=since, waiting=waiting)
    lines = "\n  ".join(waiting)
    raise RunStalled(f"the run stalled before the horizon ({sim.horizon:.0f} min): nothing "
                     f"happened after scenario time {since:.1f} min (the last logged event) and\n"
                     f"  {lines}", since, waiting)
