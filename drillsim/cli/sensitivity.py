"""``drillsim sensitivity SCENARIO``: which of the scenario's assumed numbers decide its
targets — one at a time (a tornado chart), or Morris or Sobol indices (SALib).

The work is :mod:`drillsim.planning.sensitivity`; variants run through
:mod:`drillsim.planning.simrun` on any executor. Exit status 2 for bad input (an
assumption's range, a factor value that makes the scenario invalid), 1 for a failed run.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from drillsim.cli.support import (SEED, WholeNumber, Fail, one_blas_thread, check_writable, err, guard, host_for, split_names, warn,
                                  with_executor_options, with_loading_options,
                                  with_plugin_options, OutputFile, OutputFolder, is_stdout, write_output)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--targets", metavar="IDS", help="Comma-separated targets (default: every target "
              "with one value per replication).")
@click.option("--method", type=click.Choice(["oat", "morris", "sobol"]), default="oat",
              show_default=True, help="oat: one at a time (tornado); morris: elementary effects; "
              "sobol: variance-based indices (morris and sobol need: pip install 'drillsim[sensitivity]').")
@click.option("--replications", "-n", type=WholeNumber(1, 100_000), default=10, show_default=True,
              help="Replications per design point (the same at every point: common random numbers).")
@click.option("--samples", type=WholeNumber(2, 100_000),
              help="morris: trajectories (default 10); sobol: base sample N, a power of 2 (default 64).")
@click.option("--seed", type=SEED, help="Seed of the replications and the design "
              "(default: the scenario's run.seed).")
@click.option("--plot", "plot_dir", type=OutputFolder(),
              help="oat: write a tornado chart per target into this folder.")
@click.option("--json", "json_path", type=OutputFile(),
              help="Write the factors and effects as JSON here (- for standard output, instead "
                   "of the tables).")
@with_executor_options()
@click.option("--quiet", "-q", is_flag=True, help="Do not print the tables or a progress bar.")
@with_plugin_options
@with_loading_options
def sensitivity(scenario: Path, targets, method, replications, samples, seed, plot_dir, json_path,
                workers, executor, scheduler, quiet, plugins, disabled, loading) -> None:
    """Which assumed numbers of a scenario decide its targets: one at a time, Morris or Sobol."""
    # before numpy loads, here and in the workers and fork server that inherit the
    # environment: no OpenBLAS threads busy-waiting for matrix work a replication never gives
    one_blas_thread()
    from drillsim.report.trimmed import stdout_console
    from rich.table import Table

    from drillsim.batch.errors import BatchSetupError
    from drillsim.batch.executor_choice import make_executor
    from drillsim.batch.progress import BatchProgress
    from drillsim.errors import ValidationFailed
    from drillsim.planning import sensitivity as sa
    from drillsim.planning.simrun import ReplicationFailed, VariantRunner, row_value
    from drillsim.planning.stored import holds_zero
    from drillsim.scenario.loader import load_scenario

    if method != "oat":
        try:
            import SALib  # noqa: F401
        except ImportError:
            raise Fail(f"--method {method} needs SALib: pip install 'drillsim[sensitivity]'", 2) from None
    if samples is None:
        samples = 10 if method == "morris" else 64
    if method == "sobol" and samples & (samples - 1):
        raise Fail(f"--samples {samples}: Sobol sampling needs a power of 2 (64, 128 …)", 2)
    try:
        runner = make_executor(executor, workers, scheduler)
    except BatchSetupError as exc:
        raise Fail(str(exc), 2) from None
    host = guard(host_for, plugins, disabled, loading, scenario)
    sc = guard(lambda: load_scenario(scenario, host=host, seed=seed))
    warn(sc)
    from drillsim.planning.sensitivity import stored_path

    check_writable((json_path,), sc.inputs, ("--json",), may_replace=(stored_path(scenario),))
    if plot_dir is not None and (plot_dir.exists() and not plot_dir.is_dir()):
        raise Fail(f"--plot {plot_dir}: not a folder", 2)
    rows = [t for t in sc.targets if not t.by_label]
    wanted = split_names(targets) if targets is not None else [t.id for t in rows]
    known = {t.id: t for t in rows}
    for t in wanted:
        if t not in known:
            from drillsim.scenario.validation import suggest

            raise Fail(f"--targets: no target {t!r} with one value per replication"
                       + suggest(t, list(known)), 2)
    try:
        factors, skipped = sa.factors_of(sc)
    except sa.FactorError as exc:
        raise Fail(f"{scenario}: {exc}", 2) from None
    if not factors:
        raise Fail(f"{scenario}: no assumption applies to a number (applies_to), so nothing to vary", 2)
    kept = []
    for f in factors:  # each end of each range must make a valid scenario, or the factor is left out
        bad = None
        for end in (f.low, f.high):
            try:
                load_scenario(scenario, host=host, overrides={f.path: f.text(end)}, seed=seed)
            except ValidationFailed as exc:
                bad = (end, sorted(set(exc.faults))[0].message)
                break
        if bad is None:
            kept.append(f)
        else:
            skipped.append(f"{f.path}: at {f.text(bad[0])} the scenario is invalid ({bad[1]}); give "
                           "its assumption a range: it can take")
    factors = kept
    if not factors:
        raise Fail(f"{scenario}: no assumed number can be varied; left out: {'; '.join(skipped)}", 2)
    total = [0]
    #: per target, the design points where a replication ended before it was decided
    open_points: dict[str, set[int]] = {t: set() for t in wanted}

    def evaluate(points):
        names = [f"design point {k}" for k in range(len(points))]
        runs = VariantRunner(sc, scenario, points, runner, host, seed=sc.seed, names=names)
        total[0] = len(points) * replications
        with runner, BatchProgress(enabled=not quiet and sys.stderr.isatty()) as bar:
            bar.start(0, total[0])
            got = guard(runs.run, [(v, r) for r in range(replications) for v in range(len(points))],
                        lambda k: bar.update(k, total[0]))
        out = {t: [[row_value(got[v, r], t) for r in range(replications)]
                   for v in range(len(points))] for t in wanted}
        for t in wanted:
            # a bound: a value resting on what the run's end cut off (the scorecard's
            # cut_off), or measured against a goal and left not judged
            judged = known[t].comparison is not None
            open_points[t] = {v for v in range(len(points)) for r in range(replications)
                              if t in got[v, r].bounds or (judged and out[t][v][r][0] is not None
                                                           and out[t][v][r][1] is None)}
        return {t: [[value for value, _ in reps] for reps in out[t]] for t in wanted}

    try:
        result = sa.run(method, factors, wanted, evaluate, replications, samples, sc.seed)
    except ReplicationFailed as exc:
        raise Fail(f"run failed: {exc}", 1) from None
    sa.mark_bounds(result, open_points)
    result.skipped = skipped
    err.print(f"{total[0]:,} replication(s) run: {result.points} design point(s) × {replications} "
              f"({runner.describe()})")
    if not quiet and not is_stdout(json_path):  # - : the JSON takes the tables' place
        out = stdout_console(highlight=False, width=None if sys.stdout.isatty() else 200)
        head = {"oat": "high − low [95% CI]", "morris": "μ* [95% CI]", "sobol": "ST [95% CI]"}[method]
        out.print(f"{len(factors)} factors from the assumptions ({sa.DEFAULT_SPREAD:.0%} either "
                  "way unless the assumption gives a range); left out: "
                  + (", ".join(skipped) if skipped else "none"))
        for t in wanted:
            effects = result.effects[t]
            if not effects:
                out.print(f"{t}: nothing to rank (too few replications measured it)")
                continue
            if all(round(e.value, 6) == 0 for e in effects):
                out.print(f"{t} depends on none of the {len(effects)} assumed numbers over their ranges")
                continue
            table = Table(title=f"{t} ({known[t].title}), {known[t].unit}: {method}"
                                + ("" if result.base[t] is None else f", base {result.base[t]:.3g}"))
            table.add_column("rank", justify="right")
            table.add_column("assumed number")
            if method == "oat":
                table.add_column("low → high", justify="right")
                table.add_column(f"{t} at low / high", justify="right")
            table.add_column(head, justify="right")
            if method == "morris":
                table.add_column("σ", justify="right")
            if method == "sobol":
                table.add_column("S1", justify="right")
            byname = {f.path: f for f in factors}
            # no effect: 0 to the 6 decimals the JSON keeps, as Sensitivity.top reads it (a
            # difference of float noise, 3.55e-15 min, was ranked)
            none = [e for e in effects if round(e.value, 6) == 0]
            for k, e in enumerate([e for e in effects if round(e.value, 6) != 0], 1):
                f = byname[e.factor]
                ci = "" if e.interval is None else f" [{e.interval[0]:.3g}, {e.interval[1]:.3g}]"
                cells = [str(k), e.factor]
                if method == "oat":
                    cells += [f"{f.text(f.low)} → {f.text(f.high)}", f"{e.low:.3g} / {e.high:.3g}"]
                cells.append(f"{e.value:.3g}{ci}" + (" (a bound)" if e.bounded else ""))
                if method == "morris":
                    cells.append(f"{e.extra['sigma']:.3g}")
                if method == "sobol":
                    cells.append(f"{e.extra['S1']:.3g} ± {e.extra['S1_conf']:.2g}")
                table.add_row(*cells)
            out.print(table)
            if none:
                out.print(f"no effect at all on {t}: {len(none)} of {len(effects)} factors")
            if any(e.bounded and round(e.value, 6) != 0 for e in effects):
                out.print(f"a bound: at a design point it rests on, some run ended before what "
                          f"{t} measures had happened (or was decided), and the run's end stood "
                          "for its value: the true value lies beyond it, so the effect marked is "
                          "not the effect's true size")
            top = result.top(t)
            unsure = {e.factor for e in effects if holds_zero(e.interval)}
            bound = {e.factor for e in effects if e.bounded}
            out.print(f"{t} is decided most by: "
                      + "; ".join(f + (" (its interval holds 0)" if f in unsure else "")
                                  + (" (a bound)" if f in bound else "") for f in top)
                      if top else
                      f"{t} depends on none of the assumed numbers over their ranges")
    data = {"scenario": sc.name, "fingerprint": sa.fingerprint(sc), "method": method,
            "replications": replications,
            "samples": samples if method != "oat" else None, "points": result.points,
            "factors": [{"path": f.path, "assumption": f.what, "base": f.base, "low": f.low,
                         "high": f.high, "unit": f.unit} for f in factors],
            "left_out": skipped,
            "targets": {t: {"base": None if result.base[t] is None else round(result.base[t], 6),
                            "top3": result.top(t),
                            "effects": [{"factor": e.factor, "value": round(e.value, 6),
                                         "interval": None if e.interval is None else
                                         [round(x, 6) for x in e.interval],
                                         **({"low": round(e.low, 6), "high": round(e.high, 6)}
                                            if e.low is not None else {}),
                                         **{k: round(v, 6) for k, v in e.extra.items()},
                                         **({"bounded": True} if e.bounded else {})}
                                        for e in result.effects[t]]} for t in wanted}}
    if json_path is not None:
        write_output(json_path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", "sensitivity")
    if plot_dir is not None and method == "oat":
        try:
            plot_dir.mkdir(parents=True, exist_ok=True)
            for t in wanted:
                if result.effects[t]:
                    p = plot_dir / f"tornado_{re.sub(r'[^A-Za-z0-9_.-]+', '_', t)}.png"
                    sa.write_tornado(result, t, known[t].unit, p, f"{sc.name}: {t}")
                    err.print(f"tornado chart written to {p}")
        except OSError as exc:
            raise Fail(f"--plot {plot_dir}: cannot write: {exc.strerror or exc}", 1) from None
