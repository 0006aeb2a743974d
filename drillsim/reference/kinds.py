"""The document kinds a user writes and the models that validate them, and the plugins'
parameter models (a force's, hazard's or target's ``params:``) with the plugin owning each.

Document kinds: ``scenario``, ``plan``, ``region`` (:mod:`drillsim.scenario`), ``sweep``
(:mod:`drillsim.batch.sweep`), ``pack`` (:mod:`drillsim.drill.packs`), ``optimise``
and ``hypercube`` (:mod:`drillsim.planning.spec`, :mod:`drillsim.planning.hypercube_spec`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from pydantic import BaseModel

from drillsim.batch.sweep import SweepFile
from drillsim.drill.packs import PackFile
from drillsim.planning.hypercube_spec import HypercubeFile
from drillsim.planning.spec import OptimiseFile
from drillsim.scenario.region import RegionFile
from drillsim.scenario.schema import PlanFile, ScenarioFile

#: kind → (model, one line on what the file is, where the shipped ones live)
KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "scenario": (ScenarioFile, "a hazard, the forces and reserves, the region and the plan to "
                 "score against: what `drillsim run` runs", "scenarios/*.yaml"),
    "plan": (PlanFile, "a plan's capability targets: the scorecard's rows", "scenarios/plans/"),
    "region": (RegionFile, "townships, named sites and how units travel", "scenarios/regions/"),
    "sweep": (SweepFile, "the variants of a scenario a batch compares", "scenarios/sweeps/"),
    "pack": (PackFile, "a drill: a base scenario and the hidden variants, draws and injects "
             "a drill chooses from", "scenarios/packs/"),
    "optimise": (OptimiseFile, "where to put k sites of a force, and how the best layouts are "
                 "checked by simulation: what `drillsim optimise` solves", "scenarios/optimise/"),
    "hypercube": (HypercubeFile, "units, atoms of demand and dispatch preferences for Larson's "
                  "hypercube queueing model: what `drillsim calc hypercube` solves", "scenarios/calc/"),
}


@dataclass(frozen=True)
class ParamsModel:
    """A plugin's model for one registration's ``params:``.

    :ivar what: ``unit type``, ``hazard type`` or ``metric``.
    :ivar name: the registered name (what ``type:`` or ``metric:`` says).
    :ivar plugin: the plugin that registers it.
    :ivar model: the pydantic model.
    """

    what: str
    name: str
    plugin: str
    model: type[BaseModel]


def params_models(host) -> list[ParamsModel]:
    """Every registration of ``host`` that takes ``params:``, by kind then name."""
    out = []
    for reg in (host.unit_types, host.hazard_types, host.metrics):
        for name in reg.names():
            model = getattr(reg[name], "params_model", None)
            if model is not None:
                out.append(ParamsModel(reg.what, name, reg.providers[name], model))
    return out


def builtin_plugin_names() -> list[str]:
    """The plugins drillsim itself ships (entry points into ``drillsim_plugins``): the
    shipped reference and schemas are made with these only, whatever else is installed."""
    return sorted(ep.name for ep in metadata.entry_points(group="drillsim")
                  if ep.value.split(".")[0] == "drillsim_plugins")
