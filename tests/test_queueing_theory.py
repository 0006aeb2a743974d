"""The engine against queueing theory.

Configured as textbook queues (``scenarios/validation/``: Poisson calls, identical units
based where the calls arise, exponential on-scene time of mean 60 min, no turnout or
travel, first come first served), the engine must reproduce

- **Erlang C** (M/M/c, infinite queue): probability of waiting, mean wait, time-average
  number waiting, for the 13 (load, units) rows of Stevenson's M/M/c table;
- **Erlang B** (M/M/c/c, no queue): the share of calls lost, for the same 13 rows;
- **Larson's hypercube model** (three areas, one unit each, nearest free unit sent):
  each unit's workload and the share of calls answered from outside their area, with
  zero-line capacity (loss) and with an infinite FCFS line — solved here exactly from
  its 2^3-state Markov chain with numpy.

Each check runs independent replications (each from an empty system, with a warm-up
that is not measured) and asks whether the exact value lies inside the confidence
interval of the mean over replications (Student t, :func:`drillsim.scoring.stats.mean_ci`).
A test makes many such checks at once (39 for Erlang C), so the intervals are
*simultaneous* 95 % intervals (Bonferroni: each at 1 − 0.05/m), else a correct engine
would fail one check in twenty. Each test also bounds the interval widths, so that a
biased engine cannot pass by being imprecise. Default sizes run in seconds; ``--slow``
runs the full lengths (more replications, longer runs, narrower intervals).

Formulas: Erlang B by the recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1));
Erlang C = c·B / (c − a·(1 − B)); mean wait W_q = C / (cμ − λ); L_q = λ·W_q; P_0 =
1 / (Σ_{k<c} a^k/k! + a^c / (c!·(1 − a/c))) (e.g. Gross, Shortle, Thompson & Harris,
*Fundamentals of Queueing Theory*, 4th ed., §2.3 and §2.5). Hypercube: Larson, R. C.
(1974), "A hypercube queuing model for facility location and redistricting in urban
emergency services", *Computers & Operations Research* 1(1):67-95.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run_replication
from drillsim.scoring.scorecard import observe
from drillsim.scoring.stats import mean_ci, reduce

from .conftest import DATA, SCENARIOS

VALIDATION = SCENARIOS / "validation"
TABLE = json.loads((DATA / "mmc_stevenson.json").read_text(encoding="utf-8"))["Q1_mmc_stevenson_table"]
ROWS = [(r["a"], r["c"]) for r in TABLE["inputs"]["rows"]]
#: mean on-scene time of the M/M/c runs, minutes: the time unit of the formulas (short, so
#: that long runs stay within the longest horizon a scenario accepts)
SERVICE = 1.0


# ------------------------------------------------------------------ closed forms
def erlang_b(c: int, a: float) -> float:
    """Probability that all c servers are busy in M/M/c/c with offered load a (erlangs)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c (a < c)."""
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def mmc_exact(a: float, c: int) -> dict[str, float]:
    """P(wait), W_q (minutes, mean service SERVICE min), L_q, P_0, utilisation of M/M/c."""
    p_wait = erlang_c(c, a)
    wq_service_times = p_wait / (c - a)          # C / (cμ − λ) with μ = 1
    p0 = 1.0 / (sum(a ** k / math.factorial(k) for k in range(c))
                + a ** c / (math.factorial(c) * (1.0 - a / c)))
    return {"PW": p_wait, "WQ": wq_service_times * SERVICE, "LQ": a * wq_service_times,
            "P0": p0, "RHO": a / c}


def test_closed_forms_reproduce_the_published_table():
    """The formulas used below give Stevenson's published L_q and P_0 to table precision."""
    tol = TABLE["tolerance"]["analytic_vs_published"]
    for case in TABLE["expected"]:
        exact = mmc_exact(case["a_erlangs"], case["servers"])
        assert exact["LQ"] == pytest.approx(case["expected_published"]["Lq"], abs=tol["Lq_abs"])
        assert exact["P0"] == pytest.approx(case["expected_published"]["P0"], abs=tol["P0_abs"])
        assert exact["PW"] == pytest.approx(case["computed"]["P_wait_ErlangC"], rel=1e-4)
    # Erlang B by hand: c = 2, a = 1: B = (1/2) / (1 + 1 + 1/2) = 0.2
    assert erlang_b(2, 1.0) == pytest.approx(0.2)


