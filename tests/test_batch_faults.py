"""Faults during a batch (issue 7).

- A replication whose plugin raises, hangs past the per-event time limit or returns
  nonsense, or whose run stalls, fails alone: it is recorded with its error, the batch
  goes on, ``drillsim results`` shows it per variant, and ``--resume`` leaves it alone
  unless ``--retry-failed``.
- A worker process killed mid-batch (SIGKILL; local pool and a 2-worker Dask cluster) is
  replaced and what it was running runs again: the rows equal an uninterrupted run's.
- A Dask worker killed mid-batch in a one-worker cluster (the nanny starts it again): the
  batch says so in one line and ends with the rows of an uninterrupted run (issue 19: it
  used to stop with a raw ``FutureCancelledError`` traceback, the scenario bundle having
  been scattered to the dead worker only).
- A database that cannot be written — disk full (a real SQLite "database or disk is
  full": the store's connection is allowed only a few more pages with ``PRAGMA
  max_page_count``), a read-only folder, a database file made immutable part way
  (``chattr +i``; ``chmod`` where the tests do not run as root) — gives a clear error
  naming the file, and what was stored stays whole and valid. A read-only database or
  folder given to ``--resume`` is reported as such (exit 1), not as "not a drillsim batch
  database" (issue 19).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import types
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.api import hookimpl
from drillsim.batch.errors import StoreWriteError
from drillsim.batch.executor import InProcessExecutor, LocalPoolExecutor
from drillsim.batch.runner import run_batch
from drillsim.batch.store import Store
from drillsim.batch.sweep import load_sweep
from drillsim.cli.main import main
from drillsim.engine.stall import RunStalled
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run_replication
from tests.batch_helpers import FACTORIAL, STALL_BODY, STALL_SWEEP, write_sweep

TWO_VARIANTS = """\
name: mini two
scenario: ../scenario.yaml
replications: 4
factors:
  units_a:
    path: forces.a.units
    values: [1, 2]
objective: {measure: mean, target: R}
"""


def tables(db: Path):
    """results, replications and failures (leaving out which worker ran them), sorted."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return (conn.execute("SELECT * FROM results ORDER BY variant, replication, target").fetchall(),
                conn.execute("SELECT * FROM replications ORDER BY variant, replication").fetchall(),
                conn.execute("SELECT variant, replication, kind, error FROM failures "
                             "ORDER BY variant, replication").fetchall())


def reference(sweep, db: Path, n: int):
    """The tables of an uninterrupted run in this process."""
    store = Store.create(db, sweep, n)
    run_batch(sweep, store, InProcessExecutor(), n)
    store.close()
    return tables(db)


def stalls_by_hand(sweep, host, n: int) -> set[tuple[int, int]]:
    """The (variant, replication) pairs whose run stalls, found by running each alone
    with the engine (no batch code)."""
    out = set()
    for v in sweep.variants:
        sc = load_scenario(sweep.scenario_path, host=host, overrides=v.overrides, seed=v.seed)
        for r in range(n):
            try:
                run_replication(sc, host, r, v.seed)
            except RunStalled:
                out.add((v.index, r))
    return out


