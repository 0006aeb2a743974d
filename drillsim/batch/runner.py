"""Run a sweep's missing replications on an executor and store each as it finishes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from drillsim.batch import worker
from drillsim.batch.executor import Executor
from drillsim.batch.store import Store
from drillsim.batch.sweep import Sweep
from drillsim.batch.worker import Bundle, Result, Task

#: Replications per variant in a row when a sweep has more variants than a worker caches.
BLOCK = 16


def bundle_of(sweep: Sweep) -> Bundle:
    """The files every variant needs (scenario, region, plan), as text, and the plugin
    modules of the host the sweep was checked with.

    :raises PluginError: a plugin's ``.py`` file cannot be read any more.
    """
    others = []
    for v in sweep.variants:
        spec = v.scenario.spec
        others += [sweep.scenario_path.parent / spec.region,
                   sweep.scenario_path.parent / spec.plan.file]
    return Bundle.of(sweep.root, sweep.scenario_path, others, sweep.host)


def tasks_for(sweep: Sweep, bundle: Bundle, replications: int,
              done: set[tuple[int, int]]) -> list[Task]:
    """The tasks not yet done, replication by replication (every variant's replication 0
    first), so a batch stopped early has comparable variants. With more variants than a
    worker keeps loaded, replications go in blocks of :data:`BLOCK` per variant so each
    load serves several."""
    plugins = tuple(sweep.plugins)
    overrides = {v.index: tuple(v.overrides.items()) for v in sweep.variants}
    block = 1 if len(sweep.variants) <= worker.SCENARIO_CACHE else BLOCK
    return [Task(bundle.key, v.index, overrides[v.index], v.seed, r, plugins)
            for first in range(0, replications, block) for v in sweep.variants
            for r in range(first, min(first + block, replications)) if (v.index, r) not in done]


@dataclass
class BatchRun:
    """What a call of :func:`run_batch` did: ``before`` replications were stored (or
    recorded as failed) already, ``ran`` were run now, of ``total``; ``failed`` of those
    run now failed (recorded with their error)."""

    before: int
    ran: int
    total: int
    failed: int = 0


def run_batch(sweep: Sweep, store: Store, executor: Executor, replications: int,
              progress: Callable[[int, int], None] | None = None,
              on_start: Callable[[int, int], None] | None = None,
              on_failure: Callable[[Result], None] | None = None,
              retry_failed: bool = False, bundle: Bundle | None = None) -> BatchRun:
    """Run every (variant, replication) not in ``store`` yet and store the results, a
    chunk (as it comes back from a worker) per transaction.

    A replication that fails is recorded in the store's ``failures`` and the batch goes
    on; a resumed batch does not run recorded failures again unless ``retry_failed``.
    A result that comes back twice (a task run again after a worker died) is stored once.

    :param replications: per variant (indices ``0 … replications-1``).
    :param progress: called as ``progress(done, total)`` after each stored chunk.
    :param on_start: called as ``on_start(already_done, total)`` once workers are ready.
    :param on_failure: called with each failed :class:`Result` once it is stored.
    :param bundle: the sweep's :func:`bundle_of`, if made already (as for
        :meth:`~drillsim.batch.executor.Executor.start_soon`).
    :raises PluginError: a worker cannot load a plugin (before any replication runs there).
    :raises StoreWriteError: the database cannot be written (what was stored stays whole).
    :raises DrillsimError: workers keep dying.
    """
    bundle = bundle or bundle_of(sweep)
    total = replications * len(sweep.variants)
    done = {(v, r) for v, r in store.done(failed=not retry_failed) if r < replications}
    tasks = tasks_for(sweep, bundle, replications, done)
    before = len(done)
    ran = failed = 0
    if not tasks:
        return BatchRun(before, 0, total)
    executor.fit(len(tasks))
    executor.ensure_started(bundle, tuple(sweep.plugins))  # started already by start_soon?
    if on_start is not None:
        on_start(before, total)
    expected = {(t.variant, t.replication) for t in tasks}
    for batch in executor.batches(tasks):
        fresh = []
        for result in batch:
            key = (result.variant, result.replication)
            if key in expected:
                expected.discard(key)
                fresh.append(result)
        if not fresh:
            continue
        store.add_many(fresh)
        ran += len(fresh)
        for result in fresh:
            if result.failed:
                failed += 1
                if on_failure is not None:
                    on_failure(result)
        if progress is not None:
            progress(before + ran, total)
    return BatchRun(before, ran, total, failed)
