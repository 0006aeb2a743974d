"""A third planner's reading of the shipped scenarios' reports (2026-12-08): what a
Tongnan planner reads must not contradict itself from one column to the next, and the
words of weather and hazard practice must be the right ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from drillsim.report.common import clock

ROOT = Path(__file__).resolve().parents[1]


def test_the_date_and_time_agree_with_the_offset_beside_them():
    # The Fujiang flood's timeline printed "2020-08-17 19:17 (+1d 12:18)": the time cut
    # to the minute, the offset rounded. 07:00 + 1 d 12 h 17.6 min = 19:17.6, which is
    # 19:18 to the nearest minute, as the offset says (hand calculation).
    start = dt.datetime(2020, 8, 16, 7, 0)
    assert clock(24 * 60 + 12 * 60 + 17.6, start) == "2020-08-17 19:18 (+1d 12:18)"
    # 9.62 min after 01:00 (the chlorine plume at Tianjia) is 01:10, not 01:09
    assert clock(9.62, dt.datetime(2023, 3, 15, 1, 0)) == "2023-03-15 01:10 (+00:10)"
    # below half a minute both stay
    assert clock(9.4, dt.datetime(2023, 3, 15, 1, 0)) == "2023-03-15 01:09 (+00:09)"


def test_a_wind_turning_clockwise_is_said_to_veer():
    # WMO International Meteorological Vocabulary: a wind veers when its direction
    # turns clockwise (NE 45° -> ENE 70°) and backs when it turns anticlockwise. The
    # chlorine leak's wind goes from 45° to 70° (weather list), and its description
    # said "backs".
    import yaml
    path = ROOT / "scenarios" / "chemical_park_leak.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    turns = [float(str(w["wind_from"]).removesuffix("deg")) for w in doc["hazards"][0]["params"]["weather"]]
    assert turns[:2] == [45.0, 70.0] and turns[1] > turns[0]
    text = path.read_text(encoding="utf-8")
    assert "wind veers to east-north-east" in text and "backs" not in text and "backing" not in text


def _report(tmp_path: Path, scenario: str, *extra: str) -> str:
    from click.testing import CliRunner

    from drillsim.cli.main import main
    out = tmp_path / f"{scenario}.md"
    r = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / f"{scenario}.yaml"), "-q",
                                  "--report", str(out), *extra])
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def _cells(text: str, label: str, after: str = "") -> list[str]:
    """The cells of the first table row whose first cell is ``label`` (after the line
    starting with ``after``)."""
    seen = not after
    for line in text.splitlines():
        seen = seen or line.startswith(after)
        if seen and line.startswith(f"| {label} |"):
            return [c.strip() for c in line.strip().strip("|").split("|")]
    raise AssertionError(f"no row {label!r}")


def test_a_row_measured_in_some_replications_says_in_how_many(tmp_path):
    # The Fujiang flood's helicopter is asked for in some replications only (5 % of the
    # rescue calls need one): the terminal printed "100% of 9/20" and the report "100%",
    # and the by-township table gave Mixin 57.0 min beside the row's "28.6 min at Mixin"
    # without saying that Mixin's mean is over 2 replications and the row's over 9.
    text = _report(tmp_path, "fujiang_flood_2020")
    row = _cells(text, "T6")
    n = int(row[6].split(" of ")[1].split("/")[0])
    assert row[6] == f"100% of {n}/20" and 0 < n < 20
    section = text.split("### T6:")[1].split("###")[0]
    places = [line for line in section.splitlines() if line.startswith("| ") and ("Zhen" in line or "Jiedao" in line)]
    counts = [int(p.split("(in ")[1].split(" of ")[0]) if "(in " in p else 20 for p in places]
    assert places and any("(in " in p for p in places)
    # each township measured in at most the row's replications, and every replication
    # the row measured has at least one township in it
    assert all(1 <= k <= n for k in counts) and sum(counts) >= n
    # and the row no longer reads "28.6 min at Mixin": its mean is each replication's
    # worst township averaged, Mixin's own mean (the by-township table's) is another figure
    mixin = _cells(text, "Mixin Zhen 米心镇", after="### T6:")[1].split(" [")[0]
    assert row[3].endswith(f"(the worst place varies by replication; worst on average Mixin Zhen 米心镇, {mixin})")
    # README quotes the row (its table "What a run gives"): the same figures, read the same way
    readme = next(x for x in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                  if x.startswith("| T6 helicopter"))
    k = _cells(text, "Mixin Zhen 米心镇", after="### T6:")[1].split("(in ")[1].split(" of")[0]
    assert f"≈ {round(float(row[3].split(' min')[0]))} min" in readme
    assert f"over the {n} of 20 that asked" in readme
    assert f"Mixin is worst on average, {round(float(mixin.split(' min')[0]))} min over its {k}" in readme
    assert f"90th percentile {round(float(row[4].split(' min')[0]))} min" in readme
    # T1's worst is Mixin in every replication (the river enters there): its mean is Mixin's
    t1 = _cells(text, "T1")[3]
    assert t1 == _cells(text, "Mixin Zhen 米心镇", after="### T1:")[1].split(" [")[0] + " at Mixin Zhen 米心镇"
    # a worst shared by several townships says so: all 14 listed townships hold the
    # plan's 200 (T4), and the seven the flood reaches all run out (T4-low: 0 each in the
    # by-township table; "0 people at Biekou Zhen" read as Biekou alone running out)
    assert _cells(text, "T4")[3] == "200 people at Guilin Jiedao 桂林街道 and 13 more"
    low = text.split("### T4-low:")[1].split("###")[0]
    zeros = sum(1 for line in low.splitlines() if line.startswith("| ") and "| 0 people [0, 0]" in line)
    assert zeros == 7 and _cells(text, "T4-low")[3] == f"0 people at Biekou Zhen 别口镇 and {zeros - 1} more"


def test_the_tanker_crash_names_the_road_it_closes(tmp_path):
    # RT4 read "9.31 h at g93_tanker_source": the crash point is made by the plugin
    # (<hazard>_source), no place of the region, so the report could not name it. The
    # road is the scenario's: road: {name: "G93 expressway (渝遂高速)", …}. Closed from the
    # crash to 8 h after the leak stops (reopen_after 8h): 9.31 h (558.4 min in the
    # hazard's figures), as before.
    text = _report(tmp_path, "road_tanker_leak")
    row = _cells(text, "RT4")
    assert row[3] == "9.31 h at G93 expressway (渝遂高速)"
    assert "_source" not in text
    # the timeline names the zone and counts one township as one
    assert "Warning issued (AEGL-2 zone) for 1 township: Tianjia Zhen 田家镇" in text
    # 30 t at 1 kg/s lasts 30,000 s = 500 min; the leak was stopped long before (78.4 min):
    # the figure is what the load would last, not when the tank emptied
    assert _cells(text, "the load would last, at the release rate, if not stopped")[1] == "500 min"
    # the hazard's figures give the closure in hours, as RT4 does (they had 558.4 min)
    assert _cells(text, "road closed for")[1] == "9.31 h"
    assert "tank empty after" not in text


def test_a_river_the_region_draws_no_course_of_is_named_in_words(tmp_path):
    # The flash flood's river is Shouqiao's (region file: river: pingtan, after the water
    # bureau's warning SRC_TNSLJ_20230911, 平滩河); the region draws only the Fujiang's and
    # the Qiongjiang's courses, so the timeline printed the bare id "(pingtan)".
    text = _report(tmp_path, "flash_flood", "-n", "1")
    assert "Flood warning issued for 1 township (Pingtan river)" in text
    assert "(pingtan)" not in text
    # and the hazard is named for what it is: T2 read "35 min at the pingtan flash"
    assert _cells(text, "T2")[3] == "35 min at the pingtan flash flood"


def test_a_count_of_one_is_singular_and_points_are_not_townships(tmp_path):
    from drillsim.report.common import num
    assert num(1, "points") == "1 point" and num(2, "points") == "2 points"
    assert num(1.0, "buildings") == "1 building" and num(1.5, "buildings") == "1.50 buildings"
    assert num(1, "people") == "1 person" and num(0, "people") == "0 people"
    # W1 counts waterlogging points (metric label "point"): its miss listed them "By
    # township: bridge underpass … 1 points"; the scenario has two points, each over 15 cm
    # (576 mm and 323.8 mm at the peak, the hazard's figures)
    text = _report(tmp_path, "urban_waterlogging", "-n", "1")
    line = next(x for x in text.splitlines() if x.startswith("- **W1** Waterlogging"))
    assert "By point: bridge underpass" in line and "By township" not in line
    assert line.count(" 1 point;") + line.endswith(" 1 point") == 2


def test_a_deciding_assumption_names_its_number_and_has_an_effect(tmp_path):
    # Guxi landslide (stored sensitivity scenarios/sensitivity/guxi_landslide.json):
    # L4's stored top three had the Baolong rain factor at an effect of -0.0 (float
    # noise: 33.871178 min at both ends), printed "(0.6 → 1.8): -0 min" among the three
    # that decide it most; and the storm's factor is the step of its hourly depths
    # (rainfall.step 0.5 → 1.5 h), printed as if the storm's "174 mm in 16 h" were varied.
    import json

    from drillsim.planning.stored import deciding_by_target
    from drillsim.report.common import num
    data = json.loads((ROOT / "scenarios" / "sensitivity" / "guxi_landslide.json").read_text(encoding="utf-8"))
    l4 = deciding_by_target(data, ["L4"])["L4"]
    assert [effect for _, effect in l4] == [15.0]          # +15 min (18.87 → 33.87 min)
    assert l4[0][0].endswith("(step 0.5 → 1.5 h)")
    assert num(-0.0, "min") == "0 min"
    text = _report(tmp_path, "guxi_landslide")
    assert "-0 min" not in text and "(step 0.5 → 1.5 h): +15 min" in text


def test_a_compound_scenario_titles_the_plan_rows_by_what_they_measure():
    # The flood + leak scenario renamed T3 "relocation need above township stocks" and T4
    # "largest township relocation need", titles of the rows before they became stock
    # standards; the plan file's T3 and T4 read the stock held (metric reserve_stock_held,
    # 紧急转移安置物资储备保障标准区级达到3000人、多灾易灾或偏远镇街应达到200人, III.(3).2(3)),
    # so the report said "relocation need … 3,000 people: PASS" beside 4,187 people
    # without supplies (T3-short).
    import yaml
    plan = yaml.safe_load((ROOT / "scenarios" / "plans" / "tongnan-2021.yaml").read_text(encoding="utf-8"))
    metric = {t["id"]: t["metric"] for t in plan["targets"]}
    assert metric["T3"] == metric["T4"] == "reserve_stock_held"
    for name in ("fujiang_flood_chemical_leak", "flood_landslide", "fujiang_flood_2020_two_waves"):
        doc = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
        for rid, over in ((doc.get("plan") or {}).get("overrides") or {}).items():
            if metric.get(rid) == "reserve_stock_held" and "title" in over:
                assert "stock held" in over["title"] and "need" not in over["title"], (name, rid)


def test_the_two_wave_flood_describes_both_waves():
    # Its description was the single-wave scenario's (the 17 August flood only). The
    # first wave's figures are the research notes' (tongnan.yaml, flood_2020_08.aug13,
    # SRC_XINHUA_20200813, verified): 7 townships affected, 6,658 relocated by 16:30.
    import yaml
    doc = yaml.safe_load((ROOT / "scenarios" / "fujiang_flood_2020_two_waves.yaml").read_text(encoding="utf-8"))
    text = " ".join(doc["description"].split())
    assert "13 August 2020" in text and "7 townships were affected and 6,658 people relocated by 16:30" in text
    assert "28,617 people were evacuated" in text and "both waves" in text
    observed = {o["value"] for o in doc["observed"]}
    assert 6658 in observed


def _plan_section(heading_line: int) -> str:
    lines = (ROOT / "docs" / "plan" / "tongnan-emergency-plan-2021.zh.txt").read_text(encoding="utf-8").splitlines()
    return lines[heading_line - 1]


def test_rows_quote_the_section_that_says_what_they_measure():
    # Part IV (6) of the plan (line 189-190 of the original) is the Chengdu-Chongqing
    # rescue base and the company-run team with oil/gas-chemical and water rescue
    # functions (组建一支具备油气化工和水上救援功能的社会化专业应急救援队伍): H2 scores that
    # crew. H1 scores the high-tech zone's full-time hazmat team (III.(3).1(2), line 143:
    # 推进高新区管委会组建…专职危化应急救援队伍), and C1 / RT3 the people left in a toxic
    # zone: warning (III.(2).2(2), line 121) and hazardous chemicals (III.(2).3(1), line
    # 122) or their road transport (III.(2).3(4), line 125), none of it IV.(6).
    import yaml
    assert "油气化工和水上救援" in _plan_section(190) and "预警" not in _plan_section(190)
    assert "专职危化应急救援队伍" in _plan_section(143)
    assert "危险化学品安全" in _plan_section(122) and "两客一危" in _plan_section(125)
    want = {("chemical_park_leak", "H1"): "III.(3).1(2)",
            ("fujiang_flood_chemical_leak", "H1"): "III.(3).1(2)",
            ("fujiang_flood_chemical_leak", "H2"): "III.(3).1(5), IV.(6)",
            ("chemical_park_leak", "C1"): "III.(2).2(2), III.(2).3(1)",
            ("fujiang_flood_chemical_leak", "C1"): "III.(2).2(2), III.(2).3(1)",
            ("road_tanker_leak", "RT3"): "III.(2).2(2), III.(2).3(4)"}
    for (name, rid), section in want.items():
        doc = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
        got = {t["id"]: t.get("section") for t in doc["plan"]["extra_targets"]}
        assert got[rid] == section, (name, rid, got[rid])


def test_the_information_table_gives_a_township_one_line():
    # The park leak's -v table had "Tianjia Zhen" twice: C3's plume arrival on one line,
    # C5's warning lead (label "tianjia (warned after arrival)") on another. The plume
    # reaches Tianjia 9.62 min after the release and the warning comes at 25 min (10 min
    # to the call + 15 min to warn, the scenario's detection delays): -15.4 min.
    from click.testing import CliRunner

    from drillsim.cli.main import main
    r = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / "chemical_park_leak.yaml"), "-v"],
                           env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    lines = [x for x in r.output.splitlines() if "Tianjia Zhen 田家镇" in x and "│" in x]
    assert len(lines) == 1
    cells = [c.strip() for c in lines[0].split("│")[1:-1]]
    assert cells == ["Tianjia Zhen 田家镇", "9.62 min", "-15.4 min (warned after arrival)"]


def test_the_timeline_gives_the_plume_lead_to_the_tenth_it_was_logged(tmp_path):
    # The protective action's lead is logged to 0.1 min (plugins/chemical/hazard.py:
    # round(lead, 1)); the timeline printed "plume due in 5.50 min" beside C5's 5.48 min.
    # Tai'an: the plume at 30.48 min (C3), the warning at 25 min: 5.48 -> 5.5 min.
    text = _report(tmp_path, "chemical_park_leak")
    assert "Tai'an Zhen 太安镇: shelter (2,784 people, plume due in 5.5 min)" in text
    assert "5.50 min" not in text


def test_the_evacuees_assumption_says_it_is_a_total():
    # "evacuees per township" named the 2020 total (28,617 evacuated, SRC_CQCB_20200817 in
    # tongnan.yaml: evacuated_people 28617) split by weight; the sensitivity varies that
    # total (× 0.5 to × 1.5: 14,308.5 → 42,925.5), which read as each township's number.
    import json

    import yaml
    doc = yaml.safe_load((ROOT / "scenarios" / "fujiang_flood_2020.yaml").read_text(encoding="utf-8"))
    a = next(x for x in doc["assumptions"] if x["applies_to"] == "hazards[0].params.evacuation.total_people")
    assert "total" in a["what"] and "per township" not in a["what"]
    assert doc["hazards"][0]["params"]["evacuation"]["total_people"] == 28617
    data = json.loads((ROOT / "scenarios" / "sensitivity" / "fujiang_flood_2020.json").read_text(encoding="utf-8"))
    f = next(x for x in data["factors"] if x["path"] == a["applies_to"])
    assert f["assumption"] == a["what"] and (f["low"], f["high"]) == (28617 / 2, 28617 * 1.5)


def test_coverage_holds_the_helicopter_to_the_plans_two_hours(host):
    # The plan's one response-time number is the aviation circle's 2 h (T6, III.(3).1(3),
    # IV.(7)), scored by metric response_time_by_township; coverage took only metric
    # response_time and printed "helicopters: no response-time standard in the scenario".
    from drillsim.planning.coverage import coverage, standard_for
    from drillsim.scenario.loader import load_scenario
    sc = load_scenario(ROOT / "scenarios" / "fujiang_flood_2020.yaml", host=host)
    std = standard_for(sc, "helicopters")
    assert std is not None and (std.target, std.minutes) == ("T6", 120.0)
    cov = coverage(sc, host, forces=["helicopters"])
    heli = cov.forces[0]
    assert heli.standard == std
    # the AC311 at the seat (236 km/h, scenario params: 15 min start-up, 5 min landing)
    # reaches every township well within 2 h. Wugui, the farthest township, is served by
    # the landing site nearest it, at the Wofo seat (region file), 30.3 km from the seat
    # (GeoNames seats: 0.2700° of latitude x 111.2 km and 0.0428° of longitude x 96.2 km,
    # Pythagoras): 15 + 30.3 / 236 x 60 + 5 = 27.7 min
    times = {p.id: heli.reach[p.id].response for p in cov.places if p.id in {t.id for t in sc.region.spec.townships}}
    assert len(times) == 23 and max(times.values()) < 120
    assert times["wugui"] == pytest.approx(27.7, abs=0.3)


def test_the_24_hour_fire_goal_says_the_model_stops_at_containment():
    # The research notes' standard (tongnan.yaml standards.forest_fire.extinguished_within_24h_pct:
    # > 95 %, verified_secondary, SRC_FOREST_PLAN_2016) counts fires put out; FF2 measures
    # containment_time, which comes first. The row's source must not read as if the model
    # timed the fire out.
    import yaml
    doc = yaml.safe_load((ROOT / "scenarios" / "forest_fire.yaml").read_text(encoding="utf-8"))
    ff2 = next(t for t in doc["plan"]["extra_targets"] if t["id"] == "FF2")
    assert ff2["metric"] == "containment_time" and ff2["threshold"] == "24h"
    assert "put out (扑灭) within 24 h" in ff2["source"] and "containment (控制)" in ff2["source"]


def test_t3_days_warns_that_it_can_pass_while_people_go_without(tmp_path):
    # Fujiang 2020: T3-short 4,187 people without supplies (8,587 sheltered against the
    # 4,400 the flooded townships' 7 x 200 and the district's 3,000 hold) and T3-days
    # -13,443 person-days "to spare" (27,158 person-days in shelters against the 14
    # holders' 5,800 x 7 d = 40,600): both true, and the report must say why they differ.
    text = _report(tmp_path, "fujiang_flood_2020", "-n", "1")
    assert _cells(text, "T3-short")[3] == "4,187 people" and _cells(text, "T3-days")[3] == "-13,443 person-days"
    line = next(x for x in text.splitlines() if x.startswith("- **T3-days** not a plan number"))
    assert "bedding and tents cannot" in line and "(T3-short)" in line


def test_readme_names_the_flood_assumptions_the_stored_sensitivity_ranks_highest():
    # README said "… the evacuees per township (…, R1) and Muskingum K (T1, E1)" and "36
    # numbers … 73 design points"; the stored result (scenarios/sensitivity/
    # fujiang_flood_2020.json) ranks the evacuation effort third and has 37 factors, 2 x 37
    # + 1 = 75 points one at a time.
    import json

    from drillsim.planning.stored import deciding_most
    data = json.loads((ROOT / "scenarios" / "sensitivity" / "fujiang_flood_2020.json").read_text(encoding="utf-8"))
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    top = deciding_most(data)
    assert [p.rsplit(".", 1)[-1] for p, _, _ in top] == ["relocation_share", "total_people", "rate_per_rescuer"]
    for _, _, targets in top:
        assert f"({', '.join(targets)})" in readme
    assert len(data["factors"]) == 37 and data["points"] == 2 * 37 + 1
    assert "flood's 37 numbers is 75 design points" in readme


def test_the_drill_review_names_a_missed_force_row_with_for(host):
    # The drill review wrote its improvements as the scorecards did: "D1 …: 6.67 h at
    # district team"; a force is no place. The fujiang flood's D1 is a row over forces.
    from types import SimpleNamespace

    from drillsim.drill.aar import strengths_and_improvements
    from drillsim.scenario.loader import load_scenario
    sc = load_scenario(ROOT / "scenarios" / "fujiang_flood_2020.yaml", host=host)
    row = SimpleNamespace(id="D1", title="District team (30 people): time with no crew free", status="fail",
                          mean=6.67, unit="h", comparison="<=", threshold=0.0, worst="district_team",
                          breakdown=None, n=1, statistic="max", pass_rate=0.0, source="x")
    _, better = strengths_and_improvements([row], [], acted=True, sc=sc)
    line = next(b for b in better if b.startswith("D1 "))
    assert "6.67 h for district team 区综合应急救援队 (target <= 0 h" in line


def test_one_replication_is_singular_in_the_verdict():
    # The deterministic scenarios run once (guxi_landslide: run.replications 1); the
    # verdict said "met in 0 of 1 replications".
    from click.testing import CliRunner

    from drillsim.cli.main import main
    r = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / "guxi_landslide.yaml")], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    flat = " ".join(r.output.split())
    assert "met in 0 of 1 replication" in flat and "of 1 replications" not in flat


def test_a_slide_is_not_written_as_a_flood_in_the_timeline(tmp_path):
    # The landslide logs hazard_arrival (level impact) when a slope fails; the timeline
    # wrote every such event as the flood's "flooded (water in the township)", so the
    # flood + slide scenario read "11:36 Shuangjiang Zhen: flooded" hours before the flood
    # warning, and the slide warning as "Warning issued (hazard)". Guxi: the unmonitored
    # Baolong hamlet slides at 23:50 on its 23 residents (L3), the warned Guxi slope at
    # 00:21 with its 46 residents moved out (L2: 0).
    text = _report(tmp_path, "guxi_landslide")
    timeline = text.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    assert "flooded" not in timeline
    assert ("| 2023-07-10 23:50 (+03:50) | Baolong Zhen 宝龙镇: landslide at hillside hamlet above Baolong "
            "(assumed hazard point) 宝龙镇山坡隐患点（假定） (23 people still there) |") in timeline
    assert "(0 people still there)" in timeline and "Warning issued (landslide) for slope above the city-Guxi road" in timeline


def test_the_timeline_has_the_storm_warning_and_the_road_closures(tmp_path):
    # The rows T2 (warning → onset ≥ 1 h) and W5 (street closed) score had no line in the
    # timeline. Urban waterlogging: the nowcast finds the cell 25 km away moving 30 km/h,
    # 15 min to issue (scenario): lead 25/30 x 60 - 15 = 35 min, before the run's 15:00
    # start, the onset at 15:10: issued 14:35. The underpass street is closed 70 min
    # (W5), 15:50-17:00.
    text = _report(tmp_path, "urban_waterlogging", "-n", "1")
    timeline = text.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    assert "Severe convective weather warning issued at 14:35 (强对流天气预警), 35 min before the storm's onset" in timeline
    assert "| 2023-07-18 15:10 (+00:10) | The storm's onset" in timeline
    assert "| 2023-07-18 15:50 (+00:50) | road to the north bank (bridge underpass): closed (urban waterlogging) |" in timeline
    assert "| 2023-07-18 17:00 (+02:00) | road to the north bank (bridge underpass): open again |" in timeline