def remove_folders_of(pid: int) -> None:
    """A killed worker cannot remove its scenario folder: do it for it."""
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), f"drillsim-batch-{pid}-*")):
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ failing replications
def test_a_plugin_that_raises_hangs_or_returns_nonsense_fails_only_its_replication(
        mini, host, tmp_path, monkeypatch):
    sweep = load_sweep(write_sweep(mini, TWO_VARIANTS), host)
    clean = reference(sweep, tmp_path / "clean.db", 4)

    def travel(sim, unit, origin, destination):
        variant = len(sim.forces["a"].units) - 1  # force a has 1 unit in variant 0, 2 in 1
        if (variant, sim.replication) == (0, 1):
            raise RuntimeError("boom")
        if (variant, sim.replication) == (0, 3):
            while True:  # never returns: the watchdog stops it
                time.sleep(0.01)
        if (variant, sim.replication) == (1, 2):
            return -5.0  # nonsense: a negative travel time
        return None  # every other replication: the built-in road model answers

    plugin = types.ModuleType("faulty_travel")
    plugin.drillsim_travel_time = hookimpl(tryfirst=True)(travel)
    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", "0.3")
    host.pm.register(plugin, name="faulty")
    seen = []
    try:
        store = Store.create(tmp_path / "faulty.db", sweep, 4)
        run = run_batch(sweep, store, InProcessExecutor(), 4, on_failure=seen.append)
        store.close()
    finally:
        host.pm.unregister(name="faulty")

    assert (run.ran, run.failed) == (8, 3)
    assert sorted((r.variant, r.replication) for r in seen) == [(0, 1), (0, 3), (1, 2)]
    rows, reps, failures = tables(tmp_path / "faulty.db")
    assert [(v, r, kind) for v, r, kind, _ in failures] == [
        (0, 1, "plugin failed"), (0, 3, "plugin failed"), (1, 2, "plugin failed")]
    time_ = r"at scenario time \d+\.\d min"
    assert re.fullmatch(rf"plugin 'faulty' failed in drillsim_travel_time {time_}: "
                        r"RuntimeError: boom", failures[0][3])
    assert re.fullmatch(rf"plugin 'faulty' did not return within 0.3 s \(wall clock\) "
                        rf"{time_}: stopped", failures[1][3])
    assert re.fullmatch(rf"plugin 'faulty' failed in drillsim_travel_time {time_}: it gave "
                        r"the travel time -5.0 for unit a-\d+ \(\w+ → \w+\) \(minutes must "
                        r"be a number, 0 or more; math.inf when unreachable\)", failures[2][3])
    # every other replication has exactly the rows of a run without the faulty plugin
    failed = {(0, 1), (0, 3), (1, 2)}
    assert reps == [row for row in clean[1] if (row[0], row[1]) not in failed]
    assert rows == [row for row in clean[0] if (row[0], row[1]) not in failed]

    # the plugin fixed: --resume alone leaves the failures; retrying them completes the
    # table to exactly the clean run's, and the failure rows go
    store = Store.open(tmp_path / "faulty.db")
    assert run_batch(sweep, store, InProcessExecutor(), 4).ran == 0
    again = run_batch(sweep, store, InProcessExecutor(), 4, retry_failed=True)
    store.close()
    assert (again.before, again.ran, again.failed) == (5, 3, 0)
    assert tables(tmp_path / "faulty.db") == clean


def test_stalled_replications_are_recorded_shown_per_variant_and_not_rerun_unless_asked(
        mini, host, tmp_path):
    path = write_sweep(mini, STALL_SWEEP.format(n=6), body=STALL_BODY)
    sweep = load_sweep(path, host)
    stalls = stalls_by_hand(sweep, host, 6)
    assert 0 < len(stalls) < 24, "the scenario must stall in some replications, not all"
    db = tmp_path / "stalls.db"
    runner = CliRunner()
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0"])
    out = result.output
    assert result.exit_code == 1, out
    assert "Traceback" not in out
    assert (f"24 replication(s) run (in this process); {24 - len(stalls)} of 24 in {db}, "
            f"{len(stalls)} failed") in out
    assert "(stalled): the run stalled before the horizon (480 min): nothing happened after" in out
    assert out.rstrip().endswith(f"{len(stalls)} replication(s) failed (each is recorded with "
                                 f"its error in {db}; `drillsim results {db}` lists them; run "
                                 "again with --resume --retry-failed to retry them)")
    _, reps, failures = tables(db)
    assert {(v, r) for v, r, _, _ in failures} == stalls
    assert {kind for _, _, kind, _ in failures} == {"stalled"}
    assert len(reps) == 24 - len(stalls)

    shown = runner.invoke(main, ["results", str(db)])
    assert shown.exit_code == 0, shown.output
    assert f"{24 - len(stalls)} of 24 replications stored, {len(stalls)} failed" in shown.output
    assert f"Failed replications ({len(stalls)};" in shown.output
    per_variant = Counter(v for v, _ in stalls)
    for v in sweep.variants:
        label = " / ".join(v.levels[f] for f in ("flood_rate", "turnout_b"))
        reps_text = ", ".join(str(r) for v_, r in sorted(stalls) if v_ == v.index)
        if per_variant[v.index]:
            first = min(r for v_, r in stalls if v_ == v.index)
            assert re.search(rf"│ {re.escape(label)}\s*│\s*{per_variant[v.index]} stalled\s*│\s*"
                             rf"{re.escape(reps_text)}\s*│ replication {first}: the run stalled",
                             shown.output), (label, shown.output)
    listed = runner.invoke(main, ["results", str(db), "--failures", "-q"])
    assert listed.exit_code == 0
    assert listed.output.count(", replication ") == len(stalls)
    assert listed.output.count("(on scene) at incident") == len(stalls)  # what waits on what

    # --resume runs nothing (the failures are recorded); --retry-failed runs them again
    resumed = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                   "--resume"])
    assert resumed.exit_code == 1 and "0 replication(s) run" in resumed.output
    retried = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                   "--resume", "--retry-failed"])
    assert retried.exit_code == 1
    assert (f"{len(stalls)} replication(s) run (in this process), {24 - len(stalls)} stored "
            "before") in retried.output
    assert {(v, r) for v, r, _, _ in tables(db)[2]} == stalls  # they stall again: still recorded once


