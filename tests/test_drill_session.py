"""Drill sessions: packs, orders (carried out or refused without change), reporters,
player mode without automatic decisions, injects, and the engine's new orders."""

from __future__ import annotations

import json
import math

import pytest

from drillsim.drill import packs
from drillsim.drill.drilllog import read_records
from drillsim.drill.packs import draw
from drillsim.drill.session import DrillSession
from drillsim.errors import ValidationFailed
from drillsim.host.pluginhost import load_plugins

from .conftest import FLOOD, SCENARIOS

PACK = SCENARIOS / "packs" / "flood.yaml"
KM_01_DEG = 11.119508  # 0.1 degree of longitude on the equator, km (conftest MINI_REGION)


def session(tmp_path=None, seed=11, source=FLOOD, **kw):
    log = None if tmp_path is None else tmp_path / "drill.jsonl"
    return DrillSession.open(source, seed=seed, log_path=log, **kw)


# ------------------------------------------------------------------ packs
def test_pack_draw_is_reproducible_and_varies():
    a, b = draw(PACK, 5), draw(PACK, 5)
    assert a.to_dict() == b.to_dict()
    draws = [draw(PACK, s) for s in range(12)]
    assert len({d.variant for d in draws}) > 1
    peaks = [packs.split_quantity(d.choices["hazards.fujiang_2020.params.upstream.hydrograph.peak"])
             for d in draws]
    assert all(17000 <= v <= 26000 and u == "m3/s" for v, u in peaks)
    for d in draws:
        assert len(d.out_of_service) == 2 and len(set(d.out_of_service)) == 2
        assert d.overrides["run.horizon"] == "2d"


def test_every_pack_variant_loads(host):
    from drillsim.scenario.loader import load_scenario

    pack, _doc, base = packs.load_pack(PACK)
    for v in pack.variants:
        sc = load_scenario(base, host=host, overrides={**pack.overrides, **v.overrides})
        assert sc.horizon == 2 * 1440


def test_bad_pack_path_is_reported_with_its_line(tmp_path):
    p = tmp_path / "scenarios" / "packs"
    p.mkdir(parents=True)
    (tmp_path / "scenarios" / "s.yaml").write_text(FLOOD.read_text(encoding="utf-8"), encoding="utf-8")
    bad = p / "bad.yaml"
    bad.write_text("name: bad\nscenario: ../s.yaml\ndraws:\n  - {path: hazards.fujiang_2020.params.nope.x, choices: [1]}\n",
                   encoding="utf-8")
    # a path into a mapping the scenario leaves out is created when drawn (a plugin's
    # params left at their defaults) and checked with the pack, at the draw's line
    from drillsim.drill.packs import check_pack

    with pytest.raises(ValidationFailed) as err:
        check_pack(bad, load_plugins())
    text = str(err.value)
    assert "bad.yaml:4:" in text and "unknown field 'nope'" in text


# ------------------------------------------------------------------ player mode
def test_player_mode_takes_no_decisions_by_itself():
    s = session()
    s.advance_to(40 * 60)
    kinds = {e.kind for e in s.sim.log.events}
    assert "unit_dispatched" not in kinds          # nobody dispatched automatically
    assert "evacuation_ordered" not in kinds       # the warning came, the order is the players'
    assert "mutual_aid_requested" not in kinds
    assert "warning_issued" in kinds
    assert len(s.by_ref) > 10                       # calls reached the command


def test_auto_dispatch_switched_on_for_one_force_only():
    s = session()
    s.advance_to(30 * 60)
    assert s.command("auto on water_rescue").ok
    s.advance_to(32 * 60)
    forces = {e.details["force"] for e in s.sim.log.events if e.kind == "unit_dispatched"}
    assert forces == {"water_rescue"}


def _state(s):
    return (len(s.sim.log.events), {u.id: (u.status, u.incident) for u in s.sim._unit_list},
            {k: dict(r.held) for k, r in s.sim.reserves.items()})


def test_orders_carried_out_and_refused_without_change():
    s = session()
    s.advance_to(30 * 60)
    calls = [ref for ref, inc in s.known_incidents() if inc.kind == "flood_rescue"]
    first, second = calls[0], calls[1]
    reply = s.command(f"dispatch water_rescue-1 {first}")
    assert reply.ok and "water_rescue-1" in reply.text
    before = _state(s)
    for line, why in [(f"dispatch water_rescue-1 {second}", "not free"),
                      (f"dispatch township_teams.mixin {second}", "not tasked for flood rescue"),
                      ("dispatch water_rescue-2 C999", "no incident"),
                      ("dispatch water_rescue-2 water_rescue-2 " + second, "named twice"),
                      ("recall water_rescue-2", "not on a task"),
                      ("evacuate chongkan", "not on the fujiang flood's evacuation list"),
                      ("aid nowhere_aid", "no mutual-aid force"),
                      (f"air {first}", "not tasked for flood rescue")]:
        r = s.command(line)
        assert not r.ok and why in r.text, (line, r.text)
        assert _state(s) == before, line
    assert s.command("recall water_rescue-1").ok


