"""pytest fixtures for plugin authors (registered through the ``pytest11`` entry point,
so they are there in any test session of an environment where drillsim is installed).

A test names a scenario body (forces, hazards, …); the fixtures write it beside a
small region and plan in a temporary ``scenarios/`` folder, load the plugins, run it,
and hand back the event log and scorecard::

    import pytest

    pytestmark = pytest.mark.drillsim_plugins("ambulance")   # load my plugin too

    def test_the_nearest_unit_goes(drillsim_run):
        run = drillsim_run('''
            forces:
              - {id: a, type: als_ambulance, base: west_base}
            hazards:
              - {id: calls, type: scripted_incidents, params: {incidents: [
                  {at: 0min, kind: critical_casualty, place: east, demand: {patients: 1, als: 1}, on_scene: 20min}]}}
            ''')
        assert [e.unit for e in run.of_kind("unit_dispatched")] == ["a"]
        assert run.row("R").passed

Which plugins load: drillsim's own built-in plugins, plus the names given by
``@pytest.mark.drillsim_plugins(...)`` (on the test, class or module) and by the ini
option ``drillsim_plugins`` (e.g. ``[tool.pytest.ini_options] drillsim_plugins =
["ambulance"]``). Nothing else installed on the machine is loaded, so tests do not
change with what happens to be installed. Set ``DRILLSIM_TRACE_HOOKS=1`` to log each
hook call (see :mod:`drillsim.host.hooktrace`; pytest shows it with ``--log-level=DEBUG``).

The small region (:func:`small_region`): three townships on the equator, ``west`` (lon
0.0), ``middle`` (0.1) and ``east`` (0.2), with sites ``west_base`` (at west) and
``east_base`` (at east); road circuity 1.0, so a road trip between neighbours is the
great-circle distance 6371.0088 km × π/180 × 0.1 = 11.119508 km (mean Earth radius,
IUGG), 11.119508 min at 60 km/h. Vehicle classes: ``car`` and ``rescue_vehicle`` at
60 km/h, ``slow`` at 30 km/h, plus any you pass.

The small plan (:data:`SMALL_PLAN`): target ``R`` (``response_time``, worst call, ≤
30 min) and ``Q`` (``unreached_incidents``, ≤ 0), both required in every replication.
"""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest

MARKER = "drillsim_plugins"

_REGION_HEAD = """\
# drillsim.testing small region: three townships on the equator, 0.1 degree of longitude
# apart (11.119508 km great-circle), circuity 1.0.
name: drillsim test region
travel:
  circuity: {value: 1.0, status: assumed}
  vehicles:
"""

_REGION_TAIL = """\
townships:
  - {id: west, name_zh: 西, name_pinyin: Xi, kind: town, lat: 0.0, lon: 0.0, coord_status: assumed, population_weight: 100}
  - {id: middle, name_zh: 中, name_pinyin: Zhong, kind: town, lat: 0.0, lon: 0.1, coord_status: assumed, population_weight: 300}
  - {id: east, name_zh: 东, name_pinyin: Dong, kind: town, lat: 0.0, lon: 0.2, coord_status: assumed, population_weight: 600}
sites:
  - {id: west_base, kind: rescue_base, lat: 0.0, lon: 0.0, status: assumed, township: west}
  - {id: east_base, kind: rescue_base, lat: 0.0, lon: 0.2, status: assumed, township: east}
"""

#: Vehicle classes of the small region: ``{name: speed as text}``.
DEFAULT_VEHICLES = {"car": "60km/h", "rescue_vehicle": "60km/h", "slow": "30km/h"}

#: Kilometres between neighbouring townships of the small region (road = great circle).
NEIGHBOUR_KM = 11.119508

SMALL_PLAN = """\
name: drillsim test plan
required_pass_rate: 100%
targets:
  - {id: R, title: worst response time, metric: response_time, statistic: max, comparison: "<=", threshold: 30min, unit: min}
  - {id: Q, title: incidents no unit reached, metric: unreached_incidents, statistic: sum, comparison: "<=", threshold: 0}
"""

