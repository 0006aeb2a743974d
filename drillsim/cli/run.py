"""``drillsim validate`` and ``drillsim run``: check a scenario, run its replications and
report the scorecard."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from drillsim.errors import DrillsimError

from drillsim.cli.support import (SEED, WholeNumber,
    Fail,
    OutputFile,
    check_writable,
    is_stdout,
    log_write_error,
    open_output,
    output_error,
    write_output,
    collector_held,
    one_blas_thread,
    young_collections_spaced,
    err,
    guard,
    host_for,
    warn,
    with_loading_options,
    with_plugin_options,
)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@with_plugin_options
@with_loading_options
def validate(scenario: Path, plugins, disabled, loading) -> None:
    """Check a scenario (and its region and plan files), a sweep and every variant it
    expands to, a drill pack, an optimise or a hypercube spec, without running anything."""
    from drillsim.scenario.yamlsource import read_once

    with read_once():  # each file read from disk once: the kind and the check see one text
        _validate(scenario, plugins, disabled, loading)


def _validate(scenario: Path, plugins, disabled, loading) -> None:
    from drillsim.scenario.loader import declared_kind, document_kind, load_scenario
    from drillsim.scenario.yamlsource import load_yaml, read_text

    data = guard(load_yaml, scenario).data
    # read and checked above (the same text, not the file again): its modeline, if any,
    # names its kind
    head = read_text(scenario, str(scenario))[:4096]
    kind = declared_kind(head) or document_kind(data) or "scenario"
    if kind != "scenario":
        _validate_other(scenario, kind, guard(host_for, plugins, disabled, loading, scenario))
        return
    sc = guard(lambda: load_scenario(scenario, host=host_for(plugins, disabled, loading, scenario)))
    warn(sc)
    units = sum(len(f.units) for f in sc.forces)

    def count(n: int, word: str) -> str:  # '1 force', '2 forces'
        return f"{n} {word}" + ("" if n == 1 else "s")

    click.echo(f"{scenario}: valid — {count(len(sc.forces), 'force')} ({count(units, 'unit')}), "
               f"{count(len(sc.hazards), 'hazard')}, {count(len(sc.targets), 'target')}, "
               f"{count(len(sc.assumptions), 'assumption')}")


def _validate_other(path: Path, kind: str, host) -> None:
    """``validate`` for a sweep or a pack (each with its base scenario); refuses a region
    or plan file, which is checked through a scenario that names it."""
    if kind in ("region", "plan"):
        raise Fail(f"{path}: this is a {kind} file, not a scenario; validate a scenario "
                   f"that names it ({'region:' if kind == 'region' else 'plan: file:'} "
                    f"{path.name})", 2)
    if kind == "optimise":
        from drillsim.planning.optimise import load_problem

        problem = guard(load_problem, path, host)
        s = problem.spec
        click.echo(f"{path}: valid optimise spec — {s.sites} site(s) for {s.force} among "
                   f"{len(problem.candidates)} candidates, {s.objective}"
                   + (f", {s.layouts} layouts checked on {s.check.target}" if s.check else ""))
        return
    if kind == "hypercube":
        from drillsim.planning.hypercube_spec import load_system

        _spec, system = guard(load_system, path)
        click.echo(f"{path}: valid hypercube spec — {system.n} unit(s), {len(system.atoms)} "
                   f"atom(s), {system.load:.4g} erlangs offered")
        return
    if kind == "pack":
        from drillsim.drill.packs import check_pack

        _pack, base = guard(check_pack, path, host)
        click.echo(f"{path}: valid drill pack — base scenario {base.name}")
        return
    from drillsim.batch.sweep import load_sweep

    sw = guard(load_sweep, path, host)
    click.echo(f"{path}: valid sweep — {len(sw.variants)} variant(s) of {sw.scenario_path.name}, "
               f"{sw.replications} replication(s) each")


def _print_traceback(exc: BaseException) -> None:
    """The plugin's own traceback (the exception a ``PluginFailed`` wraps) on stderr."""
    from drillsim.errors import cause_traceback

    err.print(cause_traceback(exc))


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replications", "-n", type=WholeNumber(1, 100_000),
              help="Replications (default: the scenario's run.replications).")
@click.option("--seed", type=SEED, help="Base seed (default: the scenario's run.seed).")
@click.option("--json", "json_path", type=OutputFile(),
              help="Write the scorecard as JSON here (- for standard output, instead of the "
                   "scorecard table).")
@click.option("--report", "report_path", type=OutputFile(),
              help="Write the after-action report as Markdown here (- for standard output, "
                   "instead of the scorecard table).")
