"""The after-action review grades the team's decisions: inaction earns no strengths, and
the counterfactual states the evacuation against the water as the table shows it."""

from __future__ import annotations

import pytest

from drillsim.drill import aar
from drillsim.drill.session import DrillSession

from .conftest import FLOOD, SCENARIOS

PACK = SCENARIOS / "packs" / "flood.yaml"


def test_counterfactual_states_the_evacuation_against_the_water():
    # the Zitong: baseline done 2.1 h (126 min) before the water at minute 1000,
    # the team 8.5 h (510 min) after it; 31 rescue calls instead of 8
    row = {"name": "Zitong", "first_player": 900.0, "first_baseline": 944.0, "water": 1000.0,
           "evac_player": 1510.0, "evac_baseline": 874.0, "calls_player": 31, "calls_baseline": 8}
    text = aar.sentence(row, lambda t: f"m{t:.0f}")
    assert text == ("The automatic baseline finished Zitong's evacuation 2.1 h before the water; the team "
                    "finished it 8.5 h after the water; 31 rescue calls followed instead of 8.")
    assert "before the baseline" not in text
    row.update(evac_player=None)
    assert "the team never finished it" in aar.sentence(row, str)


def test_inaction_earns_no_strength(host):
    s = DrillSession.open(PACK, seed=21, host=host)
    s.advance_to(6 * 60)
    s.command("end")
    review = aar.build(s)
    assert review.strengths == []
    assert any("no order was carried out" in x for x in review.improvements)
    assert "none credited to the team" in review.markdown


REVIEW_MSEL = """
objectives:
  - id: O1
    title: Evacuate Mixin before the water
    capability: Critical Transportation
    expect: [shelter mixin]
    by: 4h
  - id: O2
    title: Rescue the people the water cuts off
    capability: Mass Search and Rescue Operations
injects:
  - title: township report
    at: 2h
    kind: message
    township: mixin
    text: "Mixin township: water in the lower streets"
    expect: [evacuate mixin]
    objective: O1
  - id: care_home
    title: care home cut off
    at: 3h
    kind: incident
    incident_kind: flood_rescue
    place: zitong
    demand: {boats: 1}
    expect: [dispatch water_rescue to this]
    objective: O2
  - title: Yuxi asks for the evacuation order
    kind: message
    text: "Yuxi township: shall we move people?"
    unless: {action: evacuate yuxi, by: 5h}
    objective: O1
"""


def msel_pack(tmp_path):
    import shutil

    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root)
    path = root / "packs" / "flood.yaml"
    text = path.read_text(encoding="utf-8")
    text = text[:min(text.index(k) for k in ("\n# Exercise objectives", "\nobjectives:", "\ninjects:") if k in text)]
    path.write_text(text + "\n" + REVIEW_MSEL.lstrip("\n"), encoding="utf-8")
    return path


def test_information_to_decision_times_match_a_hand_worked_drill(tmp_path, host):
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(165)                       # the report reached the command at 2 h (120 min)
    assert s.command("evacuate mixin").ok   # 165 - 120 = 45 min
    s.advance_to(200)
    assert s.command("shelter mixin").ok    # objective O1's own action, due by 4 h: in time
    s.advance_to(180)                       # the care home's call is made at 3 h …
    care = next(r.incident for r in s.injects if r.inject["title"] == "care home cut off")
    while care not in s.refs:               # … and heard when the switchboard puts it through
        s.advance_to(s.now + 1)
    heard = s.heard_at[care]
    s.advance_to(heard + 20)                # dispatched 20 min after it was heard
    ref = s.refs[care]
    assert s.command(f"dispatch water_rescue-1 {ref}").ok or s.command(f"dispatch water_rescue-2 {ref}").ok
    s.advance_to(360)                       # Yuxi's call fired at 5 h (300 min): not evacuated
    assert s.command("evacuate yuxi").ok    # 360 - 300 = 60 min, 60 min after it was due
    s.command("end")
    review = aar.build(s)
    rows = {d.action: d for d in review.decisions}
    assert rows["evacuate mixin"].lag == 45.0 and rows["evacuate mixin"].status == "in time"
    assert rows["shelter mixin"].lag is None and rows["shelter mixin"].status == "in time"
    assert rows["dispatch water_rescue to this"].lag == pytest.approx(20.0)
    assert rows["evacuate yuxi"].info_t == 300.0 and rows["evacuate yuxi"].lag == 60.0
    assert rows["evacuate yuxi"].status == "late"
    results = {o["id"]: o["result"] for o in review.objectives}
    assert results == {"O1": "partly met", "O2": "met"}
    assert any("`evacuate mixin` ordered at 08-15 22:45, 45 min after the message" in x
               for x in review.strengths), review.strengths
    assert any("`evacuate yuxi` ordered at 08-16 02:00, 60 min after it was due" in x
               for x in review.improvements), review.improvements
    assert "| O1 Evacuate Mixin before the water | Critical Transportation | `evacuate mixin` |" in review.markdown
    # ordered in time, but nobody was sent to carry it out: said as well
    assert any("`evacuate mixin` was ordered at 08-15 22:45 but the evacuation never finished" in x
               for x in review.improvements), review.improvements


