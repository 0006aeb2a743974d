"""Names a scenario types that must match something: incident kinds a force ``serves``,
capability names, the plan targets chosen, reserve townships, observation sources.

The schema accepts any text for these, and a typo changes results silently (a force
serving ``evacuatoin`` is never sent to an evacuation; a capability ``peeple`` is never
asked for, so the unit type's default is used). :func:`check_names` reports each unknown
or repeated name as a located fault, with a "did you mean" where a close name exists.

Where the names come from:

- **incident kinds** a hazard makes: its type's declared ``incident_kinds(params)``
  (:class:`~drillsim.host.registry.HazardType`), else the ``kind``/``*_kind`` text fields of
  its params; plus the default kinds of every loaded hazard type (the ``kind``/``*_kind``
  defaults of its params model), so a force may stand ready for a hazard the scenario
  does not run. When a hazard of the scenario has a type that does not declare its
  kinds, an unknown kind is only a warning: the loader cannot be sure.
- **capabilities**: those of every loaded unit type, those a hazard demands or checks
  (its params' ``demand``/``*_demand`` keys, ``capability``/``*_capability`` and
  ``allowed`` values, and the same fields' defaults in every loaded hazard type's
  params model) and those the plan's targets measure (their params' ``capability``).

The defaults of every loaded hazard type are read only when a name is not found among
the scenario's own (:class:`KnownNames`): reading a hazard type's params model imports
it (:class:`~drillsim.host.registry.Deferred`), and a valid scenario needs none of those
it does not use.
"""

from __future__ import annotations

import functools

import typing
from collections.abc import Set
from typing import Any, Callable, Iterable, Iterator

from pydantic import BaseModel, ValidationError

from drillsim.errors import DrillsimError, Fault
from drillsim.scenario.validation import Collector, suggest
from drillsim.scenario.yamlsource import Document, format_path


class KnownNames(Set):
    """A set of names in two parts: ``near``, known at once, and ``far()``, computed the
    first time a name is looked for that is not in ``near`` (or the set is read whole:
    iterated, counted, compared). As a set it is their union; ``x in names`` gives
    what ``x in near | set(far())`` gives.

    :param near: the names known at once (the scenario's own).
    :param far: a function giving the rest (the defaults of every loaded hazard type).
    """

    def __init__(self, near: Iterable[str], far: Callable[[], Iterable[str]]) -> None:
        self._near = set(near)
        self._far = far
        self._whole: set[str] | None = None

    def _all(self) -> set[str]:
        if self._whole is None:
            self._whole = self._near | set(self._far())
        return self._whole

    def __contains__(self, name: object) -> bool:
        return name in self._near or name in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    @classmethod
    def _from_iterable(cls, it: Iterable[str]) -> set[str]:
        return set(it)  # what `|`, `&` … of a KnownNames give: a plain set

    def __repr__(self) -> str:
        return f"KnownNames({sorted(self._all())!r})"


def _is_kind(name: str) -> bool:
    return name == "kind" or name.endswith("_kind")


def _is_capability(name: str) -> bool:
    return name in ("demand", "capability", "capabilities", "allowed") or \
        name.endswith(("_demand", "_capability"))


