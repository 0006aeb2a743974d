"""A real ``drillsim batch`` process stopped part way — by Ctrl-C (SIGINT to its process
group, as a terminal sends it) and by ``kill -9`` — and resumed ends with exactly the
rows of an uninterrupted run: nothing lost, nothing twice, no half-stored replication.
``kill -9`` of the main process alone leaves no pool worker or fork server running
(issue 19)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from drillsim.batch.executor import InProcessExecutor
from drillsim.batch.runner import run_batch
from drillsim.batch.store import Store
from drillsim.batch.sweep import load_sweep
from drillsim.cli.main import main
from tests.batch_helpers import write_sweep

SWEEP = """\
name: mini resume
scenario: ../scenario.yaml
replications: 60
factors:
  units_a:
    path: forces.a.units
    values: [1, 2]
  turnout_b:
    path: forces.b.turnout
    values: [2min, 10min]
objective: {measure: mean, target: R}
"""
TOTAL = 4 * 60
ROWS = 2  # the mini plan's R and Q


def drillsim() -> str:
    return str(Path(sys.executable).parent / "drillsim")


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def start(args, cwd) -> subprocess.Popen:
    # own session: signals go to the batch and its worker processes, not to pytest;
    # temporary folders of killed workers stay in the test's folder
    tmp = Path(cwd) / "tmp"
    tmp.mkdir(exist_ok=True)
    # SIGINT handled as by default even when pytest itself was started in the background
    # (a shell's `&` or nohup makes the children ignore it, and Ctrl-C would do nothing)
    return subprocess.Popen([drillsim(), "batch", *args], cwd=cwd, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def stop_after(proc: subprocess.Popen, db: Path, at_least: int, sig: int) -> int:
    deadline = time.monotonic() + 120
    while stored(db) < at_least:
        assert proc.poll() is None, f"the batch ended before it was stopped: {proc.communicate()}"
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.02)
    os.killpg(proc.pid, sig)
    proc.wait(timeout=60)
    return stored(db)


def check_whole(db: Path) -> None:
    """Every stored replication has all its rows, and no row lacks its replication."""
    with sqlite3.connect(db) as conn:
        per = conn.execute("SELECT COUNT(*) FROM results GROUP BY variant, replication").fetchall()
        reps = conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM results r LEFT JOIN replications p ON "
            "r.variant = p.variant AND r.replication = p.replication "
            "WHERE p.variant IS NULL").fetchone()[0]
    assert len(per) == reps and set(per) <= {(ROWS,)} and orphans == 0


def table(db: Path):
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT * FROM results ORDER BY variant, replication, target").fetchall(),
                conn.execute("SELECT * FROM replications ORDER BY variant, replication").fetchall())


def test_interrupted_and_killed_batch_resumes_to_the_same_rows(mini, host, tmp_path):
    path = write_sweep(mini, SWEEP)
    db = tmp_path / "batch.db"
    args = [str(path), "--db", str(db), "--quiet"]

    # Ctrl-C part way (in-process run): exit 130, whole replications only
    proc = start(args + ["--workers", "0"], tmp_path)
    first = stop_after(proc, db, 20, signal.SIGINT)
    out, err = proc.communicate()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "--resume" in err
    assert 20 <= first < TOTAL
    check_whole(db)

    # resumed on 2 pool workers, then the whole process group killed with SIGKILL (no
    # chance to clean up) while replications are in flight
    proc = start(args + ["--workers", "2", "--resume"], tmp_path)
    second = stop_after(proc, db, first + 20, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert first + 20 <= second < TOTAL, "killed after the end: nothing was tested"
    check_whole(db)
    deadline = time.monotonic() + 10  # and no worker process is left running
    while live_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_members(proc.pid) == []

    # resumed to the end
    done = subprocess.run([drillsim(), "batch", *args, "--workers", "0", "--resume"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{TOTAL - second:,} replication(s) run (in this process), " \
           f"{second:,} stored before; {TOTAL:,} of {TOTAL:,}" in done.stderr

    # an uninterrupted run of the same sweep, in this process
    sweep = load_sweep(path, host)
    reference = Store.create(tmp_path / "reference.db", sweep, 60)
    run_batch(sweep, reference, InProcessExecutor(), 60)
    reference.close()
    assert table(db) == table(tmp_path / "reference.db")
    assert len(table(db)[0]) == TOTAL * ROWS


def test_existing_database_needs_resume_and_must_match_the_sweep(mini, tmp_path):
    path = write_sweep(mini, SWEEP.replace("replications: 60", "replications: 2"))
    db = tmp_path / "b.db"
    runner = CliRunner()
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q"])
    assert result.exit_code == 2 and "add --resume" in result.output
    # nothing missing: resume runs nothing
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q", "--resume"])
    assert result.exit_code == 0 and "0 replication(s) run" in result.output
    # more replications on resume: only the new ones run
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q", "--resume",
                                  "-n", "3"])
    assert result.exit_code == 0
    assert "4 replication(s) run (in this process), 8 stored before; 12 of 12" in result.output
    # fewer than the stored batch's: refused, saying what is stored (it once printed "12 of 8")
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q", "--resume",
                                  "-n", "2"])
    assert result.exit_code == 2
    assert "holds a batch of 3 replications per variant (12 stored); give -n 3 or more" in result.output
    # a changed sweep is another batch
    path.write_text(path.read_text().replace("[2min, 10min]", "[2min, 12min]"))
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q", "--resume"])
    assert result.exit_code == 2 and "give another --db" in result.output


def live_members(group: int) -> list[int]:
    """Processes of a process group still running (zombies, already dead, left out;
    Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def test_no_database_is_left_when_workers_cannot_start(mini, tmp_path, monkeypatch):
    from drillsim.batch.executor import LocalPoolExecutor
    from drillsim.host.pluginhost import PluginError

    def refuse(self, bundle, plugins):
        raise PluginError("on worker local pool worker (pid 1 on h): plugin(s) not installed: x")

    monkeypatch.setattr(LocalPoolExecutor, "start", refuse)
    path = write_sweep(mini, SWEEP)
    db = tmp_path / "never.db"
    result = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "--workers", "1", "-q"])
    assert result.exit_code == 2
    assert "plugin error: on worker local pool worker (pid 1 on h): plugin(s) not installed: x" in result.output
    assert not db.exists() and not (tmp_path / "never.db-wal").exists()