def test_supplies_draw_township_then_district_then_refuse():
    s = session()
    # mixin holds 200 and the district 3,000 (scenario reserves): 3,500 asked -> 3,200 given
    r = s.command("supplies mixin 3500")
    assert r.ok and "3,200 of 3,500" in r.text
    assert s.sim.reserves["relocation_supplies"].available("district") == 0
    before = _state(s)
    r = s.command("supplies mixin 10")
    assert not r.ok and "reserve exhausted" in r.text
    assert _state(s) == before
    # yuxi still has its own 200
    assert s.command("supplies yuxi 150").ok


def test_evacuation_order_and_relocation_need():
    s = session()
    r = s.command("evacuate zitong")
    assert r.ok
    ev = [e for e in s.sim.log.events if e.kind in ("evacuation_ordered", "relocation_needed")]
    people = ev[0].details["people"]
    assert ev[0].details["by"] == "player" and ev[0].details["rescuers"] == math.ceil(people / 100)
    assert ev[1].details["amount"] == math.ceil(people * 0.30)   # relocation_share 30 %
    assert not s.command("evacuate zitong").ok
    ref = s.refs[next(e.incident for e in s.sim.log.events if e.kind == "incident_created")]
    assert s.command(f"dispatch township_teams.zitong {ref}").ok


def test_mutual_aid_request_arrives_after_its_delay():
    s = session()
    s.advance_to(100)
    assert s.command("aid suining_aid").ok
    assert not s.command("aid suining_aid").ok
    s.advance_to(100 + 4 * 60 + 1)  # Suining aid arrives 4 h after the request
    back = [e for e in s.sim.log.events if e.kind == "unit_in_service" and e.unit.startswith("suining_aid")]
    assert len(back) == 4 and all(e.t == pytest.approx(100 + 240) for e in back)


# ------------------------------------------------------------------ reporters
def _calls(s):
    return [e for e in s.sim.log.events if e.kind == "incident_created" and e.details["kind"] in
            ("flood_rescue", "aerial_rescue")]


@pytest.mark.parametrize("loss", [0.0, 1.0])
def test_flood_reporter_delays_and_losses(loss):
    s = session()
    s.drawn.reporting = {}
    s2 = DrillSession(type(s.drawn).from_dict({**s.drawn.to_dict(), "reporting": {"flood_reports": {"call_loss": loss}}}),
                      11, host=s.host)
    s2.advance_to(30 * 60)
    calls = _calls(s2)
    heard = [m for m in s2.messages if m.category == "call"]
    assert calls
    if loss == 1.0:
        assert heard == [] and len(s2.gaps) == len(calls)
    else:
        assert s2.gaps == []
        # every call that has had 8 minutes to come through did, 1-8 minutes late
        due = [c for c in calls if c.t <= s2.now - 8]
        assert {m.incident for m in heard} >= {c.incident for c in due}
        assert all(1.0 <= m.t - m.origin_t <= 8.0 for m in heard)


def test_gauge_reports_hourly_five_minutes_late():
    s = session()
    s.advance_to(6 * 60)
    gauge = [m for m in s.messages if m.category == "gauge"]
    assert [round(m.t) for m in gauge] == [5, 65, 125, 185, 245, 305]


def test_late_township_reports_later_than_the_others():
    s = session()
    s.advance_to(40 * 60)
    arrivals = {(e.details["township"], e.details["level"]): e.t for e in s.sim.log.events
                if e.kind == "hazard_arrival"}
    lag = {}
    for m in s.messages:
        if m.category == "township" and "above warning" in m.text:
            lag[m.township] = m.t - arrivals[(m.township, "warning")]
    slow = [t for t, d in lag.items() if d >= 90]
    assert len(slow) == 1 and all(10 <= d <= 40 for t, d in lag.items() if t not in slow)


# ------------------------------------------------------------------ engine orders (mini region)
MINI = """\
forces:
  - {id: w, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, capabilities: {people: 6, boats: 1}}
hazards:
  - id: s
    type: scripted_incidents
    params:
      incidents:
        - {at: 60min, kind: call, place: east, demand: {boats: 1}, on_scene: 30min}
run: {horizon: 6h, seed: 1}
"""


def test_standby_move_then_dispatch_from_the_post(mini, host):
    path = mini(MINI)
    s = DrillSession.open(path, seed=1, host=host)
    assert s.command("standby w middle").ok
    s.advance_to(59)
    back = [e for e in s.sim.log.events if e.kind == "unit_returned"]
    # 0.1 degree at 60 km/h (mini region, circuity 1): 11.119508 min
    assert back[0].details["place"] == "middle" and back[0].t == pytest.approx(KM_01_DEG, rel=1e-6)
    s.advance_to(61)
    assert s.command("dispatch w C1").ok
    s.advance_to(200)
    arrived = next(e for e in s.sim.log.events if e.kind == "unit_arrived")
    assert arrived.t == pytest.approx(61 + KM_01_DEG, rel=1e-6)   # from the post, not the base
    # after the task it returns to its post; recall sends it home
    s.advance_to(61 + KM_01_DEG + 30 + KM_01_DEG + 1)
    assert s.sim.units["w"].location.id == "middle"
    assert s.command("recall w").ok
    s.advance_to(360)
    assert s.sim.units["w"].location.id == "west_base"


