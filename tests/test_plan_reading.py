"""A planner's reading of what drillsim says about the Tongnan plan (重庆市潼南区应急管理
“十四五”规划, 2021-12-06): a goal the plan does not set is never shown as the plan's.

The numbers the plan itself sets, as read in the Chinese original (section numbers as in
scenarios/plans/tongnan-2021.yaml), are listed here by hand: every shipped scenario's
scored row without a ``source`` must be one of them, with the plan's value; every other
scored row names where its goal comes from, and the reports mark it and count it apart.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from drillsim.report.common import goal_split, goal_text
from drillsim.report.terminal import verdict_lines
from drillsim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

#: target id -> (comparison, threshold in internal units: minutes, people, shares 0-1),
#: each a number written in the plan:
PLAN_NUMBERS = {
    "T1": (">=", 12 * 60),   # III.(2).2(2) 提前12小时发布超警以上量级洪水信息
    "T2": (">=", 60),        # III.(2).2(2), III.(2).4(5) 强对流天气预警时间提前到1小时以上
    "T3": (">=", 3000),      # III.(3).2(3) 紧急转移安置物资储备保障标准区级达到3000人
    "T4": (">=", 200),       # III.(3).2(3) 多灾易灾或偏远镇街应达到200人
    "T6": ("<=", 120),       # III.(3).1(3), IV.(7) 成渝地区“2小时航空救援圈”
    "FF4": ("<=", 120),      # the same circle, served by the forest aviation station (IV.(7))
    "T7": (">=", 15),        # III.(2).4(3) 全区建立不低于15人的森林消防专业队伍
    "T11": (">=", 0.9),      # III.(2).2(1) 主要河流防洪视频监测率达90%
}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_goal_without_a_source_is_a_number_the_plan_sets(path, host):
    sc = load_scenario(path, host=host)
    for t in sc.targets:
        if t.comparison is None or t.source:
            continue
        assert t.id in PLAN_NUMBERS, (
            f"{path.name} {t.id}: goal {t.comparison} {t.threshold} shown as the plan's, "
            "but the plan sets no such number: give the row a source")
        comparison, value = PLAN_NUMBERS[t.id]
        assert t.comparison == comparison and t.threshold == pytest.approx(value), t.id
    for t in sc.targets:  # a goal not the plan's does not open its source as if it were
        if t.comparison is not None and t.source:
            assert not t.source.lower().startswith("plan"), (path.name, t.id, t.source[:60])


def _row(rid, status, source=None, comparison="<="):
    return SimpleNamespace(id=rid, title=f"title {rid}", status=status, mean=1.0, threshold=0.0,
                           pass_rate=1.0 if status == "pass" else 0.0, n=2, unit="min",
                           statistic="max", comparison=comparison, worst=None, source=source)


def test_reports_count_a_scenario_standard_apart_from_the_plan():
    rows = [_row("T1", "fail"), _row("T3", "pass"),
            _row("D1", "fail", source="no plan number: the scenario's standard"),
            _row("R1", "pass", source="no plan number"),
            _row("U1", "info", comparison=None)]
    assert goal_text(rows[0]) == "max <= 0 min"
    assert goal_text(rows[2]) == "max <= 0 min (not a plan number)"
    assert goal_text(rows[4]) == "(information)"
    assert goal_split(rows) == ("the plan's own numbers: 1 of 2 met (missed T1); "
                                "not plan numbers: 1 of 2 met (missed D1)")
    outcome = SimpleNamespace(rows=rows, replications=2, scenario=SimpleNamespace(region=None))
    head, apart = verdict_lines(outcome)[:2]
    assert head.plain == "Verdict: 2 of 4 targets met, 2 missed (T1, D1)."
    assert [c.plain for c in apart.columns[1].cells] == [
        ("Of these, the plan's own numbers: 1 of 2 met (missed T1); not plan numbers: 1 of 2 "
         "met (missed D1).")]
    # every goal the plan's: nothing to tell apart, the verdict as before
    assert goal_split(rows[:2]) is None
    # none the plan's (the old-town fire: five national or scenario standards)
    assert goal_split(rows[2:]) == ("none is a number the plan sets: both are a scenario's "
                                    "standard or drillsim's reading")


def test_the_flood_report_marks_and_sources_the_goals_the_plan_does_not_set(tmp_path):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    report = tmp_path / "r.md"
    result = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / "fujiang_flood_2020.yaml"),
                                       "-n", "1", "-q", "--report", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    line = {ln.split("|")[1].strip(): ln for ln in text.splitlines() if ln.startswith("| ")}
    # T1 (12 h) and T3 (3,000 people) are the plan's numbers; E1 (margin >= 0) and D1 (a
    # crew always free) are not, and say whose they are
    assert "(not a plan number)" not in line["T1"] and "(not a plan number)" not in line["T3"]
    assert "(not a plan number)" in line["E1"] and "(not a plan number)" in line["D1"]
    assert "- **D1** no plan number: the scenario's standard" in text
    assert "- Goals: the plan's own numbers: " in text
    import json

    out = tmp_path / "s.json"
    result = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / "fujiang_flood_2020.yaml"),
                                       "-n", "1", "-q", "--json", str(out)])
    assert result.exit_code == 0, result.output
    goals = json.loads(out.read_text(encoding="utf-8"))["goals"]
    assert goals["plan_numbers"] == ["T1", "T3", "T4", "T6", "T11"]
    assert {"T3-short", "E1", "R1", "D1", "K6"} <= set(goals["not_plan_numbers"])


def test_the_12_hour_flood_warning_is_the_plans_only_on_its_two_rivers(host):
    # 提前12小时发布超警以上量级洪水信息 follows 涪琼两江联防联控 (III.(2).2(2)): the
    # flash flood on the Pingtan, a small river, applies it as the scenario's standard
    sc = load_scenario(ROOT / "scenarios" / "flash_flood.yaml", host=host)
    t1 = next(t for t in sc.targets if t.id == "T1")
    assert t1.source and "not a plan number" in t1.source


def test_coverage_tells_items_scored_against_the_plans_own_numbers(host):
    from drillsim.planning.plan_coverage import plan_coverage

    cov = plan_coverage(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml", host)
    against = {i.item.id for i in cov.items if i.against_plan_number}
    # worked out from PLAN_NUMBERS and the items their rows name: T7 P6; T6 P20, P22,
    # P23; FF4 P21; T3 P24; T4 P25; T1 P28, P29 (Fujiang) and P35 (Qiongjiang); T2 P30;
    # T11 P33
    assert against == {"P6", "P20", "P21", "P22", "P23", "P24", "P25", "P28", "P29", "P30",
                       "P33", "P35"}
    scored = {i.item.id for i in cov.items if i.status == "scored"}
    doc = (ROOT / "docs" / "plan-coverage.md").read_text(encoding="utf-8")
    assert (f"Of the {len(scored)}, only {len(against)} have a" in doc
            and f"{len(scored) - len(against)} are scored only" in doc)
    assert ", ".join(sorted(scored - against, key=lambda p: int(p[1:]))) + "." in \
        " ".join(doc.split())


# ---------------------------------------------------------------- the plan's own words
#: the Chinese original, as issued (docs/plan/; a government document of an
#: administrative nature, outside copyright under Art. 5 of the PRC Copyright Law)
PLAN_TEXT = ROOT / "docs" / "plan" / "tongnan-emergency-plan-2021.zh.txt"
#: a run of the plan's words: Chinese characters, digits and the punctuation inside a
#: clause; ；。…… and Latin text end a run (drillsim joins separate quotes with ；, ……)
_RUN = re.compile(r"[\u4e00-\u9fff“”（）、，：《》0-9%.]+")


def _plan_words() -> str:
    text = re.sub(r"\[bookmark: [^\]]*\]", "", PLAN_TEXT.read_text(encoding="utf-8"))
    return re.sub(r"\s+", "", text)


def _quoted(text: str) -> list[str]:
    """The runs of ``text`` of at least four Chinese characters, trimmed of end commas."""
    runs = (r.strip("，、：") for r in _RUN.findall(text))
    return [r for r in runs if len(re.findall(r"[\u4e00-\u9fff]", r)) >= 4]


def _plan_notes():
    """(where, the leading quote) of every target note that opens with the plan's words
    before its first ``:`` (the plan file's and the shipped scenarios' rows)."""
    from drillsim.scenario.yamlsource import load_yaml

    docs = [("plan", load_yaml(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml").data["targets"])]
    for path in SCENARIOS:
        plan = load_yaml(path).data.get("plan") or {}
        rows = list(plan.get("extra_targets") or []) + [
            dict(o, id=k) for k, o in (plan.get("overrides") or {}).items()]
        docs.append((path.stem, rows))
    for where, rows in docs:
        for t in rows:
            note = t.get("note") or ""
            if re.match(r"[\u4e00-\u9fff]", note):
                yield f"{where} {t['id']}", note.split(":", 1)[0]


def test_the_items_chinese_words_are_the_plans_as_written():
    from drillsim.scenario.planfile import load_plan

    words = _plan_words()
    plan, _doc = load_plan(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml")
    for item in plan.items:
        quoted = _quoted(item.title_zh)
        assert quoted, item.id
        for run in quoted:
            assert run in words, f"{item.id}: {run!r} is not in the plan as written"


def test_a_note_opening_with_the_plans_words_quotes_them():
    words = _plan_words()
    notes = list(_plan_notes())
    assert len(notes) >= 10  # T1-T6, T11, K5, K6 at least
    for where, quote in notes:
        for run in _quoted(quote):
            assert run in words, f"{where}: {run!r} is not in the plan as written"


def test_a_unit_types_plan_reference_is_the_plan_files_force_and_section(host):
    """The forces table of a report shows each unit type's ``plan_ref`` (``F11 I.(1).4,
    …``): it must cite the force with the sections the plan file gives it."""
    from drillsim.scenario.planfile import load_plan

    plan, _doc = load_plan(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml")
    sections = {f.id: f.section for f in plan.forces}
    cited = 0
    for name in host.unit_types.names():
        ref = host.unit_types[name].plan_ref or ""
        m = re.match(r"(F\d+) (.+)$", ref)
        if m:
            cited += 1
            assert m.group(2) == sections[m.group(1)], (name, ref)
    assert cited >= 10  # F1-F9, F11 (F10, the joint military-civil team, has no model)


# ---------------------------------------------------------------- the plan's forces
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_forces_have_the_plans_sizes(path, host):
    """Where a scenario has them, the forces are as large as the plan says (the sizes it
    gives; the rest is assumed and listed): F2 the district team, 30 people
    (成立一支30人的区应急局直属的区综合应急救援队伍, I.(1).4); F3 a team in each of the
    23 townships (23个镇街相应建立专职综合应急救援队, I.(1).4; 3 街道 + 20 镇, codes
    500152001-500152023; a scenario may send only some, naming them); F5 the forest team, at least 15 (不低于15人, III.(2).4(3))."""
    sc = load_scenario(path, host=host)
    codes = sorted(t.code for t in sc.region.spec.townships)
    assert codes == [f"5001520{n:02d}" for n in range(1, 24)]
    for f in sc.forces:
        people = sum(u.capabilities.get("people", 0) for u in f.units)
        ref = f.spec.plan_ref
        if ref == "F2":
            assert people == 30, f.id
        elif ref == "F3":  # one team a township: all 23 unless the scenario names those sent
            bases = [u.base for u in f.units]
            assert len(set(bases)) == len(bases), f.id
            assert len(bases) == len(getattr(f.spec, "townships", None) or codes), f.id
        elif ref == "F5":
            assert people >= 15, f.id


def test_the_drill_review_marks_the_goals_the_plan_does_not_set(host):
    from drillsim.drill import aar
    from drillsim.drill.session import DrillSession

    s = DrillSession.open(ROOT / "scenarios" / "packs" / "flood.yaml", seed=21, host=host)
    s.advance_to(60)
    s.command("end")
    md = aar.build(s).markdown
    part = md[md.index("## Scorecard: the players against the plan"):]
    line = {ln.split("|")[1].strip().split(" ")[0]: ln for ln in part.splitlines()
            if ln.startswith("| ") and not ln.startswith("| target")}
    assert "(not a plan number)" not in line["T1"]        # the plan's 12 h
    assert "<= 0 people (not a plan number)" in line["T3-short"]


def test_the_example_packages_region_is_the_shipped_one():
    """The ambulance example ships a copy of the Tongnan region (without the schema line):
    what the region says of the plan (the aviation centre to be built, the linkage
    mechanism) must not drift between the two."""
    shipped = (ROOT / "scenarios" / "regions" / "tongnan.yaml").read_text(encoding="utf-8")
    copy = ROOT / "examples" / "drillsim-ambulance" / "scenarios" / "regions" / "tongnan.yaml"
    assert copy.read_text(encoding="utf-8") == shipped.split("\n", 1)[1]


@pytest.mark.parametrize("path", [ROOT / "scenarios" / "regions" / "tongnan.yaml", *SCENARIOS],
                         ids=lambda p: p.stem)
def test_every_source_a_file_cites_it_names(path):
    """A value's status is only as good as its source: every SRC_ id a region or scenario
    file cites (in a note, a reason, an observation) is listed under its ``sources:``."""
    import yaml

    text = path.read_text(encoding="utf-8")
    listed = set((yaml.safe_load(text) or {}).get("sources") or {})
    assert set(re.findall(r"SRC_[A-Z0-9_]+", text)) <= listed


def test_the_goal_split_adds_up_to_the_verdict_with_rows_not_judged():
    """The forest fire cut at 1 h: FF2 and FF5 (not plan numbers) not judged. The verdict
    counts 4 of 6 targets met; the split must cover the same 6: the plan's 2 of 2, not
    plan numbers 2 of 4 (FF1, FF6 met; FF2, FF5 not judged), 2 + 4 = 6."""
    std = "national forest fire prevention plan"
    rows = [_row("FF1", "pass", source=std), _row("T7", "pass"),
            _row("FF2", "not judged", source=std), _row("FF5", "not judged", source=std),
            _row("FF6", "pass", source=std), _row("FF4", "pass"), _row("X1", "not measured"),
            _row("FF3", "info", comparison=None, source=std)]
    assert goal_split(rows) == ("the plan's own numbers: 2 of 3 met (not measured X1); "
                                "not plan numbers: 2 of 4 met (not judged FF2, FF5)")
    outcome = SimpleNamespace(rows=rows, replications=1, scenario=SimpleNamespace(region=None))
    head, apart = verdict_lines(outcome)[:2]
    assert head.plain == ("Verdict: 4 of 7 targets met, 0 missed, 1 not measured (X1), 2 not "
                          "judged: the run ended first (FF2, FF5).")
    assert [c.plain for c in apart.columns[1].cells] == [
        "Of these, the plan's own numbers: 2 of 3 met (not measured X1); not plan numbers: 2 of 4 "
        "met (not judged FF2, FF5)."]
