"""Hazardous chemicals on the road (危化品道路运输事故) hazard plugin: a tanker crash on a
road link of the region, the road blocked by the wreck, and the load's toxic release
(the ``toxic_release`` plume model of :mod:`drillsim_plugins.chemical`, reused).

Modules: :mod:`.hazard` (the ``road_tanker`` hazard), :mod:`.reporter` (the drill
reporter: the crash, the road, the plume advice).
"""

from __future__ import annotations

import sys

from drillsim.api import Deferred, hookimpl

from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

#: the ``road_tanker`` hazard type (:data:`.hazard.ROAD_TANKER`): its module is imported
#: when a scenario (or anything else) first asks the host for it
ROAD_TANKER = Deferred(
    "road_tanker", __name__ + ".hazard:ROAD_TANKER",
    default_kinds=("evacuation", "hazmat_release", "hazmat_support", "tanker_crash"),
    default_capabilities=("hazmat", "people", "pumps"))


@hookimpl
def drillsim_register_hazard_types(register):
    register(ROAD_TANKER)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    # its hazards live in .hazard, imported only when a scenario uses the hazard type
    # (Deferred): until then nothing of the kind runs anywhere, so no restriction
    hazard = sys.modules.get(__name__ + ".hazard")
    return None if hazard is None else hazard.restriction(sim, unit, origin, destination)