def test_inaction_with_an_msel_is_never_a_strength(tmp_path, host):
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(8 * 60)
    s.command("end")
    review = aar.build(s)
    assert review.strengths == []
    assert {d.status for d in review.decisions} == {"missed"}
    assert {o["result"] for o in review.objectives} == {"not met"}
    assert any("`evacuate mixin` was never ordered (prompted by 'township report'" in x
               for x in review.improvements)


def test_the_review_reports_the_clock_paused_run_and_skipped(tmp_path, host):
    wall = [0.0]
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host, clock=lambda: wall[0])
    s.set_paused(False)
    s.tick(60.0)                 # 60 s of wall time at 60x: 60 scenario minutes
    wall[0] = 100.0
    s.set_paused(True)
    wall[0] = 400.0              # 300 s paused
    s.set_paused(False)
    s.set_speed(600)
    s.tick(30.0)                 # 30 s at 600x: 300 minutes
    t0 = s.now
    s.run_until_message(limit=90)
    skipped = s.now - t0
    assert s.pace.lines() == ["scenario time run by the clock: 1.0 h at 60×, 5.0 h at 600×",
                              f"fast-forwarded (to the next message, or by the control cell): {skipped / 60:.1f} h of "
                              "scenario time in 1 skip",
                              "paused: 5.0 min of wall time in 1 pause"]


def test_the_counterfactual_text_says_what_the_table_shows(host):
    import datetime as dt
    import re

    s = DrillSession.open(PACK, seed=21, host=host)
    s.advance_to(3 * 60)
    assert s.command("evacuate mixin").ok
    s.advance_to(20 * 60)
    s.command("end")
    md = aar.build(s).markdown
    part = md[md.index("## Counterfactual by township"):md.index("## Orders and their effect")]
    year = s.start.year

    def minute(cell):  # "08-16 07:52" -> scenario minute
        when = dt.datetime.strptime(f"{year}-{cell}", "%Y-%m-%d %H:%M").replace(tzinfo=s.start.tzinfo)
        return (when - s.start).total_seconds() / 60

    rows = {}
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 10 and cells[0] not in ("township", "---"):
            rows[cells[0].rsplit(" ", 1)[0]] = cells   # "Zitong Jiedao 梓潼街道": the sentence gives the pinyin
    checked = 0
    for said in re.finditer(r"The automatic baseline finished (.+?)'s evacuation ([\d.]+) h (before|after) the "
                            r"water; the team (never finished it|finished it ([\d.]+) h (before|after) the water)"
                            r"(?:; (\d+) rescue calls followed instead of (\d+))?", part):
        row = rows[said.group(1)]
        water, evac_team, evac_base = row[5], row[6], row[7]
        gap = (minute(water) - minute(evac_base)) / 60
        assert float(said.group(2)) == pytest.approx(abs(gap), abs=0.05 + 1 / 60)
        assert said.group(3) == ("before" if gap >= 0 else "after")
        if said.group(5) is None:
            assert evac_team == "—"
        else:
            assert float(said.group(5)) == pytest.approx(abs(minute(water) - minute(evac_team)) / 60, abs=0.05 + 1 / 60)
        if said.group(7) is not None:
            assert (said.group(7), said.group(8)) == (row[8], row[9])
        checked += 1
    assert checked >= 3


