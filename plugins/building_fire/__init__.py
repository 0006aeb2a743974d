"""Building fire in a dense timber-built block (古镇建筑火灾) hazard plugin: a t² fire to
flashover (NFPA 72 / SFPE growth classes, Thomas's flashover correlation), spread from
building to building by Hamada's model, control when the water the attack can keep up
covers the needed fire flow (NFA formula), hydrants and tank water as the supply.

Modules: :mod:`.growth` (t² fire, flashover), :mod:`.spread` (Hamada), :mod:`.water`
(needed and applied flow), :mod:`.hazard` (the ``building_fire`` hazard), :mod:`.metrics`.
"""

from __future__ import annotations

from drillsim.api import Deferred, hookimpl

from .metrics import METRICS

#: the ``building_fire`` hazard type (:data:`.hazard.BUILDING_FIRE`): its module is imported
#: when a scenario (or anything else) first asks the host for it
BUILDING_FIRE = Deferred(
    "building_fire", __name__ + ".hazard:BUILDING_FIRE",
    default_kinds=("building_fire",), default_capabilities=("pumps", "water"))


@hookimpl
def drillsim_register_hazard_types(register):
    register(BUILDING_FIRE)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)
