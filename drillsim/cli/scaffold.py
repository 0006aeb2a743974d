"""``drillsim new-plugin NAME``: write a ready plugin package.

The package (folder ``drillsim-NAME``) installs with ``pip install -e`` and passes its
own tests as generated:

- ``pyproject.toml``: the distribution ``drillsim-NAME`` with the entry point
  ``NAME = "drillsim_NAME"`` in the ``drillsim`` group (how drillsim finds it);
- ``drillsim_NAME/__init__.py``: a unit type ``NAME_team`` and two hook
  implementations — registering the unit type, and a dispatch rule sending the nearest
  ``NAME_team`` unit to incidents of kind ``NAME_call`` (None for any other incident);
- ``tests/test_NAME.py``: tests with drillsim's pytest fixtures, each expected value
  worked out by hand in the test;
- ``README.md``: how to install, test and use it.

Edit them into your own force: docs/plugins.md walks through a complete example.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from drillsim.cli.support import OutputFolder

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ScaffoldError(Exception):
    """The plugin name is not usable, or the target folder is not empty."""


#: the longest plugin name: its folders and files (``drillsim-NAME``, ``NAME_team``) must
#: stay well inside a file system's 255 bytes per name
MAX_PLUGIN_NAME = 64


def names(name: str) -> dict[str, str]:
    """The names derived from a plugin name: ``dist`` (``drillsim-my-name``), ``package``
    (``drillsim_my_name``), ``unit_type``, ``kind`` (the incident kind of the rule).

    :raises ScaffoldError: not lowercase letters, digits and ``_`` starting with a letter,
        or longer than :data:`MAX_PLUGIN_NAME`.
    """
    if not _NAME.match(name):
        raise ScaffoldError(f"plugin name {name!r} must be lowercase letters, digits and _, "
                            "starting with a letter (it is the entry-point name scenarios use)")
    if len(name) > MAX_PLUGIN_NAME:  # folders and files are named after it (255 bytes at most)
        raise ScaffoldError(f"plugin name {name[:20]}… is {len(name)} characters long; give at "
                            f"most {MAX_PLUGIN_NAME}")
    return {"name": name, "dist": "drillsim-" + name.replace("_", "-"), "package": f"drillsim_{name}",
            "unit_type": f"{name}_team", "kind": f"{name}_call"}


PYPROJECT = '''\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = "A drillsim plugin: {unit_type} units and their dispatch rule."
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["drillsim>={drillsim_version}"]

[project.optional-dependencies]
test = ["pytest>=8"]

# drillsim finds plugins through this entry-point group; the name is the plugin's name
[project.entry-points.drillsim]
{name} = "{package}"

[tool.setuptools]
packages = ["{package}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
'''

MODULE = '''\
"""{name}: a drillsim plugin.

Provides the unit type ``{unit_type}`` and a dispatch rule: an incident of kind
``{kind}`` gets the {unit_type} unit that can be on scene first; any other incident is
left to other plugins and drillsim's default (nearest units first). Import from drillsim
only through ``drillsim.api`` (its names are promised stable within API {api_major}.x).
Guide: docs/plugins.md in drillsim's repository.
"""

from __future__ import annotations

import math

from drillsim.api import UnitType, arrival_estimate, hookimpl, only_for_unit_types

#: The drillsim plugin API this plugin is written for (drillsim refuses it otherwise).
DRILLSIM_API = "{api_version}"

#: The incident kind the dispatch rule below handles.
KIND = "{kind}"

{const} = UnitType(
    name="{unit_type}",
    description="{name} unit (edit: what it is, who crews it)",
    capabilities={{"people": 4}},     # per unit; a scenario's force may override them
    vehicle="rescue_vehicle",       # a vehicle class of the region's travel.vehicles
    turnout=5.0,                    # minutes from dispatch to leaving the base
)


@hookimpl
def drillsim_register_unit_types(register):
    register({const})


@hookimpl
@only_for_unit_types("{unit_type}")  # None in a run without {unit_type} units: not asked there
def drillsim_choose_units(sim, incident, candidates):
    """The {unit_type} unit that can be on scene first, for a ``{kind}``; None otherwise."""
    if incident.kind != KIND:
        return None
    ranked = sorted((arrival_estimate(sim, unit, incident.place), unit.index, unit)
                    for unit in candidates if unit.force.type is {const})
    for minutes, _, unit in ranked:
        if math.isfinite(minutes):
            return [unit]
    return None  # none of ours can go: let the default choose
'''

TEST = '''\
"""Tests of the {name} plugin with drillsim's pytest fixtures (drillsim.testing).

The fixtures' small region: townships west - middle - east on the equator, 0.1 degree
of longitude apart (6371.0088 km x pi/180 x 0.1 = 11.119508 km), road circuity 1.0,
vehicle classes car and rescue_vehicle at 60 km/h.
"""

import math

import pytest

pytestmark = pytest.mark.drillsim_plugins("{name}")   # load this plugin besides the built-ins

LEG = 6371.0088 * math.pi / 180 * 0.1 / 60 * 60        # minutes per leg at 60 km/h
TURNOUT = 5.0                                          # the unit type's default turnout

SCENARIO = """\\
forces:
  - {{id: ours, type: {unit_type}, base: west_base}}
  - {{id: theirs, type: district_rescue_team, base: east_base, vehicle: car, turnout: 0min}}
