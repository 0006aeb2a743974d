"""A second planner's reading of the reports (2026-12-07): what a Tongnan planner reads
in ``drillsim run --report`` must carry its unit, the Chinese words of flood, fire and
hazmat practice beside the English, and the names of townships and forces rather than
the scenario's ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.report.figures import figure_row, split_unit

ROOT = Path(__file__).resolve().parents[1]


def _report(tmp_path: Path, scenario: str, *extra: str) -> str:
    out = tmp_path / f"{scenario}.md"
    r = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / f"{scenario}.yaml"), "-n", "1", "-q",
                                  "--report", str(out), *extra])
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def _cells(text: str, label: str) -> list[str]:
    """The cells of the first table row whose first cell is ``label``."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


@pytest.mark.parametrize("key, value, shown", [
    # the flash flood's rain intensity is in mm/h (the rational method's i); the old
    # table read the key's last part alone and printed "46.6 h"
    ("intensity_mm_h", 46.6, "46.6 mm/h"),
    ("released_kg", 2351.2, "2,351 kg"),
    ("release_minutes", 78.4, "78.4 min"),
    ("load_t", 30, "30 t"),
    ("needed_flow_per_building_l_s", 29.0, "29 L/s"),
    ("alpha_kw_s2", 0.0469, "0.0469 kW/s²"),    # a "fast" t² fire (NFPA 92, 1055 kW at 150 s)
    ("flashover_kw", 2840.0, "2,840 kW"),
    ("first_attack_margin", -20.2, "-20.2 min"),
    ("contained", True, "yes"),
    ("held", False, "no"),
    ("rain_total_mm", 84, "84 mm"),
])
def test_a_hazard_figure_carries_its_unit(key, value, shown):
    assert figure_row(key, value)[1] == shown


def test_unit_suffixes_longest_first():
    assert split_unit("intensity_mm_h") == ("intensity", "mm/h")
    assert split_unit("peak_travel_time_h") == ("peak_travel_time", "h")
    assert split_unit("gauge_peak_m3s") == ("gauge_peak", "m³/s")
    assert split_unit("buildings") == ("buildings", "")


def test_the_flood_report_reads_the_crest_against_the_warning_stage(tmp_path):
    """超警: the crest at Xiaoheba against its 238.0 m warning stage (the 2020 reading of
    244.3 m was 6.3 m over it, SRC_CQCB_20200817), as a Chinese flood report gives it."""
    text = _report(tmp_path, "fujiang_flood_2020", "--json", str(tmp_path / "s.json"))
    crest = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["hazards"]["fujiang_2020"][
        "gauge_peak_stage_m"]
    assert _cells(text, "warning stage of the district gauge (Xiaoheba 小河坝) (警戒水位)")[1] == "238.00 m"
    over = _cells(text, "crest above the warning stage (超警戒水位)")[1]
    assert over == f"{crest - 238.0:.2f} m"
    assert 6.3 <= crest - 238.0 < 7.0     # at or above the 2020 reading, still rising then
    assert _cells(text, "guaranteed stage (保证水位)")[1] == "not given in the scenario"
    assert _cells(text, "crest stage at the district gauge (洪峰水位)")[1] == f"{crest:.1f} m"


def test_the_chemical_report_gives_the_threat_zone_distances(tmp_path):
    """The AEGL zones' downwind reach is what the evacuation and shelter area is set by:
    the report gives it for each wind, as the model computed it (its plume_zones events)."""
    events = tmp_path / "e.jsonl"
    text = _report(tmp_path, "chemical_park_leak", "--events", str(events))
    zones = [e["details"] for e in map(json.loads, events.read_text(encoding="utf-8").splitlines())
             if e["kind"] == "plume_zones"]
    assert zones
    first = zones[0]
    aegl2_km = first["zones"]["aegl2"]["length_m"] / 1000
    rows = [ln for ln in text.splitlines() if ln.startswith("| 2023-03-15")
            and "km downwind" in ln]
    assert len(rows) == len(zones) == 2     # the wind backs after 45 min
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == "2 m/s from 45°" and cells[2] == "F"
    assert cells[4].startswith(f"{aegl2_km:.3g} km downwind")
    # chlorine's AEGL-3 (20 ppm) zone is inside its AEGL-2 (2 ppm) zone
    assert float(cells[5].split()[0]) < float(cells[4].split()[0]) < float(cells[3].split()[0])


