"""Toxic release (危化品泄漏) hazard plugin: Gaussian plume, AEGL threat zones, township
exposure and protective actions, the hazmat team's stop, and the zone closed to all but
hazmat units.

Modules: :mod:`.plume` (dispersion), :mod:`.chemicals` (AEGL data, shipped),
:mod:`.hazard` (the ``toxic_release`` hazard; :func:`.hazard.run_release` also runs the
road tanker's release), :mod:`.metrics`, :mod:`.calculator` (``drillsim hazard plume``),
:mod:`.reporter` (the drill reporter).
"""

from __future__ import annotations

import sys

from drillsim.api import Deferred, hookimpl

from .metrics import METRICS
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)

#: the ``toxic_release`` hazard type (:data:`.hazard.TOXIC_RELEASE`): its module is imported
#: when a scenario (or anything else) first asks the host for it
TOXIC_RELEASE = Deferred(
    "toxic_release", __name__ + ".hazard:TOXIC_RELEASE",
    default_kinds=("evacuation", "hazmat_release", "hazmat_support"),
    default_capabilities=("hazmat", "people", "pumps"))


@hookimpl
def drillsim_register_hazard_types(register):
    register(TOXIC_RELEASE)


@hookimpl
def drillsim_register_metrics(register):
    for metric in METRICS:
        register(metric)


@hookimpl
def drillsim_register_calculators(register):
    # ``drillsim hazard plume``: its module imported only for that command
    register(Deferred("plume", __name__ + ".calculator:PLUME"))


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    # its hazards live in .hazard, imported only when a scenario uses the hazard type
    # (Deferred): until then nothing of the kind runs anywhere, so no restriction
    hazard = sys.modules.get(__name__ + ".hazard")
    return None if hazard is None else hazard.restriction(sim, unit, origin, destination)
