"""Load a scenario: read and validate the scenario, its region and plan files, check
every cross-reference against the loaded plugins, and resolve it into plain data the
engine runs (:class:`ResolvedScenario`).

Nothing runs until everything is valid: all faults found are raised together as
:class:`~drillsim.errors.ValidationFailed` (``path:line:column: field: message``).

Files a scenario names (region, plan) resolve relative to the scenario file and must
stay inside the *scenario root*: by default the ``scenarios/`` folder the file sits in
(or the file's own folder).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Protocol

from pydantic import BaseModel, ValidationError

from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.namecheck import check_names, check_target_refs, known_kinds
from drillsim.scenario.paths import resolve_ref, scenario_root
from drillsim.scenario.planfile import check_item_refs, check_plan
from drillsim.scenario.quantities import parse_fraction, parse_quantity
from drillsim.scenario.region import Region
from drillsim.scenario.schema import Assumption, ForceSpec, Observation, PlanFile, ScenarioFile
from drillsim.scenario.shared import shared_plan, shared_region
from drillsim.scenario.validation import (
    Collector,
    consequences_dropped,
    faults_from,
    suggest,
    validate_partly,
)
from drillsim.scenario.yamlsource import Document, load_yaml

# What the loader needs of the plugin host. The host is passed in, never imported: this
# stage sits below it (docs/architecture.md). The registered records are the host's
# drillsim.host.registry.UnitType, HazardType and Metric.
UnitType = HazardType = Metric = Any


class PluginHost(Protocol):
    """The part of :class:`drillsim.host.pluginhost.PluginHost` a scenario is resolved
    against: the registered unit types, hazard types and metrics (``name in registry``,
    ``registry[name]``, ``registry.names()``, ``registry.providers``), the loaded plugins
    (``info``, ``names()``) and the name of the host's own plugin."""

    DEFAULTS_NAME: str
    info: Mapping[str, Any]
    unit_types: Any
    hazard_types: Any
    metrics: Any

    def names(self) -> list[str]: ...

TIME_UNITS = {"min": 1.0, "h": 60.0, "d": 1440.0}


@dataclass(frozen=True)
class UnitPlan:
    """Where one unit starts and what it brings (resolved from a force entry)."""

    id: str
    base: str
    capabilities: dict[str, float]
    vehicle: str
    mode: str
    turnout: float
    serves: frozenset[str] | None
    area: str


@dataclass
class ResolvedForce:
    id: str
    unit_type: UnitType
    params: BaseModel | None
    spec: ForceSpec
    units: list[UnitPlan]
    #: turnout by time of day, ``(start, end, turnout)`` in minutes (clock times as
    #: minutes after midnight): the force's ``turnout_by_time:`` when it writes one, else
    #: its unit type's (:attr:`~drillsim.host.registry.UnitType.turnout_by_time`)
    turnout_bands: tuple[tuple[float, float, float], ...] = ()


@dataclass
class ResolvedHazard:
    id: str
    type: HazardType
    params: BaseModel
    spec: Any


@dataclass
class ResolvedReserve:
    id: str
    unit: str
    holdings: dict[str, float]
    spec: Any


@dataclass
class ResolvedTarget:
    """A target ready to score. ``threshold`` is in internal units (minutes for times,
    0–1 for shares); ``scale`` converts internal values to the display ``unit``."""

    id: str
    title: str
    section: str | None
    metric: Metric
    params: BaseModel | None
    statistic: str
    comparison: str | None
    threshold: float | None
    unit: str
    scale: float
    required_pass_rate: float
    by_label: bool
    source: str | None
    note: str | None
    #: the plan items (``P12`` …) this row scores, from the plan or the scenario
    plan_items: tuple[str, ...] = ()
    #: why the row cannot pass in this scenario (shown with it when it fails), or None
    fails_by_design: str | None = None
    #: the plugin that registered the metric (named when it fails or returns nonsense)
    plugin: str = ""
    #: whether its observations are checked as they come (a third-party plugin's metric;
    #: drillsim's own are checked by their tests, not on every replication)
    checked: bool = False

    def display(self, value: float | None) -> float | None:
        """An internal value in the target's display unit."""
        return None if value is None else value / self.scale


