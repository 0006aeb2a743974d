"""Sweep files: a base scenario and the variants of it to compare.

A sweep file (YAML, read strictly like a scenario) names a base ``scenario:`` (relative
to the sweep file, inside the scenario folder) and either ``factors:`` — each a dotted
path into the scenario with a list of ``values:``, or a list of named ``levels:`` that
set several paths at once — expanded full-factorially, or an explicit list of named
``variants:``. Paths address list items by index or by id
(``forces.township_teams.capabilities.people``, ``forces[5].units``).

Everything is checked before anything runs: the file itself, every path, and every
variant is loaded and validated as a scenario (:func:`drillsim.scenario.loader.load_scenario`
with the variant's overrides). A fault a variant's value causes is reported at the line
of the sweep file where that value was written, ``path:line:column: field: message``.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from drillsim.batch.cost import scenario_cost
from drillsim.engine.streams import name_key
from drillsim.errors import Fault, ValidationFailed
from drillsim.host.pluginhost import PluginHost
from drillsim.scenario.loader import (
    KIND_NAMES,
    ResolvedScenario,
    document_kind,
    find_parent,
    index_form,
    load_scenario,
    parse_dotted,
    refuse_other_kind,
    resolve_ref,
    scenario_root,
)
from drillsim.scenario.schema import Assumption
from drillsim.scenario.validation import Collector, Strict, Words, suggest, validate
from drillsim.scenario.yamlsource import Document, PathKey, load_yaml, read_once, read_text

#: Variants a sweep may expand to unless it sets ``max_variants``.
DEFAULT_MAX_VARIANTS = 200
#: The most ``max_variants`` may be raised to.
HARD_MAX_VARIANTS = 10_000
FACTOR_NAME = r"^[a-z][a-z0-9_]*$"


# ---------------------------------------------------------------- file schema
class LevelSpec(Strict):
    """One named level of a factor: the scenario paths it sets and their values."""

    name: str = Field(min_length=1)
    """Level name (as results and the baseline name it)."""
    set: dict[str, Any] = Field(min_length=1)
    """Scenario paths and the values this level gives them (`forces.township_teams.capabilities.people: 10`)."""
    note: str | None = None
    """Free text for readers."""


class FactorSpec(Strict):
    """A factor: ``path`` with ``values``, or named ``levels`` (each setting paths)."""

    path: str | None = None
    """The scenario path this factor sets (`forces.water_rescue.base`)."""
    values: list[Any] | None = None
    """Its values, one level each (durations with units)."""
    levels: list[LevelSpec] | None = None
    """Named levels instead, each setting one or more paths."""
    note: str | None = None
    """Free text for readers."""


class VariantSpec(Strict):
    """An explicitly named variant: the scenario paths it sets."""

    name: str = Field(min_length=1)
    """Variant name."""
    set: dict[str, Any] = {}
    """Scenario paths and values."""
    note: str | None = None
    """Free text for readers."""


class ObjectiveSpec(Strict):
    """What variants are ranked by.

    ``measure``: ``mean`` of ``target``'s per-replication value, ``pass_rate`` of
    ``target``, or ``targets_failed``: the number of scorecard rows with a threshold that
    a replication fails (a row with nothing to measure in a replication fails nothing;
    no ``target``). ``goal`` defaults from the target's comparison (``<=`` → minimize)
    for ``mean``; a pass rate is maximized, targets failed minimized.
    """

    measure: Literal["mean", "pass_rate", "targets_failed"]
    """`mean` or `pass_rate` of `target`, or `targets_failed`."""
    target: str | None = None
    """The target id for `mean` and `pass_rate`."""
    goal: Literal["minimize", "maximize"] | None = None
    """`minimize` or `maximize` (default from the target's comparison)."""


class SweepFile(Strict):
    """Schema of a sweep file (``scenarios/sweeps/*.yaml``)."""

    name: Words
    """Sweep name."""
    description: str | None = None
    """What the sweep asks."""
    scenario: str
    """The base scenario file, relative to this file."""
    seed: int | None = Field(default=None, ge=0)
    """Base seed (default: the scenario's)."""
    replications: int | None = Field(default=None, ge=1, le=100_000)
    """Replications per variant (default: the scenario's)."""
    common_random_numbers: bool = True
    """Replication r of every variant draws the same random streams (`false`: independent streams)."""
    max_variants: int = Field(default=DEFAULT_MAX_VARIANTS, ge=1, le=HARD_MAX_VARIANTS)
    """The most variants the factors may expand to (at most 10,000)."""
    set: dict[str, Any] = {}
    """Paths set in every variant."""
    factors: dict[str, FactorSpec] | None = None
    """Factors, expanded full-factorially into variants."""
    variants: list[VariantSpec] | None = None
    """Explicit variants instead of factors."""
    baseline: str | dict[str, Any] | None = None
    """The variant compared against: `{factor: level}` or a variant name (default: the first)."""
    objective: ObjectiveSpec
    """What variants are ranked by."""
    cost_unit: str | None = None
    """Unit of the forces' and reserves' costs (`10k CNY/year, assumed`)."""
    assumptions: list[Assumption] = []
    """Values the sweep assumes (its costs), with reasons."""


# ---------------------------------------------------------------- resolved sweep
@dataclass(frozen=True)
class Setting:
    """One override: ``dotted`` path into the scenario set to ``value``.

    ``value_at`` is where the value was written in the sweep file; ``path_at`` where the
    path was (``path_is_key``: the path is a mapping key there); ``source`` says which
    part of the sweep it comes from (``set``, ``factor NAME``, ``variant NAME``).
    """

    dotted: str
    path: tuple
    value: Any
    value_at: PathKey
    path_at: PathKey
    path_is_key: bool
    source: str


@dataclass
class Variant:
    """One configuration to run: its overrides, seed and loaded scenario.

    :ivar levels: ``{factor: level name}`` (empty for explicitly listed variants).
    :ivar cost: total cost (see :mod:`drillsim.batch.cost`), None if nothing has a cost.
    """

    index: int
    name: str
    levels: dict[str, str]
    settings: list[Setting]
    at: PathKey
    seed: int = 0
    scenario: ResolvedScenario | None = None
    cost: float | None = None

    @property
    def overrides(self) -> dict[str, Any]:
        """``{dotted path: value}`` in the order applied (the sweep's ``set`` first)."""
        out: dict[str, Any] = {}
        for s in self.settings:
            out[s.dotted] = s.value
        return out


@dataclass(frozen=True)
class Objective:
    """The measure variants are ranked by (see :class:`ObjectiveSpec`)."""

    measure: str
    target: str | None
    goal: str

    def describe(self) -> str:
        what = {"mean": f"{self.target} mean", "pass_rate": f"{self.target} pass rate",
                "targets_failed": "targets failed per replication"}[self.measure]
        return f"{what} ({'lower' if self.goal == 'minimize' else 'higher'} is better)"


@dataclass
class Sweep:
    """A validated sweep: every variant loaded.

    :ivar scenario_path: the base scenario file; :ivar root: the folder it and the files
        it names must stay in.
    :ivar seed: base seed (the sweep's ``seed`` or the scenario's ``run.seed``); with
        common random numbers every variant uses it, otherwise each variant gets its own.
    """

    path: str
    text: str
    spec: SweepFile
    doc: Document
    scenario_path: Path
    root: Path
    variants: list[Variant]
    baseline: int
    objective: Objective
    seed: int
    replications: int
    plugins: list[str] = field(default_factory=list)
    #: the host the variants were checked with (its plugin modules go to the workers)
    host: PluginHost | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def crn(self) -> bool:
        return self.spec.common_random_numbers

    @property
    def factors(self) -> list[str]:
        return list(self.spec.factors or {})

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def level_name(value: Any) -> str:
    """The name a factor value gets in variant names: the value as written (YAML
    ``true``/``false``/``null`` for those), or compact JSON for lists and mappings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def variant_seed(base: int, name: str, common: bool) -> int:
    """A variant's base seed: ``base`` with common random numbers; otherwise a seed of
    its own drawn from ``SeedSequence([base, stable hash of the name])``, so variants
    see independent streams (used to show what common random numbers gain)."""
    if common:
        return base
    return int(np.random.SeedSequence([base, name_key(name)]).generate_state(1, np.uint64)[0] >> 1)


# ---------------------------------------------------------------- loading
def load_sweep(path: str | Path, host: PluginHost) -> Sweep:
    """Load and validate a sweep file and every variant it expands to, each file read
    from disk once (:func:`~drillsim.scenario.yamlsource.read_once`: every variant loads
    the same scenario, region and plan files, and sees one text of each).

    :param path: the sweep YAML.
    :param host: the plugin host the variants are checked (and later run) with.
    :raises ValidationFailed: every fault found, located in the sweep file (or, for the
        base scenario's own faults, in the scenario's files).
    :raises PluginError: a plugin cannot be loaded.
    """
    with read_once():
        return _load_sweep(Path(path), host)


def _load_sweep(path: Path, host: PluginHost) -> Sweep:
    shown = str(path)
    doc = load_yaml(path, shown)
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.fault((), "a sweep file must be a mapping of fields "
                                               "(name:, scenario:, factors: …)")])
    refuse_other_kind(doc, Path(path), "sweep")
    text = read_text(path, shown)  # the checked reader, as load_yaml read it
    spec = validate(SweepFile, doc)
    faults = Collector()
    common = _settings(doc, spec.set, ("set",), "set", faults)
    plans = _expand(spec, doc, faults)
    faults.raise_if_any()

    root = scenario_root(path)
    scenario_path = resolve_ref(doc, ("scenario",), spec.scenario, path.resolve(), root)
    base_doc = load_yaml(scenario_path, _shown(scenario_path))
    kind = document_kind(base_doc.data)
    if kind in ("sweep", "pack", "region", "plan", "optimise"):
        raise ValidationFailed([doc.fault(("scenario",), f"{scenario_path.name!r} is a "
                                                         f"{KIND_NAMES[kind]}, not a scenario file")])
    if isinstance(base_doc.data, dict):
        for setting in common + [s for _, _, settings, _ in plans for s in settings]:
            ok, why = find_parent(base_doc.data, setting.path)
            if not ok:
                faults.add(doc.fault(setting.path_at, f"{setting.dotted!r}: {why}",
                                     key=setting.path_is_key))
        _check_clashes(doc, plans, base_doc.data, faults)
    _check_run_settings(doc, plans, faults)
    faults.raise_if_any()

    seed_override = spec.seed
    # the base scenario with the sweep's common settings: its own faults stay where they are
    base = _load(scenario_path, root, host, common, seed_override, doc, (), "the base scenario",
                 base_doc, faults, own_faults=True)
    faults.raise_if_any()
    seed = spec.seed if spec.seed is not None else base.seed
    variants = []
    refused = Collector()
    for i, (name, levels, settings, at) in enumerate(plans):
        v = Variant(i, name, levels, common + settings, at)
        v.seed = variant_seed(seed, name, spec.common_random_numbers)
        v.scenario = _load(scenario_path, root, host, v.settings, v.seed, doc, at,
                           f"variant {name!r}", base_doc, refused)
        if v.scenario is not None:
            v.cost = scenario_cost(v.scenario)
        variants.append(v)
    if refused.faults and spec.factors and len(spec.factors) > 1:
        # each level on its own: a fault is then pinned to the one value causing it, and
        # said once, not in every variant with that value (only when a variant is refused:
        # a level that is valid in every variant it is in is not loaded on its own)
        for fname, factor_settings in _levels_by_factor(plans).items():
            for level, settings in factor_settings.items():
                _load(scenario_path, root, host, common + settings, seed_override, doc,
                      settings[0].value_at, f"{fname}={level}", base_doc, faults)
        faults.raise_if_any()
    refused.raise_if_any()
    _check_same_configurations(doc, variants, faults)
    faults.raise_if_any()

    baseline = _baseline(spec, doc, variants, faults)
    objective = _objective(spec, doc, variants, faults)
    faults.raise_if_any()
    replications = spec.replications or base.replications
    return Sweep(shown, text, spec, doc, scenario_path, root, variants, baseline, objective,
                 seed, replications, host.names(), host)


def _resolved_key(scenario: ResolvedScenario) -> str:
    """The scenario a variant runs, as read: its fields and its hazards' and forces' params
    after their types parsed them (``5`` and ``5.0``, ``1h`` and ``60min``, ``2/h`` and
    ``48/d``, a helicopter's ``236km/h`` and ``236.0km/h`` give the same key; floats to 12
    significant digits), as JSON."""
    fields = scenario.spec.model_dump(mode="json")
    for entry in (*(fields.get("hazards") or ()), *(fields.get("forces") or ())):
        entry.pop("params", None)  # as written: the parsed params are below
    return json.dumps(_rounded({"scenario": fields,
                                "hazards": [h.params.model_dump(mode="json") for h in scenario.hazards],
                                "forces": [None if f.params is None else f.params.model_dump(mode="json")
                                           for f in scenario.forces]}),
                      sort_keys=True, ensure_ascii=False, default=str)


def _rounded(data: Any) -> Any:
    """``data`` with every float to 12 significant digits: a unit's conversion leaves the
    last bits to chance (``48/d`` reads as 0.033333333333333326 per minute, ``2/h`` as
    0.03333333333333333)."""
    if isinstance(data, float):
        return float(f"{data:.12g}")
    if isinstance(data, dict):
        return {k: _rounded(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_rounded(v) for v in data]
    return data


def _check_same_configurations(doc: Document, variants: list[Variant], faults: Collector) -> None:
    """Two variants that run the same scenario: a level (or variant) that repeats another
    written another way (``values: [3, 5, 5.0]``, ``[1h, 60min]``). ``_unique`` compares
    the values as written; these passed it, and the batch ran every replication of one
    configuration twice, tabled as two variants. Located at the later level's value (the
    later variant's name), once per pair of levels. Explicit variants may repeat one
    another (an A/A check of the comparison itself)."""
    first: dict[str, Variant] = {}
    said: set[PathKey] = set()
    for v in variants:
        if v.scenario is None:
            continue
        same = first.setdefault(_resolved_key(v.scenario), v)
        if same is v:
            continue
        differing = [f for f in v.levels if v.levels[f] != same.levels.get(f)]
        if not differing:
            # explicit variants: one may repeat another on purpose (an A/A check: with
            # common random numbers the two agree replication by replication, without
            # they differ by chance alone), as one written the same way always could
            continue
        f = differing[0]  # factors: at the level that repeats another of its factor
        at = next(s.value_at for s in v.settings if s.source == f"factor {f}")
        what = (f"level {v.levels[f]!r} of factor {f!r} gives the same scenario as level "
                f"{same.levels[f]!r}")
        if at in said:
            continue
        said.add(at)
        faults.add(doc.fault(at, f"{what} (the same value, written another way): its "
                                 "replications would run one configuration twice; drop one"))


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _settings(doc: Document, mapping: dict[str, Any], at: PathKey, source: str,
              faults: Collector) -> list[Setting]:
    out = []
    for dotted, value in mapping.items():
        where = at + (dotted,)
        try:
            parsed = parse_dotted(dotted)
        except ValueError as exc:
            faults.add(doc.fault(where, str(exc), key=True))
            continue
        out.append(Setting(dotted, parsed, value, where, where, True, source))
    return out


def _expand(spec: SweepFile, doc: Document, faults: Collector
            ) -> list[tuple[str, dict[str, str], list[Setting], PathKey]]:
    """[(variant name, {factor: level}, settings, where)] in the order they run."""
    if (spec.factors is None) == (spec.variants is None):
        both = spec.factors is not None
        faults.add(doc.fault(("variants",) if both else (), "give either factors: (expanded "
                             "full-factorially) or variants: (a list of named variants), not "
                             + ("both" if both else "neither"), key=both))
        return []
    if spec.variants is not None:
        return _explicit(spec, doc, faults)
    factors: list[tuple[str, list[tuple[str, list[Setting]]]]] = []
    if not spec.factors:
        faults.add(doc.fault(("factors",), "name at least one factor"))
        return []
    for fname, factor in spec.factors.items():
        where = ("factors", fname)
        if not re.match(FACTOR_NAME, fname):
            faults.add(doc.fault(where, f"factor name {fname!r}: use lowercase letters, digits "
                                        "and _, starting with a letter", key=True))
        levels = _factor_levels(doc, fname, factor, where, faults)
        factors.append((fname, levels))
    if any(not levels for _, levels in factors):
        return []
    count = math.prod(len(levels) for _, levels in factors)
    if count > spec.max_variants:
        sizes = " × ".join(str(len(levels)) for _, levels in factors)
        faults.add(doc.fault(("factors",), f"the factors expand to {count:,} variants ({sizes}), "
                                           f"more than max_variants = {spec.max_variants:,}; "
                                           "drop levels, or raise max_variants (at most "
                                           f"{HARD_MAX_VARIANTS:,})", key=True))
        return []
    plans = []
    for combo in itertools.product(*[levels for _, levels in factors]):
        levels = {fname: level for (fname, _), (level, _) in zip(factors, combo)}
        settings = [s for _, group in combo for s in group]
        name = ", ".join(f"{f}={lv}" for f, lv in levels.items())
        plans.append((name, levels, settings, ("factors",)))
    return plans


def _factor_levels(doc: Document, fname: str, factor: FactorSpec, where: PathKey,
                   faults: Collector) -> list[tuple[str, list[Setting]]]:
    source = f"factor {fname}"
    if factor.levels is not None:
        if factor.path is not None or factor.values is not None:
            faults.add(doc.fault(where, "give either path: with values:, or levels:, not both"))
            return []
        if not factor.levels:
            faults.add(doc.fault(where + ("levels",), "give at least one level"))
            return []
        out = []
        for k, level in enumerate(factor.levels):
            settings = _settings(doc, level.set, where + ("levels", k, "set"), source, faults)
            out.append((level.name, settings))
        _unique(doc, [name for name, _ in out], where + ("levels",), "name", faults)
        return out
    if factor.path is None or factor.values is None:
        faults.add(doc.fault(where, "give path: and values: (or levels:)"))
        return []
    if not factor.values:
        faults.add(doc.fault(where + ("values",), "give at least one value"))
        return []
    try:
        parsed = parse_dotted(factor.path)
    except ValueError as exc:
        faults.add(doc.fault(where + ("path",), str(exc)))
        return []
    out = [(level_name(value), [Setting(factor.path, parsed, value, where + ("values", k),
                                        where + ("path",), False, source)])
           for k, value in enumerate(factor.values)]
    _unique(doc, [name for name, _ in out], where + ("values",), None, faults)
    return out


def _unique(doc: Document, names: list[str], where: PathKey, sub: str | None,
            faults: Collector) -> None:
    seen: set[str] = set()
    for k, name in enumerate(names):
        if name in seen:
            faults.add(doc.fault(where + (k,) + ((sub,) if sub else ()),
                                 f"{name!r} is given twice"))
        seen.add(name)


def _explicit(spec: SweepFile, doc: Document, faults: Collector
              ) -> list[tuple[str, dict[str, str], list[Setting], PathKey]]:
    if not spec.variants:
        faults.add(doc.fault(("variants",), "give at least one variant"))
        return []
    if len(spec.variants) > spec.max_variants:
        faults.add(doc.fault(("variants",), f"{len(spec.variants):,} variants, more than "
                                            f"max_variants = {spec.max_variants:,}", key=True))
        return []
    _unique(doc, [v.name for v in spec.variants], ("variants",), "name", faults)
    plans = []
    for i, v in enumerate(spec.variants):
        settings = _settings(doc, v.set, ("variants", i, "set"), f"variant {v.name}", faults)
        plans.append((v.name, {}, settings, ("variants", i, "name")))
    return plans


def _levels_by_factor(plans) -> dict[str, dict[str, list[Setting]]]:
    out: dict[str, dict[str, list[Setting]]] = {}
    for _, levels, settings, _ in plans:
        for fname, level in levels.items():
            group = [s for s in settings if s.source == f"factor {fname}"]
            out.setdefault(fname, {}).setdefault(level, group)
    return out


def _related(a: tuple, b: tuple) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _check_clashes(doc: Document, plans, data: Any, faults: Collector) -> None:
    """Two factors (or one variant's entries) must not set the same part of the scenario."""
    checked: set[tuple[str, str]] = set()
    for _, _, settings, _ in plans:
        forms = [(s, index_form(data, s.path)) for s in settings]
        for (a, fa), (b, fb) in itertools.combinations(forms, 2):
            if (a.source, a.dotted) == (b.source, b.dotted) or not _related(fa, fb):
                continue
            key = (a.dotted + "|" + a.source, b.dotted + "|" + b.source)
            if key in checked:
                continue
            checked.add(key)
            faults.add(doc.fault(b.path_at, f"{b.dotted!r} ({b.source}) overlaps {a.dotted!r} "
                                            f"({a.source}); a variant would set it twice",
                                 key=b.path_is_key))


#: run settings every variant shares, so a factor or a variant cannot vary them: (what to
#: write instead). A variant's own ``run.seed`` or ``run.replications`` was replaced
#: without a word by the sweep's (the variant seed of :func:`variant_seed`, the sweep's
#: replications): its level would have changed nothing.
_SHARED_RUN = {
    ("run", "seed"): "every variant runs from the sweep's seed (with common random numbers the "
                     "same one); set seed: in the sweep, or common_random_numbers: false for a "
                     "seed of each variant's own",
    ("run", "replications"): "every variant runs the sweep's replications; set replications: "
                             "in the sweep (or -n)",
}


def _check_run_settings(doc: Document, plans, faults: Collector) -> None:
    """A factor or a variant must not set what every variant shares (:data:`_SHARED_RUN`);
    ``set:`` may: it is the base of every variant."""
    said: set[tuple] = set()
    for _, _, settings, _ in plans:
        for s in settings:
            instead = _SHARED_RUN.get(tuple(s.path[:2]))
            if instead and (s.source, s.dotted) not in said:
                said.add((s.source, s.dotted))
                faults.add(doc.fault(s.path_at, f"{s.dotted!r} ({s.source}): {instead}",
                                     key=s.path_is_key))


def _load(scenario_path: Path, root: Path, host: PluginHost, settings: list[Setting],
          seed: int | None, doc: Document, at: PathKey, label: str, base_doc: Document,
          faults: Collector, own_faults: bool = False) -> ResolvedScenario | None:
    """Load the scenario with ``settings``; pin each fault to the setting that caused it."""
    overrides: dict[str, Any] = {}
    for s in settings:
        overrides[s.dotted] = copy.deepcopy(s.value)
    try:
        # named as in the sweep's messages (relative to here), so its faults are recognised
        return load_scenario(base_doc.path, host=host, overrides=overrides, root=root, seed=seed)
    except ValidationFailed as exc:
        for fault in sorted(set(exc.faults)):
            faults.add(_pin(fault, settings, doc, at, label, base_doc, own_faults))
        return None


def _pin(fault: Fault, settings: list[Setting], doc: Document, at: PathKey, label: str,
         base_doc: Document, own_faults: bool) -> Fault:
    data = base_doc.data
    in_scenario = fault.file == base_doc.path
    try:
        field_path = parse_dotted(fault.field) if fault.field else ()
    except ValueError:
        field_path = ()
    candidates = []
    for s in settings:
        if fault.line == 0 and fault.field == s.dotted:
            candidates.append((len(s.path) + 100, s))
        elif in_scenario and field_path and _related(index_form(data, s.path), field_path):
            candidates.append((len(s.path), s))
    if not candidates:
        if own_faults and not settings:
            return fault
        varying = [s for s in settings if s.source != "set"] or settings
        if len(varying) == 1:
            candidates = [(0, varying[0])]
    if candidates:
        s = max(candidates, key=lambda c: c[0])[1]
        where = fault.field if fault.field and fault.field != s.dotted else ""
        elsewhere = "" if in_scenario or not fault.line else f" ({fault.file}:{fault.line}:{fault.column})"
        return doc.fault(s.value_at, f"{s.dotted} = {_show(s.value)}: "
                                     f"{where + ': ' if where else ''}{fault.message}{elsewhere}")
    if own_faults:
        return fault
    return doc.fault(at, f"{label}: {fault}")


def _show(value: Any) -> str:
    text = level_name(value)
    return repr(value) if isinstance(value, str) else text


def _baseline(spec: SweepFile, doc: Document, variants: list[Variant], faults: Collector) -> int:
    chosen = spec.baseline
    if chosen is None:
        return 0
    if spec.variants is not None:
        if not isinstance(chosen, str):
            faults.add(doc.fault(("baseline",), "name one of the variants"))
            return 0
        for v in variants:
            if v.name == chosen:
                return v.index
        faults.add(doc.fault(("baseline",), f"no variant named {chosen!r}"
                             + suggest(chosen, [v.name for v in variants])))
        return 0
    if not isinstance(chosen, dict):
        faults.add(doc.fault(("baseline",), "give the baseline's level of every factor, e.g. "
                                            "{team_size: 20, reserve: 3000}"))
        return 0
    want: dict[str, str] = {}
    factors = spec.factors or {}
    for fname, value in chosen.items():
        if fname not in factors:
            faults.add(doc.fault(("baseline", fname), f"no factor {fname!r}"
                                 + suggest(fname, list(factors)), key=True))
            continue
        names = ([lv.name for lv in factors[fname].levels] if factors[fname].levels is not None
                 else [level_name(x) for x in factors[fname].values or []])
        name = value if isinstance(value, str) and value in names else level_name(value)
        if name not in names:
            faults.add(doc.fault(("baseline", fname), f"{_show(value)} is not a level of factor "
                                                      f"{fname!r} ({', '.join(names)})"))
            continue
        want[fname] = name
    missing = [f for f in factors if f not in chosen]
    if missing:
        faults.add(doc.fault(("baseline",), f"give the baseline's level of every factor; missing: "
                                            f"{', '.join(missing)}"))
    for v in variants:
        if v.levels == want:
            return v.index
    return 0


def _objective(spec: SweepFile, doc: Document, variants: list[Variant],
               faults: Collector) -> Objective:
    o = spec.objective
    where = ("objective",)
    if o.measure == "targets_failed":
        if o.target is not None:
            faults.add(doc.fault(where + ("target",), "targets_failed counts every target with "
                                                      "a threshold; give no target"))
        if o.goal == "maximize":
            faults.add(doc.fault(where + ("goal",), "targets_failed is minimized"))
        return Objective("targets_failed", None, "minimize")
    if o.target is None:
        faults.add(doc.fault(where, f"measure {o.measure!r} needs a target: (a target id)"))
        return Objective(o.measure, None, o.goal or "maximize")
    goal = o.goal
    for v in variants:
        targets = {t.id: t for t in v.scenario.targets}
        t = targets.get(o.target)
        if t is None:
            hint = suggest(o.target, list(targets)) or f"; its targets: {', '.join(sorted(targets))}"
            faults.add(doc.fault(where + ("target",), f"no target {o.target!r} in variant "
                                                      f"{v.name!r}{hint}"))
            break
        if t.by_label:
            faults.add(doc.fault(where + ("target",), f"target {o.target!r} is reported per "
                                                      f"{t.metric.label or 'label'}; choose a target "
                                                      "with one value per replication"))
            break
        if o.measure == "pass_rate" and t.comparison is None:
            faults.add(doc.fault(where + ("target",), f"target {o.target!r} has no threshold, so no "
                                                      "pass rate; use measure: mean"))
            break
        if o.measure == "pass_rate":
            if o.goal == "minimize":
                faults.add(doc.fault(where + ("goal",), "a pass rate is maximized"))
            goal = "maximize"
        elif goal is None:
            if t.comparison is None:
                faults.add(doc.fault(where, f"target {o.target!r} has no threshold; say goal: "
                                            "minimize or maximize"))
                break
            goal = "minimize" if t.comparison in ("<=", "<") else "maximize"
    return Objective(o.measure, o.target, goal or "maximize")