def test_a_resumed_drill_reports_the_same_clock(tmp_path, host):
    wall = [1000.0]
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host, log_path=log, clock=lambda: wall[0])
    s.set_paused(False)
    s.tick(60.0)                 # 1 h at 60x
    wall[0] += 100
    s.set_paused(True)
    wall[0] += 120               # 2 min paused
    s.set_paused(False)
    s.set_speed(600)
    s.tick(12.0)                 # 2 h at 600x
    s.run_until_message(limit=90)
    s.log_clock()
    s.close()
    r = DrillSession.resume(log, s.secret, host=host)
    assert r.pace.lines() == s.pace.lines()
    assert s.pace.lines()[0] == "scenario time run by the clock: 1.0 h at 60×, 2.0 h at 600×"
    assert s.pace.lines()[2] == "paused: 2.0 min of wall time in 1 pause"


def test_a_resumed_drill_scores_the_same_decisions(tmp_path, host):
    from drillsim.drill import decisions

    log = tmp_path / "d.jsonl"
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host, log_path=log)
    s.advance_to(150)
    assert s.command("evacuate mixin").ok
    s.advance_to(250)
    s.log_clock()
    s.close()
    r = DrillSession.resume(log, s.secret, host=host)
    live = DrillSession.open(msel_pack(tmp_path / "again"), seed=21, host=host)
    live.advance_to(150)
    assert live.command("evacuate mixin").ok
    for d in (r, live):
        d.advance_to(400)
    assert decisions.score(r) == decisions.score(live)
    assert [x.status for x in decisions.score(live)].count("missed") >= 1


def _boat(s, iid):
    """A free unit that can take the call."""
    inc = s.sim.incidents[iid]
    return next(u.id for u in s.sim._unit_list if u.dispatchable and u.can_serve(inc, inc.demand))


def _heard(s, iid):
    while iid not in s.refs:
        s.advance_to(s.now + 1)
    return s.heard_at[iid]


def test_calls_heard_and_not_answered_are_named_with_their_wait(tmp_path, host):
    # Worked by hand: the flood scenario's R1 (flood_rescue, call to scene, <= 60 min) and
    # T6 (aerial_rescue, <= 2 h) are the standards. Call A (flood rescue) is dispatched
    # 75 min after it was heard: 75 > 60, listed, answered by the order. Call B (aerial
    # rescue) is never answered: it waits from when it was heard to the end of the drill.
    # The care home (flood rescue, planned at 3 h) is never answered and the drill ends
    # 65 min after it was heard: 65 > 60, listed. Nothing else was heard by then.
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(60)
    assert s.command("inject incident flood_rescue mixin boats=1 30min", controller=True).ok
    a = s.injects[-1].incident
    assert s.command("inject incident aerial_rescue zitong aerial=1 30min", controller=True).ok
    b = s.injects[-1].incident
    ha, hb = _heard(s, a), _heard(s, b)
    s.advance_to(ha + 75)
    assert s.command(f"dispatch {_boat(s, a)} {s.refs[a]}", seat="command").ok
    s.advance_to(181)
    care = next(r.incident for r in s.injects if r.inject.get("title") == "care home cut off")
    hc = _heard(s, care)
    s.advance_to(hc + 65)
    end = s.now
    s.command("end")
    from drillsim.drill.seats import Seats, default_seats

    review = aar.build(s, Seats.build(default_seats(), s.sim))
    rows = {c["ref"]: c for c in review.unanswered}
    assert set(rows) == {s.refs[a], s.refs[b], s.refs[care]}
    assert rows[s.refs[a]]["waited"] == pytest.approx(75.0) and rows[s.refs[a]]["how"] == "ordered"
    assert rows[s.refs[a]]["rule"] == "R1 ≤ 60 min"
    assert rows[s.refs[b]]["answered"] is None and rows[s.refs[b]]["waited"] == pytest.approx(end - hb)
    assert rows[s.refs[b]]["rule"] == "T6 ≤ 120 min"
    assert rows[s.refs[care]]["waited"] == pytest.approx(65.0)
    # the one player seat held every unit and gave one order; without seats, the forces
    assert rows[s.refs[care]]["who"].startswith("command (command centre: ")
    assert "gave no order" not in rows[s.refs[care]]["who"]
    # the boats not sent to call A were free at their bases when the care home's call was
    # heard (roads open): the command could send one from that minute
    watch = s.calls.verdict(care)
    assert set(watch.could.values()) == {hc}
    forces = sorted({s.sim.units[u].force.id for u in watch.could})
    assert aar.who_could_send(s, s.sim.incidents[care]) == (
        f"the command ({', '.join(forces)}), free and able to reach it at {s.clock_text(hc)[11:]}")
    assert "water_rescue" in forces  # the water rescue team's boats
    # a force seat holding the water rescue team and giving no order is named as idle
    from drillsim.drill.seats import SeatsFile, SeatSpec

    split = Seats.build(SeatsFile(seats=[SeatSpec(name="control", role="control"),
                                         SeatSpec(name="command", role="command_centre"),
                                         SeatSpec(name="water", role="force", forces=["water_rescue"])]), s.sim)
    assert "water (force: water_rescue; gave no order)" in aar.who_could_send(s, s.sim.incidents[care], split)
    assert "## Calls heard and not answered" in review.markdown
    assert f"- calls heard and not answered: 3 of {len(s.heard_at)} had no unit sent within the standard" \
        in review.markdown
    assert f"| {s.refs[care]} | flood_rescue | zitong |" in review.markdown


