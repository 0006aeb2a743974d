"""JSON Schema (draft 2020-12) of each document kind, for editors (completion, hover text,
checks as you type) and as the source of docs/scenarios.md.

Built by pydantic from the models that validate the files (:mod:`drillsim.reference.kinds`),
so it says what the loader accepts. Additions:

- quantities written with units (``90min``, ``7m/s``) are strings with examples and
  ``x-drillsim-quantity`` / ``x-drillsim-unit`` (the unit the engine converts them to);
  their defaults are written the same way (``0min``, not the engine's 0.0);
- for a scenario and a plan, each plugin's ``params:`` model is attached with
  ``if``/``then`` on the ``type:`` (forces, hazards) or ``metric:`` (targets) it belongs to,
  under ``$defs`` named ``<unit type|hazard type|metric>.<name>[.<sub-model>]`` and
  marked ``x-drillsim-plugin``.

The schema checks structure and types; what needs the region or the loaded plugins
(a township that exists, a place a road reaches) only ``drillsim validate`` checks.
"""

from __future__ import annotations

import copy
from typing import Any

from drillsim.reference.fielddocs import describe_models
from drillsim.reference.kinds import KINDS, params_models

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: where the shipped schemas live, relative to the project root
SCHEMA_DIR = "docs/schemas"


def _quantity_defaults(node: Any) -> None:
    """Write a quantity's numeric default as the user writes it (``0.0`` → ``"0min"``)."""
    if isinstance(node, dict):
        unit = node.get("x-drillsim-unit")
        if unit and isinstance(node.get("default"), (int, float)) and not isinstance(node["default"], bool):
            value = node["default"]
            if node.get("x-drillsim-quantity") in ("fraction", "percent"):
                node["default"] = f"{value * 100:g}%"
            else:
                node["default"] = f"{value:g}{unit.replace('°', 'deg')}"
        for value in node.values():
            _quantity_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _quantity_defaults(value)


def _embed(model, prefix: str, defs: dict, plugin: str) -> dict:
    """Put ``model``'s schema into ``defs`` under ``prefix`` (its sub-models under
    ``prefix.<Name>``); return a reference to it."""
    schema = model.model_json_schema(ref_template=f"#/$defs/{prefix}.{{model}}")
    for name, sub in schema.pop("$defs", {}).items():
        sub["x-drillsim-plugin"] = plugin
        defs[f"{prefix}.{name}"] = sub
    schema["x-drillsim-plugin"] = plugin
    defs[prefix] = schema
    return {"$ref": f"#/$defs/{prefix}"}


def _attach(defs: dict, holder: str, key: str, by: dict[str, dict]) -> None:
    """``holder``'s ``params`` follows the plugin model its ``key`` (``type``/``metric``)
    names; the names are offered as examples of ``key``."""
    if holder not in defs or not by:
        return
    spec = defs[holder]
    spec["allOf"] = [{"if": {"properties": {key: {"const": name}}, "required": [key]},
                      "then": {"properties": {"params": ref}}} for name, ref in sorted(by.items())]
    spec["properties"][key]["examples"] = sorted(by)


def schema(kind: str, host=None) -> dict:
    """The JSON Schema of ``kind`` (a key of :data:`~drillsim.reference.kinds.KINDS`),
    with the ``params:`` models of ``host``'s plugins for a scenario or plan.

    :raises KeyError: an unknown kind.
    """
    model, what, _ = KINDS[kind]
    params = params_models(host) if host is not None and kind in ("scenario", "plan") else []
    describe_models()  # the fields' docstrings, read only for schemas (after the deferred
    # hazard types are imported by params_models: their models too)
    out = copy.deepcopy(model.model_json_schema())
    out = {"$schema": DIALECT, "$id": f"https://drillsim.invalid/{kind}.schema.json",
           "title": f"drillsim {kind} file", "description": f"A drillsim {kind} file: {what}.",
           **{k: v for k, v in out.items() if k != "title"}}
    defs = out.setdefault("$defs", {})
    if host is not None and kind in ("scenario", "plan"):
        units, hazards, metrics = {}, {}, {}
        for p in params:
            prefix = f"{p.what.replace(' ', '_')}.{p.name}"
            target = {"unit type": units, "hazard type": hazards, "metric": metrics}[p.what]
            target[p.name] = _embed(p.model, prefix, defs, p.plugin)
        if kind == "scenario":
            _attach(defs, "ForceSpec", "type", units)
            _attach(defs, "HazardSpec", "type", hazards)
        _attach(defs, "TargetSpec", "metric", metrics)
    _quantity_defaults(out)
    return out


def dumps(document: dict) -> str:
    """The schema as the shipped files hold it: 2-space indent, keys in model order,
    UTF-8, a final newline."""
    import json

    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
