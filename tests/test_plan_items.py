"""The shipped plan file lists every item of the plan (the 51 numbered rows of
docs/plan-coverage.md, ``P1``..``P51``), and the target rows that name items name them
rightly."""

from __future__ import annotations

import re
from pathlib import Path

from drillsim.scenario.planfile import load_plan

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "plans" / "tongnan-2021.yaml"
DOC = ROOT / "docs" / "plan-coverage.md"


def doc_rows() -> dict[int, str]:
    """The numbered rows of docs/plan-coverage.md: number -> the row's text."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (\d+) \|", line)
        if m:
            rows[int(m.group(1))] = line
    return rows


def test_the_plan_lists_the_51_items_of_the_coverage_table_in_order():
    plan, _doc = load_plan(PLAN)
    # 51: the review of 2026-12-06 counted 51 numbered rows (docs/plan-coverage.md)
    assert [i.id for i in plan.items] == [f"P{n}" for n in range(1, 52)]
    assert sorted(doc_rows()) == list(range(1, 52))


def test_every_item_has_its_chinese_words_and_a_plan_status():
    plan, _doc = load_plan(PLAN)
    for item in plan.items:
        assert re.search(r"[\u4e00-\u9fff]", item.title_zh), item.id
        assert item.section and item.status in ("existing_2021", "to_build_by_2025", "ongoing")


def test_an_item_no_scenario_can_score_is_named_by_no_plan_row():
    plan, _doc = load_plan(PLAN)
    not_modelled = {i.id for i in plan.items if i.not_modelled}
    named = {p for t in plan.targets for p in t.plan_items}
    assert not (not_modelled & named)
    # the plan's own stock standards name their items (III.(3).2(3))
    by_id = {t.id: t for t in plan.targets}
    assert by_id["T3"].plan_items == ["P24"] and by_id["T4"].plan_items == ["P25"]
    assert by_id["T1"].plan_items == ["P28", "P29"]
