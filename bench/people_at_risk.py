"""Benchmark: one replication of the shipped flood scenario as the number of people at
risk grows (``hazards[0].params.evacuation.total_people``).

Run:  python bench/people_at_risk.py [--people 28617 286170 1000000]

More people make more evacuation incidents; while the teams are busy they wait in the
dispatch queue, and every dispatch pass looks at the queue. Prints wall seconds, events
and the machine. The 2020 figure is 28,617 people (verified; see the scenario).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[28_617, 286_170, 1_000_000])
    args = parser.parse_args()
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario
    from drillsim.host.pluginhost import load_plugins

    print(machine())
    host = load_plugins()
    for people in args.people:
        scenario = load_scenario(ROOT / "scenarios" / "fujiang_flood_2020.yaml", host=host,
                                 overrides={"hazards[0].params.evacuation.total_people": people})
        started = time.perf_counter()
        sim = Simulation(scenario, host)
        sim.run()
        print(f"{people:>12,} people: {time.perf_counter() - started:8.2f} s per replication, "
              f"{len(sim.log.events):,} events", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
