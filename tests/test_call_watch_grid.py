"""The review's call watch checks waiting calls on a fixed grid of the scenario clock
(:mod:`drillsim.drill.reach`) whatever slices of time the drill is advanced in: a live
drill, its replay and a resumed drill see the same units free at the same minutes."""

from __future__ import annotations

import math

import pytest

from drillsim.drill import aar, reach
from drillsim.drill.session import DrillSession

from .conftest import FLOOD, SCENARIOS

PACK = SCENARIOS / "packs" / "flood.yaml"


def _one_boat_busy(host, log_path=None):
    """The flood (seed 21) at minute 60 with every boat out of service but one, B, sent
    to a 10-min call X in Zitong; then a call Y for a boat in Yuxi. Returns (session, B,
    X, Y)."""
    s = DrillSession.open(FLOOD, seed=21, host=host, log_path=log_path)
    s.advance_to(60)
    boats = [u for u in s.sim._unit_list if u.capabilities.get("boats", 0) > 0]
    b = next(u for u in boats if u.dispatchable)
    for u in boats:
        if u is not b and u.dispatchable:
            assert s.command(f"inject breakdown {u.id}", controller=True).ok
    assert s.command("inject incident flood_rescue city_riverside boats=1 10min", controller=True).ok
    x = s.injects[-1].incident
    while x not in s.refs:
        s.advance_to(s.now + 1)
    assert s.command(f"dispatch {b.id} {s.refs[x]}").ok
    assert s.command("inject incident flood_rescue yuxi boats=1 30min", controller=True).ok
    return s, b, x, s.injects[-1].incident


def _advance(s, until, step):
    while s.now < until - 1e-9:
        s.advance_to(min(s.now + step, until))


def _verdicts(s):
    return {k: (w.heard, w.until, dict(w.could), {why: sorted(u) for why, u in w.held.items()}, w.open)
            for k, w in s.calls.watches.items()}


@pytest.mark.parametrize("step", [1.0, 240.0, 0.37, 7.3])
def test_a_call_heard_within_a_long_slice_is_checked_on_the_grid(host, step):
    # Worked by hand from the log: B is sent at minute 60, on scene at 65 and clears the
    # 10-min call at 75, a minute of the grid; the check at 75 comes before anything else
    # at 75 (B still on scene), so the first check to see B free is at 80, within Y's
    # 60-min standard (R1) from when Y was heard (63.3). Before, a drill advanced in one
    # 240-min slice (as a resume does) missed every check of Y, heard within the slice,
    # and said no unit could go.
    s, b, _x, y = _one_boat_busy(host)
    t0 = s.now
    _advance(s, t0 + 240, step)
    seen = [(e.t, e.kind) for e in s.sim.log.events if e.unit == b.id]
    assert (65.0, "unit_arrived") in seen and (75.0, "unit_cleared") in seen
    watch = s.calls.verdict(y)
    assert 63 < watch.heard < 80 < watch.until == pytest.approx(watch.heard + 60.0)
    assert watch.could == {b.id: 80.0} and not watch.open
    assert watch.held["busy"] == {b.id}   # when it was heard
    # the units a call's checks look at: every unit able to serve it, by Unit.can_serve
    for w in s.calls.watches.values():
        inc = w.incident
        assert w.able == [u for u in s.sim._unit_list if u.can_serve(inc, dict(inc.demand))]


def test_a_resumed_drill_judges_the_calls_as_the_live_one(tmp_path, host):
    # the live drill in 1-min slices; the resumed one runs from the last order to the
    # end in one slice (Y heard within it)
    log = tmp_path / "d.jsonl"
    s, b, _x, y = _one_boat_busy(host, log_path=log)
    _advance(s, s.now + 240, 1.0)
    assert s.command("end").ok
    s.close()
    r = DrillSession.resume(log, s.secret, host=host, keep_logging=False)
    assert r.ended and r.now == pytest.approx(s.now)
    assert _verdicts(r) == _verdicts(s)
    assert r.calls.verdict(y).could == {b.id: 80.0}
    live, resumed = aar.build(s), aar.build(r)
    assert live.unanswered == resumed.unanswered
    assert any(c["could_go"] for c in live.unanswered if c["ref"] == s.refs[y])


def test_a_drill_ended_early_leaves_no_check_in_the_run(host):
    # a grid check left in the simulation's queue would hide a stalled run from the
    # run's end (drillsim.engine.stall.check reads an empty queue as stalled)
    s, _b, _x, y = _one_boat_busy(host)
    _advance(s, s.now + 5, 1.0)
    assert s.calls.verdict(y).open and math.isfinite(s.calls.next_check())
    assert any(entry[1] == reach.GRID_PRIORITY for entry in s.sim.env._queue)
    s.command("end")
    assert s.calls.next_check() == math.inf
    assert not any(entry[1] == reach.GRID_PRIORITY for entry in s.sim.env._queue)


def test_the_units_able_to_serve_are_can_serve_s_answer_whatever_the_free_units(host):
    # Simulation.able_units, shared by all incidents of one kind, township and
    # capabilities, against Unit.can_serve asked unit by unit: for every incident of a
    # flood run (its township teams sent only within their own township), every subset
    # of its capabilities, and free lists of every third unit
    import itertools

    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario

    scenario = load_scenario(FLOOD, host=host, overrides={"forces[5].area": "home"})
    sim = Simulation(scenario, host, seed=3).run()
    units = sim._unit_list
    assert {u.force.id for u in units if u.area == "home"} == {"township_teams"}
    assert len(sim.incidents) > 20 and len({i.place.township for i in sim.incidents.values()}) > 5
    for inc in sim.incidents.values():
        caps = sorted(inc.demand)
        for n in range(1, len(caps) + 1):
            for subset in itertools.combinations(caps, n):
                unmet = {c: inc.demand[c] for c in subset}
                expected = [u for u in units if u.can_serve(inc, unmet)]
                assert sim.able_units(inc, unmet) == expected
                for start in range(3):
                    free = units[start::3]
                    key = (inc.kind, inc.place.township, frozenset(unmet))
                    assert sim._able_among(key, inc, unmet, free) == [u for u in free if u.can_serve(inc, unmet)]


def test_a_report_names_an_incident_s_point_by_its_township(host):
    # ReportChannel.place_name indexes the incidents' points as they come; against the
    # scan it replaced (the first incident at the point whose township is a region
    # place), asked as a whole drill goes for every place its events name, every
    # incident's point, an unknown id and a unit on the road
    from drillsim.engine.reporting import ReportChannel

    s = DrillSession.open(PACK, seed=2, host=host)
    s.command("auto on all")
    channel = ReportChannel(s.sim, "test", lambda message: None, lambda gap: None, [0])
    places, incidents = s.sim.region.places, s.sim.incidents

    def scan(pid):
        if pid in places:
            return places[pid].name
        return next((places[i.place.township].name for i in incidents.values()
                     if i.place.id == pid and i.place.township in places), pid)

    named, seen = 0, 0
    while not s.ended:
        s.advance(45.0)
        events = s.sim.log.events
        asked = {e.details.get("place") for e in events[seen:] if e.details.get("place")}
        seen = len(events)
        for pid in sorted(asked | {i.place.id for i in incidents.values()} | {"nowhere", "water_rescue-1@12.50"}):
            assert channel.place_name(pid) == scan(pid)
            named += pid not in places and channel.place_name(pid) != pid
    assert len(incidents) > 50 and named > 100
