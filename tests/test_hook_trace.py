"""--trace-hooks / DRILLSIM_TRACE_HOOKS: each hook call logged, with the plugin that
answered a first-result hook."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import pytest

from drillsim.engine.simulation import PluginFailed, Simulation
from drillsim.host.hooktrace import HookTracer, TraceError, hooks_from_env
from drillsim.scenario.loader import load_scenario
from drillsim.host.pluginhost import PluginHost, load_plugins
from tests.conftest import BUILTIN

RULE = textwrap.dedent("""\
    from drillsim.api import hookimpl

    @hookimpl
    def drillsim_choose_units(incident, candidates):
        if incident.kind == "ours":
            return [c for c in candidates if c.id == "far"]
        return None

    BOOM = False

    @hookimpl
    def drillsim_run_finished(sim):
        if BOOM:
            raise RuntimeError("no report")
    """)

BODY = """\
run: {horizon: 2h}
forces:
  - {id: near, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
  - {id: far, type: district_rescue_team, base: east_base, vehicle: car, turnout: 0min}
hazards:
  - id: s
    type: scripted_incidents
    params:
      incidents:
        - {at: 0min, kind: ours, place: west, demand: {people: 1}, on_scene: 5min}
        - {at: 30min, kind: theirs, place: west, demand: {people: 1}, on_scene: 5min}
"""


@pytest.fixture
def traced_run(tmp_path, mini):
    rule = tmp_path / "rule.py"
    rule.write_text(RULE)
    host = PluginHost(only=["rescue_teams", "incident_streams"], modules={"rule": str(rule)})
    return host, load_scenario(mini(BODY), host=host)


def test_each_call_and_who_answered(traced_run):
    host, scenario = traced_run
    lines = []
    with HookTracer(host, {"drillsim_choose_units", "drillsim_run_started"},
                    emit=lambda line, hook: lines.append(line)):
        Simulation(scenario, host).run()
    choose = [line for line in lines if "drillsim_choose_units" in line]
    assert choose == [
        "t=0.0min drillsim_choose_units(incident=I1 ours@west, unmet={people: 1}, candidates=[near, far]) "
        "-> [far]: answered by 'rule' (asked 'rule')",
        "t=30.0min drillsim_choose_units(incident=I2 theirs@west, unmet={people: 1}, candidates=[near, far]) "
        "-> [near]: answered by 'drillsim.defaults' (asked 'rule', 'drillsim.defaults')",
    ]
    assert lines[0] == "t=0.0min drillsim_run_started(): called nobody"


def test_tracing_stops_cleanly_and_blame_still_works(traced_run, mini):
    host, scenario = traced_run
    impls = host.pm.hook.drillsim_choose_units.get_hookimpls()
    before = [impl.function for impl in impls]
    tracer = HookTracer(host, None, emit=lambda line, hook: None).start()
    assert all(impl.function is not f for impl, f in zip(impls, before))
    assert [inspect.unwrap(impl.function) for impl in impls] == before
    rule = sys.modules["drillsim_module_plugin_rule"]
    rule.BOOM = True
    try:
        with pytest.raises(PluginFailed, match=r"plugin 'rule' failed in drillsim_run_finished at scenario time 120.0 min"):
            Simulation(scenario, host).run()
    finally:
        tracer.stop()
        rule.BOOM = False
    assert [impl.function for impl in impls] == before


def test_tracing_changes_no_result(traced_run):
    host, scenario = traced_run
    plain = [(e.t, e.kind, e.unit) for e in Simulation(scenario, host).run().log]
    with HookTracer(host, None, emit=lambda line, hook: None):
        traced = [(e.t, e.kind, e.unit) for e in Simulation(scenario, host).run().log]
    assert plain == traced


def test_the_environment_variable():
    known = ["drillsim_choose_units", "drillsim_travel_time"]
    assert hooks_from_env(known, "") is None
    assert hooks_from_env(known, "0") is None
    assert hooks_from_env(known, "1") == set(known)
    assert hooks_from_env(known, "all") == set(known)
    assert hooks_from_env(known, " drillsim_travel_time ") == {"drillsim_travel_time"}
    with pytest.raises(TraceError, match="unknown hook\\(s\\) drillsim_travel; use 1 for all"):
        hooks_from_env(known, "drillsim_travel")


def test_cli_run_trace_hooks(mini, monkeypatch):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    path = mini(BODY)
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--trace-hooks"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert ("hooks: t=0.0min drillsim_choose_units(incident=I1 ours@west, unmet={people: 1}, "
            "candidates=[near, far]) -> [near]: answered by 'drillsim.defaults' (asked 'drillsim.defaults')") in lines
    assert any(line.startswith("hooks: t=0.0min drillsim_travel_time(unit=near, origin=west_base, destination=west) -> 0: "
                               "answered by 'drillsim.defaults'") for line in lines)
    # the environment variable, limited to one hook
    monkeypatch.setenv("DRILLSIM_TRACE_HOOKS", "drillsim_choose_units")
    result = CliRunner().invoke(main, ["run", str(path), "-q"])
    assert result.exit_code == 0, result.output
    traced = [line for line in result.stderr.splitlines() if line.startswith("hooks: ")]
    assert len(traced) == 2 and all("drillsim_choose_units(" in line for line in traced)


def test_cli_trace_shows_registrations_in_a_fresh_process():
    # registrations happen once per process, when plugins load: look in a new one
    proc = subprocess.run([sys.executable, "-c", "import sys; from drillsim.cli.main import main; sys.exit(main())", "plugins", "--plugins", "rescue_teams",
                           "--trace-hooks"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert ("hooks: drillsim_register_unit_types <- 'rescue_teams' registered unit type "
            "'district_rescue_team'") in proc.stderr.splitlines()


def test_cli_tracing_ends_with_the_command():
    from click.testing import CliRunner

    from drillsim.cli.main import main

    result = CliRunner().invoke(main, ["plugins", "--trace-hooks"])
    assert result.exit_code == 0, result.output
    host = load_plugins()  # the process-wide host the command used (DRILLSIM_PLUGINS = built-ins)
    assert host.names() == sorted(BUILTIN)
    for impl in host.pm.hook.drillsim_travel_time.get_hookimpls():
        assert inspect.unwrap(impl.function) is impl.function
