"""Turn pydantic validation errors into located, plain-language faults.

Schemas are pydantic models (``extra="forbid"``, strict types). This module validates a
:class:`~drillsim.scenario.yamlsource.Document` (or a part of one) against a model and reports
each error as a :class:`~drillsim.errors.Fault` at the line where the value was written,
with a "did you mean" suggestion for unknown fields.
"""


import copy
import types
import typing
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.quantities import digits_hint
from drillsim.scenario.yamlsource import (  # the checked reader too: see below
    Document,
    PathKey,
    file_problem,
    format_path,
    path_problem,
    quote_name,
    read_text,
)

#: What the command line's own inputs (a calculator's series file, a map's region) use to
#: read and name files: the same checked reader and names as every document, from the
#: module the command line already checks its inputs with.
CHECKED_READER = (read_text, file_problem, path_problem, quote_name, ValidationFailed)

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base for every file schema: unknown fields are errors, no silent type coercion."""

    # a field's docstring (the string under it) is its description: docs/scenarios.md and
    # the JSON Schemas (`drillsim schema KIND`) are generated from them; they are read only
    # then (drillsim.reference.fielddocs), not by pydantic as each class is made
    # (use_attribute_docstrings: ~0.2 s of every start-up)
    # defer_build: a model's validator is built when it first validates, so the schemas
    # of plugins a scenario does not use cost nothing (about 0.05 s of every start-up)
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False,
                              defer_build=True)

    @classmethod
    def defaults(cls: type[M]) -> M:
        """The model with every field at its default, equal to ``cls()`` but made without
        running (so without building) its validator (pydantic's ``model_construct``).
        For a default written in a class body (``warning: WarningParams =
        WarningParams.defaults()``): ``WarningParams()`` there builds the validator when
        the module is imported, about 1 ms a model at every start-up, for every plugin's
        models whether a scenario uses them or not. A default is the field's declared
        default, not validated input; ``tests/test_plugin_defaults.py`` checks that
        every such default equals the validated one.
        """
        return cls.model_construct()


def _said(value: str) -> str:
    """Text that says something: not only spaces (``name: "   "`` passed where ``""``
    was refused, and an assumption's ``reason: " "`` gave no reason)."""
    if not value.strip():
        raise ValueError("must not be empty or only spaces")
    return value


#: Text a reader needs (a name, a title, an assumption's reason): at least one character
#: that is not a space.
Words = Annotated[str, Field(min_length=1), AfterValidator(_said)]


def suggest(word: str, choices) -> str:
    """``"; did you mean 'x'?"`` when a close match exists (or the same letters in another
    order, as in ``=<`` for ``<=``), else ``""``."""
    choices = [str(c) for c in choices]
    same_letters = [c for c in choices if sorted(c) == sorted(str(word)) and c != str(word)]
    if same_letters:
        return f"; did you mean {same_letters[0]!r}?"
    import difflib  # (only to suggest a name for a misspelt one)

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


def _is_model(typ: Any) -> bool:
    return isinstance(typ, type) and issubclass(typ, BaseModel)


def _types_along(model: Any, loc: tuple) -> list[Any]:
    """The concrete types that may hold the value at pydantic location ``loc``, following
    nested annotations. A union-branch label in ``loc`` (a model's class name such as
    ``'PluginModuleRef'``, or ``'str'``, ``"literal['all']"`` …) selects that branch."""
    current = _unwrap(model)
    for part in loc:
        named = [t for t in current if _is_model(t) and t.__name__ == part]
        if named:
            current = named
            continue
        following: list[Any] = []
        for typ in current:
            if _is_model(typ):
                fld = typ.model_fields.get(part) if isinstance(part, str) else None
                if fld is None:
                    fld = next((f for f in typ.model_fields.values() if f.alias == part), None)
                if fld is not None:
                    following.extend(_unwrap(fld.annotation))
                continue
            origin = typing.get_origin(typ)
            args = typing.get_args(typ)
            if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
                following.extend(_unwrap(args[0]))
            elif origin is dict and len(args) == 2:
                following.extend(_unwrap(args[1]))
        if not following and isinstance(part, str) and _looks_like_label(part):
            current = [t for t in current if not _is_model(t)]  # a branch that is not a model
            continue
        current = following
    return current


def _model_at(model: Any, loc: tuple) -> Any:
    """Follow ``loc`` through nested annotations (and union-branch labels) to the model
    that owns its last key."""
    for typ in _types_along(model, loc):
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
        return _short(raw)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        first = value.strip().split("\n", 1)[0]
        if len(first) > 40 or "\n" in value.strip():
            return f"text starting {first[:40]!r}…"
    return _short(value)


def _short(value: Any) -> str:
    """``repr`` of a value, cut short: a 10,000-character name or a 400-digit number is
    quoted by its start and its length."""
    text = repr(value)
    if len(text) <= 82:
        return text
    inner = str(value)
    return f"{inner[:40]!r}… ({len(inner):,} characters)"


def attribute_docstrings(cls: type) -> dict[str, str]:
    """``{field name: docstring}`` of the fields annotated in ``cls``'s own body (as
    pydantic's ``use_attribute_docstrings`` reads them); ``{}`` without source. Read
    only when needed (a schema written, an empty field's message): it parses the class's
    source."""
    import ast
    import inspect
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # pragma: no cover - a class made without a file
        return {}
    if source.startswith((" ", "\t")):  # a multi-line string less indented than the class
        source = "def _wrap():\n" + source
    node = ast.parse(source).body[0]
    if isinstance(node, ast.FunctionDef) and node.name == "_wrap":
        node = node.body[0]
    docs: dict[str, str] = {}
    target = None
    for stmt in node.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                and isinstance(stmt.value.value, str) and target is not None:
            docs[target] = inspect.cleandoc(stmt.value.value)
        target = stmt.target.id if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
            else None
    return docs


def _field_doc(model: Any, loc: tuple) -> str:
    """The first sentence of the docstring of the field at ``loc`` (what to give there),
    lower-cased at its start; '' when there is none."""
    owner = _model_at(model, loc[:-1])
    name = loc[-1] if loc else None
    if not isinstance(owner, type) or not isinstance(name, str):
        return ""
    for cls in owner.__mro__:
        if name in cls.__dict__.get("__annotations__", {}):
            text = " ".join(attribute_docstrings(cls).get(name, "").split())
            break
    else:
        return ""
    if not text:
        return ""
    first = text.split(". ")[0].rstrip(".")
    return first[:1].lower() + first[1:] if first[1:2].islower() else first


def _empty(words: str, err: dict, model: Any) -> str:
    """The message for a field left empty (``~``, ``null`` or nothing after the colon,
    in the file or in a sweep's ``set:``): YAML reads them all as null, which Python
    calls None; the user wrote no value, so the message says so and what to give."""
    doc = _field_doc(model, tuple(err["loc"]))
    return f"is empty: give {words}" + (f" — {doc}" if doc else "")


def _message(err: dict, model: Any, loc: tuple, raw: str | None) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        owner = _model_at(model, tuple(err["loc"])[:-1])  # through the branch the user meant
        name = str(loc[-1])
        fields = [f for f in (_fields_of(owner) or []) if f != name]
        return f"unknown field {_short(name)}" + (suggest(name, fields) if fields else "")
    if value is None and kind in (_SHAPES, *_TYPE_WORDS):
        return _empty(' or '.join(err['ctx']['words']) if kind == _SHAPES else _TYPE_WORDS[kind], err, model)
    if value is None and kind == "literal_error":
        return _empty(f"one of {err.get('ctx', {}).get('expected', '')}", err, model)
    if kind == _SHAPES:
        return (f"expected {' or '.join(err['ctx']['words'])}, got {_describe(value, raw)}"
                f"{digits_hint(value) if isinstance(value, str) else ''}")
    if kind in _TYPE_WORDS:
        msg = f"expected {_TYPE_WORDS[kind]}, got {_describe(value, raw)}"
        if isinstance(value, str) and digits_hint(value):  # `replications: １`
            return msg + digits_hint(value)
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
        need = err.get("ctx", {}).get("min_length", 1)
        # a seat's secret of 3 characters was told it "must not be empty"
        return "must not be empty" if not value or need <= 1 else \
            f"give at least {need} characters, got {len(value)}"
    if kind == "string_too_long":
        most = err.get("ctx", {}).get("max_length", "?")
        return f"give at most {most} characters, got {len(value) if isinstance(value, str) else '?'}"
    if kind == "too_short":
        need = err.get("ctx", {}).get("min_length", 1)
        shape = "mapping" if isinstance(value, dict) else "list"  # {} was "not an empty list"
        return f"give at least {need} item{'s' if need != 1 else ''}, not an empty {shape}" if not value else \
            f"give at least {need} items"
    return err["msg"]


def _literal_choices(expected: str) -> list[str]:
    return [c.strip().strip("'\"") for c in expected.replace(" or ", ",").split(",") if c.strip()]


def faults_from(exc: ValidationError, doc: Document, model: Any, prefix: PathKey = ()) -> list[Fault]:
    """Convert a pydantic ``ValidationError`` raised on ``doc`` data at ``prefix``.

    Where a value may take one of several shapes (a union), only the faults of the
    shape the user meant are reported (see :func:`_meant`), not every branch's.
    """
    faults = []
    data = _data_at(doc.data, prefix)
    for err in _meant(exc.errors(include_url=False), data, model):
        loc = _clean_loc(data, tuple(err["loc"]))
        path = prefix + loc
        key = err["type"] == "extra_forbidden"
        faults.append(doc.fault(path, _message(err, model, loc, doc.raw.get(path)), key=key))
    return faults


#: The error type of a value that fits none of a union's shapes (made here, not by pydantic).
_SHAPES = "drillsim_no_shape"
#: Error types saying the value is of the wrong kind altogether (text for a list …).
_WRONG_KIND = set(_TYPE_WORDS) | {"is_instance_of", "int_parsing", "float_parsing", "bool_parsing",
                                  "dict_type", "list_type", "model_attributes_type", "none_required"}


def _branch_points(data: Any, loc: tuple) -> list[tuple[tuple, int]]:
    """Where pydantic's location passes a union: (the data path there, the index in
    ``loc`` of the branch label) for each label, outermost first."""
    points = []
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
        elif isinstance(part, str) and _looks_like_label(part):
            points.append((tuple(clean), i))  # a label does not move in the data
    return points


def _meant(errors: list[dict], data: Any, model: Any, depth: int = 0) -> list[dict]:
    """Keep, at each union, only the errors of the branch the user meant.

    The branch meant is the one whose shape the value has (a mapping for a model, text
    for text …) and, among models, the one whose own fields the user wrote (a key only
    that branch has decides), then the one with most fields written, then fewest
    errors. When the value has none of the shapes, one error says which are allowed.
    """
    keep: list[dict] = []
    groups: dict[tuple, dict[str, list[dict]]] = {}
    for err in errors:
        points = _branch_points(data, tuple(err["loc"]))
        if len(points) <= depth:
            keep.append(err)
            continue
        path, index = points[depth]
        label = str(err["loc"][index])
        groups.setdefault((path, tuple(err["loc"][:index])), {}).setdefault(label, []).append(err)
    for (path, raw_prefix), branches in groups.items():
        if len(branches) == 1:
            keep.extend(_meant(next(iter(branches.values())), data, model, depth + 1))
            continue
        value = _data_at(data, path)
        label = _choose(branches, value, path, data, model, raw_prefix)
        if label is None:
            words = list(dict.fromkeys(_shape_word(errs, data) for errs in branches.values()))
            keep.append({"type": _SHAPES, "loc": raw_prefix, "input": value, "msg": "",
                         "ctx": {"words": words}})
        else:
            keep.extend(_meant(branches[label], data, model, depth + 1))
    return keep


def _wrong_kind(err: dict, data: Any, at: tuple) -> bool:
    """Whether ``err`` says the value at the union ``at`` is of another kind than the
    branch takes (not a fault inside a value of the right kind)."""
    if _clean_loc(data, tuple(err["loc"])) != at:
        return False
    if err["type"] == "literal_error":
        return not isinstance(err.get("input"), str)
    return err["type"] in _WRONG_KIND


def _choose(branches: dict[str, list[dict]], value: Any, at: tuple, data: Any, model: Any,
            raw_prefix: tuple) -> str | None:
    """The label of the branch meant (see :func:`_meant`), None if the value fits none."""
    types = {t.__name__: t for t in _types_along(model, raw_prefix) if _is_model(t)}
    written = set(value) if isinstance(value, dict) else set()
    fields = {label: set(_fields_of(types.get(label)) or []) for label in branches}
    best, best_score = None, None
    for order, (label, errs) in enumerate(branches.items()):
        if all(_wrong_kind(e, data, at) for e in errs):
            continue
        others = set().union(*(f for other, f in fields.items() if other != label))
        mine = written & fields[label]
        # a key whose value names the branch (kind: air) decides first
        named_other = sum(1 for e in errs if e["type"] == "literal_error"
                          and len(_clean_loc(data, tuple(e["loc"]))) == len(at) + 1)
        score = (-named_other, len(mine - others), len(mine), -len(errs), -order)
        if best_score is None or score > best_score:
            best, best_score = label, score
    return best


def _shape_word(errs: list[dict], data: Any) -> str:
    """What one branch takes, in words (``text``, ``a list``, ``'all'``)."""
    err = errs[0]
    if err["type"] == "literal_error":
        return str(err.get("ctx", {}).get("expected", "a listed value"))
    return _TYPE_WORDS.get(err["type"], "another form")


def validate_partly(model: type[M], doc: Document, placeholders: dict[str, Any] | None = None
                    ) -> tuple[M | None, Document, list[Fault], set[tuple]]:
    """Validate the whole document against ``model``; when it has faults, also make a
    copy with the faulty parts cut out, so later checks can still look at the rest and
    report their faults in the same pass.

    A fault's part is cut at the nearest level that may go: a list item, or a field
    that has a default (an unknown field always may). A required top-level field is
    replaced by ``placeholders[field]`` when given; otherwise nothing is salvaged.

    :returns: (the model of the whole document or of the salvaged copy, or None when
        nothing can be salvaged; the document to locate later faults in — ``doc``
        itself when nothing was cut, else a copy whose faults name the original places;
        the faults found; the paths cut or replaced, as in the original document).
    """
    try:
        return model.model_validate(doc.data), doc, [], set()
    except ValidationError as exc:
        faults = faults_from(exc, doc, model)
        errors = _meant(exc.errors(include_url=False), doc.data, model)
    if not isinstance(doc.data, dict):
        return None, doc, faults, set()
    cuts: dict[tuple, str] = {}
    for _round in range(4):
        for err in errors:
            cut = _cut_point(model, doc.data, _clean_loc(doc.data, tuple(err["loc"])),
                             err["type"], placeholders or {})
            if cut is None:
                return None, doc, faults, set()
            cuts.setdefault(*cut)
        salvaged = _apply_cuts(doc, cuts, placeholders or {})
        try:
            spec = model.model_validate(salvaged.data)
        except ValidationError as exc:  # a cut left a list empty …: cut further
            errors = [dict(e, loc=salvaged.original_path(_clean_loc(salvaged.data, tuple(e["loc"]))))
                      for e in _meant(exc.errors(include_url=False), salvaged.data, model)]
            continue
        return spec, salvaged, faults, set(cuts)
    return None, doc, faults, set()


def consequences_dropped(faults: list[Fault], cut: set[tuple], file: str) -> list[Fault]:
    """``faults`` found after :func:`validate_partly` without those inside a part that
    was cut (in ``file``): a fault there is a consequence of the cut (an unknown field
    ``bse`` cut out leaves the force without a base), not another mistake. A part is
    the outermost list item around the cut (``forces[2]``), else its top-level section.
    """
    parts = set()
    for path in cut:
        first = next((k for k, part in enumerate(path) if isinstance(part, int)), None)
        parts.add(format_path(path[:first + 1] if first is not None else path[:1]))

    def inside(field: str) -> bool:
        return any(field == p or field.startswith((p + ".", p + "[")) for p in parts)

    return [f for f in faults if f.file != file or not inside(f.field)]


def _cut_point(model: Any, data: Any, path: tuple, kind: str,
               placeholders: dict[str, Any]) -> tuple[tuple, str] | None:
    """(path, ``remove``/``delete``/``replace``) of the smallest part to cut for a fault
    at ``path``; None if only the whole document would do."""
    if kind == "missing":
        if len(path) == 1 and path[0] in placeholders:
            return path, "replace"
        path = path[:-1]
    while path:
        last, parent = path[-1], path[:-1]
        if isinstance(last, int):
            return path, "remove"
        container = _data_at(data, parent)
        if isinstance(container, dict) and last in container:
            owner = _model_at(model, parent)
            fld = owner.model_fields.get(last) if owner is not None else None
            if fld is None or not fld.is_required():
                return path, "delete"
            if not parent and last in placeholders:
                return path, "replace"
        path = parent
    return None


class _Salvaged(Document):
    """A document with parts cut out: faults located in it name the original places."""

    original: Document
    removed: dict[tuple, set[int]]

    def original_path(self, path: PathKey) -> tuple:
        out: list[Any] = []
        for part in path:
            gone = self.removed.get(tuple(out))
            if gone and isinstance(part, int):
                kept = [i for i in range(part + len(gone) + 1) if i not in gone]
                part = kept[part]
            out.append(part)
        return tuple(out)

    def fault(self, path: PathKey, message: str, *, key: bool = False) -> Fault:
        return self.original.fault(self.original_path(path), message, key=key)


def _apply_cuts(doc: Document, cuts: dict[tuple, str], placeholders: dict[str, Any]) -> _Salvaged:
    data = copy.deepcopy(doc.data)
    removed: dict[tuple, set[int]] = {}
    for path, how in cuts.items():
        if how == "replace":
            data[path[0]] = copy.deepcopy(placeholders[path[0]])
        elif how == "delete":
            container = _data_at(data, path[:-1])
            if isinstance(container, dict):
                container.pop(path[-1], None)
        else:
            removed.setdefault(path[:-1], set()).add(path[-1])
    # inner lists first, then from the end: the indices still to remove stay valid
    for list_path in sorted(removed, key=len, reverse=True):
        items = _data_at(data, list_path)
        if any(list_path[:k] in removed and list_path[k] in removed[list_path[:k]]
               for k in range(len(list_path))):
            continue  # inside an item removed anyway
        for index in sorted(removed[list_path], reverse=True):
            if isinstance(items, list) and index < len(items):
                del items[index]
    salvaged = _Salvaged(doc.path, data)
    salvaged.original = doc
    salvaged.removed = removed

    def moved(path: tuple) -> tuple | None:
        out: list[Any] = []
        for k, part in enumerate(path):
            gone = removed.get(tuple(path[:k]))
            if gone and isinstance(part, int):
                if part in gone:
                    return None
                part -= sum(1 for i in gone if i < part)
            out.append(part)
        return tuple(out)

    for table, into in ((doc.positions, salvaged.positions), (doc.key_positions, salvaged.key_positions),
                        (doc.raw, salvaged.raw)):
        for path, value in table.items():
            new = moved(path)
            if new is not None:
                into[new] = value
    return salvaged


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