@click.option("--events", "events_path", type=OutputFile(),
              help="Write every replication's event log here as JSON Lines (- for standard "
                   "output, instead of the scorecard table).")
@click.option("--sensitivity", "sensitivity_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A `drillsim sensitivity --json` file of this scenario: name the three "
                   "assumptions that decide each target (on the terminal and in --report).")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the scorecard.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also print the information rows (units committed …) and every assumption "
                   "(always in --report and --json).")
@click.option("--traceback", "show_traceback", is_flag=True,
              help="When a plugin fails the run, also print its Python traceback (for its author).")
@with_plugin_options
@with_loading_options
def run(scenario: Path, replications, seed, json_path, report_path, events_path,
        sensitivity_path, quiet, verbose, show_traceback, plugins, disabled, loading) -> None:
    """Run a scenario's replications and print its scorecard."""
    if quiet and verbose:  # -v was dropped without a word
        raise Fail("--verbose adds rows to the scorecard that --quiet does not print; give one "
                   "of them", 2)
    one_blas_thread()  # before numpy loads: no OpenBLAS threads busy-waiting for work
    # imports, plugins and the scenario: nothing there is garbage; frozen out of the
    # collector's sight when loaded (gc.freeze), so its walks during the run are shorter
    with collector_held():
        # each report module and the progress bar (rich) load only when this run uses them
        from drillsim.scenario.loader import load_scenario
        from drillsim.scoring.runner import run as scenario_run

        host = guard(host_for, plugins, disabled, loading, scenario)
        sc = guard(lambda: load_scenario(scenario, host=host, seed=seed, replications=replications))
        warn(sc)
        # the sensitivity result read (--sensitivity, or the one stored beside the
        # scenario) is an input too: an output there would replace it
        from drillsim.scenario.paths import stored_sensitivity

        read = sc.inputs + tuple(p for p in (sensitivity_path, stored_sensitivity(scenario))
                                 if p is not None and p.is_file())
        check_writable((json_path, report_path, events_path), read, ("--json", "--report", "--events"))
        # an output on standard output (-) takes the place of the scorecard table there
        table = not quiet and not any(map(is_stdout, (json_path, report_path, events_path)))
        deciding = _deciding(sensitivity_path, sc) if sensitivity_path is not None else None
    decided_by: list[str] = []
    by_target: dict = {}  # the same result's three deciding assumptions per target (the report)

    def meanwhile() -> None:
        """What only the printing needs, done while the replications run (with a forked
        copy at work, it takes more of them meanwhile): the scorecard's modules (rich)
        and the line on which assumed values decide the results (only the scorecard and
        the report print it: a quiet run without --report skips the sensitivity module
        and the scenario's fingerprint)."""
        nonlocal decided_by
        if table:
            import gc

            was = gc.isenabled()
            gc.disable()  # nothing the import makes is garbage
            try:
                from drillsim.report import terminal  # noqa: F401
            finally:
                if was:
                    gc.enable()
        if not quiet or report_path is not None:
            decided_by = _decided_by(scenario, sc, sensitivity_path, by_target)

    def run_scenario(*args, **kwargs):
        try:
            return scenario_run(*args, **kwargs)
        except DrillsimError as exc:  # guard turns it into the one-line message
            written = log_write_error(exc)
            if written is not None:  # the event log's file (or pipe) failed, not a plugin
                raise output_error(events_path, written) from None
            if show_traceback:
                _print_traceback(exc)
            raise

    with ExitStack() as stack:
        stack.enter_context(young_collections_spaced())
        events = None
        if events_path is not None:
            # in place once the run has ended, or failed (the log up to the failure, to see
            # why); an interrupted run (Ctrl-C) leaves the file there before untouched
            events = stack.enter_context(open_output(events_path, keep_on=Exception))
        # a bar on a terminal only: piped or --quiet output stays as it was
        if not quiet and sys.stderr.isatty():
            from drillsim.batch.progress import BatchProgress

            with BatchProgress(enabled=True) as bar:
                bar.start(0, sc.replications if replications is None else replications)
                outcome = guard(run_scenario, sc, host, events_out=events, progress=bar.update,
                                processes=2, meanwhile=meanwhile)
        else:
            outcome = guard(run_scenario, sc, host, events_out=events, processes=2,
                            meanwhile=meanwhile)
    for line in outcome.warnings:
        err.print(f"warning: {line}", markup=False)
    if table:
        with collector_held():  # rich and the report modules: nothing there is garbage
            from drillsim.report import terminal

        console, prose_width = terminal.output_console()
        terminal.print_scorecard(outcome, console, verbose=verbose, notes=decided_by,
                                 prose_width=prose_width)
        if deciding is not None:
            click.echo(deciding.replace("**", "").replace("`", ""), nl=False)
    if json_path is not None:
        from drillsim.report.jsonreport import to_json

        write_output(json_path, guard(to_json, outcome))  # (a plugin's bad figures: one line)
    if report_path is not None:
        from drillsim.report.markdown import render

        text = guard(render, outcome, notes=decided_by, deciding=by_target)
        if deciding is not None:
            text = text.rstrip("\n") + "\n\n" + deciding
        write_output(report_path, text)
    for label, path in (("scorecard", json_path), ("report", report_path), ("events", events_path)):
        if path is not None and not quiet and not is_stdout(path):  # --quiet prints nothing
            err.print(f"{label} written to {path}")


