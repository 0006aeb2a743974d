"""Run a batch on a Dask distributed cluster: a local one started here, or an existing
one given by its scheduler's address (``tcp://host:8786``).

The scenario bundle is scattered to every worker once; each Dask task carries a chunk
of plain-data :class:`~drillsim.batch.worker.Task` (replications), whose results are
stored together as the Dask task returns. Before any task is submitted every connected
worker loads the plugins by name, and a worker that cannot fails the batch with a
message naming the plugin and the worker's address. Workers need drillsim (and the
plugins) installed in the same versions as here.

A worker that dies mid-task loses its tasks to the scheduler, which runs them again on
another worker (the local cluster's nanny also starts the dead worker again); a task
that has killed ``distributed.scheduler.allowed-failures`` workers (default 3) fails
the batch with :class:`~drillsim.errors.DrillsimError`, what finished being stored.

The local cluster turns down Dask's own periodic work, which on a small machine
competes with the replications for the cores (:data:`LOCAL_CLUSTER_CONFIG`).

This is the only module of drillsim that imports Dask.
"""

from __future__ import annotations

import logging
import os
from typing import Iterable, Iterator

import dask.config
from distributed import Client, LocalCluster, as_completed, get_worker

from drillsim.batch import worker
from drillsim.batch.errors import BatchSetupError
from drillsim.batch.executor import Executor, chunked
from drillsim.batch.worker import Bundle, Result, Task
from drillsim.errors import DrillsimError
from drillsim.host.pluginhost import PluginError

#: Dask settings for the local cluster. By default every process of a cluster wakes up
#: every 20 ms to check its event loop, each worker samples its task thread's stack
#: every 10 ms for the dashboard's profile, and system and memory monitors run every
#: 0.1-0.5 s: measured on 2 cores, an idle 2-worker cluster spent 12 % of a core on
#: these. Nothing here uses the profile, and slower ticks and monitors only make the
#: dashboard's figures coarser; the nanny's memory limit still applies, checked each second.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def _check_worker(plugins: list[str], dask_worker=None) -> str | None:
    """On a worker: load the plugins; a message naming plugin and worker if one fails."""
    return worker.check_plugins(tuple(plugins), where=f"Dask worker {dask_worker.address}")


def _run(bundle: Bundle, tasks: list[Task]) -> list[Result]:
    """On a worker: install the bundle (once) and run a few tasks, one after another."""
    worker.WORKER_NAME = f"Dask worker {get_worker().address}"
    worker.install(bundle)
    return worker.run_tasks(tasks)


class DaskExecutor(Executor):
    """Tasks on a Dask cluster.

    :param workers: size of the local cluster started when no ``scheduler`` is given
        (one single-threaded worker process each; default: the number of CPUs).
    :param scheduler: address of an existing scheduler; its workers run the batch.
    :param connect_timeout: seconds to wait for the scheduler and for a first worker.
    :param chunk: replications per Dask task at most (each is still stored on its own).
    """

    #: Chunks kept in flight per worker thread.
    window_per_worker = 2

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 connect_timeout: float = 30.0, chunk: int = 8) -> None:
        self.workers = workers
        self.chunk = max(1, chunk)
        self.scheduler = scheduler
        self.timeout = connect_timeout
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None
        self._bundle = None

    def fit(self, tasks: int) -> None:
        if not self.scheduler:  # a running cluster's workers are not ours to count
            super().fit(tasks)

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout=self.timeout)
            except (OSError, TimeoutError) as exc:
                raise BatchSetupError(f"cannot reach the Dask scheduler at {self.scheduler}: "
                                      f"{exc}") from None
        else:
            # workers import drillsim and build the unit registry as they start; the
            # nanny hands the configuration to the worker processes it starts
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                self.cluster = LocalCluster(n_workers=self.workers or os.cpu_count() or 1,
                                            threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address=None,
                                            silence_logs=logging.ERROR,
                                            preload=["drillsim.batch.warmup"])
                self.client = Client(self.cluster)
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except TimeoutError:
            raise BatchSetupError(f"no Dask worker joined the scheduler "
                                  f"{self.client.scheduler.address} within {self.timeout:.0f} s; "
                                  "start workers with: dask worker ADDRESS") from None
        problems = self.client.run(_check_worker, list(plugins))
        bad = sorted(msg for msg in problems.values() if msg)
        if bad:
            raise PluginError("; ".join(bad))
        self._bundle = self.client.scatter(bundle, broadcast=True, hash=False)

    def batches(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        assert self.client is not None, "start() first"
        threads = max(1, sum(self.client.nthreads().values()))
        window = threads * self.window_per_worker
        running = as_completed(loop=self.client.loop)
        # a Dask task costs the scheduler and the worker about a millisecond: send a
        # few replications per task, fewer near the end to keep every worker busy
        todo = chunked(tasks, self.chunk, threads)

        def submit() -> bool:
            chunk = next(todo, None)
            if chunk is None:
                return False
            running.add(self.client.submit(_run, self._bundle, chunk, pure=False))
            return True

        for _ in range(window):
            if not submit():
                break
        try:
            for future in running:
                if future.status == "error":
                    exc = future.exception()
                    if isinstance(exc, (PluginError, DrillsimError)):
                        raise exc
                    if type(exc).__name__ == "KilledWorker":
                        raise DrillsimError(f"Dask workers died running the same task again and "
                                            f"again ({exc}); what finished is stored: run again "
                                            "with --resume") from None
                    raise DrillsimError(f"a task failed on the Dask cluster: "
                                        f"{type(exc).__name__}: {exc}")
                results = future.result()
                future.release()
                yield results
                submit()
        finally:
            remaining = list(running.futures)
            if remaining:
                self.client.cancel(remaining)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def describe(self) -> str:
        if self.scheduler:
            return f"Dask cluster at {self.scheduler}"
        return f"local Dask cluster, {self.workers or 'one per CPU'} worker(s)"