# ------------------------------------------------------------------ running replications
def replicate(name: str, host, overrides: dict, replications: int, seed: int) -> dict[str, list]:
    """Per target id, the per-replication observations (internal units) of a validation
    scenario, through the product's own path (run_replication + scorecard.observe)."""
    sc = load_scenario(VALIDATION / name, host=host, overrides=overrides, seed=seed)
    per_rep = []
    for r in range(replications):
        events = run_replication(sc, host, r)
        per_rep.append(observe(sc, events))
    return {t.id: [(t.statistic, obs[t.id]) for obs in per_rep] for t in sc.targets}


def values(observed, label: str | None = None) -> list[float]:
    """One value per replication: the target's statistic over its observations (of one
    label, if given)."""
    return [reduce([v for lab, v in obs if label is None or lab == label], stat)
            for stat, obs in observed]


class Checks:
    """Collects (name, replication values, exact value, precision bound) and checks them
    together with simultaneous (Bonferroni) 95 % intervals."""

    def __init__(self) -> None:
        self.items: list[tuple[str, list[float], float, float]] = []

    def add(self, name: str, reps: list[float], exact: float, max_half_width: float) -> None:
        self.items.append((name, reps, exact, max_half_width))

    def verify(self) -> None:
        level = 1.0 - 0.05 / len(self.items)
        misses, vague = [], []
        for name, reps, exact, max_half in self.items:
            mean, (lo, hi) = mean_ci(reps, level)
            if not lo <= exact <= hi:
                misses.append(f"{name}: exact {exact:.5g} outside [{lo:.5g}, {hi:.5g}] (mean {mean:.5g})")
            if (hi - lo) / 2 > max_half:
                vague.append(f"{name}: half-width {(hi - lo) / 2:.4g} > {max_half:.4g}")
        assert not misses, f"{len(misses)} of {len(self.items)} simultaneous 95% intervals " \
                           f"miss the exact value:\n" + "\n".join(misses)
        assert not vague, "intervals too wide to test anything:\n" + "\n".join(vague)


@pytest.fixture(params=["default", pytest.param("full", marks=pytest.mark.slow)])
def length(request) -> str:
    return request.param


def mmc_overrides(a: float, c: int, horizon: float, warm: float) -> dict:
    """Overrides of mmc.yaml / mmc_loss.yaml for load ``a`` on ``c`` units; ``horizon``
    and ``warm`` in mean service times."""
    return {"hazards[0].params.rate": f"{a / SERVICE}/min",
            "hazards[0].params.on_scene_mean": f"{SERVICE}min", "forces[0].units": c,
            "run.horizon": f"{horizon * SERVICE}min", "run.warm_up": f"{warm * SERVICE}min"}


def mmc_plan(a: float, c: int, length: str) -> tuple[int, float, float]:
    """(replications, horizon, warm-up; in mean service times) for a row: heavier loads relax more slowly
    (relaxation time grows like 1/(1 − ρ)²), so they run longer."""
    rho = a / c
    stretch = min(8.0, max(1.0, (0.2 / (1.0 - rho)) ** 2))
    reps, base = (10, 400.0) if length == "default" else (30, 4000.0)
    horizon = base * stretch
    return reps, horizon + 0.1 * horizon, 0.1 * horizon


# ------------------------------------------------------------------ Erlang C
def test_mmc_matches_erlang_c(host, length):
    checks = Checks()
    for k, (a, c) in enumerate(ROWS):
        reps, horizon, warm = mmc_plan(a, c, length)
        observed = replicate("mmc.yaml", host, mmc_overrides(a, c, horizon, warm), reps,
                             seed=100 + k)
        exact = mmc_exact(a, c)
        # widest interval allowed, relative to the exact value, so that the check has
        # teeth: by default it still rules out 0 and twice the value; --slow is 3x tighter
        rel = 1.0 if length == "default" else 0.3
        row = f"a={a} c={c}"
        checks.add(f"{row} P(wait)", values(observed["PW"]), exact["PW"], 0.4 * rel * exact["PW"] + 0.01)
        checks.add(f"{row} Wq (min)", values(observed["WQ"]), exact["WQ"], rel * exact["WQ"] + 0.5)
        checks.add(f"{row} Lq", values(observed["LQ"]), exact["LQ"], rel * exact["LQ"] + 0.01)
        checks.add(f"{row} unit workload", values(observed["RHO"]), exact["RHO"], 0.1 * rel)
        # Little's law on the same runs: L_q (time average) = λ W_q (per call)
        lq, wq = np.mean(values(observed["LQ"])), np.mean(values(observed["WQ"]))
        assert lq == pytest.approx(a / SERVICE * wq, rel=0.15 if length == "default" else 0.03), row
    checks.verify()