def test_a_call_answered_in_time_or_by_automatic_dispatch(tmp_path, host):
    # A call dispatched 20 min after it was heard is not listed (20 <= 60). A call left
    # until automatic dispatch is switched on 90 min after it was heard is listed as
    # answered by automatic dispatch after 90 min, the team's decision.
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(30)
    assert s.command("inject incident flood_rescue mixin boats=1 30min", controller=True).ok
    a = s.injects[-1].incident
    ha = _heard(s, a)
    s.advance_to(ha + 20)
    assert s.command(f"dispatch {_boat(s, a)} {s.refs[a]}").ok
    assert s.command("inject incident flood_rescue yuxi boats=1 30min", controller=True).ok
    b = s.injects[-1].incident
    hb = _heard(s, b)
    s.advance_to(hb + 90)
    assert s.command("auto on all").ok
    s.advance_to(s.now + 1)
    s.command("end")
    review = aar.build(s)
    rows = {c["ref"]: c for c in review.unanswered}
    assert s.refs[a] not in rows
    assert rows[s.refs[b]]["waited"] == pytest.approx(90.0)
    assert rows[s.refs[b]]["how"] == "automatic dispatch (switched on by the team)"


def test_targets_met_by_doing_nothing_are_marked_and_not_credited(tmp_path, host):
    # With no evacuation ordered nobody needs relocation supplies: T3-need (need beyond
    # township stocks, 0 <= 3,000) and T3-short (shortfall, 0 <= 0) pass on zero of what
    # they measure. With no dispatch, D1 (time with no district crew free, 0 h <= 0 h)
    # passes the same way. One evacuation order (and one dispatch) takes the mark away.
    s = DrillSession.open(PACK, seed=21, host=host)
    s.advance_to(6 * 60)
    s.command("end")
    review = aar.build(s)
    idle = review.idle_passes
    assert idle["T3-need"] == idle["T3-short"] == "met because nothing was done: no evacuation was ordered"
    assert idle["D1"] == "met because nothing was done: no unit of district_team was dispatched"
    assert review.strengths == []
    assert "| PASS (met because nothing was done: no evacuation was ordered) |" in review.markdown
    assert "- targets met because nothing was done (not credited): " in review.markdown
    assert all(r.status == "pass" for r in review.player_rows if r.id in idle)

    s = DrillSession.open(PACK, seed=21, host=host)
    s.advance_to(60)
    assert s.command("evacuate mixin").ok
    s.advance_to(6 * 60)
    s.command("end")
    idle = aar.build(s).idle_passes
    # evacuated, but the 376 people of Mixin relying on supplies (30 % of 1,253) got none:
    # the need and shortfall rows still pass only because nobody requested any
    assert idle["T3-short"].startswith("met only because relocation supplies were not requested")
    assert "D1" in idle  # still no unit dispatched
    s = DrillSession.open(PACK, seed=21, host=host)
    s.advance_to(60)
    assert s.command("evacuate mixin").ok
    assert s.command("supplies mixin 376").ok
    s.advance_to(6 * 60)
    s.command("end")
    idle = aar.build(s).idle_passes
    assert "T3-need" not in idle and "T3-short" not in idle
    assert "D1" in idle


