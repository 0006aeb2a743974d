"""What plugins register: unit types, hazard types and metrics.

Plugins hand these records to the ``register`` callback of the registration hooks;
the host checks them and keeps them by name. Two plugins registering one name is an
error naming both. A plugin may hand in a :class:`Deferred` record instead (the name,
and where the record lives): its module is imported only when the record is first
asked for, so a scenario that does not use a hazard type does not import its model.
"""

from __future__ import annotations

import importlib
import math
import re
from collections import abc
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal, Sequence

from pydantic import BaseModel

from drillsim.errors import PASSES_THROUGH, brief

# Hook callables below take engine objects (a Simulation, Events). They are typed Any on
# purpose: the host sits below the engine and imports nothing of it.
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RegistrationError(Exception):
    """A plugin handed in an invalid or clashing registration (raised at load time)."""


#: the reductions of one replication's observations a metric may default to (the
#: scenario schema's ``Statistic``; ``drillsim.scoring.stats.STATISTICS`` computes them)
STATISTICS = ("mean", "min", "max", "sum", "count", "p50", "p90", "p95")

#: what a metric measures (``Metric.quantity``)
QUANTITIES = ("time", "count", "people", "share", "units", "area")


def _functions(owner: str, required: tuple[str, ...] = (), **functions: Any) -> None:
    """Refuse a record's function field that is not callable (``check="validate"``): it
    failed only when a scenario used the record, reported at that scenario's line.

    :param owner: the record in words (``unit type 'drone'``), for the message.
    :param required: the fields that may not be None.
    :raises RegistrationError: naming the field."""
    for field_name, function in functions.items():
        if function is None and field_name not in required:
            continue
        if not callable(function):
            raise RegistrationError(f"{owner}: {field_name} must be a function, got "
                                    f"{type(function).__name__} {function!r}")


def _amount(value: Any) -> bool:
    """A finite number, 0 or more (True and False are not amounts), that a float holds:
    an int beyond a float's range (``10**400``) compares below ``math.inf`` but fails
    later, where the engine makes it a float (``OverflowError`` with a traceback)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return 0 <= float(value) < math.inf
    except OverflowError:
        return False


#: pydantic error types that say a value is of the field's type but refused by a check
#: of its value (a validator's ValueError, a ``Field(ge=…)`` bound …)
_VALUE_ERRORS = frozenset({"value_error", "assertion_error", "greater_than", "greater_than_equal",
                           "less_than", "less_than_equal", "multiple_of", "finite_number",
                           "too_short", "too_long", "string_too_short", "string_too_long",
                           "string_pattern_mismatch"})


class _DefaultInfo:
    """What a field validator taking ``info`` is handed for a default: no other field's
    value (``data`` is empty), the engine-values context."""

    def __init__(self, field_name: str, context: dict) -> None:
        self.field_name = field_name
        self.context = context
        self.data: dict = {}
        self.mode = "python"
        self.config = None


def _after_validators(cls: type[BaseModel], name: str, value: Any) -> str | None:
    """What the model's own ``@field_validator(name)`` validators in ``after`` mode (they
    check the value read, as a scenario's passes them) say of a default, or None when
    they accept it. ``before`` validators read a scenario's text and are not asked; a
    validator that fails otherwise than by refusing (it reads another field: a default
    has none) is not the default's fault and is passed over.

    :returns: the validator's message (``ValueError`` or ``AssertionError``)."""
    import inspect

    from drillsim.scenario.quantities import ENGINE_VALUES

    decorators = getattr(cls, "__pydantic_decorators__", None)
    for dec in (decorators.field_validators.values() if decorators is not None else ()):
        if dec.info.mode != "after" or not (name in dec.info.fields or "*" in dec.info.fields):
            continue
        try:
            takes_info = len(inspect.signature(dec.func).parameters) > 1
        except (TypeError, ValueError):
            continue
        try:
            value = dec.func(value, _DefaultInfo(name, ENGINE_VALUES)) if takes_info else dec.func(value)
        except (ValueError, AssertionError) as exc:
            text = str(exc) or type(exc).__name__
            return f"{text[0].lower()}{text[1:]}"
        except Exception:  # noqa: BLE001  (not a refusal of the value: see above)
            return None
    return None


