"""Scenario packs: a base scenario and randomised variants for double-blind drills.

A *pack* is a YAML file (or a folder of them, one drawn at random) naming a base
scenario and what may vary. A drill draws one concrete scenario from it with the
drill's seed; the player is never shown the draw.

Format (every part but ``scenario`` optional)::

    name: Fujiang flood drills
    hazard: transit_flood           # which hazard the pack exercises (information)
    scenario: ../fujiang_flood_2020.yaml
    overrides: {run.horizon: 2d}    # applied to every draw
    variants:                       # one is drawn (by weight)
      - name: 2020 replay
        weight: 2
        overrides: {...}            # dotted scenario path -> value
        out_of_service: [water_rescue-1]
    draws:                          # each drawn independently, after the variant
      - {path: hazards.fujiang_2020.params.warning.forecast_lead, choices: [0h, 3h, 6h]}
      - {path: hazards.fujiang_2020.params.upstream.hydrograph.peak, uniform: [18000m3/s, 26000m3/s]}
    out_of_service: {count: 2, from: [water_rescue, blue_sky-1]}   # unit or force ids
    reporting: {flood_reports: {call_loss: 10%}}                     # reporter params
    objectives:                     # exercise objectives (drillsim.drill.msel)
      - {id: O1, title: ..., capability: Critical Transportation, expect: [evacuate mixin], by: 13h}
    injects:                        # the controller's planned injects (MSEL)
      - {title: ..., at: 14h, kind: message, text: ..., objective: O1}
      - {title: ..., unless: {action: evacuate mixin, by: 10h}, kind: message, text: ...}
      - {id: care_home, title: ..., kind: incident, ..., expect: [dispatch water_rescue to this]}

The draw uses its own random stream (``pack`` in the drill seed's ``SeedSequence``), so
the same seed always gives the same scenario; the scenario's own random streams then use
the drill seed too. Dotted paths address list items by ``id`` like scenario overrides
(:func:`drillsim.scenario.loader.find_parent`). Any hazard plugin's parameters can be varied this
way, so packs for new hazards need no code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from drillsim.drill.msel import DurationText, MselFields, Names, Objective, msel_faults
from drillsim.engine.reporting import reporters_for
from drillsim.engine.streams import name_key
from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.loader import (
    KIND_NAMES,
    ResolvedScenario,
    document_kind,
    find_parent,
    load_scenario,
    parse_dotted,
    refuse_other_kind,
    resolve_ref,
    scenario_root,
)
from drillsim.scenario.quantities import Demand, parse_quantity
from drillsim.scenario.validation import Collector, Strict, Words, suggest, validate
from drillsim.scenario.yamlsource import Document, cut_name, load_yaml, quote_name

_NUMBER_UNIT = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*([^\d\s].*)?$", re.ASCII)


class Draw(Strict):
    """One randomised parameter: a uniform choice from ``choices`` or a uniform value
    between two quantities with the same unit (``uniform: [10h, 18h]``)."""

    path: str
    """Scenario path the draw sets."""
    choices: list[Any] | None = Field(default=None, min_length=1)
    """Values to choose from, uniformly."""
    uniform: list[Any] | None = Field(default=None, min_length=2, max_length=2)
    """`[low, high]` with the same unit (`[10h, 18h]`)."""
    digits: int = Field(default=0, ge=0, le=6)
    """Decimals kept of a uniform draw."""

    @model_validator(mode="after")
    def _one(self):
        if (self.choices is None) == (self.uniform is None):
            raise ValueError("give either choices: [...] or uniform: [low, high]")
        if self.uniform is not None:
            (lo, ulo), (hi, uhi) = (split_quantity(v) for v in self.uniform)
            if ulo != uhi:
                raise ValueError(f"uniform bounds need the same unit, got {ulo!r} and {uhi!r}")
            if hi < lo:
                raise ValueError("uniform: the high bound is below the low bound")
        return self


class OutOfService(Strict):
    """``count`` units drawn without replacement from ``from`` (unit ids or force ids,
    a force standing for all its units)."""

    count: int = Field(ge=0)
    """Units put out of service at the start."""
    from_: list[str] = Field(alias="from", min_length=1)
    """Unit or force ids drawn from (a force stands for all its units; a per-township force's units are named one by one)."""


class Variant(Strict):
    name: Words
    """Variant name."""
    weight: float = Field(default=1.0, gt=0, le=1_000_000)
    """Relative chance of being drawn."""
    overrides: dict[str, Any] = {}
    """Scenario paths and values."""
    out_of_service: list[str] = []
    """Unit ids out of service from the start."""


class PlannedInject(MselFields):
    """A planned inject (one MSEL line). Its trigger: ``at`` (a scenario time), ``unless``
    (a time, only if the players had not taken an action by then) or ``after`` (another
    inject or a simulation event); without one only when the controller fires it. What it
    expects of the players (``expect``), the objective and core capability it tests:
    :mod:`drillsim.drill.msel`."""

    title: Words
    """The MSEL line's title."""
    at: DurationText | None = None
    """Scenario time it is due, with a unit (`14h`); without: only when the controller fires it."""
    kind: Literal["message", "incident", "breakdown", "road_cut", "road_open", "in_service"]
    """`message`, `incident`, `breakdown`, `road_cut`, `road_open` or `in_service`."""
    text: str | None = None
    """The message players receive."""
    place: str | None = None
    """Place id (incidents)."""
    township: str | None = None
    """Township id (road cuts, messages)."""
    unit: str | None = None
    """Unit id (breakdown, in_service)."""
    incident_kind: str | None = None
    """Incident kind (incidents)."""
    demand: Demand | None = None
    """What the incident needs, by capability (`{people: 20}`)."""
    on_scene: DurationText | None = None
    """Work time on scene, with a unit."""
    priority: int = Field(default=2, ge=1, le=9)
    """1 (highest) to 9."""
    may_be_lost: bool = False
    """An injected incident's call may be lost like any other report (default: it always arrives)."""


class PackFile(Strict):
    name: Words
    """Pack name."""
    hazard: str | None = None
    """The hazard the pack is about (for the reveal): a hazard type or id of the base scenario."""
    description: str | None = None
    """What the drill exercises."""
    scenario: str
    """The base scenario, relative to this file."""
    overrides: dict[str, Any] = {}
    """Paths set in every drawn scenario."""
    variants: list[Variant] = []
    """Hidden variants, one drawn per drill."""
    draws: list[Draw] = []
    """Randomised parameters."""
    out_of_service: OutOfService | None = None
    """Units drawn out of service."""
    reporting: dict[str, dict[str, Any]] = {}
    """Reporter parameters by reporter name (what players are told, with delays)."""
    objectives: list[Objective] = []
    """The exercise objectives: what the team must achieve, the core capability each tests, the actions expected."""
    injects: list[PlannedInject] = []
    """The planned injects (MSEL)."""


@dataclass
class DrawnScenario:
    """One concrete scenario drawn from a pack (the hidden part of a drill).

    :ivar scenario_path: the base scenario file.
    :ivar overrides: ``{dotted path: value}`` for :func:`drillsim.scenario.loader.load_scenario`.
    :ivar out_of_service: unit ids put out of service at the start.
    :ivar choices: what was drawn, ``{label: value}`` (for the reveal).
    """

    pack: str
    pack_name: str
    scenario_path: str
    variant: str | None
    overrides: dict[str, Any]
    out_of_service: list[str]
    choices: dict[str, Any]
    reporting: dict[str, dict[str, Any]] = field(default_factory=dict)
    injects: list[dict[str, Any]] = field(default_factory=list)
    objectives: list[dict[str, Any]] = field(default_factory=list)
    #: the scenario's name as the user gave it, for messages ('': :func:`shown`); not logged
    given: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the sealed controller log. The log writes each object's keys
        sorted, so ``choice_order`` keeps the order the choices were drawn in: the review
        of a resumed or replayed drill lists them as the live drill's did."""
        return {"pack": self.pack, "pack_name": self.pack_name, "scenario_path": self.scenario_path,
                "variant": self.variant, "overrides": self.overrides,
                "out_of_service": self.out_of_service, "choices": self.choices,
                "choice_order": list(self.choices),
                "reporting": self.reporting, "injects": self.injects, "objectives": self.objectives}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DrawnScenario:
        """The drawn scenario of :meth:`to_dict`'s data (a log written before
        ``choice_order`` keeps its choices in the log's sorted order)."""
        data = dict(data)
        order = data.pop("choice_order", None)
        choices = data.get("choices") or {}
        if order is not None:
            data["choices"] = {k: choices[k] for k in order if k in choices} | choices
        return cls(**data)


def split_quantity(value: Any) -> tuple[float, str]:
    """``"18000m3/s"`` → ``(18000.0, "m3/s")``; a bare number → ``(x, "")``.

    :raises ValueError: not a number with an optional unit.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number, unit = value, ""
    else:
        m = _NUMBER_UNIT.match(str(value))
        if not m:
            raise ValueError(f"{cut_name(repr(value))} is not a number with a unit (e.g. 18000m3/s)")
        number, unit = m.group(1), (m.group(2) or "").strip()
    try:
        x = float(number)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x) or abs(x) > 1e15:
        raise ValueError(f"{cut_name(str(value))} is too large a number for a draw (at most 1e15)")
    return x, unit


def pack_rng(seed: int) -> np.random.Generator:
    """The pack's own random stream for a drill seed (independent of the scenario's)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, name_key("pack")])))


