"""Core metrics on hand-written event logs (values worked out by hand)."""

from __future__ import annotations


from drillsim.engine.eventlog import Event
from drillsim.scoring import metrics as m

CTX = m.MetricContext(horizon=1000.0, force_units={"boats": ["b1", "b2"], "teams": ["t1"]},
                      unit_capabilities={"b1": {"boats": 1}, "b2": {"boats": 1}, "t1": {"people": 20}})


def ev(t, kind, /, unit=None, incident=None, **d):
    return Event(t, kind, unit, incident, d)


def test_response_times_intervals_and_censoring():
    log = [ev(0, "incident_created", incident="I1", kind="call"),
           ev(2, "unit_dispatched", "b1", "I1"), ev(3, "unit_en_route", "b1", "I1", travel=7.0),
           ev(10, "unit_arrived", "b1", "I1"), ev(12, "unit_arrived", "b2", "I1"),
           ev(50, "incident_created", incident="I2", kind="call"),
           ev(60, "incident_created", incident="I3", kind="other")]
    p = m.ResponseParams
    assert m.response_times(log, CTX, p()) == [("I1", 10.0), ("I2 (no unit arrived)", 950.0), ("I3 (no unit arrived)", 940.0)]
    assert m.response_times(log, CTX, p(kinds=["call"], interval="dispatch_to_arrival")) == \
        [("I1", 8.0), ("I2 (no unit arrived)", 950.0)]
    assert m.response_times(log, CTX, p(kinds=["call"], interval="travel")) == [("I1", 7.0)]
    assert m.response_times(log, CTX, p(kinds=["call"], include_unreached=False)) == [("I1", 10.0)]
    assert m.unreached(log, CTX, m.KindsParams()) == [("I1", 0.0), ("I2", 1.0), ("I3", 1.0)]


def test_warning_lead_time_per_township():
    log = [ev(100, "warning_issued", townships=["a", "b"]),
           ev(400, "hazard_arrival", township="a", level="warning"),
           ev(700, "hazard_arrival", township="b", level="warning"),
           ev(800, "hazard_arrival", township="c", level="warning"),
           ev(900, "hazard_arrival", township="a", level="impact")]
    assert m.warning_lead_times(log, CTX, m.WarningParams()) == [("a", 300.0), ("b", 600.0), ("c (no warning)", 0.0)]


def test_a_warning_after_the_water_is_a_negative_lead():
    # a flash flood: the stream passes its warning stage at 19 min, the warning comes at 79
    log = [ev(19, "hazard_arrival", township="a", level="warning"),
           ev(79, "warning_issued", townships=["a"])]
    assert m.warning_lead_times(log, CTX, m.WarningParams()) == [("a (warned after arrival)", -60.0)]


def test_evacuation_margin():
    log = [ev(10, "incident_created", incident="I1", kind="evacuation", township="a"),
           ev(20, "incident_created", incident="I2", kind="evacuation", township="b"),
           ev(200, "incident_completed", incident="I1"),
           ev(300, "hazard_arrival", township="a", level="impact"),
           ev(310, "hazard_arrival", township="b", level="impact"),
           ev(320, "hazard_arrival", township="c", level="impact")]
    assert m.evacuation_margins(log, CTX, m.EvacuationParams()) == [
        ("a", 100.0), ("b (not evacuated by end)", 310.0 - 1000.0), ("c (not evacuated by end)", 320.0 - 1000.0)]


def test_reserve_metrics():
    # township a holds 200: asks 500 -> 200 local + 300 district; b (no stock) asks 2900
    # -> 2700 district (left 2700 of 3000 after a) then 200 short
    log = [ev(0, "reserve_requested", reserve="r", township="a", amount=500),
           ev(0, "reserve_drawn", reserve="r", township="a", source="a", amount=200),
           ev(0, "reserve_drawn", reserve="r", township="a", source="district", amount=300),
           ev(5, "reserve_requested", reserve="r", township="b", amount=2900),
           ev(5, "reserve_drawn", reserve="r", township="b", source="district", amount=2700),
           ev(5, "reserve_short", reserve="r", township="b", amount=200)]
    p = m.ReserveParams(reserve="r")
    assert m.reserve_need_by_township(log, CTX, p) == [("a", 500), ("b", 2900)]
    assert m.reserve_need_beyond_local(log, CTX, p) == [("a", 300), ("b", 2900)]
    assert m.reserve_shortfall(log, CTX, p) == [("b", 200)]


def test_reserve_end_to_end_draw_order():
    from drillsim.engine.eventlog import EventLog
    from drillsim.engine.reserves import Reserve

    log = EventLog(lambda: 0.0)
    r = Reserve("r", "people", {"district": 3000, "a": 200}, log)
    assert r.draw("a", 500) == 500 and r.held == {"district": 2700, "a": 0}
    assert r.draw("b", 2900) == 2700 and r.held["district"] == 0
    p = m.ReserveParams(reserve="r")
    assert m.reserve_shortfall(log.events, CTX, p) == [("b", 200)]
    assert m.reserve_need_beyond_local(log.events, CTX, p) == [("a", 300), ("b", 2900)]


def test_utilisation_and_time_with_no_unit_free():
    # boats: b1 busy 10-50, b2 busy 30-70 -> both busy 30-50 (20 min); peak 2/2
    # teams: t1 out of service 0-100 (not counted), then busy 200-260 -> 60 min, peak 1/1
    log = [ev(0, "unit_out_of_service", "t1"),
           ev(10, "unit_dispatched", "b1", "I1"), ev(30, "unit_dispatched", "b2", "I2"),
           ev(50, "unit_cleared", "b1", "I1"), ev(70, "unit_released", "b2", "I2"),
           ev(100, "unit_in_service", "t1"),
           ev(200, "unit_dispatched", "t1", "I3"), ev(260, "unit_cleared", "t1", "I3")]
    assert m.peak_utilisation(log, CTX, m.ForceParams()) == [("boats", 1.0), ("teams", 1.0)]
    assert m.time_all_committed(log, CTX, m.ForceParams()) == [("boats", 20.0), ("teams", 60.0)]
    assert m.time_all_committed(log, CTX, m.ForceParams(capability="boats")) == [("boats", 20.0)]