# ------------------------------------------------------------------ Erlang B
def test_loss_system_matches_erlang_b(host, length):
    checks = Checks()
    reps, horizon = (8, 300.0) if length == "default" else (20, 8000.0)
    for k, (a, c) in enumerate(ROWS):
        observed = replicate("mmc_loss.yaml", host, mmc_overrides(a, c, horizon + 20, 20), reps,
                             seed=200 + k)
        b = erlang_b(c, a)
        rel = 1.0 if length == "default" else 0.25
        checks.add(f"a={a} c={c} share lost", values(observed["PL"]), b, 0.5 * rel * b + 0.01)
        # carried load: each unit busy (1 − B)·a/c of the time
        checks.add(f"a={a} c={c} unit workload", values(observed["RHO"]), (1 - b) * a / c, 0.1 * rel)
    checks.verify()


@pytest.mark.slow
def test_larger_systems_match_erlang_b_and_c(host):
    """Beyond Stevenson's rows (at most 5 units): 10 erlangs on 15 units (the Erlang B
    table's B = 0.0365, tests/test_calc.py) and 8 erlangs on 10 units (Erlang C = 0.409),
    lost share, probability of waiting, mean wait and queue, by the same simultaneous
    intervals (about 30 s: run with --slow)."""
    checks = Checks()
    for k, (a, c) in enumerate([(10.0, 15), (8.0, 10)]):
        observed = replicate("mmc_loss.yaml", host, mmc_overrides(a, c, 320.0, 20.0), 8, seed=900 + k)
        b = erlang_b(c, a)
        checks.add(f"a={a} c={c} share lost", values(observed["PL"]), b, 0.5 * b + 0.01)
        reps, horizon, warm = mmc_plan(a, c, "default")
        observed = replicate("mmc.yaml", host, mmc_overrides(a, c, horizon, warm), reps, seed=910 + k)
        exact = mmc_exact(a, c)
        checks.add(f"a={a} c={c} P(wait)", values(observed["PW"]), exact["PW"], 0.4 * exact["PW"] + 0.01)
        checks.add(f"a={a} c={c} Wq (min)", values(observed["WQ"]), exact["WQ"], exact["WQ"] + 0.5)
        checks.add(f"a={a} c={c} Lq", values(observed["LQ"]), exact["LQ"], exact["LQ"] + 0.01)
    assert erlang_b(15, 10.0) == pytest.approx(0.0365, abs=5e-5) and erlang_c(10, 8.0) == pytest.approx(0.409, abs=5e-4)
    checks.verify()


# ------------------------------------------------------------------ hypercube (Larson 1974)
AREAS = ["area_a", "area_b", "area_c"]
UNITS = ["units-1", "units-2", "units-3"]           # based at area_a, area_b, area_c
PREFERENCE = {0: [0, 1, 2], 1: [1, 0, 2], 2: [2, 1, 0]}   # nearest first (region.yaml)
RATES = [0.9, 0.5, 0.7]                            # calls per hour per area (hypercube.yaml)