def _default_faults(model: type[BaseModel]) -> list[tuple[str, bool]]:
    """:func:`default_faults`, each line with whether it is a value fault (True: the
    default is of the field's type but a check of its value refuses it)."""
    from typing import Annotated

    from pydantic import TypeAdapter, ValidationError
    from pydantic_core import PydanticUndefined

    from drillsim.scenario.quantities import ENGINE_VALUES

    out: list[tuple[str, bool]] = []
    seen: set[type] = set()

    def visit(cls: type[BaseModel], prefix: str) -> None:
        if cls in seen:
            return
        seen.add(cls)
        if not cls.__pydantic_complete__:  # a model built on first use: its field types named
            try:                           # by strings until it is (the checks need the types)
                cls.model_rebuild()
            except Exception:  # pydantic cannot build it: the plugin's first use will say so
                return
        for name, info in cls.model_fields.items():
            kind = info.annotation
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                visit(kind, f"{prefix}{name}.")
            default = info.get_default(call_default_factory=True)
            if default is PydanticUndefined:
                continue
            # the field's type with its validators and bounds (pydantic keeps them apart)
            checked = Annotated[(kind, *info.metadata)] if info.metadata else kind
            try:
                value = TypeAdapter(checked).validate_python(default, strict=True,
                                                             context=ENGINE_VALUES)
                fault = _after_validators(cls, name, value)
                if fault is not None:
                    out.append((f"{prefix}{name}: default {brief(default)} is refused: {fault}", True))
            except ValidationError as exc:
                error = exc.errors(include_url=False)[0]
                message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
                message = f"{message[0].lower()}{message[1:]}"
                if error["type"] in _VALUE_ERRORS:
                    out.append((f"{prefix}{name}: default {brief(default)} is refused: {message}", True))
                    continue
                shown = kind.__name__ if isinstance(kind, type) else str(kind).replace("typing.", "")
                out.append((f"{prefix}{name}: default {brief(default)} is not a {shown} ({message})",
                            False))
            except Exception:  # a type pydantic cannot build a schema for: not ours to check
                continue

    visit(model, "")
    return out


def default_faults(model: type[BaseModel]) -> list[str]:
    """The defaults of a params model that its own field refuses, one line each
    (``delay: default '30min' is not a float …``, ``delay: default -5.0 is refused: -5 min
    is outside …``), nested models' too.

    pydantic does not validate a default: the run receives it exactly as written. A
    field's default must therefore already be the value the field gives after reading a
    scenario — minutes as a number for a ``Duration`` (``delay: Duration = 30.0``), not
    the text a scenario writes (``"30min"``), which every scenario leaving the field out
    would hand to the plugin as a string — and pass the checks a scenario's value passes:
    a ``Duration`` of NaN or −5, or a ``Fraction`` of 1.5, is refused as ``-5min`` or
    ``150%`` in a scenario is, and so is one the model's own ``@field_validator`` in
    ``after`` mode refuses (:func:`_after_validators`). Each default is validated in
    pydantic's strict mode against the field's type with its validators and bounds, under
    :data:`drillsim.scenario.quantities.ENGINE_VALUES`, so a quantity takes the number
    in its engine unit and checks it with :func:`~drillsim.scenario.quantities.check_magnitude`.
    Types pydantic cannot check (arbitrary classes) are skipped.

    :param model: a pydantic model class (a ``Strict`` params model).
    :returns: one line per bad default; empty when every default is one its field accepts.
    """
    return [line for line, _ in _default_faults(model)]


