"""Run a batch on a Dask distributed cluster: a local one started here, or an existing
one given by its scheduler's address (``tcp://host:8786``).

The scenario bundle goes to every worker once, as a worker plugin (:class:`BundlePlugin`)
that the scheduler also hands to every worker joining later — one the nanny starts again
after a worker died included; each Dask task carries a chunk of plain-data
:class:`~drillsim.batch.worker.Task` (replications), whose results are stored together
as the Dask task returns. (Scattered data would be lost with the last worker holding
it, and every task needing it cancelled.) Every worker loads the plugins by name, and a
worker that cannot fails the batch with a message naming the plugin, the worker's
address and the fix: on a running cluster every connected worker before any task is
submitted; on a local cluster each worker as it joins (the bundle is registered before
its workers start, and tasks are sent as they start: the first runs as soon as the
first worker is up), its first task raising the message. Workers need drillsim and
the installed plugins in the same versions as here; plugins given as ``.py`` files
travel in the bundle (:class:`~drillsim.batch.worker.Bundle`).

A worker that dies mid-task loses its tasks to the scheduler, which runs them again on
another worker (the local cluster's nanny also starts the dead worker again); the batch
says so in one line (:attr:`~drillsim.batch.executor.Executor.notice`). A task that
comes back cancelled or with an error of the cluster's own (its worker lost, a
connection closed) is sent again, up to :attr:`DaskExecutor.MAX_RESENDS` times. A task
that has killed ``distributed.scheduler.allowed-failures`` workers (default 3), or that
keeps being lost, fails the batch with :class:`~drillsim.errors.DrillsimError` — one
line, no traceback — what finished being stored.

The local cluster turns down Dask's own periodic work, which on a small machine
competes with the replications for the cores (:data:`LOCAL_CLUSTER_CONFIG`), and its
worker processes fork from the batch's fork server (:mod:`drillsim.batch.forkserver`,
which has drillsim, the plugins and Dask imported) instead of starting a fresh
interpreter each (Dask's default, ``spawn``): a worker is up in a fraction of a second.

Besides :mod:`drillsim.batch.daskimport` (what the fork server of a local cluster
imports), this is the only module of drillsim that imports Dask.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from concurrent.futures import CancelledError
from typing import Iterable, Iterator

import dask.config
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from drillsim.batch import worker
from drillsim.batch import worker as worker_module  # BundlePlugin.setup's `worker` is Dask's
from drillsim.batch.errors import BatchSetupError
from drillsim.batch.executor import Executor, chunked
from drillsim.batch.forkserver import DASK_PRELOAD, start_forkserver
from drillsim.batch.worker import Bundle, Result, Task
from drillsim.errors import DrillsimError
from drillsim.host.pluginhost import PluginError

#: Dask settings for the local cluster. By default every process of a cluster wakes up
#: every 20 ms to check its event loop, each worker samples its task thread's stack
#: every 10 ms for the dashboard's profile, and system and memory monitors run every
#: 0.1-0.5 s: measured on 2 cores, an idle 2-worker cluster spent 12 % of a core on
#: these. Nothing here uses the profile, and slower ticks and monitors only make the
#: dashboard's figures coarser; the nanny's memory limit still applies, checked each second.
#: The scheduler's and the workers' HTTP servers serve no route (Prometheus metrics,
#: health, JSON and static pages: nothing a batch reads), so their modules are not
#: imported as the cluster starts, in the helper and again in each worker.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.http.routes": [],
    "distributed.worker.http.routes": [],
}


def _check_worker(plugins: list[str], key: str, dask_worker=None) -> str | None:
    """On a worker: load the plugins (with the plugin modules of bundle ``key``, which
    :class:`BundlePlugin` installed); a message naming plugin, worker and fix if one fails."""
    return worker.check_plugins(tuple(plugins), where=f"Dask worker {dask_worker.address}", key=key)


def _plugin_name(key: str) -> str:
    return f"drillsim-bundle-{key[:16]}"


#: On a worker: what :class:`BundlePlugin` found wrong as it set the worker up, by bundle
#: key (a plugin that does not load: the one-line message of
#: :func:`~drillsim.batch.worker.check_plugins`); :func:`_run` raises it
_SETUP_PROBLEMS: dict[str, str] = {}


class BundlePlugin(WorkerPlugin):
    """Installs a scenario bundle on each worker: those connected when it is registered,
    and each that joins afterwards (the scheduler hands it its registered plugins).

    Given ``plugins`` (a local cluster's, registered before its workers start), it also
    loads them on each worker as it joins — what ``DaskExecutor.start`` otherwise asks
    every connected worker to do in one more round trip — and keeps a failure for the
    worker's first task to raise (:func:`_run`): a worker whose plugin set-up raised
    would fail to start, and its nanny would start it again and again."""

    def __init__(self, bundle: Bundle, plugins: tuple[str, ...] | None = None) -> None:
        self.bundle = bundle
        self.plugins = plugins

    def setup(self, worker=None) -> None:
        where = f"Dask worker {worker.address}"
        worker_module.WORKER_NAME = where
        if self.plugins is None:
            worker_module.install(self.bundle)
            return
        try:
            worker_module.install(self.bundle)
            problem = worker_module.check_plugins(self.plugins, where=where, key=self.bundle.key)
        except Exception as exc:  # noqa: BLE001  (raised by the worker's first task)
            problem = f"on {where}: cannot set up the scenario files: {type(exc).__name__}: {exc}"
        if problem:
            _SETUP_PROBLEMS[self.bundle.key] = problem


def _run(key: str, tasks: list[Task]) -> list[Result]:
    """On a worker: run a few tasks, one after another (the bundle ``key`` was installed
    by :class:`BundlePlugin`; installed here if the plugin has not run yet).

    :raises PluginError: the worker's set-up found a plugin that does not load here."""
    here = get_worker()
    worker.WORKER_NAME = f"Dask worker {here.address}"
    if key in _SETUP_PROBLEMS:
        raise PluginError(_SETUP_PROBLEMS[key])
    if not worker.installed(key):
        worker.install(here.plugins[_plugin_name(key)].bundle)
    return worker.run_tasks(tasks)


def _keep_forkserver_preload() -> None:
    """Stop Dask from setting the fork server's preload itself: the first time a nanny
    asks for the ``forkserver`` context, ``distributed.utils.get_mp_context`` imports
    its preload list in *this* process (pandas, numpy, lz4 among them: about half a
    second, none of which drillsim needs) to hand it to a server that runs already and
    would ignore it. A private flag of distributed's, hence the guard: without it, the
    imports are only slower."""
    import distributed.utils

    if hasattr(distributed.utils, "_forkserver_preload_set"):
        distributed.utils._forkserver_preload_set = True


def _lost(exc: BaseException | None) -> bool:
    """Did a task fail because of the cluster (its worker or a connection lost), not
    because of what it ran? Those are sent again."""
    if exc is None:  # cancelled: by the scheduler (lost data, a client reconnecting)
        return True
    if isinstance(exc, (CancelledError, OSError, TimeoutError)):
        return True
    return type(exc).__module__.split(".")[0] in ("distributed", "tornado")


class DaskExecutor(Executor):
    """Tasks on a Dask cluster.

    :param workers: size of the local cluster started when no ``scheduler`` is given
        (one single-threaded worker process each; default: the number of CPUs).
    :param scheduler: address of an existing scheduler; its workers run the batch.
    :param connect_timeout: seconds to wait for the scheduler and for a first worker.
    :param chunk: replications per Dask task at most (each is still stored on its own).
        A task costs the helper process holding the scheduler, nannies and client several
        messages (submit, run, done, the result fetched from the worker): with 16 instead
        of 8, 540 replications of the flood sweep cost that process 0.85 s of CPU instead
        of 1.08-1.38 s (2 alternating runs each on the loaded 2-CPU machine); fewer
        near the end keep both workers busy (:func:`~drillsim.batch.executor.chunked`).
    :param start_method: how the local cluster's nannies start their worker processes:
        None forks them from the fork server where there is one (else Dask's ``spawn``);
        ``"fork"`` forks them from this process — for a process that has drillsim and
        Dask imported and nothing else going on, as the helper of
        :class:`~drillsim.batch.detached.DetachedExecutor` (the command line's way).
    """

    #: Times a chunk whose task came back lost (cancelled, its worker gone) is sent again.
    MAX_RESENDS = 3
    #: Chunks sent to the scheduler in one graph update (:meth:`batches`): a chunk of 16
    #: flood replications pickles to about 2-12 KB, and Dask warns of a graph over 10 MB
    #: (``distributed.admin.large-graph-warning-threshold``) on the batch's output.
    CHUNKS_PER_UPDATE = 256

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 connect_timeout: float = 30.0, chunk: int = 16,
                 start_method: str | None = None) -> None:
        self.workers = workers
        self.start_method = start_method
        self.chunk = max(1, chunk)
        self.scheduler = scheduler
        self.timeout = connect_timeout
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None
        self._key: str | None = None
        #: replications per task key sent, for the notice when a worker dies (kept after
        #: the task ends: the scheduler's event may arrive after the rerun finished)
        self._sizes: dict[str, int] = {}
        #: workers that died: (address, their task keys), from the scheduler's events
        self._deaths: deque = deque()
        #: deaths already queued or told, by (time, address): live events and the final
        #: look at the scheduler's event log may both bring one
        self._seen: set[tuple] = set()
        #: the thread starting the local cluster (:meth:`prepare`), and what it raised
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        #: the local cluster's Dask settings, set for its life (:meth:`_local_cluster`)
        self._config = None
        #: worker threads the tasks are spread over (a local cluster's, known before its
        #: workers have joined); None: as many as the scheduler has
        self._threads: int | None = None
        #: set when a worker has joined (the scheduler's event, :meth:`_on_event`); the
        #: joins seen, and their condition (:meth:`wait_ready`)
        self._joined = threading.Event()
        self._joins = 0
        self._join_seen = threading.Condition()
        #: runs sent (:meth:`batches`), for unique task keys
        self._sent = 0

    def fit(self, tasks: int) -> None:
        if not self.scheduler:  # a running cluster's workers are not ours to count
            super().fit(tasks)

    def prepare(self) -> None:
        """Start the local cluster now, in a thread, while this process does something
        else: its scheduler, then its workers, without waiting for them (:meth:`start`
        registers the bundle as they join). Nothing for a running cluster
        (``scheduler``)."""
        if self.scheduler or self._starting is not None or self.cluster is not None:
            return
        self._starting = threading.Thread(target=self._start_local, daemon=True,
                                          name="drillsim-dask-cluster-start")
        self._starting.start()

    def _start_local(self) -> None:
        try:
            self.cluster = self._local_cluster()
            # the workers fork and join while start() connects the client and registers
            # the bundle (the scheduler hands it to each worker joining after, and sends
            # it to those joined before)
            self.cluster.scale(self.workers or os.cpu_count() or 1)
        except BaseException as exc:  # noqa: BLE001  (raised by start(), in the main thread)
            self._start_error = exc

    def _local_cluster(self) -> LocalCluster:
        """The local cluster's scheduler, without workers: :meth:`start` adds them once
        the bundle is registered, so each worker sets itself up as it joins, and the
        first task runs as soon as the first worker is up (the cluster used to be made
        with its workers, waiting for the last, then the bundle was registered and every
        worker checked: two more round trips before any task).

        Dask's settings (:data:`LOCAL_CLUSTER_CONFIG`) stay set until :meth:`close`: the
        nannies, made as the workers are added (and a dead worker's replacement), read
        them then."""
        # workers import drillsim and the plugins as they start (drillsim.batch.warmup):
        # nothing to do when they fork from the fork server, which imported them; the
        # nanny hands the configuration to the worker processes it starts
        config = dict(LOCAL_CLUSTER_CONFIG)
        if self.start_method is not None:
            config["distributed.worker.multiprocessing-method"] = self.start_method
        elif start_forkserver(DASK_PRELOAD) is not None:  # running already: the same server
            config["distributed.worker.multiprocessing-method"] = "forkserver"
            _keep_forkserver_preload()
        self._config = dask.config.set(config)
        try:
            # logs only when critical: what goes wrong (a worker died, a task lost) the
            # batch says itself, in one line
            return LocalCluster(n_workers=0,
                                threads_per_worker=1, processes=True, host="127.0.0.1",
                                dashboard_address=None, silence_logs=logging.CRITICAL,
                                preload=["drillsim.batch.warmup"],
                                # no dashboard, but the scheduler's HTTP server (health,
                                # metrics) still starts, on 8787 by default: any free port
                                # on loopback, so a busy 8787 (another cluster, Jupyter) is
                                # not a four-line warning on the batch's output; and
                                # no dashboard there either (where Bokeh is installed the
                                # scheduler would import it, seconds; without, a page
                                # saying it is missing)
                                scheduler_kwargs={"dashboard_address": "127.0.0.1:0",
                                                  "dashboard": False})
        except BaseException:
            self._unset_config()
            raise

    def _unset_config(self) -> None:
        if self._config is not None:
            self._config.__exit__(None, None, None)
            self._config = None

    def _wait_for_start(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def start(self, bundle: Bundle, plugins: tuple[str, ...]) -> None:
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout=self.timeout)
            except (OSError, TimeoutError) as exc:
                raise BatchSetupError(f"cannot reach the Dask scheduler at {self.scheduler}: "
                                      f"{exc}") from None
            except Exception as exc:  # noqa: BLE001  (something answers there, not Dask)
                raise BatchSetupError(f"--scheduler {self.scheduler}: what answers there is not "
                                      f"a Dask scheduler ({type(exc).__name__}: "
                                      f"{str(exc)[:200]})") from None
        else:
            self._wait_for_start()
            try:
                if self._start_error is not None:
                    raise self._start_error
                if self.cluster is None:  # not prepared: start it now
                    self.cluster = self._local_cluster()
            except (RuntimeError, OSError, TimeoutError) as exc:
                raise BatchSetupError(f"cannot start a local Dask cluster: {exc}") from None
            finally:
                self._start_error = None
            self.client = Client(self.cluster)
            # the bundle first, with the plugins each worker loads as it joins (its first
            # task raises what failed): no worker has joined yet
            self._key = bundle.key
            self.client.register_plugin(BundlePlugin(bundle, tuple(plugins)),
                                        name=_plugin_name(bundle.key))
            self._deaths.clear()
            self._joined.clear()
            self.client.subscribe_topic("all", self._on_event)  # before any worker joins
            self._threads = self.workers or os.cpu_count() or 1
            # the workers start now (or started as the cluster did, prepare(): as many,
            # or more if fit() asked for fewer since); tasks sent meanwhile wait at the
            # scheduler, and batches() fails the batch if none has joined in the timeout
            if len(self.cluster.worker_spec) != self._threads:
                self.cluster.scale(self._threads)
            if self.client.nthreads():  # joined before the subscription
                self._joined.set()
            return
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except TimeoutError:
            raise BatchSetupError(f"no Dask worker joined the scheduler "
                                  f"{self.client.scheduler.address} within {self.timeout:.0f} s; "
                                  "start workers with: dask worker ADDRESS") from None
        # the bundle first: it carries the plugin modules the workers import
        self._key = bundle.key
        self.client.register_plugin(BundlePlugin(bundle), name=_plugin_name(bundle.key))
        problems = self.client.run(_check_worker, list(plugins), bundle.key)
        bad = sorted(msg for msg in problems.values() if msg)
        if bad:
            raise PluginError("; ".join(bad))
        # the scheduler tells of every worker it loses, with the tasks it was running;
        # deaths before this batch (a shared cluster's history) are not ours to tell
        self._catch_up()
        self._deaths.clear()
        self.client.subscribe_topic("all", self._on_event)

    def _first_worker(self) -> None:
        """Wait until a worker of the local cluster has joined (the scheduler's event:
        ``Client.wait_for_workers`` would ask it every 0.1 s).

        :raises BatchSetupError: none joined within the timeout."""
        if self._joined.wait(self.timeout) or self.client.nthreads():
            return
        raise BatchSetupError(f"cannot start a local Dask cluster: no worker started within "
                              f"{self.timeout:.0f} s")

    def wait_ready(self) -> None:
        """Wait until every worker of the local cluster has joined and set itself up
        (the bundle installed, the plugins loaded: a worker answers once that is done)."""
        if self._threads is None or self.client is None:
            return
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            with self._join_seen:
                seen = self._joins
            # asked of the scheduler outside the lock: the client's loop takes it to count a join
            if len(self.client.nthreads()) >= self._threads:
                break
            with self._join_seen:
                self._join_seen.wait_for(lambda: self._joins != seen, timeout=0.05)
        self.client.run(os.getpid)

    def _on_event(self, event) -> None:
        """On the client's event loop: note a worker that died (not one closed in order)."""
        when, msg = event
        if isinstance(msg, dict) and msg.get("action") == "add-worker":
            self._joined.set()
            with self._join_seen:
                self._joins += 1
                self._join_seen.notify_all()
        if isinstance(msg, dict) and msg.get("action") == "remove-worker" \
                and not msg.get("expected"):
            seen = (when, msg.get("worker", "?"))
            if seen not in self._seen:
                self._seen.add(seen)
                self._deaths.append((msg.get("worker", "?"),
                                     set(msg.get("processing-tasks", ()))))

    def _catch_up(self) -> None:
        """Read the scheduler's event log itself: a death whose live event has not
        reached this client yet (its tasks already rerun) is still told."""
        try:
            events = self.client.get_events("all")
        except Exception:  # noqa: BLE001  (the notice is a courtesy; the results are stored)
            return
        for event in events:
            self._on_event(event)

    def _tell_deaths(self) -> None:
        while self._deaths:
            address, keys = self._deaths.popleft()
            lost = sum(self._sizes.get(k, 0) for k in keys)
            if lost:
                self._tell(f"Dask worker {address} died (killed, or out of memory?) with "
                           f"{lost:,} replication(s) running; they run again on another worker")
            else:
                self._tell(f"Dask worker {address} died (killed, or out of memory?) between "
                           "tasks: no replication was lost")

    def batches(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        """Every chunk sent to the scheduler at once (:meth:`_send_all`); the results of
        chunks as they finish, a list per chunk.

        The scheduler keeps the chunks and hands each worker thread the next as it frees
        (Dask's queuing of tasks without dependencies,
        ``distributed.scheduler.worker-saturation``), mostly in the order they were made:
        each chunk's key ends in its place, zero-padded, and Dask orders independent tasks
        of one submission by key as a rule (not a promise: the results' order is not
        relied on). Results are gathered on the client's event loop as the
        chunks finish, and taken here in batches (``as_completed(with_results=True)
        .batches()``)."""
        assert self.client is not None, "start() first"
        threads = self._threads or max(1, sum(self.client.nthreads().values()))
        # a Dask task costs the scheduler, the client and the worker several messages:
        # send a few replications per task, fewer near the end to keep every worker busy
        chunks: dict[str, tuple[list[Task], int]] = {}  # task key -> (chunk, times sent again)
        running = as_completed(loop=self.client.loop, with_results=True, raise_errors=False)
        self._send_all(list(chunked(tasks, self.chunk, threads)), chunks, running)
        try:
            if self._threads is not None:  # a local cluster whose workers are joining
                self._first_worker()
            for batch in running.batches():
                for future, value in batch:
                    chunk, again = chunks.pop(future.key)
                    self._tell_deaths()
                    if future.status == "finished":
                        future.release()
                        yield value
                        continue
                    exc = future.exception() if future.status == "error" else None
                    future.release()
                    self._check_resend(exc, chunk, again)
                    self._tell(f"the Dask cluster lost {len(chunk):,} replication(s) "
                               f"({_why(exc)}); sending them again")
                    self._send_again(chunk, again + 1, chunks, running)
            self._catch_up()
            self._tell_deaths()
        finally:
            remaining = list(running.futures)
            if remaining:
                self.client.cancel(remaining)

    def _send_all(self, todo: list[list[Task]], chunks: dict, running) -> None:
        """Send the chunks of ``todo`` to the scheduler, :attr:`CHUNKS_PER_UPDATE` per
        message (``Client.map``: one graph update, where a ``submit`` per chunk costs one
        each), keyed in order. The scheduler runs an earlier update's tasks first (a
        graph's "generation"), and within one mostly by key."""
        if not todo:
            return
        self._sent += 1
        prefix = f"drillsim-run-{os.getpid()}-{self._sent}-{time.monotonic_ns()}"
        width = len(str(len(todo)))
        for first in range(0, len(todo), self.CHUNKS_PER_UPDATE):
            part = todo[first:first + self.CHUNKS_PER_UPDATE]
            keys = [f"{prefix}-{n:0{width}d}" for n in range(first, first + len(part))]
            # fifo_timeout 0: each update its own generation, run after the one before
            # (by default updates within 60 ms share one, and their tasks interleave)
            futures = self.client.map(_run, [self._key] * len(part), part, key=keys, pure=False,
                                      fifo_timeout=0)
            for future, chunk in zip(futures, part):
                chunks[future.key] = (chunk, 0)
                self._sizes[future.key] = len(chunk)
            running.update(futures)

    def _send_again(self, chunk: list[Task], again: int, chunks: dict, running) -> None:
        future = self.client.submit(_run, self._key, chunk, pure=False)
        chunks[future.key] = (chunk, again)
        self._sizes[future.key] = len(chunk)
        running.add(future)

    def _check_resend(self, exc: BaseException | None, chunk: list[Task], again: int) -> None:
        """Raise what a chunk that came back unfinished means, unless it is to be sent
        again (lost with its worker or a connection: :func:`_lost`)."""
        if isinstance(exc, (PluginError, DrillsimError)):
            raise exc
        if type(exc).__name__ == "KilledWorker":
            raise DrillsimError(f"Dask workers died running the same task again and "
                                f"again ({_one_line(exc)}); what finished is stored: run "
                                "again with --resume") from None
        if not _lost(exc):
            raise DrillsimError(f"a task failed on the Dask cluster: "
                                f"{type(exc).__name__}: {_one_line(exc)}")
        if again >= self.MAX_RESENDS:
            raise DrillsimError(
                f"the Dask cluster lost the same {len(chunk):,} replication(s) "
                f"{again + 1} times ({_why(exc)}); what finished is stored: run again with "
                "--resume")

    def close(self) -> None:
        self._wait_for_start()  # a cluster still starting is closed once it is up
        self._start_error = None
        if self.client is not None:
            try:
                self.client.unsubscribe_topic("all")
                if self.scheduler and self._key:  # a shared cluster: take our plugin back
                    self.client.unregister_worker_plugin(_plugin_name(self._key))
            except Exception:  # noqa: BLE001  (closing anyway; the cluster may be gone)
                pass
            self.client.close()
            self.client = None
        if self.cluster is not None:
            try:
                self.cluster.close()
            finally:
                self.cluster = None
                self._unset_config()
        self._threads = None

    def describe(self) -> str:
        if self.scheduler:
            return f"Dask cluster at {self.scheduler}"
        return ("local Dask cluster, " + (f"{self.workers} worker(s)" if self.workers
                                          else f"one worker per CPU ({os.cpu_count() or 1})"))


def _why(exc: BaseException | None) -> str:
    return "cancelled by the scheduler" if exc is None else f"{type(exc).__name__}: {_one_line(exc)}"


def _one_line(exc: BaseException | None) -> str:
    text = " ".join(str(exc).split()) or "(no message)"
    return text if len(text) <= 300 else text[:299] + "…"
