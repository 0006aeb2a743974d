"""Level-pool routing (plugins/flood/reservoir.py) and the flash flood's WK1 (P37).

The storage-indication method (Chow, Maidment & Mays 1988, §8.2) against an independent
integration of dS/dt = I − O(S) by small explicit steps (1 s); the level-pool property
that the outflow peaks where it meets the falling inflow; steady flow passing unchanged;
and one step worked by hand."""

from __future__ import annotations

import pytest

from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from drillsim_plugins.flood.rational import triangle
from drillsim_plugins.flood.reservoir import ReservoirParams, head_for, level_pool, outflow
from tests.conftest import SCENARIOS

POOL = ReservoirParams(name="r", surface_area_km2=1.0, spillway_length_m=20.0)


def euler(p, inflow_at, t_end_min, dt_s=1.0):
    """dS/dt = I − C L (S/A)^1.5 by explicit steps of dt_s seconds: (peak O, its minute)."""
    area = p.surface_area_km2 * 1e6
    s = area * head_for(p, inflow_at(0.0))
    best, when, t = 0.0, 0.0, 0.0
    while t < t_end_min * 60:
        o = outflow(p, s / area)
        if o > best:
            best, when = o, t / 60
        s += (inflow_at(t / 60) - o) * dt_s
        t += dt_s
    return best, when


def test_one_step_by_hand():
    # from an empty pool (no inflow) to 100 m3/s in 10 min: 2 A H / dt + C L H^1.5 = 0 + 100
    # 3,333.3 H + 34 H^1.5 = 100 → H = 0.02995 m (3,333.3 × 0.02995 = 99.83; 34 × 0.02995^1.5 = 0.176)
    out, heads = level_pool(POOL, [0.0, 100.0], 10.0)
    assert heads[1] == pytest.approx(0.02995, abs=2e-5)
    assert out[1] == pytest.approx(0.176, abs=2e-3)


def test_steady_flow_passes_unchanged():
    out, heads = level_pool(POOL, [40.0] * 20, 5.0)
    assert all(o == pytest.approx(40.0, rel=1e-9) for o in out)
    # 40 = 1.7 × 20 × H^1.5 → H = (40/34)^(2/3) = e^(2/3 × 0.162519) = 1.1144 m
    assert heads[0] == pytest.approx(1.1144, abs=1e-4)


def test_against_small_explicit_steps_and_the_peak_on_the_falling_inflow():
    base, peak, tc = 2.0, 234.8, 155.0
    inflow_at = lambda t: triangle(t - 60.0, base, peak, tc)
    dt = 5.0
    times = [j * dt for j in range(150)]
    inflow = [inflow_at(t) for t in times]
    out, _ = level_pool(POOL, inflow, dt)
    j = max(range(len(out)), key=out.__getitem__)
    ref_peak, ref_t = euler(POOL, inflow_at, times[-1])
    assert out[j] == pytest.approx(ref_peak, rel=0.01)
    assert times[j] == pytest.approx(ref_t, abs=dt)
    # the peak outflow lies on the falling inflow: storage is greatest where I = O
    assert times[j] > 60.0 + tc
    assert out[j] == pytest.approx(inflow[j], rel=0.05)
    assert out[j] < 0.4 * peak


def test_wk1_without_and_with_the_reservoir(host):
    path = SCENARIOS / "flash_flood.yaml"
    rows = {r.id: r for r in run_scenario(load_scenario(path, host=host), host, replications=1).rows}
    assert rows["WK1"].status == "fail" and rows["WK1"].mean == pytest.approx(3.80, abs=0.01)
    pool = {"name": "r", "surface_area_km2": 1.0, "spillway_length_m": 20}
    with_pool = load_scenario(path, host=host, overrides={"hazards[0].params.reservoir": pool})
    outcome = run_scenario(with_pool, host, replications=1)
    rows = {r.id: r for r in outcome.rows}
    figs = next(e.details["figures"] for e in outcome.first_events if e.kind == "hazard_summary")
    # the routed peak through the town's rating (60 m3/s at the 3.0 m bank, b = 5/3):
    # stage = 3.0 (Q/60)^0.6; 75.95 m3/s → 3.0 × 1.2658^0.6 = 3.456 m, 0.456 m above the bank
    q = figs["reservoir_peak_outflow_m3s"]
    assert q == pytest.approx(75.95, abs=0.05)
    assert rows["WK1"].mean == pytest.approx(3.0 * (q / 60.0) ** 0.6 - 3.0, abs=0.01)
    assert rows["WK1"].mean == pytest.approx(0.456, abs=0.01)
    assert rows["E1"].status == "pass"        # the pool delays the water past the evacuation