_HEAD = {
    "name": "name: drillsim test scenario\n",
    "region": "region: region.yaml\n",
    "start": 'start: "2020-01-01T00:00+08:00"\n',
    "plan": "plan: {file: plan.yaml}\n",
    "run": "run: {seed: 1, replications: 1, horizon: 4h}\n",
    "assumptions": "assumptions: []\n",
}


def small_region(vehicles: dict[str, str] | None = None) -> str:
    """The small test region as YAML text, with extra vehicle classes
    (``{"ambulance": "60km/h"}``) added to :data:`DEFAULT_VEHICLES`."""
    classes = {**DEFAULT_VEHICLES, **(vehicles or {})}
    lines = "".join(f"    {name}: {{speed: {speed}, status: assumed}}\n" for name, speed in classes.items())
    return _REGION_HEAD + lines + _REGION_TAIL


def builtin_plugins() -> list[str]:
    """Names of the plugins drillsim itself ships (its own ``drillsim`` entry points)."""
    from importlib import metadata

    from drillsim.host.pluginhost import ENTRY_POINT_GROUP

    names = set()
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        if dist is not None and dist.metadata["Name"] == "drillsim":
            names.add(ep.name)
    return sorted(names)


def scenario_text(body: str | dict) -> str:
    """A whole scenario file: ``body`` (YAML text, or a mapping of plain data) with the
    top-level fields it does not set filled in (name, region, start, plan, run: one
    replication of 4 h with seed 1, no assumptions). YAML text is kept as written (after
    dedenting), so the line of an error in the body is easy to find."""
    if isinstance(body, dict):
        given = set(body)
        text = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in body.items())
    else:
        text = textwrap.dedent(body)
        given = set(re.findall(r"^([A-Za-z_][\w-]*)\s*:", text, re.M))
    return "".join(line for key, line in _HEAD.items() if key not in given) + text


@dataclass
class ScenarioRun:
    """What :func:`drillsim_run` gives back.

    :ivar scenario: the resolved scenario.
    :ivar outcome: the runner's :class:`~drillsim.scoring.runner.Outcome` (scorecard rows,
        observations per replication).
    :ivar logs: every replication's event log, ``{replication: [Event]}``, as written by
        ``drillsim run --events`` (plain JSON data in ``details``).
    """

    scenario: Any
    outcome: Any
    logs: dict[int, list]

    @property
    def events(self) -> list:
        """The event log of replication 0."""
        return self.logs.get(0, [])

    @property
    def scorecard(self) -> dict[str, Any]:
        """Scorecard rows by target id (:class:`~drillsim.scoring.scorecard.Row`)."""
        return {row.id: row for row in self.outcome.rows}

    def row(self, target: str):
        """One scorecard row (``run.row("R").passed``, ``.mean``, ``.values`` …).

        :raises KeyError: no such target (the message lists them).
        """
        try:
            return self.scorecard[target]
        except KeyError:
            raise KeyError(f"no target {target!r}; the scorecard has {sorted(self.scorecard)}") from None

    def of_kind(self, *kinds: str, replication: int = 0) -> list:
        """Events of these kinds in one replication's log, in order."""
        return [e for e in self.logs.get(replication, []) if e.kind in kinds]


# ---------------------------------------------------------------- pytest hooks
def pytest_addoption(parser) -> None:
    parser.addini(MARKER, type="args", default=[],
                  help="drillsim plugins (entry-point names) the drillsim_* fixtures load "
                       "besides drillsim's built-ins")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(*names): drillsim plugins the drillsim_* "
                                       "fixtures load besides drillsim's built-ins")


# ---------------------------------------------------------------- fixtures
@pytest.fixture
def drillsim_plugins(request) -> list[str]:
    """Plugin names the fixtures load: drillsim's built-ins, the ini option
    ``drillsim_plugins`` and every ``@pytest.mark.drillsim_plugins(...)`` that applies.
    Override this fixture to choose otherwise."""
    names = set(builtin_plugins()) | set(request.config.getini(MARKER))
    for marker in request.node.iter_markers(MARKER):
        names.update(marker.args)
    return sorted(names)


