"""docs/scenarios.md: the reference of every document kind, rendered from the JSON
Schemas (:mod:`drillsim.reference.jsonschema`), so it says what the models accept.

One section per kind; in it one table per object (the file itself, then each nested
object in the order first met), a row per field: name, type, unit, default, an example
taken from the shipped files (the first value met there), and the field's description
(its docstring in the model). Then the plugins' ``params:`` models, each under the
registration that uses it, with the plugin that owns it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drillsim.reference.jsonschema import schema
from drillsim.reference.kinds import KINDS, params_models

#: the shipped files examples are taken from, per kind (relative to the project root)
EXAMPLE_FILES = {
    "scenario": ["scenarios/fujiang_flood_2020.yaml", "scenarios/chemical_park_leak.yaml",
                 "scenarios/forest_fire.yaml", "scenarios/validation/mmc.yaml"],
    "plan": ["scenarios/plans/tongnan-2021.yaml"],
    "region": ["scenarios/regions/tongnan.yaml"],
    "sweep": ["scenarios/sweeps/flood_2020_teams_reserve.yaml",
              "scenarios/sweeps/flood_2020_water_rescue_base.yaml"],
    "pack": ["scenarios/packs/flood.yaml"],
    "optimise": ["scenarios/optimise/flood_2020_water_rescue.yaml"],
    "hypercube": ["scenarios/calc/larson_three_units.yaml"],
}
EXAMPLE_WIDTH = 40


def _ref_name(node: dict) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[1] if ref else None


def _anchor(kind: str, name: str) -> str:
    return f"{kind}-{name}".lower().replace(".", "-").replace("_", "-")


def type_text(node: dict, kind: str) -> str:
    """A field's type in words, with links to nested objects' tables."""
    name = _ref_name(node)
    if name:
        return f"[{name.rsplit('.', 1)[-1]}](#{_anchor(kind, name)})"
    if "x-drillsim-quantity" in node:
        return {"time": "duration", "mass_rate": "mass rate"}.get(node["x-drillsim-quantity"],
                                                                   node["x-drillsim-quantity"])
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    for key in ("anyOf", "oneOf"):
        if key in node:
            parts = [type_text(n, kind) for n in node[key] if n.get("type") != "null"]
            text = " or ".join(dict.fromkeys(parts))
            return text + (" (or null)" if len(parts) < len(node[key]) and not text else "")
    t = node.get("type")
    if t == "array":
        return f"list of {type_text(node.get('items', {}), kind)}"
    if t == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return f"map of {type_text(extra, kind)}"
        return "map"
    return {"string": "text", "integer": "whole number", "number": "number",
            "boolean": "true/false", None: "any"}.get(t, t)


def _unit(node: dict) -> str:
    for n in [node, *node.get("anyOf", [])]:
        if "x-drillsim-unit" in n:
            if n.get("x-drillsim-quantity") in ("fraction", "percent"):
                return "`30%` or `0.3`" if "anyOf" in n else "`%`"
            return f"any, as `{n['examples'][0]}`; read as {n['x-drillsim-unit']}"
    return ""


def _compact(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= EXAMPLE_WIDTH else text[: EXAMPLE_WIDTH - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _resolve(node: dict, defs: dict) -> tuple[str | None, dict]:
    name = _ref_name(node)
    return (name, defs[name]) if name else (None, node)


def _walk_examples(node: dict, data: Any, defs: dict, found: dict, owner: str | None) -> None:
    """Record the first value met in ``data`` for each (object, field), following the
    schema (``$ref``, lists, maps, ``anyOf``, plugin ``if``/``then``)."""
    name, node = _resolve(node, defs)
    owner = name or owner
    if isinstance(data, dict) and "properties" in node:
        props = dict(node["properties"])
        for rule in node.get("allOf", []):
            key, want = next(iter(rule["if"]["properties"].items()))
            if data.get(key) == want["const"]:
                props.update(rule["then"]["properties"])
        for key, value in data.items():
            if key in props:
                found.setdefault((owner, key), value)
                _walk_examples(props[key], value, defs, found, owner)
        return
    if isinstance(data, list) and node.get("type") == "array":
        for item in data:
            _walk_examples(node.get("items", {}), item, defs, found, owner)
        return
    if isinstance(data, dict) and isinstance(node.get("additionalProperties"), dict):
        for value in data.values():
            _walk_examples(node["additionalProperties"], value, defs, found, owner)
        return
    for branch in node.get("anyOf", []):
        _, b = _resolve(branch, defs)
        if (isinstance(data, dict) and ("properties" in b or b.get("type") == "object")) or \
                (isinstance(data, list) and b.get("type") == "array"):
            _walk_examples(branch, data, defs, found, owner)
            return


def examples(kind: str, doc: dict, root: Path) -> dict[tuple[str, str], Any]:
    """``{(object name, field): first value in the shipped files}`` (the file itself is
    the object ``None``)."""
    from drillsim.scenario.yamlsource import load_yaml

    found: dict = {}
    for rel in EXAMPLE_FILES[kind]:
        path = root / rel
        if path.exists():
            _walk_examples(doc, load_yaml(path).data, doc.get("$defs", {}), found, None)
    return found


def _order(doc: dict) -> list[str]:
    """Object definitions in the order first referenced, depth first from the file."""
    defs = doc.get("$defs", {})
    seen: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            name = _ref_name(node)
            if name and name not in seen:
                seen.append(name)
                visit(defs[name])
            for key, value in node.items():
                if key != "$ref":
                    visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit({k: v for k, v in doc.items() if k != "$defs"})
    return seen


def _default(spec: dict) -> str:
    """A default as written in a file; none for an optional field without one; a nested
    object's defaults are in its own table."""
    if "default" not in spec or spec["default"] is None:
        return "none"
    value = spec["default"]
    if isinstance(value, dict) and value:
        return "its fields' defaults"
    return f"`{_compact(value)}`"


