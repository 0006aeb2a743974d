"""``drillsim size SCENARIO --force F --target ID``: the smallest number of units (or any
count a scenario path holds: a team's size, a reserve) meeting a target at its required
pass rate with a stated confidence; the curve printed and drawn.

The work is :mod:`drillsim.planning.sizing` and :mod:`drillsim.planning.simrun`. Exit
status 2 for bad input, 1 for a failed run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from drillsim.cli.support import (Number, WholeNumber, Fail, check_writable, err, guard, host_for, warn,
                                  with_executor_options, with_loading_options,
                                  with_plugin_options, IMAGE, OutputFile, is_stdout, write_output)


def _counts(low: float, high: float, step: float) -> list[float]:
    if step <= 0 or high < low:
        raise Fail("--min must not exceed --max, and --step must be positive", 2)
    n = int(round((high - low) / step)) + 1
    if n > 200:
        raise Fail(f"{n} counts from --min {low:g} to --max {high:g}; at most 200 (raise --step)", 2)
    values = [low + k * step for k in range(n) if low + k * step <= high + 1e-9]
    return [int(round(v)) if abs(v - round(v)) < 1e-9 else v for v in values]


def _erlang_screen(calls: str | None, holding: str | None, max_waiting: str | None,
                   force: str | None) -> dict | None:
    """The Erlang screen of ``--calls``/``--holding`` (:mod:`drillsim.planning.erlang`): the
    fewest units that keep up with the offered load a = rate × holding (more than a: with
    fewer the queue grows without bound, Erlang C), and with ``--max-waiting`` whose share
    of calls waiting is at most that. None without the options.

    :raises Fail: half the options, bad quantities, or no ``--force`` (exit status 2).
    """
    if calls is None and holding is None and max_waiting is None:
        return None
    if calls is None or holding is None:
        raise Fail("the Erlang screen needs --calls RATE and --holding TIME together", 2)
    if force is None:
        raise Fail("the Erlang screen counts units: give --force ID", 2)
    from drillsim.planning.erlang import erlang_c, smallest_units
    from drillsim.scenario.quantities import format_number, parse_fraction, parse_quantity

    try:
        rate = parse_quantity(calls, "rate")
        hold = parse_quantity(holding, "time")
        share = None if max_waiting is None else parse_fraction(max_waiting.strip())
    except ValueError as exc:
        raise Fail(f"Erlang screen: {exc}", 2) from None
    load = rate * hold
    if share is None:
        fewest = smallest_units(load, wait_probability=1.0)
        why = f"fewer than {fewest} units cannot keep up (Erlang C: the queue grows without bound)"
    else:
        try:
            fewest = smallest_units(load, wait_probability=share)
        except ValueError as exc:
            raise Fail(f"Erlang screen: {exc}", 2) from None
        why = (f"{fewest} units are the fewest with at most {format_number(share * 100)} % of calls "
               f"waiting (Erlang C {format_number(erlang_c(fewest, load) * 100)} %)")
    text = (f"Erlang screen: {calls} × {holding} = {format_number(load, 4)} erlangs offered; {why}; "
            f"the search starts at {fewest}")
    return {"calls_per_hour": rate * 60, "holding_minutes": hold, "offered_load_erlangs": load,
            "max_waiting": share, "fewest_units": fewest, "text": text}


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", required=True, metavar="ID", help="The scorecard target to meet.")
@click.option("--force", metavar="ID", help="Vary this force's number of units.")
@click.option("--path", "dotted", metavar="PATH",
              help="Vary this scenario value instead (forces.township_teams.capabilities.people, "
                   "reserves.relocation_supplies.district).")
@click.option("--min", "low", type=Number(), default=1, show_default=True, help="Smallest count.")
@click.option("--max", "high", type=Number(), default=20, show_default=True, help="Largest count.")
@click.option("--step", type=Number(), default=1, show_default=True, help="Step between counts.")
@click.option("--replications", "-n", type=WholeNumber(1, 100_000),
              help="Replications per count (default: the scenario's, at least as many as the "
                   "confidence needs when every replication passes).")
@click.option("--confidence", default="95%", show_default=True, help="Confidence of the answer.")
@click.option("--calls", "calls", metavar="RATE",
              help="Erlang screen (with --force): the force's call rate, e.g. 4.5/h; counts that "
                   "cannot keep up with it are not simulated.")
@click.option("--holding", metavar="TIME",
              help="Erlang screen: the mean time a unit is held per call, e.g. 40min.")
@click.option("--max-waiting", metavar="SHARE",
              help="Erlang screen: also skip counts whose Erlang C share of calls waiting "
                   "exceeds this, e.g. 20%.")
@click.option("--plot", "plot_path", type=OutputFile(**IMAGE),
              help="Draw the curve into PATH.png.")
@click.option("--json", "json_path", type=OutputFile(),
              help="Write the curve and the answer as JSON here (- for standard output, "
                   "instead of the table).")
@with_executor_options()
@click.option("--quiet", "-q", is_flag=True, help="Do not print the curve or a progress bar.")
@with_plugin_options
@with_loading_options
def size(scenario: Path, target, force, dotted, low, high, step, replications, confidence,
         calls, holding, max_waiting, plot_path, json_path, workers, executor, scheduler, quiet,
         plugins, disabled, loading) -> None:
    """The smallest number of units (or team size, or reserve) meeting a target with 95 % confidence."""
    from drillsim.report.trimmed import stdout_console
    from rich.table import Table

    from drillsim.batch.errors import BatchSetupError
    from drillsim.batch.executor_choice import make_executor
    from drillsim.batch.progress import BatchProgress
    from drillsim.errors import ValidationFailed
    from drillsim.planning.simrun import ReplicationFailed, VariantRunner, row_value
    from drillsim.planning.sizing import replications_needed, size_curve, write_plot
    from drillsim.scenario.loader import load_scenario
    from drillsim.scenario.quantities import parse_fraction

    try:
        level = parse_fraction(confidence)
    except ValueError as exc:
        raise Fail(f"--confidence {confidence!r}: {exc}", 2) from None
    if not 0.5 <= level < 1:
        raise Fail(f"--confidence {confidence!r}: give a confidence from 50% to below 100%", 2)
    if (force is None) == (dotted is None):
        raise Fail("give --force ID (its number of units) or --path PATH, not both or neither", 2)
    counts = _counts(low, high, step)
    screen = _erlang_screen(calls, holding, max_waiting, force)
    if screen is not None:
        kept = [c for c in counts if c >= screen["fewest_units"]]
        if not kept:
            raise Fail(f"{screen['text']}; no count from --min {low:g} to --max {high:g} is that "
                       "large (raise --max)", 2)
        screen["skipped"] = [c for c in counts if c < screen["fewest_units"]]
        counts = kept
        if not quiet:
            err.print(screen["text"] + (f": counts {', '.join(f'{c:g}' for c in screen['skipped'])} "
                                        "not simulated" if screen["skipped"] else
                                        ": every count asked passes it"), markup=False)
    try:
        runner = make_executor(executor, workers, scheduler)
    except BatchSetupError as exc:
        raise Fail(str(exc), 2) from None
    host = guard(host_for, plugins, disabled, loading, scenario)
    sc = guard(lambda: load_scenario(scenario, host=host))
    warn(sc)
    check_writable((plot_path, json_path), sc.inputs, ("--plot", "--json"))
    if force is not None:
        spec = next((f for f in sc.spec.forces if f.id == force), None)
        if spec is None:
            from drillsim.scenario.validation import suggest

            raise Fail(f"--force {force}: no such force" + suggest(force, [f.id for f in sc.spec.forces]), 2)
        if spec.bases is not None:
            raise Fail(f"--force {force}: its units have one base each (bases:); give --path "
                       "to vary something else, or list the bases in variants of a sweep", 2)
        dotted = f"forces.{force}.units"
    if dotted.replace(" ", "") in ("run.seed", "run.replications"):
        # every count ran from the one seed (common random numbers) and -n replications:
        # a curve against them was a curve against nothing
        raise Fail(f"--path {dotted}: every count runs from the same seed and the same number of "
                   "replications (-n); give a path of the scenario to size (a force's units, a team "
                   "size, a reserve)", 2)
    row = next((t for t in sc.targets if t.id == target), None)
    if row is None:
        from drillsim.scenario.validation import suggest

        raise Fail(f"--target {target}: no such target" + suggest(target, [t.id for t in sc.targets]), 2)
    if row.comparison is None or row.by_label:
        raise Fail(f"--target {target}: needs a threshold and one value per replication", 2)
    required = row.required_pass_rate
    try:
        needed = replications_needed(required, level)
    except ValueError as exc:
        raise Fail(f"--target {target}: {exc}", 2) from None
    n = replications or max(sc.replications, needed)
    if n < needed:
        err.print(f"warning: {n} replications cannot show {required:.0%} with {level:.0%} "
                  f"confidence even if all pass (that needs {needed})")
    variants = [{dotted: c} for c in counts]
    for c in counts:  # every count must make a valid scenario before anything runs
        try:
            load_scenario(scenario, host=host, overrides={dotted: c})
        except ValidationFailed as exc:
            first = sorted(set(exc.faults))[0]
            raise Fail(f"{dotted} = {c}: {first}", 2) from None
    names = [f"{dotted} = {c}" for c in counts]
    runs = VariantRunner(sc, scenario, variants, runner, host, names=names)
    total = n * len(counts)
    with runner, BatchProgress(enabled=not quiet and sys.stderr.isatty()) as bar:
        bar.start(0, total)
        try:
            got = guard(runs.run, [(v, r) for r in range(n) for v in range(len(counts))],
                        lambda k: bar.update(k, total))
        except ReplicationFailed as exc:
            raise Fail(f"run failed: {exc}", 1) from None
    curve = size_curve(counts, lambda i: [row_value(got[i, r], target) for r in range(n)],
                       target, dotted, required, level, n)
    if not quiet and not is_stdout(json_path):  # - : the JSON takes the table's place
        out = stdout_console(highlight=False, width=None if sys.stdout.isatty() else 200)
        table = Table(title=f"{sc.name}: {target} ({row.title}) against {dotted}, "
                            f"{n} replications each, common random numbers")
        for col in ("count", "measured", "pass rate [95% Wilson]", f"{level:.0%} lower bound",
                    f"{target} mean [95% CI] ({row.unit})", f"meets {required:.0%}"):
            table.add_column(col, justify="right")
        for p in curve.points:
            rate = "—" if p.pass_rate is None else f"{p.pass_rate:.0%} [{p.pass_ci[0]:.0%}, {p.pass_ci[1]:.0%}]"
            mean = "—" if p.mean is None else (f"{p.mean:.2f}" + (f" [{p.mean_ci[0]:.2f}, {p.mean_ci[1]:.2f}]"
                                                                  if p.mean_ci else ""))
            table.add_row(f"{p.count:g}", str(p.measured), rate, f"{p.lower:.3f}", mean,
                          "yes" if p.meets else "no")
        out.print(table)
        if curve.smallest is None:
            out.print(f"no count from {counts[0]:g} to {counts[-1]:g} meets {target} in "
                      f"{required:.0%} of replications with {level:.0%} confidence")
        else:
            out.print(f"smallest {dotted} meeting {target} in {required:.0%} of replications with "
                      f"{level:.0%} confidence (one-sided Clopper–Pearson bound): {curve.smallest:g}"
                      + ("" if curve.monotone else "; NOTE: some larger count does not — the curve "
                         "is not monotone, so treat the answer with care"))
    err.print(f"{runs.ran} replication(s) run ({runner.describe()})")
    data = {"scenario": sc.name, "target": target, "path": dotted, "required_pass_rate": required,
            "erlang_screen": None if screen is None else {k: v for k, v in screen.items() if k != "text"},
            "confidence": level, "replications": n, "smallest": curve.smallest,
            "monotone": curve.monotone,
            "points": [{"count": p.count, "measured": p.measured, "passes": p.passes,
                        "pass_rate": None if p.pass_rate is None else round(p.pass_rate, 6),
                        "lower_bound": round(p.lower, 6),
                        "mean": None if p.mean is None else round(p.mean, 6), "meets": p.meets}
                       for p in curve.points]}
    if json_path is not None:
        write_output(json_path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", "curve")
    if plot_path is not None:
        try:
            write_plot(curve, plot_path, f"{sc.name}: {target} against {dotted}")
        except OSError as exc:
            raise Fail(f"{plot_path}: cannot write: {exc.strerror or exc}", 1) from None
        err.print(f"plot written to {plot_path}")
