"""Finding and loading plugins: entry points of installed distributions, name clashes,
--disable-plugin, plugins named by module (never imported on a scenario's word alone)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.errors import ValidationFailed
from drillsim.scenario.loader import load_scenario
from drillsim.host.pluginhost import PluginError, PluginHost, load_plugins

MEDIC = textwrap.dedent("""\
    from drillsim.api import UnitType, hookimpl

    @hookimpl
    def drillsim_register_unit_types(register):
        register(UnitType("{unit}", "a medic team", {{"patients": 1}}))
    """)


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """``install(dist, version, {entry name: module}, {module: source})``: a real
    distribution on sys.path (a .dist-info folder with METADATA and entry_points.txt,
    exactly what pip writes), found by importlib.metadata like any installed package."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def install(dist: str, version: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = "".join(f"{name} = {module}\n" for name, module in entry_points.items())
        (info / "entry_points.txt").write_text("[drillsim]\n" + lines)
        for module, source in modules.items():
            (site / f"{module}.py").write_text(source)

    yield install
    for module in [m for m in sys.modules if m.endswith("_medic")]:
        del sys.modules[module]


def test_a_plugin_of_an_installed_distribution_is_found(installed):
    installed("alpha-medic", "1.0", {"medic": "alpha_medic"}, {"alpha_medic": MEDIC.format(unit="medic_team")})
    host = PluginHost(only=["medic"])
    info = host.info["medic"]
    assert (info.distribution, info.version, info.module) == ("alpha-medic", "1.0", "alpha_medic")
    assert host.unit_types.providers["medic_team"] == "medic"


def test_two_distributions_one_plugin_name_is_an_error_naming_both(installed):
    installed("alpha-medic", "1.0", {"medic": "alpha_medic"}, {"alpha_medic": MEDIC.format(unit="a_team")})
    installed("beta-medic", "2.3", {"medic": "beta_medic"}, {"beta_medic": MEDIC.format(unit="b_team")})
    with pytest.raises(PluginError) as err:
        PluginHost(only=["medic"])
    assert str(err.value) == ("two different plugins are named 'medic': alpha_medic from alpha-medic 1.0 and "
                              "beta_medic from beta-medic 2.3; uninstall one or disable it with --disable-plugin")
    # nothing was imported before the clash was found
    assert "alpha_medic" not in sys.modules and "beta_medic" not in sys.modules


def test_the_same_plugin_found_twice_registers_once(installed, tmp_path, monkeypatch):
    installed("alpha-medic", "1.0", {"medic": "alpha_medic"}, {"alpha_medic": MEDIC.format(unit="medic_team")})
    # the same distribution visible on a second path entry (e.g. a user site and a venv)
    second = tmp_path / "site2"
    second.mkdir()
    (second / "alpha_medic-1.0.dist-info").mkdir()
    for f in ("METADATA", "entry_points.txt"):
        (second / "alpha_medic-1.0.dist-info" / f).write_text((tmp_path / "site" / "alpha_medic-1.0.dist-info" / f).read_text())
    monkeypatch.syspath_prepend(str(second))
    host = PluginHost(only=["medic"])
    assert host.names() == ["medic"] and host.unit_types.names() == ["medic_team"]


