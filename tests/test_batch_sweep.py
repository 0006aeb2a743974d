"""Sweep files: full-factorial expansion, explicit variants, the variant cap, and faults
reported at the line of the sweep file that caused them, before anything runs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from drillsim.batch.cost import scenario_cost
from drillsim.batch.sweep import load_sweep, variant_seed
from drillsim.cli.main import main
from drillsim.errors import ValidationFailed
from tests.batch_helpers import FACTORIAL, line_of, write_sweep
from tests.conftest import ROOT


def faults_of(path, host):
    with pytest.raises(ValidationFailed) as info:
        load_sweep(path, host)
    return sorted(set(info.value.faults))


def test_full_factorial_in_order_with_overrides_and_seeds(mini, host):
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    # 2 levels x 3 levels = 6 variants, the last factor varying fastest
    assert [v.name for v in sweep.variants] == [
        "units_a=1, turnout_b=2min", "units_a=1, turnout_b=5min", "units_a=1, turnout_b=10min",
        "units_a=2, turnout_b=2min", "units_a=2, turnout_b=5min", "units_a=2, turnout_b=10min"]
    v = sweep.variants[4]
    assert v.levels == {"units_a": "2", "turnout_b": "5min"}
    assert v.overrides == {"forces.a.units": 2, "forces.b.turnout": "5min"}
    # the override reached the resolved scenario: force a has 2 units, b turns out in 5 min
    forces = {f.id: f for f in v.scenario.forces}
    assert [u.id for u in forces["a"].units] == ["a-1", "a-2"]
    assert forces["b"].units[0].turnout == 5.0
    # common random numbers: every variant uses the scenario's base seed
    assert {x.seed for x in sweep.variants} == {7}
    assert sweep.baseline == 0 and sweep.replications == 3
    assert sweep.objective.goal == "minimize"  # target R is "<=": lower is better
    # cost: units x cost per unit = (2 + 1) x 10
    assert v.cost == 30.0 and sweep.variants[0].cost == 20.0


def test_independent_streams_give_each_variant_its_own_seed(mini, host):
    sweep = load_sweep(write_sweep(mini, FACTORIAL + "common_random_numbers: false\n"), host)
    seeds = [v.seed for v in sweep.variants]
    assert len(set(seeds)) == 6 and 7 not in seeds
    assert seeds[2] == variant_seed(7, "units_a=1, turnout_b=10min", common=False)
    assert all(0 <= s < 2 ** 63 for s in seeds)


def test_explicit_variants_levels_and_baseline(mini, host):
    path = write_sweep(mini, """\
        name: mini variants
        scenario: ../scenario.yaml
        variants:
          - {name: plan, set: {}}
          - name: second team at west
            set: {forces.b.base: west_base}
        baseline: second team at west
        objective: {measure: pass_rate, target: R}
        """)
    sweep = load_sweep(path, host)
    assert [v.name for v in sweep.variants] == ["plan", "second team at west"]
    assert sweep.baseline == 1 and sweep.objective.goal == "maximize"
    assert sweep.variants[1].scenario.forces[1].units[0].base == "west_base"
    assert sweep.replications == 4  # the scenario's run.replications


def test_factor_with_named_levels_setting_two_paths(mini, host):
    path = write_sweep(mini, """\
        name: levels
        scenario: ../scenario.yaml
        factors:
          team_b:
            levels:
              - {name: small, set: {forces.b.capabilities.people: 1, forces.b.cost: 10}}
              - {name: large, set: {forces.b.capabilities.people: 3, forces.b.cost: 25}}
        objective: {measure: targets_failed}
        """)
    sweep = load_sweep(path, host)
    assert [v.name for v in sweep.variants] == ["team_b=small", "team_b=large"]
    assert sweep.variants[1].scenario.forces[1].units[0].capabilities["people"] == 3
    assert [v.cost for v in sweep.variants] == [20.0, 35.0]


def test_bad_path_is_reported_at_its_line(mini, host):
    path = write_sweep(mini, FACTORIAL.replace("forces.b.turnout", "forces.c.turnout"))
    (fault,) = faults_of(path, host)
    assert (fault.line, fault.column) == line_of(path, "forces.c.turnout")
    assert fault.file == str(path) and fault.field == "factors.turnout_b.path"
    assert "no item with id 'c'" in fault.message


def test_bad_value_is_reported_at_the_value_not_the_scenario(mini, host):
    path = write_sweep(mini, FACTORIAL.replace("values: [1, 2]", "values: [1, 0]"))
    (fault,) = faults_of(path, host)
    assert (fault.line, fault.column) == line_of(path, "0]")
    assert fault.field == "factors.units_a.values[1]"
    assert "forces.a.units = 0" in fault.message and "must be at least 1, got 0" in fault.message


def test_unitless_duration_value_names_the_rule(mini, host):
    path = write_sweep(mini, FACTORIAL.replace("[2min, 5min, 10min]", "[2min, 5, 10min]"))
    (fault,) = faults_of(path, host)
    assert (fault.line, fault.column) == line_of(path, "5,")
    assert "needs a unit" in fault.message


def test_fault_of_a_combination_is_pinned_to_the_value_involved(mini, host):
    # each level is fine alone; 2 units with one listed base is not
    path = write_sweep(mini, """\
        name: combination
        scenario: ../scenario.yaml
        factors:
          units_a:
            path: forces.a.units
            values: [1, 2]
          where_a:
            levels:
              - {name: one_base, set: {forces.a.base: west_base}}
              - {name: listed, set: {forces.a.base: null, forces.a.bases: [west_base]}}
        objective: {measure: mean, target: R}
        """)
    (fault,) = faults_of(path, host)
    assert (fault.line, fault.column) == line_of(path, "[west_base]")
    assert fault.field == "factors.where_a.levels[1].set.forces.a.bases"
    assert "forces.a.bases = " in fault.message and "1 bases given for 2 units" in fault.message


def test_cap_on_variants(mini, host):
    path = write_sweep(mini, FACTORIAL + "max_variants: 5\n")
    (fault,) = faults_of(path, host)
    assert fault.line == line_of(path, "factors:")[0]
    assert "6 variants (2 × 3), more than max_variants = 5" in fault.message


def test_two_factors_on_one_field_clash(mini, host):
    path = write_sweep(mini, FACTORIAL.replace("forces.b.turnout", "forces[0].units"))
    (fault,) = faults_of(path, host)
    assert fault.line == line_of(path, "forces[0].units")[0]
    assert "overlaps 'forces.a.units'" in fault.message


def test_file_level_mistakes(mini, host):
    path = write_sweep(mini, """\
        name: bad
        scenario: ../../outside.yaml
        factors: {}
        objectiv: {measure: mean}
        """)
    faults = faults_of(path, host)
    messages = " | ".join(f.message for f in faults)
    assert "unknown field 'objectiv'; did you mean 'objective'?" in messages
    assert "required field is missing" in messages


def test_scenario_outside_the_folder_and_unknown_objective_target(mini, host):
    path = write_sweep(mini, FACTORIAL.replace("../scenario.yaml", "../../outside.yaml"))
    (fault,) = faults_of(path, host)
    assert fault.field == "scenario" and "outside the scenario folder" in fault.message
    path = write_sweep(mini, FACTORIAL.replace("target: R", "target: RR"), name="s2.yaml")
    (fault,) = faults_of(path, host)
    assert fault.field == "objective.target" and "did you mean 'R'?" in fault.message


def test_baseline_must_name_a_level_of_every_factor(mini, host):
    path = write_sweep(mini, FACTORIAL + "baseline: {units_a: 3, turnout_b: 5min}\n")
    (fault,) = faults_of(path, host)
    assert fault.field == "baseline.units_a" and "3 is not a level of factor 'units_a' (1, 2)" in fault.message
    path = write_sweep(mini, FACTORIAL + "baseline: {units_a: 2, turnout_b: 5min}\n", name="s2.yaml")
    assert load_sweep(path, host).baseline == 4


def test_cli_reports_faults_with_exit_2_and_runs_nothing(mini, tmp_path):
    path = write_sweep(mini, FACTORIAL.replace("values: [1, 2]", "values: [1, 0]"))
    db = tmp_path / "out.db"
    result = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 2, result.output
    line, col = line_of(path, "0]")
    assert f"{path}:{line}:{col}: factors.units_a.values[1]: forces.a.units = 0" in result.output
    assert "nothing was run" in result.output
    assert not db.exists()


def test_shipped_sweeps_load(host):
    sweep = load_sweep(ROOT / "scenarios" / "sweeps" / "flood_2020_teams_reserve.yaml", host)
    assert len(sweep.variants) == 36
    base = sweep.variants[sweep.baseline]
    assert base.levels == {"township_team_size": "20", "district_stock": "3000", "forecast_lead": "0h",
                           "water_rescue_base": "city_riverside"}
    # hand calculation: 23 township teams x 120 + (3,000 district + 14 townships x 200)
    # people of relocation supplies x 0.02
    assert base.cost == pytest.approx(23 * 120 + (3000 + 14 * 200) * 0.02)
    assert scenario_cost(base.scenario) == base.cost


def test_parsed_yaml_is_reused_but_each_caller_gets_its_own_data(tmp_path):
    from drillsim.scenario.yamlsource import load_yaml

    path = tmp_path / "a.yaml"
    path.write_text("a: {b: [1, 2]}\nc: 010\n", encoding="utf-8")
    first = load_yaml(path)
    first.data["a"]["b"].append(3)  # a variant's override changes its copy only
    second = load_yaml(path)
    assert second.data == {"a": {"b": [1, 2]}, "c": 10}
    assert second.positions[("a", "b", 1)] == (1, 12) and second.raw[("c",)] == "010"
    path.write_text("a: 1\n", encoding="utf-8")  # a changed file is parsed again
    assert load_yaml(path).data == {"a": 1}


def test_faults_of_the_base_scenario_stay_in_its_file(mini, host):
    from tests.batch_helpers import MINI_BODY

    path = write_sweep(mini, FACTORIAL, body=MINI_BODY.replace("horizon: 8h", "horizon: 8"))
    (fault,) = faults_of(path, host)
    scenario = path.parent.parent / "scenario.yaml"
    assert fault.file == str(scenario) and fault.field == "run.horizon"
    assert (fault.line, fault.column) == line_of(scenario, "8}")


def test_a_level_invalid_alone_but_valid_in_every_variant_is_accepted(mini, host):
    # a warm-up of 10 h is refused with the scenario's 8 h horizon, but every variant
    # also sets the horizon to 12 h or 24 h: what runs is valid, so the sweep is
    # (a level is loaded on its own only to pin the fault of a refused variant)
    path = write_sweep(mini, """\
        name: warm-up against horizon
        scenario: ../scenario.yaml
        factors:
          warm_up:
            path: run.warm_up
            values: [10h]
          horizon:
            path: run.horizon
            values: [12h, 24h]
        objective: {measure: mean, target: R}
        """)
    sweep = load_sweep(path, host)
    assert [(v.scenario.warm_up, v.scenario.horizon) for v in sweep.variants] == [(600.0, 720.0),
                                                                                  (600.0, 1440.0)]