def pack_files(path: Path) -> list[Path]:
    """A pack file, or the ``*.yaml`` packs of a folder in name order."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        if not files:
            raise ValidationFailed([Fault(str(path), 0, 0, "", "no pack files (*.yaml) in this folder")])
        return files
    return [path]


def is_pack(path: Path) -> bool:
    """True for a folder or a YAML file with a top-level ``scenario:`` (a pack), False for
    a plain scenario file."""
    if path.is_dir():
        return True
    try:
        doc = load_yaml(path)
    except ValidationFailed:
        return False
    return isinstance(doc.data, dict) and "scenario" in doc.data and "forces" not in doc.data


def load_pack(path: Path) -> tuple[PackFile, Document, Path]:
    """Read and validate one pack file; also checks every override and draw path exists
    in the base scenario.

    The base ``scenario:`` resolves like every file reference
    (:func:`drillsim.scenario.paths.resolve_ref`): relative to the pack, inside its
    scenario folder, a regular file; and it must be a scenario, not another pack, a
    sweep, a region or a plan. It is checked even when the rest of the pack is invalid,
    so one pass reports both.

    :returns: (pack, its document, the base scenario path).
    :raises ValidationFailed: faults located in the pack file.
    """
    path = Path(path)
    doc = load_yaml(path, str(path))
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.fault((), "a drill pack must be a mapping of fields "
                                               "(name:, scenario:, variants: …)")])
    refuse_other_kind(doc, Path(path), "pack")
    faults = Collector()
    pack = faults.run(validate, PackFile, doc)
    ref = doc.data.get("scenario")
    base = scenario = None
    if isinstance(ref, str):
        base = faults.run(resolve_ref, doc, ("scenario",), ref, path.resolve(), scenario_root(path))
    if base is not None:
        base_doc = faults.run(load_yaml, base, shown(base))
        if base_doc is not None:
            kind = document_kind(base_doc.data)
            if kind not in (None, "scenario"):
                faults.add(doc.fault(("scenario",), f"{quote_name(ref)} is a {KIND_NAMES[kind]}, "
                                                    "not a scenario file; name a scenario"))
            elif not isinstance(base_doc.data, dict):
                faults.add(doc.fault(("scenario",), f"{quote_name(ref)} is not a scenario file "
                                                    "(not a mapping of fields); name a scenario"))
            else:
                scenario = base_doc.data
    faults.raise_if_any()

    def check(where: tuple, dotted: str) -> None:
        try:
            parts = parse_dotted(dotted)
        except ValueError as exc:
            faults.add(doc.fault(where, str(exc), key=True))
            return
        ok, why = find_parent(scenario, parts)
        if not ok:
            faults.add(doc.fault(where, f"not in {cut_name(pack.scenario)}: {why}", key=True))

    for key in pack.overrides:
        check(("overrides", key), key)
    for i, v in enumerate(pack.variants):
        for key in v.overrides:
            check(("variants", i, "overrides", key), key)
    for i, d in enumerate(pack.draws):
        check(("draws", i, "path"), d.path)
    faults.raise_if_any()
    return pack, doc, base


def shown(path: str | Path) -> str:
    """A file's name as messages print it: relative to the working folder when it is
    inside it (as the user gave it: ``scenarios/x.yaml``), else as it is. A drill keeps
    its scenario's absolute path (to resume from any folder) and shows this."""
    path = Path(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _force_units(scenario: dict, ref: str) -> list[str]:
    """Unit ids a force id stands for (``water_rescue`` → ``water_rescue-1`` …), else
    ``[ref]``. Unit ids follow the loader's ``{force}-{n}`` numbering."""
    for f in scenario.get("forces", []):
        if isinstance(f, dict) and f.get("id") == ref and not f.get("per_township"):
            n = int(f.get("units", 1))
            return [ref] if n == 1 else [f"{ref}-{k + 1}" for k in range(n)]
    return [ref]


def draw(path: str | Path, seed: int) -> DrawnScenario:
    """Draw one concrete scenario from a pack (file or folder) with ``seed``.

    :raises ValidationFailed: an invalid pack file.
    """
    path = Path(path)
    rng = pack_rng(seed)
    files = pack_files(path)
    chosen = files[int(rng.integers(len(files)))] if len(files) > 1 else files[0]
    pack, _doc, base = load_pack(chosen)
    overrides: dict[str, Any] = dict(pack.overrides)
    choices: dict[str, Any] = {}
    oos: list[str] = []
    variant = None
    if pack.variants:
        w = np.array([v.weight for v in pack.variants], dtype=float)
        v = pack.variants[int(rng.choice(len(w), p=w / w.sum()))]
        variant = v.name
        overrides.update(v.overrides)
        oos.extend(v.out_of_service)
        choices["variant"] = v.name
    for d in pack.draws:
        if d.choices is not None:
            value = d.choices[int(rng.integers(len(d.choices)))]
        else:
            (lo, unit), (hi, _) = (split_quantity(x) for x in d.uniform)
            x = round(float(rng.uniform(lo, hi)), d.digits)
            x = int(x) if d.digits == 0 else x
            value = f"{x}{unit}" if unit else x
        overrides[d.path] = value
        choices[d.path] = value
    if pack.out_of_service is not None and pack.out_of_service.count:
        scenario = load_yaml(base).data
        pool = [u for ref in pack.out_of_service.from_ for u in _force_units(scenario, ref)]
        pool = [u for u in dict.fromkeys(pool) if u not in oos]
        k = min(pack.out_of_service.count, len(pool))
        picked = [pool[int(i)] for i in sorted(rng.choice(len(pool), size=k, replace=False))]
        oos.extend(picked)
    if oos:
        choices["out_of_service"] = list(oos)
    return DrawnScenario(str(path), pack.name, str(base), variant, overrides, oos, choices,
                         {k: dict(v) for k, v in pack.reporting.items()},
                         [i.model_dump(exclude_none=True) for i in pack.injects],
                         [o.model_dump(exclude_none=True) for o in pack.objectives])


def _drawn_value(bound: Any, digits: int) -> Any:
    """A uniform draw's bound as the draw gives it: rounded to ``digits`` decimals (a bound
    of 0.4 with ``digits: 0`` is drawn as 0), in the same form (:func:`draw`)."""
    (x, unit) = split_quantity(bound)
    x = round(x, digits)
    x = int(x) if digits == 0 else x
    return f"{x}{unit}" if unit else x


def check_pack(path: str | Path, host) -> tuple[PackFile, Path]:
    """Check everything a drill of this pack will use, so that what ``validate`` accepts a
    drill can run: the pack itself (:func:`load_pack`); the base scenario with the pack's
    overrides, with each variant's, and with each value a draw can take (every choice,
    both bounds of a uniform draw); units named out of service; the params of each
    reporter; and each planned inject — its kind's fields, a due time from 0 up to the
    horizon of every variant, and the places, townships, units and capabilities it
    names. Pack files in a folder are each checked.

    :param host: the plugin host (:func:`drillsim.host.pluginhost.load_plugins`).
    :returns: (the pack, its base scenario path); for a folder, the last file's.
    :raises ValidationFailed: every fault found, located in the pack file.
    """
    result = None
    for file in pack_files(Path(path)):
        result = _check_pack_file(file, host)
    return result


def _check_pack_file(path: Path, host) -> tuple[PackFile, Path]:
    pack, doc, base = load_pack(path)
    faults = Collector()
    _given_twice_faults(pack, doc, faults)
    loaded: list[ResolvedScenario] = []

    def variant_of(where: tuple, overrides: dict[str, Any], what: str) -> None:
        try:
            loaded.append(load_scenario(base, host=host, overrides=overrides))
        except ValidationFailed as exc:
            for f in exc.faults:
                field = f"{f.field}: " if f.field else ""
                faults.add(doc.fault(where, f"{what} makes {cut_name(pack.scenario)} invalid: "
                                            f"{field}{f.message}"))

    variant_of(("overrides",) if pack.overrides else ("scenario",), dict(pack.overrides),
               "the pack's overrides" if pack.overrides else "the base scenario")
    for i, v in enumerate(pack.variants):
        if v.overrides:
            variant_of(("variants", i, "overrides"), {**pack.overrides, **v.overrides},
                       f"variant {v.name!r}")
    for i, d in enumerate(pack.draws):
        values = [(("draws", i, "choices", k), c) for k, c in enumerate(d.choices or [])]
        values += [(("draws", i, "uniform", k), _drawn_value(b, d.digits)) for k, b in enumerate(d.uniform or [])]
        for where, value in values:
            variant_of(where, {**pack.overrides, d.path: value}, f"{d.path} = {value!r}")
    if not loaded:  # not even the base loads: nothing more can be checked against it
        faults.raise_if_any()
    first = loaded[0]
    units = {u.id for f in first.forces for u in f.units}
    for i, v in enumerate(pack.variants):
        for k, uid in enumerate(v.out_of_service):
            if uid not in units:
                faults.add(doc.fault(("variants", i, "out_of_service", k),
                                     f"no unit {uid!r} in the scenario" + suggest(uid, sorted(units))))
    _out_of_service_faults(pack, doc, load_yaml(base).data, {f.id for f in first.forces}, units, faults)
    types = sorted({h.type.name for h in first.hazards})
    ids = [h.id for h in first.hazards]
    if pack.hazard is not None and pack.hazard not in types and pack.hazard not in ids:
        # shown at the reveal as what the drill was about: a pack copied from another
        # hazard's (hazard: forest_fire over a flood) named the wrong one without a word
        faults.add(doc.fault(("hazard",), f"{pack.hazard!r} is not a hazard of the base scenario "
                                          f"(its hazards: {', '.join(ids) or 'none'}, of type "
                                          f"{', '.join(types) or 'none'})" + suggest(pack.hazard, types + ids)))
    reporters = {r.name: r for r in reporters_for(host, set(types))}
    for name, params in pack.reporting.items():
        reporter = reporters.get(name)
        if reporter is None:
            faults.add(doc.fault(("reporting", name), f"no reporter {name!r} for this scenario's "
                                                      f"hazards (have: {', '.join(sorted(reporters)) or 'none'})",
                                 key=True))
        elif reporter.params_model is None:
            if params:
                faults.add(doc.fault(("reporting", name), "this reporter takes no params"))
        else:
            faults.run(validate, reporter.params_model, doc, params if params is not None else {},
                       ("reporting", name))
    horizon = min(sc.horizon for sc in loaded)
    for i, inject in enumerate(pack.injects):
        for field, message in _inject_faults(inject, first, units, horizon):
            faults.add(doc.fault(("injects", i) + ((field,) if field else ()), message))
    region = first.region
    names = Names(list(region.townships), list(region.places), sorted(units),
                  [f.id for f in first.forces], [])
    raw = doc.data.get("injects") if isinstance(doc.data.get("injects"), list) else []

    def unless_key(i: int) -> str:  # the name the pack wrote it under
        return "if_not" if i < len(raw) and isinstance(raw[i], dict) and "if_not" in raw[i] else "unless"

    for where, message in msel_faults(pack.objectives, pack.injects, names, horizon, unless_key):
        faults.add(doc.fault(where, message))
    faults.raise_if_any()
    return pack, base


#: what a drill does not take from its pack: it runs once, from its own seed
_DRILL_OWN = {("run", "seed"), ("run", "replications")}


def _given_twice_faults(pack: PackFile, doc: Document, faults: Collector) -> None:
    """Names a drill tells apart given twice, and settings it would ignore: two variants
    of one name (the reveal and the review name the variant drawn), two draws of one path
    (the second replaced the first without a word), and ``run.seed`` or
    ``run.replications`` set by the pack's or a variant's overrides or by a draw (a drill
    runs once, from the seed of ``--seed`` or one drawn at random)."""
    first: dict[str, int] = {}
    for i, v in enumerate(pack.variants):
        if v.name in first:
            faults.add(doc.fault(("variants", i, "name"), f"name {v.name!r} is used twice in variants "
                                                          f"(first at variants[{first[v.name]}])"))
        first.setdefault(v.name, i)
    drawn: dict[tuple, int] = {}
    for i, d in enumerate(pack.draws):
        try:
            key = parse_dotted(d.path)
        except ValueError:
            continue  # said where the draw is loaded
        if key in drawn:
            faults.add(doc.fault(("draws", i, "path"), f"{d.path!r} is drawn twice (first at "
                                                       f"draws[{drawn[key]}]); the second draw "
                                                       "would replace the first"))
        drawn.setdefault(key, i)
    settings = [(("overrides", k), k) for k in pack.overrides]
    settings += [(("variants", i, "overrides", k), k) for i, v in enumerate(pack.variants) for k in v.overrides]
    settings += [(("draws", i, "path"), d.path) for i, d in enumerate(pack.draws)]
    for where, dotted in settings:
        try:
            key = parse_dotted(dotted)
        except ValueError:
            continue
        if tuple(key[:2]) in _DRILL_OWN:
            faults.add(doc.fault(where, f"{dotted!r}: a drill runs once, from its own seed (--seed, "
                                        "or one drawn at random and kept hidden): the pack's "
                                        "run.seed and run.replications change nothing; leave it out",
                                 key=where[-2] == "overrides"))


def _out_of_service_faults(pack: PackFile, doc: Document, scenario: dict, forces: set[str],
                           units: set[str], faults: Collector) -> None:
    """Check ``out_of_service`` whatever the draw: every name of ``from`` is a force or a
    unit of the scenario (as :func:`draw` expands it), and ``count`` is at most the units
    those names stand for (less any a variant already puts out of service)."""
    oos = pack.out_of_service
    if oos is None:
        return
    pool: list[str] = []
    ok = True
    for k, ref in enumerate(oos.from_):
        expanded = _force_units(scenario, ref)
        if ref in forces and expanded == [ref] and ref not in units:
            ok = False
            faults.add(doc.fault(("out_of_service", "from", k),
                                 f"force {ref!r} has its units per township; name the units "
                                 f"(e.g. {next((u for u in sorted(units) if u.startswith(ref + '.')), ref)!r})"))
        elif ref not in forces and ref not in units:
            ok = False
            hint = suggest(ref, sorted(forces)) or suggest(ref, sorted(units))
            faults.add(doc.fault(("out_of_service", "from", k),
                                 f"no force or unit {ref!r} in the scenario" + hint))
        else:
            pool.extend(expanded)
    if not ok:
        return
    pool = list(dict.fromkeys(pool))
    named = ", ".join(oos.from_)
    if oos.count > len(pool):
        faults.add(doc.fault(("out_of_service", "count"),
                             f"{oos.count} units out of service, but {named} "
                             f"{'has' if len(oos.from_) == 1 else 'have'} only {len(pool)} "
                             f"unit{'s' if len(pool) != 1 else ''}"))
        return
    for v in pack.variants:
        left = [u for u in pool if u not in v.out_of_service]
        if oos.count > len(left):
            faults.add(doc.fault(("out_of_service", "count"),
                                 f"{oos.count} units out of service, but {named} "
                                 f"{'has' if len(oos.from_) == 1 else 'have'} {len(pool)} units and variant "
                                 f"{v.name!r} already takes {len(pool) - len(left)} of them out: only "
                                 f"{len(left)} left"))


#: the fields each inject kind needs (beyond ``title`` and ``kind``)
_INJECT_NEEDS = {"message": ("text",), "incident": ("place", "demand"), "breakdown": ("unit",),
                 "in_service": ("unit",), "road_cut": ("township",), "road_open": ("township",)}


def _inject_faults(inject: PlannedInject, scenario: ResolvedScenario, units: set[str], horizon: float):
    """(field, message) for each fault of a planned inject, as the drill would meet it."""
    for name in _INJECT_NEEDS[inject.kind]:
        if getattr(inject, name) in (None, "", {}):
            yield name, f"a {inject.kind} inject needs {name}:"
    if inject.at is not None:
        try:
            at = parse_quantity(inject.at, "time", allow_zero=True)
        except ValueError as exc:
            yield "at", str(exc)
        else:
            if at >= horizon:
                yield "at", (f"{inject.at} is at or after the end of the drill (horizon "
                             f"{horizon:g} min): it would never fire")
    region = scenario.region
    if inject.place is not None and inject.place not in region.places:
        yield "place", f"unknown place {inject.place!r}" + suggest(inject.place, list(region.places))
    if inject.township is not None and inject.township not in region.townships:
        yield "township", (f"unknown township {inject.township!r}"
                           + suggest(inject.township, list(region.townships)))
    if inject.unit is not None and inject.unit not in units:
        yield "unit", f"no unit {inject.unit!r} in the scenario" + suggest(inject.unit, sorted(units))
    if inject.on_scene is not None:
        try:
            parse_quantity(inject.on_scene, "time")
        except ValueError as exc:
            yield "on_scene", str(exc)
    kind = inject.incident_kind or "rescue"
    brought = {cap for f in scenario.forces for u in f.units for cap, amount in u.capabilities.items()
               if amount > 0 and (u.serves is None or kind in u.serves)}
    for cap, amount in (inject.demand or {}).items():
        if not amount > 0:
            yield "demand", f"{cap}: the amount must be above 0, not {amount:g}"
        elif cap not in brought:
            yield "demand", (f"{cap}: no unit of the scenario brings {cap} to {kind!r} incidents"
                             + suggest(cap, sorted(brought)))


def plain_scenario(path: str | Path) -> DrawnScenario:
    """A plain scenario file used as a drill: nothing drawn."""
    return DrawnScenario(str(path), Path(path).stem, str(Path(path).resolve()), None, {}, [], {},
                         given=str(path))
