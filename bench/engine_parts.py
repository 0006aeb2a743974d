"""Benchmark: what parts of drillsim's hot path cost, counted in machine instructions.

Run:  python bench/engine_parts.py [--incidents 3000] [PART ...]

The M/M/5 run of ``bench/engine_throughput.py`` (λ = 4.5, μ = 1, the shipped
``scenarios/validation/mmc.yaml`` with every installed plugin), counted with valgrind's
cachegrind (hash seed fixed) as that script's ``--instructions`` counts it: the process
with the simulation less the same process set up without it, divided by the calls. Each
PART runs the same simulation with one part taken out, to say what a product decision
would buy (none of these is a way to run drillsim: each changes what a run gives):

- ``full``: nothing taken out;
- ``not-kept``: the event log not kept in memory (``keep_events=False``, no sink);
- ``no-log``: the seven events logged per call on the hot path not recorded at all
  (``EventLog.record_values`` a no-op);
- ``no-ranking``: the choose-units hook answered by taking the first candidate, so no
  travel time is asked to rank the candidates (the default rule asks one per candidate).

Printed: instructions per call of each, and the change against ``full``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import cachegrind_instructions

HERE = Path(__file__).resolve().parent
PARTS = ("full", "not-kept", "no-log", "no-ranking")


def simulate(part: str, n: int, run: bool) -> None:
    """Load the M/M/5 run, build its ``Simulation`` with ``part`` taken out, and with
    ``run`` run it (the two processes whose difference the count takes)."""
    sys.path.insert(0, str(HERE))
    from engine_throughput import drillsim_scenario

    from drillsim.engine.simulation import Simulation

    scenario, host = drillsim_scenario(n, 1)
    sim = Simulation(scenario, host, keep_events=part != "not-kept")
    if part == "no-log":
        sim.log.record_values = lambda *args: None
    elif part == "no-ranking":
        sim._choose_only = lambda sim_, incident, unmet, candidates: [candidates[0]]
    if run:
        sim.run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART",
                        help=f"one or more of {', '.join(PARTS)} (default: all)")
    parser.add_argument("--incidents", type=int, default=3000)
    parser.add_argument("--one", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--count", choices=("set-up", "run"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        simulate(args.one, args.incidents, args.count == "run")
        return 0
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"no part {unknown[0]!r}: choose from {', '.join(PARTS)}")
    parts = list(dict.fromkeys(["full", *(args.parts or PARTS)]))
    counts = {}
    for part in parts:
        argv = [sys.executable, __file__, "--one", part, "--incidents", str(args.incidents)]
        whole = cachegrind_instructions(argv + ["--count", "run"])
        base = cachegrind_instructions(argv + ["--count", "set-up"])
        counts[part] = (whole - base) / args.incidents
        change = "" if part == "full" else f" ({counts[part] / counts['full'] - 1:+.1%} against full)"
        print(f"{part:<11} {counts[part]:10,.0f} machine instructions per call{change}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
