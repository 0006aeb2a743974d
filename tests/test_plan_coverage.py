"""`drillsim plan`: which scenario scores which plan item, counted by hand on a small
plan, and the shipped plan's table against docs/plan-coverage.md (they cannot drift)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.host.pluginhost import load_plugins
from drillsim.planning.plan_coverage import NO_SCENARIO_YET, plan_coverage

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "bad_inputs" / "scenarios"

PLAN = """\
name: Small plan
targets:
  - {id: R, title: response, metric: response_time, statistic: max, comparison: "<=", threshold: 30min, plan_items: [P1]}
  - {id: Q, title: unreached, metric: unreached_incidents, statistic: sum, comparison: "<=", threshold: 0, plan_items: [P2]}
  - {id: U, title: committed, metric: peak_utilisation, statistic: max, plan_items: [P3]}
  - {id: N, title: unreached at least none, metric: unreached_incidents, statistic: sum, comparison: ">=", threshold: 0, plan_items: [P4]}
items:
  - {id: P1, title: one, title_zh: 一, section: "I", status: existing_2021}
  - {id: P2, title: two, title_zh: 二, section: "II", status: to_build_by_2025}
  - {id: P3, title: three, title_zh: 三, section: "III", status: ongoing}
  - {id: P4, title: four, title_zh: 四, section: "IV", status: ongoing}
  - {id: P5, title: five, title_zh: 五, section: "V", status: ongoing, partly: "a force runs it; no row"}
  - {id: P6, title: six, title_zh: 六, section: "VI", status: ongoing, not_modelled: "administrative"}
  - {id: P7, title: seven, title_zh: 七, section: "VII", status: ongoing}