def test_disable_plugin_blocks_one(mini):
    result = CliRunner().invoke(main, ["plugins", "--disable-plugin", "aviation"])
    assert result.exit_code == 0, result.output
    assert "aviation" not in result.output and "transit_flood" in result.output
    # --disable-plugin wins over --plugins naming it
    result = CliRunner().invoke(main, ["plugins", "--plugins", "aviation,hazmat", "--disable-plugin", "aviation"])
    assert result.exit_code == 0, result.output
    assert "aviation" not in result.output and "hazmat  (drillsim" in result.output
    # and a scenario needing it is refused as invalid input, naming what is there
    path = mini("""\
        run: {horizon: 1h}
        forces:
          - {id: heli, type: helicopter, base: west_base, params: {cruise: 236km/h}}
        """)
    result = CliRunner().invoke(main, ["validate", str(path), "--disable-plugin", "aviation"],
                                env={"COLUMNS": "300"})
    assert result.exit_code == 2
    # ... and where the type is: the installed plugin the option leaves out (it listed the
    # loaded plugins' types, as if 'helicopter' were misspelt)
    assert ("forces[0].type: unknown unit type 'helicopter': the installed plugin 'aviation' "
            "provides it, and --disable-plugin aviation leaves that plugin out\n") in result.output
    path = mini("""\
        run: {horizon: 1h}
        forces:
          - {id: t, type: district_rescue_team, base: west_base, vehicle: car}
        hazards:
          - {id: c, type: poisson_incidents, params: {rate: 1/h, places: [west], demand: {people: 1}, on_scene_mean: 10min}}
        """)
    result = CliRunner().invoke(main, ["validate", str(path), "--plugins", "rescue_teams"],
                                env={"COLUMNS": "300", "DRILLSIM_PLUGINS": ""})
    assert result.exit_code == 2
    assert ("hazards[0].type: unknown hazard type 'poisson_incidents': the installed plugin "
            "'incident_streams' provides it, and --plugins (or $DRILLSIM_PLUGINS) leaves that "
            "plugin out\n") in result.output
    result = CliRunner().invoke(main, ["validate", str(path)], env={"DRILLSIM_PLUGINS": ""})
    assert result.exit_code == 0, result.output              # with every plugin: valid


SENTINEL_PLUGIN = textwrap.dedent("""\
    import pathlib
    pathlib.Path({sentinel!r}).write_text("imported")

    from drillsim.api import hookimpl

    @hookimpl
    def drillsim_choose_units(sim, incident, candidates):
        # the farthest unit: visible in the log, unlike the default's nearest
        return [max(candidates, key=lambda u: sim.travel_time(u, u.position(sim.now), incident.place))]
    """)

TWO_TEAMS = """\
run: {horizon: 2h}
forces:
  - {id: near, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
  - {id: far, type: district_rescue_team, base: east_base, vehicle: car, turnout: 0min}
hazards:
  - {id: s, type: scripted_incidents, params: {incidents: [{at: 0min, kind: c, place: west, demand: {people: 1}, on_scene: 5min}]}}
"""


@pytest.fixture
def scenario_naming_a_module(mini, tmp_path):
    sentinel = tmp_path / "imported.txt"
    path = mini("plugins:\n  - {name: farthest, module: rules/farthest.py}\n" + TWO_TEAMS)
    (path.parent / "rules").mkdir()
    (path.parent / "rules" / "farthest.py").write_text(SENTINEL_PLUGIN.format(sentinel=str(sentinel)))
    return path, sentinel


