"""Waking a hazard's process when the units working on its incidents change.

A hazard model that advances in steps (a fire growing every 5 min, a building fire
between its ignition times) must see a crew arriving within a step from the moment it
arrives, and a crew leaving from the moment it leaves, not from the step's end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import simpy

    from drillsim.engine.eventlog import Event
    from drillsim.engine.simulation import Simulation

#: the events that change who works at an incident
CHANGES = ("unit_arrived", "unit_released")


class OnSceneChange:
    """An event to wait on beside a step's timer, fired when a unit arrives at
    (``unit_arrived``) or is released from (``unit_released``) one of a hazard's
    incidents::

        change = OnSceneChange(sim, lambda incident_id: incident_id in mine)
        ...
        done = yield sim.timeout(dt) | change.next()
        if timer not in done: ...  # someone came or left: the step ends now

    :param sim: the run.
    :param watches: ``watches(incident_id) -> bool``, whether an incident is one of the
        hazard's; asked on each arrival and release at an incident.
    :raises TypeError: ``watches`` is not callable (an incident id given instead).
    """

    def __init__(self, sim: "Simulation", watches: Callable[[str], bool]) -> None:
        if not callable(watches):
            raise TypeError(f"OnSceneChange(sim, {watches!r}): watches must be a function "
                            "watches(incident_id) -> bool saying whether an incident is the "
                            "hazard's, e.g. lambda incident_id: incident_id in mine")
        self._sim = sim
        self._watches = watches
        self._event = sim.event()
        for kind in CHANGES:
            sim.log.subscribe(kind, self._on)

    def _on(self, event: "Event") -> None:
        if not self._event.triggered and event.incident is not None and self._watches(event.incident):
            self._event.succeed()

    def next(self) -> "simpy.Event":
        """A fresh event that fires at the next change (a change before now is past:
        the caller has read who is on scene already)."""
        self._event = self._sim.event()
        return self._event