def _texts(value: Any) -> Iterator[str]:
    """The names a field holds: text, the items of a list, the keys of a mapping."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (k for k in value if isinstance(k, str))
    elif isinstance(value, (list, tuple, set, frozenset)):
        yield from (v for v in value if isinstance(v, str))


def names_in(params: Any, wanted: Callable[[str], bool]) -> set[str]:
    """Names held by the fields ``wanted`` accepts (by field name), anywhere in a
    validated params model instance (through nested models, lists and mappings)."""
    out: set[str] = set()
    if isinstance(params, BaseModel):
        for name in type(params).model_fields:
            value = getattr(params, name)
            if wanted(name):
                out.update(_texts(value))
            out |= names_in(value, wanted)
    elif isinstance(params, dict):
        for value in params.values():
            out |= names_in(value, wanted)
    elif isinstance(params, (list, tuple)):
        for value in params:
            out |= names_in(value, wanted)
    return out


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def defaults_in(model: type[BaseModel] | None, wanted: Callable[[str], bool],
                _seen: set | None = None) -> set[str]:
    """Names held by the *defaults* of the fields ``wanted`` accepts, anywhere in a params
    model class (what a hazard type makes when the scenario does not say)."""
    if model is None:
        return set()
    seen = _seen if _seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    out: set[str] = set()
    for name, fld in model.model_fields.items():
        if wanted(name) and not fld.is_required():
            out.update(_texts(fld.default))
        if isinstance(fld.default, BaseModel):
            out |= names_in(fld.default, wanted)
        for sub in _models_in(fld.annotation):
            out |= defaults_in(sub, wanted, seen)
    return out


@functools.lru_cache(maxsize=256)
def _defaults_of(model: type[BaseModel] | None, wanted: Callable[[str], bool]) -> frozenset[str]:
    """:func:`defaults_in`, once per model class and field test (a class's defaults do
    not change; a sweep's worker checks the names of every variant it loads)."""
    return frozenset(defaults_in(model, wanted))


def _hazard_params(spec, host) -> list[tuple[Any, BaseModel]]:
    """(hazard type, validated params) of every hazard the scenario lists, enabled or
    not (a disabled hazard may be switched on by a sweep); invalid ones are skipped (the
    loader reports them)."""
    out = []
    for h in spec.hazards:
        if h.type not in host.hazard_types:
            continue
        htype = host.hazard_types[h.type]
        try:
            out.append((htype, htype.params_model.model_validate(h.params)))
        except ValidationError:
            continue
    return out


def default_names(model: type[BaseModel] | None) -> tuple[frozenset[str], frozenset[str]]:
    """(incident kinds, capabilities) the fields of a hazard type's params model default
    to (its ``kind``/``*_kind`` fields; its ``demand``, ``capability``, ``allowed`` …
    fields): what a :class:`~drillsim.host.registry.Deferred` hazard type declares as
    ``default_kinds`` and ``default_capabilities``."""
    return _defaults_of(model, _is_kind), _defaults_of(model, _is_capability)


def _every_hazard_type(host, wanted: Callable[[str], bool], declared: str) -> set[str]:
    """The names the fields ``wanted`` accepts default to in every loaded hazard type's
    params model: for a type not imported yet (a ``drillsim.host.registry.Deferred``),
    as it declares them (its attribute ``declared``: ``default_kinds`` or
    ``default_capabilities``), else read from its model (which imports a deferred type
    that declares none)."""
    out: set[str] = set()
    for name in host.hazard_types.names():
        names = getattr(host.hazard_types.peek(name), declared, None)
        if names is not None:
            out.update(names)
        else:
            out |= _defaults_of(host.hazard_types[name].params_model, wanted)
    return out


def declared_kinds(htype, params, host) -> list[str]:
    """The incident kinds a hazard type declares for ``params`` (its ``incident_kinds``).

    :raises DrillsimError: the plugin's ``incident_kinds`` raised, or returned something
        other than a list of kinds (text: ``"landslide_rescue"`` alone would be read
        letter by letter), naming the plugin.
    """
    who = getattr(host.hazard_types, "providers", {}).get(htype.name, "?")
    where = f"plugin {who!r}, hazard type {htype.name!r}: incident_kinds(params)"
    try:
        got = htype.incident_kinds(params)
        kinds = None if isinstance(got, (str, bytes)) or not isinstance(got, Iterable) else list(got)
    except Exception as exc:
        raise DrillsimError(f"{where} failed: {type(exc).__name__}: {exc} (a fault of the plugin, "
                            "not of the scenario)") from exc
    if kinds is None or not all(isinstance(k, str) and k for k in kinds):
        raise DrillsimError(f"{where} returned {got!r}; it returns a list of the incident kinds "
                            "(text) a hazard with these params can create, e.g. "
                            "['landslide_rescue']")
    return kinds


def known_kinds(spec, host, hazards: list | None = None) -> tuple[KnownNames, bool]:
    """(incident kinds known in this scenario, whether that set is certain).

    :param hazards: :func:`_hazard_params` of ``spec``, if known already."""
    kinds: set[str] = set()
    certain = True
    for htype, params in (_hazard_params(spec, host) if hazards is None else hazards):
        if htype.incident_kinds is not None:
            kinds.update(declared_kinds(htype, params, host))
        else:
            certain = False
            kinds |= names_in(params, _is_kind)
    return KnownNames(kinds, lambda: _every_hazard_type(host, _is_kind, "default_kinds")), certain


def known_capabilities(spec, host, targets, hazards: list | None = None) -> KnownNames:
    """Capability names a force may bring that something in this scenario can use.

    :param hazards: :func:`_hazard_params` of ``spec``, if known already."""
    caps: set[str] = set()
    for name in host.unit_types.names():
        caps.update(host.unit_types[name].capabilities)
    for _, params in (_hazard_params(spec, host) if hazards is None else hazards):
        caps |= names_in(params, _is_capability)
    for t in targets:
        caps |= names_in(t.params, _is_capability)
    return KnownNames(caps, lambda: _every_hazard_type(host, _is_capability, "default_capabilities"))


def _unknown(word: str, known: set[str], what: str) -> str:
    """A did-you-mean if one is close, else the names known."""
    return suggest(word, sorted(known)) or f" (known {what}: {', '.join(sorted(known)) or 'none'})"


def _repeats(doc: Document, where: tuple, items: list, what: str, faults: Collector) -> None:
    first: dict[Any, int] = {}
    for k, item in enumerate(items):
        if item in first:
            faults.add(doc.fault(where + (k,), f"{what} {item!r} is given twice (first at "
                                               f"{format_path(where + (first[item],))})"))
        first.setdefault(item, k)


def check_names(spec, doc: Document, host, targets, faults: Collector,
                warnings: list[Fault]) -> None:
    """Report unknown incident kinds in ``serves``, unknown capability names, plan targets
    or reserve townships given twice, and observations citing a source not under
    ``sources:``. Faults go to ``faults``; what cannot be known for sure to ``warnings``.

    :param spec: the validated :class:`~drillsim.scenario.schema.ScenarioFile`; ``doc`` its document.
    :param host: the plugin host (unit types, hazard types).
    :param targets: the resolved targets (their params name capabilities).
    """
    hazards = _hazard_params(spec, host)  # validated once for both
    kinds, certain = known_kinds(spec, host, hazards)
    capabilities = known_capabilities(spec, host, targets, hazards)
    for i, f in enumerate(spec.forces):
        for k, kind in enumerate(f.serves or []):
            if kind in kinds:
                continue
            message = f"no hazard in this scenario or loaded plugin makes incidents of kind {kind!r}"
            if certain:
                faults.add(doc.fault(("forces", i, "serves", k), message + _unknown(kind, kinds, "kinds")))
            else:  # a hazard type that does not declare its kinds may make it
                warnings.append(doc.fault(("forces", i, "serves", k), message + " that drillsim can see"
                                          + _unknown(kind, kinds, "kinds")))
        for name in f.capabilities:
            if name not in capabilities:
                faults.add(doc.fault(("forces", i, "capabilities", name),
                                     f"unknown capability {name!r}: no unit type has it and nothing "
                                     f"in this scenario asks for it" + _unknown(name, capabilities,
                                                                                "capabilities"),
                                     key=True))
        _repeats(doc, ("forces", i, "serves"), f.serves or [], "incident kind", faults)
    _repeats(doc, ("plan", "targets"), spec.plan.targets or [], "target", faults)
    check_idle_forces(spec, doc, host, hazards, warnings)
    for i, r in enumerate(spec.reserves):
        if isinstance(r.townships, list):
            _repeats(doc, ("reserves", i, "townships"), r.townships, "township", faults)
    for i, o in enumerate(spec.observed):
        if o.source not in spec.sources:
            faults.add(doc.fault(("observed", i, "source"),
                                 f"unknown source {o.source!r}: not listed under sources "
                                 f"({', '.join(sorted(spec.sources)) or 'none listed'})"
                                 + suggest(o.source, sorted(spec.sources))))


def _names_force(name: str) -> bool:
    return name in ("force", "forces") or name.endswith(("_force", "_forces"))


def check_idle_forces(spec, doc: Document, host, hazards: list, warnings: list[Fault]) -> None:
    """Warn about a force nothing in the scenario can use: its units bring no capability
    (the unit type's, with the force's own ``capabilities`` over them, amounts above 0)
    that any hazard's calls ask for (the capability fields of the hazards' params, their
    defaults included: ``demand``, ``*_capability`` …), no hazard's params name the force,
    and its unit type has no ``start`` of its own (no plugin runs its units, as the
    aviation and mutual-aid plugins do). Such a force stands idle in every run: valid,
    but probably not meant (an ambulance in a flood whose calls ask for people and boats).
    Nothing is said when a hazard's params name no capability at all (a plugin's hazard
    type whose calls' demand is its own: what they ask for cannot be seen).

    :param hazards: :func:`_hazard_params` of ``spec`` (disabled hazards too: a sweep may
        switch one on).
    """
    asked: set[str] = set()
    named: set[str] = set()
    for _, params in hazards:
        asks = names_in(params, _is_capability)
        if not asks:  # a hazard whose params name no capability: what its calls ask for
            return    # is not to be seen, and any force may serve them
        asked |= asks
        named |= names_in(params, _names_force)
    for i, f in enumerate(spec.forces):
        if f.type not in host.unit_types or f.id in named:
            continue
        utype = host.unit_types[f.type]
        if utype.start is not None:
            continue
        brings = {c: a for c, a in {**utype.capabilities, **f.capabilities}.items() if a and a > 0}
        if set(brings) & asked:
            continue
        what = ", ".join(f"{c} {a:g}" for c, a in sorted(brings.items())) or "no capability at all"
        warnings.append(doc.fault(("forces", i, "type"), (
            f"force {f.id!r} ({f.type}) can serve nothing in this scenario: each unit brings "
            f"{what}, which no hazard's calls ask for (they ask for "
            f"{', '.join(sorted(asked)) or 'nothing'}), no hazard names the force, and no "
            f"plugin runs {f.type} units itself; it will stand idle in every run (drop it, or "
            "give it a capability the calls need)")))


#: target params fields that name things of the scenario, and what they name
TARGET_REFS = {"forces": "force", "force": "force", "hazards": "hazard", "hazard": "hazard",
               "townships": "township", "township": "township", "reserve": "reserve",
               "kinds": "incident kind"}


def check_target_refs(tid: str, params: BaseModel | None, doc: Document, where: tuple,
                      known: dict[str, set[str]], kinds_certain: bool, faults: Collector,
                      warnings: list[Fault], *, strict: bool) -> None:
    """Report a target's params that name a force, hazard, township, reserve or incident
    kind the scenario does not have (``params: {forces: [jiangbei_staton]}``): the metric
    would silently measure nothing, or something else (a response time over no units).

    :param known: names by what they are (``"force"`` → the scenario's force ids, …); a
        kind of name missing from ``known`` is not checked.
    :param strict: faults when the target is written in this scenario (``extra_targets``
        or an override of ``params``); warnings when it comes from the plan file, whose
        targets serve scenarios that may not hold every force it names.
    """
    if params is None:
        return
    for name, what in TARGET_REFS.items():
        # only what the target writes: a metric's own default is not the user's to fix
        if name not in params.model_fields_set or what not in known:
            continue
        value = getattr(params, name)
        items = [value] if isinstance(value, str) else list(value or [])
        for k, item in enumerate(items):
            if not isinstance(item, str) or item in known[what]:
                continue
            at = where + ((name, k) if not isinstance(value, str) else (name,))
            message = (f"target {tid!r} names {what} {item!r}, which this scenario does not have: "
                       f"the row would measure nothing of it" + _unknown(item, known[what], what + "s"))
            if strict and (what != "incident kind" or kinds_certain):
                faults.add(doc.fault(at, message))
            else:
                warnings.append(doc.fault(at, message))