def _deciding(path: Path, sc) -> str:
    """The "which assumptions decide it" section from a sensitivity JSON file.

    :raises Fail: unreadable, not such a file, or made for another scenario (exit 2).
    """
    import json

    from drillsim.planning.stored import report_section
    from drillsim.scenario.yamlsource import read_text

    try:
        data = json.loads(guard(read_text, path, f"{path} (--sensitivity)",
                                what="a drillsim sensitivity --json file"))
        if data.get("scenario") != sc.name:
            raise Fail(f"--sensitivity {path}: made for the scenario {data.get('scenario')!r}, "
                       f"not {sc.name!r}", 2)
        return report_section(data, [t.id for t in sc.targets])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Fail(f"--sensitivity {path}: not a `drillsim sensitivity --json` file", 2) from None


def _decided_by(scenario: Path, sc, given: Path | None, by_target: dict | None = None) -> list[str]:
    """The line the report's first lines give on which assumed values decide the results
    (issue 14, "honest reporting"): from ``--sensitivity FILE``; else from the stored
    result beside the scenario (``sensitivity/<name>.json``, written by ``drillsim
    sensitivity --json``) when it was computed for these very input files (its
    fingerprint); else how to compute it. Nothing is simulated here: a one-at-a-time
    screen of the flood's 35 assumed numbers is 71 design points × 10 replications (about
    40 s on 2 workers), too much to add to every run, and a screen of fewer replications
    would rank noise. ``by_target``, when given, receives the result's three deciding
    assumptions per target (:func:`~drillsim.planning.stored.deciding_by_target`) when
    the result is for this very scenario."""
    import json

    from drillsim.planning import stored as sa
    from drillsim.scenario.paths import stored_sensitivity
    from drillsim.scenario.validation import file_problem
    from drillsim.scenario.yamlsource import read_text

    targets = [t.id for t in sc.targets]
    mine = sa.fingerprint(sc)
    if given is not None:  # read and checked by _deciding already
        data = json.loads(read_text(given, str(given)))
        line = sa.headline(data, targets, str(given))
        if by_target is not None and data.get("fingerprint") in (None, mine):
            by_target.update(sa.deciding_by_target(data, targets))
        if data.get("fingerprint") not in (None, mine):
            line += (f" Note: {given} was computed for another version of this scenario (its "
                     "data, region or targets changed since).")
        return [line]
    stored = stored_sensitivity(scenario)
    shown = str(stored)
    if file_problem(stored) is None:
        try:
            data = json.loads(read_text(stored, shown))
            if data.get("scenario") == sc.name and data.get("fingerprint") == mine:
                if by_target is not None:
                    by_target.update(sa.deciding_by_target(data, targets))
                return [sa.headline(data, targets, shown)]
            return [f"Which assumed values decide these results: {shown} was computed for another "
                    f"version of this scenario (its data, region or targets changed since): run "
                    f"`drillsim sensitivity {scenario} --json {shown}` again."]
        except (ValueError, KeyError, TypeError, AttributeError, DrillsimError):
            return [f"Which assumed values decide these results: {shown} is not a `drillsim "
                    "sensitivity --json` file."]
    from drillsim.planning.sensitivity import FactorError, factors_of

    try:
        count = len(factors_of(sc)[0])
    except FactorError:
        count = 0
    if not count:
        return []
    return [f"Which of the {count} assumed numbers decide these results is not computed: run "
            f"`drillsim sensitivity {scenario} --json {shown}` (one at a time: {2 * count + 1} "
            "design points; later runs then name the three that decide most), or give "
            "--sensitivity FILE."]
