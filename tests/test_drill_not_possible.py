"""An expected action an inject made impossible is "not possible (inject …)" in the
review, not "missed": the players are not blamed for it (drillsim.drill.decisions).

The drill: tests/test_drill_review.py's flood pack with its MSEL (the care home's call
at 3 h expects ``dispatch water_rescue to this``; the water rescue force is 4 boats,
water_rescue-1…4, based at city_riverside in Zitong; the drill starts 2020-08-15 20:00).
"""

from __future__ import annotations

from drillsim.drill import aar
from drillsim.drill.session import DrillSession

from .test_drill_review import msel_pack


def _review(s):
    s.advance_to(8 * 60)
    s.command("end")
    return aar.build(s)


def test_every_boat_broken_down_by_an_inject_makes_the_dispatch_not_possible(tmp_path, host):
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(150)                  # 22:30, before the care home's call at 3 h
    for n in range(1, 5):
        assert s.fire({"kind": "breakdown", "unit": f"water_rescue-{n}", "text": "engine failure"}).ok
    review = _review(s)
    row = next(d for d in review.decisions if d.action == "dispatch water_rescue to this")
    assert row.status == "not possible"   # the old code: "missed"
    assert row.blocked_by == "; ".join(f"inject 'engine failure' at 08-15 22:30: water_rescue-{n} broken down"
                                       for n in range(1, 5))
    assert "| not possible (inject 'engine failure' at 08-15 22:30: water_rescue-1 broken down;" in review.markdown
    assert not any("dispatch water_rescue to this" in x for x in review.improvements)
    results = {o["id"]: o["result"] for o in review.objectives}
    assert results["O2"] == "not tested: injects made its actions impossible"


def test_one_boat_left_in_service_leaves_it_missed(tmp_path, host):
    s = DrillSession.open(msel_pack(tmp_path), seed=21, host=host)
    s.advance_to(150)
    for n in range(1, 4):              # water_rescue-4 could still have gone
        assert s.fire({"kind": "breakdown", "unit": f"water_rescue-{n}", "text": "engine failure"}).ok
    review = _review(s)
    row = next(d for d in review.decisions if d.action == "dispatch water_rescue to this")
    assert (row.status, row.blocked_by) == ("missed", None)


def test_roads_cut_to_the_call_make_it_not_possible_for_road_boats(tmp_path, host):
    """The care home moved to Mixin (place ``mixin``): an inject cuts Mixin's roads at
    22:30, and the boats, road units based in Zitong, cannot get there; the roads
    reopened by 23:00, before the call at 3 h, and it is the players' miss again."""
    path = msel_pack(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("place: zitong", "place: mixin"), encoding="utf-8")
    s = DrillSession.open(path, seed=21, host=host)
    s.advance_to(150)
    assert s.fire({"kind": "road_cut", "township": "mixin", "text": "bridge down"}).ok
    review = _review(s)
    row = next(d for d in review.decisions if d.action == "dispatch water_rescue to this")
    assert row.status == "not possible"
    assert row.blocked_by == "inject 'bridge down' at 08-15 22:30: roads to mixin cut"
    s = DrillSession.open(path, seed=21, host=host)
    s.advance_to(150)
    assert s.fire({"kind": "road_cut", "township": "mixin", "text": "bridge down"}).ok
    s.advance_to(180)
    assert s.fire({"kind": "road_open", "township": "mixin"}).ok
    row = next(d for d in _review(s).decisions if d.action == "dispatch water_rescue to this")
    assert row.status == "missed"


def test_every_aircraft_broken_down_makes_an_air_task_not_possible(tmp_path, host):
    """The care home's call expects ``air this`` instead: the flood's only helicopter
    (unit id `helicopters`: a force of one unit) broken down by an inject at 22:30 leaves
    nothing to fly."""
    path = msel_pack(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("expect: [dispatch water_rescue to this]",
                                                             "expect: [air this]"), encoding="utf-8")
    s = DrillSession.open(path, seed=21, host=host)
    s.advance_to(150)
    assert s.fire({"kind": "breakdown", "unit": "helicopters", "text": "rotor fault"}).ok
    row = next(d for d in _review(s).decisions if d.action == "air this")
    assert row.status == "not possible"
    assert row.blocked_by == "inject 'rotor fault' at 08-15 22:30: helicopters broken down"
