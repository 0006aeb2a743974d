"""The Qiongjiang flood (scenarios/qiongjiang_flood.yaml): the transit-flood model with the
Tai'an gauge and the hydrological service's forecast rule (``warning.rule: gauge_forecast``).

Every expected time here is worked again from the scenario file with the textbook
formulas written out in this test (gamma hydrograph, Muskingum cascade of Chow,
Maidment & Mays 1988 eq. 8.4.9, the power rating through one point, linear
interpolation between routing steps), not by calling the plugin."""

from __future__ import annotations

import math

import pytest
import yaml

from drillsim.engine.simulation import Simulation
from drillsim.errors import ValidationFailed
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from tests.conftest import SCENARIOS

PATH = SCENARIOS / "qiongjiang_flood.yaml"
RAW = yaml.safe_load(PATH.read_text(encoding="utf-8"))
HAZ = RAW["hazards"][0]["params"]
WARNING_STAGE = 246.5       # Tai'an, SRC_CNEB_20200731


def _num(text: str, unit: str) -> float:
    assert text.endswith(unit), text
    return float(text[: -len(unit)])


def hand_crossing_hours() -> tuple[float, float, float]:
    """(hours from the start at which Tai'an passes 246.5 m, crest stage, crest hour),
    routed on the scenario's own 30-min grid."""
    g, r = HAZ["upstream"]["hydrograph"], HAZ["routing"]
    qb, qp, tp, m = _num(g["base_flow"], "m3/s"), _num(g["peak"], "m3/s"), _num(g["time_to_peak"], "h"), g["m"]
    dt = _num(r["dt"], "min") / 60.0
    n, X = r["reaches"], r["X"]
    K = _num(r["K"], "h") / n
    steps = int(48 / dt) + 20
    t = [j * dt for j in range(steps)]
    flow = [qb if x <= 0 else qb + (qp - qb) * (x / tp) ** m * math.exp(m * (1 - x / tp)) for x in t]
    c0 = K - K * X + 0.5 * dt
    c1, c2, c3 = (0.5 * dt - K * X) / c0, (0.5 * dt + K * X) / c0, (K - K * X - 0.5 * dt) / c0
    for _ in range(n):
        out = [flow[0]]
        for j in range(1, steps):
            out.append(c1 * flow[j] + c2 * flow[j - 1] + c3 * out[j - 1])
        flow = out
    rt = HAZ["gauge"]["rating"]
    h0, b = _num(rt["h0"], "m"), rt["b"]
    a = _num(rt["through_discharge"], "m3/s") / (_num(rt["through_stage"], "m") - h0) ** b
    stage = [h0 + (q / a) ** (1 / b) for q in flow]
    for j in range(1, steps):
        if stage[j - 1] < WARNING_STAGE <= stage[j]:
            f = (WARNING_STAGE - stage[j - 1]) / (stage[j] - stage[j - 1])
            cross = t[j - 1] + f * dt
            break
    top = max(range(steps), key=stage.__getitem__)
    return cross, stage[top], t[top]


@pytest.fixture(scope="module")
def run0(host):
    sc = load_scenario(PATH, host=host)
    sim = Simulation(sc, host, replication=0)
    sim.run()
    return sc, sim


def _offsets() -> dict[str, float]:
    return {t["township"]: _num(t["offset"], "min") / 60.0 for t in HAZ["townships"]}


def test_the_gauge_uses_the_published_warning_stage():
    assert HAZ["gauge"]["warning_stage"] == "246.5m"
    assert HAZ["river"] == "qiongjiang"
    region = yaml.safe_load((SCENARIOS / "regions" / "tongnan.yaml").read_text(encoding="utf-8"))
    on_river = {t["id"] for t in region["townships"] if t.get("river") == "qiongjiang"}
    # the six townships of the water bureau's list (SRC_TNSLJ_20230825)
    assert on_river == {"chongkan", "baizi", "taian", "tianjia", "tangba", "xiaodu"} == set(_offsets())
    gauge = next(s for s in region["sites"] if s["id"] == "taian_gauge")
    assert gauge["kind"] == "gauge" and gauge["township"] == "taian"


def test_each_township_passes_the_warning_stage_when_the_routing_says(run0):
    _, sim = run0
    cross, crest, crest_h = hand_crossing_hours()
    # the crest the 2020 warning forecast: 0.2-0.8 m over 246.50 m, within 13 h of 09:30
    assert 246.7 <= crest <= 247.3 and crest_h <= 1.5 + 13.0
    arrivals = {e.details["township"]: e.t / 60.0 for e in sim.log.events
                if e.kind == "hazard_arrival" and e.details.get("level") == "warning"}
    assert set(arrivals) == set(_offsets())
    for town, offset in _offsets().items():
        assert arrivals[town] == pytest.approx(cross + offset, abs=1e-6), town
    # by the record's clock: Tai'an passes 246.50 m at about 19:38 on 31 July (start 08:00)
    assert 11.5 < cross < 11.8


