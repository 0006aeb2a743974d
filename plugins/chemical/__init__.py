"""Toxic release (危化品泄漏) hazard plugin: Gaussian plume, AEGL threat zones, township
exposure and protective actions, the hazmat team's stop, and the zone closed to all but
hazmat units.

Modules: :mod:`.plume` (dispersion), :mod:`.chemicals` (AEGL data, shipped),
:mod:`.hazard` (the ``toxic_release`` hazard; :func:`.hazard.run_release` also runs the
road tanker's release), :mod:`.metrics`, :mod:`.calculator` (``drillsim hazard plume``),
:mod:`.reporter` (the drill reporter).
"""

from __future__ import annotations

from drillsim.api import HazardType, hookimpl

from . import hazard as release
from .calculator import PLUME
from .metrics import METRICS
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

TOXIC_RELEASE = HazardType(
    name="toxic_release",
    description="危化品泄漏 continuous toxic gas release: Gaussian plume, AEGL threat zones, evacuation or "
                "shelter, hazmat stop, zone closure",
    params_model=release.ToxicReleaseParams,
    start=release.start,
    check=release.check,
    incident_kinds=release.incident_kinds,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(TOXIC_RELEASE)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_register_calculators(register):
    register(PLUME)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    return release.restriction(sim, unit, origin, destination)