def test_a_killed_main_process_leaves_no_pool_worker_or_fork_server(mini, tmp_path):
    path = write_sweep(mini, SWEEP)
    db = tmp_path / "batch.db"
    proc = start([str(path), "--db", str(db), "--quiet", "--workers", "2"], tmp_path)
    try:
        deadline = time.monotonic() + 120
        while stored(db) < 8:  # the workers are running replications
            assert proc.poll() is None, f"the batch ended before it was killed: {proc.communicate()}"
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.02)
        assert len(live_members(proc.pid)) >= 4  # main, resource tracker, fork server, workers
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, not its process group
        proc.wait()  # not communicate(): orphans would keep its output pipes open
        deadline = time.monotonic() + 10  # the workers notice at once; the fork server follows
        while live_members(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live_members(proc.pid) == []
        # the workers removed their scenario folders as they went
        assert list((tmp_path / "tmp").glob("drillsim-batch-*")) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever was left, not to outlive the test
        proc.stdout.close()
        proc.stderr.close()
    check_whole(db)
    assert stored(db) < TOTAL, "killed after the end: nothing was tested"


def test_ctrl_c_before_the_first_replication_says_what_is_kept_and_how_to_go_on(
        mini, tmp_path, monkeypatch):
    """Ctrl-C while a batch starts (plugins, the sweep's variants, the database, the
    workers: seconds to tens of seconds) said only "interrupted"; a Ctrl-C later says what
    is stored and how to resume, and so does this one now (exit status 130)."""
    import drillsim.batch.sweep
    import drillsim.batch.tables

    path = write_sweep(mini, SWEEP.replace("replications: 60", "replications: 2"))
    db = tmp_path / "b.db"
    runner = CliRunner()
    args = ["batch", str(path), "--db", str(db), "--workers", "0", "-q"]
    assert runner.invoke(main, args).exit_code == 0  # 4 variants × 2 stored
    before = db.read_bytes()

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(drillsim.batch.sweep, "load_sweep", ctrl_c)
        result = runner.invoke(main, args + ["--resume"])
        assert result.exit_code == 130
        assert result.output == (f"interrupted before any replication ran: {db} keeps the 8 "
                                 "replication(s) stored before; run the same command to go on\n")
        assert db.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db", "scenarios"]
        result = runner.invoke(main, ["batch", str(path), "--db", str(tmp_path / "new.db"),
                                      "--workers", "0", "-q"])
        assert result.exit_code == 130
        assert result.output == ("interrupted before any replication ran: nothing was stored and no "
                                 "database was made; run the same command to start again\n")
        assert not (tmp_path / "new.db").exists()

    # Ctrl-C as the comparison table is made, every replication stored
    with monkeypatch.context() as patch:
        patch.setattr(drillsim.batch.tables, "print_comparison", ctrl_c)
        result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0",
                                      "--resume"])
    assert result.exit_code == 130
    assert result.output.endswith(
        f"interrupted while the table was made; every replication is stored (8 of 8 in {db}): "
        f"`drillsim results {db}` shows it\n")
