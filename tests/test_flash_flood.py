"""The flash flood (plugins/flood/flash.py, rational.py; scenarios/flash_flood.yaml).

The models against values worked by hand: Kirpich's time of concentration, the rational
method's peak (and the textbook identity that 1 in/h on 1 acre gives 1.008 ft³/s), the
storm's depth over t_c by power-law interpolation; the scenario's times worked again from
its file; the warning-lead row failing by design and saying why."""

from __future__ import annotations

import json
import math
import re

import pytest
import yaml

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from drillsim_plugins.flood.rational import (depth_for_duration, kirpich_minutes, rational_peak,
                                             triangle)
from tests.conftest import SCENARIOS

PATH = SCENARIOS / "flash_flood.yaml"
HAZ = yaml.safe_load(PATH.read_text(encoding="utf-8"))["hazards"][0]["params"]


# ------------------------------------------------------------------ the formulas
def test_kirpich_by_hand():
    # L = 9,000 m, S = 0.006: 9000^0.77 = e^(0.77 x 9.104980) = e^7.010834 = 1108.58;
    # 0.006^-0.385 = e^(0.385 x 5.115996) = e^1.969658 = 7.16823; x 0.0195 = 154.96 min
    assert kirpich_minutes(9000.0, 0.006) == pytest.approx(154.96, abs=0.01)
    # the same in Kirpich's own units (L in feet, 0.0078): 29,527.6 ft
    assert kirpich_minutes(9000.0, 0.006) == pytest.approx(0.0078 * (9000 / 0.3048) ** 0.77 * 0.006 ** -0.385,
                                                           rel=2e-3)
    with pytest.raises(ValueError):
        kirpich_minutes(9000.0, 0.0)


def test_rational_peak_by_hand():
    # C = 0.5, i = 36 mm/h, A = 10 km2: 0.5 x 36 x 10 / 3.6 = 50 m3/s (0.278 x ... = 50.04)
    assert rational_peak(0.5, 36.0, 10.0) == pytest.approx(50.0)
    assert rational_peak(0.5, 36.0, 10.0) == pytest.approx(0.278 * 0.5 * 36 * 10, rel=1e-3)
    # US form Q = C i A with i in in/h and A in acres gives ft3/s within 0.8 %: 1 in/h on
    # 1 acre (25.4 mm/h on 0.00404686 km2) is 1.008 ft3/s (1 ft3/s = 0.0283168 m3/s)
    assert rational_peak(1.0, 25.4, 0.00404686) / 0.0283168 == pytest.approx(1.008, abs=5e-4)
    with pytest.raises(ValueError):
        rational_peak(1.2, 36.0, 10.0)


def test_depth_over_tc_by_power_law():
    # between (60 min, 70 mm) and (180 min, 131 mm): n = ln(131/70)/ln 3 = 0.57045;
    # at 154.96 min: 70 x (2.58263)^0.57045 = 70 x 1.71815 = 120.27 mm
    points = [(60.0, 70.0), (180.0, 131.0), (360.0, 172.0)]
    assert depth_for_duration(points, 154.96) == pytest.approx(120.27, abs=0.01)
    assert depth_for_duration(points, 60.0) == pytest.approx(70.0)
    assert depth_for_duration(points, 360.0) == pytest.approx(172.0)
    # beyond the last point the last segment's exponent: n = ln(172/131)/ln 2 = 0.39284
    assert depth_for_duration(points, 720.0) == pytest.approx(172 * 2 ** 0.39284, rel=1e-4)
    with pytest.raises(ValueError):
        depth_for_duration([(60.0, 70.0), (30.0, 80.0)], 45.0)


def test_triangle_hydrograph():
    assert triangle(-1, 2, 100, 60) == 2 and triangle(130, 2, 100, 60) == 2
    assert triangle(30, 2, 100, 60) == pytest.approx(52) and triangle(60, 2, 100, 60) == pytest.approx(102)
    assert triangle(90, 2, 100, 60) == pytest.approx(52)


# ------------------------------------------------------------------ the scenario
def hand() -> dict:
    """The scenario's times (minutes after the start) worked from its file."""
    c, st, g = HAZ["catchment"], HAZ["storm"], HAZ["gauge"]
    assert (c["area_km2"], c["channel_length"], c["slope"], c["runoff_coefficient"]) == (30, "9km", "0.6%", "60%")
    tc = 0.0195 * 9000 ** 0.77 * 0.006 ** -0.385                    # 154.96 min
    n = math.log(131 / 70) / math.log(3)
    rain = 70 * (tc / 60) ** n                                         # 120.27 mm
    i = rain / tc * 60                                                 # 46.57 mm/h
    qp = 0.6 * i * 30 / 3.6                                            # 232.8 m3/s above base
    base = 2.0
    b = g["rating"]["b"]
    a = 60.0 / 3.0 ** b
    q_warn = a * 2.0 ** b                                              # 30.5 m3/s at 2.0 m
    begins = 60.0
    return {"tc": tc, "i": i, "qp": qp,
            "above_warning": begins + (q_warn - base) / qp * tc,     # 19.0 min after the burst
            "flooded": begins + (60.0 - base) / qp * tc,             # 38.6 min after
            "warning": begins + 50.0 / i * 60 + 15.0}                # 79.4 min after


