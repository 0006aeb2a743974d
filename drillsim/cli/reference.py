"""``drillsim schema KIND`` (the JSON Schema of a file kind, for editors) and
``drillsim new-scenario NAME`` (a minimal, valid, commented scenario to start from)."""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.cli.support import (Fail, OutputFolder, guard, host_for, with_plugin_modules,
                                  with_plugin_options, write_output)

KIND_NAMES = ("scenario", "plan", "region", "sweep", "pack", "optimise", "hypercube")


@click.command()
@click.argument("kind", type=click.Choice(KIND_NAMES))
@with_plugin_options
@with_plugin_modules
def schema(kind: str, plugins, disabled, loading) -> None:
    """Print the JSON Schema of a file kind (scenario, plan, region, sweep, pack, optimise,
    hypercube), with the loaded plugins' params, for editors: drillsim schema scenario >
    scenario.schema.json."""
    from drillsim.reference.jsonschema import dumps
    from drillsim.reference.jsonschema import schema as make

    host = guard(host_for, plugins, disabled, loading)
    click.echo(dumps(make(kind, host)), nl=False)  # (a failed write names standard output)


def _default_dir() -> Path:
    return Path("scenarios") if Path("scenarios").is_dir() else Path(".")


def _pick(given: Path | None, folder: Path, sub: str, option: str, chosen: bool = True) -> Path:
    """The region or plan file: the one given, else the only/first ``*.yaml`` under
    ``folder/sub``; it must lie inside ``folder`` (file references never leave it).

    :param chosen: ``folder`` was given with ``--dir``; when it was not (the current
        folder, with no ``scenarios/`` here), the message says where to run or what to give.
    :raises Fail: (exit 2) no such file, none found, or one outside ``folder``.
    """
    if given is None:
        found = sorted((folder / sub).glob("*.yaml"))
        if not found:
            if not chosen:  # run outside the drillsim folder: say how to point at one
                raise Fail(f"{option}: no {sub}/*.yaml in {folder} and no scenarios/ folder here; "
                           "run from the drillsim folder, or give --dir FOLDER (a scenarios "
                           f"folder with regions/ and plans/), or {option} FILE inside {folder}", 2)
            raise Fail(f"{option}: no {sub}/*.yaml in {folder}; give {option} FILE (inside "
                       f"{folder})", 2)
        given = found[0]
    if not given.is_file():
        raise Fail(f"{option}: {given}: no such file", 2)
    try:
        given.resolve().relative_to(folder.resolve())
    except ValueError:
        raise Fail(f"{option}: {given} is outside {folder}; a scenario's files must lie in its "
                   "folder (copy it there or use --dir)", 2) from None
    return given


@click.command("new-scenario")
@click.argument("name")
@click.option("--hazard", "hazard", default="poisson_incidents", show_default=True,
              help="Hazard type: poisson_incidents or scripted_incidents (written from scratch), "
                   "or a type a scenario in the folder uses (copied from it).")
@click.option("--region", "region", type=click.Path(dir_okay=False, path_type=Path),
              help="Region file inside the folder (default: the first regions/*.yaml there).")
@click.option("--plan", "plan", type=click.Path(dir_okay=False, path_type=Path),
              help="Plan file inside the folder (default: the first plans/*.yaml there).")
@click.option("--dir", "folder", type=OutputFolder(),
              help="Folder to write NAME.yaml in (default: scenarios/ if here, else .).")
@with_plugin_options
@with_plugin_modules
def new_scenario(name: str, hazard: str, region: Path | None, plan: Path | None,
                 folder: Path | None, plugins, disabled, loading) -> None:
    """Write a minimal, valid, commented scenario NAME.yaml to start from."""
    import re

    from drillsim.reference.template import TemplateError, scenario_text
    from drillsim.scenario.loader import load_scenario
    from drillsim.scenario.region import load_region

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise Fail(f"NAME {name!r}: letters, digits, '_', '-' and '.' only (it names the file)", 2)
    chosen = folder is not None
    folder = folder or _default_dir()
    if not folder.is_dir():
        raise Fail(f"--dir: {folder}: no such folder", 2)
    target = folder / f"{name.removesuffix('.yaml')}.yaml"
    if target.exists():
        raise Fail(f"{target} exists; choose another NAME or remove it", 2)
    chosen = chosen or folder != Path(".")  # scenarios/ found here is the drillsim folder's
    region = _pick(region, folder, "regions", "--region", chosen)
    plan = _pick(plan, folder, "plans", "--plan", chosen)
    host = guard(host_for, plugins, disabled, loading)
    region_spec = guard(load_region, region, str(region)).spec
    townships = [t.id for t in region_spec.townships]
    # the template's rescue team travels by its unit type's vehicle class: a region
    # without that class (its own vehicles only: car, boat) made the written file
    # invalid, refused at a line of a file then deleted
    vehicles = list(region_spec.travel.vehicles)
    team = host.unit_types["district_rescue_team"] if "district_rescue_team" in host.unit_types.names() else None
    vehicle = vehicles[0] if vehicles and team is not None and team.vehicle not in vehicles else None
    schema_file = next((p for p in (folder / "../docs/schemas/scenario.schema.json",
                                    folder / "docs/schemas/scenario.schema.json") if p.is_file()), None)
    try:
        names = host.hazard_types.names()
        text = scenario_text(target.stem, folder, region, plan, hazard, townships, names,
                             schema_file, host.hazard_types[hazard].params_model if hazard in names else None,
                             vehicle)
    except TemplateError as exc:
        raise Fail(f"--hazard: {exc}", 2) from None
    write_output(target, text)  # whole or not at all: a full disk leaves no half scenario
    # it must load as written: if not, it is drillsim's fault, and the file is not left
    try:
        guard(load_scenario, target, host=host)
    except Fail as exc:
        target.unlink()
        raise Fail(f"the scenario written from the template does not load with this folder's "
                   f"files, so {target} was not kept (a fault of drillsim's template: please "
                   f"report it); what the check said of it:\n{exc.format_message()}", 2) from None
    click.echo(f"{target} written: check it with `drillsim validate {target}`, run it with "
               f"`drillsim run {target}`")