def test_a_scenario_alone_never_imports_a_module(scenario_naming_a_module):
    path, sentinel = scenario_naming_a_module
    result = CliRunner().invoke(main, ["run", str(path), "-q"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    # line 7 (after the 5 lines the mini fixture writes and "plugins:"), column 30: the value
    assert (f"{path}:7:30: plugins[0].module: plugin 'farthest' would be imported from "
            "'rules/farthest.py', which only this scenario names; drillsim imports a module named "
            "in a scenario only when you allow it: pass --allow-plugin-module") in result.stderr
    assert not sentinel.exists()
    # the library refuses too
    with pytest.raises(ValidationFailed, match="pass --allow-plugin-module"):
        load_scenario(path, host=load_plugins())
    assert not sentinel.exists()


def test_allow_plugin_module_imports_and_uses_it(scenario_naming_a_module, tmp_path):
    path, sentinel = scenario_naming_a_module
    events = tmp_path / "events.jsonl"
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--allow-plugin-module", "--events", str(events)])
    assert result.exit_code == 0, result.output
    assert sentinel.read_text() == "imported"
    dispatched = [line for line in events.read_text().splitlines() if '"unit_dispatched"' in line]
    assert len(dispatched) == 1 and '"unit":"far"' in dispatched[0]


def test_a_module_file_outside_the_scenario_folder_is_refused(mini, tmp_path):
    path = mini("plugins:\n  - {name: farthest, module: ../elsewhere.py}\n" + TWO_TEAMS)
    (tmp_path / "elsewhere.py").write_text("raise SystemExit('must not run')\n")
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--allow-plugin-module"])
    assert result.exit_code == 2
    assert "plugins[0].module: '../elsewhere.py' points outside the scenario folder" in result.output


def test_plugin_module_option_loads_a_file(mini, tmp_path):
    sentinel = tmp_path / "imported.txt"
    rule = tmp_path / "farthest.py"
    rule.write_text(SENTINEL_PLUGIN.format(sentinel=str(sentinel)))
    path = mini(TWO_TEAMS)
    result = CliRunner().invoke(main, ["plugins", "--plugins", "rescue_teams", "--plugin-module", f"farthest={rule}"])
    assert result.exit_code == 0, result.output
    assert f"farthest  ((module) {rule}; module drillsim_module_plugin_farthest)" in result.stdout
    assert "hooks:    drillsim_choose_units" in result.stdout
    assert sentinel.read_text() == "imported"
    result = CliRunner().invoke(main, ["plugins", "--plugin-module", "nonsense"])
    assert result.exit_code == 2 and "write NAME=MODULE" in result.output
    assert path.exists()


def test_a_module_that_implements_no_hook_is_a_warning():
    # `--plugin-module x=os` (a mistyped module path that still imports) loads a module
    # that does nothing: said once, naming the plugin and the module; a module with a
    # hook gets no such word
    host = PluginHost(only=["aviation"], modules={"x": "os"})
    assert host.warnings == ["plugin 'x' (module os) implements no drillsim hook, so it does "
                             "nothing; check the module path (its hooks are functions marked "
                             "@hookimpl, from drillsim.api)"]
    host = PluginHost(only=["aviation"], modules={"aviation": "drillsim_plugins.aviation"})
    assert host.warnings == []


def test_a_different_module_under_a_loaded_name_is_an_error(tmp_path):
    rule = tmp_path / "aviation.py"
    rule.write_text("")
    with pytest.raises(PluginError, match=(
            r"two different plugins are named 'aviation': drillsim_plugins.aviation from drillsim "
            r"0.1.0 and .*aviation.py \(named by module\); rename one, or disable the installed one "
            r"with --disable-plugin aviation")):
        PluginHost(only=["aviation"], modules={"aviation": str(rule)})
    # the installed module itself, named again, is the same plugin: registered once
    host = PluginHost(only=["aviation"], modules={"aviation": "drillsim_plugins.aviation"})
    assert host.names() == ["aviation"]


def test_a_scenario_may_require_installed_plugins_by_name(mini):
    path = mini("plugins: [aviation, ambulanse]\n" + TWO_TEAMS)
    with pytest.raises(ValidationFailed) as err:
        load_scenario(path, host=load_plugins())
    message = str(err.value)
    assert message.endswith(":6:21: plugins[1]: plugin 'ambulanse' is not installed or not loaded; "
                            "`drillsim plugins` lists those loaded")
    assert "aviation" not in message.split("plugins[1]")[0]


def test_plugins_with_runtime_hooks_are_recorded_in_the_configuration(mini, tmp_path):
    rule = tmp_path / "farthest.py"
    rule.write_text(SENTINEL_PLUGIN.format(sentinel=str(tmp_path / "s.txt")))
    host = PluginHost(only=["rescue_teams", "incident_streams"], modules={"farthest": str(rule)})
    sc = load_scenario(mini(TWO_TEAMS), host=host)
    # the dispatch rule changes results, so the resolved configuration names it
    assert sc.configuration()["plugins"] == ["drillsim.defaults", "farthest", "incident_streams", "rescue_teams"]
    assert Path(rule).exists()


BROKEN_DEFERRED = textwrap.dedent("""
    from drillsim.api import Deferred, hookimpl

    @hookimpl
    def drillsim_register_hazard_types(register):
        register(Deferred("slip", "no_such_module_medic.hazard:SLIP"))
    """)


def test_a_deferred_type_that_cannot_be_imported_is_one_line_from_any_command(installed):
    # the schema command reads every hazard type's params: the broken one is asked for
    # there, after the host has loaded; it is a plugin error as at load time, not a traceback
    installed("slip-medic", "1.0", {"slip": "slip_medic"}, {"slip_medic": BROKEN_DEFERRED})
    result = CliRunner().invoke(main, ["schema", "scenario", "--plugins", "incident_streams,slip"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("plugin error: ") and "'slip'" in lines[0] \
        and "no_such_module_medic.hazard:SLIP" in lines[0]
