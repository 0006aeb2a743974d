"""How long ``drillsim optimise`` takes on the 2020 flood (issue 16's speed figures).

Run:  python bench/optimise_flood.py [--workers 2] [--repeat 3]

The integer programmes: the water rescue team's sites among all 23 township seats,
k = 1, 2, 3, maximal covering within 30 min and p-median, three best layouts each
(``scipy.optimize.milp``); the best of ``--repeat`` timings of the solve alone (the travel
matrix is priced once beforehand, and its time printed too). Then the simulation check of
the shipped spec (``scenarios/optimise/flood_2020_water_rescue.yaml``: 4 layouts, KN),
wall time and replications run, on ``--workers`` local processes; and (issue 16's figure)
the same spec with all 23 township seats as candidates and k = 1, 2, 3 sites: the
integer programme's time and the KN check of its best layouts by simulation, each timed
end to end.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drillsim.batch.executor_choice import make_executor  # noqa: E402
from drillsim.host.pluginhost import load_plugins  # noqa: E402
from drillsim.planning.location import best_layouts  # noqa: E402
from drillsim.planning.optimise import load_problem, solve, travel_matrix  # noqa: E402
from drillsim.planning.simcheck import check_layouts  # noqa: E402

SPEC = ROOT / "scenarios" / "optimise" / "flood_2020_water_rescue.yaml"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    host = load_plugins()
    problem = load_problem(SPEC, host)
    towns = [t.id for t in problem.scenario.region.spec.townships]
    t0 = time.perf_counter()
    times = travel_matrix(problem.scenario, host, "water_rescue", towns, problem.demands)
    print(f"travel matrix 23 x {len(problem.demands)}: {time.perf_counter() - t0:.2f} s")
    for kind, within in (("coverage", 30.0), ("p_median", None)):
        for k in (1, 2, 3):
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                layouts = best_layouts(kind, times, problem.weights, k, 3, within=within)
                best = min(best, time.perf_counter() - t0)
            print(f"{kind:8s} k={k}: 3 layouts in {best:.3f} s; best "
                  f"{[towns[i] for i in layouts[0].sites]} value {layouts[0].value:,.0f}")
    layouts = solve(problem)
    t0 = time.perf_counter()
    with make_executor(None, args.workers, None) as runner:
        check = check_layouts(problem, layouts, runner, host.names())
    sel = check.selection
    print(f"simulation check, {len(layouts)} layouts, {args.workers} workers: {check.runs} "
          f"replications in {time.perf_counter() - t0:.1f} s; chosen "
          f"{problem.names(layouts[sel.chosen])} ({'KN stopped' if sel.guaranteed else 'budget'})")
    # issue 16: 23 candidate sites (every township seat), k <= 3, programme and check
    for k in (1, 2, 3):
        t0 = time.perf_counter()
        spec = problem.spec.model_copy(update={"sites": k, "candidates": "townships"})
        every = dataclasses.replace(problem, spec=spec, candidates=towns, times=times)
        layouts = solve(every)
        solved = time.perf_counter() - t0
        t0 = time.perf_counter()
        with make_executor(None, args.workers, None) as runner:
            check = check_layouts(every, layouts, runner, host.names())
        sel = check.selection
        print(f"23 candidates, k={k}: integer programme {solved:.3f} s ({len(layouts)} layouts); "
              f"simulation check {time.perf_counter() - t0:.1f} s, {check.runs} replications on "
              f"{args.workers} workers; chosen {every.names(layouts[sel.chosen])} "
              f"({'KN stopped' if sel.guaranteed else 'budget reached'})")


if __name__ == "__main__":
    main()
