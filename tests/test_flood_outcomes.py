"""Flood outcomes (plugins/flood/outcomes.py, metrics.py): plan K5 and K6 (P51).

Mortality against the normal table (Φ(−2.51) = 0.00604, Φ(−2.52) = 0.00587;
Φ(−1.29) = 0.0985); the expected deaths over a township's low ground against the closed
form of the lognormal partial expectation; the scenarios' rows against their own
``flood_outcome`` events and the recorded absence of deaths on the Qiongjiang."""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from drillsim_plugins.flood.outcomes import expected_deaths, mortality
from tests.conftest import SCENARIOS


def phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def test_mortality_against_the_normal_table():
    # remaining zone, 2 m: (ln 2 − 7.60) / 2.75 = −2.5116 → between Φ(−2.51) and Φ(−2.52)
    assert mortality(2.0) == pytest.approx(0.00604 - 0.16 * (0.00604 - 0.00587), abs=2e-5)
    # rapidly rising zone, 3 m rising 1 m/h: (ln 3 − 1.46) / 0.28 = −1.2907 → Φ(−1.29) = 0.0985
    assert mortality(3.0, 1.0) == pytest.approx(0.0985, abs=3e-4)
    # 3 m rising slowly (0.4 m/h) stays in the remaining zone: (1.0986 − 7.6) / 2.75 = −2.364 → 0.0090
    assert mortality(3.0, 0.4) == pytest.approx(0.0090, abs=1e-4)
    # under 2.1 m the rise does not matter
    assert mortality(2.0, 3.0) == mortality(2.0)
    assert mortality(0.0) == 0.0


def test_expected_deaths_against_the_closed_form():
    # ∫_0^h Φ((ln u − μ)/σ) du = h Φ(z) − e^(μ + σ²/2) Φ(z − σ), z = (ln h − μ)/σ
    mu, sigma, h, fd, people = 7.60, 2.75, 2.0, 3.0, 1000.0
    z = (math.log(h) - mu) / sigma
    closed = h * phi(z) - math.exp(mu + sigma ** 2 / 2) * phi(z - sigma)
    assert expected_deaths(people, h, fd) == pytest.approx(people / fd * closed, rel=1e-3)
    # ≈ 1.92 by hand: 1000/3 × (2 × 0.006010 − 87,653 × 7.15e-8)
    assert expected_deaths(people, h, fd) == pytest.approx(1.92, abs=0.01)
    # water above the top of the low ground: homes from h − fd to h deep
    lo, hi = 1.0, 4.0
    part = lambda x: x * phi((math.log(x) - mu) / sigma) - math.exp(mu + sigma ** 2 / 2) * phi(
        (math.log(x) - mu) / sigma - sigma)
    assert expected_deaths(people, hi, hi - lo) == pytest.approx(people / 3.0 * (part(hi) - part(lo)), rel=1e-3)
    assert expected_deaths(0.0, 2.0, 3.0) == 0.0
    with pytest.raises(ValueError):
        expected_deaths(10.0, 1.0, 0.0)


@pytest.mark.parametrize("name", ["flash_flood", "qiongjiang_flood"])
def test_rows_add_up_the_townships_events(host, name):
    path = SCENARIOS / f"{name}.yaml"
    sim = Simulation(load_scenario(path, host=host), host, replication=0)
    sim.run()
    out = [e.details for e in sim.log.events if e.kind == "flood_outcome"]
    assert out
    for d in out:
        # the event's deaths from its own depth, rise and people (full_depth from the file)
        town = next(t for t in sim.scenario.hazards[0].params.townships if t.township == d["township"])
        assert d["deaths_expected"] == pytest.approx(
            expected_deaths(d["people_left"], d["depth_m"], town.full_depth, d["rise_m_h"]), rel=1e-3, abs=1e-3)
    rows = {r.id: r for r in run_scenario(load_scenario(path, host=host), host, replications=1).rows}
    assert rows["K5"].mean == pytest.approx(sum(d["deaths_expected"] for d in out) * 1e6 / 658000, rel=1e-3)
    assert rows["K6"].mean == pytest.approx(sum(d["affected"] for d in out) * 1e5 / 658000, rel=1e-6)


def test_qiongjiang_agrees_with_the_record_and_the_flash_flood_fails(host):
    # the July 2020 Qiongjiang flood killed nobody (plan I.(1).3): shallow, slow water
    q = {r.id: r for r in run_scenario(load_scenario(SCENARIOS / "qiongjiang_flood.yaml", host=host),
                                         host, replications=1).rows}
    assert q["K5"].mean < 1.0 and q["K5"].status == "pass"
    # a cloudburst flooding Shouqiao 3.8 m deep at 3.4 m/h before its evacuation is done
    f = {r.id: r for r in run_scenario(load_scenario(SCENARIOS / "flash_flood.yaml", host=host),
                                         host, replications=1).rows}
    assert f["K5"].mean > 5.0 and f["K5"].status == "fail"
