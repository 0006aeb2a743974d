"""Landslide and debris flow (地质灾害) hazard plugin: slides at geological hazard points
triggered by rain over an intensity–duration threshold (Caine 1980, Guzzetti et al. 2008
or a regional curve), warnings at monitored points and the residents' relocation, homes
buried (rescuers and an excavator), and the road at the point blocked for a duration.

Modules: :mod:`.threshold` (the ID thresholds), :mod:`.hazard` (the ``landslide``
hazard), :mod:`.metrics`, :mod:`.calculator` (``drillsim hazard landslide``),
:mod:`.reporter` (the drill reporter).
"""

from __future__ import annotations

import sys

from drillsim.api import Deferred, hookimpl

from .metrics import METRICS
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

#: the ``landslide`` hazard type (:data:`.hazard.LANDSLIDE_HAZARD`): its module is imported
#: when a scenario (or anything else) first asks the host for it
LANDSLIDE_HAZARD = Deferred(
    "landslide", __name__ + ".hazard:LANDSLIDE_HAZARD",
    default_kinds=("landslide_rescue", "relocation"), default_capabilities=("excavator", "people"))


@hookimpl
def drillsim_register_hazard_types(register):
    register(LANDSLIDE_HAZARD)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_register_calculators(register):
    # ``drillsim hazard landslide``: its module imported only for that command
    register(Deferred("landslide", __name__ + ".calculator:LANDSLIDE"))


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    # its hazards live in .hazard, imported only when a scenario uses the hazard type
    # (Deferred): until then nothing of the kind runs anywhere, so no restriction
    hazard = sys.modules.get(__name__ + ".hazard")
    return None if hazard is None else hazard.restriction(sim, unit, origin, destination)