def test_what_makes_a_metric_decides_the_mark_a_plugin_metric_included(host, monkeypatch):
    # The mark comes from the metric's own ``made_by``, not from a list of built-in names:
    # D1's metric (time_all_committed, "dispatch") loses the mark once it says nothing, and
    # T3-need's (reserve_need_beyond_local, "evacuation", no forces) gets the dispatch
    # reason once it says "dispatch" -- as a plugin's metric declaring it would.
    import dataclasses

    s = DrillSession.open(PACK, seed=21, host=host)
    s.advance_to(6 * 60)
    s.command("end")
    targets = {t.id: t for t in s.scenario.targets}
    d1, t3 = targets["D1"], targets["T3-need"]
    assert (d1.metric.made_by, t3.metric.made_by) == ("dispatch", "evacuation")
    rows = aar.build(s).player_rows
    monkeypatch.setattr(d1, "metric", dataclasses.replace(d1.metric, made_by=None))
    monkeypatch.setattr(t3, "metric", dataclasses.replace(t3.metric, made_by="dispatch"))
    idle = aar.met_by_inaction(s, rows)
    assert "D1" not in idle
    assert idle["T3-need"] == "met because nothing was done: no unit was dispatched"


def test_a_row_on_one_force_is_not_earned_by_sending_another(tmp_path, host):
    # D1 measures the district team only (params: {forces: [district_team]}): a boat sent
    # to a call does not take its mark away (it did: any dispatch did); a row on every
    # force's units (R1, flood rescue response) is earned by that boat
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(30)
    assert s.command("inject incident flood_rescue mixin boats=1 30min", controller=True).ok
    a = s.injects[-1].incident
    s.advance_to(_heard(s, a) + 5)
    inc = s.sim.incidents[a]
    boat = next(u.id for u in s.sim._unit_list if u.dispatchable and u.can_serve(inc, inc.demand)
                and u.force.id != "district_team")
    assert s.command(f"dispatch {boat} {s.refs[a]}").ok
    s.advance_to(6 * 60)
    s.command("end")
    review = aar.build(s)
    idle = review.idle_passes
    assert idle["D1"] == "met because nothing was done: no unit of district_team was dispatched"
    assert not any(why.endswith("no unit was dispatched") for why in idle.values())


def test_a_metric_made_by_something_else_is_refused():
    from drillsim.host.registry import Metric, RegistrationError

    metric = Metric("units_sent", "units", "units sent", lambda e, c, p: [], made_by="luck")
    with pytest.raises(RegistrationError, match="made_by must be 'evacuation', 'dispatch' or None"):
        metric.check_self()


def test_a_call_heard_less_than_its_standard_before_the_end_is_not_judged(tmp_path, host):
    # Worked by hand: a flood rescue call (R1, 60 min) heard 20 min before the drill ends,
    # still open and not answered, cannot be judged late: it is neither listed nor counted
    # in "N of M calls", and the summary says it was left out.
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(60)
    assert s.command("inject incident flood_rescue mixin boats=1 30min", controller=True).ok
    a = s.injects[-1].incident
    ha = _heard(s, a)
    s.advance_to(ha + 20)
    assert not [i for i in s.heard_at if i != a and s.sim.incidents.get(i) is not None
                and s.sim.incidents[i].demand]  # nothing else asking for units was heard
    s.command("end")
    review = aar.build(s)
    assert review.unanswered == []
    assert aar.calls_not_yet_due(s) == 1
    assert review.heard == len(s.heard_at) - 1
    assert ("(1 more heard less than its standard before the end and still open: not yet "
            "due, not counted)") in review.markdown


