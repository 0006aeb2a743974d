"""Running a sweep: the same results table in this process, on 1 or 2 local workers and
on a 2-worker local Dask cluster; per-variant statistics equal to the scorecard's;
workers that cannot load a plugin stop the batch before any replication runs."""

from __future__ import annotations

import pytest

from drillsim.batch.analysis import analyse
from drillsim.batch.executor import InProcessExecutor, LocalPoolExecutor
from drillsim.batch.executor_choice import make_executor
from drillsim.batch.runner import bundle_of, run_batch, tasks_for
from drillsim.batch.store import Store
from drillsim.batch.sweep import load_sweep
from drillsim.scenario.loader import load_scenario
from drillsim.host.pluginhost import PluginError
from drillsim.scoring.runner import run
from tests.batch_helpers import FACTORIAL, write_sweep


def run_into(sweep, db, executor, n=3):
    store = Store.create(db, sweep, n)
    with executor:
        run_batch(sweep, store, executor, n)
    table = (store.results(),
             list(store.conn.execute("SELECT * FROM replications ORDER BY variant, replication")))
    store.close()
    return table


def test_same_results_table_on_every_executor(mini, host, tmp_path):
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    reference = run_into(sweep, tmp_path / "inprocess.db", InProcessExecutor())
    rows, reps = reference
    # 6 variants x 3 replications, each with the plan's two rows R and Q
    assert len(reps) == 18 and len(rows) == 36
    assert {r[2] for r in rows} == {"R", "Q"}
    # the variants differ (turnout of b: 2, 5, 10 min), so the table is not trivially equal
    r_values = {(v, r): value for v, r, t, value, _ in rows if t == "R"}
    assert r_values[(0, 0)] != r_values[(2, 0)]
    assert run_into(sweep, tmp_path / "one.db", LocalPoolExecutor(1)) == reference
    assert run_into(sweep, tmp_path / "two.db", LocalPoolExecutor(2)) == reference

    pytest.importorskip("distributed")
    from drillsim.batch.dask_executor import DaskExecutor

    dask = DaskExecutor(workers=2)  # a local cluster on 127.0.0.1
    try:
        store = Store.create(tmp_path / "dask.db", sweep, 3)
        run_batch(sweep, store, dask, 3)
        assert (store.results(), list(store.conn.execute(
            "SELECT * FROM replications ORDER BY variant, replication"))) == reference
        store.close()
        # the cluster's workers take tasks as they join: on a busy machine the first may
        # have run all 18 before the second joined; both join in the end
        dask.wait_ready()
        assert len(dask.client.scheduler_info()["workers"]) == 2
        # the workers were forked by the fork server the local pool started above (one per
        # process), not started as fresh interpreters by the nannies in this process
        import os
        from multiprocessing import forkserver

        server = forkserver._forkserver._forkserver_pid
        assert server is not None and server != os.getpid()
        assert set(dask.client.run(os.getppid).values()) == {server}
        # the same cluster reached by its address, with a plugin its workers lack
        address = dask.cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        other = make_executor(None, None, address)
        with pytest.raises(PluginError) as info:
            with other:
                other.start(bundle_of(sweep), tuple(sweep.plugins) + ("no_such_plugin",))
        message = str(info.value)
        # one line: the plugin, the worker, and the fix
        assert "\n" not in message
        assert message.startswith("plugin 'no_such_plugin' is not installed on Dask worker tcp://127.0.0.1:")
        assert message.endswith(": install it there and restart the worker, or give the plugin as a "
                                ".py file (--plugin-module no_such_plugin=FILE.py), which drillsim "
                                "sends to every worker")
    finally:
        dask.close()


def test_a_dask_run_sends_its_chunks_at_once_and_they_run_in_their_order(mini, host, tmp_path):
    """Every chunk goes to the scheduler in one graph update (Client.map), each exactly
    once; sent in several updates, an earlier update's chunks run first (each update its
    own generation: replication 0 of every variant before the rest). Within one update
    Dask's order is its own (key order mostly, not always: seen 1 run in 9), so only
    the set is checked there."""
    pytest.importorskip("distributed")
    from drillsim.batch.dask_executor import DaskExecutor

    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    bundle = bundle_of(sweep)
    tasks = tasks_for(sweep, bundle, 3, set())  # 6 variants x 3 replications
    with DaskExecutor(workers=1, chunk=2) as dask:
        dask.start(bundle, tuple(sweep.plugins))
        dask.wait_ready()
        runs = []
        for per_update in (DaskExecutor.CHUNKS_PER_UPDATE, 4):  # then the chunks in 3 updates
            dask.CHUNKS_PER_UPDATE = per_update
            dask.client.run_on_scheduler(_count_graph_updates)
            got = [[(r.variant, r.replication) for r in batch] for batch in dask.batches(tasks)]
            runs.append((got, dask.client.run_on_scheduler(_graph_updates)))
    made = [(t.variant, t.replication) for t in tasks]
    for got, _ in runs:
        # chunks of 2 while 2 chunks per worker remain, then 1 (executor.chunked): 10 chunks
        sizes = sorted((len(c) for c in got), reverse=True)
        assert sum(sizes) == 18 and len(sizes) == 10 and sizes[0] == 2 and sizes[-1] == 1
        back = [pair for chunk in got for pair in chunk]
        assert sorted(back) == sorted(made) and len(set(back)) == 18
    # 3 updates of 4, 4 and 2 chunks (8, 8 and 2 tasks): each update's tasks before the next's
    back = [pair for chunk in runs[1][0] for pair in chunk]
    for first, last in ((0, 8), (8, 16), (16, 18)):
        assert sorted(back[first:last]) == sorted(made[first:last])
    assert [updates for _, updates in runs] == [1, 3]