# ------------------------------------------------------------------ killed workers
def test_a_killed_local_pool_worker_is_replaced_and_no_row_is_lost_or_doubled(mini, host, tmp_path):
    path = write_sweep(mini, STALL_SWEEP.format(n=30), body=STALL_BODY)
    sweep = load_sweep(path, host)
    expected = reference(sweep, tmp_path / "reference.db", 30)
    assert expected[2], "the sweep has failing replications, which must survive the kill too"
    pool = LocalPoolExecutor(2)
    notices, killed = [], []
    pool.notice = notices.append

    def kill_a_worker(done, total):
        if not killed:  # after the first chunk is stored: the others are in flight
            killed.append(pool.pids[0])
            os.kill(pool.pids[0], signal.SIGKILL)

    store = Store.create(tmp_path / "pool.db", sweep, 30)
    try:
        with pool:
            run = run_batch(sweep, store, pool, 30, progress=kill_a_worker)
    finally:
        store.close()
        for pid in killed:
            remove_folders_of(pid)
    assert killed and pool.restarts == 1 and killed[0] not in pool.pids
    assert notices and notices[0].startswith("a local worker process died (killed, or out of "
                                             "memory?); starting the workers again and running")
    assert run.ran == 120
    assert tables(tmp_path / "pool.db") == expected


def test_a_pool_found_broken_when_sending_is_restarted_too(mini, host, tmp_path):
    # the race behind a flaky run of the test above: a worker dies between a result and the
    # next submit, so submit itself raises BrokenProcessPool. Made certain here: the third
    # submit raises it; the chunk must be sent again with the others, nothing lost or doubled
    from concurrent.futures.process import BrokenProcessPool

    path = write_sweep(mini, STALL_SWEEP.format(n=6), body=STALL_BODY)
    sweep = load_sweep(path, host)
    expected = reference(sweep, tmp_path / "reference.db", 6)
    pool = LocalPoolExecutor(2)
    calls = []
    start = pool.start

    def start_and_break_once(*args):
        start(*args)
        submit = pool._pool.submit

        def flaky(*a, **k):
            calls.append(1)
            if len(calls) == 3:
                raise BrokenProcessPool("a child process terminated abruptly")
            return submit(*a, **k)

        if not pool.restarts:
            pool._pool.submit = flaky

    pool.start = start_and_break_once
    store = Store.create(tmp_path / "pool.db", sweep, 6)
    try:
        with pool:
            run = run_batch(sweep, store, pool, 6)
    finally:
        store.close()
    assert len(calls) >= 3 and pool.restarts == 1
    assert run.ran == 24
    assert tables(tmp_path / "pool.db") == expected


def test_a_killed_dask_worker_is_replaced_and_no_row_is_lost_or_doubled(mini, host, tmp_path):
    pytest.importorskip("distributed")
    from drillsim.batch.dask_executor import DaskExecutor

    path = write_sweep(mini, STALL_SWEEP.format(n=30), body=STALL_BODY)
    sweep = load_sweep(path, host)
    expected = reference(sweep, tmp_path / "reference.db", 30)
    dask = DaskExecutor(workers=2)  # a local cluster on 127.0.0.1
    killed = []

    def kill_a_busy_worker(done, total):
        if killed:
            return
        busy = [address for address, keys in dask.client.processing().items() if keys]
        if not busy:  # between two tasks: kill at the next result (asserted below)
            return
        pid = dask.client.run(os.getpid, workers=[busy[0]])[busy[0]]
        killed.append(pid)
        os.kill(pid, signal.SIGKILL)

    store = Store.create(tmp_path / "dask.db", sweep, 30)
    try:
        with dask:
            run = run_batch(sweep, store, dask, 30, progress=kill_a_busy_worker)
    finally:
        store.close()
        for pid in killed:
            remove_folders_of(pid)
    assert killed and run.ran == 120
    assert tables(tmp_path / "dask.db") == expected


