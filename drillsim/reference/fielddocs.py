"""Field descriptions from the docstrings under the fields, given to the models only when
a schema is written.

Every file schema's field is described by the string under it::

    class RunSpec(Strict):
        seed: int = 1
        \"\"\"Base seed of the random streams …\"\"\"

pydantic can read these itself when each model class is created
(``use_attribute_docstrings``), but it finds and parses each class's source to do so:
about 0.2 s of CPU for the ~110 models every ``drillsim`` process that loads scenarios or
plugins imports, and only the JSON Schemas and docs/scenarios.md
(:mod:`drillsim.reference.jsonschema`) show the descriptions. So the models are created
without them, and :func:`describe_models` reads the docstrings the same way pydantic
does (an attribute docstring is a string statement right after an annotated assignment,
cleaned by :func:`inspect.cleandoc`; a subclass keeps the description of a field it
inherits and redefines it only by its own docstring), sets them on the fields and
rebuilds the models already built, nested models before the models holding them.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from drillsim.scenario.validation import Strict, attribute_docstrings  # noqa: F401 (tests take it from here)

#: The model classes already given their descriptions.
_DESCRIBED: set[type[BaseModel]] = set()


def _all_models() -> list[type[BaseModel]]:
    """Every subclass of :class:`Strict` defined so far (parents before children)."""
    out: list[type[BaseModel]] = []
    todo = [Strict]
    while todo:
        cls = todo.pop(0)
        for sub in cls.__subclasses__():
            if sub not in out:
                out.append(sub)
                todo.append(sub)
    return out


def _nested(annotation: Any, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.add(annotation)
    for arg in typing.get_args(annotation):
        _nested(arg, found)


def describe_models() -> None:
    """Give every :class:`Strict` model's fields their docstring as ``description``
    (where no description is set), and rebuild the models already built so their JSON
    Schema shows them. Models defined later (a plugin loaded afterwards) are handled by
    the next call; calling it again costs nothing else."""
    models = [m for m in _all_models() if m not in _DESCRIBED]
    if not models:
        return
    own: dict[type, dict[str, str]] = {}
    for model in models:  # parents first: an inherited field takes its owner's text
        for name, info in model.model_fields.items():
            if info.description is not None:
                continue
            owner = next((k for k in model.__mro__ if name in k.__dict__.get("__annotations__", {})), None)
            if owner is None:
                continue
            if owner not in own:
                own[owner] = attribute_docstrings(owner)
            if name in own[owner]:
                info.description = own[owner][name]
        _DESCRIBED.add(model)
    built = [m for m in _all_models() if m.__dict__.get("__pydantic_complete__", False)]
    # rebuild nested models first: a model's schema holds those of the models it nests
    inner: dict[type, set[type[BaseModel]]] = {}
    for model in built:
        found: set[type[BaseModel]] = set()
        for info in model.model_fields.values():
            _nested(info.annotation, found)
        inner[model] = (found - {model}) & set(built)
    done: set[type] = set()

    def rebuild(model: type[BaseModel], seen: frozenset = frozenset()) -> None:
        if model in done or model in seen:
            return
        for sub in sorted(inner[model], key=lambda m: m.__qualname__):
            rebuild(sub, seen | {model})
        model.model_rebuild(force=True)
        done.add(model)

    for model in built:
        rebuild(model)