def _count_graph_updates(dask_scheduler=None):
    """On the scheduler: count its graph updates from now on."""
    update = type(dask_scheduler).update_graph
    dask_scheduler._drillsim_updates = 0

    async def counted(self, *args, **kwargs):
        self._drillsim_updates += 1
        return await update(self, *args, **kwargs)

    dask_scheduler.stream_handlers["update-graph"] = counted.__get__(dask_scheduler)


def _graph_updates(dask_scheduler=None):
    return dask_scheduler._drillsim_updates


def test_local_worker_without_a_plugin_fails_before_running(mini, host, tmp_path):
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    sweep.plugins = sweep.plugins + ["no_such_plugin"]
    for k, executor in enumerate((InProcessExecutor(), LocalPoolExecutor(1))):
        store = Store.create(tmp_path / f"{k}.db", sweep, 2)
        with pytest.raises(PluginError) as info:
            with executor:
                run_batch(sweep, store, executor, 2)
        assert "no_such_plugin" in str(info.value)
        assert ("local pool worker (pid" if k else "this process") in str(info.value)
        assert store.replication_count() == 0
        store.close()


def test_a_local_dask_worker_without_a_plugin_fails_the_batch_in_one_line(mini, host, tmp_path):
    # the local cluster's workers load the plugins as they join (BundlePlugin.setup),
    # not in a check before the first task: the first task raises what failed
    pytest.importorskip("distributed")
    from drillsim.batch.dask_executor import DaskExecutor

    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    sweep.plugins = sweep.plugins + ["no_such_plugin"]
    store = Store.create(tmp_path / "dask.db", sweep, 2)
    with pytest.raises(PluginError) as info:
        with DaskExecutor(workers=1) as executor:
            run_batch(sweep, store, executor, 2)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("plugin 'no_such_plugin' is not installed on Dask worker tcp://127.0.0.1:")
    assert store.replication_count() == 0
    store.close()


def test_statistics_match_the_scorecard_of_each_variant(mini, host, tmp_path):
    # the per-replication values stored by a batch, summarised, must give what
    # `drillsim run` gives for the variant alone (scorecard.build, computed separately)
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    store = Store.create(tmp_path / "b.db", sweep, 5)
    run_batch(sweep, store, InProcessExecutor(), 5)
    comparison = analyse(store)
    for v in sweep.variants:
        sc = load_scenario(sweep.scenario_path, host=host, overrides=v.overrides, seed=v.seed)
        card = {row.id: row for row in run(sc, host, replications=5).rows}
        stats = comparison.by_index()[v.index].rows
        for row_id in ("R", "Q"):
            a, b = stats[row_id], card[row_id]
            assert a.n == b.n and a.status == b.status
            assert a.mean == pytest.approx(b.mean)
            assert a.pass_rate == pytest.approx(b.pass_rate)
            assert a.pass_rate_ci95 == pytest.approx(b.pass_rate_ci95)
            if b.ci95 is None:
                assert a.ci95 is None
            else:
                assert a.ci95 == pytest.approx(b.ci95)
    store.close()


def test_tasks_are_plain_data_and_interleave_replications(mini, host):
    import pickle

    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    bundle = bundle_of(sweep)
    assert [rel for rel, _ in bundle.files] == ["plan.yaml", "region.yaml", "scenario.yaml"]
    tasks = tasks_for(sweep, bundle, 2, done={(0, 0)})
    # replication 0 of every variant (but the stored one) before replication 1
    assert [(t.variant, t.replication) for t in tasks] == (
        [(v, 0) for v in range(1, 6)] + [(v, 1) for v in range(6)])
    t = tasks[0]
    assert t.overrides == (("forces.a.units", 1), ("forces.b.turnout", "5min"))
    assert t.plugins == tuple(host.names()) and t.seed == 7
    assert pickle.loads(pickle.dumps(t)) == t


def test_core_and_local_batch_do_not_import_dask():
    import subprocess
    import sys

    code = ("import sys, drillsim.cli.main, drillsim.scoring.runner, drillsim.batch.executor, "
            "drillsim.cli.batch, drillsim.batch.analysis; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_many_variants_run_in_blocks_of_replications(mini, host, monkeypatch):
    from drillsim.batch import runner, worker

    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    monkeypatch.setattr(worker, "SCENARIO_CACHE", 4)  # 6 variants > 4 kept loaded
    monkeypatch.setattr(runner, "BLOCK", 2)
    tasks = tasks_for(sweep, bundle_of(sweep), 3, done=set())
    assert [(t.variant, t.replication) for t in tasks][:6] == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    assert [(t.variant, t.replication) for t in tasks][12:] == [(v, 2) for v in range(6)]


def test_chunks_shrink_towards_the_end():
    from drillsim.batch.executor import chunked

    parts = list(chunked(list(range(20)), 4, workers=2))
    # up to 4, and no more than a quarter (2 x workers) of what is left
    assert [len(p) for p in parts] == [4, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1]
    assert [x for p in parts for x in p] == list(range(20))


@pytest.mark.parametrize("kind,workers,scheduler,message", [
    (None, None, "nonsense", "not a Dask scheduler's address"),
    ("dask", None, "tcp://host-without-port", "not a Dask scheduler's address"),
    ("dask", 0, None, "--workers 0 runs the batch in this process"),
])
def test_executor_options_that_cannot_work_are_refused_before_anything_starts(kind, workers, scheduler, message):
    from drillsim.batch.errors import BatchSetupError

    with pytest.raises(BatchSetupError, match=message):
        make_executor(kind, workers, scheduler)
