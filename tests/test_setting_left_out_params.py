"""A sweep, a drill pack or an override may set a parameter inside a mapping the scenario
leaves out: a plugin's ``params:`` that the scenario does not write because every field
has its default (a plugin author's first sweep varies exactly such a parameter). The
mapping is created, and the scenario's own checks judge it at the setting's line; a
name close to one written in the file is still refused at once as a misspelling."""

from __future__ import annotations

import textwrap

import pytest

from drillsim.batch.sweep import load_sweep
from drillsim.drill.packs import check_pack
from drillsim.errors import ValidationFailed
from drillsim.host.pluginhost import PluginHost
from drillsim.scenario.loader import load_scenario
from tests.batch_helpers import MINI_BODY, line_of, write_sweep
from tests.conftest import BUILTIN

# a plugin's unit type whose params all have defaults, as a plugin author writes one
MILITIA = """\
from drillsim.api import Duration, Strict, UnitType, hookimpl


class Params(Strict):
    home_only: bool = True
    delay: Duration = 240.0


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="militia_squad", description="militia", capabilities={"people": 1},
                      vehicle="car", turnout=5.0, params_model=Params))
"""

# force c writes no params: every field is at its default
BODY = MINI_BODY.replace(
    "hazards:\n", "  - {id: c, type: militia_squad, base: east_base}\nhazards:\n")


@pytest.fixture
def host(plugin_from):
    return PluginHost(only=BUILTIN, modules={"militia": plugin_from("militia", MILITIA)})


def faults_of(call):
    with pytest.raises(ValidationFailed) as info:
        call()
    return [str(f) for f in info.value.faults]


def test_a_sweep_sets_a_param_of_a_force_that_writes_no_params(mini, host):
    path = write_sweep(mini, """\
        name: delays
        scenario: ../scenario.yaml
        objective: {measure: mean, target: R}
        variants:
          - {name: plan, set: {}}
          - {name: quick aid, set: {forces.c.params.delay: 90min}}
        """, body=BODY)
    sweep = load_sweep(path, host)
    delays = [next(f for f in v.scenario.forces if f.id == "c").params.delay for v in sweep.variants]
    assert delays == [240.0, 90.0]  # the default 4 h, then the sweep's 90 min


def test_a_value_set_in_a_left_out_mapping_is_checked_at_the_sweeps_line(mini, host):
    path = write_sweep(mini, """\
        name: delays
        scenario: ../scenario.yaml
        objective: {measure: mean, target: R}
        variants:
          - {name: plan, set: {}}
          - {name: bad, set: {forces.c.params.delay: -5min}}
          - {name: misspelt, set: {forces.c.params.dealy: 5min}}
        """, body=BODY)
    faults = faults_of(lambda: load_sweep(path, host))
    line, _ = line_of(path, "-5min")
    assert any(f.startswith(f"{path}:{line}:") and "-5min is outside the range accepted for a duration" in f
               for f in faults), faults
    line, _ = line_of(path, "dealy")
    assert any(f.startswith(f"{path}:{line}:") and "unknown field 'dealy'; did you mean 'delay'?" in f
               for f in faults), faults


def test_a_misspelt_mapping_the_file_has_is_still_told_at_once(mini, host):
    path = write_sweep(mini, """\
        name: typo
        scenario: ../scenario.yaml
        objective: {measure: mean, target: R}
        variants:
          - {name: plan, set: {}}
          - {name: bad, set: {forces.a.capabilites.people: 2}}
        """)
    faults = faults_of(lambda: load_sweep(path, host))
    assert len(faults) == 1 and faults[0].endswith(
        "'forces.a.capabilites.people': no field 'capabilites' under forces.a; did you mean 'capabilities'?"), faults


def test_a_left_out_mapping_under_a_list_item_that_is_not_there_is_refused(mini, host):
    path = write_sweep(mini, """\
        name: typo
        scenario: ../scenario.yaml
        objective: {measure: mean, target: R}
        variants:
          - {name: plan, set: {}}
          - {name: bad, set: {forces.d.params.delay: 2h}}
        """, body=BODY)
    faults = faults_of(lambda: load_sweep(path, host))
    assert len(faults) == 1 and "no item with id 'd' under forces" in faults[0], faults


def test_an_override_and_a_drill_pack_set_it_too(mini, host):
    scenario = mini(BODY)
    loaded = load_scenario(scenario, host=host, overrides={"forces.c.params.delay": "2h"})
    assert next(f for f in loaded.forces if f.id == "c").params.delay == 120.0
    pack = scenario.parent / "pack.yaml"
    pack.write_text(textwrap.dedent("""\
        name: aid drills
        scenario: scenario.yaml
        variants:
          - {name: quick aid, overrides: {forces.c.params.delay: 1h}}
          - {name: anywhere, overrides: {forces.c.params.home_only: false}}
        """), encoding="utf-8")
    check_pack(pack, host)  # raised "no field 'params' under forces.c" before