def _table(kind: str, node: dict, owner: str | None, found: dict) -> list[str]:
    required = set(node.get("required", []))
    lines = ["| field | type | unit | default | example | meaning |", "|---|---|---|---|---|---|"]
    for field, spec in node.get("properties", {}).items():
        default = "**required**" if field in required else _default(spec)
        example = f"`{_compact(found[(owner, field)])}`" if (owner, field) in found else ""
        lines.append("| " + " | ".join(_cell(c) for c in (
            f"`{field}`", type_text(spec, kind), _unit(spec), default, example,
            spec.get("description", ""))) + " |")
    return lines


def render_kind(kind: str, host, root: Path) -> list[str]:
    model, what, where = KINDS[kind]
    doc = schema(kind, host)
    defs = doc.get("$defs", {})
    found = examples(kind, doc, root)
    out = [f"## {kind.capitalize()} files", "",
           f"{'An' if kind[0] in 'aeiou' else 'A'} {kind} file is {what}. Shipped ones: `{where}`. JSON Schema: "
           f"`drillsim schema {kind}` ([docs/schemas/{kind}.schema.json](schemas/{kind}.schema.json)).",
           "", f"### The {kind} file", "", *_table(kind, doc, None, found), ""]
    plugin_defs = []
    if kind == "plan":
        out += ["A target's `params:` is checked by its metric's model: see "
                "[the metrics' parameters](#plugin-parameters-scenario-files).", ""]
    for name in _order(doc):
        spec = defs[name]
        if "x-drillsim-plugin" in spec:
            if kind != "plan":  # the plan's metrics are the scenario's: listed once
                plugin_defs.append(name)
            continue
        out += [f'<a id="{_anchor(kind, name)}"></a>', f"### {name}", ""]
        if spec.get("description"):
            out += [" ".join(spec["description"].split()), ""]
        out += [*_table(kind, spec, name, found), ""]
    if plugin_defs:
        out += [f"### Plugin parameters ({kind} files)", "",
                "A `params:` mapping is checked by the model of the plugin that registers the "
                "unit type, hazard type or metric named beside it.", ""]
        for name in plugin_defs:
            spec = defs[name]
            what, _, rest = name.partition(".")
            title = (f"`params:` of {what.replace('_', ' ')} `{rest}`" if "." not in rest
                     else f"{rest.split('.', 1)[1]} (in {what.replace('_', ' ')} `{rest.split('.')[0]}`)")
            out += [f'<a id="{_anchor(kind, name)}"></a>',
                    f"#### {title} — plugin `{spec['x-drillsim-plugin']}`", ""]
            if spec.get("description"):
                out += [" ".join(spec["description"].split()), ""]
            out += [*_table(kind, spec, name, found), ""]
    return out


def render(host, root: Path) -> str:
    """The whole of docs/scenarios.md for ``host``'s plugins (the shipped file: the
    built-in plugins only) with examples from the files under ``root``."""
    out = ["# File formats: " + ", ".join(KINDS), "",
           "<!-- generated by `python -m drillsim.reference.write`; tests/test_reference.py "
           "fails when it differs from the models -->", "",
           "Every file drillsim reads is YAML, checked strictly: unknown fields are errors, "
           "durations and other quantities carry their units (`90min`, `12h`, `7m/s`, `30%`), "
           "and each fault is reported with file, line and field. This reference is generated "
           "from the models that check the files; each field's *example* is the first value "
           "in the shipped files. Start a scenario with `drillsim new-scenario NAME`; check "
           "any file with `drillsim validate FILE`. Editors that read JSON Schema (VS Code "
           "with the YAML extension, anything using yaml-language-server) complete and check "
           "fields as you type: the shipped files start with a "
           "`# yaml-language-server: $schema=…` line naming their schema.", "",
           "Kinds: " + ", ".join(f"[{k}](#{k}-files)" for k in KINDS) + ".", ""]
    for kind in KINDS:
        out += render_kind(kind, host, root)
    plugins = sorted({p.plugin for p in params_models(host)})
    out += ["## Plugins in this reference", "",
            "Parameters above come from these plugins: " + ", ".join(f"`{p}`" for p in plugins)
            + ". `drillsim schema scenario` includes the plugins installed where it runs.", ""]
    return "\n".join(out).rstrip() + "\n"
