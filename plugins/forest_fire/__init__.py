"""Forest fire (森林火灾) hazard plugin: Rothermel surface spread, elliptical growth,
fireline production and containment, and the fire area closed to vehicles.

Modules: :mod:`.fuels` (the 53 standard fuel models, shipped data), :mod:`.rothermel`
(spread, intensity, flame length), :mod:`.ellipse` (Anderson 1983 shape), :mod:`.containment`
(NWCG production rates), :mod:`.hazard` (the ``forest_fire`` hazard), :mod:`.metrics`,
:mod:`.calculator` (``drillsim hazard fire``).
"""

from __future__ import annotations

import sys

from drillsim.api import Deferred, hookimpl

from .metrics import METRICS

#: the ``forest_fire`` hazard type (:data:`.hazard.FOREST_FIRE`): its module is imported
#: when a scenario (or anything else) first asks the host for it
FOREST_FIRE = Deferred(
    "forest_fire", __name__ + ".hazard:FOREST_FIRE",
    default_kinds=("forest_fire", "forest_fire_aerial"), default_capabilities=("aerial", "fireline"))


@hookimpl
def drillsim_register_hazard_types(register):
    register(FOREST_FIRE)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_register_calculators(register):
    # ``drillsim hazard fire``: its module imported only for that command
    register(Deferred("fire", __name__ + ".calculator:FIRE"))


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    # its hazards live in .hazard, imported only when a scenario uses the hazard type
    # (Deferred): until then nothing of the kind runs anywhere, so no restriction
    hazard = sys.modules.get(__name__ + ".hazard")
    return None if hazard is None else hazard.restriction(sim, unit, origin, destination)