def test_warning_follows_the_forecast_rule(run0):
    """Warning = max(crossing - horizon, wave begins) + issue delay: here the wave's start
    binds (the crossing is less than 13 h after it), so 0 + 90 min = 09:30, the hour of
    the 2020 warning."""
    _, sim = run0
    cross, _, _ = hand_crossing_hours()
    horizon, delay = _num(HAZ["warning"]["horizon"], "h"), _num(HAZ["warning"]["issue_delay"], "min") / 60
    expected = max(cross - horizon, 0.0) + delay
    warned = [e for e in sim.log.events if e.kind == "warning_issued"]
    assert len(warned) == 1 and warned[0].details["rule"] == "gauge forecast"
    assert warned[0].t / 60 == pytest.approx(expected, abs=1e-9) == pytest.approx(1.5)


def test_the_horizon_binds_when_the_wave_rises_slowly(host):
    """With a slow wave (30 h to peak) the crossing comes more than 13 h after the wave
    begins: the warning then goes out 13 h before the crossing plus the 90 min issue
    delay, so Tai'an gets 13 h - 90 min."""
    sc = load_scenario(PATH, host=host, overrides={"hazards.qiongjiang_2020.params.upstream.hydrograph.time_to_peak": "30h"})
    sim = Simulation(sc, host, replication=0)
    sim.run()
    warned = next(e.t for e in sim.log.events if e.kind == "warning_issued")
    taian = next(e.t for e in sim.log.events if e.kind == "hazard_arrival"
                 and e.details["township"] == "taian" and e.details["level"] == "warning")
    assert taian - warned == pytest.approx(13 * 60 - 90, abs=1e-6)


def test_T1_is_scored_per_township_and_fails_upstream(host):
    outcome = run_scenario(load_scenario(PATH, host=host), host, replications=2)
    row = next(r for r in outcome.rows if r.id == "T1")
    cross, _, _ = hand_crossing_hours()
    lead = {town: cross + off - 1.5 for town, off in _offsets().items()}
    # per township, hours: Chongkan 5.9, Baizi 8.1, Tai'an 10.1, Tianjia 11.2, Tangba 11.3, Xiaodu 13.4
    by_town = {b["label"]: b["mean"] for b in row.breakdown}
    assert set(by_town) == set(lead)
    for town, hours in lead.items():
        assert by_town[town] == pytest.approx(hours, abs=1e-6), town
        assert next(b for b in row.breakdown if b["label"] == town)["pass_rate"] == (1.0 if hours >= 12 else 0.0)
    assert row.status == "fail" and row.worst == "chongkan"
    assert row.mean == pytest.approx(lead["chongkan"], abs=1e-6)
    assert lead["xiaodu"] >= 12 > lead["taian"]


def test_gauge_forecast_needs_a_horizon(host, tmp_path):
    text = PATH.read_text(encoding="utf-8").replace(
        "warning: {rule: gauge_forecast, horizon: 13h, issue_delay: 90min}",
        "warning: {rule: gauge_forecast, issue_delay: 90min}")
    bad = tmp_path / "q.yaml"
    bad.write_text(text.replace("region: regions/tongnan.yaml", f"region: {SCENARIOS / 'regions' / 'tongnan.yaml'}")
                   .replace("file: plans/tongnan-2021.yaml", f"file: {SCENARIOS / 'plans' / 'tongnan-2021.yaml'}"),
                   encoding="utf-8")
    with pytest.raises(ValidationFailed, match="gauge_forecast needs horizon"):
        load_scenario(bad, host=host)


def test_the_drill_pack_is_valid_and_drills_blind(host, tmp_path):
    import json

    from drillsim.drill.packs import check_pack
    from drillsim.drill.session import DrillSession

    pack = SCENARIOS / "packs" / "qiongjiang.yaml"
    checked, _ = check_pack(pack, host)
    assert len(checked.variants) == 3 and checked.injects
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(pack, seed=20200731, host=host, log_path=log)
    s.advance_to(24 * 60)
    texts = [m.text for m in s.messages]
    assert any(t.startswith("flood warning for the Qiongjiang") and "Tai'an 泰安 gauge" in t for t in texts), texts[:5]
    s.close()
    text = log.read_text(encoding="utf-8")
    assert str(s.seed) not in text and s.drawn.variant not in text and "qiongjiang_flood.yaml" not in text
    assert sum(json.loads(x)["rec"] == "message" for x in text.splitlines()) == len(s.messages)