hazards:
  - id: calls
    type: scripted_incidents
    params:
      incidents:
        - {{at: 0min, kind: {kind}, place: east, demand: {{people: 1}}, on_scene: 30min}}
        - {{at: 120min, kind: other_call, place: middle, demand: {{people: 1}}, on_scene: 30min}}
"""


def test_the_unit_type_is_registered(drillsim_host):
    assert drillsim_host.unit_types.providers["{unit_type}"] == "{name}"


def test_our_unit_takes_our_calls_even_when_another_is_nearer(drillsim_run):
    run = drillsim_run(SCENARIO)
    sent = [(e.t, e.unit, e.incident) for e in run.of_kind("unit_dispatched")]
    # I1 ({kind}) at east: ours, two legs away, not theirs on the spot.
    # I2 (other_call) at middle at 120 min: the default sends the nearest; theirs (at
    # east, turnout 0, one leg: 11.1 min) beats ours (back at west since
    # 5 + 2 legs + 30 + 2 legs = 79.5 min; turnout 5 + one leg: 16.1 min).
    assert sent == [(0.0, "ours", "I1"), (120.0, "theirs", "I2")]
    arrived = {{e.incident: e.t for e in run.of_kind("unit_arrived")}}
    assert arrived["I1"] == pytest.approx(TURNOUT + 2 * LEG, abs=1e-6)
    assert arrived["I2"] == pytest.approx(120 + LEG, abs=1e-6)
    # the small plan's target R: worst call -> arrival, 5 + 22.24 = 27.24 min <= 30 min
    assert run.row("R").mean == pytest.approx(TURNOUT + 2 * LEG, abs=1e-6)
    assert run.row("R").passed
'''

README = '''\
# {dist}

A drillsim plugin: the unit type `{unit_type}` and a
dispatch rule that sends the nearest `{unit_type}` unit to incidents of kind `{kind}`.

## Install and test

```sh
pip install -e '.[test]'
python -m pytest
drillsim plugins --plugins {name}      # shows the plugin, its hooks and its unit type
```

## Use it in a scenario

```yaml
plugins: [{name}]                      # refuse to run if the plugin is not installed
forces:
  - {{id: ours, type: {unit_type}, units: 2, base: some_site}}
```

Run with `drillsim run SCENARIO --trace-hooks` to see which plugin answered each
dispatch. The plugin API and its hooks are described in drillsim's docs/plugins.md.
'''


def write_plugin(name: str, folder: Path) -> Path:
    """Write the package for plugin ``name`` into ``folder/drillsim-NAME``; returns that
    folder.

    :raises ScaffoldError: bad name, or the folder exists and is not empty (nothing is
        overwritten).
    """
    from drillsim import __version__
    from drillsim.api import API_VERSION

    n = names(name)
    root = Path(folder) / n["dist"]
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScaffoldError(f"{root} already exists and is not empty; nothing was written")
    fields = {**n, "api_version": API_VERSION, "api_major": API_VERSION.split(".")[0],
              "drillsim_version": __version__, "const": n["unit_type"].upper()}
    files = {
        "pyproject.toml": PYPROJECT,
        f"{n['package']}/__init__.py": MODULE,
        f"tests/test_{name}.py": TEST,
        "README.md": README,
    }
    for rel, template in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**fields), encoding="utf-8")
    return root


def name_taken(name: str) -> str | None:
    """Why the package ``new-plugin NAME`` would write clashes with what is installed,
    or None: an installed plugin of that name (once installed, every command would
    refuse the two), or an installed unit type named like the package's (``NAME_team``).
    Installed plugins that cannot be loaded are left out of the second check."""
    from importlib import metadata

    from drillsim.host.pluginhost import ENTRY_POINT_GROUP, load_plugins

    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            return (f"plugin name {name!r} is taken by the installed plugin {ep.value!r}; two "
                    "plugins of one name are refused, so choose another name")
    unit_type = names(name)["unit_type"]
    try:
        host = load_plugins()
    except Exception:  # noqa: BLE001 (a broken installed plugin: not this command's concern)
        return None
    if unit_type in host.unit_types:
        return (f"plugin name {name!r} would make the unit type {unit_type!r}, which the "
                f"installed plugin {host.unit_types.providers[unit_type]!r} provides; choose "
                "another name")
    return None


@click.command(name="new-plugin")
@click.argument("name")
@click.option("--dir", "folder", type=OutputFolder(), default=Path("."),
              show_default=True, help="Folder to create the package folder drillsim-NAME in.")
def new_plugin(name: str, folder: Path) -> None:
    """Write a ready plugin package drillsim-NAME (installs with pip install -e; passes
    its own tests)."""
    try:
        names(name)
        taken = name_taken(name)
        if taken:
            raise ScaffoldError(taken)
        root = write_plugin(name, folder)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {root}/")
    click.echo(f"next: cd {root} && pip install -e '.[test]' && python -m pytest")