@dataclass
class ResolvedScenario:
    """A scenario validated and resolved against its region, plan and plugins."""

    path: str
    spec: ScenarioFile
    doc: Document
    region: Region
    plan: PlanFile
    targets: list[ResolvedTarget]
    forces: list[ResolvedForce]
    hazards: list[ResolvedHazard]
    reserves: list[ResolvedReserve]
    start: dt.datetime
    plugins: list[str]
    versions: dict[str, str]
    overrides: dict[str, Any] = field(default_factory=dict)
    #: valid but probably unintended settings, located like faults
    warnings: list[Fault] = field(default_factory=list)
    #: every file read to resolve it (scenario, region, road graph, plan), resolved:
    #: outputs must not overwrite them
    inputs: tuple[Path, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def seed(self) -> int:
        return self.spec.run.seed

    @property
    def replications(self) -> int:
        return self.spec.run.replications

    @property
    def horizon(self) -> float:
        return self.spec.run.horizon

    @property
    def warm_up(self) -> float:
        return self.spec.run.warm_up

    @property
    def assumptions(self) -> list[Assumption]:
        return self.spec.assumptions

    @property
    def observed(self) -> list[Observation]:
        return self.spec.observed

    def configuration(self, copied: bool = True) -> dict[str, Any]:
        """The fully resolved configuration, plain JSON-able data (written beside results).

        :param copied: False shares the scenario's data and overrides instead of copying
            them, for a caller that only serialises the result at once (the batch store:
            the copies were a third of the time it takes to record a sweep's variants)."""
        keep = copy.deepcopy if copied else _same
        return {
            "scenario_file": self.path,
            "scenario": keep(self.doc.data),
            "overrides": keep(self.overrides),
            "region": self.region.spec.model_dump(mode="json"),
            "plan": {"name": self.plan.name, "issued": self.plan.issued},
            "targets": [{
                "id": t.id, "metric": t.metric.name, "statistic": t.statistic,
                "comparison": t.comparison, "threshold": t.display(t.threshold), "unit": t.unit,
                "params": t.params.model_dump(mode="json") if t.params else {},
                "required_pass_rate": t.required_pass_rate, "section": t.section,
            } for t in self.targets],
            "units": [{"id": u.id, "force": f.id, "type": f.unit_type.name, "base": u.base,
                       "capabilities": u.capabilities, "vehicle": u.vehicle, "mode": u.mode,
                       "turnout_min": u.turnout}
                      for f in self.forces for u in f.units],
            "reserves": {r.id: r.holdings for r in self.reserves},
            "plugins": self.plugins,
            "versions": self.versions,
        }


def _same(value: Any) -> Any:
    return value


# ------------------------------------------------------------------ file references
def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ overrides
@functools.lru_cache(maxsize=4096)
def parse_dotted(path: str) -> tuple:
    """``"forces[2].units"`` → ``("forces", 2, "units")``.

    Kept per process (a malformed path is not kept: it raises each time): a sweep's
    check and the fork server parse the same paths for every variant — a flood variant
    44 assumptions' ``applies_to`` and its overrides, about 50 a variant (6 % of loading
    the flood sweep's 36 variants).

    :raises ValueError: malformed path.
    """
    parts: list[Any] = []
    for token in re.finditer(r"([^.\[\]]+)|\[(\d+)\]|(\.)", path, re.ASCII):
        name, index, _ = token.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
    if not parts or re.sub(r"[^.\[\]]+|\[\d+\]|\.", "", path, flags=re.ASCII):
        raise ValueError(f"not a field path: {path!r} (write e.g. forces[2].units)")
    if not _WELL_FORMED.fullmatch(path):
        # a dot too many or too few ('forces.team.units.', 'forces..team', 'a[0]b') was
        # read as if it were not there, or as another path
        raise ValueError(f"not a field path: {path!r}: a name on each side of every dot, an "
                         "index as [2] after a name (write e.g. forces[2].units)")
    return tuple(parts)


#: a field path's shape: a name, then names after dots and indexes in brackets
_WELL_FORMED = re.compile(r"[^.\[\]]+(?:\[\d+\]|\.[^.\[\]]+)*", re.ASCII)


def find_path(data: Any, path: tuple) -> tuple[bool, str]:
    """Whether ``path`` exists in ``data``; if not, why (naming the first missing part)."""
    current = data
    for i, part in enumerate(path):
        if isinstance(part, int):
            if not isinstance(current, list) or not 0 <= part < len(current):
                size = len(current) if isinstance(current, list) else 0
                return False, f"no item [{part}] under {_fmt(path[:i]) or 'the top'} (it has {size})"
            current = current[part]
        else:
            if isinstance(current, list):
                # allow forces.<id> style: select the list item whose id matches
                match = [j for j, item in enumerate(current) if isinstance(item, dict) and item.get("id") == part]
                if not match:
                    ids = [item.get("id") for item in current if isinstance(item, dict)]
                    return False, f"no item with id {part!r} under {_fmt(path[:i])}" + suggest(part, ids)
                current = current[match[0]]
                continue
            if not isinstance(current, dict) or part not in current:
                keys = list(current) if isinstance(current, dict) else []
                return False, f"no field {part!r} under {_fmt(path[:i]) or 'the top'}" + suggest(part, keys)
            current = current[part]
    return True, ""


def find_parent(data: Any, path: tuple) -> tuple[bool, str]:
    """Whether a setting (an override, a sweep's or a drill pack's value) at ``path`` can be
    made in ``data``: where ``path[:-1]`` exists, or where it ends in mappings the file
    leaves out (a force's ``params:`` when every parameter is at its default), which
    :func:`apply_override` creates. A missing name close to one that is there is taken as
    a misspelling and refused at once (``capability`` for ``capabilities``); the scenario's
    own checks then judge what was created, at the setting's line.
    """
    parent = path[:-1]
    ok, why = find_path(data, parent)
    if ok:
        return ok, why
    current = data
    for i, part in enumerate(parent):
        if isinstance(current, list) and isinstance(part, str):
            current = next((item for item in current if isinstance(item, dict) and item.get("id") == part), None)
        elif isinstance(current, dict) and isinstance(part, str) and part not in current:
            rest = parent[i:]
            if all(isinstance(p, str) for p in rest) and not suggest(part, list(current)):
                return True, ""
            return ok, why
        else:
            try:
                current = current[part]
            except (KeyError, IndexError, TypeError):
                return ok, why
    return ok, why


def _fmt(path: tuple) -> str:
    from drillsim.scenario.yamlsource import format_path

    return format_path(path)


def apply_override(data: Any, path: tuple, value: Any, create: bool = True) -> None:
    """Set ``value`` at ``path`` in ``data`` (lists addressed by index or by item id).
    The last key may be new (an optional field not written in the file), and so may the
    mappings leading to it (with ``create``: :func:`find_parent`)."""
    current = data
    for part in path[:-1]:
        if isinstance(current, list) and isinstance(part, str):
            current = next(item for item in current if isinstance(item, dict) and item.get("id") == part)
        else:
            if create and isinstance(current, dict) and isinstance(part, str) and part not in current:
                current[part] = {}  # a mapping the file leaves out (find_parent)
            current = current[part]
    last = path[-1]
    if isinstance(current, list) and isinstance(last, str):
        raise KeyError(last)
    if isinstance(current, dict) and last not in current and not create:
        raise KeyError(last)
    current[last] = value


def _why_not_settable(data: Any, path: tuple) -> str:
    """Why :func:`apply_override` cannot set ``path`` in ``data`` (it said only "cannot
    set this path"): the part of the path that names nothing there, and what is there."""
    current = data
    for i, part in enumerate(path):
        here = _fmt(path[:i]) or "the scenario"
        last = i == len(path) - 1
        if isinstance(current, list):
            if isinstance(part, str):
                ids = [item.get("id") for item in current if isinstance(item, dict) and "id" in item]
                if part not in ids:
                    named = f" (ids: {', '.join(map(str, ids))})" if ids else " (its items have no id)"
                    hint = f"; an item by its place is written [{part}]" if part.isdigit() else ""
                    return f"no item with id {part!r} under {here}{named}{hint}"
                if last:
                    return (f"{_fmt(path)} is a whole item of a list: set its fields one by one "
                            f"({_fmt(path)}.<field>)")
                current = next(item for item in current if isinstance(item, dict) and item.get("id") == part)
                continue
            if not 0 <= part < len(current):
                return (f"no item [{part}] under {here} (it has {len(current)}): an override replaces a "
                        "value, it adds no item to a list")
            current = current[part]
        elif isinstance(current, dict):
            if isinstance(part, int):
                return f"{here} is a mapping, not a list: name its field, not [{part}]"
            if part == "":
                return f"an empty name after {here} (two dots?)"
            if part not in current:
                return f"{here} has no {part!r}"
            current = current[part]
        else:
            return f"{here} is {current!r}, a single value: nothing lies under it"
    return "cannot set this path"


def index_form(data: Any, path: tuple) -> tuple:
    """``path`` with list items named by id replaced by their index (so
    ``forces.water_rescue.units`` and ``forces[6].units`` compare equal)."""
    out: list[Any] = []
    current = data
    for part in path:
        if isinstance(current, list) and isinstance(part, str):
            index = next((j for j, item in enumerate(current)
                          if isinstance(item, dict) and item.get("id") == part), None)
            if index is None:
                return tuple(out) + tuple(path[len(out):])
            out.append(index)
            current = current[index]
            continue
        out.append(part)
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            current = None
    return tuple(out)


# ------------------------------------------------------------------ loading
def load_scenario(path: str | Path, *, host: PluginHost,
                  overrides: dict[str, Any] | None = None, root: str | Path | None = None,
                  seed: int | None = None, replications: int | None = None) -> ResolvedScenario:
    """Load, validate and resolve a scenario file.

    :param path: the scenario YAML.
    :param host: the plugin host whose unit types, hazard types and metrics the scenario
        names (:func:`drillsim.host.pluginhost.load_plugins`). It is passed in, not made
        here: the scenario stage sits below the plugin host and imports nothing of it.
    :param overrides: ``{"forces[2].units": 3, …}`` applied to the scenario data before
        validation (a batch variant).
    :param root: folder referenced files must stay in (default: :func:`scenario_root`).
    :param seed: replaces ``run.seed``; :param replications: replaces ``run.replications``.
    :raises ValidationFailed: every fault found, in any of the files.
    """
    path = Path(path)
    shown = str(path)
    root_path = Path(root).resolve() if root else scenario_root(path)
    doc = load_yaml(path, shown)
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.fault((), "a scenario file must be a mapping of fields "
                                               "(name:, region:, forces: …)")])
    refuse_other_kind(doc, path, "scenario")
    if overrides:
        _apply_overrides(doc, overrides)
    # every section is checked in one pass: a schema fault cuts only its own part out
    # (validate_partly), and the checks below go on with the rest
    spec, checked, schema_faults, cut = validate_partly(ScenarioFile, doc, _PLACEHOLDERS)
    faults = Collector()
    for fault in schema_faults:
        faults.add(fault)
    if spec is None:
        faults.raise_if_any()
    sections = {p[0] for p in cut}
    # command-line run settings replace the file's only after the file itself is valid
    changes = {k: v for k, v in (("seed", seed), ("replications", replications)) if v is not None}
    if changes and not schema_faults:
        spec = spec.model_copy(update={"run": spec.run.model_copy(update=changes)})
        doc.data["run"].update(changes)

    start = _parse_start(spec.start, checked, faults)
    _check_clock_range(start, spec.run.horizon, checked, faults)
    if spec.run.warm_up >= spec.run.horizon:
        faults.add(checked.fault(("run", "warm_up"), "the warm-up must end before the horizon"))
    _check_unique(checked, "hazards", [h.id for h in spec.hazards], faults)
    _check_unique(checked, "reserves", [r.id for r in spec.reserves], faults)
    region = plan = plan_doc = plan_path = None
    if ("region",) not in cut:
        ref = faults.run(resolve_ref, checked, ("region",), spec.region, path.resolve(), root_path)
        if ref is not None:  # loaded once per process for every scenario naming it
            region = faults.run(shared_region, ref, _shown(ref), root_path,
                                functools.partial(_names_kind, checked, ("region",), ref, "region"))
    if not cut & {("plan",), ("plan", "file")}:
        ref = faults.run(resolve_ref, checked, ("plan", "file"), spec.plan.file, path.resolve(), root_path)
        if ref is not None:
            plan_path = Path(ref).resolve()
            plan_doc, plan = faults.run(
                shared_plan, ref, _shown(ref),
                functools.partial(_names_kind, checked, ("plan", "file"), ref, "plan")) or (None, None)
    # no stop here: a fault above hides none below; what needs the region or the plan
    # waits for them

    for i, entry in enumerate(spec.plugins):
        name = entry if isinstance(entry, str) else entry.name
        if name in host.info:
            continue
        left_out = isinstance(entry, str) and name in getattr(host, "installed", ())
        if left_out and name in host.disabled:
            faults.add(checked.fault(("plugins", i), f"plugin {name!r} is left out by "
                                     f"--disable-plugin {name}, and this scenario needs it"))
        elif left_out and host.only is not None and name not in host.only:
            faults.add(checked.fault(("plugins", i), f"plugin {name!r} is not among the plugins "
                                     f"--plugins (or $DRILLSIM_PLUGINS) loads "
                                     f"({', '.join(host.only) or 'none'}), and this scenario needs "
                                     "it; add it there"))
        elif isinstance(entry, str):
            hint = getattr(host, "misplaced_hint", lambda name: "")(name)
            faults.add(checked.fault(("plugins", i), f"plugin {name!r} is not installed or not loaded"
                                     + (hint or suggest(name, host.names())
                                        or "; `drillsim plugins` lists those loaded")))
        else:
            faults.add(checked.fault(("plugins", i, "module"), plugin_module_refused(name, entry.module)))
    forces, reserves, hazards, targets = [], [], [], []
    context = LoadContext(spec, checked, region, {}, {})
    if region is not None:
        forces = _resolve_forces(spec, checked, region, host, faults,
                                 LoadContext(spec, checked, region, {}, {}) if "hazards" not in sections
                                 else None)
        reserves = _resolve_reserves(spec, checked, region, faults)
        context = LoadContext(spec, checked, region, {f.id: f for f in forces}, {r.id: r for r in reserves})
    # a hazard's own checks weigh it against the forces and reserves: not when some were cut
    hazards = _resolve_hazards(spec, checked, host, context, faults,
                               checks=region is not None and not sections & {"forces", "reserves"})
    if plan is not None:
        targets = _resolve_targets(spec, checked, plan, plan_doc, host, faults, context.warnings,
                                   _target_names(spec, region, host))
    if not sections - {"assumptions"}:  # the paths they name may lie in a part cut out
        # ranges are written like the file's own values: an override (a variant, a pack's
        # draw) may write a value another way (0.4 for 40%) without making a range wrong
        _check_assumptions(spec, checked, faults, ranges=not overrides)
    if plan is not None and not sections & {"hazards", "sources"}:
        check_names(spec, checked, host, targets, faults, context.warnings)
    if cut:  # what the checks found inside a part the schema refused follows from that fault
        faults.faults[len(schema_faults):] = consequences_dropped(faults.faults[len(schema_faults):],
                                                                  cut, doc.path)
    faults.raise_if_any()

    used = sorted({host.unit_types.providers[f.unit_type.name] for f in forces}
                  | {host.hazard_types.providers[h.type.name] for h in hazards}
                  | {host.metrics.providers[t.metric.name] for t in targets}
                  | _runtime_plugins(host))
    versions = {"drillsim": host.info[host.DEFAULTS_NAME].version}
    versions.update({name: host.info[name].version for name in used if name in host.info})
    for lib in ("simpy", "pluggy", "numpy"):
        versions[lib] = _version(lib)
    inputs = tuple(p for p in (path.resolve(), *region.files, plan_path) if p is not None)
    return ResolvedScenario(shown, spec, doc, region, plan, targets, forces, hazards, reserves,
                            start, used, versions, dict(overrides or {}), context.warnings, inputs)


