"""``drillsim batch SWEEP …`` and ``drillsim results DB …``.

Exit status as for every command: 0 success; 1 a run failed: replications failed (a
plugin raised, hung or returned nonsense, a run stalled: each is recorded and the batch
went on), workers kept dying, or the results could not be written (disk full, the
database or its folder read-only: what was stored stays valid); 2 invalid input or usage
(sweep or scenario faults, a plugin that cannot be loaded on a worker, a database made by
another sweep, that cannot be created or that another batch is writing, an unreachable
scheduler); 130 interrupted (what finished is stored: ``--resume`` goes on).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from drillsim.batch.errors import (BatchSetupError, ExportError, StoreEmptyError, StoreError,
                                   StoreExistsError, StoreMissingError, StoreReadOnlyError,
                                   StoreWriteError)
from drillsim.cli.support import (WholeNumber, Fail, one_blas_thread, OutputFile, OutputFolder, check_writable, kept_file, output_name_problem, resolved, collector_held, err, guard, host_for, say,
                                  with_executor_options, with_loading_options,
                                  with_plugin_options)

#: failed replications described one by one while a batch runs; the rest are counted
SHOW_FAILURES = 10


def _guard_batch(fn, *args, **kwargs):
    """:func:`drillsim.cli.support.guard` plus the batch's own usage errors (exit 2) and
    failures to write the results (exit 1)."""
    try:
        return guard(fn, *args, **kwargs)
    except (BatchSetupError, StoreError, ExportError) as exc:
        raise Fail(str(exc), 2) from None
    except (StoreWriteError, StoreReadOnlyError) as exc:
        raise Fail(str(exc), 1) from None


def _all_rows_shown(all_rows: bool, quiet: bool) -> None:
    """--all-rows widens the comparison table, which --quiet does not print (it was
    dropped without a word).

    :raises Fail: both given (exit status 2)."""
    if all_rows and quiet:
        raise Fail("--all-rows widens the comparison table that --quiet does not print; give one "
                   "of them", 2)


def _store_for(db: Path, sweep, replications: int | None, resume: bool):
    """The batch's database and the replications per variant: with ``resume`` the one at
    ``db`` (or a new one when there is none, or when the file there holds no table),
    else a new one (see :meth:`drillsim.batch.store.Store.create`).

    :raises StoreBusyError: another batch is writing ``db``.
    :raises StoreError: ``db`` exists without ``resume``, was made by another sweep …
    :raises StoreReadOnlyError: ``db`` or its folder is read-only (with ``resume``).
    :raises StoreWriteError: the number of replications cannot be recorded.
    :raises BatchSetupError: ``resume`` with fewer replications than the stored batch's.
    """
    from drillsim.batch.store import Store

    for _ in range(3):
        if resume:
            try:
                store = Store.open(db)
            except StoreMissingError:
                err.print(f"{db} does not exist yet: starting the batch")
            except StoreEmptyError:
                pass  # left by a creation that was killed: create() replaces it, saying so
            else:
                try:
                    store.check_matches(sweep)
                    stored_n = int(store.meta()["replications"])
                    # the sweep's replications: raised since, they count as -n would (the
                    # edit was passed over: the batch went on with the stored number)
                    n = replications or max(stored_n, sweep.replications)
                    if replications is None and sweep.replications > stored_n:
                        err.print(f"{sweep.path}: replications: {sweep.replications}, and {db} holds a "
                                  f"batch of {stored_n} per variant: going on to {sweep.replications}")
                    if n < stored_n:
                        raise BatchSetupError(
                            f"--resume -n {n}: {db} holds a batch of {stored_n} replications per "
                            f"variant ({store.replication_count():,} stored); give -n {stored_n} or "
                            "more, or leave -n out (its table reads every stored replication)")
                    if n > stored_n:
                        store.set_replications(n)
                except BaseException:
                    store.close()
                    raise
                return store, n
        n = replications or sweep.replications
        try:
            store = Store.create(db, sweep, n)
        except StoreExistsError:
            if not resume:
                raise
            continue  # another batch made it (and ended) a moment ago: go on with it
        if store.replaced:
            err.print(store.replaced)
        return store, n
    raise StoreError(f"{db} keeps appearing and disappearing (another process?); give another --db")


def _complete(store, variants: list[int], replications: int) -> bool:
    """Whether every replication of the batch (each of ``variants`` × ``replications``)
    is stored or recorded as failed; False when the database cannot be read."""
    try:
        done = store.done(failed=True)
    except Exception:  # noqa: BLE001  (then it is not known to be complete)
        return False
    return all((v, r) in done for v in variants for r in range(replications))


def _check_db(db: Path) -> None:
    """Refuse (exit 2) before anything starts a ``--db`` that is no place for a database:
    a device, a pipe or a socket (``--db /dev/null`` found "no tables" there and renamed
    a new database over the machine's null device), or a file drillsim ships or reads
    (:func:`~drillsim.cli.support.kept_file`: a scenario, a drill log …; a database of
    an earlier batch is what ``--resume`` goes on with).

    :raises Fail: exit status 2.
    """
    import stat

    problem = output_name_problem(db)
    if problem:
        raise Fail(f"--db {db}: {problem}; nothing was run", 2)
    try:
        mode = db.stat().st_mode  # through links: what the database would be
    except OSError:
        return  # nothing there yet (or it cannot be looked at: opening it says why)
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise Fail(f"--db {db}: not a regular file (a device, a pipe …); a batch database is a "
                   "file: name one; nothing was run", 2)
    kept = kept_file(db)
    if kept is not None and not kept.startswith("a database"):
        raise Fail(f"--db {db}: is {kept}. Name another file; nothing was run", 2)


def _check_folder(folder: Path, option: str) -> None:
    """Refuse (exit 2) an output folder that cannot be made or written."""
    import os

    existing = folder if folder.exists() else next(p for p in resolved(folder, f"{option} {folder}").parents
                                                    if p.exists())
    if not existing.is_dir():
        raise Fail(f"{option} {folder}: {existing} is not a folder", 2)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise Fail(f"{option} {folder}: cannot write in {str(existing)!r}", 2)


def _one_line(text: str, most: int = 300) -> str:
    text = " ".join(text.split()) or "(no message)"
    return text if len(text) <= most else text[:most - 1] + "…"


def _stdout():
    """The rich console tables are printed on (rich imported only then)."""
    from drillsim.report.trimmed import stdout_console

    # tables are wide: a file or pipe (no COLUMNS) gets the room they need instead of
    # rich's 80 columns, so no column is squeezed out (see drillsim.report.terminal.PIPED)
    from drillsim.report.terminal import PIPED

    piped = not sys.stdout.isatty() and not os.environ.get("COLUMNS")
    return stdout_console(highlight=False, markup=False, emoji=False, width=PIPED if piped else None)


class _Silent:
    """The progress display of a ``-q`` batch: draws nothing, and needs no rich (whose
    import, about 128 M instructions, was most of what ``-q`` added to a batch's
    start-up before its workers could run)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def step(self, text: str) -> None:
        pass

    def start(self, done: int, total: int) -> None:
        pass

    def update(self, done: int, total: int) -> None:
        pass


@click.command()
@click.argument("sweep", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replications", "-n", type=WholeNumber(1, 100_000),
              help="Replications per variant (default: the sweep's, else the scenario's).")
@with_executor_options()
@click.option("--db", type=OutputFile(no_stdout="a SQLite database"),
              help="SQLite database for the results (default: SWEEP's name with .db, here).")
@click.option("--resume", is_flag=True,
              help="Go on with an existing database: run only the replications it lacks "
                   "(not those recorded as failed, unless --retry-failed).")
@click.option("--retry-failed", is_flag=True,
              help="With --resume: run the replications recorded as failed again too.")
@click.option("--all-rows", is_flag=True,
              help="Table every scorecard row, also those the same in every variant.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no comparison table.")
@click.option("--traceback", "show_traceback", is_flag=True,
              help="With each failed replication shown, also print the Python traceback of "
                   "what raised (a plugin's own, for its author).")
@with_plugin_options
@with_loading_options
def batch(sweep: Path, replications, workers, executor, scheduler, db, resume, retry_failed,
          all_rows, quiet, show_traceback, plugins, disabled, loading) -> None:
    """Run every variant of a sweep, replication by replication, into a database."""
    # before numpy loads, here and in the workers and fork server that inherit the
    # environment: no OpenBLAS threads busy-waiting for matrix work a replication never gives
    one_blas_thread()
    from drillsim.batch.executor_choice import make_executor

    if retry_failed and not resume:
        raise Fail("--retry-failed goes with --resume: it runs again the replications an "
                   "existing database recorded as failed", 2)
    _all_rows_shown(all_rows, quiet)
    if db is not None:
        _check_db(db)

    # the fork server loads the sweep's variants for the workers while this process
    # checks it (with the installed plugins as they are: other options, nothing to share)
    ahead = sweep if not (plugins or disabled or loading.modules or loading.allow_scenario_modules
                          or loading.trace) else None
    runner = None
    try:
        runner = _guard_batch(make_executor, executor, workers, scheduler, ahead)
        runner.prepare()  # workers (or the fork server) start while the sweep is checked
        _batch(runner, sweep, replications, db, resume, retry_failed, all_rows, quiet,
               show_traceback, plugins, disabled, loading)
    except KeyboardInterrupt:  # (once replications run, _batch says what is stored)
        raise _interrupted_at_start(db or Path(f"{sweep.stem}.db"), resume) from None
    finally:
        if runner is not None:
            runner.close()  # also when the sweep is refused: a cluster started early stops


def _interrupted_at_start(db: Path, resume: bool) -> Fail:
    """The message (exit status 130) for Ctrl-C during the start-up, before the first
    replication ran (plugins, the sweep and its variants, the database, the workers):
    what the database holds and how to go on, as a Ctrl-C later says (it was only
    "interrupted")."""
    from drillsim.batch.store import Store

    if not db.is_file():
        return Fail("interrupted before any replication ran: nothing was stored and no "
                    "database was made; run the same command to start again", 130)
    try:
        store = Store.open(db, read_only=True)
        try:
            kept = store.replication_count()
        finally:
            store.close()
    except Exception:  # noqa: BLE001  (not a batch database, or it cannot be read now)
        return Fail(f"interrupted before any replication ran: nothing was stored in {db}; "
                    "run the same command to go on", 130)
    again = "the same command" if resume else "the same command with --resume"
    return Fail(f"interrupted before any replication ran: {db} keeps the {kept:,} replication(s) "
                f"stored before; run {again} to go on", 130)


def _batch(runner, sweep: Path, replications, db, resume, retry_failed, all_rows, quiet,
           show_traceback, plugins, disabled, loading) -> None:
    from drillsim.batch.runner import run_batch
    from drillsim.batch.sweep import load_sweep

    # the start-up (every variant loaded and checked, workers started) takes seconds to
    # tens of seconds: a spinner names each step until the first replication
    if quiet:
        bar = _Silent()
    else:
        from drillsim.batch.progress import BatchProgress

        bar = BatchProgress()
    with bar:  # drawn until the last replication, start-up included
        with collector_held():  # the plugins and every variant: nothing there is garbage
            bar.step("loading plugins")
            host = guard(host_for, plugins, disabled, loading, sweep)
            bar.step(f"checking the sweep {sweep.name} and every variant it expands to")
            sw = guard(load_sweep, sweep, host)
        db = db or Path(f"{sweep.stem}.db")
        bundle = None
        if not resume:  # every replication runs: the workers start while the database is made
            from drillsim.batch.runner import bundle_of

            bundle = _guard_batch(bundle_of, sw)
            runner.start_soon(bundle, tuple(sw.plugins),
                              (replications or sw.replications) * len(sw.variants))
        bar.step(f"opening {db}")
        store, n = _guard_batch(_store_for, db, sw, replications, resume)
        bar.step(f"starting the workers ({len(sw.variants)} variants × {n} replications)")
        total = n * len(sw.variants)
        shown = []

        def tell(message: str) -> None:
            if quiet:
                say(message)
            else:
                bar.progress.console.print(message, markup=False, highlight=False, soft_wrap=True)

        def failed(result) -> None:
            shown.append(result)
            if len(shown) <= SHOW_FAILURES:
                tell(f"replication {result.replication} of variant {sw.variants[result.variant].name!r} "
                     f"failed ({result.failure}): {_one_line(result.error or '')}")
                if show_traceback and result.traceback:
                    tell(result.traceback)
            elif len(shown) == SHOW_FAILURES + 1:
                tell("more replications failed: each is recorded; `drillsim results` lists them")

        try:
            with runner:
                runner.notice = tell
                done = _guard_batch(run_batch, sw, store, runner, n, progress=bar.update,
                                    on_start=bar.start, on_failure=failed, retry_failed=retry_failed,
                                    bundle=bundle)
        except KeyboardInterrupt:
            if not _complete(store, [v.index for v in sw.variants], n):
                stored = store.replication_count()
                store.close()
                raise Fail(f"interrupted: {stored:,} of {total:,} replications are stored in "
                           f"{db}; run the same command with --resume to finish", 130) from None
            # Ctrl-C as the workers stopped, every replication stored: the batch is done,
            # and its table is printed as when it ends undisturbed (or with --resume)
            done = None
        except BaseException:
            try:
                kept = len(store.done(failed=True))
            except Exception:  # the database cannot even be read: keep it for a look
                kept = None
            if kept == 0:  # nothing ran (workers could not start): leave no database we made
                store.discard()  # only if this process created it, and it is still that file
            else:
                store.close()
            raise
    failures = store.failures()
    stored = store.replication_count()
    if done is None:
        closing = (f"interrupted as the batch ended; every replication was stored: {stored:,} "
                   f"of {total:,} in {db}" + (f", {len(failures):,} failed" if failures else ""))
    else:
        closing = (f"{done.ran:,} replication(s) run ({runner.describe()})"
                   + (f", {done.before:,} stored before" if done.before else "")
                   + f"; {stored:,} of {total:,} in {db}"
                   + (f", {len(failures):,} failed" if failures else ""))
    if quiet:  # the same line, without importing rich (about 128 M instructions) for it
        click.echo(closing, err=True)
    else:
        err.print(closing)
    try:
        if not quiet:
            from drillsim.batch.analysis import analyse
            from drillsim.batch.tables import print_comparison

            print_comparison(analyse(store), _stdout(), all_rows=all_rows)
    except KeyboardInterrupt:
        raise Fail(f"interrupted while the table was made; every replication is stored ({stored:,} "
                   f"of {total:,} in {db}): `drillsim results {db}` shows it", 130) from None
    finally:
        store.close()
    if failures:
        now = f"{done.failed:,} in this run; " if done and done.failed != len(failures) else ""
        raise Fail(f"{len(failures):,} replication(s) failed ({now}each is recorded with its "
                   f"error in {db}; `drillsim results {db}` lists them; run again with --resume "
                    "--retry-failed to retry them)", 1)


@click.command()
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--export", "export_path",
              type=OutputFile(no_stdout="an export (its format is read from the file name: .csv "
                                        "or .parquet)"),
              help="Write the tidy table (variant × replication × target) to PATH.csv or "
                   "PATH.parquet.")