def test_the_flood_report_names_townships_and_forces(tmp_path):
    """The timeline and the rows over forces name the township and the force as the
    region and the scenario do (English and Chinese), not by the scenario's ids."""
    text = _report(tmp_path, "fujiang_flood_2020")
    timeline = text.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    assert "Evacuation ordered: Mixin Zhen 米心镇, " in timeline
    assert "Evacuation ordered: mixin" not in timeline
    assert "Mixin Zhen 米心镇: river above warning stage (超警)" in timeline
    assert "Flood warning issued for 7 townships (Fujiang 涪江)" in timeline
    assert "short by 3,812 people in Zitong Jiedao 梓潼街道" in timeline
    d1 = _cells(text, "D1")
    assert d1[3].endswith("for district team 区综合应急救援队")  # a force, not a place (planner3)
    # the plan's status of each force: the district team exists (I.(1).4 成立一支30人的区
    # 综合应急救援队伍); the company-run water rescue team is to be built (III.(3).1(5)
    # 支持鼓励独立法人企业组建……水上应急救援队伍); Shuangjiang's station is being finished
    # (III.(3).1(1) 完成双江古镇消防救援站建设)
    assert _cells(text, "district_team")[4] == "existing (2021)"
    assert _cells(text, "water_rescue")[4] == "to build by 2025"
    assert _cells(text, "shuangjiang_station")[4] == "under construction (to finish by 2025)"
    forces = next(ln for ln in text.splitlines() if ln.startswith("- Forces counted"))
    assert "left out: tianjia station 田家化工园区消防救援站;" in forces
    assert "not yet built (the plan builds them by 2025): shuangjiang station 双江古镇消防救援站, " in forces


def test_a_missed_target_says_how_far_and_where(tmp_path):
    """T1 misses the plan's 12 h: the report says by how much on the mean and in which
    townships, worst first; the plan's own numbers come before the other goals."""
    text = _report(tmp_path, "fujiang_flood_2020", "--json", str(tmp_path / "s.json"))
    rows = {r["id"]: r for r in json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["targets"]}
    missed = text.split("## Missed targets: how far, and where", 1)[1].split("\n\n", 2)[1]
    lines = missed.splitlines()
    assert [ln.split("**")[1] for ln in lines][:2] == ["T1", "T11"]   # the plan's numbers first
    t1 = lines[0]
    lead = {b["label"]: b["mean"] for b in rows["T1"]["breakdown"]}   # hours
    worst = min(lead, key=lead.get)
    assert worst == "mixin"                                        # the wave enters at Mixin
    assert f"{12 - rows['T1']['mean']:.2f} h short on the mean" in t1
    assert f"Missing it: Mixin Zhen 米心镇 {lead['mixin']:.2f} h, {12 - lead['mixin']:.2f} h short; " in t1
    places = t1.split("Missing it: ", 1)[1].split(". Decided", 1)[0]
    assert places.count(" h short") == sum(v < 12 for v in lead.values())
    short = next(ln for ln in lines if ln.startswith("- **T3-short**"))
    assert "By township: Zitong Jiedao 梓潼街道 " in short


