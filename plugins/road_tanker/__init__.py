"""Hazardous chemicals on the road (危化品道路运输事故) hazard plugin: a tanker crash on a
road link of the region, the road blocked by the wreck, and the load's toxic release
(the ``toxic_release`` plume model of :mod:`drillsim_plugins.chemical`, reused).

Modules: :mod:`.hazard` (the ``road_tanker`` hazard), :mod:`.reporter` (the drill
reporter: the crash, the road, the plume advice).
"""

from __future__ import annotations

from drillsim.api import HazardType, hookimpl

from . import hazard as tanker
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

ROAD_TANKER = HazardType(
    name="road_tanker",
    description="危化品道路运输 tanker crash on a road link: road blocked, toxic release (Gaussian plume, "
                "AEGL zones), hazmat stop, fire support, evacuation downwind",
    params_model=tanker.RoadTankerParams,
    start=tanker.start,
    check=tanker.check,
    incident_kinds=tanker.incident_kinds,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(ROAD_TANKER)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    return tanker.restriction(sim, unit, origin, destination)
