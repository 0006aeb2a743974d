"""Invalid scenario files: one message per fault, `path:line:column: field: what`, exit 2,
and nothing run. Broken copies of the shipped flood scenario are made by replacing one
line; the expected line number is found in the broken text itself."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.errors import ValidationFailed
from drillsim.scenario.loader import load_scenario
from tests.conftest import FLOOD, SCENARIOS


@pytest.fixture
def broken(tmp_path):
    """Copy scenarios/ to tmp and return edit(old, new) -> (path, line of new)."""
    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root)
    path = root / FLOOD.name
    text = path.read_text(encoding="utf-8")

    def edit(old: str, new: str):
        assert text.count(old) == 1, old
        changed = text.replace(old, new)
        path.write_text(changed, encoding="utf-8")
        line = changed[: changed.index(new)].count("\n") + 1
        return path, line

    return edit


def messages(path, host):
    with pytest.raises(ValidationFailed) as exc:
        load_scenario(path, host=host)
    return [str(f) for f in sorted(set(exc.value.faults))]


CASES = [
    # (old, new, field, column of the value in `new`, message)
    ("  horizon: 4d", "  horizon: 96", "run.horizon", 12,
     "a duration needs a unit: write e.g. 90min, 12h, 2d, not the bare number 96"),
    ("  horizon: 4d", "  horizon: 1:30", "run.horizon", 12,
     "'1:30' looks like a clock time; write a duration with a unit (e.g. 90min, 12h, 2d: 1:30 is 90min)"),
    ("    type: water_rescue_team", "    type: water_rescue_teem", "forces[6].type", 11,
     "unknown unit type 'water_rescue_teem'; did you mean 'water_rescue_team'?"),
    ("    base: city_riverside\n    capabilities: {boats: 1, people: 4}",
     "    base: city_riversde\n    capabilities: {boats: 1, people: 4}", "forces[6].base", 11,
     "unknown place 'city_riversde': not a township or site of the region; did you mean 'city_riverside'?"),
    ("    units: 4\n    base: city_riverside\n    capabilities: {boats: 1, people: 4}",
     "    unitz: 4\n    base: city_riverside\n    capabilities: {boats: 1, people: 4}", "forces[6].unitz", 5,
     "unknown field 'unitz'; did you mean 'units'?"),
    ("        - {township: mixin, offset: -120min, flood_stage: 240.0m}",
     "        - {township: mixn, offset: -120min, flood_stage: 240.0m}",
     "hazards[0].params.townships[0].township", 22,
     "unknown township 'mixn'; did you mean 'mixin'?"),
    ("    enabled: false", "    enabled: no", "forces[3].enabled", 14,
     "expected true or false, got 'no' (YAML 1.2: write true or false; yes/no/on/off are text)"),
    ("  seed: 20200816", "  seed: twenty", "run.seed", 9, "expected a whole number, got 'twenty'"),
    ("      routing: {K: 11h, X: 0.2, dt: 1h, reaches: 6}", "      routing: {K: 11h, X: 0.2, dt: 1h, reaches: 2}",
     "hazards[0].params.routing", 16,
     # sub-reach K = 11 h / 2 = 5.5 h; 2KX = 2.2 h > 1 h; needs 2*11*0.2/1 = 4.4 -> 5 sub-reaches
     "routing step 1 h is outside the stable range 2KX <= dt <= 2K(1-X) = [2.2 h, 8.8 h] for "
     "sub-reaches of K = 5.5 h (2 sub-reach(es), X = 0.2); use at least 5 sub-reaches"),
]


CASES += [
    ("    capabilities: {boats: 1, people: 4}\n    serves: [flood_rescue]\n  - id: blue_sky",
     "    capabilities: {boats: .nan, people: 4}\n    serves: [flood_rescue]\n  - id: blue_sky",
     "forces[6].capabilities.boats", 27, "expected a finite number, got '.nan'"),
    ('start: "2020-08-16T07:00+08:00"', 'start: "2020-08-16T07:00"', "start", 8,
     "'2020-08-16T07:00' has no time zone; add it, e.g. '2020-08-16T07:00+08:00' for China Standard Time"),
    ("  horizon: 4d", "  warm_up: 5d\n  horizon: 4d", "run.warm_up", 12, "the warm-up must end before the horizon"),
    ("        - {township: qunli, offset: -71min, flood_stage: 241.5m}",
     "        - {township: qunli, offset: -71min, flood_stage: 221.5m}",
     "hazards[0].params.townships[2].flood_stage", 58,
     "the flood stage must be above the rating's zero-flow stage h0 = 228 m"),
    ("    serves: [flood_rescue]\n  - id: blue_sky", "    serves: []\n  - id: blue_sky",
     "forces[6].serves", 13, "give at least 1 item, not an empty list"),
    # a doubled letter is a typo, not a prefix: pint alone would read 4dd as 0.4 days
    # and 4hh as 400 hours (the SI uses no prefix with the day or the hour)
    ("  horizon: 4d", "  horizon: 4dd", "run.horizon", 12,
     "unknown unit 'dd' in '4dd' (a prefix such as deci- does not apply to the day); "
     "write e.g. 90min, 12h, 2d"),
    ("  horizon: 4d", "  horizon: 96hh", "run.horizon", 12,
     "unknown unit 'hh' in '96hh' (a prefix such as hecto- does not apply to the hour); "
     "write e.g. 90min, 12h, 2d"),
]


@pytest.mark.parametrize("old,new,field,column,message", CASES, ids=[c[2] for c in CASES])
def test_one_fault_located(broken, host, old, new, field, column, message):
    path, line = broken(old, new)
    assert messages(path, host) == [f"{path}:{line}:{column}: {field}: {message}"]


def test_duplicate_key_and_unknown_target_reported_together(broken, host):
    path, _ = broken("  seed: 20200816\n", "  seed: 20200816\n  seed: 7\n")
    text = path.read_text()
    text = text.replace("targets: [T1, T3,", "targets: [T9, T3,")
    path.write_text(text)
    out = messages(path, host)
    seed_line = text.splitlines().index("  seed: 7") + 1
    assert out == [f"{path}:{seed_line}:3: run.seed: duplicate key 'seed' (first given on line {seed_line - 1})"]


def test_several_faults_at_once(broken, host):
    path, _ = broken("    type: water_rescue_team", "    type: boat_team")
    text = path.read_text().replace("    base: aviation_centre", "    base: nowhere")
    path.write_text(text)
    out = messages(path, host)
    assert len(out) == 2
    assert "forces[6].type: unknown unit type 'boat_team'" in out[0]
    assert "forces[9].base: unknown place 'nowhere'" in out[1]


def test_region_file_fault_names_the_region_file(broken, host, tmp_path):
    path, _ = broken("  horizon: 4d", "  horizon: 4d")
    region = tmp_path / "scenarios" / "regions" / "tongnan.yaml"
    text = region.read_text().replace("      speed: 35km/h", "      speed: 35")
    region.write_text(text)
    out = messages(path, host)
    line = text.splitlines().index("      speed: 35") + 1
    assert out == [f"{region}:{line}:14: travel.vehicles.boat_trailer.speed: "
                   "a speed needs a unit: write e.g. 40km/h, 7m/s, not the bare number 35"]


def test_references_may_not_leave_the_scenario_folder(broken, host):
    path, line = broken("region: regions/tongnan.yaml", "region: ../../../etc/passwd")
    out = messages(path, host)
    assert len(out) == 1 and out[0].startswith(f"{path}:{line}:9: region: '../../../etc/passwd' points outside")


def test_cli_validate_exit_codes(broken, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(FLOOD)])
    assert ok.exit_code == 0, ok.output
    assert "valid" in ok.output
    path, line = broken("  horizon: 4d", "  horizon: 96")
    bad = runner.invoke(main, ["validate", str(path)])
    assert bad.exit_code == 2
    assert f"{path}:{line}:12: run.horizon:" in bad.output
    assert "Traceback" not in bad.output
    bad_run = runner.invoke(main, ["run", str(path), "--json", str(tmp_path / "x.json")])
    assert bad_run.exit_code == 2
    assert not (tmp_path / "x.json").exists()


def test_duplicate_reserve_and_zero_pass_rate(broken, host, tmp_path):
    path, _ = broken("    plan_ref: T3, T4\n", "    plan_ref: T3, T4\n  - {id: relocation_supplies, district: 1}\n")
    plan = tmp_path / "scenarios" / "plans" / "tongnan-2021.yaml"
    plan.write_text(plan.read_text().replace("required_pass_rate: 90%", "required_pass_rate: 0%"))
    out = messages(path, host)   # faults in two files, reported together
    assert len(out) == 2
    assert out[0].endswith("reserves[1].id: id 'relocation_supplies' is used twice in reserves (first at reserves[0])")
    assert out[1].endswith("tongnan-2021.yaml:11:21: required_pass_rate: a required pass rate of 0% would "
                           "pass every row; give more than 0%")


def test_road_graph_must_stay_in_the_scenario_folder(broken, host, tmp_path):
    path, _ = broken("  horizon: 4d", "  horizon: 4d")
    region = tmp_path / "scenarios" / "regions" / "tongnan.yaml"
    region.write_text(region.read_text().replace("travel:\n", "travel:\n  road_graph: /etc/passwd\n"))
    out = messages(path, host)
    assert len(out) == 1 and "travel.road_graph: '/etc/passwd': give a path relative to this file" in out[0]


def test_warning_when_no_force_can_answer_a_demand(broken, host):
    path, _ = broken("        demand: {boats: 1}", "        demand: {boatz: 1}")
    sc = load_scenario(path, host=host)
    assert [str(w).split(": ", 1)[1] for w in sc.warnings] == [
        "hazards[0].params.rescue_calls.demand: no force in this scenario brings 'boatz' to "
        "'flood_rescue' incidents: they will wait unanswered"]