def test_breakdown_and_road_cut_injects(mini, host):
    s = DrillSession.open(mini(MINI), seed=1, host=host)
    s.advance_to(61)
    assert s.command("dispatch w C1").ok
    s.advance_to(66)
    r = s.command("inject breakdown w", controller=True)
    assert r.ok
    unit = s.sim.units["w"]
    assert unit.status == "out_of_service"
    # it stopped where it was: 6 of 11.12 minutes along the road west -> east (at 0.1 deg/11.12 min)
    assert unit.location.lon == pytest.approx(0.2 * 5 / (2 * KM_01_DEG), rel=1e-6)
    inc = s.sim.incidents["I1"]
    assert inc.in_queue and inc.unmet() == {"boats": 1.0}
    assert not s.command("dispatch w C1").ok
    assert s.command("inject roadcut east", controller=True).ok
    assert s.command("inject inservice w", controller=True).ok
    s.advance_to(70)
    r = s.command("dispatch w C1")
    assert not r.ok and "roads to east are cut" in r.text
    assert not s.command("inject roadcut east").ok   # a player cannot inject


def test_no_landing_site_refused(host, tmp_path):
    s = DrillSession.open(FLOOD, seed=3, host=host)
    s.advance_to(30 * 60)
    aerial = [ref for ref, inc in s.known_incidents() if inc.kind == "aerial_rescue"]
    assert aerial
    heli = s.sim.units["helicopters"]
    heli.force.params = heli.force.params.model_copy(update={"max_ground_distance": 0.001})
    before = _state(s)
    r = s.command(f"air {aerial[0]}")
    assert not r.ok and "no landing site" in r.text and _state(s) == before


def test_log_records_orders_messages_and_keeps_the_setup_apart(tmp_path):
    s = session(tmp_path, seed=424242, source=PACK)
    s.advance_to(20 * 60)
    s.command("evacuate mixin")
    s.command("dispatch nobody C1")
    player = [json.loads(x) for x in (tmp_path / "drill.jsonl").read_text(encoding="utf-8").splitlines()]
    text = (tmp_path / "drill.jsonl").read_text(encoding="utf-8")
    assert "424242" not in text and s.drawn.variant not in text and "variant" not in text
    for value in s.drawn.choices.values():
        if isinstance(value, str) and not value.startswith("2020-"):
            assert value not in text
    assert [r["text"] for r in player if r["rec"] == "order"] == ["evacuate mixin", "dispatch nobody C1"]
    assert sum(r["rec"] == "message" for r in player) == len(s.messages)
    control = (tmp_path / "drill.controller.jsonl").read_text(encoding="utf-8")
    # sealed: the seed and the variant are there, but not readable without the secret
    assert "424242" not in control and s.drawn.variant not in control and "flood.yaml" not in text
    setup = read_records(tmp_path / "drill.controller.jsonl", s.secret)[0]
    assert setup["seed"] == 424242 and setup["drawn"]["variant"] == s.drawn.variant
    assert (tmp_path / "drill.controller.jsonl").stat().st_mode & 0o077 == 0


def test_a_refused_dispatch_says_why_the_unit_cannot_go(host):
    """Players are told why, in their words: a mutual-aid unit is out of service until
    its district is asked (and how to ask); a fire engine cannot drive into a flooded
    township (the flood's own reason, without the hazard's id). Before: 'suining_aid-1
    is out of service, not free' and 'shuangjiang_station cannot reach C3'."""
    s = DrillSession.open(FLOOD, seed=21, host=host)
    assert s.command("evacuate mixin").ok
    r = s.command("dispatch suining_aid-1 C1")
    assert not r.ok and r.text == ("suining_aid-1 is out of service (mutual aid not requested: "
                                   "order aid suining_aid), not free")
    impact = None
    while impact is None:
        s.advance(30)
        impact = next((e.t for e in s.sim.log.events if e.kind == "hazard_arrival"
                       and e.details.get("township") == "zitong" and e.details.get("level") == "impact"), None)
    assert s.command("inject incident flood_rescue zitong people=2 30min", controller=True).ok
    iid = s.injects[-1].incident
    while iid not in s.refs:
        s.advance(1)
    engine = s.sim.units["shuangjiang_station"]
    assert engine.dispatchable and engine.capabilities.get("boats", 0) == 0
    r = s.command(f"dispatch shuangjiang_station {s.refs[iid]}")
    assert not r.ok and r.text == (f"shuangjiang_station cannot reach {s.refs[iid]}: zitong flooded, "
                                   "reachable only with boats or by air")


def test_a_summary_whose_figures_are_no_mapping_leaves_truth_and_reveal_whole():
    # a plugin's hazard_summary with figures="big" (or none): the control screen's truth
    # and the reveal read summary["figures"] as a mapping (TypeError on None)
    s = session()
    first = next(e for e in s.sim.log.events if e.kind == "hazard_summary")  # the flood's, at its start
    first.details["figures"] = None
    assert "hazard" in s.truth()
    s.end("test")
    assert s.reveal()["hazard"] == {}
