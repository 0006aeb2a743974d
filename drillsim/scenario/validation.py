"""Turn pydantic validation errors into located, plain-language faults.

Schemas are pydantic models (``extra="forbid"``, strict types). This module validates a
:class:`~drillsim.scenario.yamlsource.Document` (or a part of one) against a model and reports
each error as a :class:`~drillsim.errors.Fault` at the line where the value was written,
with a "did you mean" suggestion for unknown fields.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.yamlsource import Document, PathKey

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base for every file schema: unknown fields are errors, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def suggest(word: str, choices) -> str:
    """``"; did you mean 'x'?"`` when a close match exists (or the same letters in another
    order, as in ``=<`` for ``<=``), else ``""``."""
    choices = [str(c) for c in choices]
    same_letters = [c for c in choices if sorted(c) == sorted(str(word)) and c != str(word)]
    if same_letters:
        return f"; did you mean {same_letters[0]!r}?"
    match = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def _fields_of(model: Any) -> list[str] | None:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return None


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (through Optional/Union/Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _model_at(model: Any, loc: tuple) -> Any:
    """Follow ``loc`` through nested annotations to the model that owns its last key."""
    current = [model]
    for part in loc:
        following = []
        for ann in current:
            for typ in _unwrap(ann):
                if isinstance(typ, type) and issubclass(typ, BaseModel):
                    fld = typ.model_fields.get(part) if isinstance(part, str) else None
                    if fld is None:
                        fld = next((f for f in typ.model_fields.values() if f.alias == part), None)
                    if fld is not None:
                        following.append(fld.annotation)
                    continue
                origin = typing.get_origin(typ)
                args = typing.get_args(typ)
                if origin in (list, tuple) and isinstance(part, int) and args:
                    following.append(args[0])
                elif origin is dict and len(args) == 2:
                    following.append(args[1])
        current = following
    for ann in current:
        for typ in _unwrap(ann):
            if _fields_of(typ):
                return typ
    return None


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of fields",
}


def _describe(value: Any, raw: str | None) -> str:
    """What the user wrote, briefly: never more than one line of the file, cut short."""
    if raw is not None:
        return f"{raw!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        first = value.strip().split("\n", 1)[0]
        if len(first) > 40 or "\n" in value.strip():
            return f"text starting {first[:40]!r}…"
    return repr(value)


def _message(err: dict, model: Any, loc: tuple, raw: str | None) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        return f"unknown field {loc[-1]!r}" + (suggest(loc[-1], _fields_of(owner)) if owner else "")
    if kind in _TYPE_WORDS:
        msg = f"expected {_TYPE_WORDS[kind]}, got {_describe(value, raw)}"
        if kind == "string_type" and raw is not None:
            if raw[:1] == "0" and raw.isdigit() and len(raw) > 1:
                msg += f" (a number: the leading zero is lost); write it in quotes: '{raw}'"
            else:
                msg += f"; if this is a name or code, write it in quotes: '{raw}'"
        if kind == "bool_type" and isinstance(value, str):
            msg += " (YAML 1.2: write true or false; yes/no/on/off are text)"
        return msg
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{_describe(value, raw)} is not one of {expected}" + suggest(value, _literal_choices(expected))
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    bounds = {"greater_than": "must be more than", "greater_than_equal": "must be at least",
              "less_than": "must be less than", "less_than_equal": "must be at most"}
    if kind in bounds:
        limit = next(iter(err.get("ctx", {}).values()), "?")
        got = raw if raw is not None else (value if not isinstance(value, str) else repr(value))
        return f"{bounds[kind]} {limit:g}, got {got}" if isinstance(limit, (int, float)) else \
            f"{bounds[kind]} {limit}, got {got}"
    if kind == "finite_number":
        return f"expected a finite number, got {_describe(value, raw)}"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern == "^[a-z][a-z0-9_]*$":
            return f"{_describe(value, raw)} is not a valid id: use lowercase letters, digits and _, starting with a letter"
        return f"{_describe(value, raw)} does not have the required form ({pattern})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        need = err.get("ctx", {}).get("min_length", 1)
        return f"give at least {need} item{'s' if need != 1 else ''}, not an empty list" if not value else \
            f"give at least {need} items"
    return err["msg"]


def _literal_choices(expected: str) -> list[str]:
    return [c.strip().strip("'\"") for c in expected.replace(" or ", ",").split(",") if c.strip()]


def faults_from(exc: ValidationError, doc: Document, model: Any, prefix: PathKey = ()) -> list[Fault]:
    """Convert a pydantic ``ValidationError`` raised on ``doc`` data at ``prefix``."""
    faults = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(_data_at(doc.data, prefix), tuple(err["loc"]))
        path = prefix + loc
        key = err["type"] == "extra_forbidden"
        faults.append(doc.fault(path, _message(err, model, loc, doc.raw.get(path)), key=key))
    return faults


def _clean_loc(data: Any, loc: tuple) -> tuple:
    """Drop the labels pydantic inserts into error locations (union branches such as
    ``'str'``, validator names): keep only the parts that exist in the data, plus the
    last part (a missing or unknown field name)."""
    clean: list[Any] = []
    current = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, dict) and part in current:
            clean.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            clean.append(part)
            current = current[part]
        elif last and not _looks_like_label(part):
            clean.append(part)
    return tuple(clean)


def _looks_like_label(part: Any) -> bool:
    return isinstance(part, str) and (
        part in {"str", "int", "float", "bool", "list", "dict", "none"}
        or part[:1].isupper() or "[" in part)


def _data_at(data: Any, path: PathKey) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def validate(model: type[M], doc: Document, data: Any = None, prefix: PathKey = ()) -> M:
    """Validate ``data`` (default: the whole document) against ``model``.

    :raises ValidationFailed: one fault per pydantic error, located in ``doc``.
    """
    data = doc.data if data is None and not prefix else data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(faults_from(exc, doc, model, prefix)) from None


class Collector:
    """Gathers faults from several checks so all are reported together."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def run(self, fn, *args, **kwargs):
        """Call ``fn``; on :class:`ValidationFailed` keep its faults and return None."""
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            self.faults.extend(exc.faults)
            return None

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def raise_if_any(self) -> None:
        if self.faults:
            raise ValidationFailed(list(self.faults))
