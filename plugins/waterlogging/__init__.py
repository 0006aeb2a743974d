"""Urban waterlogging (城市内涝) hazard plugin: a rainstorm over the city's drains (the
rational method with a storage rule), streets closed at waterlogging points while the
water is too deep, calls for help from them, and every unit crossing the city slowed by
the water on its streets (Pregnolato et al. 2017).

Modules: :mod:`.model` (ponding and the depth-speed function), :mod:`.hazard` (the
``urban_waterlogging`` hazard), :mod:`.metrics`, :mod:`.reporter` (the drill reporter).
"""

from __future__ import annotations

import sys

from drillsim.api import Deferred, hookimpl

from .metrics import METRICS
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

#: the ``urban_waterlogging`` hazard type (:data:`.hazard.URBAN_WATERLOGGING`): its module is imported
#: when a scenario (or anything else) first asks the host for it
URBAN_WATERLOGGING = Deferred(
    "urban_waterlogging", __name__ + ".hazard:URBAN_WATERLOGGING",
    default_kinds=("waterlogging_rescue",), default_capabilities=("people",))


@hookimpl
def drillsim_register_hazard_types(register):
    register(URBAN_WATERLOGGING)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    # its hazards live in .hazard, imported only when a scenario uses the hazard type
    # (Deferred): until then nothing of the kind runs anywhere, so no restriction
    hazard = sys.modules.get(__name__ + ".hazard")
    return None if hazard is None else hazard.restriction(sim, unit, origin, destination)
