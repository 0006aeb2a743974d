"""The command line's local Dask executor: the cluster and its client in a helper process
(:mod:`drillsim.batch.detached`), the command's own process importing no Dask; the same
results table as in this process; a run stopped early leaves nothing behind for the
next; a helper that dies is one line."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

from drillsim.batch.executor import InProcessExecutor
from drillsim.batch.executor_choice import make_executor
from drillsim.batch.runner import bundle_of, run_batch, tasks_for
from drillsim.batch.store import Store
from drillsim.batch.sweep import load_sweep
from drillsim.errors import DrillsimError
from tests.batch_helpers import FACTORIAL, write_sweep

pytest.importorskip("distributed")


def table(db):
    store = Store.open(db, read_only=True)
    try:
        return (store.results(),
                list(store.conn.execute("SELECT * FROM replications ORDER BY variant, replication")))
    finally:
        store.close()


def test_the_dask_executor_of_the_command_line_runs_in_a_helper_importing_no_dask_here(
        mini, host, tmp_path):
    path = write_sweep(mini, FACTORIAL)
    sweep = load_sweep(path, host)
    store = Store.create(tmp_path / "reference.db", sweep, 3)
    with InProcessExecutor() as here:
        run_batch(sweep, store, here, 3)
    store.close()
    # as `drillsim batch --executor dask -w 2` runs it, in a fresh process
    script = tmp_path / "batch.py"
    script.write_text(textwrap.dedent(f"""\
        import sys
        from drillsim.batch.executor_choice import make_executor
        from drillsim.batch.runner import run_batch
        from drillsim.batch.store import Store
        from drillsim.batch.sweep import load_sweep
        from drillsim.host.pluginhost import load_plugins

        if __name__ == "__main__":
            executor = make_executor("dask", 2, None)
            executor.prepare()
            sweep = load_sweep({str(path)!r}, load_plugins())
            store = Store.create({str(tmp_path / "dask.db")!r}, sweep, 3)
            with executor:
                run_batch(sweep, store, executor, 3)
            store.close()
            print(type(executor).__name__, "|", executor.describe(), "|",
                  sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed")))
        """), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "DetachedExecutor | local Dask cluster, 2 worker(s) | []"
    assert table(tmp_path / "dask.db") == table(tmp_path / "reference.db")


def test_a_run_stopped_early_leaves_nothing_for_the_next_and_a_dead_helper_is_one_line(
        mini, host):
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    bundle = bundle_of(sweep)
    tasks = tasks_for(sweep, bundle, 3, set())  # 6 variants x 3 replications
    with InProcessExecutor() as here:
        here.start(bundle, tuple(sweep.plugins))
        expected = {(r.variant, r.replication): r for b in here.batches(tasks) for r in b}
    executor = make_executor("dask", 2, None)
    with executor:
        executor.start(bundle, tuple(sweep.plugins))
        first = executor.batches(tasks)
        assert next(first)  # a chunk, then the consumer stops reading (as a planning run
        first.close()       # does when a replication fails)
        # the next run gets its own replications only, the same as in this process
        got = [r for b in executor.batches(tasks[:5]) for r in b]
        assert sorted((r.variant, r.replication) for r in got) == \
            sorted((t.variant, t.replication) for t in tasks[:5])
        assert all(r == expected[(r.variant, r.replication)] for r in got)
        helper = executor._process.pid
        workers = _workers(helper)
        assert len(workers) == 2  # forked by the helper's nannies
        os.kill(helper, signal.SIGKILL)
        with pytest.raises(DrillsimError) as info:
            list(executor.batches(tasks[:2]))
        message = str(info.value)
        assert "\n" not in message
        assert message == ("the helper process running the local Dask cluster, 2 worker(s) "
                           "ended unexpectedly (killed by signal 9); what finished is stored: "
                           "run again with --resume")
    # the workers ended with the helper (Dask ends them at once: they leave their scenario
    # folders, removed here)
    for pid in workers:
        assert _ends(pid, within=30.0)
        for folder in glob.glob(os.path.join(tempfile.gettempdir(), f"drillsim-batch-{pid}-*")):
            shutil.rmtree(folder, ignore_errors=True)


def _ends(pid: int, within: float) -> bool:
    """Does process ``pid`` end (gone, or a zombie) within ``within`` seconds?"""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def _workers(helper: int) -> list[int]:
    """The helper's child processes but a resource tracker (forked by any of its threads)."""
    children = []
    for path in glob.glob(f"/proc/{helper}/task/*/children"):
        with open(path, encoding="ascii") as fh:
            children += [int(pid) for pid in fh.read().split()]
    out = []
    for pid in children:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            if b"resource_tracker" not in fh.read():
                out.append(pid)
    return out


def test_wait_ready_returns_once_every_worker_of_the_local_cluster_is_set_up(mini, host, tmp_path):
    """A local cluster's start returns as its workers start (tasks sent meanwhile wait at
    the scheduler); wait_ready, for timing a start-up, returns once every worker has
    joined with the bundle installed — here, and through the command line's helper."""
    from drillsim.batch import worker
    from drillsim.batch.dask_executor import DaskExecutor

    path = write_sweep(mini, FACTORIAL)
    sweep = load_sweep(path, host)
    bundle = bundle_of(sweep)
    with DaskExecutor(workers=2) as dask:
        dask.start(bundle, tuple(sweep.plugins))
        dask.wait_ready()
        assert dask._joined.is_set()  # the first task waits for no join already seen
        assert dask.client.run(worker.installed, bundle.key) == {
            address: True for address in dask.client.nthreads()}
        assert len(dask.client.nthreads()) == 2
    script = tmp_path / "ready.py"
    script.write_text(textwrap.dedent(f"""\
        from drillsim.batch.executor_choice import make_executor
        from drillsim.batch.runner import bundle_of, tasks_for
        from drillsim.batch.sweep import load_sweep
        from drillsim.host.pluginhost import load_plugins

        if __name__ == "__main__":
            executor = make_executor("dask", 2, None)
            executor.prepare()
            sweep = load_sweep({str(path)!r}, load_plugins())
            bundle = bundle_of(sweep)
            with executor:
                executor.start(bundle, tuple(sweep.plugins))
                executor.wait_ready()
                print(len(list(executor.results(tasks_for(sweep, bundle, 1, set())))))
        """), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(sweep.variants))
