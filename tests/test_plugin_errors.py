"""Plugins that break the rules are refused at load time, naming plugin, hook and fix."""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

from drillsim.api import API_VERSION
from drillsim.host.pluginhost import PluginError, PluginHost
from tests.conftest import load_plugin_module




def test_a_parameter_the_hook_does_not_have(plugin_from):
    mod = plugin_from("wrongparam", """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_choose_units(sim, incident, units):
            return None
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("wrongparam", mod)
    message = str(err.value)
    assert message == (
        "plugin 'wrongparam', hook drillsim_choose_units: drillsim_choose_units(sim, incident, units): "
        "parameter 'units' is not a parameter of the hook, which has "
        "(sim, incident, unmet, candidates); rename it or remove it (accept any subset of "
        "these names, in any order)")


def test_a_parameter_with_a_default_value(plugin_from):
    mod = plugin_from("defaults", """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_travel_time(sim, unit, origin, destination=None):
            return None
        """)
    with pytest.raises(PluginError, match=(
            r"^plugin 'defaults', hook drillsim_travel_time: .*parameter 'destination' has a "
            r"default value \(None\); pluggy before 1.7 never passes a parameter that has a "
            r"default, so there it would always be None. Remove the default$")):
        load_plugin_module("defaults", mod)


def test_pluggy_itself_would_accept_the_default_value():
    """Why the check exists: pluggy registers such an implementation without a word, and
    whether the caller's value arrives depends on the pluggy release (drillsim accepts
    pluggy >= 1.4; releases before 1.7 drop it, pytest-dev/pluggy#442)."""
    from importlib.metadata import version

    import pluggy

    from drillsim.host import hookspecs

    calls = []

    class Plugin:
        @pluggy.HookimplMarker("drillsim")
        def drillsim_travel_time(self, sim, unit, origin, destination=None):
            calls.append(destination)
            return 1.0

    pm = pluggy.PluginManager("drillsim")
    pm.add_hookspecs(hookspecs)
    pm.register(Plugin())
    pm.hook.drillsim_travel_time(sim=1, unit=2, origin=3, destination="D")
    major, minor = (int(x) for x in version("pluggy").split(".")[:2])
    assert calls == (["D"] if (major, minor) >= (1, 7) else [None])


def test_star_args_and_keyword_only_parameters(plugin_from):
    mod = plugin_from("stars", """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_event(*args, **kwargs):
            pass

        @hookimpl
        def drillsim_run_started(*, sim):
            pass
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("stars", mod)
    lines = str(err.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("plugin 'stars', hook drillsim_event: drillsim_event(*args, **kwargs): "
                               "takes *args, which pluggy never fills; name the parameters you need "
                               "from (sim, event) instead")
    assert "takes **kwargs" in lines[1]
    assert lines[2].startswith("plugin 'stars', hook drillsim_run_started: drillsim_run_started(*, sim): "
                               "parameter 'sim' is keyword-only")


def test_unmarked_functions_are_not_checked(plugin_from):
    # a helper without @hookimpl is not a hook implementation: defaults are fine there
    mod = plugin_from("helper", """\
        from drillsim.api import hookimpl

        def nearest(candidates, key=None):
            return candidates[:1]

        @hookimpl
        def drillsim_choose_units(candidates):
            return nearest(candidates)
        """)
    assert "helper" in load_plugin_module("helper", mod).info


def test_a_subset_of_parameters_in_any_order_is_fine(plugin_from):
    mod = plugin_from("subset", """\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_choose_units(candidates, sim):
            return None
        """)
    host = load_plugin_module("subset", mod)
    assert "drillsim_choose_units" in host.info["subset"].hooks


def test_a_plugin_object_with_methods_is_checked_too(plugin_from):
    mod = plugin_from("objects", """\
        from drillsim.api import hookimpl

        class Rule:
            @hookimpl
            def drillsim_choose_units(self, sim, incident, unmet, candidates, extra=0):
                return None

        RULE = Rule()
        """)
    from drillsim.host import plugincheck

    host = PluginHost(only=[])
    problems = plugincheck.hook_problems(host.pm, sys.modules[mod].RULE, "objects")
    assert problems and "parameter 'extra' is not a parameter of the hook" in problems[0]


@pytest.mark.parametrize("wanted,ok", [
    (API_VERSION, True),
    ("1", True),
    ("1.0", True),     # a plugin for 1.0 runs on 1.1: minor versions only add
    ("1.1", True),
    ("1.2", True),
    ("1.99", False),   # a newer minor version than this drillsim
    ("2.0", False),    # another major version
    ("0.9", False),
])
def test_the_api_version_a_plugin_states(plugin_from, wanted, ok):
    assert API_VERSION == "1.2"  # the cases above are written for API 1.2 (AtLeast, AtMost)
    mod = plugin_from(f"v{wanted.replace('.', '_')}", f"""\
        DRILLSIM_API = {wanted!r}
        """)
    name = f"v{wanted.replace('.', '_')}"
    if ok:
        assert name in load_plugin_module(name, mod).info
        return
    with pytest.raises(PluginError) as err:
        load_plugin_module(name, mod)
    message = str(err.value)
    assert message.startswith(f"plugin {name!r} was written for drillsim plugin API {wanted}, "
                              "but this drillsim provides API 1.2; ")
    if wanted in ("1.99", "2.0"):
        assert "upgrade drillsim" in message
    else:
        assert "install a release of the plugin written for API 1.x" in message
    assert f"--disable-plugin {name}" in message


def test_a_malformed_api_version(plugin_from):
    mod = plugin_from("badver", "DRILLSIM_API = 'one'\n")
    with pytest.raises(PluginError, match=r"plugin 'badver': DRILLSIM_API = 'one' is not a version; "
                                          r"write e.g. DRILLSIM_API = \"1.2\""):
        load_plugin_module("badver", mod)



@pytest.mark.parametrize("written, says", [
    ("1.10", "DRILLSIM_API = 1.1 is not a version string; write it in quotes, e.g. DRILLSIM_API = \"1.2\""),
    ("1", "DRILLSIM_API = 1 is not a version string; write it in quotes"),
    ("'１.１'", "DRILLSIM_API = '１.１' is not a version"),
])
def test_an_api_version_that_is_no_version_string(plugin_from, written, says):
    # 1.10 written as a number is the float 1.1: read as "1.1" it would pass for a newer
    # minor version than meant; full-width digits are no version either
    mod = plugin_from("numver", f"DRILLSIM_API = {written}\n")
    with pytest.raises(PluginError, match=re.escape(f"plugin 'numver': {says}")):
        load_plugin_module("numver", mod)

def test_cli_reports_a_rule_breaker_with_exit_2(plugin_from, tmp_path):
    """The command line prints the message, no traceback, and exits 2 (the plugin
    module is given with --plugin-module so the subprocess can import it)."""
    import subprocess

    path = tmp_path / "badplugin.py"
    path.write_text(textwrap.dedent("""\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_run_started(sim, replication):
            pass
        """), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", "import sys; from drillsim.cli.main import main; sys.exit(main())", "plugins", "--plugins", "aviation",
                           "--plugin-module", f"bad={path}"], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert ("plugin error: plugin 'bad', hook drillsim_run_started: drillsim_run_started(sim, "
            "replication): parameter 'replication' is not a parameter of the hook, which has (sim)") in proc.stderr


def test_a_plugin_failing_mid_run_exits_1_and_keeps_the_event_log(mini, tmp_path):
    """drillsim run: the message names plugin, hook and scenario time; exit status 1; the
    --events file holds the log up to the failure."""
    import json

    from click.testing import CliRunner

    from drillsim.cli.main import main

    rule = tmp_path / "boom.py"
    rule.write_text(textwrap.dedent("""\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_choose_units(sim, incident):
            if incident.kind == "bad":
                raise KeyError("no such ward")
        """), encoding="utf-8")
    path = mini("""\
        run: {horizon: 2h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [
              {at: 5min, kind: good, place: east, demand: {people: 1}, on_scene: 5min},
              {at: 50min, kind: bad, place: east, demand: {people: 1}, on_scene: 5min}]}}
        """)
    events = tmp_path / "events.jsonl"
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--plugin-module", f"boom={rule}",
                                       "--events", str(events)])
    assert result.exit_code == 1
    assert ("run failed: plugin 'boom' failed in drillsim_choose_units at scenario time 50.0 min: "
            "KeyError: 'no such ward'") in result.stderr
    logged = [json.loads(line) for line in events.read_text().splitlines()]
    # I1 (t=5): dispatched, two legs of 11.12 min at 60 km/h, 5 min of work, cleared at
    # 32.24 and driving home; I2 (t=50) is logged, then the rule fails deciding for it
    assert [e["kind"] for e in logged] == ["run_started", "incident_created", "unit_dispatched", "unit_en_route",
                                           "unit_arrived", "incident_completed", "unit_cleared", "incident_created"]
    leg = 6371.0088 * 3.141592653589793 / 180 * 0.1
    assert logged[6]["t"] == pytest.approx(5 + 2 * leg + 5, abs=1e-6)
    assert (logged[-1]["t"], logged[-1]["incident"], logged[-1]["details"]["kind"]) == (50.0, "I2", "bad")


def test_a_module_named_like_the_plugin_it_disables_is_refused(mini, tmp_path):
    """An author replacing the installed plugin by a working copy: old code left the module
    out with the disabled plugin, without a word, and the scenario then failed on unknown
    types of theirs."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    path = tmp_path / "copy.py"
    path.write_text("from drillsim.api import hookimpl\n", encoding="utf-8")
    scenario = mini("""\
        run: {horizon: 1h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base}
        hazards: []
        """)
    result = CliRunner().invoke(main, ["run", str(scenario), "-q", "--disable-plugin", "aviation",
                                       "--plugin-module", f"aviation={path}"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"plugin error: --plugin-module aviation={path} and --disable-plugin aviation name the "
        "same plugin, so the module would not be loaded either; to load it in place of the "
        f"installed plugin, give it another name: --disable-plugin aviation --plugin-module "
        f"aviation_dev={path}")


KINDS_PLUGIN = """\
from drillsim.api import DurationOrZero, HazardType, Strict, hookimpl


class Params(Strict):
    at: DurationOrZero


def start(sim, hazard):
    pass


@hookimpl
def drillsim_register_hazard_types(register):
    register(HazardType("quake{i}", "d", Params, start, incident_kinds=lambda params: {kinds}))
"""


@pytest.mark.parametrize("i, kinds, says", [
    (0, "'quake_rescue'", "returned 'quake_rescue'; it returns a list of the incident kinds (text) a "
                          "hazard with these params can create, e.g. ['landslide_rescue']"),
    (1, "None", "returned None; it returns a list of the incident kinds (text) a hazard with these "
                "params can create, e.g. ['landslide_rescue']"),
    (2, "params.kinds", "failed: AttributeError: 'Params' object has no attribute 'kinds' (a fault "
                        "of the plugin, not of the scenario)"),
])
def test_a_hazard_types_incident_kinds_that_fails_or_returns_text_names_the_plugin(mini, tmp_path, i, kinds, says):
    """Old code: a traceback for None or a raise; the text 'quake_rescue' was read letter by
    letter as the kinds q, u, a … (a force serving quake_rescue then refused)."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    path = tmp_path / f"kinds{i}.py"
    path.write_text(KINDS_PLUGIN.format(i=i, kinds=kinds), encoding="utf-8")
    scenario = mini(f"""\
        run: {{horizon: 1h}}
        forces:
          - {{id: a, type: district_rescue_team, base: west_base}}
        hazards:
          - {{id: q, type: quake{i}, params: {{at: 0min}}}}
        """)
    result = CliRunner().invoke(main, ["run", str(scenario), "-q", "--plugin-module", f"kinds{i}={path}"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.strip() == (f"run failed: plugin 'kinds{i}', hazard type 'quake{i}': "
                                     f"incident_kinds(params) {says}")
