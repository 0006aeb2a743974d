"""The old-town building fire (plugins/building_fire, scenarios/shuangjiang_oldtown_fire.yaml)
against values worked out by hand.

- t² fire: Q = α t², α = 1055 / t_g² kW/s² (NFPA 72 Annex B; t_g 600/300/150/75 s).
- Thomas's flashover (1981): Q_fo = 7.8 A_T + 378 A_o √H_o. The scenario's 5 × 4 × 3 m shop
  with a 2 × 2 m door: A_T = 2(20 + 15 + 12) − 4 = 90 m², so Q_fo = 702 + 1512 √2 =
  2,840.29 kW, reached by a fast fire after √(2840.29 / 0.046889) = 246.12 s = 4.102 min.
- Hamada (as written by Himoto & Tanaka 2008), a = 8 m, d = 1 m, V = 3 m/s, f = 0:
  down = (6 + 8/32.5) / (1.5 × 1.363) = 3.05510 min, side = (6 + 8/5.75) / 1.045 = 7.07302,
  up = (6 + 8/5.6) / 1.018 = 7.29722.
- NFA needed flow: 8 × 8 m × 2 floors = 128 m² = 1,377.78 ft² → 459.26 gpm = 28.975 L/s.
- Travel: great-circle km (law of cosines) × circuity 1.4 ÷ 40 km/h, as the region says;
  turnout 1 min (the fire station unit type).
"""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run
from drillsim_plugins.building_fire.growth import Room, alpha, flashover_kw, heat_release_kw, time_to_reach_s
from drillsim_plugins.building_fire.spread import Block, StepTimes, hamada_step_times, ignition_offsets, involved_by
from drillsim_plugins.building_fire.water import applied_flow_l_s, needed_flow_l_s, tank_draw_l_s
from tests.conftest import SCENARIOS

FIRE = SCENARIOS / "shuangjiang_oldtown_fire.yaml"
R = 6371.0088
OLDTOWN = (30.21754, 105.7452)
SEAT = (30.1782, 105.82991)          # industrial park station
JIANGBEI = (30.19, 105.83)
FLASHOVER = math.sqrt((7.8 * 90 + 378 * 4 * math.sqrt(2)) / (1055 / 150 ** 2)) / 60   # 4.102 min
DOWN, SIDE, UP = 3.05510, 7.07302, 7.29722
NFF = 128 * 10.7639104 / 3 * 0.0630902     # L/s


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))


def drive(a):
    return km(a, OLDTOWN) * 1.4 / 40 * 60


# --- the models ---------------------------------------------------------------------------

def test_t_squared_classes_by_hand():
    assert alpha("slow") == pytest.approx(0.0029306, rel=1e-4)
    assert alpha("medium") == pytest.approx(0.0117222, rel=1e-4)
    assert alpha("fast") == pytest.approx(0.0468889, rel=1e-4)
    assert alpha("ultrafast") == pytest.approx(0.1875556, rel=1e-4)
    # each class reaches 1,055 kW at its growth time; a fast fire 4 x that at 300 s
    assert heat_release_kw(alpha("medium"), 300) == pytest.approx(1055.0)
    assert heat_release_kw(alpha("fast"), 60) == pytest.approx(0.0468889 * 3600, rel=1e-5)   # 168.8 kW
    assert heat_release_kw(alpha("fast"), 300) == pytest.approx(4220.0)
    assert heat_release_kw(alpha("fast"), -5) == 0.0
    with pytest.raises(ValueError, match="growth class"):
        alpha("quick")


def test_thomas_flashover_by_hand():
    room = Room(5, 4, 3, 2, 2)
    assert room.lining_area_m2 == pytest.approx(90.0)
    assert flashover_kw(room) == pytest.approx(2840.29, abs=0.01)
    assert time_to_reach_s(alpha("fast"), flashover_kw(room)) == pytest.approx(246.12, abs=0.01)
    assert time_to_reach_s(alpha("medium"), flashover_kw(room)) == pytest.approx(492.24, abs=0.01)
    with pytest.raises(ValueError):
        Room(5, 4, 3, 2, 4)          # an opening higher than the room


def test_hamada_step_times_by_hand():
    s = hamada_step_times(8, 1, 3, 0.0)
    assert (s.down, s.side, s.up) == pytest.approx((DOWN, SIDE, UP), abs=1e-5)
    # all fire-resistant, no wind, a = 10 m, d = 2 m: (5 + 6.25 + 32/25) / 1.5 and 5 + 6.25 + 32/5
    s = hamada_step_times(10, 2, 0, 1.0)
    assert (s.down, s.side, s.up) == pytest.approx((12.53 / 1.5, 17.65, 17.65))
    # half and half mixes the two linearly
    half = hamada_step_times(10, 2, 0, 0.5).side
    assert half == pytest.approx(((3 + 3.75 + 16 / 5) + 17.65) / 2)
    with pytest.raises(ValueError):
        hamada_step_times(8, 1, 3, 1.5)


