"""Targets whose result is known before any run are flagged at validate (issue 19,
class 2): a warning naming the file, line, column and the target row, exit status 0
(drillsim has no strict option; a warning never changes it). The rules follow the
scorecard's bounds: the metric's floor, 0 for a count, 100 % for a share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

CORPUS = Path(__file__).resolve().parent / "bad_inputs" / "scenarios"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "scenarios"
    shutil.copytree(CORPUS, root)
    monkeypatch.chdir(tmp_path)
    return root


# (target row as written, the warning); the row is line 6 of the plan, written "  - {row}"
ROWS = [
    ('{id: U1, title: u, metric: peak_utilisation, statistic: max, comparison: "<=", threshold: 1.0}',
     "targets[2].threshold: target 'U1' can never fail: the max of peak_utilisation is a share, "
     "never above 100 %, so '<= 1.0' always holds"),
    ('{id: U2, title: u, metric: peak_utilisation, statistic: max, comparison: ">=", threshold: 0}',
     "targets[2].threshold: target 'U2' can never fail: the max of peak_utilisation is never "
     "below 0, so '>= 0' always holds"),
    ('{id: U3, title: u, metric: peak_utilisation, statistic: mean, comparison: ">", threshold: 100%}',
     "targets[2].threshold: target 'U3' can never pass: the mean of peak_utilisation is a share, "
     "never above 100 %, so '> 100%' never holds"),
    ('{id: Q2, title: q, metric: unreached_incidents, statistic: sum, comparison: "<", threshold: 0}',
     "targets[2].threshold: target 'Q2' can never pass: the sum of unreached_incidents is never "
     "below 0, so '< 0' never holds"),
    ('{id: R2, title: r, metric: response_time, statistic: p90, comparison: "<=", threshold: -1min}',
     "targets[2].threshold: target 'R2' can never pass: the p90 of response_time is never below "
     "0 min, so '<= -1min' never holds"),
    ('{id: C2, title: c, metric: response_time, statistic: count, comparison: ">=", threshold: 0min}',
     "targets[2].threshold: target 'C2' can never fail: the count of response_time is never "
     "below 0, so '>= 0min' always holds"),
]


@pytest.mark.parametrize("row, warning", ROWS, ids=[r[0].split(",")[0][5:] for r in ROWS])
def test_a_target_that_cannot_change_is_warned(tree, row, warning):
    with open(tree / "plans" / "mini.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"  - {row}\n")
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    column = len("  - ") + row.index("threshold: ") + len("threshold: ") + 1  # 1-based
    assert warnings == [f"warning: scenarios/plans/mini.yaml:6:{column}: {warning}; check the "
                        "comparison and the threshold"]


@pytest.mark.parametrize("row", [
    '{id: U4, title: u, metric: peak_utilisation, statistic: max, comparison: "<=", threshold: 99%}',
    '{id: U5, title: u, metric: peak_utilisation, statistic: max, comparison: ">=", threshold: 100%}',
    '{id: U6, title: u, metric: peak_utilisation, statistic: sum, comparison: "<=", threshold: 1.0}',
    '{id: Q3, title: q, metric: unreached_incidents, statistic: sum, comparison: "<=", threshold: 0}',
    '{id: Q4, title: q, metric: unreached_incidents, statistic: sum, comparison: ">", threshold: 0}',
    '{id: L1, title: l, metric: warning_lead_time, statistic: min, comparison: ">=", threshold: -2h}',
])
def test_a_target_that_can_go_either_way_is_not_warned(tree, row):
    with open(tree / "plans" / "mini.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"  - {row}\n")
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml"])
    assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_an_override_that_makes_a_target_certain_is_warned_at_its_threshold(tree):
    text = (tree / "valid.yaml").read_text(encoding="utf-8")
    (tree / "valid.yaml").write_text(text.replace(
        "  file: plans/mini.yaml\n", "  file: plans/mini.yaml\n  overrides:\n    Q: {comparison: '>='}\n"),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml"])
    assert result.exit_code == 0
    assert [line for line in result.output.splitlines() if line.startswith("warning:")] == [
        "warning: scenarios/plans/mini.yaml:5:105: targets[1].threshold: target 'Q' can never fail: the "
        "sum of unreached_incidents is never below 0, so '>= 0' always holds; check the comparison and "
        "the threshold"]


# what a target's params name must be in the scenario: a misspelt force made the old-town
# fire's B1 a response time over no units (475 min, the run's end) instead of 19.3 min
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.mark.parametrize("old, new, fault", [
    ("forces: [industrial_park_station, jiangbei_station",
     "forces: [industrial_park_staton, jiangbei_station",
     "plan.extra_targets[0].params.forces[0]: target 'B1' names force 'industrial_park_staton', "
     "which this scenario does not have: the row would measure nothing of it; did you mean "
     "'industrial_park_station'?"),
    ("kinds: [building_fire], interval: dispatch_to_arrival",
     "kinds: [bulding_fire], interval: dispatch_to_arrival",
     "plan.extra_targets[0].params.kinds[0]: target 'B1' names incident kind 'bulding_fire', "
     "which this scenario does not have: the row would measure nothing of it; did you mean "
     "'building_fire'?"),
])
def test_a_target_naming_what_the_scenario_lacks_is_refused(tmp_path, monkeypatch, old, new, fault):
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    path = tmp_path / "scenarios" / "shuangjiang_oldtown_fire.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "scenarios/shuangjiang_oldtown_fire.yaml"])
    assert result.exit_code == 2
    line = next(x for x in result.output.splitlines() if "extra_targets[0]" in x)
    assert line.startswith("scenarios/shuangjiang_oldtown_fire.yaml:44:")
    assert line.split(": ", 1)[1] == fault


def test_every_shipped_target_names_what_its_scenario_has():
    from drillsim.host.pluginhost import PluginHost
    from drillsim.scenario.loader import load_scenario

    host = PluginHost()
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = load_scenario(path, host=host)
        assert not [w for w in sc.warnings if "which this scenario does not have" in w.message], path


# a time goal not shorter than the run: a fire still burning at the end counts at the horizon
# (a lower bound), so forest_fire.yaml cut to 31 min passed FF2 (contained within 24 h) with
# 0.52 h "(not contained)"; FF1 (60 min) and FF4 (2 h) likewise. 24 h = 1,440 min >= 31 min.
def test_a_time_goal_not_shorter_than_the_run_is_warned(tmp_path, monkeypatch):
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    path = tmp_path / "scenarios" / "forest_fire.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("horizon: 36h", "horizon: 31min"),
                    encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "scenarios/forest_fire.yaml"])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert [w.split("target ")[1].split(":")[0] for w in warned] == ["'FF1'", "'FF2'", "'FF4'"]
    assert ("target 'FF2': its goal '<= 24h' is not shorter than run.horizon (31 min): a fire or "
            "an incident still open at the end is only known to take longer than the run, and a "
            "row meeting the goal only so is 'not judged'; lengthen run.horizon") in warned[1]


def test_a_time_goal_shorter_than_the_run_is_not_warned(tmp_path, monkeypatch):
    monkeypatch.chdir(SCENARIOS.parent)     # 36 h against 24 h, 60 min and 2 h
    result = CliRunner().invoke(main, ["validate", "scenarios/forest_fire.yaml"])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output
