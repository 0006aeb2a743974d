"""Plugin loading and the rules plugins must keep."""

from __future__ import annotations

import types

import pluggy
import pytest

from drillsim.host.pluginhost import PluginError, PluginHost, load_plugins
from drillsim.host.registry import UnitType
from tests.conftest import BUILTIN

hookimpl = pluggy.HookimplMarker("drillsim")


def test_builtins_are_found_through_entry_points(host):
    assert host.names() == sorted(BUILTIN)
    assert host.unit_types.providers["water_rescue_team"] == "water_rescue"
    assert host.hazard_types.providers["transit_flood"] == "transit_flood"
    assert host.metrics.providers["response_time"] == "drillsim.defaults"


def test_loading_is_idempotent():
    assert load_plugins(only=BUILTIN) is load_plugins(only=list(reversed(BUILTIN)))


def test_unknown_plugin_name():
    with pytest.raises(PluginError, match="not installed: nope"):
        PluginHost(only=["nope"])


def test_env_var_limits_plugins(monkeypatch):
    monkeypatch.setenv("DRILLSIM_PLUGINS", "aviation")
    assert PluginHost().names() == ["aviation"]


def test_misspelt_hook_is_refused(monkeypatch):
    bad = types.ModuleType("bad_plugin")

    @hookimpl
    def drillsim_register_unit_type(register):  # missing "s"
        pass

    bad.drillsim_register_unit_type = drillsim_register_unit_type
    monkeypatch.setitem(__import__("sys").modules, "bad_plugin", bad)
    with pytest.raises(PluginError, match="unknown hook 'drillsim_register_unit_type'; did you mean "
                                          "'drillsim_register_unit_types'"):
        PluginHost(only=[], modules={"bad": "bad_plugin"})


def test_duplicate_unit_type_names_both_plugins(monkeypatch):
    clash = types.ModuleType("clash_plugin")

    @hookimpl
    def drillsim_register_unit_types(register):
        register(UnitType("water_rescue_team", "again", {"boats": 1}))

    clash.drillsim_register_unit_types = drillsim_register_unit_types
    monkeypatch.setitem(__import__("sys").modules, "clash_plugin", clash)
    with pytest.raises(PluginError, match="registered by both 'water_rescue' and 'clash'"):
        PluginHost(only=["water_rescue"], modules={"clash": "clash_plugin"})



def test_a_clash_with_a_built_in_blames_the_other_plugin_whichever_came_first(monkeypatch):
    # registered before the built-in (trylast comes first in registration order), the
    # clash was reported as "plugin 'water_rescue', hook …", the shipped plugin
    clash = types.ModuleType("early_clash_plugin")

    @hookimpl(trylast=True)
    def drillsim_register_unit_types(register):
        register(UnitType("water_rescue_team", "again", {"boats": 1}))

    clash.drillsim_register_unit_types = drillsim_register_unit_types
    monkeypatch.setitem(__import__("sys").modules, "early_clash_plugin", clash)
    with pytest.raises(PluginError) as err:
        PluginHost(only=["water_rescue"], modules={"early": "early_clash_plugin"})
    assert str(err.value).startswith("plugin 'early', hook drillsim_register_unit_types: ")
    assert "registered by both 'early' and 'water_rescue'" in str(err.value)

def test_invalid_unit_type_is_refused(monkeypatch):
    bad = types.ModuleType("neg_plugin")

    @hookimpl
    def drillsim_register_unit_types(register):
        register(UnitType("drone", "d", {"cameras": -1}))

    bad.drillsim_register_unit_types = drillsim_register_unit_types
    monkeypatch.setitem(__import__("sys").modules, "neg_plugin", bad)
    with pytest.raises(PluginError, match="plugin 'neg', hook drillsim_register_unit_types: unit type 'drone'"):
        PluginHost(only=[], modules={"neg": "neg_plugin"})


def test_a_plugin_can_override_dispatch(mini):
    """A first-result hook from a plugin wins over the host's trylast default."""
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario

    farthest = types.ModuleType("farthest_plugin")

    @hookimpl
    def drillsim_choose_units(sim, incident, candidates):
        return [max(candidates, key=lambda u: sim.travel_time(u, u.position(sim.now), incident.place))]

    farthest.drillsim_choose_units = drillsim_choose_units
    import sys
    sys.modules["farthest_plugin"] = farthest
    try:
        host = PluginHost(only=BUILTIN, modules={"farthest": "farthest_plugin"})
        path = mini("""\
            run: {horizon: 2h}
            forces:
              - {id: near, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
              - {id: far, type: district_rescue_team, base: east_base, vehicle: car, turnout: 0min}
            hazards:
              - {id: s, type: scripted_incidents, params: {incidents: [{at: 0min, kind: c, place: west, demand: {people: 1}, on_scene: 5min}]}}
            """)
        sim = Simulation(load_scenario(path, host=host), host)
        sim.run()
        assert [e.unit for e in sim.log.events if e.kind == "unit_dispatched"] == ["far"]
    finally:
        del sys.modules["farthest_plugin"]


def test_plugin_failure_names_plugin_and_time(mini):
    from drillsim.engine.simulation import PluginFailed, Simulation
    from drillsim.scenario.loader import load_scenario

    boom = types.ModuleType("boom_plugin")

    @hookimpl
    def drillsim_travel_time(sim, unit):
        if sim.now > 0:
            raise RuntimeError("no map")

    boom.drillsim_travel_time = drillsim_travel_time
    import sys
    sys.modules["boom_plugin"] = boom
    try:
        host = PluginHost(only=BUILTIN, modules={"boom": "boom_plugin"})
        path = mini("""\
            run: {horizon: 2h}
            forces:
              - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
            hazards:
              - {id: s, type: scripted_incidents, params: {incidents: [{at: 7min, kind: c, place: east, demand: {people: 1}, on_scene: 5min}]}}
            """)
        sim = Simulation(load_scenario(path, host=host), host)
        with pytest.raises(PluginFailed, match=r"plugin 'boom' failed in drillsim_travel_time at scenario time 7.0 min: RuntimeError: no map"):
            sim.run()
        # the log up to the failure is kept: the call came in, then the hook failed
        assert [e.kind for e in sim.log.events] == ["run_started", "incident_created"]
    finally:
        del sys.modules["boom_plugin"]
