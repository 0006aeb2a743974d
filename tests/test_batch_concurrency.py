"""The batch database is never lost, whatever runs at once (issue 19).

- Two batches creating one ``--db`` at the same moment (threads here, and two real
  ``drillsim batch`` processes held at a gate until both are about to create it): one
  creates it and runs, the other is refused because another batch is writing it; neither
  removes the other's database, and no temporary file is left.
- A second batch (``--resume`` or not) on a database a batch is writing is refused with
  that reason, naming the writer's process; ``drillsim results`` reads meanwhile; the
  writer ends with exactly the rows of an uninterrupted run.
- ``kill -9`` while the database is being created leaves no file under its name (only a
  temporary file, removed by the next batch): ``--resume`` starts the batch. A table-less
  file left by an older drillsim killed that way is replaced, saying so; a file holding
  anything is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.batch.errors import StoreBusyError, StoreExistsError
from drillsim.batch.executor import InProcessExecutor
from drillsim.batch.runner import run_batch
from drillsim.batch.store import Store
from drillsim.batch.sweep import load_sweep
from drillsim.cli.main import main
from tests.batch_helpers import FACTORIAL, write_sweep

#: Runs ``drillsim batch ARGS`` in this process with one fault arranged (``MODE``):
#: ``together``: wait at Store.create / Store.open until PARTIES processes are there;
#: ``kill-creating``: SIGKILL itself while the database is being written (variant 2);
#: ``hold``: after storing the first chunk, wait until the file RELEASE exists.
HARNESS = r"""
import os, signal, sys, time
from pathlib import Path
from drillsim.batch import store

mode, args = sys.argv[1], sys.argv[2:]
if mode == "together":
    gate, parties = Path(os.environ["GATE"]), int(os.environ["PARTIES"])

    def together(fn):
        def wrapped(cls, *a, **k):
            (gate / f"at-{os.getpid()}").touch()
            deadline = time.monotonic() + 30
            while len(list(gate.iterdir())) < parties and time.monotonic() < deadline:
                time.sleep(0.001)
            # all there: go on 50 ms after the last came, spinning to that moment so that
            # both go on within microseconds of each other
            go = max(p.stat().st_mtime for p in gate.iterdir()) + 0.05
            while time.time() < go:
                pass
            return fn.__func__(cls, *a, **k)
        return classmethod(wrapped)

    store.Store.create = together(store.Store.create)
    store.Store.open = together(store.Store.open)
elif mode == "kill-creating":
    write_variant = store.Store._write_variant

    def killed(self, v, *rest):
        if v.index == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return write_variant(self, v, *rest)

    store.Store._write_variant = killed
elif mode == "hold":
    add_many, release = store.Store.add_many, Path(os.environ["RELEASE"])

    def held(self, results):
        add_many(self, results)
        while not release.exists():
            time.sleep(0.01)

    store.Store.add_many = held