def test_the_verdict_lists_the_plans_numbers_first():
    """A planner answers for the plan's numbers first: a small miss of T1's 12 h ranks
    before a complete miss of a scenario's standard (a threshold of 0 made every such
    miss a 100 % gap, and the plan's misses dropped out of the three shown)."""
    from types import SimpleNamespace

    from drillsim.report.terminal import verdict_lines

    def row(rid, mean, threshold, comparison, source=None):
        return SimpleNamespace(id=rid, title=rid, status="fail", comparison=comparison, threshold=threshold,
                               mean=mean, unit="h", pass_rate=0.0, n=2, worst=None, source=source,
                               statistic="min", breakdown=None, fails_by_design=None)

    rows = [row("X1", 5.0, 0.0, "<=", "a scenario's standard"), row("X2", 9.0, 0.0, "<=", "drillsim's reading"),
            row("X3", 1.0, 0.0, "<=", "drillsim's reading"), row("T1", 11.5, 12.0, ">=")]
    outcome = SimpleNamespace(rows=rows, replications=2, scenario=SimpleNamespace(region=None, spec=None))
    from rich.console import Console

    console = Console(width=200, record=True)
    for line in verdict_lines(outcome):
        console.print(line)
    text = console.export_text()
    shown = [ln.split()[0] for ln in text.split("Worst misses:")[1].splitlines() if ln.strip()]
    assert shown[0] == "T1"
    assert "against min >= 12 h, 0.50 h short" in text


def _plan_text() -> str:
    return (ROOT / "docs" / "plan" / "tongnan-emergency-plan-2021.zh.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml"))
                         + [ROOT / "scenarios" / "regions" / "tongnan.yaml"], ids=lambda p: p.stem)
def test_the_fire_stations_chinese_names_are_the_plans(path):
    """The plan names its stations 消防救援站 (III.(3).1(1): 做大做强工业园区、江北消防救援站，
    完成双江古镇消防救援站建设，启动田家化工园区消防救援站), the name of the 2018 reform;
    the scenarios and the region wrote 工业园区消防站 … although their English said "fire
    and rescue station"."""
    import yaml

    plan = _plan_text()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [f.get("name_zh") for f in data.get("forces") or [] if f.get("type") == "fire_rescue_station"]
    names += [s.get("name_zh") for s in data.get("sites") or [] if s.get("kind") == "fire_station"]
    for name in filter(None, names):
        if "微型消防站" in name:   # a community post: the plan's 社区应急救援站（微型消防站） (II.(3).2)
            assert "微型消防站" in plan
            continue
        assert name.endswith("消防救援站"), name
        assert f"{name[:-len('消防救援站')]}" in plan, name


def test_the_drill_review_does_not_credit_supplies_nobody_requested(host):
    """In a drill the players' evacuation orders report the townships' need for relocation
    supplies and the players release them. A team that evacuates Mixin and Zitong and
    releases nothing left every evacuee relying on supplies unsupplied: the rows of the
    need beyond the township stocks, the shortfall and the person-days read 0 (nothing
    was requested, so nothing was short) and must not pass as the team's."""
    import math

    from drillsim.drill import aar
    from drillsim.drill.session import DrillSession

    s = DrillSession.open(ROOT / "scenarios" / "packs" / "flood.yaml", seed=21, host=host)
    s.advance_to(3 * 60)
    assert s.command("evacuate mixin").ok
    s.advance_to(10 * 60)
    assert s.command("evacuate zitong").ok
    s.advance_to(30 * 60)
    s.command("end")
    review = aar.build(s)
    share = next(h for h in s.scenario.hazards if h.type.name == "transit_flood").params.evacuation.relocation_share
    assert share == pytest.approx(0.30)     # the scenario's assumption
    ordered = [e.details["people"] for e in s.sim.log.events if e.kind == "evacuation_ordered"]
    need = sum(math.ceil(p * share) for p in ordered)
    for rid in ("T3-need", "T3-short", "T3-days"):
        assert review.idle_passes[rid] == (
            f"met only because relocation supplies were not requested: the townships reported {need:,} "
            "people needing them, 0 were requested")
    assert "T3" not in review.idle_passes   # the district's stock is held whatever the players do
    summary = review.markdown.split("## Summary", 1)[1].split("##", 1)[0]
    assert "targets met because nothing was done (not credited): T3-need, T3-short, T3-days" in summary
    # a missed target in the areas for improvement: how far, and where
    t1 = next(r for r in review.player_rows if r.id == "T1")
    assert t1.status == "fail" and t1.worst == "mixin"
    assert (f"T1 Flood warning lead time, worst township (below 0, warned after the water): {t1.mean:.1f} h at Mixin Zhen 米心镇 "
            f"(target >= 12 h, {12 - t1.mean:.2f} h short)") in review.improvements
    # the hidden scenario's hazard in the planner's words, not the log's keys
    hidden = review.markdown.split("## The hidden scenario", 1)[1].split("\n## ", 1)[0]
    assert "gauge_peak_stage_m" not in hidden and "crest stage at the district gauge (洪峰水位)" in hidden


