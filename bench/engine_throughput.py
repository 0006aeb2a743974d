"""Benchmark: incidents per second through drillsim, a hand-written SimPy model and Ciw.

Run:  python bench/engine_throughput.py [--incidents 200000] [--repeat 3] [--no-ciw]
      python bench/engine_throughput.py --instructions [--incidents 3000]
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

Each of the three runs ``--repeat`` times (at least 3), every run in a fresh process, in
rounds: each round runs all three once, in turn (the order rotating from round to
round), so other work on the shared machine falls on all of them alike. A process times
its simulation only — CPU time (``time.process_time``) and wall time — not its imports
or loading (a batch loads once and runs many replications); drillsim's loading is shown
apart. Printed: best and median of each, and the ratios drillsim / SimPy and drillsim /
Ciw by CPU time and by wall time (best against best, median against median). The mean
wait of each is printed next to the exact Erlang C value, as a check that all three
simulate the same system.

``--instructions`` counts machine instructions per call instead (valgrind's cachegrind,
hash seed fixed; a count the machine's load does not move): each model's process with
the simulation, less the same process set up without it, divided by the calls.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from common import cachegrind_instructions, machine

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
def drillsim_scenario(n: int, seed: int):
    """The M/M/c workload as drillsim runs it: (resolved scenario, plugin host), every
    installed plugin loaded."""
    from drillsim.scenario.loader import load_scenario
    from drillsim.host.pluginhost import load_plugins

    host = load_plugins()
    # time unit: a mean on-scene time of 1 min (a scenario's horizon is at most 366 days)
    horizon = int(n / LAM * 1.5) + 100      # long enough for every call to finish
    scenario = load_scenario(ROOT / "scenarios" / "validation" / "mmc.yaml", host=host, overrides={
        "hazards[0].params.rate": f"{LAM}/min", "hazards[0].params.on_scene_mean": "1min",
        "hazards[0].params.max_incidents": n, "forces[0].units": C,
        "run.horizon": f"{horizon}min", "run.warm_up": "0min", "run.seed": seed})
    return scenario, host


def drillsim_runner(n: int, seed: int):
    """Load once; return (load seconds, run() -> mean wait in mean service times)."""
    t0 = time.perf_counter()
    from drillsim.engine.simulation import Simulation
    from drillsim.scoring.metrics import MetricContext
    from drillsim.scoring.queueing import CallParams, wait_times

    scenario, host = drillsim_scenario(n, seed)
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


def one(name: str, n: int, seed: int) -> dict:
    """Run one model once in this process; its figures (CPU and wall seconds of the
    simulation alone, mean wait)."""
    load_s, extra = 0.0, {}
    if name == "drillsim":
        load_s, run, mean_wait = drillsim_runner(n, seed)
        fn = run
    elif name == "simpy":
        fn = lambda: simpy_model(n, seed)  # noqa: E731
    else:
        fn = lambda: ciw_model(n, seed)  # noqa: E731
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if name == "drillsim":
        result, events = mean_wait()
        extra = {"events": events, "load": load_s}
    return {"cpu": cpu, "wall": wall, "wait": result, **extra}


def set_up_and_run(name: str, n: int, seed: int, run: bool) -> None:
    """What :func:`one` does before the simulation (imports, loading), then with ``run``
    the simulation, and nothing more (no mean wait computed): the two processes whose
    difference an instruction count takes."""
    if name == "drillsim":
        _, simulate, _ = drillsim_runner(n, seed)
    elif name == "simpy":
        import simpy  # noqa: F401

        def simulate():
            simpy_model(n, seed)
    else:
        import ciw  # noqa: F401

        def simulate():
            ciw_model(n, seed)
    if run:
        simulate()


def instructions_per_call(names: list[str], n: int, seed: int) -> dict[str, float]:
    """Machine instructions per simulated call of each model (see the module's doc)."""
    per_call = {}
    for name in names:
        argv = [sys.executable, __file__, "--one", name, "--incidents", str(n), "--seed", str(seed)]
        whole = cachegrind_instructions(argv + ["--count", "run"])
        base = cachegrind_instructions(argv + ["--count", "set-up"])
        per_call[name] = (whole - base) / n
    return per_call


def _fresh(name: str, n: int, seed: int) -> dict:
    """:func:`one` in a fresh Python process."""
    done = subprocess.run([sys.executable, __file__, "--one", name, "--incidents", str(n),
                           "--seed", str(seed)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds (at least 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-ciw", action="store_true", help="skip Ciw (not installed)")
    parser.add_argument("--instructions", action="store_true",
                        help="count machine instructions per call (valgrind) instead of timing; "
                             "use fewer calls (e.g. --incidents 3000): valgrind is ~50x slower")
    parser.add_argument("--one", choices=("drillsim", "simpy", "ciw"), help=argparse.SUPPRESS)
    parser.add_argument("--count", choices=("set-up", "run"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.incidents
    if args.one:
        if args.count:
            set_up_and_run(args.one, n, args.seed, run=args.count == "run")
        else:
            print(json.dumps(one(args.one, n, args.seed)))
        return 0

    print(f"machine: {machine()}")
    print(f"workload: M/M/{C}, λ = {LAM}, μ = {MU} (load {LAM / (C * MU):.0%}), {n:,} calls; "
          f"exact mean wait (Erlang C) {erlang_c_wait(LAM, MU, C):.4f} mean service times")
    names = ["drillsim", "simpy"]
    if not args.no_ciw:
        try:
            import ciw  # noqa: F401
        except ImportError:
            print("Ciw: not installed (pip install -e '.[bench]'); skipped")
        else:
            names.append("ciw")
    if args.instructions:
        if shutil.which("valgrind") is None:
            print("--instructions needs valgrind (apt-get install valgrind)")
            return 2
        counts = instructions_per_call(names, n, args.seed)
        for name, count in counts.items():
            print(f"{name:<9} {count:10,.0f} machine instructions per call")
        for other in names[1:]:
            print(f"drillsim / {other} by instructions: {counts[other] / counts['drillsim']:.2f}x")
        return 0
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for r in range(max(3, args.repeat)):
        for name in names[r % len(names):] + names[:r % len(names)]:
            runs[name].append(_fresh(name, n, args.seed))
    label = {"drillsim": "drillsim engine", "simpy": "SimPy by hand", "ciw": "Ciw"}
    best, median = {}, {}
    for name in names:
        cpu = [x["cpu"] for x in runs[name]]
        wall = [x["wall"] for x in runs[name]]
        best[name] = (min(cpu), min(wall))
        median[name] = (statistics.median(cpu), statistics.median(wall))
        more = ""
        if name == "drillsim":
            x = runs[name][0]
            more = f"; {x['events'] / n:.1f} events per call; load once {min(y['load'] for y in runs[name]):.2f} s"
        print(f"{label[name]:<16} {n / best[name][0]:9,.0f} calls per CPU s (best; median "
              f"{n / median[name][0]:,.0f}), {n / best[name][1]:9,.0f} per wall s (best; median "
              f"{n / median[name][1]:,.0f}); mean wait {runs[name][0]['wait']:.4f}{more}")
    for other, goal in (("simpy", 0.7), ("ciw", 1.5)):
        if other not in best:
            continue
        ratios = [f"{stat[other][i] / stat['drillsim'][i]:.2f}x ({what}, {which})"
                  for stat, which in ((best, "best"), (median, "median"))
                  for i, what in ((0, "CPU"), (1, "wall"))]
        print(f"drillsim / {label[other]}: {', '.join(ratios)}  (goal >= {goal}x)")
    print(f"({max(3, args.repeat)} rounds, each in fresh processes, order rotating; load average after: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
