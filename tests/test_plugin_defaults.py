"""Defaults written in a params model's class body as ``Model.defaults()`` (made without
running the model's validator, so importing a plugin builds none) equal what validating
no input gives, ``Model()``: the same values, the same (empty) set of fields given. And
loading the plugins builds no pydantic validator at all: a scenario builds only those of
the models it uses."""

from __future__ import annotations

from pydantic import BaseModel

from drillsim.scenario.validation import Strict


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _model_defaults(host):
    """(model, field name, default) of every field of every params model of the loaded
    plugins (and the models they nest) whose default is a model instance."""
    found = []
    for model in sorted(set(_subclasses(Strict)), key=lambda m: (m.__module__, m.__qualname__)):
        for name, field in model.model_fields.items():
            if isinstance(field.default, BaseModel):
                found.append((model, name, field.default))
    return found


def test_defaults_equal_validated_ones(host):
    found = _model_defaults(host)
    # the flood's warning, access and watch at least (plugins/flood/params.py)
    assert {"warning", "access", "watch"} <= {name for model, name, _ in found
                                              if model.__name__ == "TransitFloodParams"}
    for model, name, default in found:
        validated = type(default)()
        assert default == validated, f"{model.__qualname__}.{name}"
        assert default.model_fields_set == validated.model_fields_set == set()


def test_loading_plugins_builds_no_validator(host):
    # a fresh process: what a start-up builds (the session's host may have validated)
    import subprocess
    import sys

    code = ("from drillsim.host.pluginhost import load_plugins; load_plugins()\n"
            "from pydantic import BaseModel\n"
            "from pydantic._internal._mock_val_ser import MockValSer\n"
            "def subs(c):\n"
            "    for s in c.__subclasses__():\n"
            "        yield s; yield from subs(s)\n"
            "print(sorted(c.__qualname__ for c in set(subs(BaseModel)) if '__pydantic_validator__' in "
            "vars(c) and not isinstance(vars(c)['__pydantic_validator__'], MockValSer)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
