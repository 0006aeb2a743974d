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

from drillsim.cli.support import (Fail, one_blas_thread, check_writable, err, guard, host_for,
                                  with_executor_options, with_loading_options,
                                  with_plugin_options, OutputFile, is_stdout, write_output)


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_path", type=OutputFile(),
              help="Write the layouts (and the check) as JSON here (- for standard output, "
                   "instead of the tables).")
@click.option("--no-check", is_flag=True, help="Solve only; do not run the layouts.")
@with_executor_options("Worker processes for the check")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the tables or a progress bar.")
@with_plugin_options
@with_loading_options
def optimise(spec: Path, json_path, no_check, workers, executor, scheduler, quiet, plugins,
             disabled, loading) -> None:
    """Choose k sites for a force to cover the most people within a time, or the least mean travel time."""
    # before numpy loads, here and in the workers and fork server that inherit the
    # environment: no OpenBLAS threads busy-waiting for matrix work a replication never gives
    one_blas_thread()
    from drillsim.report.trimmed import stdout_console
    from rich.table import Table

    from drillsim.planning.location import NoLayout
    from drillsim.planning.optimise import load_problem, solve

    from drillsim.batch.errors import BatchSetupError
    from drillsim.batch.executor_choice import make_executor

    try:
        runner = make_executor(executor, workers, scheduler)
    except BatchSetupError as exc:
        raise Fail(str(exc), 2) from None
    host = guard(host_for, plugins, disabled, loading, spec)
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
    # the region's population weights (GeoNames figures, approximate) or the spec's own
    # weights: a relative weight of each township's people, not a census count
    what = (f"population weight within {s.within:g} min" if s.objective == "coverage"
            else "population-weighted minutes")
    rows = []
    for rank, lay in enumerate(layouts, 1):
        rows.append({"rank": rank, "sites": problem.names(lay), "objective": lay.value,
                     **problem.describe(lay)})
    tables = not quiet and not is_stdout(json_path)  # - : the JSON takes their place
    if tables:
        out = stdout_console(highlight=False, width=None if sys.stdout.isatty() else 200)
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
    if s.check is not None and not no_check and len(layouts) >= 2:
        result["check"] = _check(problem, layouts, runner, host, quiet, tables)
    if json_path is not None:
        write_output(json_path, json.dumps(result, ensure_ascii=False, indent=1) + "\n", "layouts")


def _check(problem, layouts, runner, host, quiet: bool, tables: bool) -> dict:
    """Run the simulation check, print it, and return it as plain data."""
    from drillsim.report.trimmed import stdout_console
    from rich.table import Table

    from drillsim.batch.progress import BatchProgress
    from drillsim.planning.selection import statement
    from drillsim.planning.simcheck import CheckFailed, check_layouts

    c = problem.spec.check
    region = problem.scenario.region
    names = [" + ".join(region.place(p).name for p in problem.names(lay)) for lay in layouts]
    with runner, BatchProgress(enabled=not quiet and sys.stderr.isatty()) as bar:
        bar.start(0, len(layouts) * c.max)
        try:
            done = guard(check_layouts, problem, layouts, runner, host,
                         lambda n: bar.update(n, len(layouts) * c.max))
        except CheckFailed as exc:
            raise Fail(f"check failed: {exc}", 1) from None
    sel = done.selection
    what = f"{c.target} {'mean' if c.measure == 'mean' else 'pass rate'}"
    rows = []
    for i, lay in enumerate(layouts):
        from drillsim.scoring.stats import mean_ci

        mean, ci = mean_ci(sel.values[i], c.confidence)
        status = ("chosen" if i == sel.chosen else
                  f"eliminated after {sel.eliminated[i]}" if i in sel.eliminated else "left at budget")
        rows.append({"layout": problem.names(lay), "replications": len(sel.values[i]),
                     "mean": round(mean, 6), "ci": None if ci is None else [round(ci[0], 6), round(ci[1], 6)],
                     "status": status})
    text = statement(sel, names, c.indifference, c.confidence, done.unit or "(share)", done.goal)
    out = {"procedure": "KN (Kim & Nelson 2001)", "target": c.target, "measure": c.measure,
           "goal": done.goal, "indifference": c.indifference, "confidence": c.confidence,
           "first": c.first, "budget": c.max, "step": c.step, "eta": round(sel.eta, 6),
           "h2": round(sel.h2, 6), "guaranteed": sel.guaranteed, "chosen": problem.names(layouts[sel.chosen]),
           "layouts": rows, "replications_run": done.runs, "statement": text}
    if sel.runner_up is not None:
        out["runner_up"] = problem.names(layouts[sel.runner_up])
        out["difference"] = round(sel.difference, 6)
        out["difference_ci"] = None if sel.interval is None else [round(x, 6) for x in sel.interval]
        out["pairs"] = sel.pairs
    if tables:
        console = stdout_console(highlight=False, width=None if sys.stdout.isatty() else 200)
        table = Table(title=f"simulation check: {what} ({'lower' if done.goal == 'minimize' else 'higher'} "
                            f"is better), common random numbers")
        for col, justify in (("layout", "left"), ("replications", "right"),
                             (f"{what} [{c.confidence:.0%} CI]", "right"), ("KN", "left")):
            table.add_column(col, justify=justify)
        for name, r in zip(names, rows):
            ci = "" if r["ci"] is None else f" [{r['ci'][0]:.2f}, {r['ci'][1]:.2f}]"
            table.add_row(name, str(r["replications"]), f"{r['mean']:.2f}{ci}", r["status"])
        console.print(table)
        console.print(f"chosen: {names[sel.chosen]}")
        if sel.runner_up is not None and sel.interval is not None:
            console.print(f"difference to the runner-up ({names[sel.runner_up]}): "
                          f"{sel.difference:+.2f} {done.unit} [{sel.interval[0]:+.2f}, "
                          f"{sel.interval[1]:+.2f}], paired-t {c.confidence:.0%} interval over "
                          f"the {sel.pairs} replications both ran")
        console.print(text)
    err.print(f"{done.runs} replication(s) run ({runner.describe()})")
    return out