def hypercube_exact(rates: list[float], preference: dict[int, list[int]], queue: bool) -> dict:
    """Solve Larson's hypercube model exactly.

    States: the 2^N sets of busy units (bit n set: unit n busy). A call from area j goes
    to the first free unit in ``preference[j]``; with every unit busy it is lost
    (``queue`` False) or waits in one FCFS line (``queue`` True). Service is exponential
    with rate 1 per mean service time for every unit.

    With a line, the states "all busy, k waiting" form a geometric tail: π(N+k) =
    π(all busy)·ρ^k with ρ = λ/N, and the balance of the 2^N states is that of the loss
    model (the flow into the tail from "all busy" equals the flow back), so the same
    chain, renormalised with the tail's mass π(all busy)·ρ/(1 − ρ), solves both. A
    queued call is served by whichever unit frees first: each with probability 1/N.

    :returns: ``workload`` per unit, ``lost`` (probability a call finds all busy, loss
        model), ``out`` (share of served calls whose unit is not the area's own) and
        ``out_by_area``.
    """
    n = len(preference)
    full = (1 << n) - 1
    lam = sum(rates)
    q = np.zeros((1 << n, 1 << n))
    for s in range(1 << n):
        for j, rate in enumerate(rates):
            free = [u for u in preference[j] if not s >> u & 1]
            if free:
                q[s, s | 1 << free[0]] += rate
        for u in range(n):
            if s >> u & 1:
                q[s, s & ~(1 << u)] += 1.0
    np.fill_diagonal(q, -q.sum(axis=1))
    # π Q = 0 with Σ π = 1: replace one balance equation by the normalisation
    a = np.vstack([q.T[:-1], np.ones(1 << n)])
    rhs = np.zeros(1 << n)
    rhs[-1] = 1.0
    pi = np.linalg.solve(a, rhs)
    tail = 0.0
    if queue:
        rho = lam / n
        tail = pi[full] * rho / (1.0 - rho)
        pi, tail = pi / (1.0 + tail), tail / (1.0 + tail)
    workload = [sum(pi[s] for s in range(1 << n) if s >> u & 1) + tail for u in range(n)]
    # f[u][j]: rate of calls from area j answered by unit u
    f = np.zeros((n, len(rates)))
    for s in range(1 << n):
        for j, rate in enumerate(rates):
            free = [u for u in preference[j] if not s >> u & 1]
            if free:
                f[free[0], j] += rate * pi[s]
            elif queue:
                f[:, j] += rate * pi[s] / n
    if queue:
        f += np.outer(np.ones(n), rates) * tail / n
    served = f.sum()
    out = sum(f[u, j] for u in range(n) for j in range(len(rates)) if u != j) / served
    by_area = {AREAS[j]: 1.0 - f[j, j] / f[:, j].sum() for j in range(len(rates))}
    return {"workload": workload, "lost": 0.0 if queue else pi[full], "out": out,
            "out_by_area": by_area, "served": served / lam}


def test_hypercube_solution_agrees_with_erlang_b():
    # the loss model's chance that all units are busy does not depend on which unit
    # takes a call: it is Erlang B for the total load (an independent check of the solver)
    exact = hypercube_exact(RATES, PREFERENCE, queue=False)
    assert exact["lost"] == pytest.approx(erlang_b(3, sum(RATES)), rel=1e-12)
    assert sum(exact["workload"]) == pytest.approx(sum(RATES) * (1 - exact["lost"]), rel=1e-12)
    # a preference that never crosses areas cannot answer from outside
    lone = hypercube_exact([0.5, 0.5, 0.5], {0: [0], 1: [1], 2: [2]}, queue=False)
    assert lone["out"] == 0.0 and lone["workload"] == pytest.approx([1 / 3] * 3)


@pytest.mark.parametrize("queue", [False, True], ids=["zero-line", "infinite-line"])
def test_three_area_dispatch_matches_the_hypercube_model(host, length, queue):
    exact = hypercube_exact(RATES, PREFERENCE, queue)
    # on-scene 60 min here (travel, up to 0.0017 min, stays negligible); a horizon of at
    # most 366 days is accepted, so the full length runs more replications
    reps, horizon = (10, 1500.0) if length == "default" else (40, 7500.0)
    overrides = {"run.horizon": f"{horizon + 20}h", "run.warm_up": "20h"}
    if queue:
        overrides.update({f"hazards[{i}].params.queue": True for i in range(3)})
    observed = replicate("hypercube.yaml", host, overrides, reps, seed=300 + queue)
    rel = 1.0 if length == "default" else 0.3
    checks = Checks()
    for u, unit in enumerate(UNITS):
        checks.add(f"{unit} workload", values(observed["RHO"], unit), exact["workload"][u], 0.05 * rel)
    checks.add("share answered from outside the area", values(observed["OUT"]), exact["out"], 0.05 * rel)
    for area, share in exact["out_by_area"].items():
        checks.add(f"{area}: answered from outside", values(observed["OUT"], area), share, 0.08 * rel)
    checks.add("share lost", values(observed["PL"]), exact["lost"], 0.05 * rel)
    checks.verify()
    # sanity of the model itself: the areas really do help each other
    assert 0.1 < exact["out"] < 0.6


