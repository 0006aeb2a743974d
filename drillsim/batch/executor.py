"""Where a batch's tasks run: in this process, in a local process pool, or on Dask.

An executor is started with the scenario bundle and the plugin names (it checks that
every worker can load the plugins before any replication runs), then turns an iterable
of :class:`~drillsim.batch.worker.Task` into :class:`~drillsim.batch.worker.Result` as
each finishes. Only a bounded window of tasks is in flight, so stopping (Ctrl-C, a
failure) leaves little to cancel. Results come back in completion order; the store
keys them, so the order does not matter.

The Dask executor lives in :mod:`drillsim.batch.dask_executor` and is imported only
when asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator

from ..errors import DrillsimError
from ..pluginhost import PluginError
from . import worker
from .errors import BatchSetupError
from .worker import Bundle, Result, Task


class Executor:
    """Base class: ``start(bundle, plugins)``, ``results(tasks)``, ``close()``; also a
    context manager that closes on exit."""

    #: Tasks kept in flight per worker.
    window_per_worker = 4

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:  # pragma: no cover
        raise NotImplementedError

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:  # pragma: no cover
        raise NotImplementedError

    def prepare(self) -> None:
        """Optionally start slow parts early (before :meth:`start`); no-op by default."""

    def close(self) -> None:
        """Stop the workers (idempotent)."""

    def describe(self) -> str:  # pragma: no cover
        raise NotImplementedError

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Runs every task in this process, one after another (``--workers 0``)."""

    workers = 1

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:
        worker.install(bundle)
        error = worker.check_plugins(plugins, where=f"this process ({os.getpid()})")
        if error:
            raise PluginError(error)

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:
        for task in tasks:
            yield worker.run_task(task)

    def describe(self) -> str:
        return "in this process"


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method for pool workers: ``forkserver`` where there is one (workers fork
    from a clean server that has drillsim imported: fast to start, and safe although the
    main process runs threads), else ``spawn``."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["drillsim.batch.warmup"])
        return ctx
    return multiprocessing.get_context("spawn")


def chunked(tasks: Iterable[Task], size: int, workers: int) -> Iterator[list[Task]]:
    """Tasks in lists of up to ``size``, shorter towards the end (a list of tasks is
    known in length) so that every worker stays busy until the last. Sending a few
    replications at a time saves the per-message cost of the pool or the scheduler."""
    if not isinstance(tasks, list):
        tasks = list(tasks)
    i = 0
    while i < len(tasks):
        n = max(1, min(size, (len(tasks) - i) // (2 * workers)))
        yield tasks[i:i + n]
        i += n


class LocalPoolExecutor(Executor):
    """A pool of worker processes on this machine (``concurrent.futures``).

    :param workers: number of processes (default: the number of CPUs).
    :param chunk: replications sent to a worker at a time, at most (each is still
        stored on its own as its chunk comes back).
    """

    #: Chunks kept in flight per worker.
    window_per_worker = 2

    def __init__(self, workers: int | None = None, chunk: int = 4) -> None:
        self.chunk = max(1, chunk)
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._context = pool_context()

    def prepare(self) -> None:
        """Start the fork server now (it warms up while the sweep is validated here)."""
        if self._context.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:
        """Start every worker and wait until each has loaded the plugins.

        :raises PluginError: a worker cannot load a plugin (naming both); nothing ran.
        """
        barrier = self._context.Barrier(self.workers)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._context, initializer=worker.init_local,
            initargs=(bundle, tuple(plugins), "local pool worker", barrier))
        try:
            answers = [f.result() for f in [self._pool.submit(worker.ready)
                                            for _ in range(self.workers)]]
        except BrokenProcessPool:
            raise DrillsimError("a local worker process died while starting") from None
        problems = sorted({a for a in answers if a})
        if problems:
            raise PluginError("; ".join(problems))

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:
        assert self._pool is not None, "start() first"
        todo = chunked(tasks, self.chunk, self.workers)
        pending: set[Future] = set()

        def fill() -> None:
            while len(pending) < self.workers * self.window_per_worker:
                chunk = next(todo, None)
                if chunk is None:
                    return
                pending.add(self._pool.submit(worker.run_tasks, chunk))

        try:
            fill()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    pending.discard(future)
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        raise DrillsimError("a local worker process died (killed, or out of "
                                            "memory?); what finished is stored: run again with "
                                            "--resume") from None
                    yield from results
                fill()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def describe(self) -> str:
        return f"local process pool, {self.workers} worker(s)"


def make_executor(kind: str | None, workers: int | None, scheduler: str | None) -> Executor:
    """The executor the command line asks for.

    :param kind: ``local`` (default; ``workers=0`` runs in this process) or ``dask``
        (implied by ``scheduler``).
    :param workers: local processes, or Dask workers of a local cluster (default: CPUs).
    :param scheduler: address of an existing Dask scheduler (``tcp://host:8786``).
    :raises BatchSetupError: contradictory options, Dask not installed.
    """
    if scheduler and kind == "local":
        raise BatchSetupError("--scheduler is for --executor dask")
    if kind == "dask" or scheduler:
        try:
            from .dask_executor import DaskExecutor
        except ImportError as exc:
            raise BatchSetupError(f"the dask executor needs Dask's distributed scheduler "
                                  f"({exc}); install it with: pip install 'drillsim[dask]'") from None
        if scheduler and workers is not None:
            raise BatchSetupError("--workers sets the size of a local cluster; with --scheduler "
                                  "the cluster's own workers run the batch")
        return DaskExecutor(workers=workers, scheduler=scheduler)
    if kind not in (None, "local"):
        raise BatchSetupError(f"unknown executor {kind!r}; use local or dask")
    if workers == 0:
        return InProcessExecutor()
    return LocalPoolExecutor(workers)
