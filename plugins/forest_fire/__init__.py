"""Forest fire (森林火灾) hazard plugin: Rothermel surface spread, elliptical growth,
fireline production and containment, and the fire area closed to vehicles.

Modules: :mod:`.fuels` (the 53 standard fuel models, shipped data), :mod:`.rothermel`
(spread, intensity, flame length), :mod:`.ellipse` (Anderson 1983 shape), :mod:`.containment`
(NWCG production rates), :mod:`.hazard` (the ``forest_fire`` hazard), :mod:`.metrics`,
:mod:`.calculator` (``drillsim hazard fire``).
"""

from __future__ import annotations

from drillsim.api import HazardType, hookimpl

from . import hazard as fire_hazard
from .calculator import FIRE
from .metrics import METRICS

FOREST_FIRE = HazardType(
    name="forest_fire",
    description="森林火灾 surface forest fire: Rothermel spread, elliptical growth, line production, "
                "containment, fire area closed to vehicles",
    params_model=fire_hazard.ForestFireParams,
    start=fire_hazard.start,
    check=fire_hazard.check,
    incident_kinds=fire_hazard.incident_kinds,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(FOREST_FIRE)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_register_calculators(register):
    register(FIRE)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    return fire_hazard.restriction(sim, unit, origin, destination)