def test_the_mean_wait_interval_is_cut_at_zero(host, tmp_path):
    """A wait is never below 0: with two replications the t interval of the mean wait (a
    = 2.5 on 5 units, Stevenson's row: W_q = 0.130/2.5 h = 3.1 min) reached -0.75 min in the
    reports; it is cut at 0 as the queue length's is, and the mean is left as measured."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    out = tmp_path / "mmc.json"
    r = CliRunner().invoke(main, ["run", str(VALIDATION / "mmc.yaml"), "--replications", "2",
                                  "--json", str(out)])
    assert r.exit_code == 0, r.output
    rows = {t["id"]: t for t in json.loads(out.read_text())["targets"]}
    wq = rows["WQ"]
    mean, (lo, hi) = mean_ci(wq["values"])
    assert wq["mean"] == pytest.approx(mean)
    assert wq["ci95"] == pytest.approx([max(0.0, lo), hi])
    assert lo < 0.0 == wq["ci95"][0]          # this seed's two runs: the raw interval goes below 0


# ------------------------------------------------------------------ fixed on-scene times
def test_loss_system_with_fixed_on_scene_times_still_matches_erlang_b(host):
    """Erlang's loss formula does not depend on the holding-time distribution beyond its
    mean (Sevastyanov 1957; Gross, Shortle, Thompson & Harris, ch. 5, M/G/c/c): with every call held
    exactly the mean on-scene time, the share lost is still B(c, a)."""
    checks = Checks()
    for k, (a, c) in enumerate([(1.5, 2), (2.5, 3), (3.0, 5)]):
        overrides = {**mmc_overrides(a, c, 320.0, 20.0), "hazards[0].params.on_scene_distribution": "fixed"}
        observed = replicate("mmc_loss.yaml", host, overrides, 8, seed=700 + k)
        b = erlang_b(c, a)
        checks.add(f"a={a} c={c} share lost (fixed)", values(observed["PL"]), b, 0.5 * b + 0.01)
        checks.add(f"a={a} c={c} unit workload (fixed)", values(observed["RHO"]), (1 - b) * a / c, 0.1)
    checks.verify()


def test_one_unit_with_fixed_on_scene_times_matches_pollaczek_khinchine(host):
    """M/D/1: the Pollaczek-Khinchine formula gives the mean wait W_q = ρ/(2μ(1 − ρ)), half
    the M/M/1 wait (Gross, Shortle, Thompson & Harris, ch. 5, M/G/1, with service variance 0),
    and P(wait) = ρ (Poisson arrivals see the time average: the unit is busy a share ρ)."""
    checks = Checks()
    for k, rho in enumerate([0.5, 0.8]):
        reps, horizon, warm = 10, 2200.0, 200.0          # in mean on-scene times
        overrides = {**mmc_overrides(rho, 1, horizon, warm), "hazards[0].params.on_scene_distribution": "fixed"}
        observed = replicate("mmc.yaml", host, overrides, reps, seed=800 + k)
        wq = rho / (2 * (1 - rho)) * SERVICE
        checks.add(f"rho={rho} Wq (M/D/1)", values(observed["WQ"]), wq, 0.2 * wq + 0.05)
        checks.add(f"rho={rho} P(wait) (M/D/1)", values(observed["PW"]), rho, 0.1)
        checks.add(f"rho={rho} Lq (M/D/1)", values(observed["LQ"]), rho * wq / SERVICE, 0.2 * rho * wq + 0.02)
        # and it is not the exponential's: M/M/1 waits twice as long
        assert np.mean(values(observed["WQ"])) < 0.75 * rho / (1 - rho) * SERVICE
    checks.verify()
