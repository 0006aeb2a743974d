"""``drillsim optimise``: read a spec, price every candidate → township trip with the
engine's travel model, and solve the location problem (:mod:`drillsim.planning.location`).

Travel minutes come from a :class:`~drillsim.engine.simulation.Simulation` of the
scenario (replication 0, run to ``at`` when the spec gives it, so hazards' closures then
apply), asked for a unit of the force: :meth:`Simulation.travel_time` from each
candidate place to each township seat — the same hook and restrictions a dispatch uses.
A layout becomes a scenario variant by overriding the force's stations:
``forces.<force>.bases`` = each site (existing first, then the new ones in candidate
order) repeated ``units_per_site`` times, ``units`` = their number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from drillsim.engine.simulation import Simulation
from drillsim.errors import ValidationFailed
from drillsim.planning.location import Layout, best_layouts, covered, weighted_minutes
from drillsim.planning.spec import OptimiseFile, shown
from drillsim.scenario.quantities import parse_fraction, parse_quantity
from drillsim.scenario.loader import (ResolvedScenario, ResolvedTarget, load_scenario, refuse_other_kind, resolve_ref,
                                      scenario_root)
from drillsim.scenario.validation import Collector, suggest, validate
from drillsim.scenario.yamlsource import Document, load_yaml


@dataclass
class Problem:
    """A loaded spec with its scenario and the travel matrix.

    :ivar candidates: place ids (rows of ``times``); the first ``len(existing)`` are the
        existing sites. :ivar demands: township ids (columns), with ``weights`` (people).
    :ivar times: minutes, shape (candidates, demands).
    """

    path: str
    spec: OptimiseFile
    doc: Document
    scenario_path: Path
    root: Path
    scenario: ResolvedScenario
    candidates: list[str]
    existing: list[str]
    demands: list[str]
    weights: np.ndarray
    times: np.ndarray
    left_out: list[str] = field(default_factory=list)

    def overrides(self, layout: Layout) -> dict[str, Any]:
        """The scenario overrides that station the force at ``layout``'s sites."""
        sites = self.existing + [self.candidates[i] for i in layout.sites]
        bases = [s for s in sites for _ in range(self.spec.units_per_site)]
        f = f"forces.{self.spec.force}"
        return {f"{f}.base": None, f"{f}.per_township": False, f"{f}.townships": None,
                f"{f}.bases": bases, f"{f}.units": len(bases)}

    def names(self, layout: Layout) -> list[str]:
        """The new sites of a layout, by place id."""
        return [self.candidates[i] for i in layout.sites]

    def describe(self, layout: Layout) -> dict[str, float]:
        """Both measures of a layout: people covered within the spec's time (if any), and
        the population-weighted mean travel minutes."""
        shift = len(self.existing)
        sites = tuple(range(shift)) + tuple(shift + i for i in layout.sites)
        total = float(self.weights.sum())
        out = {"mean_minutes": weighted_minutes(self.times, self.weights, sites) / total}
        if self.spec.within is not None:
            people = covered(self.times, self.weights, sites, self.spec.within)
            out["people_covered"] = people
            out["share_covered"] = people / total
        return out


