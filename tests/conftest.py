"""Shared fixtures. Tests load only drillsim's own plugins (never whatever else is
installed on the machine), through the same entry points users' plugins use."""

from __future__ import annotations

import shutil
import sys
import textwrap
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.host.pluginhost import PluginHost, load_plugins

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
FLOOD = SCENARIOS / "fujiang_flood_2020.yaml"
DATA = Path(__file__).resolve().parent / "data"
#: the bad-input corpus (files and command lines refused with a located message)
BAD_INPUTS = ROOT / "tests" / "bad_inputs"

BUILTIN = ["fire_rescue", "rescue_teams", "water_rescue", "hazmat", "forest_team", "aviation",
           "mutual_aid", "transit_flood", "incident_streams", "toxic_release", "forest_fire", "landslide",
           "building_fire", "engineering", "road_tanker", "urban_waterlogging"]


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run the long (full-length) tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="long run: use --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def host():
    """A plugin host with drillsim's built-in plugins only."""
    return load_plugins(only=BUILTIN)


@pytest.fixture(autouse=True)
def _only_builtin_plugins(monkeypatch):
    monkeypatch.setenv("DRILLSIM_PLUGINS", ",".join(BUILTIN))


MINI_REGION = """\
# A line of three townships on the equator, 0.1 degree of longitude apart, for hand
# calculations: 0.1 deg = 6371.0088 km * pi/180 * 0.1 = 11.119508 km.
name: Mini region (tests)
travel:
  circuity: {value: 1.0, status: assumed}
  vehicles:
    car: {speed: 60km/h, status: assumed}
    slow: {speed: 30km/h, status: assumed}
townships:
  - {id: west, name_zh: 西, name_pinyin: Xi, kind: town, lat: 0.0, lon: 0.0, coord_status: assumed, population_weight: 100}
  - {id: middle, name_zh: 中, name_pinyin: Zhong, kind: town, lat: 0.0, lon: 0.1, coord_status: assumed, population_weight: 300}
  - {id: east, name_zh: 东, name_pinyin: Dong, kind: town, lat: 0.0, lon: 0.2, coord_status: assumed, population_weight: 600}
sites:
  - {id: west_base, kind: rescue_base, lat: 0.0, lon: 0.0, status: assumed, township: west}
  - {id: east_base, kind: rescue_base, lat: 0.0, lon: 0.2, status: assumed, township: east}
"""

MINI_PLAN = """\
name: Mini plan (tests)
required_pass_rate: 100%
targets:
  - {id: R, title: response, metric: response_time, statistic: max, comparison: "<=", threshold: 30min, unit: min}
  - {id: Q, title: unreached, metric: unreached_incidents, statistic: sum, comparison: "<=", threshold: 0}
"""


@pytest.fixture
def mini(tmp_path):
    """Write a mini region, plan and a scenario body into tmp_path/scenarios; returns a
    function ``make(body) -> path`` that writes a scenario with that body."""
    root = tmp_path / "scenarios"
    root.mkdir()
    (root / "region.yaml").write_text(MINI_REGION, encoding="utf-8")
    (root / "plan.yaml").write_text(MINI_PLAN, encoding="utf-8")

    def make(body: str, name: str = "scenario.yaml") -> Path:
        head = textwrap.dedent("""\
            name: mini
            region: region.yaml
            start: "2020-01-01T00:00+08:00"
            plan: {file: plan.yaml}
            assumptions: []
            """)
        path = root / name
        path.write_text(head + textwrap.dedent(body), encoding="utf-8")
        return path

    return make


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """A copy of the bad-input corpus's valid scenario tree; the working folder is its root."""
    shutil.copytree(BAD_INPUTS / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args):
    """``drillsim ARGS…`` through click's test runner (arguments made strings)."""
    from drillsim.cli.main import main

    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def plugin_from(monkeypatch):
    """``make(name, source) -> module name``: a plugin module from source text."""
    def make(name: str, source: str) -> str:
        module = types.ModuleType(f"{name}_plugin")
        exec(textwrap.dedent(source), module.__dict__)
        monkeypatch.setitem(sys.modules, module.__name__, module)
        return module.__name__
    return make


def load_plugin_module(name: str, module: str) -> PluginHost:
    """A plugin host with the built-in plugins left out and ``module`` registered as
    plugin ``name`` (see :func:`plugin_from`)."""
    return PluginHost(only=[], modules={name: module})
