"""Benchmark: wall time per replication of each shipped scenario (``scenarios/*.yaml``).

Run:  python bench/scenarios.py [--replications N] [SCENARIO ...]

For each scenario: loading it once (YAML, validation, plugins; a batch loads once and
runs many replications), then each replication run and scored as ``drillsim run`` does
(:func:`drillsim.scoring.runner.run_replication` + :func:`drillsim.scoring.scorecard.observe`).
Prints the mean, median and slowest replication, events per replication and events per
second, and the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parent.parent


def bench(path: Path, replications: int, host) -> str:
    from drillsim.scenario.loader import load_scenario
    from drillsim.scoring.runner import run_replication
    from drillsim.scoring.scorecard import observe

    t0 = time.perf_counter()
    scenario = load_scenario(path, host=host)
    load_s = time.perf_counter() - t0
    walls, events = [], 0
    for r in range(replications):
        t = time.perf_counter()
        log = run_replication(scenario, host, r)
        observe(scenario, log)
        walls.append(time.perf_counter() - t)
        events += len(log)
    total = sum(walls)
    return (f"{path.relative_to(ROOT)}: load {load_s * 1000:.0f} ms; {replications} replications; "
            f"per replication (run + score) mean {statistics.mean(walls) * 1000:.1f} ms, "
            f"median {statistics.median(walls) * 1000:.1f} ms, slowest {max(walls) * 1000:.1f} ms; "
            f"{events / replications:.0f} events per replication, {events / total:,.0f} events/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=50)
    parser.add_argument("scenarios", nargs="*", help="default: every scenarios/*.yaml")
    args = parser.parse_args()
    paths = [Path(p).resolve() for p in args.scenarios] or sorted((ROOT / "scenarios").glob("*.yaml"))

    t0 = time.perf_counter()
    from drillsim.host.pluginhost import load_plugins

    host = load_plugins()
    print(f"machine: {machine()}")
    print(f"imports and plugins: {(time.perf_counter() - t0) * 1000:.0f} ms, once per process")
    for path in paths:
        print(bench(path, args.replications, host), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
