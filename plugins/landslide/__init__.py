"""Landslide and debris flow (地质灾害) hazard plugin: slides at geological hazard points
triggered by rain over an intensity–duration threshold (Caine 1980, Guzzetti et al. 2008
or a regional curve), warnings at monitored points and the residents' relocation, homes
buried (rescuers and an excavator), and the road at the point blocked for a duration.

Modules: :mod:`.threshold` (the ID thresholds), :mod:`.hazard` (the ``landslide``
hazard), :mod:`.metrics`, :mod:`.calculator` (``drillsim hazard landslide``),
:mod:`.reporter` (the drill reporter).
"""

from __future__ import annotations

from drillsim.api import HazardType, hookimpl

from . import hazard as slide
from .calculator import LANDSLIDE
from .metrics import METRICS
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

LANDSLIDE_HAZARD = HazardType(
    name="landslide",
    description="地质灾害 rain-triggered landslide / debris flow: intensity-duration threshold, warning and "
                "relocation, buried homes, road blocked",
    params_model=slide.LandslideParams,
    start=slide.start,
    check=slide.check,
    incident_kinds=slide.incident_kinds,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(LANDSLIDE_HAZARD)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_register_calculators(register):
    register(LANDSLIDE)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    return slide.restriction(sim, unit, origin, destination)
