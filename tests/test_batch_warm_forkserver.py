"""The fork server of ``drillsim batch`` on a local pool or a local Dask cluster loads
the sweep's variants ahead (:mod:`drillsim.batch.warmsweep`): a worker forked from it has
every variant its tasks name loaded before its first task, and the results are the same
rows as in this process, on a pool and on a local Dask cluster (whose workers use those
variants)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from tests.batch_helpers import FACTORIAL, write_sweep

ROOT = Path(__file__).resolve().parent.parent


def rows(db: Path) -> tuple:
    with closing(sqlite3.connect(db)) as conn:
        return (conn.execute("SELECT * FROM results ORDER BY variant, replication, target").fetchall(),
                conn.execute("SELECT * FROM replications ORDER BY variant, replication").fetchall())


def drillsim(*args) -> subprocess.CompletedProcess:
    """``drillsim ARGS`` in a fresh process (its own fork server), from the repository."""
    return subprocess.run([sys.executable, "-c", "from drillsim.entry import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_workers_forked_from_the_server_have_every_variant_loaded_before_their_first_task(mini, tmp_path):
    path = write_sweep(mini, FACTORIAL)
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(f"""\
        import json
        import sys
        sys.path.insert(0, {str(ROOT)!r})  # tests.batch_helpers, for the worker too
        from drillsim.batch import worker
        from drillsim.batch.executor_choice import make_executor
        from drillsim.batch.runner import bundle_of, tasks_for
        from drillsim.batch.sweep import load_sweep
        from drillsim.host.pluginhost import load_plugins
        from tests.batch_helpers import cached_variant_keys

        if __name__ == "__main__":
            executor = make_executor("local", 1, None, {str(path)!r})
            executor.prepare()
            sweep = load_sweep({str(path)!r}, load_plugins())
            bundle = bundle_of(sweep)
            tasks = tasks_for(sweep, bundle, 3, set())
            with executor:
                executor.start(bundle, tuple(sweep.plugins))
                held = executor._pool.submit(cached_variant_keys).result()
            wanted = sorted({{worker._cache_key(t.bundle, t.overrides, t.seed, t.plugins) for t in tasks}})
            print(json.dumps([len(wanted), held == wanted]))
        """), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    # 6 variants (2 x 3 levels), each loaded in the worker before any task ran
    assert out.stdout.strip().splitlines()[-1] == "[6, true]"


def test_variants_loaded_by_the_fork_server_give_the_same_rows_as_in_this_process(mini, tmp_path):
    path = write_sweep(mini, FACTORIAL)
    runs = {"inprocess": ["--workers", "0"], "pool": ["--workers", "2"]}
    try:
        import distributed  # noqa: F401
    except ImportError:
        pass
    else:
        runs["dask"] = ["--executor", "dask", "--workers", "2"]
    got = {}
    for name, options in runs.items():
        out = drillsim("batch", path, "-q", "--db", tmp_path / f"{name}.db", *options)
        assert out.returncode == 0, out.stderr
        got[name] = rows(tmp_path / f"{name}.db")
    results, replications = got["inprocess"]
    assert len(replications) == 18 and len(results) == 36  # 6 variants x 3, rows R and Q
    for name in runs:
        assert got[name] == got["inprocess"], name


def test_dask_workers_forked_from_the_server_have_every_variant_loaded(mini, tmp_path):
    pytest.importorskip("distributed")
    path = write_sweep(mini, FACTORIAL)
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(f"""\
        import json
        import sys
        sys.path.insert(0, {str(ROOT)!r})  # tests.batch_helpers, for the worker too
        from drillsim.batch import worker
        from drillsim.batch.dask_executor import DaskExecutor
        from drillsim.batch.forkserver import DASK_PRELOAD, start_forkserver
        from drillsim.batch.runner import bundle_of, tasks_for
        from drillsim.batch.sweep import load_sweep
        from drillsim.host.pluginhost import load_plugins
        from tests.batch_helpers import cached_variant_keys

        if __name__ == "__main__":
            start_forkserver(DASK_PRELOAD, {str(path)!r})  # as make_executor starts it
            executor = DaskExecutor(workers=1)  # its worker forks from that server
            executor.prepare()
            sweep = load_sweep({str(path)!r}, load_plugins())
            bundle = bundle_of(sweep)
            tasks = tasks_for(sweep, bundle, 3, set())
            with executor:
                executor.start(bundle, tuple(sweep.plugins))
                executor.client.wait_for_workers(1)  # start() returns as its workers start
                (held,) = executor.client.run(cached_variant_keys).values()
            wanted = sorted({{worker._cache_key(t.bundle, t.overrides, t.seed, t.plugins) for t in tasks}})
            print(json.dumps([len(wanted), held == wanted]))
        """), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    # 6 variants (2 x 3 levels), each loaded in the Dask worker before any task ran
    assert out.stdout.strip().splitlines()[-1] == "[6, true]"
