"""Benchmark: incidents per second through drillsim, a hand-written SimPy model and Ciw.

Run:  python bench/engine_throughput.py [--incidents 200000] [--repeat 3] [--no-ciw]
(Ciw is in the ``bench`` extra: ``pip install -e '.[bench]'``.)

The same M/M/c workload three ways: Poisson calls at λ = 4.5 per mean service time,
c = 5 servers, exponential service (μ = 1), first come first served, infinite queue,
200,000 calls:

- **drillsim**: the shipped ``scenarios/validation/mmc.yaml`` with overrides, run by the
  engine with every built-in plugin loaded, the dispatch and travel-time hooks, and the
  event log kept in memory (7 events per call) — what ``drillsim run`` does. Time unit
  there: mean on-scene time 1 min, λ = 4.5/min.
- **SimPy by hand**: the textbook model — one ``simpy.Resource`` of capacity c and one
  process per call — with interarrival and service times drawn up front by numpy: the
  floor for any SimPy engine (it records only each call's wait).
- **Ciw** (Palmer et al. 2019, a queueing-network simulator): ``simulate_until_max_customers``
  with ``method="Finish"``; it keeps a record per customer.

Each runs ``--repeat`` times (best and median wall time shown; the machine is shared, so
the best is the figure least disturbed by other work). Loading the scenario and the
plugins is timed once, apart: a batch loads once and runs many replications. The mean
wait of each is printed next to the exact Erlang C value, as a check that all three
simulate the same system.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from common import machine, summary, timed

ROOT = Path(__file__).resolve().parent.parent
LAM, MU, C = 4.5, 1.0, 5


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Exact mean wait in queue of M/M/c (Erlang C ÷ (cμ − λ)), in mean service times."""
    a = lam / mu
    terms = sum(a ** k / math.factorial(k) for k in range(c))
    top = a ** c / math.factorial(c) * c / (c - a)
    p_wait = top / (terms + top)
    return p_wait / (c * mu - lam)


# ---------------------------------------------------------------- drillsim
def drillsim_runner(n: int, seed: int):
    """Load once; return (load seconds, run() -> mean wait in mean service times)."""
    t0 = time.perf_counter()
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario
    from drillsim.host.pluginhost import load_plugins
    from drillsim.scoring.metrics import MetricContext
    from drillsim.scoring.queueing import CallParams, wait_times

    host = load_plugins()
    # time unit: a mean on-scene time of 1 min (a scenario's horizon is at most 366 days)
    horizon = int(n / LAM * 1.5) + 100      # long enough for every call to finish
    scenario = load_scenario(ROOT / "scenarios" / "validation" / "mmc.yaml", host=host, overrides={
        "hazards[0].params.rate": f"{LAM}/min", "hazards[0].params.on_scene_mean": "1min",
        "hazards[0].params.max_incidents": n, "forces[0].units": C,
        "run.horizon": f"{horizon}min", "run.warm_up": "0min", "run.seed": seed})
    load_s = time.perf_counter() - t0
    state = {}

    def run():
        sim = Simulation(scenario, host)
        sim.run()
        state["sim"] = sim
        return sim

    def mean_wait():
        events = state["sim"].log.events
        waits = wait_times(events, MetricContext(horizon=scenario.horizon), CallParams())
        return statistics.fmean(w for _, w in waits), len(events)

    return load_s, run, mean_wait


# ---------------------------------------------------------------- hand-written SimPy
def simpy_model(n: int, seed: int) -> float:
    """The textbook SimPy M/M/c model; returns the mean wait."""
    import simpy

    rng = np.random.default_rng(seed)
    interarrival = rng.exponential(1.0 / LAM, n).tolist()
    service = rng.exponential(1.0 / MU, n).tolist()
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=C)
    waits = []

    def call(env, work):
        called = env.now
        with servers.request() as request:
            yield request
            waits.append(env.now - called)
            yield env.timeout(work)

    def source(env):
        for gap, work in zip(interarrival, service):
            yield env.timeout(gap)
            env.process(call(env, work))

    env.process(source(env))
    env.run()
    return statistics.fmean(waits)


# ---------------------------------------------------------------- Ciw
def ciw_model(n: int, seed: int) -> float:
    """The same system in Ciw; returns the mean wait of the first ``n`` customers."""
    import ciw

    network = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(LAM)],
                                 service_distributions=[ciw.dists.Exponential(MU)],
                                 number_of_servers=[C])
    ciw.seed(seed)   # Ciw draws from Python's global random state
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(n, method="Finish")
    records = sim.get_all_records()
    return statistics.fmean(r.waiting_time for r in records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-ciw", action="store_true", help="skip Ciw (not installed)")
    args = parser.parse_args()
    n = args.incidents

    print(f"machine: {machine()}")
    print(f"workload: M/M/{C}, λ = {LAM}, μ = {MU} (load {LAM / (C * MU):.0%}), {n:,} calls; "
          f"exact mean wait (Erlang C) {erlang_c_wait(LAM, MU, C):.4f} mean service times")
    results = {}

    load_s, run, mean_wait = drillsim_runner(n, args.seed)
    walls, _ = timed(run, args.repeat)
    t0 = time.perf_counter()
    wq, events = mean_wait()
    score_s = time.perf_counter() - t0
    results["drillsim"] = min(walls)
    print(f"drillsim engine:   {n / min(walls):9,.0f} incidents/s  ({summary(walls)}; "
          f"{events / n:.1f} events per incident; mean wait {wq:.4f}; "
          f"load once {load_s:.2f} s; scoring the wait {score_s:.2f} s)")

    walls, wq = timed(lambda: simpy_model(n, args.seed), args.repeat)
    results["simpy"] = min(walls)
    print(f"SimPy by hand:     {n / min(walls):9,.0f} incidents/s  ({summary(walls)}; mean wait {wq:.4f})")

    if not args.no_ciw:
        try:
            import ciw  # noqa: F401
        except ImportError:
            print("Ciw: not installed (pip install -e '.[bench]'); skipped")
        else:
            walls, wq = timed(lambda: ciw_model(n, args.seed), args.repeat)
            results["ciw"] = min(walls)
            print(f"Ciw:               {n / min(walls):9,.0f} incidents/s  ({summary(walls)}; mean wait {wq:.4f})")

    print(f"drillsim / SimPy by hand: {results['simpy'] / results['drillsim']:.2f}x  (goal >= 0.60x)")
    if "ciw" in results:
        print(f"drillsim / Ciw:           {results['ciw'] / results['drillsim']:.2f}x  (goal > 1x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
