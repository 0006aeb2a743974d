"""Where a batch's tasks run: in this process, in a local process pool, or on Dask.

An executor is started with the scenario bundle and the plugin names (it checks that
every worker can load the plugins before any replication runs), then turns an iterable
of :class:`~drillsim.batch.worker.Task` into lists of
:class:`~drillsim.batch.worker.Result` (:meth:`Executor.batches`: a chunk of
replications at a time, which the store writes in one transaction) as each finishes.
Only a bounded window of tasks is in flight, so stopping (Ctrl-C, a failure) leaves
little to cancel. Results come back in completion order; the store keys them, so the
order does not matter.

A local pool worker ends by itself when the main process is gone (killed with
``kill -9``, say: :func:`drillsim.batch.worker.watch_parent`), and with the last worker
the fork server ends too: nothing is left running.

A worker process that dies mid-task (killed, out of memory) loses only what it was
running: the local pool starts its workers again and sends again every chunk that was in
flight (:class:`LocalPoolExecutor`); Dask's scheduler reruns the lost tasks on another
worker. Replications are deterministic, so a rerun gives the same rows.

The Dask executor lives in :mod:`drillsim.batch.dask_executor`, imported only when asked
for by :func:`drillsim.batch.executor_choice.make_executor`.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

from drillsim.batch import worker
from drillsim.batch.forkserver import POOL_PRELOAD, start_forkserver
from drillsim.batch.worker import Bundle, Result, Task
from drillsim.errors import DrillsimError
from drillsim.host.pluginhost import PluginError


class Executor:
    """Base class: ``start(bundle, plugins)``, ``batches(tasks)`` (or ``results(tasks)``
    one by one), ``close()``; also a context manager that closes on exit.

    :ivar notice: called with a one-line message when something worth telling the user
        happens while tasks run (a worker died and its tasks are run again); default: none.
    """

    #: Tasks kept in flight per worker.
    window_per_worker = 4
    #: Worker processes this executor starts (None: it starts none, or one per CPU).
    workers: int | None = None
    notice: Callable[[str], None] | None = None
    #: Whether :meth:`start_soon` starts the workers in a thread: for executors whose
    #: start is other processes' work (forking and setting up workers), which a thread
    #: here only waits for; not for one that sets up in this process (the GIL).
    starts_aside = False
    #: the thread :meth:`start_soon` started, the bundle key and plugins it was given,
    #: and what it raised
    _soon: tuple[threading.Thread, str, tuple[str, ...]] | None = None
    _soon_error: BaseException | None = None

    def fit(self, tasks: int) -> None:
        """Start no more workers than there are ``tasks`` (called before :meth:`start`):
        a worker is a process that imports drillsim, about 100 MB and a second each."""
        if self.workers:
            self.workers = max(1, min(self.workers, tasks))

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:  # pragma: no cover
        raise NotImplementedError

    def batches(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:  # pragma: no cover
        """Results in lists as they finish (a list is a chunk run by one worker)."""
        raise NotImplementedError

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:
        """Results one by one as they finish."""
        for batch in self.batches(tasks):
            yield from batch

    def _tell(self, message: str) -> None:
        if self.notice is not None:
            self.notice(message)

    def prepare(self) -> None:
        """Optionally start slow parts early (before :meth:`start`); no-op by default."""

    def start_soon(self, bundle: Bundle, plugins: tuple[str, ...], tasks: int) -> None:
        """Fit to at most ``tasks`` (:meth:`fit`) and start the workers in a thread now, so
        that they start while this process does something else (``drillsim batch``
        creates the database meanwhile: about 0.15 s); :meth:`ensure_started` then waits
        for them and raises what :meth:`start` raised. Nothing for an executor that does
        not start aside (:attr:`starts_aside`): :meth:`ensure_started` starts it."""
        if not self.starts_aside or self._soon is not None:
            return
        self.fit(tasks)
        plugins = tuple(plugins)

        def start() -> None:
            try:
                self.start(bundle, plugins)
            except BaseException as exc:  # noqa: BLE001  (raised by ensure_started)
                self._soon_error = exc

        thread = threading.Thread(target=start, daemon=True, name="drillsim-workers-start")
        self._soon = (thread, bundle.key, plugins)
        thread.start()

    def ensure_started(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:
        """:meth:`start`, unless :meth:`start_soon` started the same bundle and plugins:
        then wait until that is done, raising what it raised."""
        soon = self._soon
        if soon is not None and soon[1:] == (bundle.key, tuple(plugins)):
            self._join_soon()
            return
        if soon is not None:  # started with something else: start again with this
            self._join_soon(keep=False)
            self.close()
        self.start(bundle, plugins)

    def _join_soon(self, keep: bool = True) -> None:
        """Wait for the start :meth:`start_soon` began; raise what it raised (``keep``
        False: forget it)."""
        if self._soon is None:
            return
        self._soon[0].join()
        self._soon = None
        error, self._soon_error = self._soon_error, None
        if error is not None and keep:
            raise error

    def wait_ready(self) -> None:
        """Wait until every worker can run a task: for timing a start-up
        (``bench/batch_scaling.py``). Nothing here: :meth:`start` has waited for them;
        an executor whose start returns while its workers are still starting waits."""

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
        error = worker.check_plugins(plugins, where=f"this process ({os.getpid()})", key=bundle.key)
        if error:
            raise PluginError(error)

    def batches(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        for task in tasks:
            yield [worker.run_task(task)]

    def describe(self) -> str:
        return "in this process"


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method for pool workers: ``forkserver`` where there is one (workers fork
    from a clean server that has drillsim imported: fast to start, and safe although the
    main process runs threads), else ``spawn``."""
    return start_forkserver(POOL_PRELOAD) or multiprocessing.get_context("spawn")


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

    A worker that dies (killed, out of memory) breaks a ``ProcessPoolExecutor`` as a
    whole: every chunk in flight fails with ``BrokenProcessPool``. The executor then
    starts a new pool and sends those chunks again, in their order; results already
    received were stored and are not sent again, so nothing is lost or stored twice.
    If the pool breaks :data:`MAX_FRUITLESS_RESTARTS` times in a row with no chunk
    finished in between (a replication that kills its worker every time), it gives up
    with :class:`~drillsim.errors.DrillsimError`; what finished is stored.

    :param workers: number of processes (default: the number of CPUs).
    :param chunk: replications sent to a worker at a time, at most (each chunk comes
        back as one list, which the store writes in one transaction).
    """

    #: Chunks kept in flight per worker.
    window_per_worker = 2
    starts_aside = True
    #: Pool restarts in a row, with nothing finished in between, before giving up.
    MAX_FRUITLESS_RESTARTS = 3

    def __init__(self, workers: int | None = None, chunk: int = 4) -> None:
        self.chunk = max(1, chunk)
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._barrier = None
        self._context = pool_context()
        self._setup: tuple[Bundle, tuple[str, ...]] | None = None
        #: process ids of the current workers (for messages and tests)
        self.pids: list[int] = []
        #: how many times the pool was started again after a worker died
        self.restarts = 0

    def prepare(self) -> None:
        """Start the fork server now (it warms up while the sweep is validated here)."""
        if self._context.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:
        """Start every worker and wait until each has loaded the plugins.

        :raises PluginError: a worker cannot load a plugin (naming both); nothing ran.
        :raises DrillsimError: a worker process died while starting.
        """
        self._setup = (bundle, tuple(plugins))
        # kept until the pool is shut down: workers still starting (say after Ctrl-C) must
        # find its semaphore, which the last reference here would remove
        self._barrier = barrier = self._context.Barrier(self.workers)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._context, initializer=worker.init_local,
            initargs=(bundle, tuple(plugins), "local pool worker", barrier, os.getpid()))
        try:
            answers = [f.result() for f in [self._pool.submit(worker.ready)
                                            for _ in range(self.workers)]]
        except BrokenProcessPool:
            raise DrillsimError("a local worker process died while starting") from None
        self.pids = sorted(pid for pid, _ in answers)
        problems = sorted({error for _, error in answers if error})
        if problems:
            raise PluginError("; ".join(problems))

    def _restart(self, lost: int) -> None:
        self._tell(f"a local worker process died (killed, or out of memory?); starting the "
                   f"workers again and running the {lost:,} replication(s) it left unfinished")
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        self.restarts += 1
        self.start(*self._setup)

    def batches(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        assert self._pool is not None, "start() first"
        todo = chunked(tasks, self.chunk, self.workers)
        pending: dict[Future, list[Task]] = {}
        fruitless = 0

        def send(chunk: list[Task]) -> None:
            try:
                future = self._pool.submit(worker.run_tasks, chunk)
            except BrokenProcessPool as exc:
                # a worker died since the last look (between a result and this submit): the
                # chunk is lost with the pool like those in flight, and sent again with them
                future = Future()
                future.set_exception(exc)
            pending[future] = chunk

        def fill() -> None:
            while len(pending) < self.workers * self.window_per_worker:
                chunk = next(todo, None)
                if chunk is None:
                    return
                send(chunk)

        try:
            fill()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    del pending[future]
                    fruitless = 0
                    yield results
                if broken:
                    # keep what finished before the break; every other chunk in flight
                    # went down with the pool: send it again
                    for future in [f for f in pending if f.done() and not f.cancelled()
                                   and f.exception() is None]:
                        del pending[future]
                        yield future.result()
                    again = sorted(pending.values(), key=lambda c: (c[0].replication, c[0].variant))
                    pending.clear()
                    fruitless += 1
                    if fruitless > self.MAX_FRUITLESS_RESTARTS:
                        raise DrillsimError(
                            f"local worker processes died {fruitless} times in a row with these "
                            "replications running (a plugin crashing the process, or too little "
                            "memory?): " + ", ".join(f"variant {t.variant} replication "
                                                     f"{t.replication}" for c in again for t in c)
                            + "; what finished is stored: run again with --resume")
                    self._restart(sum(len(c) for c in again))
                    for chunk in again:
                        send(chunk)
                fill()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        self._join_soon(keep=False)  # workers still starting are stopped once started
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._barrier = None

    def describe(self) -> str:
        return f"local process pool, {self.workers} worker(s)"
