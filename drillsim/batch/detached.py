"""An executor run in a helper process, so that this process never imports what it needs.

Why: a local Dask cluster's scheduler, nannies and client live in the process that
starts them, which must first import Dask's distributed scheduler (about half a second
of CPU) and then runs the scheduler's event loop beside its own work. On the command
line that process is the one loading the plugins and checking the sweep meanwhile, so
all of it lengthened the batch's start-up (measured in ``bench/batch_scaling.py``: the
command's own process spent 0.6-0.85 s more CPU before the first replication with Dask
than with the local pool). Here a helper process, forked from the fork server (which has
drillsim and Dask imported: :mod:`drillsim.batch.forkserver`) the moment the executor is
prepared, builds the executor (:class:`~drillsim.batch.dask_executor.DaskExecutor`) and
starts the cluster while this process checks the sweep; this process only sends it
plain data and receives plain data (:class:`~drillsim.batch.worker.Task`,
:class:`~drillsim.batch.worker.Result`) over a pipe.

Messages to the helper: ``("start", bundle, plugins, workers)``, answered ``("ok", 0,
description)``
or ``("raise", 0, exception)``; ``("run", n, tasks)``, answered by ``("results", n,
[Result, …])`` as each chunk finishes, then ``("ended", n)`` or ``("raise", n,
exception)``; ``("stop", n)`` to stop run ``n`` early (its consumer stopped reading: a
failed replication ends a planning run); ``("close",)``; ``("ready",)`` (for timing a start-up), answered ``("ready", 0)`` once every
worker can run a task. At any time the helper may send
``("notice", message)`` (a worker died and its replications run again). Every answer
names its run, so one that crosses a ``stop`` is recognised and dropped.

The helper ignores Ctrl-C (this process handles it and closes the executor) and ends
when this process ends, however it ends (:func:`drillsim.batch.worker.watch_parent`);
its cluster's workers end with it (each process forked from the helper watches it the
same way), and this process notices a helper that ended by waiting on the process as
well as on the pipe.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from drillsim.batch.executor import Executor
from drillsim.batch.forkserver import start_forkserver
from drillsim.batch.worker import Bundle, Result, Task
from drillsim.errors import DrillsimError

#: Seconds to wait for the helper to stop a run or to close before ending it.
GRACE = 30.0


class DetachedExecutor(Executor):
    """An executor made and run in a helper process (see the module docstring).

    :param factory: ``"module:Class"`` of the executor the helper makes.
    :param kwargs: the keyword arguments it is made with (plain data).
    :param preload: what the fork server imports before it forks the helper.
    :param description: what :meth:`describe` says until the helper's executor has
        started (then what that says).
    :param workers: as :attr:`Executor.workers` of the helper's executor (``fit`` here
        lowers it; the helper's executor is fitted to it before it starts).
    """

    def __init__(self, factory: str, kwargs: dict[str, Any], preload: tuple[str, ...],
                 description: str, workers: int | None = None) -> None:
        self.factory = factory
        self.kwargs = kwargs
        self.preload = preload
        self.description = description
        self.workers = workers
        self._process = None
        self._conn = None
        self._run = 0
        self._parent = os.getpid()
        #: the thread starting the helper (:meth:`prepare`), and what it raised
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None

    def prepare(self) -> None:
        """Start the helper (which starts its executor at once), in a thread: a process
        forked from the fork server is only forked once the server has imported what it
        preloads (drillsim, the plugins and Dask: a second or more), which this process
        spends loading the plugins and checking the sweep instead of waiting."""
        if self._process is not None or self._starting is not None:
            return
        ctx = start_forkserver(self.preload) or multiprocessing.get_context("spawn")
        self._starting = threading.Thread(target=self._start_helper, args=(ctx,), daemon=True,
                                          name="drillsim-executor-helper-start")
        self._starting.start()

    def _start_helper(self, ctx) -> None:
        try:
            here, there = ctx.Pipe()
            process = ctx.Process(target=serve, args=(there, self.factory, self.kwargs, self._parent),
                                  name="drillsim-executor-helper")  # not daemonic: it starts processes
            process.start()
            there.close()
            self._process, self._conn = process, here
        except BaseException as exc:  # noqa: BLE001  (raised by start(), in the main thread)
            self._start_error = exc

    def _started(self) -> None:
        """Wait until the helper :meth:`prepare` started is running (start it now if
        not prepared).

        :raises DrillsimError: the helper could not be started."""
        self.prepare()
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self._start_error is not None:
            exc, self._start_error = self._start_error, None
            raise DrillsimError(f"cannot start the helper process for the {self.description}: "
                                f"{type(exc).__name__}: {exc}") from None

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:
        """Have the helper's executor start (it raises here what it raises there)."""
        self._started()
        self.description = self._ask(("start", bundle, tuple(plugins), self.workers))[0]

    def wait_ready(self) -> None:
        """The helper's executor's :meth:`~drillsim.batch.executor.Executor.wait_ready`."""
        self._ask(("ready",))

    def _ask(self, message: tuple) -> list:
        """Send ``message`` and return the fields of the helper's answer to it (answers
        outside a run, ``run`` 0; a batch's late results are passed over); raise what
        the helper raised."""
        self._send(message)
        while True:
            kind, run, *rest = self._receive()
            if run != 0:
                continue
            if kind == "raise":
                raise rest[0]
            return rest

    def batches(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        assert self._conn is not None, "start() first"
        self._run += 1
        run = self._run
        self._send(("run", run, list(tasks)))
        over = False
        try:
            while True:
                kind, got, *rest = self._receive()
                if got != run:
                    continue  # the end of a run stopped early
                if kind == "results":
                    yield rest[0]
                elif kind == "ended":
                    over = True
                    return
                elif kind == "raise":
                    over = True
                    raise rest[0]
        finally:
            if not over:
                self._stop(run)

    def _stop(self, run: int) -> None:
        """Stop run ``run`` (its consumer stopped reading) and wait until it has stopped,
        so the next run starts on an idle executor; a helper that does not answer in
        :data:`GRACE` seconds is ended."""
        try:
            self._send(("stop", run))
            while self._conn.poll(GRACE):
                kind, got, *_ = self._receive()
                if got == run and kind in ("ended", "raise"):
                    return
        except DrillsimError:
            return  # the helper is gone: nothing runs there any more
        self._end()

    def _send(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except (OSError, EOFError):
            raise self._gone() from None

    def _receive(self) -> tuple:
        """The next message that is not a notice (notices are told as they come).

        Waits on the pipe and on the helper process itself: the helper's cluster
        workers are forked from it and hold copies of its end of the pipe, so a helper
        that is killed does not always close the pipe (seen: a run waiting for ever
        after ``kill -9`` of the helper)."""
        while True:
            try:
                if self._process is not None and not self._conn.poll():
                    ready = multiprocessing.connection.wait([self._conn, self._process.sentinel])
                    if self._conn not in ready:
                        raise EOFError  # the helper ended with nothing more to say
                message = self._conn.recv()
            except (OSError, EOFError):
                raise self._gone() from None
            if message[0] == "notice":
                self._tell(message[1])
                continue
            return message

    def _gone(self) -> DrillsimError:
        code = None
        if self._process is not None:
            self._process.join(1)
            code = self._process.exitcode
        how = (f"killed by signal {-code}" if code is not None and code < 0 else
               f"exit code {code}" if code is not None else "still running, not answering")
        return DrillsimError(f"the helper process running the {self.description} ended "
                             f"unexpectedly ({how}); what finished is stored: run again with "
                             "--resume")

    #: the helper's executor starts its workers (a cluster's handshake) while this
    #: process does something else
    starts_aside = True

    def close(self) -> None:
        self._join_soon(keep=False)  # a start under way ends first (the pipe is one)
        if self._starting is not None:  # a helper still being forked is closed once it runs
            self._starting.join()
            self._starting = None
        self._start_error = None
        if self._process is None:
            return
        try:
            self._conn.send(("close",))
        except (OSError, EOFError):
            pass
        self._process.join(GRACE)
        self._end()

    def _end(self) -> None:
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
        self._conn.close()
        self._process = self._conn = None

    def describe(self) -> str:
        return self.description


def serve(conn, factory: str, kwargs: dict[str, Any], parent: int) -> None:
    """The helper process: make the executor, prepare it, then answer messages until
    ``close`` (or until the pipe or the process ``parent`` is gone)."""
    from drillsim.batch import worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's
    worker.watch_parent(parent)
    # every process forked from here (the cluster's workers, through their nannies)
    # ends when this one ends: Dask's own watch on the nanny can miss it, as workers
    # forked side by side hold copies of each other's pipes (seen: both workers left
    # running after ``kill -9`` of this helper)
    helper = os.getpid()
    os.register_at_fork(after_in_child=lambda: worker.watch_parent(helper))
    # and starts with all it inherits (drillsim, Dask, this helper's scheduler and
    # nannies: nothing a worker frees) out of the collector's sight, as a pool worker
    # does (drillsim.batch.warmsweep): otherwise its full collections walk all of it
    # again and again while replications run (a worker's CPU over 540 replications of
    # the flood sweep: 7.3-7.9 s against 6.5-7.6 s frozen, alternating runs)
    os.register_at_fork(after_in_child=gc.freeze)
    module, name = factory.split(":")
    executor: Executor = getattr(importlib.import_module(module), name)(**kwargs)
    executor.notice = lambda message: conn.send(("notice", message))
    try:
        executor.prepare()
        pending: list[tuple] = []
        while True:
            message = pending.pop(0) if pending else _receive(conn)
            if message is None or message[0] == "close":
                return
            if message[0] == "start":
                _, bundle, plugins, workers = message
                try:
                    if workers:
                        executor.fit(workers)
                    executor.start(bundle, plugins)
                except Exception as exc:  # noqa: BLE001  (raised in the main process)
                    conn.send(("raise", 0, _portable(exc)))
                else:
                    conn.send(("ok", 0, executor.describe()))
            elif message[0] == "run":
                _, run, tasks = message
                pending.extend(_run(conn, executor, run, tasks))
            elif message[0] == "stop":  # the run ended before the stop came
                conn.send(("ended", message[1]))
            elif message[0] == "ready":
                try:
                    executor.wait_ready()
                except Exception as exc:  # noqa: BLE001  (raised in the main process)
                    conn.send(("raise", 0, _portable(exc)))
                else:
                    conn.send(("ready", 0))
    finally:
        executor.close()


def _run(conn, executor: Executor, run: int, tasks: list[Task]) -> list[tuple]:
    """Run ``tasks``, sending each chunk's results; the messages that came meanwhile and
    are not this run's stop (to be handled next)."""
    later: list[tuple] = []
    results = executor.batches(tasks)
    try:
        for batch in results:
            conn.send(("results", run, batch))
            while conn.poll():
                message = _receive(conn)
                if message is None or message == ("stop", run) or message[0] == "close":
                    if message is not None and message[0] == "close":
                        later.append(message)
                    results.close()
                    conn.send(("ended", run))
                    return later if message is not None else [("close",)]
                later.append(message)
    except Exception as exc:  # noqa: BLE001  (raised in the main process)
        conn.send(("raise", run, _portable(exc)))
        return later
    conn.send(("ended", run))
    return later


def _receive(conn) -> tuple | None:
    try:
        return conn.recv()
    except (OSError, EOFError):
        return None


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives the pipe (pickled and back), else a
    :class:`~drillsim.errors.DrillsimError` with its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001
        return DrillsimError(f"{type(exc).__name__}: {exc}")
    return exc
