"""Urban waterlogging (城市内涝) hazard plugin: a rainstorm over the city's drains (the
rational method with a storage rule), streets closed at waterlogging points while the
water is too deep, calls for help from them, and every unit crossing the city slowed by
the water on its streets (Pregnolato et al. 2017).

Modules: :mod:`.model` (ponding and the depth-speed function), :mod:`.hazard` (the
``urban_waterlogging`` hazard), :mod:`.metrics`, :mod:`.reporter` (the drill reporter).
"""

from __future__ import annotations

from drillsim.api import HazardType, hookimpl

from . import hazard as waterlogging
from .metrics import METRICS
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

URBAN_WATERLOGGING = HazardType(
    name="urban_waterlogging",
    description="城市内涝 rain over the drains' capacity: streets closed at waterlogging points, calls for "
                "help, units slowed crossing the city",
    params_model=waterlogging.WaterloggingParams,
    start=waterlogging.start,
    check=waterlogging.check,
    incident_kinds=waterlogging.incident_kinds,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(URBAN_WATERLOGGING)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    return waterlogging.restriction(sim, unit, origin, destination)