@click.option("--plots", "plots_dir", type=OutputFolder(),
              help="Write PNG plots into this folder (created if missing).")
@click.option("--target", "targets", multiple=True, metavar="ID",
              help="Show only this scorecard row (repeatable; an id like U1 shows its labels).")
@click.option("--failures", "list_failures", is_flag=True,
              help="List every failed replication with its full error.")
@click.option("--all-rows", is_flag=True,
              help="Table every scorecard row, also those the same in every variant.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the comparison.")
def results(db: Path, export_path, plots_dir, targets, list_failures, all_rows, quiet) -> None:
    """Compare the variants of a batch database: ranking, intervals, paired differences."""
    import sqlite3

    _all_rows_shown(all_rows, quiet)

    from drillsim.batch.analysis import analyse
    from drillsim.batch.export import check_export_path, export
    from drillsim.batch.store import Store
    from drillsim.batch.tables import print_comparison, print_failures

    if export_path is not None:  # outputs are checked before anything is printed
        _guard_batch(check_export_path, export_path)
        check_writable([export_path], [db], ["--export"])
    if plots_dir is not None:
        _check_folder(plots_dir, "--plots")
    store = _guard_batch(Store.open, db, read_only=True)
    try:
        try:
            comparison = analyse(store)
        except sqlite3.DatabaseError as exc:  # a page the open's checks did not read
            raise Fail(f"{db}: a damaged drillsim batch database ({exc}); run the batch again "
                       "into a new --db", 2) from None
        known = comparison.row_ids
        for t in targets:
            if t not in known and not any(r.startswith(t + "/") for r in known):
                from drillsim.scenario.validation import suggest

                raise Fail(f"--target {t}: no such row in {db}; rows: {', '.join(known)}"
                            + suggest(t, known), 2)
        if not quiet:
            print_comparison(comparison, _stdout(), only=list(targets) or None, all_rows=all_rows)
        if list_failures:
            print_failures(comparison, _stdout())
        if export_path is not None:
            rows = _guard_batch(export, store, export_path)
            err.print(f"{rows:,} rows written to {export_path}")
        if plots_dir is not None:
            from drillsim.batch.plots import write_plots

            try:
                written = write_plots(comparison, plots_dir)
            except OSError as exc:
                raise Fail(f"cannot write plots into {plots_dir}: {exc}", 1) from None
            for path in written:
                err.print(f"plot written to {path}")
    finally:
        store.close()