def test_a_killed_dask_worker_of_a_one_worker_cluster_is_told_and_nothing_is_lost(
        mini, host, tmp_path):
    pytest.importorskip("distributed")
    from drillsim.batch.dask_executor import DaskExecutor

    sweep = load_sweep(write_sweep(mini, FACTORIAL.replace("replications: 3", "replications: 12")),
                       host)
    expected = reference(sweep, tmp_path / "reference.db", 12)
    dask = DaskExecutor(workers=1)  # the only worker: what it held is nowhere else
    notices, killed = [], []
    dask.notice = notices.append

    def kill_the_worker(done, total):
        if killed:
            return
        (address,) = dask.client.scheduler_info()["workers"]
        pid = dask.client.run(os.getpid, workers=[address])[address]
        killed.append(pid)
        os.kill(pid, signal.SIGKILL)

    store = Store.create(tmp_path / "dask.db", sweep, 12)
    try:
        with dask:
            run = run_batch(sweep, store, dask, 12, progress=kill_the_worker)
    finally:
        store.close()
        for pid in killed:
            remove_folders_of(pid)
    assert killed and run.ran == 72
    assert len(notices) == 1, notices
    # killed while it ran a task, or (tasks are short) just between two
    assert re.fullmatch(r"Dask worker tcp://127\.0\.0\.1:\d+ died \(killed, or out of memory\?\) "
                        r"(with \d+ replication\(s\) running; they run again on another worker|"
                        r"between tasks: no replication was lost)", notices[0]), notices
    assert tables(tmp_path / "dask.db") == expected


# ------------------------------------------------------------------ the database cannot be written
def test_disk_full_stops_the_batch_clearly_and_keeps_what_was_stored_whole(mini, host, tmp_path):
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    expected = reference(sweep, tmp_path / "reference.db", 60)
    db = tmp_path / "full.db"
    store = Store.create(db, sweep, 60)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: no page more
    with pytest.raises(StoreWriteError) as info:
        run_batch(sweep, store, InProcessExecutor(), 60)
    kept = store.replication_count()
    store.close()
    assert 0 < kept < 360
    message = str(info.value)
    assert message.startswith(f"cannot write 1 replication(s) to {db}: database or disk is full; "
                              f"the {kept} replication(s) stored before stay valid")
    assert message.endswith("then run the same command with --resume")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows, reps, _ = tables(db)
    done = {(v, r) for v, r, _ in reps}
    assert len(done) == kept and set(reps) <= set(expected[1])
    assert rows == [row for row in expected[0] if (row[0], row[1]) in done]  # whole replications
    # room again: resuming gives exactly the uninterrupted run's table
    store = Store.open(db)
    assert run_batch(sweep, store, InProcessExecutor(), 60).ran == 360 - kept
    store.close()
    assert tables(db) == expected


def test_disk_full_on_the_command_line_exits_1_naming_the_file(mini, tmp_path, monkeypatch):
    path = write_sweep(mini, FACTORIAL.replace("replications: 3", "replications: 60"))
    create = Store.create.__func__

    def tight(cls, *args, **kwargs):
        store = create(cls, *args, **kwargs)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(Store, "create", classmethod(tight))
    db = tmp_path / "full.db"
    result = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert re.fullmatch(rf"cannot write 1 replication\(s\) to {re.escape(str(db))}: database or disk "
                        r"is full; the (\d+) replication\(s\) stored before stay valid \(each is "
                        r"written whole or not at all\); make room or make the file writable, "
                        r"then run the same command with --resume\n", result.output)
    assert db.exists()