def _lax_models(model: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """The models of a params model (itself, and those its fields hold: ``Sub``,
    ``list[Sub]``, ``Sub | None`` …) that let unknown fields through (pydantic's
    ``extra`` is not ``"forbid"``), each with the field path leading to it."""
    import typing

    out: list[tuple[str, type[BaseModel]]] = []
    seen: set[type] = set()

    def models_in(kind: Any) -> list[type[BaseModel]]:
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return [kind]
        return [m for arg in typing.get_args(kind) for m in models_in(arg)]

    def visit(cls: type[BaseModel], path: str) -> None:
        if cls in seen:
            return
        seen.add(cls)
        if cls.model_config.get("extra") != "forbid":
            out.append((path, cls))
        if not cls.__pydantic_complete__:  # field types still named by strings (a module with
            try:                           # `from __future__ import annotations`, defer_build)
                cls.model_rebuild()
            except Exception:  # pydantic cannot build it: the plugin's first use will say so
                return
        for name, info in cls.model_fields.items():
            for sub in models_in(info.annotation):
                visit(sub, f"{path}.{name}" if path else name)

    visit(model, "")
    return out


def check_params_model(item: Any, what: str) -> None:
    """A registration's ``params_model`` must be a pydantic model whose defaults its own
    fields accept (:func:`default_faults`).

    :raises RegistrationError: naming the record, the model and the first bad default."""
    model = getattr(item, "params_model", None)
    if model is None:
        return
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise RegistrationError(f"{what} {item.name!r}: params_model must be a pydantic model "
                                f"class (a subclass of drillsim.api.Strict), got {model!r}")
    lax = _lax_models(model)
    if lax:
        path, cls = lax[0]
        where = f", field {path} ({cls.__name__})" if path else ""
        raise RegistrationError(
            f"{what} {item.name!r}: params model {model.__name__}{where} lets unknown fields "
            f"through (pydantic's extra={cls.model_config.get('extra', 'ignore')!r}): a "
            "scenario's misspelt field would be dropped without a word; derive it from "
            "drillsim.api.Strict, as every params model")
    faults = _default_faults(model)
    if faults:
        first, value_fault = faults[0]
        more = f" (and {len(faults) - 1} more)" if len(faults) > 1 else ""
        advice = (("a default passes the checks a scenario's value passes: give one the field "
                   "accepts") if value_fault else
                  ("a default is not read like a scenario's text: give the value the field "
                   "holds (30.0 for a Duration of 30 min, not '30min')"))
        raise RegistrationError(f"{what} {item.name!r}: params model {model.__name__}, field "
                                f"{first}{more}; {advice}, or no default, so that scenarios "
                                "must set it")


@dataclass(frozen=True)
class UnitType:
    """A kind of response unit a force plugin provides.

    :ivar name: the ``type:`` a scenario's force names (lowercase, ``_``).
    :ivar description: one line for ``drillsim plugins``.
    :ivar capabilities: default capability amounts **per unit** (``{"people": 6,
        "boats": 1}``); a scenario's force may override them.
    :ivar vehicle: default road vehicle class (must exist in the region's ``travel``).
    :ivar mode: ``"road"`` (region road model) or ``"air"`` (answered by an aviation
        plugin's travel-time hook).
    :ivar turnout: default turnout time, minutes (dispatch → leaving the base).
    :ivar plan_ref: the plan's force id and section, e.g. ``"F7 III.(3).1(5)"``.
    :ivar params_model: pydantic model for the force's ``params:`` (None: no params).
    :ivar start: optional ``start(sim, force)`` called when a run starts, to start
        processes for this force (e.g. delayed activation).
    :ivar check: optional ``check(params, context) -> iterable of (path, message)`` for
        cross-references in the force's validated ``params:`` that the schema cannot
        express (a place of the region, a hazard of the scenario), found when the
        scenario is loaded; ``path`` is relative to ``params:`` and ``context`` is the
        :class:`~drillsim.scenario.loader.LoadContext` (its ``forces`` and ``reserves``
        are empty then). Called for every force of the type, counted or not.
    :ivar turnout_by_time: default turnout by time of day (a keyword): bands
        ``(start, end, minutes)`` of local clock time written ``"HH:MM"``, e.g.
        ``(("22:00", "07:00", 60.0),)`` for a team called from home at night; a unit
        dispatched in a band (start included, end excluded; a band whose end is earlier
        than its start runs past midnight) leaves its base after the band's minutes,
        outside every band after ``turnout``. The first band holding the time counts. A
        scenario's force that writes its own ``turnout_by_time:`` replaces them (``[]``:
        none).
    """

    name: str
    description: str
    capabilities: dict[str, float]
    vehicle: str = "rescue_vehicle"
    mode: Literal["road", "air"] = "road"
    turnout: float = 0.0
    plan_ref: str = ""
    params_model: type[BaseModel] | None = None
    start: Callable[[Any, Any], None] | None = None
    check: Callable[[Any, Any], Iterable[tuple[tuple, str]]] | None = field(default=None, kw_only=True)
    turnout_by_time: Sequence[tuple[str, str, float]] = field(default=(), kw_only=True)

    def turnout_bands(self) -> tuple[tuple[float, float, float], ...]:
        """:attr:`turnout_by_time` as ``(start, end, turnout)`` in minutes (clock times as
        minutes after midnight), the engine's form.

        :raises ValueError: a clock time that is not ``HH:MM`` (:meth:`check_self` says
            so first, naming the unit type)."""
        from drillsim.scenario.schema import parse_clock

        return tuple((parse_clock(start), parse_clock(end), float(minutes))
                     for start, end, minutes in self.turnout_by_time)

    def check_self(self) -> None:
        if not _NAME.match(self.name):
            raise RegistrationError(f"unit type name {self.name!r} must be lowercase letters, "
                                    "digits and _, starting with a letter")
        if not isinstance(self.capabilities, dict) or not self.capabilities or not all(
                _amount(v) for v in self.capabilities.values()):
            raise RegistrationError(f"unit type {self.name!r}: capabilities must be a non-empty "
                                    "mapping of names to non-negative numbers, got "
                                    f"{brief(self.capabilities)}")
        if self.mode not in ("road", "air"):
            raise RegistrationError(f"unit type {self.name!r}: mode must be 'road' or 'air'")
        if not _amount(self.turnout):
            raise RegistrationError(f"unit type {self.name!r}: turnout must be a number of "
                                    f"minutes, 0 or more, got {brief(self.turnout)}")
        self._check_bands()
        _functions(f"unit type {self.name!r}", start=self.start, check=self.check)

    def _check_bands(self) -> None:
        """Each of :attr:`turnout_by_time` is ``(start, end, minutes)``: two different
        clock times ``HH:MM`` and a number of minutes, 0 or more."""
        from drillsim.scenario.schema import parse_clock

        bands, what = self.turnout_by_time, f"unit type {self.name!r}: turnout_by_time"
        shape = ("give a sequence of (start 'HH:MM', end 'HH:MM', minutes) bands, "
                 "e.g. (('22:00', '07:00', 60.0),)")
        if isinstance(bands, (str, bytes, dict)) or not isinstance(bands, abc.Sequence):
            raise RegistrationError(f"{what} must be a sequence of bands, got {brief(bands)}; {shape}")
        for i, band in enumerate(bands):
            if isinstance(band, (str, bytes)) or not isinstance(band, abc.Sequence) or len(band) != 3:
                raise RegistrationError(f"{what}[{i}] must be (start, end, minutes), got {brief(band)}; {shape}")
            start, end, minutes = band
            try:
                same = parse_clock(start) == parse_clock(end)
            except ValueError as exc:
                raise RegistrationError(f"{what}[{i}]: {exc}") from None
            if same:
                raise RegistrationError(f"{what}[{i}]: a band from {start!r} to the same time is "
                                        "empty: give different start and end")
            if not _amount(minutes):
                raise RegistrationError(f"{what}[{i}]: the turnout must be a number of minutes, "
                                        f"0 or more, got {brief(minutes)}")


@dataclass(frozen=True)
class HazardType:
    """A hazard model a plugin provides.

    :ivar name: the ``type:`` a scenario's hazard names.
    :ivar description: one line for ``drillsim plugins``.
    :ivar params_model: pydantic model validating the hazard's ``params:``.
    :ivar start: ``start(sim, hazard)`` called when a run starts; it starts the
        hazard's SimPy processes (``sim.process(...)``). ``hazard.params`` is the
        validated params model instance.
    :ivar check: optional ``check(params, context) -> list[(path, message)]`` for
        cross-references the schema cannot express (unknown townships …); ``context``
        is the :class:`~drillsim.scenario.loader.LoadContext`.
    :ivar incident_kinds: optional ``incident_kinds(params) -> iterable of str``: every
        incident kind a hazard with these params may create. With it, a force's
        ``serves:`` naming a kind nothing makes is an error; without it the loader reads
        the params' ``kind``/``*_kind`` fields and only warns (it cannot be sure).
    :ivar finish: optional ``finish(sim, hazard)`` called at the horizon, before
        ``run_ended``: the form API 1.1 offered; the same as ``start`` registering
        ``sim.at_horizon(callback)`` (API 1.2), which new code uses.
    """

    name: str
    description: str
    params_model: type[BaseModel]
    start: Callable[[Any, Any], None]
    check: Callable[[Any, Any], Iterable[tuple[tuple, str]]] | None = None
    incident_kinds: Callable[[Any], Iterable[str]] | None = None
    finish: Callable[[Any, Any], None] | None = None

    def check_self(self) -> None:
        if not _NAME.match(self.name):
            raise RegistrationError(f"hazard type name {self.name!r} must be lowercase letters, "
                                    "digits and _, starting with a letter")
        _functions(f"hazard type {self.name!r}", ("start",), start=self.start, check=self.check,
                   incident_kinds=self.incident_kinds, finish=self.finish)


@dataclass(frozen=True)
class Metric:
    """A measure computed from an event log, for scorecard rows.

    :ivar name: the ``metric:`` a plan target names.
    :ivar quantity: ``time`` (minutes inside, thresholds written with units), ``count``,
        ``people``, ``share`` (0–1), ``units`` or ``area`` (hectares).
    :ivar description: what is measured, for reports.
    :ivar compute: ``compute(events, context, params) -> list[(label, value)]``: the
        observations of one replication (e.g. one response time per call, one lead
        time per township). An empty list means "nothing to measure in this run".
    :ivar statistic: default reduction of one replication's observations to its value
        (``mean``, ``min``, ``max``, ``sum``, ``count``, ``p50``, ``p90``, ``p95``).
    :ivar params_model: pydantic model for the target's ``params:`` (None: none).
    :ivar label: what observation labels name when they are the same across
        replications (``"township"``, ``"force"``): reports then break the row down by
        label. None when labels name one-off items (incidents).
    :ivar minimum: the least value the metric can take; confidence intervals are cut
        there (None: no bound; quantities other than ``time`` default to 0).
    :ivar made_by: the players' activity the value comes from, when a run without that
        activity meets a target on it by default: ``evacuation`` (relocation, supplies,
        shelter: nobody moved, nothing needed) or ``dispatch`` (response, commitment:
        nobody sent, nothing late or busy). A drill's after-action review marks such a
        met row "met because nothing was done" and does not credit it when the drill had
        none of that activity. None (the default): the value does not come by inaction.
    """

    name: str
    quantity: Literal["time", "count", "people", "share", "units", "area"]
    description: str
    compute: Callable[[Sequence[Any], Any, Any], list[tuple[str, float]]]
    statistic: str = "mean"
    params_model: type[BaseModel] | None = None
    label: str | None = None
    minimum: float | None = None
    made_by: Literal["evacuation", "dispatch"] | None = None

    @property
    def floor(self) -> float | None:
        """The lower bound used for intervals (see ``minimum``)."""
        if self.minimum is not None:
            return self.minimum
        return None if self.quantity == "time" else 0.0

    def check_self(self) -> None:
        if not _NAME.match(self.name):
            raise RegistrationError(f"metric name {self.name!r} must be lowercase letters, "
                                    "digits and _, starting with a letter")
        if self.quantity not in QUANTITIES:
            raise RegistrationError(f"metric {self.name!r}: quantity must be one of "
                                    f"{', '.join(QUANTITIES)}, got {self.quantity!r}")
        if not callable(self.compute):
            raise RegistrationError(f"metric {self.name!r}: compute must be a function "
                                    "compute(events, context, params), got "
                                    f"{type(self.compute).__name__} {self.compute!r}")
        if self.statistic not in STATISTICS:
            raise RegistrationError(f"metric {self.name!r}: statistic must be one of "
                                    f"{', '.join(STATISTICS)}, got {self.statistic!r}")
        if self.made_by not in (None, "evacuation", "dispatch"):
            raise RegistrationError(f"metric {self.name!r}: made_by must be 'evacuation', "
                                    f"'dispatch' or None, got {self.made_by!r}")


@dataclass(frozen=True)
class CalcOption:
    """One ``--option`` of a calculator.

    :ivar name: option name without dashes (``wind`` → ``--wind``; ``_`` → ``-``).
    :ivar kind: how the text is read: a quantity kind of :mod:`drillsim.scenario.quantities`
        (``time``, ``speed``, ``length``, ``elevation``, ``discharge``, ``rate``,
        ``mass_rate``) or a meaning with its own range (``wind_speed``, ``road_speed``,
        ``air_speed``, ``height``, ``time_offset``; every quantity is refused outside the
        range of :data:`~drillsim.scenario.quantities.RANGES`), ``fraction`` (``6%``, 0–100 %), ``percent`` (``120%``: a
        non-negative share that may exceed 100 %, e.g. live fuel moisture), ``slope``
        (``30%``, ``0.3`` or ``25deg``: rise over run, 0–1,000 %), ``angle``
        (``90deg``, ``90°``; → degrees), ``number``, ``integer``, ``text``, ``choice``
        (one of ``choices``) or ``series`` (comma-separated numbers or a CSV file with one
        number per line).
    :ivar help: one line for ``--help``; say the unit for ``number``.
    :ivar required: must be given.
    :ivar default: default as the user would write it (``"7m/s"``), or None.
    :ivar choices: allowed values for ``choice``.

    The calculator's ``compute`` receives quantities in engine units (minutes, km/h,
    km, m, m³/s, per minute, g/s; fractions 0–1).
    """

    name: str
    kind: str
    help: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Calculator:
    """A model exposed as ``drillsim hazard NAME``.

    :ivar compute: ``compute(**options) -> dict`` of flat results by name (finite
        numbers, text, true/false, or lists of those); raise ``ValueError`` for inputs
        outside the model's range (a value it cannot give is that error, not None or
        NaN: the host refuses such a result as the plugin's fault, exit status 1).
    :ivar plot: optional ``plot(ax, region, result, options)`` drawing the result on a
        map axes in lon/lat degrees (the host draws the region's map first).
    :ivar summary: optional ``summary(result, options) -> [(quantity, value)]``: the
        result for people, each line a named quantity and its value with its unit
        (``("AEGL-2 zone length", "12.2 km")``), in the order to print. Without it the
        host prints the result's keys and values. ``--json`` always prints ``compute``'s
        full result.
    :ivar plot_needs: options (names as in ``options``) ``--plot`` cannot draw without;
        the host refuses ``--plot`` without them (exit status 2) before computing.
    """

    name: str
    description: str
    options: tuple[CalcOption, ...]
    compute: Callable[..., dict]
    plot: Callable[..., None] | None = None
    summary: Callable[[dict, dict], list[tuple[str, str]]] | None = None
    plot_needs: tuple[str, ...] = ()

    def check_self(self) -> None:
        if not _NAME.match(self.name):
            raise RegistrationError(f"calculator name {self.name!r} must be lowercase letters, "
                                    "digits and _, starting with a letter")
        _functions(f"calculator {self.name!r}", ("compute",), compute=self.compute,
                   plot=self.plot, summary=self.summary)
        names = {opt.name for opt in self.options}
        for need in self.plot_needs:
            if need not in names:
                raise RegistrationError(f"calculator {self.name!r}: plot_needs names {need!r}, "
                                        "which is not one of its options")
        for opt in self.options:
            if opt.kind not in CALC_KINDS:
                raise RegistrationError(f"calculator {self.name!r}: option {opt.name!r} has "
                                        f"unknown kind {opt.kind!r} (one of {', '.join(CALC_KINDS)})")


CALC_KINDS = ("time", "duration", "speed", "length", "elevation", "discharge", "rate", "mass_rate",
              "time_offset", "wind_speed", "road_speed", "air_speed", "height", "fraction",
              "percent", "slope", "angle", "number", "integer", "text", "choice", "series")


@dataclass(frozen=True)
class Deferred:
    """A registration whose record is imported when first asked for.

    ``register(Deferred("forest_fire", "drillsim_plugins.forest_fire.hazard:FOREST_FIRE"))``
    registers the hazard type ``forest_fire`` by name; the module
    ``drillsim_plugins.forest_fire.hazard`` is imported, and its ``FOREST_FIRE`` (a
    :class:`HazardType` named ``forest_fire``) checked and kept, only when a scenario
    (or anything else) first asks the host for ``forest_fire``. Importing a hazard's
    model (its pydantic params classes, its processes) costs milliseconds at every start;
    most scenarios use one or two of the installed hazard types.

    :ivar name: the record's name (what a scenario writes, ``type: forest_fire``).
    :ivar target: ``"package.module:ATTRIBUTE"``, the record itself.
    :ivar default_kinds: for a hazard type, the incident kinds its params model's
        ``kind``/``*_kind`` fields default to, and
    :ivar default_capabilities: the capabilities its ``demand``/``capability``/``allowed``
        … fields default to: a scenario's forces may serve kinds and bring capabilities
        of hazard types the scenario does not run, and the loader checks those names
        against these (:mod:`drillsim.scenario.namecheck`) without importing the type.
        None (the default): the loader imports the type to read them from its model.
        They must be what the model says: the record is refused, naming both, when it
        is imported and they differ (a plugin's tests can compare them earlier with
        ``drillsim.api.default_names``, as ``tests/test_deferred.py`` does for drillsim's
        own).
    """

    name: str
    target: str
    default_kinds: tuple[str, ...] | None = None
    default_capabilities: tuple[str, ...] | None = None

    def check_self(self) -> None:
        if not _NAME.match(self.name):
            raise RegistrationError(f"deferred name {self.name!r} must be lowercase letters, "
                                    "digits and _, starting with a letter")
        module, _, attr = self.target.partition(":")
        if not module or not attr or not all(p.isidentifier() for p in (*module.split("."), attr)):
            raise RegistrationError(f"deferred {self.name!r}: target {self.target!r} must be "
                                    "'package.module:ATTRIBUTE'")


@dataclass
class Registry:
    """Registered items of one kind, by name, with the plugin that provided each.

    :param kind: the record class (``HazardType`` …): a :class:`Deferred` item resolves
        to one of these (None: the item is taken as it is).
    :param error: the exception raised when a deferred item cannot be resolved (the
        host's ``PluginError``; default :class:`RegistrationError`).
    """

    what: str
    items: dict[str, Any] = field(default_factory=dict)
    providers: dict[str, str] = field(default_factory=dict)
    kind: type | None = None
    error: type[Exception] = RegistrationError

    def add(self, item: Any, plugin: str) -> None:
        if item.name in self.items and self.providers[item.name] == plugin:
            raise RegistrationError(f"{self.what} {item.name!r} is registered twice by {plugin!r}; "
                                    "register each name once")
        if item.name in self.items:
            raise RegistrationError(f"{self.what} {item.name!r} is registered by both "
                                    f"{self.providers[item.name]!r} and {plugin!r}")
        self.items[item.name] = item
        self.providers[item.name] = plugin

    def __contains__(self, name: str) -> bool:
        return name in self.items

    def __getitem__(self, name: str) -> Any:
        item = self.items[name]
        if item.__class__ is Deferred:
            item = self.items[name] = self._resolve(item)
        return item

    def peek(self, name: str) -> Any:
        """The item as registered, or as resolved since: a :class:`Deferred` is not
        imported.

        :raises KeyError: no item of that name."""
        return self.items[name]

    def _resolve(self, deferred: Deferred) -> Any:
        """Import a deferred item's record and check it (kind, name, its own rules).

        :raises Exception: ``self.error``, naming the plugin, when it cannot be imported
            or is not the record it was registered as.
        """
        plugin = self.providers[deferred.name]
        module, _, attr = deferred.target.partition(":")
        where = f"plugin {plugin!r}, {self.what} {deferred.name!r} ({deferred.target})"
        try:
            item = getattr(importlib.import_module(module), attr)
        except PASSES_THROUGH:
            raise
        except BaseException as exc:  # sys.exit() at import too
            raise self.error(f"{where} could not be loaded: {type(exc).__name__}: {exc} (until "
                             f"it is fixed, leave the plugin out: --disable-plugin {plugin})") from exc
        if self.kind is not None and not isinstance(item, self.kind):
            # the class, not the record's repr (a dataclass's repr spells out every field)
            what = f"the class {item.__name__}" if isinstance(item, type) else f"a {type(item).__name__}"
            raise self.error(f"{where} is {what}, not a drillsim.api.{self.kind.__name__}")
        if getattr(item, "name", None) != deferred.name:
            raise self.error(f"{where} is named {getattr(item, 'name', None)!r}, not "
                             f"{deferred.name!r}")
        try:
            item.check_self()
        except RegistrationError as exc:
            raise self.error(f"plugin {plugin!r}: {exc}") from exc
        self._check_declared(deferred, item, where)
        return item

    def _check_declared(self, deferred: Deferred, item: Any, where: str) -> None:
        """The names a deferred hazard type declared (read by the loader's name checks
        while it is not imported) must be what its params model defaults to: a wrong list
        would accept misspelt names and suggest them for the right ones.

        :raises Exception: ``self.error``, naming both lists."""
        model = getattr(item, "params_model", None)
        if model is None or (deferred.default_kinds is None and deferred.default_capabilities is None):
            return
        from drillsim.scenario.namecheck import default_names  # (pydantic models: when needed)

        kinds, capabilities = default_names(model)
        for field_name, declared, actual in (("default_kinds", deferred.default_kinds, kinds),
                                             ("default_capabilities", deferred.default_capabilities,
                                              capabilities)):
            if declared is not None and set(declared) != actual:
                raise self.error(f"{where} declares {field_name}={sorted(declared)}, but its params "
                                 f"model defaults to {sorted(actual)}: make the Deferred say the same")

    def resolve_all(self) -> None:
        """Import every deferred item now (a worker ahead of its tasks; the reference)."""
        for name in list(self.items):
            self[name]

    def names(self) -> list[str]:
        return sorted(self.items)
