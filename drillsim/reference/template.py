"""The scenario ``drillsim new-scenario NAME`` writes: minimal, valid and commented.

It names a region and a plan file next to it (inside the scenario folder, as every file
reference must be), one force, one hazard and one target, and lists its placeholder
values under ``assumptions:`` so the first run already says what is made up.

``--hazard``: ``poisson_incidents`` (calls at a steady rate: the default) and
``scripted_incidents`` (incidents at given times) are written from scratch; for another
hazard type the ``hazards:`` entry, the forces and the reserves are copied from the first shipped
scenario in the folder that uses that type (their comments are not copied; the
reference, docs/scenarios.md, describes every field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: hazard types written from scratch
OWN = ("poisson_incidents", "scripted_incidents")


class TemplateError(Exception):
    """No template can be written (unknown hazard type, no region or plan file)."""


def _rel(path: Path, folder: Path) -> str:
    return Path(path).resolve().relative_to(folder.resolve()).as_posix()


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.removesuffix("\n...\n").strip()  # a scalar ends its document with "..."


def _donor(folder: Path, hazard: str) -> tuple[Path, dict] | None:
    """The first scenario in ``folder`` (by name) with a hazard of type ``hazard``."""
    from drillsim.scenario.yamlsource import load_yaml

    for path in sorted(folder.glob("*.yaml")):
        try:
            data = load_yaml(path).data
        except Exception:  # noqa: BLE001 - a file that does not load is no donor
            continue
        if isinstance(data, dict) and any(isinstance(h, dict) and h.get("type") == hazard
                                          for h in data.get("hazards") or []):
            return path, data
    return None


def scenario_text(name: str, folder: Path, region: Path, plan: Path, hazard: str,
                  places: list[str], hazard_types: list[str], schema: Path | None,
                  params_model: type | None = None, vehicle: str | None = None) -> str:
    """The scenario's YAML text.

    :param folder: where the scenario is written; ``region``, ``plan`` and ``schema``
        are named relative to it (region and plan must lie inside it).
    :param places: ids of the region's townships, the first ones used as call places and
        the first as the base.
    :param hazard_types: the hazard types the loaded plugins register.
    :param params_model: the pydantic model of ``hazard``'s ``params:``, named in the
        refusal when no scenario in ``folder`` uses the type.
    :param vehicle: a vehicle class of the region's ``travel.vehicles`` for the rescue
        team when the region lacks its unit type's own (``rescue_vehicle``); None: the
        unit type's.
    :raises TemplateError: ``hazard`` is not registered, or is neither written from
        scratch nor used by a scenario in ``folder``.
    """
    if hazard not in hazard_types:
        raise TemplateError(f"unknown hazard type {hazard!r}; the loaded plugins register "
                            f"{', '.join(sorted(hazard_types))}")
    head = []
    if schema is not None:
        head.append(f"# yaml-language-server: $schema={_rel_any(schema, folder)}")
    head += [f"# {name}: written by `drillsim new-scenario`. Check it with `drillsim validate`,",
             "# run it with `drillsim run`. Every field: docs/scenarios.md. Times carry units",
             "# (90min, 12h, 2d); every made-up value belongs under assumptions: with a reason.",
             f"name: {_flow(name)}",
             f"region: {_rel(region, folder)}          # townships, sites, road speeds",
             'start: "2026-07-01T08:00+08:00"   # wall-clock time of scenario time 0, with UTC offset',
             "",
             "run:",
             "  seed: 1                 # same seed, same results",
             "  replications: 20        # independent runs; the scorecard gives mean, interval, p90",
             "  horizon: HORIZON            # each run covers [0, HORIZON)",
             ""]
    horizon = "24h"
    base, calls = places[0], places[:3]
    if hazard in OWN:
        kinds = ["call"]
        forces = ["forces:",
                  "  - id: rescue_team",
                  "    type: district_rescue_team   # `drillsim plugins` lists the unit types",
                  "    units: 2",
                  f"    base: {base}                # a township or site of the region",
                  *([f"    vehicle: {vehicle}             # a class of the region's travel.vehicles"]
                    if vehicle else []),
                  "    capabilities: {people: 10}   # what each unit brings",
                  ""]
        if hazard == "poisson_incidents":
            hz = ["hazards:",
                  "  - id: calls",
                  "    type: poisson_incidents",
                  "    params:",
                  "      rate: 0.5/h            # calls per hour, Poisson arrivals",
                  f"      places: {_flow(calls)}",
                  "      demand: {people: 5}    # what each call needs on scene",
                  "      on_scene_mean: 45min   # exponential work time on scene",
                  ""]
            assumed = [("call rate", "0.5/h", "hazards[0].params.rate"),
                       ("people needed per call", 5, "hazards[0].params.demand"),
                       ("mean time on scene", "45min", "hazards[0].params.on_scene_mean")]
        else:
            hz = ["hazards:",
                  "  - id: script",
                  "    type: scripted_incidents",
                  "    params:",
                  "      incidents:             # each at a scenario time, at a place",
                  f"        - {{at: 30min, kind: call, place: {calls[0]}, demand: {{people: 5}}, on_scene: 1h}}",
                  f"        - {{at: 2h, kind: call, place: {calls[-1]}, demand: {{people: 15}}, on_scene: 3h, priority: 1}}",
                  ""]
            assumed = [("the scripted incidents", "2 calls", "hazards[0].params.incidents")]
        assumed.append(("rescue team strength", "2 units of 10 people", "forces[0]"))
    else:
        found = _donor(folder, hazard)
        if found is None:
            raise TemplateError(f"no scenario in {folder} uses {hazard!r} to start from; "
                                f"write it with --hazard {OWN[0]} and replace the hazard "
                                f"by hand{_params_hint(hazard, params_model)}")
        donor, data = found
        horizon = str(data.get("run", {}).get("horizon", horizon))
        entry = next(h for h in data["hazards"] if h.get("type") == hazard)
        hz = [f"# hazard, forces and reserves copied from {donor.name} (its comments and assumptions "
              "are there)", "hazards:", _indent(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False))]
        forces = ["forces:", _indent(yaml.safe_dump(data["forces"], allow_unicode=True, sort_keys=False))]
        if data.get("reserves"):
            forces += ["reserves:", _indent(yaml.safe_dump(data["reserves"], allow_unicode=True,
                                                           sort_keys=False))]
        kinds = None
        assumed = [(f"hazard and forces as in {donor.name}", "copied", "hazards[0]")]
    kinds_text = f"kinds: {_flow(kinds)}, " if kinds else ""
    plan_lines = ["plan:",
                  f"  file: {_rel(plan, folder)}   # the plan scored against",
                  "  targets: []            # none of the plan's own targets; add their ids",
                  "  extra_targets:         # this scenario's own target",
                  "    - id: S1               # an id the plan does not use",
                  f"      title: {'Calls' if kinds else 'Incidents'}, call to first unit on scene, 90th percentile",
                  "      metric: response_time",
                  f"      params: {{{kinds_text}interval: call_to_arrival}}",
                  "      statistic: p90",
                  '      comparison: "<="',
                  "      threshold: 30min",
                  "      unit: min",
                  '      source: "placeholder: state where your standard comes from"',
                  ""]
    body = [line.replace("HORIZON", horizon) for line in head] + plan_lines + forces + hz
    body.append("assumptions:                # every value not from a source, with why")
    for what, value, path in assumed:
        body += [f"  - what: {what}", f"    value: {_flow(value)}",
                 '    reason: "placeholder written by drillsim new-scenario: replace with your figures"',
                 f"    applies_to: {path}"]
    return "\n".join(body).rstrip() + "\n"


def _params_hint(hazard: str, params_model: type | None) -> str:
    """The fields the hazard's ``params:`` needs, and where every field is described: the
    reference (docs/scenarios.md) covers the shipped plugins only; a third-party
    plugin's fields are in the JSON Schema of the installed plugins."""
    if params_model is None:
        return f": docs/scenarios.md describes the params of {hazard!r}"
    fields = getattr(params_model, "model_fields", {})
    required = [f.alias or name for name, f in fields.items() if f.is_required()]
    needs = (f"; its params need {', '.join(required)}" if required else
             "; its params all have defaults (params: {})")
    return (f"{needs} (each described in `drillsim schema scenario`, under "
            f"$defs.hazard_type.{hazard}; docs/scenarios.md for the shipped plugins)")


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.rstrip().split("\n"))


def _rel_any(path: Path, folder: Path) -> str:
    import os

    return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