@contextlib.contextmanager
def read_only(*paths: Path):
    """Make files or folders unwritable, for root too: ``chattr +i`` (immutable) where
    allowed, else ``chmod a-w`` (which binds everyone but root). Skips the test when
    neither works here."""
    immutable = shutil.which("chattr") is not None and all(
        subprocess.run(["chattr", "+i", str(p)], capture_output=True).returncode == 0 for p in paths)
    if not immutable:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
        if os.geteuid() == 0:
            pytest.skip("running as root without chattr: nothing can be made read-only")
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield immutable
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
        else:
            for p in paths:
                p.chmod(0o755 if p.is_dir() else 0o644)


def test_a_read_only_output_folder_is_refused_before_anything_runs(mini, tmp_path):
    path = write_sweep(mini, FACTORIAL)
    folder = tmp_path / "locked"
    folder.mkdir()
    db = folder / "b.db"
    with read_only(folder):
        result = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q"])
    assert result.exit_code == 2, result.output
    assert re.fullmatch(rf"{re.escape(str(db))}: cannot create the database: the folder "
                        rf"{re.escape(repr(str(folder)))} is not writable \((Operation not "
                        r"permitted|Permission denied)\); give another --db\n", result.output)
    assert list(folder.iterdir()) == []


def test_a_read_only_database_or_folder_is_reported_as_such_on_resume(mini, tmp_path):
    path = write_sweep(mini, FACTORIAL)
    folder = tmp_path / "kept"
    folder.mkdir()
    db = folder / "b.db"
    runner = CliRunner()
    first = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                 "-n", "1"])
    assert first.exit_code == 0, first.output
    before = tables(db)
    says = {folder: (f"{db}: its folder {str(folder.resolve())!r} is read-only, and the batch "
                     "keeps its write-ahead log (-wal, -shm) there: make the folder writable and "
                     f"run the same command again; `drillsim results {db}` reads it as it is\n"),
            db: (f"{db}: the database file is read-only, so the batch cannot go on: make it "
                 "writable (chmod u+w; chattr -i if it is immutable) and run the same command "
                 f"again; `drillsim results {db}` reads it as it is\n")}
    for locked, message in says.items():
        with read_only(locked):
            result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0",
                                          "-q", "--resume", "-n", "3"])
            assert result.exit_code == 1, result.output
            assert result.output == message
            shown = runner.invoke(main, ["results", str(db), "-q"])  # reading still works
            assert shown.exit_code == 0, shown.output
        assert tables(db) == before
    # writable again: --resume goes on
    done = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                "--resume", "-n", "3"])
    assert done.exit_code == 0 and "12 replication(s) run (in this process), 6 stored before; " \
        "18 of 18" in done.output, done.output


def test_a_database_made_read_only_part_way_keeps_what_was_stored(mini, host, tmp_path):
    if shutil.which("chattr") is None or os.geteuid() != 0:
        pytest.skip("needs chattr as root: an open file made read-only with chmod stays writable")
    path = write_sweep(mini, STALL_SWEEP.format(n=60), body=STALL_BODY)
    db = tmp_path / "batch.db"
    drillsim = str(Path(sys.executable).parent / "drillsim")
    proc = subprocess.Popen([drillsim, "batch", str(path), "--db", str(db), "--workers", "0", "-q"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while True:
        with contextlib.suppress(sqlite3.Error), \
                contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            if conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0] >= 20:
                break
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.02)
    wal = Path(f"{db}-wal")
    with read_only(db, wal):
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    m = re.fullmatch(rf"cannot write 1 replication\(s\) to {re.escape(str(db))}: (.+); the (\d+) "
                     r"replication\(s\) stored before stay valid \(each is written whole or not at "
                     r"all\); make room or make the file writable, then run the same command with "
                     r"--resume", err.splitlines()[-1])
    assert m, err
    kept = int(m.group(2))
    assert 20 <= kept < 240
    sweep = load_sweep(path, host)
    expected = reference(sweep, tmp_path / "reference.db", 60)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows, reps, failures = tables(db)
    done = {(v, r) for v, r, _ in reps} | {(v, r) for v, r, _, _ in failures}
    assert len(reps) + len(failures) == kept + len(failures) and set(reps) <= set(expected[1])
    assert rows == [row for row in expected[0] if (row[0], row[1]) in done]
    resumed = subprocess.run([drillsim, "batch", str(path), "--db", str(db), "--workers", "0", "-q",
                              "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 1 and "replication(s) failed" in resumed.stderr  # the stalls
    assert tables(db) == expected
