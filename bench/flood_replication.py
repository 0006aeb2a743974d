"""Benchmark: wall time per replication of the shipped flood scenario, and events/s.

Run:  python bench/flood_replication.py [--replications N]

Prints the machine, then figures. Loading (YAML, plugins, units registry) is timed
separately from the replications, since a batch loads once and runs many.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}; {os.cpu_count()} CPUs; Python {platform.python_version()} on {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=50)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "fujiang_flood_2020.yaml"))
    args = parser.parse_args()

    t0 = time.perf_counter()
    from drillsim.loader import load_scenario
    from drillsim.pluginhost import load_plugins
    from drillsim.runner import run_replication
    from drillsim.scoring.scorecard import observe

    host = load_plugins()
    sc = load_scenario(args.scenario, host=host)
    load_s = time.perf_counter() - t0

    walls, events = [], 0
    for r in range(args.replications):
        t = time.perf_counter()
        log = run_replication(sc, host, r)
        observe(sc, log)
        walls.append(time.perf_counter() - t)
        events += len(log)
    total = sum(walls)
    print(f"machine: {machine()}")
    print(f"scenario: {args.scenario}")
    print(f"load (imports, YAML, plugins): {load_s * 1000:.0f} ms")
    print(f"replications: {args.replications}")
    print(f"time per replication (run + score): mean {statistics.mean(walls) * 1000:.1f} ms, "
          f"median {statistics.median(walls) * 1000:.1f} ms, max {max(walls) * 1000:.1f} ms")
    print(f"events per replication: {events / args.replications:.0f}")
    print(f"events per second: {events / total:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