def test_coverage_does_not_read_the_population_weights_as_people():
    """The region's population_weight is GeoNames' own figure, "a relative weight only, NOT
    a census count" (the region file's header): coverage shows it as a weight and says so,
    with the region's status for it."""
    r = CliRunner().invoke(main, ["coverage", str(ROOT / "scenarios" / "chemical_park_leak.yaml"),
                                  "--force", "hazmat_team", "--within", "15min"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "population weight within 15 min: " in r.output
    assert "population within" not in r.output
    assert ("population weight: the region file's population_weight of each township, a relative weight for "
            "splitting totals, not a census count (21 townships approximate)") in " ".join(r.output.split())


def test_a_rate_or_a_count_carries_what_it_counts(host):
    """K5 and K6 read per million and per 100,000 residents, as their params.per says and
    as the plan states them (年均每百万人口因自然灾害死亡率, 年均每十万人受灾人次); T3-days
    counts person-days. A bare "4,349" was all the scorecard showed."""
    from drillsim.report.common import num
    from drillsim.scenario.loader import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "qiongjiang_flood.yaml", host=host)
    targets = {t.id: t for t in sc.targets}
    label = {1_000_000: "per million", 100_000: "per 100,000"}
    for tid in ("K5", "K6"):
        t = targets[tid]
        assert t.unit == label[t.params.per]
    assert targets["T3-days"].unit == "person-days"
    assert num(4349.0, targets["K6"].unit) == "4,349 per 100,000 residents"
    assert num(0.01, targets["K5"].unit) == "0.01 per million residents"


def test_the_incident_table_gives_the_call_and_the_township_by_name(tmp_path):
    """A response counted from the call (T6, R1) needs the call's time beside the dispatch:
    an aerial request at night is dispatched at first light, hours later, and without the
    call's time the table showed a 344-min response dispatched at 06:16 and nothing else.
    The flood's evacuations are called at the order: the warning (+07:57 in the hazard
    table) plus the scenario's 1 h order delay."""
    text = _report(tmp_path, "fujiang_flood_2020")
    header = next(ln for ln in text.splitlines() if ln.startswith("| incident |"))
    assert "| call | dispatch | arrival | response (call to arrival) |" in header
    i1 = _cells(text, "I1")
    assert i1[1:3] == ["evacuation", "Mixin Zhen 米心镇"]
    assert i1[5] == "+08:57"                   # 07:57 + 1 h
    call_h, call_m = map(int, i1[5][1:].split(":"))
    arr_h, arr_m = map(int, i1[7][1:].split(":"))
    assert i1[8] == f"{(arr_h * 60 + arr_m) - (call_h * 60 + call_m)} min"


@pytest.mark.parametrize("feet, words", [
    (3.9, "hand tools can attack"), (4.1, "too intense for hand tools"), (7.9, "too intense for hand tools"),
    (8.1, "serious control problems"), (10.9, "serious control problems"), (11.1, "crowning, spotting and major runs"),
])
def test_flame_length_classes_are_the_charts(feet, words):
    """Andrews & Rothermel (1982), GTR INT-131: the suppression chart's classes at 4, 8 and
    11 ft of flame length."""
    from drillsim.report.figures import suppression_class

    assert suppression_class(feet * 0.3048).startswith(words)


def test_the_forest_fire_report_gives_spread_and_flame_length(tmp_path):
    """A fire's behaviour in the terms a forest fire commander reads: head spread in m/min
    (蔓延速度) and flame length in m (火焰长度), at each report, as the model logged them."""
    events = tmp_path / "e.jsonl"
    text = _report(tmp_path, "forest_fire", "--events", str(events))
    states = [e for e in map(json.loads, events.read_text(encoding="utf-8").splitlines())
              if e["kind"] == "fire_state"]
    assert states
    first = states[0]["details"]
    row = next(ln for ln in text.split("Fire behaviour of baolong_fire", 1)[1].splitlines()
               if ln.startswith("| 2023-"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4] == f"{first['head_ros_m_min']:.2f} m/min"
    assert cells[5] == f"{first['flame_length_m']:.2f} m"


def test_a_place_counted_to_a_bound_is_named_by_its_note():
    """M1 counts a neighbour that turned the request down to the end of the run (a bound,
    not a time): the miss names it by its note, not as 79 h over."""
    from types import SimpleNamespace

    from drillsim.report.common import misses_by_place

    row = SimpleNamespace(statistic="min", comparison="<=", threshold=4.0, unit="h", breakdown=[
        {"label": "suining_aid (turned down)", "mean": 83.3}, {"label": "ziyang_aid", "mean": 5.0}])
    sc = SimpleNamespace(region=None, spec=SimpleNamespace(forces=[
        SimpleNamespace(id="suining_aid", name="Suining mutual aid", name_zh="遂宁跨区域联动"),
        SimpleNamespace(id="ziyang_aid", name=None, name_zh=None)]))
    assert misses_by_place(sc, row) == ["Suining mutual aid 遂宁跨区域联动 (turned down)", "ziyang aid 5 h, 1 h over"]


def test_a_missed_target_names_the_assumptions_that_decide_it(tmp_path):
    """With the scenario's stored sensitivity result (scenarios/sensitivity/NAME.json, for
    this very scenario), a missed target names the three assumed values that decide it
    most, with each one's effect over its range: for T1, what to look at first."""
    stored = json.loads((ROOT / "scenarios" / "sensitivity" / "fujiang_flood_2020.json").read_text(encoding="utf-8"))
    what = {f["path"]: " ".join(f["assumption"].split()) for f in stored["factors"]}
    top = stored["targets"]["T1"]["top3"]
    effect = {e["factor"]: e["value"] for e in stored["targets"]["T1"]["effects"]}
    text = _report(tmp_path, "fujiang_flood_2020")
    t1 = next(ln for ln in text.splitlines() if ln.startswith("- **T1**"))
    named = t1.split("Decided most by these assumed values (sensitivity; a number is the target's change as "
                     "each goes from the low to the high end of its range): ", 1)[1]
    assert named.startswith(f"{what[top[0]]} (9 → 13 h): +{effect[top[0]]:.2f} h")   # Muskingum K: +3.59 h
    assert all(what[p] in named for p in top)
    # the rating curve's words cover h0 and b, each varied on its own: the number is named
    assert top[2] == "hazards[0].params.gauge.rating.b" and what[top[2]] == what["hazards[0].params.gauge.rating.h0"]
    assert f"{what[top[2]]} (b 1.5 → 2.5): {effect[top[2]]:.2f} h" in named


def test_one_assumption_over_two_numbers_is_named_by_each_number():
    """D1's two first deciders are one assumption's two numbers (rescuers per resident,
    people moved per rescuer per hour), with opposite effects: the old text named the
    assumption twice, -6.67 h and +6.30 h, and never said which number was which."""
    from drillsim.planning.stored import deciding_by_target
    stored = json.loads((ROOT / "scenarios" / "sensitivity" / "fujiang_flood_2020.json").read_text(encoding="utf-8"))
    (first, _), (second, _), _ = deciding_by_target(stored, ["D1"])["D1"]
    assert first.endswith("(rate_per_rescuer 10 → 30/h)") and second.endswith("(residents_per_rescuer 50 → 150)")
    morris = {**stored, "method": "morris"}
    assert all(effect is None for _, effect in deciding_by_target(morris, ["D1"])["D1"])


def test_the_controller_reads_the_gauge_against_its_warning_stage(host):
    """The control cell sees the gauge as a flood controller says it: above or below the
    warning stage (超警 x m; 警戒水位 238.00 m at Xiaoheba, the scenario's gauge)."""
    from drillsim.drill.session import DrillSession

    s = DrillSession.open(ROOT / "scenarios" / "packs" / "flood.yaml", seed=21, host=host)
    s.advance_to(22 * 60)
    reading = next(e.details for e in reversed(s.sim.log.events) if e.kind == "gauge_reading")
    line = s.truth()["hazard"][0]
    over = reading["stage"] - 238.0
    assert over > 0
    assert line.endswith(f"; {over:.2f} m above the warning stage (超警; 警戒水位 238.00 m)")
    s.command("end")


def test_a_model_figure_beside_a_text_observation_carries_its_unit(tmp_path):
    """The Qiongjiang's forecast crest is recorded as text (246.7-247.3 m): the model's
    crest beside it is a stage in m (its key, gauge_peak_stage_m, says so), not a bare 247.0."""
    text = _report(tmp_path, "qiongjiang_flood")
    cells = _cells(text, "forecast crest at Tai'an: 0.2-0.8 m over the 246.50 m warning stage")
    assert cells[1] == "246.7-247.3 m"
    assert cells[3].endswith(" m") and 246.7 <= float(cells[3][:-2]) <= 247.3


def test_the_verbose_information_rows_name_the_forces():
    r = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / "fujiang_flood_2020.yaml"), "-n", "1", "-v"],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    info = r.output.split("Information (mean over replications)", 1)[1].split("Assumptions", 1)[0]
    assert "│ district team 区综合应急救援队 " in info
    assert "│ district_team " not in info