def test_spread_through_the_block_by_hand():
    block = Block(4, 15, (1, 4))
    t = ignition_offsets(block, StepTimes(DOWN, SIDE, UP))
    assert t[(1, 4)] == 0.0
    assert t[(1, 7)] == pytest.approx(3 * DOWN)
    assert t[(0, 4)] == pytest.approx(SIDE)
    assert t[(1, 0)] == pytest.approx(4 * UP)
    assert t[(3, 6)] == pytest.approx(2 * DOWN + 2 * SIDE)
    # 10 min after the origin: along the street 3 downwind (9.17), the neighbours aside (7.07)
    # and upwind (7.30); nothing two steps aside or diagonal yet (3.06 + 7.07 = 10.13)
    assert involved_by(t, 10.0) == 1 + 3 + 2 + 1
    assert involved_by(t, -1.0) == 0
    assert max(t.values()) == pytest.approx(10 * DOWN + 2 * SIDE)


def test_nfa_flow_and_supply_by_hand():
    assert needed_flow_l_s(64, 2) == pytest.approx(NFF, rel=1e-5)
    assert needed_flow_l_s(64, 2) == pytest.approx(28.975, abs=0.001)
    # pumps 60 L/s, fire needs 58: tanks hold water -> 58; dry tanks -> the hydrants' 45
    assert applied_flow_l_s(60, 45, 3.0, 58) == 58
    assert applied_flow_l_s(60, 45, 0.0, 58) == 45
    assert applied_flow_l_s(40, 45, 0.0, 500) == 40
    assert tank_draw_l_s(60, 45) == 15 and tank_draw_l_s(40, 45) == 0


# --- the scenario -------------------------------------------------------------------------

def simulate(host, **overrides):
    sim = Simulation(load_scenario(FIRE, host=host, overrides={"hazards[0].params.water.working": "100%",
                                                               **overrides}), host)
    sim.run()
    return sim


def result(sim):
    return next(e for e in sim.log.events if e.kind == "building_fire_result").details


def first_arrival(sim):
    return next(e for e in sim.log.events if e.kind == "unit_arrived")


def test_as_built_the_city_appliances_come_too_late_and_the_block_burns(host):
    sim = simulate(host)
    first = first_arrival(sim)
    assert first.unit.startswith("jiangbei_station")                     # the nearer city station
    assert first.t == pytest.approx(5 + 1 + drive(JIANGBEI), abs=1e-6)   # call, turnout, 12.2 km
    r = result(sim)
    assert r["first_attack_margin"] == pytest.approx(FLASHOVER - first.t, abs=1e-6)   # -20.2 min
    # 60 L/s of pumps can hold at most 2 burning buildings (2 x 29.0 = 58), 3 hydrants give 45 L/s:
    # the fire is only held when the last-but-one building burns out and one is left burning.
    # Last to catch: row 3 col 14 (10 down + 2 aside) and row 3 col 0 (4 up + 2 aside).
    assert r["buildings"] == 60
    control = next(e for e in sim.log.events if e.kind == "fire_controlled")
    assert control.t == pytest.approx(FLASHOVER + 4 * UP + 2 * SIDE + 45, abs=1e-3)
    # short of water: from the third appliance's arrival with 18 m3 in three tanks drawn at
    # 60 - 45 = 15 L/s (20 min), until control
    third = [e for e in sim.log.events if e.kind == "unit_arrived"][2]
    assert third.t == pytest.approx(5 + 1 + drive(SEAT), abs=1e-6)
    assert r["water_short_min"] == pytest.approx(control.t - (third.t + 18000 / 15 / 60), abs=1e-3)


def test_a_fire_still_going_when_the_run_ends_is_summed_up_at_the_horizon(host):
    # as built, control comes at 92 min: a 60-min run ends with the block burning. Its
    # result was never logged (the process waited for a moment past the run)
    sim = simulate(host, **{"run.horizon": "60min"})
    assert not [e for e in sim.log.events if e.kind == "fire_controlled"]
    r = result(sim)
    (summary,) = [e for e in sim.log.events if e.kind == "hazard_summary"]
    assert summary.t == 60.0 and summary.details["figures"]["buildings"] == r["buildings"]
    assert r["controlled"] is False and r["held"] is False
    # buildings alight by 60 min: Hamada's ignition times from flashover (4.10 min)
    times = ignition_offsets(Block(4, 15, (1, 4)), StepTimes(DOWN, SIDE, UP))
    assert r["buildings"] == involved_by(times, 60.0 - FLASHOVER)
    # short of water from the three tanks' 18 m3 run dry (20 min at 15 L/s after the third
    # appliance's arrival) to the end of the run
    third = [e for e in sim.log.events if e.kind == "unit_arrived"][2]
    assert r["water_short_min"] == pytest.approx(60.0 - (third.t + 18000 / 15 / 60), abs=1e-3)