def test_a_row_of_one_township_or_force_is_judged_on_its_own_label(tmp_path, host):
    # Rows split by label (``ID/label`` of a ``by_label`` target) are judged each on its
    # label: evacuating Mixin does not earn Yuxi's evacuation row, a boat sent to a call
    # in Mixin does not earn Yuxi's response row, and the boat's force does not earn the
    # district team's row; a row over all townships ("district") is earned by any
    # evacuation. (Before, one evacuation or dispatch anywhere in the drill cleared every
    # row of its kind.)
    import dataclasses

    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(30)
    assert s.command("evacuate mixin").ok
    assert s.command("inject incident flood_rescue mixin boats=1 30min", controller=True).ok
    a = s.injects[-1].incident
    s.advance_to(_heard(s, a) + 5)
    inc = s.sim.incidents[a]
    boat = next(u for u in s.sim._unit_list if u.dispatchable and u.can_serve(inc, inc.demand)
                and u.force.id != "district_team")
    assert s.command(f"dispatch {boat.id} {s.refs[a]}").ok
    s.advance_to(6 * 60)
    s.command("end")
    targets = {t.id: t for t in s.scenario.targets}
    assert targets["T4-need"].metric.label == "township"   # reserve_need_by_township
    assert targets["T6"].metric.label == "township"        # response_time_by_township
    assert targets["U1"].metric.label == "force"           # peak_utilisation
    template = aar.build(s).player_rows[0]
    rows = [dataclasses.replace(template, id=i, status="pass")
            for i in ("T4-need/mixin", "T4-need/yuxi", "T4-need/district", "T6/mixin", "T6/yuxi",
                      f"U1/{boat.force.id}", "U1/district_team")]
    idle = aar.met_by_inaction(s, rows)
    assert idle == {
        "T4-need/yuxi": "met because nothing was done: no evacuation was ordered in yuxi",
        "T6/yuxi": "met because nothing was done: no unit was dispatched to yuxi",
        "U1/district_team": "met because nothing was done: no unit of district_team was dispatched",
    }


def test_a_call_no_unit_could_reach_is_not_the_teams(tmp_path, host):
    """A hidden inject cuts Shuangjiang's roads; a call for a boat comes from there and
    one from Mixin, and the team answers neither. Worked by hand: every unit with a boat
    is based outside Shuangjiang (asserted below) and travels by road, so none could
    reach the Shuangjiang call while it waited: the review lists it with why and does not
    count it against the team. The Mixin call had free boats at their bases, roads open:
    it is the team's. Before, both were the team's ("could have sent: the command (…)")."""
    from drillsim.drill import reach

    s = DrillSession.open(FLOOD, seed=21, host=host)
    s.advance_to(60)
    assert s.command("inject roadcut shuangjiang", controller=True).ok
    assert s.command("inject incident flood_rescue shuangjiang boats=1 30min", controller=True).ok
    cut = s.injects[-1].incident
    assert s.command("inject incident flood_rescue mixin boats=1 30min", controller=True).ok
    open_ = s.injects[-1].incident
    boats = [u for u in s.sim._unit_list if u.capabilities.get("boats", 0) > 0]
    assert boats and all(u.base.township != "shuangjiang" and u.mode == "road" for u in boats)
    assert any(u.dispatchable for u in boats)
    last = max(_heard(s, cut), _heard(s, open_))
    s.advance_to(last + 75)     # both waited more than R1's 60 min
    s.command("end")
    review = aar.build(s)
    rows = {c["ref"]: c for c in review.unanswered}
    assert set(rows) == {s.refs[cut], s.refs[open_]}
    blocked, team = rows[s.refs[cut]], rows[s.refs[open_]]
    assert not blocked["could_go"] and team["could_go"]
    assert blocked["who"].startswith("no unit could go while it waited: ")
    assert "could not reach it (roads cut)" in blocked["who"]
    assert team["who"].startswith("the command (") and "water_rescue" in team["who"]
    # the watch checked the Shuangjiang call from when it was heard to its standard's end
    watch = s.calls.verdict(cut)
    assert watch.until == pytest.approx(s.heard_at[cut] + 60.0) and not watch.could
    assert reach.answer_standard(s.scenario, "flood_rescue") == (60.0, "R1 ≤ 60 min")
    assert ("for 1 of them no unit could go while they waited" in review.markdown)
    blame = [b for b in review.improvements if "calls heard had no unit sent" in b]
    assert len(blame) == 1 and blame[0].startswith(f"1 of {review.heard} calls heard")
    assert s.refs[open_] in blame[0]