def test_a_miss_of_hours_counted_in_minutes_reads_in_hours_too():
    """T6 counts minutes against the plan's 2 hours (2小时航空救援圈): a miss of 569 min
    reads 9.48 h as well."""
    from types import SimpleNamespace

    from drillsim.report.common import shortfall

    row = SimpleNamespace(mean=688.9, threshold=120.0, comparison="<=", unit="min")
    assert shortfall(row) == "568.9 min (9.48 h) over"
    row.mean = 179.0
    assert shortfall(row) == "59 min over"


def test_a_row_over_fires_names_the_fire_in_words(tmp_path):
    # FF2 and FF6 are measured per fire: the place a row names is the hazard, labelled by
    # its id (it read "1.59 h at baolong_fire", a name from the file, not for a planner)
    text = _report(tmp_path, "forest_fire")
    row = next(ln for ln in text.splitlines() if ln.startswith("| FF2 |"))
    assert "at the baolong fire" in row and "baolong_fire" not in row


def test_optimise_does_not_read_the_population_weights_as_people():
    # the region's GeoNames population weights summed over the covered townships are a
    # relative weight, not a head count (as coverage says since it was read so)
    spec = Path(__file__).resolve().parent.parent / "scenarios" / "optimise" / "flood_2020_water_rescue.yaml"
    result = CliRunner().invoke(main, ["optimise", str(spec), "--no-check"])
    assert result.exit_code == 0, result.output
    assert "population weight within 30 min" in result.stdout
    assert "people within" not in result.stdout