@pytest.fixture
def drillsim_host(drillsim_plugins):
    """The plugin host for :func:`drillsim_plugins` (built once per process and selection);
    traced when ``DRILLSIM_TRACE_HOOKS`` is set."""
    from drillsim.host import hookspecs, hooktrace
    from drillsim.host.pluginhost import load_plugins

    host = load_plugins(only=drillsim_plugins)
    traced = hooktrace.hooks_from_env(hookspecs.HOOK_STABILITY) if os.environ.get(hooktrace.ENV_TRACE) else None
    if traced is None:
        yield host
        return
    hooktrace.log.setLevel("DEBUG")
    with hooktrace.HookTracer(host, traced):
        yield host


@pytest.fixture
def drillsim_region() -> str:
    """The region YAML the scenarios are written beside (default: :func:`small_region`).
    Override it (e.g. in conftest.py) to add vehicle classes or places."""
    return small_region()


@pytest.fixture
def drillsim_plan() -> str:
    """The plan YAML the scenarios are scored on (default: :data:`SMALL_PLAN`)."""
    return SMALL_PLAN


@pytest.fixture
def drillsim_scenario(tmp_path, drillsim_region, drillsim_plan) -> Callable[..., Path]:
    """``make(body, name="scenario.yaml", region=None, plan=None) -> Path``: write a
    scenario (see :func:`scenario_text`) into ``tmp_path/scenarios`` with
    ``region.yaml`` and ``plan.yaml`` (the fixtures' texts unless given)."""
    root = tmp_path / "scenarios"
    root.mkdir(exist_ok=True)

    def make(body: str | dict, name: str = "scenario.yaml", region: str | None = None,
             plan: str | None = None) -> Path:
        (root / "region.yaml").write_text(region or drillsim_region, encoding="utf-8")
        (root / "plan.yaml").write_text(plan or drillsim_plan, encoding="utf-8")
        path = root / name
        path.write_text(scenario_text(body), encoding="utf-8")
        return path

    return make


@pytest.fixture
def drillsim_load(drillsim_scenario, drillsim_host) -> Callable[..., Any]:
    """``load(body_or_path, **scenario_kw) -> ResolvedScenario``: write (if text) and
    load a scenario; raises :class:`~drillsim.errors.ValidationFailed` with every fault,
    as ``drillsim validate`` prints them."""
    from drillsim.scenario.loader import load_scenario

    def load(body: str | dict | Path, host=None, **kw):
        path = body if isinstance(body, Path) else drillsim_scenario(body, **kw)
        return load_scenario(path, host=host or drillsim_host)

    return load


@pytest.fixture
def drillsim_run(drillsim_load, drillsim_host) -> Callable[..., ScenarioRun]:
    """``run(body_or_path, replications=None, seed=None, plugins=None, **scenario_kw) ->
    ScenarioRun``: load and run a scenario with the fixtures' plugins (``plugins=``:
    these names besides the built-ins instead), returning its event logs and scorecard.

    :raises ValidationFailed: the scenario is invalid.
    :raises PluginFailed: a plugin raised during the run.
    """
    from drillsim.engine.eventlog import Event
    from drillsim.host.pluginhost import load_plugins
    from drillsim.scoring.runner import run as run_scenario

    def run(body: str | dict | Path, replications: int | None = None, seed: int | None = None,
            plugins: Iterable[str] | None = None, **kw) -> ScenarioRun:
        host = drillsim_host if plugins is None else load_plugins(only=sorted(set(builtin_plugins()) | set(plugins)))
        scenario = drillsim_load(body, host=host, **kw)
        buffer = io.StringIO()
        outcome = run_scenario(scenario, host, replications=replications, seed=seed, events_out=buffer)
        logs: dict[int, list[Event]] = {}
        for line in buffer.getvalue().splitlines():
            record = json.loads(line)
            logs.setdefault(record["rep"], []).append(Event.from_dict(record))
        return ScenarioRun(scenario, outcome, logs)

    return run
