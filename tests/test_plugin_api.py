"""The public plugin API: plugins import drillsim only through drillsim.api, the API
states its version, every hook is marked stable or provisional, and every type a hook
hands to a plugin can be named from drillsim.api."""

from __future__ import annotations

import ast
import inspect
import re
import pytest

import drillsim.api as api
from drillsim.host import hookspecs
from tests.conftest import ROOT

PLUGIN_FOLDERS = [ROOT / "plugins", ROOT / "examples" / "drillsim-ambulance" / "drillsim_ambulance"]


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """``file:line: module`` for each import of drillsim other than drillsim.api.

    Relative imports stay inside the plugin's own package and are allowed; so are
    imports of any other library.
    """
    bad = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "drillsim":
                names = [f"drillsim.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            if (name == "drillsim" or name.startswith("drillsim.")) and name != "drillsim.api":
                bad.append(f"{filename}:{node.lineno}: {name}")
    return bad


def test_the_import_checker_catches_each_form():
    source = ("import drillsim.engine.units\nfrom drillsim.scenario.loader import load_scenario\n"
              "from drillsim import registry, api\nimport drillsim\n"
              "from drillsim.api import UnitType\nfrom drillsim import api\nimport numpy\n"
              "from .rating import PowerRating\nimport drillsim_plugins.flood\n")
    assert forbidden_imports(source, "x.py") == [
        "x.py:1: drillsim.engine.units", "x.py:2: drillsim.scenario.loader", "x.py:3: drillsim.registry",
        "x.py:4: drillsim"]


@pytest.mark.parametrize("folder", PLUGIN_FOLDERS, ids=lambda p: p.name)
def test_plugins_import_drillsim_only_through_the_api(folder):
    files = sorted(folder.rglob("*.py"))
    assert files, f"no plugin sources under {folder}"
    bad = [hit for f in files for hit in forbidden_imports(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))]
    assert bad == [], "plugins must import drillsim only through drillsim.api:\n" + "\n".join(bad)
    # and they do use it (the check is not vacuous)
    assert any("drillsim.api" in f.read_text(encoding="utf-8") for f in files)


def test_api_version_is_major_minor():
    assert re.fullmatch(r"\d+\.\d+", api.API_VERSION)


def test_every_name_in_all_exists_and_nothing_else_is_public():
    for name in api.__all__:
        assert hasattr(api, name), name
    # ("@py_…" names: pytest rewrites the asserts of the distribution of a pytest11 plugin)
    public = {n for n in vars(api) if not n.startswith(("_", "@")) and n != "annotations"}
    assert public == set(api.__all__)


def test_every_hook_is_marked_stable_or_provisional_in_both_places():
    specs = {n for n, f in vars(hookspecs).items() if n.startswith("drillsim_") and callable(f)}
    assert set(api.HOOK_STABILITY) == specs
    for name in specs:
        level = api.HOOK_STABILITY[name]
        assert level in (api.STABLE, api.PROVISIONAL), (
            f"hook {name} has no stability mark: put @stable or @provisional above its @hookspec "
            "and a 'Stability: …' line in its docstring")
        doc = inspect.getdoc(getattr(hookspecs, name))
        assert re.search(rf"^Stability: {level}\.", doc, re.M), f"{name}: docstring says otherwise"


def test_the_registration_hook_is_provisional_where_the_shape_may_move():
    # the calculator callback's plot signature is new; the core hooks are promised
    assert api.HOOK_STABILITY["drillsim_register_calculators"] == "provisional"
    assert api.HOOK_STABILITY["drillsim_choose_units"] == "stable"


def test_every_type_the_hook_docs_name_is_in_the_api():
    """Anything a hook spec or a registration record points a plugin at by class must be
    importable from drillsim.api (so a plugin never needs another drillsim module)."""
    import drillsim.host.registry as registry

    text = inspect.getsource(hookspecs) + inspect.getsource(registry)
    named = set(re.findall(r":class:`~?drillsim\.[\w.]*\.(\w+)`", text))
    assert {"Simulation", "Incident", "Event", "LoadContext"} <= named  # the pattern finds them
    assert sorted(n for n in named if n not in api.__all__) == []


def test_objects_handed_to_hooks_are_api_types(host, mini):
    """Run a tiny scenario with a probe plugin and check the runtime types of what the
    run-time hooks receive against drillsim.api."""
    import sys
    import types

    from drillsim.scenario.loader import load_scenario
    from drillsim.host.pluginhost import PluginHost

    seen: dict[str, set[type]] = {}
    probe = types.ModuleType("api_probe_plugin")

    @api.hookimpl
    def drillsim_choose_units(sim, incident, unmet, candidates):
        seen.setdefault("choose", set()).update({type(sim), type(incident)} | {type(u) for u in candidates})

    @api.hookimpl
    def drillsim_travel_time(sim, unit, origin, destination):
        seen.setdefault("travel", set()).update({type(unit), type(origin), type(destination)})

    @api.hookimpl
    def drillsim_event(event):
        seen.setdefault("event", set()).add(type(event))

    for f in (drillsim_choose_units, drillsim_travel_time, drillsim_event):
        setattr(probe, f.__name__, f)
    sys.modules["api_probe_plugin"] = probe
    try:
        h = PluginHost(only=["rescue_teams", "incident_streams"], modules={"probe": "api_probe_plugin"})
        path = mini("""\
            run: {horizon: 1h}
            forces:
              - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
            hazards:
              - {id: s, type: scripted_incidents, params: {incidents: [{at: 1min, kind: c, place: east, demand: {people: 1}, on_scene: 5min}]}}
            """)
        api.Simulation(load_scenario(path, host=h), h).run()
    finally:
        del sys.modules["api_probe_plugin"]
    assert seen["choose"] == {api.Simulation, api.Incident, api.Unit}
    assert seen["travel"] == {api.Unit, api.Place}
    assert seen["event"] == {api.Event}
