"""Procedure KN (Kim & Nelson 2001): its constants by hand, its probability of correct
selection on normal output with known means, its budget, and the simulation check of
``drillsim optimise`` on the four-township road graph (same answer on any number of
workers)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.planning.selection import kn_constants, kn_select
from tests.test_coverage import four  # noqa: F401  (fixture)


def test_kn_constants_by_hand():
    # k = 2, alpha = 0.05, n0 = 10: eta = ((2*0.05/1)^(-2/9) - 1)/2 = (10^(2/9) - 1)/2
    # 10^(2/9) = e^(0.2222 * 2.302585) = e^0.511686 = 1.668101; eta = 0.334050; h2 = 2*eta*9
    eta, h2 = kn_constants(2, 0.05, 10)
    assert eta == pytest.approx(0.334050, abs=1e-6)
    assert h2 == pytest.approx(6.012907, abs=1e-5)
    # k = 5, alpha = 0.05, n0 = 20: (0.1/4)^(-2/19) = 40^(2/19) = e^(0.105263 * 3.688879) = e^0.388303 = 1.474477
    eta, h2 = kn_constants(5, 0.05, 20)
    assert eta == pytest.approx((1.474477 - 1) / 2, abs=1e-6)
    assert h2 == pytest.approx(2 * eta * 19)


def normal_sampler(means, sd, rho, rng):
    """Outputs N(mean_i, sd²) with correlation rho between systems in a replication
    (common random numbers), replication r always drawing the same shared part."""
    cache = {}

    def sample(systems, first, last):
        out = {}
        for i in systems:
            vals = []
            for r in range(first, last):
                if r not in cache:
                    cache[r] = (rng.standard_normal(), rng.standard_normal(len(means)))
                common, own = cache[r]
                vals.append(means[i] + sd * (math.sqrt(rho) * common + math.sqrt(1 - rho) * own[i]))
            out[i] = vals
        return out
    return sample


def test_probability_of_correct_selection_in_the_slippage_configuration():
    """Best system 0 exactly delta better than four others (the least favourable case KN
    guarantees): over 300 independent runs it must be chosen in at least 95 %, less a
    sampling allowance (binomial sd at 0.95 and n = 300 is 0.0126; KN is conservative)."""
    delta, rng = 1.0, np.random.default_rng(20010701)
    means = [0.0] + [delta] * 4     # minimising: system 0 is best
    correct = 0
    for _ in range(300):
        sel = kn_select(5, normal_sampler(means, 2.0, 0.5, rng), delta=delta, confidence=0.95,
                        n0=10, budget=10_000)
        assert sel.guaranteed
        correct += sel.chosen == 0
    assert correct / 300 >= 0.93


def test_common_random_numbers_stop_sooner():
    rng = np.random.default_rng(7)
    used = {}
    for rho in (0.0, 0.9):
        sel = kn_select(3, normal_sampler([0.0, 0.5, 0.5], 2.0, rho, rng), delta=0.5, n0=10,
                        budget=100_000)
        used[rho] = sum(len(v) for v in sel.values.values())
    assert used[0.9] < used[0.0]


def test_the_budget_stops_it_and_says_no_guarantee():
    sel = kn_select(3, normal_sampler([0.0, 0.0, 0.0], 1.0, 0.0, np.random.default_rng(3)),
                    delta=0.01, n0=10, budget=30, step=5)
    assert not sel.guaranteed and len(sel.survivors) >= 2
    assert max(len(v) for v in sel.values.values()) == 30


SPEC = """\
name: one site among four, checked
scenario: four.yaml
force: north
sites: 1
objective: p_median
layouts: 3
check: {target: M, measure: mean, indifference: 0.5min, confidence: 95%, first: 10, max: 200, step: 5}
"""
CALLS = """\
run: {horizon: 20d, replications: 2, seed: 42}
forces:
  - {id: north, type: district_rescue_team, base: a, vehicle: car, turnout: 2min, capabilities: {people: 1}}
hazards:
  - id: calls
    type: poisson_incidents
    params: {rate: 0.2/h, places: [a, b, c, d], place_weights: population, demand: {people: 1}, on_scene_mean: 5min, on_scene_distribution: fixed}
"""


def test_simulation_check_on_four_townships(four, tmp_path):  # noqa: F811
    root = four.parent
    (root / "plan.yaml").write_text("""\
name: plan
required_pass_rate: 90%
targets:
  - {id: M, title: mean response, metric: response_time, statistic: mean, comparison: "<=", threshold: 30min, unit: min, params: {interval: dispatch_to_arrival}}
""", encoding="utf-8")
    text = four.read_text().split("run:")[0] + CALLS
    four.write_text(text, encoding="utf-8")
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    outs = []
    for workers in ("0", "2"):
        out = tmp_path / f"o{workers}.json"
        r = CliRunner().invoke(main, ["optimise", str(root / "spec.yaml"), "--json", str(out),
                                      "-w", workers, "-q"])
        assert r.exit_code == 0, r.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]            # the same on any number of workers
    check = json.loads(outs[0])["check"]
    # p-median order c (6.0 people-min per person), d (7.0), b (10.0): the simulated mean
    # response (turnout 2 + travel, dispatched from base when calls are rare) follows it
    assert [lay["sites"] for lay in json.loads(outs[0])["layouts"]] == [["c"], ["d"], ["b"]]
    assert check["chosen"] == ["c"] and check["guaranteed"]
    means = {tuple(row["layout"]): row["mean"] for row in check["layouts"]}
    assert means[("c",)] < means[("d",)] < means[("b",)]
    assert 7.5 <= means[("c",)] <= 9.0   # 2 + 6.0 min, a little more when the unit is away
    assert check["difference"] < 0 and check["difference_ci"][1] < 0