def load_problem(path: str | Path, host) -> Problem:
    """Load and check a spec and its scenario, and price every trip.

    :raises ValidationFailed: faults of the spec (located in it) or of the scenario.
    :raises PluginFailed: a plugin failed while the scenario ran to ``at``.
    """
    path = Path(path)
    doc = load_yaml(path, str(path))
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.fault((), "an optimise spec must be a mapping of fields "
                                               "(name:, scenario:, force: …)")])
    refuse_other_kind(doc, Path(path), "optimise")
    spec = validate(OptimiseFile, doc)
    root = scenario_root(path)
    scenario_path = resolve_ref(doc, ("scenario",), spec.scenario, path.resolve(), root)
    sc = load_scenario(scenario_path, host=host, root=root, seed=spec.seed)
    faults = Collector()
    region = sc.region
    forces = {f.id: f for f in sc.forces if f.units}
    if spec.force not in forces:
        faults.add(doc.fault(("force",), f"no force {spec.force!r} with units in "
                                         f"{shown(scenario_path)}" + suggest(spec.force, list(forces))))
    if spec.objective == "coverage" and spec.within is None:
        faults.add(doc.fault(("objective",), "coverage needs within: (e.g. within: 30min)"))
    if spec.objective == "p_median" and spec.within is not None:
        faults.add(doc.fault(("within",), "within: is for objective: coverage; a p-median "
                                          "minimises the mean travel time"))
    if spec.candidates == "townships":
        candidates = [t.id for t in region.spec.townships]
    elif spec.candidates == "sites":
        candidates = [s.id for s in region.spec.sites if s.kind != "mutual_aid_origin"]
    else:
        candidates = []
        for i, c in enumerate(spec.candidates):
            if c not in region.places:
                faults.add(doc.fault(("candidates", i), f"no place {c!r} in the region"
                                     + suggest(c, list(region.places))))
            elif c in candidates:
                faults.add(doc.fault(("candidates", i), f"{c!r} is given twice"))
            else:
                candidates.append(c)
    for i, e in enumerate(spec.existing):
        if e not in region.places:
            faults.add(doc.fault(("existing", i), f"no place {e!r} in the region"
                                 + suggest(e, list(region.places))))
        elif e in spec.existing[:i]:  # as a candidate given twice is (it was dropped unsaid)
            faults.add(doc.fault(("existing", i), f"{e!r} is given twice"))
    for t, w in spec.weights.items():
        if t not in region.townships:
            faults.add(doc.fault(("weights", t), f"no township {t!r} in the region"
                                 + suggest(t, list(region.townships)), key=True))
        elif not w >= 0 or math.isinf(w):
            faults.add(doc.fault(("weights", t), f"a weight must be a finite number of people, got {w!r}"))
    existing = list(dict.fromkeys(spec.existing))
    candidates = [c for c in candidates if c not in existing]
    if spec.sites > len(candidates):
        faults.add(doc.fault(("sites",), f"{spec.sites} sites asked, but only {len(candidates)} "
                                         "candidate place(s)"))
    if spec.check is not None:
        targets = {t.id: t for t in sc.targets}
        t = targets.get(spec.check.target)
        if t is None:
            faults.add(doc.fault(("check", "target"), f"no target {spec.check.target!r} in the "
                                                      "scenario" + suggest(spec.check.target, list(targets))))
        elif t.by_label:
            faults.add(doc.fault(("check", "target"), f"target {t.id!r} is reported per label; "
                                                      "choose one with one value per replication"))
        elif spec.check.measure == "pass_rate" and t.comparison is None:
            faults.add(doc.fault(("check", "measure"), f"target {t.id!r} has no threshold, so no "
                                                       "pass rate; use measure: mean"))
        elif spec.check.measure == "mean" and spec.check.goal is None and t.comparison is None:
            faults.add(doc.fault(("check",), f"target {t.id!r} has no threshold; say goal: "
                                             "minimize or maximize"))
        if t is not None:
            try:
                delta = indifference(spec.check.indifference, t, spec.check.measure)
                spec = spec.model_copy(update={"check": spec.check.model_copy(
                    update={"indifference": delta})})
            except ValueError as exc:
                faults.add(doc.fault(("check", "indifference"), str(exc)))
        if spec.check.max < spec.check.first:
            faults.add(doc.fault(("check", "max"), f"max ({spec.check.max}) is below first "
                                                   f"({spec.check.first})"))
    faults.raise_if_any()
    demands, weights, left_out = [], [], []
    for t in region.spec.townships:
        w = spec.weights.get(t.id, t.population_weight)
        if w is None:
            left_out.append(t.id)
            continue
        demands.append(t.id)
        weights.append(float(w))
    times = travel_matrix(sc, host, spec.force, existing + candidates, demands, spec.at)
    return Problem(str(path), spec, doc, scenario_path, root, sc, candidates, existing, demands,
                   np.array(weights), times, left_out)


def indifference(given: float | str, target: ResolvedTarget, measure: str) -> float:
    """The check's indifference zone δ in the unit the procedure compares: the target's
    display unit for ``measure: mean`` (minutes → its unit for a time target), a share
    0–1 for ``pass_rate``. A time is written with its unit (``2min``: durations in files
    carry units), a share as ``5%`` or 0.05, a count or people as a plain number.

    :raises ValueError: a bare number for a time, a unit for a count, zero or negative.
    """
    quantity = "share" if measure == "pass_rate" else target.metric.quantity
    if quantity == "time":
        if not isinstance(given, str):
            raise ValueError(f"target {target.id!r} measures a time: give the indifference zone "
                             f"with its unit, e.g. {given:g}{target.unit}")
        value = target.display(parse_quantity(given, "time"))
    elif quantity == "share":
        share = parse_fraction(given)
        value = share if measure == "pass_rate" else target.display(share)
    elif isinstance(given, str):
        raise ValueError(f"target {target.id!r} counts {target.metric.quantity}: give the "
                         f"indifference zone as a plain number, got {given!r}")
    else:
        value = float(given)
    if not value > 0:
        raise ValueError(f"the indifference zone must be positive, got {given!r}")
    return value


def travel_matrix(scenario: ResolvedScenario, host, force: str, origins: list[str],
                  destinations: list[str], at: float | None = None) -> np.ndarray:
    """Minutes for the force's first unit from each origin to each destination place
    (array len(origins) × len(destinations); ``inf`` where closed), priced by
    :meth:`Simulation.travel_time` after running replication 0 to ``at``."""
    sim = Simulation(scenario, host, replication=0, keep_events=False)
    if at:
        sim.run(until=at)
    unit = sim.units_of(force)[0]
    region = scenario.region
    out = np.empty((len(origins), len(destinations)))
    for i, a in enumerate(origins):
        for j, b in enumerate(destinations):
            out[i, j] = sim.travel_time(unit, region.place(a), region.place(b))
    return out


def solve(problem: Problem) -> list[Layout]:
    """The spec's best layouts, best first (:func:`~drillsim.planning.location.best_layouts`).

    :raises NoLayout: no layout satisfies the problem.
    """
    s = problem.spec
    fixed = tuple(range(len(problem.existing)))
    layouts = best_layouts(s.objective, problem.times, problem.weights, s.sites, s.layouts,
                           within=s.within, fixed=fixed)
    shift = len(problem.existing)
    return [Layout(tuple(i - shift for i in lay.sites), lay.value) for lay in layouts]
