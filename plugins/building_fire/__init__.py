"""Building fire in a dense timber-built block (古镇建筑火灾) hazard plugin: a t² fire to
flashover (NFPA 72 / SFPE growth classes, Thomas's flashover correlation), spread from
building to building by Hamada's model, control when the water the attack can keep up
covers the needed fire flow (NFA formula), hydrants and tank water as the supply.

Modules: :mod:`.growth` (t² fire, flashover), :mod:`.spread` (Hamada), :mod:`.water`
(needed and applied flow), :mod:`.hazard` (the ``building_fire`` hazard), :mod:`.metrics`.
"""

from __future__ import annotations

from drillsim.api import HazardType, hookimpl

from . import hazard as building
from .metrics import METRICS

BUILDING_FIRE = HazardType(
    name="building_fire",
    description="建筑火灾 fire in a dense timber block: t² growth to flashover, Hamada spread between "
                "buildings, control by water supply (hydrants, tanks) against the needed fire flow",
    params_model=building.BuildingFireParams,
    start=building.start,
    check=building.check,
    incident_kinds=building.incident_kinds,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(BUILDING_FIRE)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)