@pytest.fixture(scope="module")
def run0(host):
    sim = Simulation(load_scenario(PATH, host=host), host, replication=0)
    sim.run()
    return sim


def test_the_stream_rises_when_worked_by_hand(run0):
    h = hand()
    figs = next(e.details["figures"] for e in run0.log.events if e.kind == "hazard_summary")
    assert figs["time_of_concentration_min"] == pytest.approx(h["tc"], rel=1e-9)
    assert figs["peak_m3s"] == pytest.approx(h["qp"], rel=1e-9)
    assert figs["rain_to_peak_min"] == pytest.approx(h["tc"], abs=5.0)     # on the 5-min grid
    arrivals = {e.details["level"]: e.t for e in run0.log.events if e.kind == "hazard_arrival"}
    # stage is interpolated linearly between 5-min steps while h ~ Q^(1/b): within a minute
    assert arrivals["warning"] == pytest.approx(h["above_warning"], abs=1.0)
    assert arrivals["impact"] == pytest.approx(h["flooded"], abs=1.0)
    warned = next(e for e in run0.log.events if e.kind == "warning_issued")
    assert warned.t == pytest.approx(h["warning"], rel=1e-9)
    assert warned.details["rule"] == "critical rainfall 50 mm"
    # the rain to the peak is short: under 3 h
    assert h["tc"] < 180


def test_the_warning_lead_row_fails_by_design_and_says_why(host):
    outcome = run_scenario(load_scenario(PATH, host=host), host, replications=2)
    rows = {r.id: r for r in outcome.rows}
    h = hand()
    t1 = rows["T1"]
    assert t1.status == "fail" and t1.passed is False
    assert t1.mean == pytest.approx((h["above_warning"] - h["warning"]) / 60, abs=1 / 60)  # -1.0 h
    assert t1.breakdown[0]["label"] == "shouqiao (warned after arrival)"
    why = t1.fails_by_design
    # the reason's figures are the model's, so the note cannot drift from the run
    tc, warn, late = (int(x) for x in re.findall(r"(\d+) min", why)[:3])
    assert (tc, warn, late) == (round(h["tc"]), round(h["above_warning"] - 60), round(h["warning"] - 60))
    e1 = rows["E1"]
    assert e1.status == "fail" and e1.fails_by_design
    flood, gap = (int(x) for x in re.findall(r"(\d+) min", e1.fails_by_design)[:2])
    assert (flood, gap) == (round(h["flooded"] - 60), round(h["warning"] - h["flooded"]))


def test_the_scorecard_prints_why(host, tmp_path):
    from click.testing import CliRunner

    from drillsim.cli.main import main as cli

    out = tmp_path / "s.json"
    report = tmp_path / "r.md"
    res = CliRunner().invoke(cli, ["run", str(PATH), "-n", "1", "--json", str(out), "--report", str(report)])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    assert "fails by design: the Pingtan river's time of concentration (Kirpich) is 155 min" in flat
    data = json.loads(out.read_text(encoding="utf-8"))
    t1 = next(r for r in data["targets"] if r["id"] == "T1")
    assert t1["fails_by_design"].startswith("the Pingtan river's time of concentration")
    text = report.read_text(encoding="utf-8")
    # once, in T1's line of the missed targets (it was repeated in a list of its own below)
    assert text.count("fails by design: the Pingtan river's time of concentration") == 1
    assert next(x for x in text.splitlines() if x.startswith("- **T1** Flash flood warning lead time")).endswith(
        "only a weather forecast hours ahead could)")


def test_a_row_that_passes_though_designed_to_fail_is_flagged():
    from types import SimpleNamespace

    from drillsim.report.common import design_text

    row = SimpleNamespace(status="pass", fails_by_design="no warning can come before the rain")
    assert design_text(row).startswith("passed although expected to fail by design")
    assert design_text(SimpleNamespace(status="fail", fails_by_design=None)) is None


def test_the_drill_pack_is_valid_and_drills_blind(host, tmp_path):
    from drillsim.drill.packs import check_pack
    from drillsim.drill.session import DrillSession

    pack = SCENARIOS / "packs" / "flash_flood.yaml"
    checked, _ = check_pack(pack, host)
    assert len(checked.variants) == 3 and checked.injects
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(pack, seed=20130630, host=host, log_path=log)
    s.advance_to(6 * 60)
    texts = [m.text for m in s.messages]
    assert any(t.startswith("flood warning for the Pingtan") for t in texts), texts[:8]
    s.close()
    text = log.read_text(encoding="utf-8")
    assert str(s.seed) not in text and s.drawn.variant not in text and "flash_flood.yaml" not in text