#: What stands in for a required section the schema refused, so the other sections are
#: still checked (:func:`~drillsim.scenario.validation.validate_partly`); the file and
#: region references are then not followed.
_PLACEHOLDERS = {"name": "?", "region": "", "start": "2000-01-01T00:00+00:00",
                 "run": {"horizon": "1d"}, "plan": {"file": ""}, "assumptions": []}


def document_kind(data: Any) -> str | None:
    """What kind of drillsim document parsed YAML ``data`` is, by its top-level fields:
    ``sweep``, ``pack`` or ``optimise`` (each names a base ``scenario:``; a drill pack has
    draws, injects or a hazard, an optimise spec a force and its sites), ``hypercube``
    (atoms and units), ``region`` (townships), ``plan`` (targets, no region), ``scenario``
    (forces or a region); None if none of these."""
    if not isinstance(data, dict):
        return None
    if "scenario" in data:
        if {"draws", "injects", "hazard"} & set(data):
            return "pack"
        return "optimise" if {"force", "sites"} <= set(data) else "sweep"
    if "atoms" in data and "units" in data:
        return "hypercube"
    if "townships" in data:
        return "region"
    if "targets" in data and "region" not in data:
        return "plan"
    if "forces" in data or "region" in data:
        return "scenario"
    return None