from drillsim.cli.main import main
sys.argv = ["drillsim", "batch", *args]
main()
"""


def harness(tmp_path: Path, mode: str, args: list[str], **env) -> subprocess.Popen:
    script = tmp_path / "harness.py"
    script.write_text(HARNESS, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), mode, *args], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, **env})


def replications(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        return conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0]


def rows(db: Path):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return (conn.execute("SELECT * FROM results ORDER BY variant, replication, target").fetchall(),
                conn.execute("SELECT * FROM replications ORDER BY variant, replication").fetchall())


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".creating" in p.name)


def busy_message(db: Path, pid: int | None = None) -> str:
    who = f" (process {pid})" if pid else ""
    return (f"another batch is writing {db}{who}: wait until it ends, then add --resume to go "
            "on with what it left, or give another --db")


# ------------------------------------------------------------------ creating at once
def test_two_batches_creating_one_database_at_once_never_lose_it(mini, host, tmp_path):
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    for trial in range(20):
        db = tmp_path / f"race{trial}.db"
        start, tried = threading.Barrier(2), threading.Barrier(2)
        outcome: list = [None, None]
        written: list = []

        def create(k: int) -> None:
            start.wait()
            try:
                store = Store.create(db, sweep, 3)
            except Exception as exc:  # noqa: BLE001  (kept for the assertions)
                outcome[k] = exc
                tried.wait()
                return
            outcome[k] = "created"
            tried.wait()  # the other has tried too: the winner still writes its database
            try:
                written.append(store.meta()["sweep_name"])
                run_batch(sweep, store, InProcessExecutor(), 1)
            finally:
                store.close()

        threads = [threading.Thread(target=create, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        errors = [o for o in outcome if o != "created"]
        assert outcome.count("created") == 1 and len(errors) == 1, (trial, outcome)
        # the loser was refused and removed only its own temporary file
        assert isinstance(errors[0], StoreBusyError), (trial, errors[0])
        assert str(errors[0]) == busy_message(db)
        assert written == ["mini factorial"]
        assert replications(db) == 6
        assert leftovers(tmp_path) == []
    # and with the winner done, a new batch is told to resume, not that one is writing
    with pytest.raises(StoreExistsError, match="exists: add --resume"):
        Store.create(tmp_path / "race0.db", sweep, 3)


def test_two_batch_commands_started_at_once_one_runs_the_other_is_refused(mini, tmp_path):
    # one trial (each is two processes); the threads above try many times
    path = write_sweep(mini, FACTORIAL)
    db = tmp_path / "b.db"
    gate = tmp_path / "gate"
    gate.mkdir()
    procs = [harness(tmp_path, "together", [str(path), "--db", str(db), "--workers", "0", "-q"],
                     GATE=str(gate), PARTIES="2") for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 2], (codes, outs)
    winner, loser = (0, 1) if codes[0] == 0 else (1, 0)
    assert outs[winner][1].endswith(f"18 replication(s) run (in this process); 18 of 18 in "
                                    f"{db}\n"), outs[winner]
    assert outs[loser][1] == busy_message(db, procs[winner].pid) + "\n", outs[loser]
    assert replications(db) == 18
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ a batch is writing
def test_a_second_batch_on_a_database_being_written_is_refused_with_the_reason(mini, host,
                                                                               tmp_path):
    path = write_sweep(mini, FACTORIAL.replace("replications: 3", "replications: 20"))
    db = tmp_path / "b.db"
    release = tmp_path / "release"
    first = harness(tmp_path, "hold", [str(path), "--db", str(db), "--workers", "0", "-q"],
                    RELEASE=str(release))
    try:
        deadline = time.monotonic() + 60
        while not db.exists() or replications(db) == 0:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first batch stored nothing"
            time.sleep(0.02)
        runner = CliRunner()
        for extra in (["--resume"], []):
            second = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0",
                                          "-q", *extra])
            assert second.exit_code == 2, second.output
            assert second.output == busy_message(db, first.pid) + "\n"
        # reading the results while it writes is fine
        shown = runner.invoke(main, ["results", str(db), "-q"])
        assert shown.exit_code == 0, shown.output
    finally:
        release.touch()
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert err.endswith(f"120 replication(s) run (in this process); 120 of 120 in {db}\n")
    sweep = load_sweep(path, host)
    reference = Store.create(tmp_path / "reference.db", sweep, 20)
    run_batch(sweep, reference, InProcessExecutor(), 20)
    reference.close()
    assert rows(db) == rows(tmp_path / "reference.db")
    # the writer gone, --resume goes on (nothing left to run)
    again = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                      "--resume"])
    assert again.exit_code == 0 and "0 replication(s) run" in again.output


# ------------------------------------------------------------------ killed while creating
def test_a_batch_killed_while_creating_its_database_leaves_nothing_in_the_way(mini, tmp_path):
    path = write_sweep(mini, FACTORIAL)
    db = tmp_path / "b.db"
    proc = harness(tmp_path, "kill-creating", [str(path), "--db", str(db), "--workers", "0", "-q"])
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert not db.exists()  # only the temporary file of the killed creation
    assert leftovers(tmp_path), "the kill came after the creation: nothing was tested"
    resumed = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0",
                                        "-q", "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output == (f"{db} does not exist yet: starting the batch\n"
                              f"18 replication(s) run (in this process); 18 of 18 in {db}\n")
    assert leftovers(tmp_path) == []  # the next creation removed the killed one's file


def table_less(db: Path) -> None:
    """What a batch of an older drillsim killed while creating its database left: a
    SQLite file in WAL mode, without a table."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


@pytest.mark.parametrize("resume", [False, True])
def test_a_table_less_file_is_replaced_saying_so_and_nothing_else_is(mini, tmp_path, resume):
    path = write_sweep(mini, FACTORIAL)
    runner = CliRunner()
    extra = ["--resume"] if resume else []
    for k, make in enumerate([table_less, lambda db: db.write_bytes(b"")]):
        db = tmp_path / f"left{k}.db"
        make(db)
        result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                      *extra])
        assert result.exit_code == 0, result.output
        assert result.output == (f"{db} was empty or held no tables (what a batch killed while "
                                 "creating its database leaves): replaced it with a new database\n"
                                 f"18 replication(s) run (in this process); 18 of 18 in {db}\n")
        assert replications(db) == 18
    # a file that holds anything stays as it was
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE mine (x)")
        conn.commit()
    text = tmp_path / "notes.db"
    text.write_text("my notes\n")
    for db in (other, text):
        before = db.read_bytes()
        result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                      *extra])
        assert result.exit_code == 2, result.output
        assert result.output.startswith(f"{db}: not a drillsim batch database" if resume
                                        else f"{db} exists: add --resume")
        assert db.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_results_of_an_empty_file_says_it_may_never_have_been_a_database(tmp_path):
    # an empty file need not be what a killed batch left: the message says both
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    result = CliRunner().invoke(main, ["results", str(db)])
    assert result.exit_code == 2
    assert result.output == (f"{db} is empty or holds no tables (what a batch killed while creating "
                             "its database leaves): nothing was stored. Run the batch again: it "
                             "replaces the file\n")
    assert db.read_bytes() == b""


def test_resuming_after_the_configuration_changed_names_what_changed(mini, tmp_path):
    # it said only "(the scenario, its region or plan file, or a package version
    # changed)" when an installed plugin had changed the plugins list
    import json

    path = write_sweep(mini, FACTORIAL)
    db = tmp_path / "b.db"
    runner = CliRunner()
    first = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q", "-n", "1"])
    assert first.exit_code == 0, first.output
    with contextlib.closing(sqlite3.connect(db)) as conn:  # as if made with other plugins
        (text,) = conn.execute("SELECT configuration FROM variants WHERE variant = 0").fetchone()
        config = json.loads(text)
        config["plugins"] = [{"name": "drone", "version": "0.1"}]
        conn.execute("UPDATE variants SET configuration = ?, configuration_sha256 = 'x' "
                     "WHERE variant = 0", (json.dumps(config),))
        conn.commit()
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "-q",
                                  "-n", "1", "--resume"])
    assert result.exit_code == 2, result.output
    assert "resolves to a different configuration now: its plugins changed; give another --db" \
        in result.output
