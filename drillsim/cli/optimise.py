"""``drillsim optimise SPEC.yaml``: the best sites for a force (maximal covering or
p-median, solved exactly by ``scipy.optimize.milp``), then — when the spec has ``check:``
and ``--no-check`` is not given — the best layouts compared by simulation.

The work is in :mod:`drillsim.planning`; this module reads options, prints and writes
``--json``. Exit status 2 for bad input, 1 for a failed run.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from drillsim.cli.support import Fail, check_writable, err, guard, host_for, with_plugin_options


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the layouts (and the check) as JSON here.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the tables.")
@with_plugin_options
def optimise(spec: Path, json_path, quiet, plugins, disabled) -> None:
    """Choose k sites for a force to cover the most people within a time, or the least mean travel time."""
    from rich.console import Console
    from rich.table import Table

    from drillsim.planning.location import NoLayout
    from drillsim.planning.optimise import load_problem, solve
    from drillsim.report.common import write_atomic

    host = guard(host_for, plugins, disabled)
    problem = guard(load_problem, spec, host)
    check_writable((json_path,), problem.scenario.inputs + (spec.resolve(),), ("--json",))
    started = time.perf_counter()
    try:
        layouts = solve(problem)
    except NoLayout as exc:
        raise Fail(f"{spec}: {exc}", 2) from None
    seconds = time.perf_counter() - started
    s = problem.spec
    region = problem.scenario.region
    what = (f"people within {s.within:g} min" if s.objective == "coverage"
            else "people-weighted minutes")
    rows = []
    for rank, lay in enumerate(layouts, 1):
        rows.append({"rank": rank, "sites": problem.names(lay), "objective": lay.value,
                     **problem.describe(lay)})
    if not quiet:
        out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
        table = Table(title=f"{s.name}: {s.sites} new site(s) for {s.force}, "
                            f"{'maximal covering' if s.objective == 'coverage' else 'p-median'}")
        table.add_column("rank", justify="right")
        table.add_column("new sites")
        table.add_column(what, justify="right")
        if s.within is not None:
            table.add_column("share", justify="right")
        table.add_column("mean travel min", justify="right")
        for r in rows:
            cells = [str(r["rank"]), ", ".join(region.place(p).name for p in r["sites"]),
                     f"{r['objective']:,.0f}"]
            if s.within is not None:
                cells.append(f"{r['share_covered']:.1%}")
            cells.append(f"{r['mean_minutes']:.1f}")
            table.add_row(*cells)
        out.print(table)
        notes = []
        if problem.existing:
            notes.append(f"kept: {', '.join(problem.existing)}")
        if problem.left_out:
            notes.append(f"townships without a population weight, left out: {', '.join(problem.left_out)}")
        for n in notes:
            out.print(n)
    err.print(f"integer programme: {len(problem.candidates)} candidates × {len(problem.demands)} "
              f"townships, {len(layouts)} layout(s) in {seconds:.2f} s (scipy.optimize.milp, HiGHS)")
    result = {"spec": s.name, "force": s.force, "objective": s.objective, "within_min": s.within,
              "existing": problem.existing, "left_out": problem.left_out,
              "layouts": [{**r, "objective": round(r["objective"], 6),
                           "mean_minutes": round(r["mean_minutes"], 6),
                           **({"share_covered": round(r["share_covered"], 6)} if "share_covered" in r else {})}
                          for r in rows]}
    if json_path is not None:
        try:
            write_atomic(json_path, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        except OSError as exc:
            raise Fail(f"{json_path}: cannot write: {exc.strerror or exc}", 1) from None
        err.print(f"layouts written to {json_path}")