#: the kinds of drillsim document, each with a JSON Schema ``docs/schemas/KIND.schema.json``
DOCUMENT_KINDS = ("scenario", "plan", "region", "sweep", "pack", "optimise", "hypercube")
_MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=\S*?([A-Za-z]+)\.schema\.json\s*$")


def declared_kind(text: str) -> str | None:
    """The kind a file declares in its editor modeline (``# yaml-language-server:
    $schema=…/hypercube.schema.json`` among its leading comment lines, as ``drillsim
    new-scenario`` and every shipped file write it), else None. It wins over
    :func:`document_kind`, whose guess from the top-level fields a misspelt field can
    mislead (a hypercube spec with ``atom:`` for ``atoms:`` would be read as a scenario)."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("#"):
            return None
        match = _MODELINE.match(line)
        if match and match.group(1).lower() in DOCUMENT_KINDS:
            return match.group(1).lower()
    return None


def _names_kind(doc: Document, where: tuple, ref: Path, kind: str, data: Any) -> None:
    """Nothing if the file ``ref`` (named at ``where``; ``data`` its parsed content) may
    be a ``kind`` document.

    :raises ValidationFailed: it is another kind of drillsim document (located at ``where``).
    """
    other = document_kind(data)
    if other in (None, kind):
        return
    raise ValidationFailed([doc.fault(where, f"{ref.name!r} is a {KIND_NAMES[other]}, not a "
                                             f"{KIND_NAMES[kind]}")])


#: How messages name each kind of document.
KIND_NAMES = {"scenario": "scenario file", "sweep": "sweep file", "pack": "drill pack",
              "region": "region file", "plan": "plan file", "optimise": "optimise spec",
              "hypercube": "hypercube spec"}

#: what takes each kind of document ({name}: the file's name)
_KIND_USE = {"scenario": "run it with: drillsim run {path}", "sweep": "run it with: drillsim batch {path}",
             "pack": "drill it with: drillsim drill {path}", "optimise": "solve it with: drillsim optimise {path}",
             "hypercube": "compute it with: drillsim calc hypercube {path}",
             "region": "a scenario names it (region: {name})", "plan": "a scenario names it (plan: {{file: {name}}})"}
#: the kinds with a top-level ``scenario:``, and the fields only each has: a file with
#: one kind's and none of the others' is plainly of that kind (document_kind's guess
#: between them rests on fields a typo may hide)
_BASED_ON_A_SCENARIO = {"sweep": {"factors", "baseline"},
                        "pack": {"draws", "injects", "hazard"},
                        "optimise": {"force", "sites", "candidates", "units_per_site", "within", "layouts"}}


def refuse_other_kind(doc: Document, path: Path, expected: str) -> None:
    """Nothing unless the document read from ``path`` is plainly another kind of drillsim
    document than ``expected`` (:func:`document_kind`), given to a command that takes
    ``expected``: a sweep given to ``run``, a scenario to ``batch`` or ``optimise``, a
    region to ``coverage`` … They were read as broken files of the kind expected, a
    fault for each field ("scenario: unknown field", "forces: unknown field; did you mean
    'factors'?"), none of them the mistake. A guess that a typo may cause is not acted
    on: a sweep, pack and optimise spec are told apart by fields a misspelt one lacks,
    and a scenario with top-level ``targets:`` and forces is a broken scenario.

    :raises ValidationFailed: one fault naming both kinds and what takes the file.
    """
    kind = document_kind(doc.data)
    if kind in _BASED_ON_A_SCENARIO:
        plainly = [k for k, fields in _BASED_ON_A_SCENARIO.items() if fields & set(doc.data)]
        kind = plainly[0] if len(plainly) == 1 else None
    if kind in (None, expected) or (kind == "plan" and "forces" in doc.data):
        return
    use = _KIND_USE[kind].format(path=path, name=path.name)
    raise ValidationFailed([doc.fault((), f"this is {_a(KIND_NAMES[kind])}, not {_a(KIND_NAMES[expected])}; {use}")])


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _runtime_plugins(host: PluginHost) -> set[str]:
    """Plugins with run-time hooks (dispatch rules, travel times, observers): they can
    change a run's results, so the resolved configuration records them and their version
    even when they provide nothing the scenario names."""
    runtime = {"drillsim_run_started", "drillsim_choose_units", "drillsim_travel_time",
               "drillsim_event", "drillsim_run_finished"}
    return {name for name, info in host.info.items()
            if name != host.DEFAULTS_NAME and runtime & set(info.hooks)}


def plugin_module_refused(name: str, module: str) -> str:
    """Why a plugin a scenario names by module is not loaded, and the fix."""
    return (f"plugin {name!r} would be imported from {module!r}, which only this scenario names; "
            "drillsim imports a module named in a scenario only when you allow it: pass "
            "--allow-plugin-module (or install the plugin as a package, found by its entry point)")


@functools.lru_cache(maxsize=None)  # read once per process: every variant of a sweep asks
def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "?"


def _apply_overrides(doc: Document, overrides: dict[str, Any]) -> None:
    faults = []
    for dotted, value in overrides.items():
        try:
            path = parse_dotted(dotted)
        except ValueError as exc:
            faults.append(Fault(doc.path, 0, 0, dotted, str(exc)))
            continue
        ok, why = find_parent(doc.data, path)
        if not ok:
            faults.append(Fault(doc.path, 0, 0, dotted, f"override: {why}"))
            continue
        try:
            apply_override(doc.data, path, copy.deepcopy(value))
        except (KeyError, IndexError, TypeError, StopIteration):
            faults.append(Fault(doc.path, 0, 0, dotted, f"override: {_why_not_settable(doc.data, path)}"))
            continue
        # what the file wrote there is gone: a message must quote the new value, not it
        at = index_form(doc.data, path)
        for written in [p for p in doc.raw if p[:len(at)] == at]:
            del doc.raw[written]
    if faults:
        raise ValidationFailed(faults)


def with_zone(start: dt.datetime) -> str:
    """``start`` (no time zone) written with China Standard Time, in the form
    :func:`datetime.datetime.fromisoformat` reads back: a date alone gains ``T00:00``
    (``'2020-08-15+08:00'`` is not a valid date and time)."""
    spec = "minutes" if start.second == 0 and start.microsecond == 0 else "auto"
    cst = dt.timezone(dt.timedelta(hours=8))
    return start.replace(tzinfo=cst).isoformat(timespec=spec)


def _parse_start(text: str, doc: Document, faults: Collector) -> dt.datetime:
    try:
        start = dt.datetime.fromisoformat(text)
    except ValueError:
        faults.add(doc.fault(("start",), f"{text!r} is not a date and time; write e.g. "
                                          "'2020-08-16T00:00+08:00' (in quotes)"))
        return dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    if start.tzinfo is None:
        faults.add(doc.fault(("start",), f"{text!r} has no time zone; add it, e.g. "
                                          f"'{with_zone(start)}' for China Standard Time"))
    return start


def _check_clock_range(start: dt.datetime, horizon: float, doc: Document, faults: Collector) -> None:
    """Refuse a start whose run (start to start + ``horizon`` minutes) leaves the dates a
    clock can show (years 1 to 9999, in UTC and in the start's own zone): the reports and
    the drill's clock write the date of every event, and a run ending past 9999-12-31
    could not be reported (Python's :class:`datetime.datetime` range)."""
    try:
        end = start + dt.timedelta(minutes=horizon)
        for when in (start, end):
            when.astimezone(dt.timezone.utc)
    except OverflowError:
        faults.add(doc.fault(("start",), f"{start.isoformat(timespec='minutes')!r}: the run, from "
                                          "the start to the start plus run.horizon, leaves the "
                                          "dates a clock can show (years 1 to 9999, in UTC too); "
                                          "give a start such as '2020-08-16T00:00+08:00'"))


def _check_unique(doc: Document, section: str, ids: list[str], faults: Collector) -> None:
    first: dict[str, int] = {}
    for i, item in enumerate(ids):
        if item in first:
            faults.add(doc.fault((section, i, "id"), f"id {item!r} is used twice in {section} "
                                                     f"(first at {section}[{first[item]}])"))
        first.setdefault(item, i)


@dataclass
class LoadContext:
    """What a hazard's ``check`` may consult: the scenario, its region, forces, reserves;
    and where it may note warnings (things that are valid but probably not meant)."""

    spec: ScenarioFile
    doc: Document
    region: Region
    forces: dict[str, ResolvedForce]
    reserves: dict[str, ResolvedReserve]
    warnings: list[Fault] = field(default_factory=list)
    prefix: tuple = ()

    def can_serve(self, kind: str, capability: str) -> bool:
        """Whether any unit of the scenario brings ``capability`` to incidents of ``kind``."""
        return any(u.capabilities.get(capability, 0) > 0 and (u.serves is None or kind in u.serves)
                   for f in self.forces.values() for u in f.units)

    def warn(self, path: tuple, message: str) -> None:
        """A warning at ``path`` relative to the hazard's ``params`` being checked."""
        self.warnings.append(self.doc.fault(self.prefix + tuple(path), message))


def _params(model: type[BaseModel] | None, data: dict, doc: Document, where: tuple,
            faults: Collector, what: str) -> BaseModel | None:
    if model is None:
        if data:
            faults.add(doc.fault(where, f"{what} takes no params"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for fault in faults_from(exc, doc, model, where):
            faults.add(fault)
        return None


def _place_ok(region: Region, place: str, doc: Document, where: tuple, faults: Collector) -> bool:
    if place in region.places:
        return True
    faults.add(doc.fault(where, f"unknown place {place!r}: not a township or site of the region"
                         + suggest(place, list(region.places))))
    return False


def _counted(f: ForceSpec, as_of: str | None) -> bool:
    """Whether a force takes part: by the scenario's ``forces_as_of`` view of the plan
    (``built``: not if planned or under construction; ``plan_complete``: every force),
    else by its own ``enabled``."""
    if as_of == "built":
        return f.enabled and f.status not in ("planned", "under_construction")
    if as_of == "plan_complete":
        return True
    return f.enabled


def _resolve_forces(spec: ScenarioFile, doc: Document, region: Region, host: PluginHost,
                    faults: Collector, context: LoadContext | None = None) -> list[ResolvedForce]:
    """The scenario's forces with their units; with ``context``, each force's
    ``UnitType.check`` weighs its params against the region and the scenario's hazards
    (None: the hazards were cut by a schema fault, so a check could only repeat it)."""
    out = []
    seen: set[str] = set()
    unit_ids: set[str] = set()
    for i, f in enumerate(spec.forces):
        where = ("forces", i)
        if f.id in seen:
            faults.add(doc.fault(where + ("id",), f"force id {f.id!r} is used twice"))
        seen.add(f.id)
        if f.type not in host.unit_types:
            faults.add(doc.fault(where + ("type",), f"unknown unit type {f.type!r}"
                                 + _hint(f.type, host.unit_types.names(), "unit types", host, "unit_types")))
            continue
        utype: UnitType = host.unit_types[f.type]
        params = _params(utype.params_model, f.params, doc, where + ("params",), faults,
                         f"unit type {f.type!r}")
        if utype.check is not None and params is not None and context is not None:
            context.prefix = where + ("params",)
            _plugin_check(utype.check, params, context, doc, where + ("params",), faults,
                          host.unit_types.providers[f.type], f"unit type {f.type!r}")
        bases = _bases(f, doc, where, region, faults)
        vehicle = f.vehicle or utype.vehicle
        if utype.mode == "road" and vehicle not in region.speeds:
            faults.add(doc.fault(where + (("vehicle",) if f.vehicle else ("type",)),
                                 f"vehicle class {vehicle!r} is not in the region's travel.vehicles"
                                 + suggest(vehicle, list(region.speeds))))
        if bases is not None and region.graph is not None and utype.mode == "road":
            _check_reachable(f, bases, region, doc, where, faults)
        if not _counted(f, spec.forces_as_of) or bases is None:
            continue
        capabilities = {**utype.capabilities, **f.capabilities}
        turnout = utype.turnout if f.turnout is None else f.turnout
        serves = frozenset(f.serves) if f.serves else None
        plans = []
        for k, (unit_id, base) in enumerate(bases):
            if unit_id in unit_ids:
                faults.add(doc.fault(where + ("id",), f"unit id {unit_id!r} clashes with another force's unit"))
            unit_ids.add(unit_id)
            plans.append(UnitPlan(unit_id, base, capabilities, vehicle, utype.mode, turnout, serves, f.area))
        if "turnout_by_time" in f.model_fields_set:
            bands = tuple((b.start, b.end, b.turnout) for b in f.turnout_by_time)
        else:
            bands = utype.turnout_bands()
        out.append(ResolvedForce(f.id, utype, params, f, plans, bands))
    return out


def _check_reachable(f: ForceSpec, bases: list[tuple[str, str]], region: Region, doc: Document,
                     where: tuple, faults: Collector) -> None:
    """With a road graph, every base must reach every township by road."""
    import math

    for base in sorted({b for _, b in bases}):
        cut_off = [t for t in region.townships
                   if math.isinf(region.road_km(region.place(base), region.place(t)))]
        if cut_off:
            field = ("base",) if f.base is not None else ("bases",) if f.bases is not None else ("townships",)
            faults.add(doc.fault(where + field, f"base {base!r} cannot reach {', '.join(cut_off)} by road "
                                                f"(no path in the region's road graph)"))


def _bases(f: ForceSpec, doc: Document, where: tuple, region: Region,
           faults: Collector) -> list[tuple[str, str]] | None:
    """[(unit id, base place id)] for a force entry, or None after a fault."""
    given = [x for x in ("base", "bases", "per_township") if getattr(f, x) not in (None, False)]
    if len(given) != 1:
        faults.add(doc.fault(where, "give exactly one of base, bases or per_township: true"
                             + (f" (got {', '.join(given)})" if given else "")))
        return None
    if f.townships is not None and not f.per_township:
        faults.add(doc.fault(where + ("townships",), "townships is only used with per_township: true"))
    if f.base is not None:
        if not _place_ok(region, f.base, doc, where + ("base",), faults):
            return None
        if f.units == 1:
            return [(f.id, f.base)]
        return [(f"{f.id}-{k + 1}", f.base) for k in range(f.units)]
    if f.bases is not None:
        if len(f.bases) != f.units:
            faults.add(doc.fault(where + ("bases",), f"{len(f.bases)} bases given for {f.units} units; "
                                                      "give one base per unit"))
            return None
        ok = all([_place_ok(region, b, doc, where + ("bases", k), faults) for k, b in enumerate(f.bases)])
        return [(f"{f.id}-{k + 1}", b) for k, b in enumerate(f.bases)] if ok else None
    towns = f.townships if f.townships is not None else list(region.townships)
    ok = True
    for k, town in enumerate(towns):
        if town not in region.townships:
            ok = False
            faults.add(doc.fault(where + ("townships", k), f"unknown township {town!r}"
                                 + suggest(town, list(region.townships))))
    if not ok:
        return None
    if f.units == 1:
        return [(f"{f.id}.{town}", town) for town in towns]
    return [(f"{f.id}.{town}-{k + 1}", town) for town in towns for k in range(f.units)]


def _left_out(host: PluginHost, registry: str, word: str) -> str:
    """``": the installed plugin 'x' provides it, and --plugins … leaves that plugin out"``
    when an installed plugin the selection (``--plugins``, ``$DRILLSIM_PLUGINS``,
    ``--disable-plugin``) leaves out registers ``word`` in ``registry`` (``"unit_types"``,
    ``"hazard_types"``, ``"metrics"``); else ``""``."""
    provider = getattr(host, "left_out_provider", lambda r, n: None)(registry, word)
    if provider is None:
        return ""
    how = (f"--disable-plugin {provider}" if provider in getattr(host, "disabled", ())
           else "--plugins (or $DRILLSIM_PLUGINS)")
    return f": the installed plugin {provider!r} provides it, and {how} leaves that plugin out"


def _hint(word: str, names: list[str], what: str, host: PluginHost | None = None,
          registry: str = "") -> str:
    """Where ``word`` is (:func:`_left_out`); else a "did you mean" if one is close, else
    the list of what the loaded plugins offer."""
    return ((_left_out(host, registry, word) if host is not None else "") or suggest(word, names)
            or f" (loaded plugins provide these {what}: {', '.join(names) or 'none'})")


def _resolve_reserves(spec: ScenarioFile, doc: Document, region: Region,
                      faults: Collector) -> list[ResolvedReserve]:
    out = []
    for i, r in enumerate(spec.reserves):
        holdings = {"district": float(r.district)}
        towns = list(region.townships) if r.townships == "all" else r.townships
        for k, town in enumerate(towns):
            if town not in region.townships:
                faults.add(doc.fault(("reserves", i, "townships", k), f"unknown township {town!r}"
                                     + suggest(town, list(region.townships))))
            elif r.per_township:
                holdings[town] = float(r.per_township)
        out.append(ResolvedReserve(r.id, r.unit, holdings, r))
    return out


def _resolve_hazards(spec: ScenarioFile, doc: Document, host: PluginHost, context: LoadContext,
                     faults: Collector, checks: bool = True) -> list[ResolvedHazard]:
    out = []
    for i, h in enumerate(spec.hazards):
        where = ("hazards", i)
        if h.type not in host.hazard_types:
            faults.add(doc.fault(where + ("type",), f"unknown hazard type {h.type!r}"
                                 + _hint(h.type, host.hazard_types.names(), "hazard types", host,
                                         "hazard_types")))
            continue
        htype: HazardType = host.hazard_types[h.type]
        params = _params(htype.params_model, h.params, doc, where + ("params",), faults,
                         f"hazard type {h.type!r}")
        if params is None:
            continue
        if htype.check is not None and checks:
            context.prefix = where + ("params",)
            _plugin_check(htype.check, params, context, doc, where + ("params",), faults,
                          host.hazard_types.providers[h.type], f"hazard type {h.type!r}")
        if h.enabled:
            out.append(ResolvedHazard(h.id, htype, params, h))
    return out


def _plugin_check(check, params, context, doc: Document, where: tuple, faults: Collector,
                  plugin: str, what: str) -> None:
    """A record's ``check(params, context)``: each ``(path, message)`` it yields is a
    fault at ``where`` + path. A check that raises, or yields something else, is the
    plugin's fault: reported at ``where`` naming the plugin (not a traceback)."""
    try:
        for item in check(params, context):
            if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], str)):
                faults.add(doc.fault(where, f"plugin {plugin!r}: the check of {what} yielded "
                                            f"{item!r}; it yields (path, message) pairs"))
                return
            sub, message = item
            faults.add(doc.fault(where + tuple(sub), message))
    except Exception as exc:
        faults.add(doc.fault(where, f"plugin {plugin!r} failed checking these params of {what}: "
                                    f"{type(exc).__name__}: {exc} (a fault of the plugin, not "
                                    "of this file)"))


def _threshold(metric: Metric, value: Any) -> float:
    if metric.quantity == "time":
        return parse_quantity(value, "time", allow_negative=True)
    if metric.quantity == "share":
        return parse_fraction(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number of {metric.quantity}, got {value!r}")
    return float(value)


#: labels a count may carry (no conversion): what it counts, for the reader
COUNT_LABELS = ("person-days", "per million", "per 100,000", "m", "mm", "buildings", "points")
_DISPLAY = {"time": ("min", "h", "d"), "share": ("%",), "count": ("count", "units", "people", *COUNT_LABELS),
            "people": ("people",), "units": ("units", "count"), "area": ("ha",)}
_DEFAULT_DISPLAY = {"time": "min", "share": "%", "count": "count", "people": "people", "units": "units",
                    "area": "ha"}


def target_cannot_change(metric: Metric, statistic: str, comparison: str, threshold: float) -> str | None:
    """Whether ``statistic comparison threshold`` on ``metric`` holds whatever happens
    (``"never fail"``) or never can (``"never pass"``), else None.

    The bounds are those the scorecard knows (:mod:`drillsim.scoring.scorecard`): the
    metric's floor (:attr:`Metric.floor`: 0 for counts, people, shares, areas, and for
    times that cannot be negative), 0 for a ``count`` statistic, and 1 (100 %) above a
    share unless the statistic is a ``sum`` or a ``count``. A value equal to its bound
    meets ``<=`` and ``>=`` (as :func:`~drillsim.scoring.scorecard.meets` counts it).
    """
    floor = 0.0 if statistic == "count" else metric.floor
    top = 1.0 if metric.quantity == "share" and statistic not in ("sum", "count") else None
    if floor is not None:
        if (comparison == ">=" and threshold <= floor) or (comparison == ">" and threshold < floor):
            return "never fail"
        if (comparison == "<" and threshold <= floor) or (comparison == "<=" and threshold < floor):
            return "never pass"
    if top is not None:
        if (comparison == "<=" and threshold >= top) or (comparison == "<" and threshold > top):
            return "never fail"
        if (comparison == ">" and threshold >= top) or (comparison == ">=" and threshold > top):
            return "never pass"
    return None


def _passes_by_ending(metric: Metric, statistic: str, comparison: str, threshold: float,
                      horizon: float) -> bool:
    """Whether a time goal ``comparison threshold`` (minutes) cannot be missed for want of
    time in a run of ``horizon`` minutes: a time still running at the end is counted at the
    horizon (a lower bound: a fire not contained, an incident no unit reached), and a
    goal of at least the horizon then meets it. Not for a ``sum`` or a ``count``."""
    return (metric.quantity == "time" and statistic not in ("sum", "count")
            and (comparison == "<=" and threshold >= horizon
                 or comparison == "<" and threshold > horizon))


def _cannot_change_text(tid: str, metric: Metric, statistic: str, comparison: str, written: Any,
                        outcome: str) -> str:
    floor = 0.0 if statistic == "count" else metric.floor
    what = f"the {statistic} of {metric.name}"
    if outcome == "never fail" and comparison in (">=", ">") or outcome == "never pass" and comparison in ("<", "<="):
        bound = f"is never below {floor:g}" + (" min" if metric.quantity == "time" and statistic != "count" else "")
    else:
        bound = "is a share, never above 100 %"
    holds = "always holds" if outcome == "never fail" else "never holds"
    return (f"target {tid!r} can {outcome}: {what} {bound}, so '{comparison} {written}' {holds}; "
            "check the comparison and the threshold")


def _target_names(spec: ScenarioFile, region: Region | None, host) -> tuple[dict[str, set[str]], bool]:
    """What a target's params may name in this scenario (:func:`check_target_refs`), and
    whether the incident kinds are known for sure."""
    kinds, certain = known_kinds(spec, host)
    known = {"force": {f.id for f in spec.forces}, "hazard": {h.id for h in spec.hazards},
             "reserve": {r.id for r in spec.reserves}, "incident kind": kinds}
    if region is not None:
        known["township"] = set(region.townships)
    return known, certain


def _resolve_targets(spec: ScenarioFile, doc: Document, plan: PlanFile, plan_doc: Document,
                     host: PluginHost, faults: Collector, warnings: list[Fault],
                     names: tuple[dict[str, set[str]], bool] | None = None) -> list[ResolvedTarget]:
    """The targets the scenario chooses, from the plan file and its own ``extra_targets``,
    with overrides applied and checked; ``names``: :func:`_target_names`, to check what
    their params name."""
    check_plan(plan, plan_doc, faults)
    by_id = {}
    for i, t in enumerate(plan.targets):
        by_id.setdefault(t.id, (t, plan_doc, ("targets", i)))
    for i, t in enumerate(spec.plan.extra_targets):
        if t.id in by_id:
            faults.add(doc.fault(("plan", "extra_targets", i, "id"),
                                 f"target {t.id!r} is already in the plan file; use overrides"))
        by_id[t.id] = (t, doc, ("plan", "extra_targets", i))
        check_item_refs(t.plan_items, doc, ("plan", "extra_targets", i, "plan_items"), plan, faults)
    chosen = spec.plan.targets if spec.plan.targets is not None else [t.id for t in plan.targets]
    chosen = list(chosen) + [t.id for t in spec.plan.extra_targets if t.id not in chosen]
    for k, tid in enumerate(spec.plan.targets or []):
        if tid not in by_id:
            faults.add(doc.fault(("plan", "targets", k), f"no target {tid!r} in the plan file"
                                 + suggest(tid, list(by_id))))
    for tid in spec.plan.overrides:
        if tid not in by_id:
            faults.add(doc.fault(("plan", "overrides", tid), f"no target {tid!r} to override"
                                 + suggest(tid, list(by_id)), key=True))
        elif spec.plan.overrides[tid].plan_items is not None:
            check_item_refs(spec.plan.overrides[tid].plan_items, doc,
                            ("plan", "overrides", tid, "plan_items"), plan, faults)
    out = []
    for tid in chosen:
        if tid not in by_id:
            continue
        base, tdoc, where = by_id[tid]
        override = spec.plan.overrides.get(tid)
        merged = base.model_dump()
        if override is not None:
            changes = override.model_dump(exclude_unset=True)
            merged["params"] = {**base.params, **changes.pop("params", {})}
            merged.update(changes)
        # report a fault where the value was written: the override if it set the field
        def at(field_name: str):
            if override is not None and field_name in override.model_fields_set:
                return doc, ("plan", "overrides", tid, field_name)
            return tdoc, where + (field_name,)

        if merged["metric"] not in host.metrics:
            d, w = at("metric")
            faults.add(d.fault(w, f"unknown metric {merged['metric']!r}"
                               + (_left_out(host, "metrics", merged["metric"])
                                  or suggest(merged["metric"], host.metrics.names()))))
            continue
        metric: Metric = host.metrics[merged["metric"]]
        d, w = at("params")
        params = _params(metric.params_model, merged["params"], d, w, faults, f"metric {metric.name!r}")
        if names is not None:
            check_target_refs(tid, params, d, w, names[0], names[1], faults, warnings,
                              strict=d is doc)
        threshold = None
        if (merged["threshold"] is None) != (merged["comparison"] is None):
            d, w = at("threshold")
            faults.add(d.fault(w[:-1], "give both comparison and threshold, or neither "
                                       "(an information row)"))
        elif merged["threshold"] is not None:
            d, w = at("threshold")
            try:
                threshold = _threshold(metric, merged["threshold"])
            except ValueError as exc:
                faults.add(d.fault(w, str(exc)))
            else:
                statistic = merged["statistic"] or metric.statistic
                outcome = target_cannot_change(metric, statistic, merged["comparison"], threshold)
                if outcome is not None:  # valid, but a row whose result is known before any run
                    warnings.append(d.fault(w, _cannot_change_text(
                        tid, metric, statistic, merged["comparison"], merged["threshold"], outcome)))
                elif _passes_by_ending(metric, statistic, merged["comparison"], threshold,
                                       spec.run.horizon):
                    warnings.append(d.fault(w, (
                        f"target {tid!r}: its goal '{merged['comparison']} {merged['threshold']}' is "
                        f"not shorter than run.horizon ({spec.run.horizon:g} min): a fire "
                        "or an incident still open at the end is only known to take longer than the run, "
                        "and a row meeting the goal only so is 'not judged'; lengthen run.horizon")))
        unit = merged["unit"] or _DEFAULT_DISPLAY[metric.quantity]
        if unit not in _DISPLAY[metric.quantity]:
            d, w = at("unit")
            faults.add(d.fault(w, f"unit {unit!r} does not fit metric {metric.name!r} "
                                  f"({metric.quantity}); use one of {', '.join(_DISPLAY[metric.quantity])}"))
        scale = TIME_UNITS.get(unit, 0.01 if unit == "%" else 1.0)
        rate = merged["required_pass_rate"]
        out.append(ResolvedTarget(
            tid, merged["title"], merged["section"], metric, params,
            merged["statistic"] or metric.statistic, merged["comparison"], threshold, unit, scale,
            plan.required_pass_rate if rate is None else rate, bool(merged["by_label"]),
            merged["source"], merged["note"], tuple(merged["plan_items"] or ()),
            merged["fails_by_design"], host.metrics.providers[metric.name],
            not host.builtin(host.metrics.providers[metric.name])))
    return out


def _check_assumptions(spec: ScenarioFile, doc: Document, faults: Collector, ranges: bool = True) -> None:
    """Every ``applies_to`` names something in the scenario; with ``ranges``, every
    ``range`` fits the numbers it names (:func:`drillsim.scenario.ranges.range_faults`)."""
    for i, a in enumerate(spec.assumptions):
        refs = [a.applies_to] if isinstance(a.applies_to, str) else (a.applies_to or [])
        bad = False
        for k, ref in enumerate(refs):
            where = ("assumptions", i, "applies_to") + ((k,) if isinstance(a.applies_to, list) else ())
            try:
                path = parse_dotted(ref)
            except ValueError as exc:
                faults.add(doc.fault(where, str(exc)))
                bad = True
                continue
            ok, why = find_path(doc.data, path)
            if not ok:
                faults.add(doc.fault(where, f"{ref!r} names nothing in this scenario: {why}"))
                bad = True
        if ranges and a.range is not None and not bad:
            from drillsim.scenario.ranges import range_faults

            for where, message in range_faults(doc.data, a.applies_to, a.range, parse_dotted):
                faults.add(doc.fault(("assumptions", i) + where, message))
