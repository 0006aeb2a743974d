"""Registrations deferred to first use (drillsim.host.registry.Deferred): a hazard type a
scenario does not use is not imported; each resolves to the record it was registered as;
what it declares of its model's defaults is what the model says; the name checks read
the loaded types' defaults only when a name is not the scenario's own."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from drillsim.host.pluginhost import PluginError, PluginHost
from drillsim.host.registry import Deferred, HazardType, RegistrationError, Registry
from drillsim.api import default_names
from drillsim.scenario.namecheck import KnownNames

from .conftest import BUILTIN, FLOOD


def test_every_deferred_resolves_to_its_record_and_declares_its_defaults():
    host = PluginHost(only=BUILTIN)   # its own: the process's cached host may have resolved some
    deferred = {n: host.hazard_types.peek(n) for n in host.hazard_types.names()
                if isinstance(host.hazard_types.peek(n), Deferred)}
    # the hazard types drillsim's own plugins defer (all but the transit flood and the
    # incident streams, which the core scenarios use)
    assert set(deferred) >= {"building_fire", "flash_flood", "forest_fire", "landslide", "road_tanker",
                             "toxic_release", "urban_waterlogging"}
    for name, d in deferred.items():
        record = host.hazard_types[name]
        assert isinstance(record, HazardType) and record.name == name
        assert host.hazard_types.peek(name) is record   # kept once resolved
        assert (set(d.default_kinds), set(d.default_capabilities)) == default_names(record.params_model), name


def test_a_flood_run_imports_no_other_hazard_model():
    code = ("import sys\n"
            "from drillsim.host.pluginhost import load_plugins\n"
            "from drillsim.scenario.loader import load_scenario\n"
            "from drillsim.scoring.runner import run\n"
            f"host = load_plugins(only={BUILTIN!r})\n"
            f"run(load_scenario({str(FLOOD)!r}, host=host), host, replications=1)\n"
            "print(sorted(m for m in sys.modules if m.startswith('drillsim_plugins') and "
            "m.rsplit('.', 1)[-1] in ('hazard', 'flash')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _registry():
    return Registry("hazard type", kind=HazardType, error=PluginError)


def test_declared_defaults_unlike_the_model_fail_when_the_type_is_imported():
    reg = _registry()
    reg.add(Deferred("forest_fire", "drillsim_plugins.forest_fire.hazard:FOREST_FIRE",
                     default_kinds=("forest_fyre",), default_capabilities=()), "someone")
    with pytest.raises(PluginError, match=re.escape("declares default_kinds=['forest_fyre'], but its "
                                                    "params model defaults to ['forest_fire', 'forest_fire_aerial']")):
        reg["forest_fire"]


@pytest.mark.parametrize("target, message", [
    ("drillsim_plugins.no_such_module:X", "could not be loaded: ModuleNotFoundError"),
    ("drillsim_plugins.no_such_module:X", "(until it is fixed, leave the plugin out: --disable-plugin someone)"),
    ("drillsim_plugins.forest_fire.hazard:NO_SUCH", "could not be loaded: AttributeError"),
    ("drillsim_plugins.forest_fire.hazard:ForestFireParams",
     "is the class ForestFireParams, not a drillsim.api.HazardType"),
    ("drillsim_plugins.forest_fire.hazard:_FIRES", "is a WeakKeyDictionary, not a drillsim.api.HazardType"),
    ("drillsim_plugins.chemical.hazard:TOXIC_RELEASE", "is named 'toxic_release', not 'forest_fire'"),
])
def test_a_bad_deferred_fails_naming_plugin_and_target(target, message):
    reg = _registry()
    reg.add(Deferred("forest_fire", target), "someone")
    assert reg.names() == ["forest_fire"] and "forest_fire" in reg
    with pytest.raises(PluginError, match=re.escape(message)) as info:
        reg["forest_fire"]
    assert "plugin 'someone', hazard type 'forest_fire'" in str(info.value) and target in str(info.value)


@pytest.mark.parametrize("deferred", [Deferred("Fire", "a.b:C"), Deferred("fire", "a.b"),
                                      Deferred("fire", "a b:C"), Deferred("fire", ":C")])
def test_a_malformed_deferred_is_refused_at_registration(deferred):
    with pytest.raises(RegistrationError):
        deferred.check_self()


def test_known_names_reads_the_far_part_only_when_needed():
    calls = []

    def far():
        calls.append(1)
        return {"b", "c"}

    names = KnownNames({"a"}, far)
    assert "a" in names and calls == []
    assert "c" in names and "z" not in names and calls == [1]   # computed once
    assert sorted(names) == ["a", "b", "c"] and len(names) == 3
    assert {"x"} | names == {"a", "b", "c", "x"} and names == {"a", "b", "c"}