def test_with_the_planned_station_the_fire_stays_in_its_building(host):
    sim = simulate(host, forces_as_of="plan_complete")
    first = first_arrival(sim)
    assert first.unit.startswith("shuangjiang_station") and first.t == pytest.approx(6.0)   # turnout only
    r = result(sim)
    # after flashover (4.10) but before the next house catches (4.10 + 3.06): one burning,
    # 29.0 L/s needed, two appliances put 40 on it
    assert r["first_attack_margin"] == pytest.approx(FLASHOVER - 6.0, abs=1e-6)
    assert r["buildings"] == 1 and r["water_short_min"] == 0.0
    # a medium fire flashes over at 8.2 min: the same appliances hold it in the room
    medium = result(simulate(host, forces_as_of="plan_complete", **{"hazards[0].params.growth": "medium"}))
    assert medium["held"] and medium["buildings"] == 0
    assert medium["first_attack_margin"] == pytest.approx(492.24 / 60 - 6.0, abs=1e-3)


def test_scorecard_both_views(host):
    def rows(view):
        sc = load_scenario(FIRE, host=host, overrides={"forces_as_of": view})
        return {r.id: r for r in run(sc, host, replications=3).rows}
    built, full = rows("built"), rows("plan_complete")
    assert built["B1"].mean == pytest.approx(1 + drive(JIANGBEI), abs=1e-6) and not built["B1"].passed
    assert full["B1"].mean == pytest.approx(1.0) and full["B1"].passed
    assert not built["B3"].passed and full["B3"].passed


def test_a_run_ended_before_the_outcome_credits_nothing(host):
    """Cut short (a copy with a short ``run.horizon``), a row must not pass on what the
    run did not reach. At 3 min the fire has neither flashed over (4.10 min) nor been
    called in (5 min): B2's margin, B3's buildings lost and W1's water supply are not
    measured (the old code passed all three: 0 min, 0 buildings, 0 min short)."""
    def rows(horizon):
        sc = load_scenario(FIRE, host=host, overrides={"run.horizon": horizon})
        return {r.id: r for r in run(sc, host, replications=1).rows}
    early = rows("3min")
    for tid in ("B2", "B3", "W1"):
        assert early[tid].mean is None and not early[tid].passed, tid
    # at 15 min the block burns and no appliance has come (the first arrives 5 + 1 +
    # drive(JIANGBEI) = 19.3 min after ignition): B2 is the bound flashover - horizon,
    # and the water supply, never called on, is not measured
    assert 15 < 5 + 1 + drive(JIANGBEI)
    mid = rows("15min")
    assert mid["B2"].mean == pytest.approx(FLASHOVER - 15, abs=1e-3) and not mid["B2"].passed
    assert mid["W1"].mean is None and not mid["W1"].passed


def test_the_report_follows_the_fire_from_building_to_building(host, tmp_path):
    """A building fire's report has no forest fire's table (area, flame length on Andrews
    & Rothermel's chart: all dashes, read off the building fire's own ``fire_state``) but
    its spread: buildings involved and the flow needed, as the log has them."""
    from click.testing import CliRunner

    from drillsim.cli.main import main
    out, events = tmp_path / "r.md", tmp_path / "e.jsonl"
    r = CliRunner().invoke(main, ["run", str(FIRE), "-n", "1", "-q", "--report", str(out), "--events", str(events)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "Fire behaviour of" not in text and "Andrews & Rothermel" not in text
    import json
    states = [e["details"] for e in map(json.loads, events.read_text(encoding="utf-8").splitlines())
              if e["kind"] == "fire_state"]
    table = text.split("Spread of oldtown_fire from building to building", 1)[1].split("\n\n")[1]
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in table.splitlines()[2:]]
    assert len(rows) == len(states)
    for row, d in zip(rows, states):
        assert row[1] == str(d["involved"]) and row[2] == str(d["burning"])
        # NFA: 28.975 L/s per building still burning (the report rounds 1,014.1 to 1,014)
        assert float(row[3].split()[0].replace(",", "")) == pytest.approx(d["burning"] * NFF, rel=1e-3, abs=0.06)


def test_an_appliance_leaving_within_a_step_stops_pumping_when_it_leaves(host):
    # the fire's process woke on arrivals only: an appliance broken down between the
    # fire's own times went on pumping (in its figures) until the next building caught
    third = [e for e in simulate(host).log.events if e.kind == "unit_arrived"][2]
    sim = Simulation(load_scenario(FIRE, host=host, overrides={"hazards[0].params.water.working": "100%"}), host)
    leave_at = third.t + 5.0

    def pump_fails():
        yield sim.timeout(leave_at)
        sim.break_down(sim.units[third.unit], "pump failure", by="controller")

    sim.process(pump_fails())
    sim.run()
    before = [e for e in sim.log.events if e.kind == "fire_state" and e.t < leave_at][-1]
    after = next(e for e in sim.log.events if e.kind == "fire_state" and e.t >= leave_at)
    pump = before.details["pumps_l_s"] / 3          # three appliances of equal pumps before
    assert after.t == pytest.approx(leave_at, abs=1e-9)
    assert after.details["pumps_l_s"] == pytest.approx(2 * pump, abs=0.01)