"""


def _scenario(plan_block: str) -> str:
    text = (MINI / "valid.yaml").read_text(encoding="utf-8")
    return text.replace("plan:\n  file: plans/mini.yaml\n", plan_block)


@pytest.fixture
def small(tmp_path):
    """scenarios/: a.yaml scores R and U and adds an information row X for P5; b.yaml
    scores Q and N; c.yaml is scored against another plan; a sweep and a region beside."""
    folder = tmp_path / "scenarios"
    (folder / "plans").mkdir(parents=True)
    shutil.copytree(MINI / "regions", folder / "regions")
    (folder / "plans" / "small.yaml").write_text(PLAN, encoding="utf-8")
    shutil.copy(MINI / "plans" / "mini.yaml", folder / "plans" / "other.yaml")
    (folder / "a.yaml").write_text(_scenario(
        "plan:\n  file: plans/small.yaml\n  targets: [R, U]\n  extra_targets:\n"
        "    - {id: X, title: extra, metric: peak_utilisation, statistic: max, plan_items: [P5]}\n"),
        encoding="utf-8")
    (folder / "b.yaml").write_text(_scenario("plan:\n  file: plans/small.yaml\n  targets: [Q, N]\n"),
                                   encoding="utf-8")
    (folder / "c.yaml").write_text(_scenario("plan:\n  file: plans/other.yaml\n"), encoding="utf-8")
    (folder / "sweep.yaml").write_text("scenario: a.yaml\nfactors: {}\n", encoding="utf-8")
    return folder


def test_counts_of_a_small_plan_worked_out_by_hand(small):
    cov = plan_coverage(small / "plans" / "small.yaml", load_plugins())
    by = {i.item.id: i for i in cov.items}
    # by hand: R (a, <= 30 min) can fail -> P1 scored; Q (b, sum <= 0) can fail -> P2
    # scored; U is an information row -> P3 partly; N (count >= 0) can never fail -> P4
    # partly; X is an information row and P5 says what is modelled -> partly; P6 has a
    # not_modelled reason; P7 nothing at all
    assert {k: v.status for k, v in by.items()} == {
        "P1": "scored", "P2": "scored", "P3": "partly", "P4": "partly", "P5": "partly",
        "P6": "not modelled", "P7": "not modelled"}
    assert cov.counts() == {"scored": 2, "partly": 3, "not modelled": 2}
    assert [(r.scenario, r.target) for r in by["P1"].scored_by] == [("a", "R")]
    assert [(r.scenario, r.target) for r in by["P2"].scored_by] == [("b", "Q")]
    assert by["P4"].partly_by[0].cannot_fail == "can never fail"
    assert by["P3"].reason == "information row"
    assert by["P6"].reason == "administrative" and by["P7"].reason == NO_SCENARIO_YET
    # c.yaml names another plan; the sweep is not a scenario
    assert cov.scenarios == ["a", "b"]
    assert cov.notes == ["c: scored against another plan file; left out"]


def test_the_command_prints_the_table_and_the_counts(small):
    result = CliRunner().invoke(main, ["plan", str(small / "plans" / "small.yaml")])
    assert result.exit_code == 0, result.output
    assert "7 items: 2 scored, 3 partly, 2 not modelled (2 scenarios: a, b)" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "administrative" in result.output and NO_SCENARIO_YET in result.output
    out = CliRunner().invoke(main, ["plan", str(small / "plans" / "small.yaml"), "--json", "-"])
    data = json.loads(out.output)
    assert data["counts"] == {"scored": 2, "partly": 3, "not modelled": 2}
    assert data["items"][0]["scored_by"] == [{"scenario": "a", "target": "R", "plan_number": True}]


def test_only_the_folders_given_are_read(small, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    cov = plan_coverage(small / "plans" / "small.yaml", load_plugins(), [empty])
    assert cov.counts() == {"scored": 0, "partly": 1, "not modelled": 6}


@pytest.mark.parametrize("args, message", [
    (["plan", "missing.yaml"], "missing.yaml: file not found"),
    (["plan", "scenarios/a.yaml"], "this is not a plan file"),
    (["plan", "scenarios/plans/small.yaml", "--scenarios", "nowhere"], "no such folder of scenarios"),
])
def test_bad_input_is_a_message_and_exit_2(small, monkeypatch, args, message):
    monkeypatch.chdir(small.parent)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_an_invalid_scenario_stops_the_count(small):
    (small / "b.yaml").write_text(_scenario("plan:\n  file: plans/small.yaml\n  targets: [Q, Z]\n"),
                                  encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(small / "plans" / "small.yaml")])
    assert result.exit_code == 2 and "no target 'Z' in the plan file" in result.output


# ------------------------------------------------------------ the shipped plan
MARKS = {"✅": "scored", "◐": "partly", "✗": "not modelled"}


def doc_statuses() -> dict[str, str]:
    """P-id -> status of each numbered row of docs/plan-coverage.md (its last cell)."""
    out = {}
    for line in (ROOT / "docs" / "plan-coverage.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (\d+) \|.*\| (✅|◐|✗) \|$", line)
        if m:
            out[f"P{m.group(1)}"] = MARKS[m.group(2)]
    return out


def test_the_shipped_plan_and_docs_plan_coverage_agree_row_by_row():
    cov = plan_coverage(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml", load_plugins())
    statuses = {i.item.id: i.status for i in cov.items}
    assert len(statuses) == 51
    doc = doc_statuses()
    differ = [f"P{n}: docs say {doc.get(f'P{n}')}, drillsim plan says {statuses.get(f'P{n}')}"
              for n in range(1, 52) if doc.get(f"P{n}") != statuses.get(f"P{n}")]
    assert differ == [], ("docs/plan-coverage.md disagrees with `drillsim plan "
                          "scenarios/plans/tongnan-2021.yaml`: update those rows' ✅/◐/✗, the "
                          "counts line there and README's counts")
    counts = cov.counts()
    text = (ROOT / "docs" / "plan-coverage.md").read_text(encoding="utf-8")
    assert (f"✅ {counts['scored']}, ◐ {counts['partly']}, ✗ {counts['not modelled']}**"
            in text), "update the counts line of docs/plan-coverage.md"
    assert cov.notes == []  # no item marked not_modelled is scored, no scenario left out


def test_readme_gives_the_counts_the_command_prints():
    cov = plan_coverage(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml", load_plugins())
    c = cov.counts()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (f"**51 items: {c['scored']} scored, {c['partly']} partly, {c['not modelled']} not "
            "modelled**") in readme, "update README's plan-coverage counts (drillsim plan prints them)"


def test_an_unwritable_json_path_is_refused_before_the_table(small, tmp_path):
    # like `run --json`: checked first, exit 2, no table printed and nothing written
    target = tmp_path / "missing" / "x.json"
    result = CliRunner().invoke(main, ["plan", str(small / "plans" / "small.yaml"), "--json", str(target)])
    assert result.exit_code == 2, result.output
    assert "does not exist; nothing was run" in result.output
    assert "items:" not in result.output and not target.exists()
