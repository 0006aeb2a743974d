"""`drillsim calc`: Erlang B, Erlang C and Larson's hypercube model against published
tables and worked examples, and hand calculations.

Sources of the expected values:

- Erlang B: B(15 units, 10 erlangs) = 0.0365 (the standard Erlang B table; the exact value
  0.036497 is also the closed form a^N/N! / Σ a^k/k!, computed here independently);
  Westbay Engineers' Erlang B calculator manual (erlang.com, "How much traffic can a
  trunk group handle?"): 15 lines at 1 % blocking carry 8.108 erlangs.
- Erlang C: Stevenson's published M/M/c table of L_q (tests/data/mmc_stevenson.json:
  Stevenson, *Operations Management*, "Infinite-source values for Lq and P0"), with
  L_q = C·a/(N − a).
- Hypercube: Larson & Odoni, *Urban Operations Research* (1981), §5.4.3 and §5.5.3 (the
  three-server, 10-atom example): exact workloads 0.5574, 0.4734, 0.4693; Larson's
  approximation 0.5627, 0.4716, 0.4657, converged "on the third iteration" for a
  criterion ε = 0.0011; correction factors Q(3, ½, ·) = 1, 0.73684, 0.63158. The figure's
  atom rates are not printed in the text; scenarios/calc/larson_three_units.yaml merges
  the atoms by preference order with the rates (multiples of 0.05, unit 1's area 50 % of
  the calls as the text says) that reproduce all three exact workloads — the
  approximation's published iterates and ε then follow independently.
- The approximation's tolerance: Larson & Odoni §5.5.3 — workload errors "about 1
  percent", "approximation errors for these measures [...] rarely exceed 2 percent and
  often are near 1 percent".
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.planning.erlang import delay, erlang_b, erlang_c, smallest_units
from drillsim.planning.hypercube import (System, correction, preference_by_travel, solve_exact,
                                        solve_approx)
from drillsim.planning.hypercube_spec import load_system

from .conftest import DATA, SCENARIOS
from .test_queueing_theory import hypercube_exact

LARSON = SCENARIOS / "calc" / "larson_three_units.yaml"
THREE_AREAS = SCENARIOS / "calc" / "three_areas.yaml"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ------------------------------------------------------------------ Erlang B and C
def test_erlang_b_matches_the_published_table_and_the_closed_form():
    assert erlang_b(15, 10.0) == pytest.approx(0.0365, abs=5e-5)
    closed = (10.0 ** 15 / math.factorial(15)) / sum(10.0 ** k / math.factorial(k) for k in range(16))
    assert erlang_b(15, 10.0) == pytest.approx(closed, rel=1e-12)
    # erlang.com: 15 lines, 1 % blocking -> 8.108 erlangs (three decimals)
    assert erlang_b(15, 8.1075) < 0.01 < erlang_b(15, 8.1085)
    # by hand: B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2; no units: every call blocked
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_b(0, 3.0) == 1.0
    # the recursion stays finite where a^N/N! overflows
    assert 0 < erlang_b(2000, 1900.0) < 1


#: The standard Erlang B traffic table: offered load (erlangs, three decimals) that N
#: circuits carry at 1 % and 2 % blocking (grade of service); the same figures appear in
#: every published Erlang B table (e.g. Westbay Engineers' tables at erlang.com).
ERLANG_B_TABLE = [(0.01, 1, 0.0101), (0.01, 2, 0.153), (0.01, 3, 0.455), (0.01, 4, 0.869),
                  (0.01, 5, 1.361), (0.01, 10, 4.461), (0.01, 20, 12.031), (0.01, 30, 20.337),
                  (0.01, 50, 37.901), (0.01, 100, 84.064), (0.02, 5, 1.657), (0.02, 10, 5.084),
                  (0.02, 20, 13.182)]


@pytest.mark.parametrize("grade,units,load", ERLANG_B_TABLE)
def test_erlang_b_reproduces_the_traffic_table(grade, units, load):
    """The table's load, rounded to 0.001 erlang (0.0001 for N = 1), brackets the grade of
    service; the fewest units for that grade at a load just under the table's is N, and the
    command says so."""
    half = 0.00005 if units == 1 else 0.0005
    assert erlang_b(units, load - half) < grade < erlang_b(units, load + half)
    assert smallest_units(load - half, blocking=grade) == units
    assert smallest_units(load + half, blocking=grade) == units + 1
    r = invoke("calc", "erlang-b", "--load", load - half, "--max-blocking", f"{grade * 100:g}%", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["fewest_units"] == units, r.output


@pytest.mark.parametrize("load", [0.05, 0.5, 0.9, 0.99, 0.999])
def test_erlang_c_one_and_two_units_by_hand_up_to_saturation(load):
    """M/M/1: P(wait) = ρ = a, W_q = ρ/(μ − λ); M/M/2 with ρ = a/2: P(wait) = 2ρ²/(1 + ρ),
    W_q = P(wait)/(2μ − λ) (Gross, Shortle, Thompson & Harris, §2.2–2.3, by hand), for loads
    up to 99.9 % of capacity, in minutes with a 30-min holding time."""
    hold = 30.0
    one = delay(1, load, hold)
    assert one.wait_probability == pytest.approx(load, rel=1e-12)
    assert one.mean_wait == pytest.approx(load / ((1 - load) / hold), rel=1e-9)
    rho = load                                    # a = 2ρ on two units
    two = delay(2, 2 * rho, hold)
    assert two.wait_probability == pytest.approx(2 * rho ** 2 / (1 + rho), rel=1e-9)
    assert two.mean_wait == pytest.approx(two.wait_probability / ((2 - 2 * rho) / hold), rel=1e-9)
    assert two.mean_queue == pytest.approx(2 * rho / hold * two.mean_wait, rel=1e-12)   # Little: L_q = λ W_q


def test_erlang_c_reproduces_stevenson_lq():
    table = json.loads((DATA / "mmc_stevenson.json").read_text(encoding="utf-8"))["Q1_mmc_stevenson_table"]
    tol = table["tolerance"]["analytic_vs_published"]["Lq_abs"]
    for case in table["expected"]:
        a, n = case["a_erlangs"], case["servers"]
        lq = delay(n, a, 1.0).mean_queue       # mean holding time 1: λ = a
        assert lq == pytest.approx(case["expected_published"]["Lq"], abs=tol), (a, n)
        assert lq == pytest.approx(erlang_c(n, a) * a / (n - a), rel=1e-12)


def test_erlang_c_wait_tail_by_hand():
    # 4.5 calls/h, 40 min each: a = 3 erlangs on 5 units
    d = delay(5, 3.0, 40.0, [10.0])
    b = erlang_b(5, 3.0)
    c = 5 * b / (5 - 3 * (1 - b))
    assert d.wait_probability == pytest.approx(c)
    assert d.mean_wait == pytest.approx(c / (2 / 40))              # C / (Nμ − λ), μ = 1/40
    assert d.wait_over[10.0] == pytest.approx(c * math.exp(-0.5))  # (Nμ − λ)·t = 0.05·10
    assert smallest_units(3.0, wait=(10.0, 0.10, 40.0)) == 6       # P(W>10) 14.3 % at 5, 4.7 % at 6
    with pytest.raises(ValueError):
        erlang_c(3, 3.0)


def test_calc_erlang_commands():
    r = invoke("calc", "erlang-b", "--load", "10", "--units", "15", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["results"][0]["blocking"] == pytest.approx(0.0364969, abs=1e-7)
    r = invoke("calc", "erlang-c", "--rate", "4.5/h", "--service", "40min", "--wait", "10min",
               "--max-waiting", "10%", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["fewest_units"] == 6 and data["offered_load_erlangs"] == pytest.approx(3.0)
    assert [x["units"] for x in data["results"]][0] == 4            # the first stable count
    r = invoke("calc", "erlang-b", "--rate", "4.5/h", "--service", "40min", "--max-blocking", "1%")
    assert r.exit_code == 0 and "Fewest units with at most 1 % blocked: 8" in r.output
    # bad input: a message and exit status 2, never a traceback
    for args, words in ((["erlang-c", "--load", "3", "--service", "40min", "--units", "3"], "grows without bound"),
                        (["erlang-b", "--rate", "4.5", "--service", "40min"], "not a rate with a unit"),
                        (["erlang-b", "--rate", "4.5/h"], "give --rate"),
                        (["erlang-b", "--load", "3", "--rate", "1/h", "--service", "1h"], "not both")):
        r = invoke("calc", *args)
        assert r.exit_code == 2 and words in r.output, (args, r.output)
        assert "Traceback" not in r.output


# ------------------------------------------------------------------ hypercube
def test_hypercube_exact_reproduces_larson_and_odoni():
    _, s = load_system(LARSON)
    sol = solve_exact(s)
    assert sol.workload == pytest.approx([0.5574, 0.4734, 0.4693], abs=5e-5)
    # infinite line: P(wait) does not depend on who is sent — it is Erlang C
    assert sol.queued == pytest.approx(erlang_c(3, 1.5), rel=1e-9)
    assert sol.workload.sum() == pytest.approx(1.5, rel=1e-9)
    assert sol.served.sum(axis=0) == pytest.approx([1.0] * 4)
    assert list(correction(3, 1.5, "infinite")) == pytest.approx([1.0, 0.73684, 0.63158], abs=5e-6)


def _exact_correction(n: int, load, j: int):
    """Q(N, ρ, j) of an M/M/N system with an infinite line, in exact rational arithmetic
    (Larson & Odoni §5.5.3: Q = Σ_{k=j}^{N−1} P_k C(N−j−1, k−j)/C(N, k) / (ρ^j (1 − ρ)),
    P_k ∝ a^k/k!, the all-busy tail a^N/N! / (1 − a/N))."""
    a = Fraction(load)
    terms = [a ** k / math.factorial(k) for k in range(n)]
    total = sum(terms) + a ** n / math.factorial(n) / (1 - a / n)
    rho = a / n
    exact = sum(terms[k] / total * Fraction(math.comb(n - j - 1, k - j), math.comb(n, k))
                for k in range(j, n))
    return exact / (rho ** j * (1 - rho))


@pytest.mark.parametrize("n, load", [(150, "1/2"), (200, "21/10")])
def test_correction_factors_of_many_lightly_loaded_units(n, load):
    """Many units and a light load: P_k and ρ^j underflow to 0 in floats (0/0 made the
    approximation fail, "did not settle"); the factors agree with exact arithmetic."""
    q = correction(n, float(Fraction(load)), "infinite")
    assert np.isfinite(q).all()
    for j in (0, 1, n // 2, n - 1):
        assert q[j] == pytest.approx(float(_exact_correction(n, Fraction(load), j)), rel=1e-9)


def test_hypercube_approximation_reproduces_larson_and_odoni():
    _, s = load_system(LARSON)
    sol = solve_approx(s)
    third = sol.history[2]
    assert third == pytest.approx([0.5627, 0.4716, 0.4657], abs=1e-4)
    # the book's convergence: the third iterate moved by ε ≈ 0.0011
    assert float(np.max(np.abs(sol.history[2] - sol.history[1]))) == pytest.approx(0.0011, abs=1e-4)
    assert sol.workload == pytest.approx([0.5627, 0.4716, 0.4657], abs=2e-4)
    exact = solve_exact(s).workload
    # the book: maximum error about 0.0053 (1 %), average about 0.7 %
    assert np.max(np.abs(sol.workload - exact)) == pytest.approx(0.0053, abs=3e-4)
    assert np.mean(np.abs(sol.workload - exact) / exact) == pytest.approx(0.007, abs=0.002)


@pytest.mark.parametrize("queue", ["none", "infinite"])
def test_hypercube_exact_agrees_with_the_validation_solver(queue):
    """The product's sparse solver and the test suite's own dense one (test_queueing_theory,
    which the simulated engine is checked against) give the same numbers."""
    _, s = load_system(THREE_AREAS)
    if queue == "infinite":
        s = System(s.units, s.atoms, s.rates, s.preference, s.service, "infinite")
    sol = solve_exact(s)
    rates_per_hour = [r * 60 for r in s.rates]
    ref = hypercube_exact(rates_per_hour, {j: list(p) for j, p in enumerate(s.preference)},
                          queue == "infinite")
    assert sol.workload == pytest.approx(ref["workload"], rel=1e-9)
    assert sol.out_of_area == pytest.approx(ref["out"], rel=1e-9)
    assert sol.lost == pytest.approx(ref["lost"], rel=1e-9, abs=1e-15)
    if queue == "none":
        assert sol.lost == pytest.approx(erlang_b(3, 2.1), rel=1e-9)


def test_hypercube_two_units_by_hand():
    """Two units, two atoms, each unit first for its own atom, load 1 erlang split evenly,
    no line. π00 = 1/(1 + a + a²/2) = 0.4, π10 = π01 = 0.2, π11 = 0.2. A call from atom a
    is served by its own unit in states 00 and 01 (0.6), by the other in 10 (0.2), lost in
    11: the other unit's share of served calls is 0.25; with 5 min own and 15 min other,
    mean travel 0.75·5 + 0.25·15 = 7.5 min."""
    s = System(("A", "B"), ("a", "b"), (0.5 / 60, 0.5 / 60), ((0, 1), (1, 0)), 60.0, "none",
               ((5.0, 15.0), (15.0, 5.0)))
    for sol in (solve_exact(s), solve_approx(s)):
        assert sol.lost == pytest.approx(0.2)
        assert sol.served[:, 0] == pytest.approx([0.6, 0.2])
        assert sol.out_of_area == pytest.approx(0.25)
        assert sol.mean_travel == pytest.approx(7.5)
        assert sol.workload == pytest.approx([0.4, 0.4])   # a(1 − B)/2 by symmetry


def test_hypercube_approximation_within_the_stated_tolerance():
    """Random cities (3–9 units, nearest-first preferences, loads 0.3–0.7 per unit, both
    line capacities): the approximation's workloads are near 1 % of exact (median) and its
    mean travel time within 2 % in at least 90 % of cities, as Larson & Odoni state."""
    rng = np.random.default_rng(2026)
    rel, travel = [], []
    for _ in range(25):
        n = int(rng.integers(3, 10))
        atoms = int(rng.integers(2 * n, 4 * n))
        t = np.linalg.norm(rng.random((n, 1, 2)) - rng.random((1, atoms, 2)), axis=2) * 20
        w = rng.random(atoms) + 0.5
        for queue in ("none", "infinite"):
            for per_unit in (0.3, 0.5, 0.7):
                lam = w / w.sum() * per_unit * n / 60
                s = System(tuple(f"u{i}" for i in range(n)), tuple(f"a{j}" for j in range(atoms)),
                           tuple(lam), tuple(preference_by_travel(t)), 60.0, queue,
                           tuple(map(tuple, t)))
                e, a = solve_exact(s), solve_approx(s)
                rel.extend(np.abs(a.workload - e.workload) / e.workload)
                travel.append(abs(a.mean_travel - e.mean_travel) / e.mean_travel)
    assert np.median(rel) <= 0.015
    assert np.mean(np.array(travel) <= 0.02) >= 0.9


def test_calc_hypercube_command(tmp_path: Path):
    r = invoke("calc", "hypercube", LARSON, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["method"] == "exact"
    assert data["workload"]["unit_1"] == pytest.approx(0.5574, abs=5e-5)
    r = invoke("calc", "hypercube", LARSON, "--method", "approx")
    assert r.exit_code == 0 and "Larson's approximation" in r.output and "56.3 %" in r.output
    # travel instead of preferences: nearest first, mean travel reported
    spec = tmp_path / "h.yaml"
    spec.write_text("name: two\nrate: 1/h\nservice: 60min\nqueue: none\nunits: [A, B]\natoms:\n"
                    "  - {id: a, demand: 1, travel: {A: 5min, B: 15min}}\n"
                    "  - {id: b, demand: 1, travel: {A: 15min, B: 5min}}\n", encoding="utf-8")
    data = json.loads(invoke("calc", "hypercube", spec, "--json").output)
    assert data["mean_travel_minutes"] == pytest.approx(7.5)
    # a misspelt unit: file, line and field; exit status 2
    spec.write_text("name: two\nrate: 1/h\nservice: 60min\nunits: [A, B]\natoms:\n"
                    "  - {id: a, demand: 1, preference: [A, C]}\n", encoding="utf-8")
    r = invoke("calc", "hypercube", spec)
    assert r.exit_code == 2
    assert f"{spec}:6:" in r.output and "atoms[0].preference[1]: no unit 'C'" in r.output
    assert "Traceback" not in r.output
    spec.write_text("name: two\nrate: 3/h\nservice: 60min\nunits: [A, B]\natoms:\n"
                    "  - {id: a, demand: 1, preference: [A, B]}\n", encoding="utf-8")
    r = invoke("calc", "hypercube", spec)
    assert r.exit_code == 2 and "grows without bound" in r.output


def test_fewest_units_by_the_recursion_and_a_screen_none_can_meet():
    # the incremental search agrees with erlang_b / erlang_c count by count
    for a in (0.5, 3.0, 10.0, 37.5):
        for target in (0.2, 0.05, 0.01, 0.001):
            n = smallest_units(a, blocking=target)
            assert erlang_b(n, a) <= target < erlang_b(n - 1, a)
            m = smallest_units(a, wait_probability=target)
            assert erlang_c(m, a) <= target and (m - 1 <= a or erlang_c(m - 1, a) > target)
    r = invoke("calc", "erlang-b", "--load", "3", "--max-blocking", "0%")
    assert r.exit_code == 2 and "no number of units blocks no call at all" in r.output
    r = invoke("calc", "erlang-c", "--load", "3", "--max-waiting", "0.001%", "--service", "1min")
    assert r.exit_code == 0 and "Fewest units" in r.output
    with pytest.raises(ValueError, match="no number of units up to 5"):
        smallest_units(30.0, blocking=0.01, most=5)


def test_erlang_c_wait_in_minutes_needs_the_holding_time():
    """--load alone puts the queue's time in mean holding times: a --wait written in minutes
    cannot be read there (10min was taken as 10 holding times: P(W > t) = C·exp(−(N − a)t)
    gave 0.00267 % for a = 5, N = 6 instead of the 49.7 % of 10 min with 30-min holding)."""
    r = invoke("calc", "erlang-c", "--load", "5", "--units", "6", "--wait", "10min")
    assert r.exit_code == 2 and "--wait 10min needs --service" in r.output and "Traceback" not in r.output
    r = invoke("calc", "erlang-c", "--load", "5", "--service", "30min", "--units", "6", "--wait", "5min", "--json")
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)["results"][0]
    # by hand: B(6, 5) = 0.19187, C = 6B / (6 − 5(1 − B)) = 0.58752; Nμ − λ = 1/30 per min
    b = 1.0
    for n in range(1, 7):
        b = 5 * b / (n + 5 * b)
    c = 6 * b / (6 - 5 * (1 - b))
    assert c == pytest.approx(0.58752, abs=5e-6)
    assert row["wait_over"]["5min"] == pytest.approx(c * math.exp(-5 / 30), rel=1e-12)
    assert row["mean_wait"] == pytest.approx(c * 30, rel=1e-12)          # minutes


def test_a_number_option_without_bounds_shows_no_range_in_its_help():
    r = invoke("calc", "erlang-c", "--help")
    assert r.exit_code == 0 and "None" not in r.output
