"""Hook implementations marked ``only_for_unit_types``: left uncalled in a run with no
force of those unit types, called as before (in pluggy's order) in a run with one; the
built-in aviation plugin's travel time and daylight filter are marked for helicopters."""

from __future__ import annotations

import pluggy
import pytest

from drillsim.api import only_for_unit_types
from drillsim.engine.hookcall import first_result_caller, hook_for_run
from drillsim.engine.simulation import Simulation
from drillsim.host.pluginhost import PluginHost
from drillsim.scenario.loader import load_scenario

from .conftest import BUILTIN, SCENARIOS

spec = pluggy.HookspecMarker("t")
impl = pluggy.HookimplMarker("t")
CALLS: list[str] = []


class Spec:
    @spec(firstresult=True)
    def answer(self, a):
        """first result"""


class Default:
    @impl(trylast=True)
    def answer(self, a):
        CALLS.append("default")
        return ("default", a)


class Boats:
    @impl
    @only_for_unit_types("boat", "hovercraft")
    def answer(self, a):
        CALLS.append("boats")
        return ("boats", a) if a > 0 else None


def manager():
    pm = pluggy.PluginManager("t")
    pm.add_hookspecs(Spec)
    pm.register(Default())
    pm.register(Boats())
    return pm


@pytest.mark.parametrize("types, called, answer", [
    (frozenset({"road_team"}), ["default"], ("default", 5)),          # no boat: left out
    (frozenset(), ["default"], ("default", 5)),                       # no force at all
    (frozenset({"road_team", "hovercraft"}), ["boats"], ("boats", 5)),  # one of its types
])
def test_a_marked_implementation_is_called_only_with_its_unit_types(types, called, answer):
    pm = manager()
    hook = hook_for_run(pm, "answer", types)
    for call in (first_result_caller(hook, ("a",), pm), lambda a: hook(a=a)):  # direct, pluggy
        CALLS.clear()
        assert call(5) == answer
        assert CALLS == called
    if "boats" in called:  # None from the marked one: the default answers next, as before
        CALLS.clear()
        assert first_result_caller(hook, ("a",), pm)(-1) == ("default", -1)
        assert CALLS == ["boats", "default"]


def test_the_mark_needs_unit_type_names():
    with pytest.raises(ValueError, match="give one or more unit type names"):
        only_for_unit_types()
    with pytest.raises(ValueError, match="give one or more unit type names"):
        only_for_unit_types("boat", 3)


COUNTING = """\
from drillsim.api import hookimpl, only_for_unit_types

CALLS = {"theirs": 0, "ours": 0, "plain": 0}


@hookimpl
@only_for_unit_types("helicopter")
def drillsim_filter_candidates(sim, incident, unmet, candidates):
    CALLS["theirs"] += 1


class Ours:
    @hookimpl
    @only_for_unit_types("district_rescue_team")
    def drillsim_travel_time(self, sim, unit, origin, destination):
        CALLS["ours"] += 1


class Plain:
    @hookimpl
    def drillsim_travel_time(self, sim, unit, origin, destination):
        CALLS["plain"] += 1
"""


def test_a_run_calls_the_marked_implementations_of_its_own_unit_types(plugin_from):
    import sys

    module = plugin_from("counting", COUNTING)
    host = PluginHost(only=BUILTIN, modules={"counting": module})
    mod = sys.modules[module]
    host.pm.register(mod.Ours(), "counting_ours")
    host.pm.register(mod.Plain(), "counting_plain")
    # the M/M/c validation scenario: one force of district rescue teams, no helicopter
    scenario = load_scenario(SCENARIOS / "validation" / "mmc.yaml", host=host,
                             overrides={"run.horizon": "20h", "run.warm_up": "0min"})
    sim = Simulation(scenario, host).run()
    created = sum(1 for e in sim.log.events if e.kind == "incident_created")
    assert created > 5
    assert mod.CALLS["theirs"] == 0          # marked for helicopters: never asked
    assert mod.CALLS["ours"] == mod.CALLS["plain"] >= created   # asked as often as the plain one
    # the aviation plugin's own two, marked for helicopters, are left out of this run
    assert "aviation" not in [i.plugin_name for i in sim._filter.get_hookimpls()]
    assert "aviation" in [i.plugin_name for i in host.hook.drillsim_filter_candidates.get_hookimpls()]


def test_the_aviation_plugin_is_asked_in_a_run_with_helicopters(host):
    scenario = load_scenario(SCENARIOS / "aviation_circle.yaml", host=host)
    sim = Simulation(scenario, host)
    assert "aviation" in [i.plugin_name for i in sim._filter.get_hookimpls()]
    assert "helicopter" in {f.type.name for f in sim.forces.values()}


MARKED = """\
from drillsim.api import hookimpl, only_for_unit_types


@hookimpl
@only_for_unit_types({names})
def {hook}(sim):
    return None
"""


def _host_of_installed(monkeypatch, plugin_from, names, hook="drillsim_travel_time", only=BUILTIN):
    """A host whose installed plugins are the built-in ones (``only``: those loaded), with
    a plugin module whose ``hook`` is marked ``only_for_unit_types(names)``."""
    import drillsim.host.pluginhost as pluginhost

    installed = [ep for ep in pluginhost._entry_points() if ep.name in BUILTIN]
    monkeypatch.setattr(pluginhost, "_entry_points", lambda: installed)
    module = plugin_from("marked", MARKED.format(names=", ".join(map(repr, names)), hook=hook))
    return PluginHost(only=only, modules={"marked": module})


def test_a_mark_naming_no_unit_type_is_refused_with_the_nearest_name(monkeypatch, plugin_from):
    """'helicoptr' is no unit type: the hook would never be called in any run, a silent
    wrong result; the loaded plugins register 'helicopter' (aviation)."""
    from drillsim.host.pluginhost import PluginError

    with pytest.raises(PluginError) as caught:
        _host_of_installed(monkeypatch, plugin_from, ["helicoptr"])
    message = str(caught.value)
    assert message == ("plugin 'marked', hook drillsim_travel_time: @only_for_unit_types names "
                       "'helicoptr', which no loaded plugin registers as a unit type, so it would "
                       "never be called for it; did you mean 'helicopter'? (`drillsim plugins` "
                       "lists them)")


def test_a_mark_naming_known_unit_types_loads(monkeypatch, plugin_from):
    host = _host_of_installed(monkeypatch, plugin_from, ["helicopter", "district_rescue_team"])
    assert not [w for w in host.warnings if "only_for_unit_types" in w]


def test_with_a_plugin_left_out_an_unknown_mark_is_a_warning(monkeypatch, plugin_from):
    """With aviation left out, 'helicopter' may be its type: warned, not refused."""
    host = _host_of_installed(monkeypatch, plugin_from, ["helicopter"],
                              only=[n for n in BUILTIN if n != "aviation"])
    warned = [w for w in host.warnings if "only_for_unit_types" in w]
    assert len(warned) == 1
    assert warned[0].endswith("(or a unit type of a plugin left out: aviation)")


def test_a_mark_on_a_hook_it_does_not_apply_to_is_refused(monkeypatch, plugin_from):
    """On drillsim_event the mark would leave nothing out: the author's intent is lost."""
    from drillsim.host.pluginhost import PluginError

    with pytest.raises(PluginError, match=r"^plugin 'marked', hook drillsim_event: it is marked "
                                          r"@only_for_unit_types, .* remove the mark"):
        _host_of_installed(monkeypatch, plugin_from, ["helicopter"], hook="drillsim_event")
