"""What runs on a worker: one replication of one variant, reduced to a few numbers.

A task is plain data (:class:`Task`: bundle key, variant index, overrides, seed,
replication index, plugin names), so it runs the same in this process, in a local
process pool or on a Dask worker on another machine. The scenario's files travel once
per worker as a :class:`Bundle` (their text, by path inside the scenario folder); the
worker writes them to a private folder, loads plugins by name, loads each variant once
(:func:`drillsim.scenario.loader.load_scenario` with its overrides) and keeps it for the next
replication of that variant.

Plugins named by module (``--plugin-module NAME=FILE.py``, a scenario's ``plugins:``
entries when allowed) travel in the bundle too: a ``.py`` file's bytes, which the worker
imports from its own copy (or from the same file, when it is there with the same bytes:
a worker on this machine); a dotted module path by name, which the worker must be able
to import. Installed plugins (entry points) must be installed on the worker: one that is
not stops the batch with a message naming the plugin, the worker, and the fix. (Dask's
``Client.upload_file`` was not used: it imports the file under its own name on the
scheduler as well as on the workers, keeps it on a shared cluster after the batch, and
two plugins both called ``rules.py`` would overwrite each other.)

A result (:class:`Result`) is small: per scorecard row, the replication's value (the
target's statistic over its observations, in the row's display unit) and whether it met
the threshold — what :mod:`drillsim.scoring.scorecard` computes per replication. A
replication that fails — a plugin raises, hangs past the per-event time limit or returns
nonsense (:class:`~drillsim.engine.simulation.PluginFailed`), the run stalls
(:class:`~drillsim.engine.stall.RunStalled`), or scoring it raises — comes back as a
failed result carrying its error, so only that replication fails and the batch goes on.
A plugin that cannot be *loaded* on a worker still stops the batch (every task would fail).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing.util
import os
import select
import signal
import socket
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from drillsim.engine.simulation import PluginFailed
from drillsim.engine.stall import RunStalled
from drillsim.errors import DrillsimError, cause_traceback
from drillsim.host.plugin_modules import is_file_target
from drillsim.host.pluginhost import ENTRY_POINT_GROUP, PluginError, PluginHost, load_plugins
from drillsim.scenario.loader import ResolvedScenario, load_scenario
from drillsim.scoring.bounds import is_bound
from drillsim.scoring.runner import run_replication
from drillsim.scoring.scorecard import judge, observe


@dataclass(frozen=True)
class Bundle:
    """The text of a scenario's files, by POSIX path relative to the scenario folder,
    and the plugins a worker cannot find by name.

    :ivar key: SHA-256 of the contents (a worker installs a bundle once).
    :ivar scenario: which of ``files`` is the scenario.
    :ivar modules: the plugins named by module, ``((name, target, source), …)``: target a
        dotted module path (source ``b""``: the worker imports it by name) or the path of
        a ``.py`` file here (source: its bytes, which the worker imports).
    :ivar origins: ``((plugin name, where it comes from here), …)`` ("drillsim-ambulance
        0.1.0"), for the message when a worker lacks a plugin.
    """

    key: str
    scenario: str
    files: tuple[tuple[str, str], ...]
    modules: tuple[tuple[str, str, bytes], ...] = ()
    origins: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, root: Path, scenario: Path, others: list[Path],
           host: PluginHost | None = None) -> "Bundle":
        """Read ``scenario`` and ``others`` (all inside ``root``) into a bundle, with the
        plugin modules of ``host`` (:attr:`PluginHost.modules`).

        :raises PluginError: a plugin's ``.py`` file cannot be read any more.
        """
        # each path resolved once: a sweep names the same region and plan for every variant
        paths = sorted({p.resolve() for p in {scenario, *others}})
        files = tuple((PurePosixPath(p.relative_to(root.resolve())).as_posix(),
                       p.read_text(encoding="utf-8-sig")) for p in paths)
        rel = PurePosixPath(scenario.resolve().relative_to(root.resolve())).as_posix()
        modules: list[tuple[str, str, bytes]] = []
        origins: list[tuple[str, str]] = []
        if host is not None:
            for name, target in sorted(host.modules.items()):
                source = b""
                if is_file_target(target):
                    try:
                        source = Path(target).read_bytes()
                    except OSError as exc:
                        raise PluginError(f"plugin {name!r}: cannot read {target} to send it to "
                                          f"the workers: {exc.strerror or exc}") from None
                modules.append((name, target, source))
            origins = [(name, host.origin(name)) for name in host.names()]
        digest = hashlib.sha256(json.dumps(
            [rel, files, [(n, t, hashlib.sha256(b).hexdigest()) for n, t, b in modules], origins]
        ).encode("utf-8")).hexdigest()
        return cls(digest, rel, files, tuple(modules), tuple(origins))


def plugin_names(plugins: "PluginHost | list[str] | tuple[str, ...]") -> tuple[str, ...]:
    """The plugin names a task carries: a host's :meth:`~PluginHost.names`, or the names given."""
    return tuple(plugins.names() if isinstance(plugins, PluginHost) else plugins)


@dataclass(frozen=True)
class Task:
    """One replication of one variant, as plain data.

    :ivar overrides: ``((dotted path, value), …)`` as in the sweep, applied in order.
    :ivar seed: the variant's base seed; :ivar replication: 0-based index. Random
        streams are seeded from (seed, replication, stream name).
    :ivar plugins: names of the plugins to load (as in the main process): installed ones
        by entry point, the bundle's :attr:`Bundle.modules` from there.
    """

    bundle: str
    variant: int
    overrides: tuple[tuple[str, Any], ...]
    seed: int
    replication: int
    plugins: tuple[str, ...]


#: Kinds of failed replication (:attr:`Result.failure`).
PLUGIN_FAILED = "plugin failed"
STALLED = "stalled"
ERROR = "error"


@dataclass(frozen=True)
class Result:
    """A replication's outcome: ``values`` is ``((row id, value or None, met or None), …)``
    with values in each row's display unit (min, h, people …).

    A failed replication has ``failure`` (:data:`PLUGIN_FAILED`, :data:`STALLED` or
    :data:`ERROR`), the ``error`` message (naming plugin, hook and scenario time where
    the engine knows them), ``worker`` (which process ran it), no values and 0 events;
    ``traceback`` is the Python traceback of what raised (a plugin's own exception where
    a plugin failed), for ``drillsim batch --traceback``.
    """

    variant: int
    replication: int
    events: int
    values: tuple[tuple[str, float | None, bool | None], ...]
    failure: str | None = None
    error: str | None = None
    worker: str | None = None
    traceback: str | None = None
    #: the rows whose value rests on an observation the run's end cut off (a bound: the
    #: first appliance that never came counts the run's end), as the scorecard's
    #: ``cut_off`` says; not stored, read by ``drillsim sensitivity``
    bounds: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.failure is not None


# ---------------------------------------------------------------- per-process state
#: How this worker names itself in messages (set by the executor that starts it).
WORKER_NAME = f"process {os.getpid()} on {socket.gethostname()}"
_BUNDLES: dict[str, tuple[Path, Path]] = {}  # bundle key -> (folder, scenario file)
_MODULES: dict[str, dict[str, str]] = {}  # bundle key -> {plugin name: module or file here}
_ORIGINS: dict[str, dict[str, str]] = {}  # bundle key -> {plugin name: where it comes from}
_FOLDERS: list[tempfile.TemporaryDirectory] = []
#: Loaded variants kept per process (about 250 KiB each for the flood scenario).
SCENARIO_CACHE = 512
_SCENARIOS: OrderedDict[tuple, ResolvedScenario] = OrderedDict()
_SETUP_ERROR: str | None = None
_BARRIER = None
# a Dask worker may run tasks in several threads
_LOCK = threading.RLock()


def install(bundle: Bundle) -> Path:
    """Write the bundle's files into a private folder (once per process); returns the
    scenario file's path there."""
    with _LOCK:
        return _install(bundle)


def installed(key: str) -> bool:
    """Is the bundle ``key`` installed in this process?"""
    return key in _BUNDLES


def _install(bundle: Bundle) -> Path:
    installed = _BUNDLES.get(bundle.key)
    if installed is None:
        # the process id in the name tells whose folder a killed worker left behind
        tmp = tempfile.TemporaryDirectory(prefix=f"drillsim-batch-{os.getpid()}-")
        _FOLDERS.append(tmp)
        # pool and Dask worker processes end through multiprocessing, which runs its own
        # finalizers but not atexit's: remove the folder then too
        multiprocessing.util.Finalize(None, tmp.cleanup, exitpriority=10)
        folder = Path(tmp.name) / "scenarios"
        for rel, text in bundle.files:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        _MODULES[bundle.key] = {name: _module_here(Path(tmp.name), name, target, source)
                                for name, target, source in bundle.modules}
        _ORIGINS[bundle.key] = dict(bundle.origins)
        installed = _BUNDLES[bundle.key] = (folder, folder / bundle.scenario)
    return installed[1]


def _module_here(tmp: Path, name: str, target: str, source: bytes) -> str:
    """Where this worker imports a plugin module from: a dotted path as it is; a file
    from the same path when it is there with the same bytes (a worker on the machine
    that started the batch: tracebacks then name the author's file), else from a copy
    in the worker's folder."""
    if not is_file_target(target):
        return target
    original = Path(target)
    try:
        if original.is_file() and original.read_bytes() == source:
            return str(original)
    except OSError:
        pass
    copy = tmp / "plugins" / name / (original.name if original.suffix == ".py" else f"{name}.py")
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(source)
    return str(copy)


def check_plugins(plugins: tuple[str, ...] | list[str], where: str | None = None,
                  key: str | None = None) -> str | None:
    """Load the named plugins here (with the plugin modules of the installed bundle
    ``key``); None if they load, else one line naming the plugin, this worker and the fix.
    """
    where = where or WORKER_NAME
    modules = _MODULES.get(key, {})
    origins = _ORIGINS.get(key, {})
    from importlib import metadata

    here = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    missing = [n for n in plugins if n not in modules and n not in here]
    if missing:
        return "; ".join(
            f"plugin {n!r} is not installed on {where}"
            + (f" (here it comes from {origins[n]})" if n in origins else "")
            + ": install it there and restart the worker, or give the plugin as a .py file "
              f"(--plugin-module {n}=FILE.py), which drillsim sends to every worker"
            for n in missing)
    try:
        load_plugins(only=[n for n in plugins if n not in modules], modules=modules)
    except PluginError as exc:
        dotted = [n for n, t in modules.items() if not is_file_target(t) and repr(n) in str(exc)]
        fix = (f"; install module {modules[dotted[0]]} there, or give the plugin as a .py file "
               f"(--plugin-module {dotted[0]}=FILE.py), which drillsim sends to every worker"
               if dotted and "cannot import" in str(exc) else "")
        return f"on {where}: {exc}{fix}"
    return None


def init_local(bundle: Bundle, plugins: tuple[str, ...], name: str, barrier=None,
               parent: int | None = None) -> None:
    """Initializer of a local pool worker: name it, install the bundle, load plugins.

    Ctrl-C is left to the main process, which stops the pool in order. A plugin that
    cannot be loaded is remembered: :func:`ready` reports it, and every task fails with
    it before running. ``barrier`` (one party per worker) lets :func:`ready` reach every
    worker once. ``parent`` is the batch's main process: the worker ends when it is gone
    (:func:`watch_parent`).
    """
    global WORKER_NAME, _SETUP_ERROR, _BARRIER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        watch_parent(parent)
    WORKER_NAME = f"{name} (pid {os.getpid()} on {socket.gethostname()})"
    _BARRIER = barrier
    install(bundle)
    _SETUP_ERROR = check_plugins(plugins, key=bundle.key)


def watch_parent(parent: int, interval: float = 1.0) -> None:
    """End this process as soon as the process ``parent`` (the batch's main process) has
    ended, however it ended (``kill -9`` included).

    Why: a pool worker waits for work on a queue that a killed main process never closes,
    so it would wait for ever; and it holds the fork server's pipe open, so the fork
    server (and the resource tracker) would stay too. The worker's parent is the fork
    server, not the main process, so ``PR_SET_PDEATHSIG`` or ``os.getppid()`` would not
    tell: the watcher follows the main process itself. On Linux a pidfd wakes it the
    moment that process ends (no polling, no mistaking a new process that reuses the
    number); elsewhere it looks every ``interval`` seconds.
    """
    try:
        pidfd = os.pidfd_open(parent)
    except ProcessLookupError:
        _parent_gone()
    except (AttributeError, OSError):  # not Linux, or older than 5.3
        pidfd = None
    threading.Thread(target=_watch, args=(parent, pidfd, interval), daemon=True,
                     name="drillsim-parent-watch").start()


def _watch(parent: int, pidfd: int | None, interval: float) -> None:
    if pidfd is not None:
        try:
            select.select([pidfd], [], [])  # readable once the process has ended
        except OSError:
            pass  # cannot wait on it: look instead
        else:
            _parent_gone()
    while True:
        time.sleep(interval)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            _parent_gone()
        except PermissionError:
            pass  # it exists (the number reused by another user's process: rare)


def _parent_gone() -> None:
    """Remove this worker's scenario folders and end it at once (what it was running
    belongs to a batch that is gone; ``--resume`` runs it again)."""
    for folder in list(_FOLDERS):
        try:
            folder.cleanup()
        except Exception:  # noqa: BLE001  (ending anyway)
            pass
    os._exit(1)


def ready(timeout: float = 120.0) -> tuple[int, str | None]:
    """A pool worker's answer to "are you set up?": its process id and None, or why not.
    Waits at the barrier so that, sent once per worker, each worker answers once."""
    if _BARRIER is not None:
        _BARRIER.wait(timeout)
    return os.getpid(), _SETUP_ERROR


def _host(plugins: tuple[str, ...], key: str) -> PluginHost:
    if _SETUP_ERROR is not None:
        raise PluginError(_SETUP_ERROR)
    modules = _MODULES.get(key, {})
    try:
        return load_plugins(only=[n for n in plugins if n not in modules], modules=modules)
    except PluginError as exc:
        raise PluginError(check_plugins(plugins, key=key) or f"on {WORKER_NAME}: {exc}") from None


def _scenario(task: Task, host: PluginHost) -> ResolvedScenario:
    with _LOCK:
        return _scenario_locked(task, host)


def _cache_key(bundle: str, overrides: tuple[tuple[str, Any], ...], seed: int,
               plugins: tuple[str, ...]) -> tuple:
    """Which loaded variant a task runs: its bundle, overrides, seed and plugin names."""
    return (bundle, json.dumps(overrides, sort_keys=False, default=str), seed, plugins)


def keep_loaded(bundle: str, overrides: tuple[tuple[str, Any], ...], seed: int,
                plugins: tuple[str, ...], scenario: ResolvedScenario) -> None:
    """Keep ``scenario`` as the loaded variant of the tasks with these bundle key,
    overrides, seed and plugin names (:class:`Task`), as if a task had loaded it here:
    the fork server loads a sweep's variants ahead this way
    (:mod:`drillsim.batch.warmsweep`), and the workers forked from it find them. It must
    have been loaded from the bundle's files (the same key) with the plugin host a task
    of ``plugins`` gets here (``load_plugins(only=plugins)``, no plugin modules)."""
    with _LOCK:
        _remember(_cache_key(bundle, overrides, seed, plugins), scenario)


def _remember(key: tuple, scenario: ResolvedScenario) -> None:
    """Keep a loaded variant, the least recently used one dropped past
    :data:`SCENARIO_CACHE` (the caller holds ``_LOCK``)."""
    _SCENARIOS[key] = scenario
    if len(_SCENARIOS) > SCENARIO_CACHE:
        _SCENARIOS.popitem(last=False)


def _scenario_locked(task: Task, host: PluginHost) -> ResolvedScenario:
    key = _cache_key(task.bundle, task.overrides, task.seed, task.plugins)
    sc = _SCENARIOS.get(key)
    if sc is not None:
        _SCENARIOS.move_to_end(key)
    else:
        installed = _BUNDLES.get(task.bundle)
        if installed is None:
            raise RuntimeError(f"worker {WORKER_NAME}: scenario bundle {task.bundle[:12]} was "
                               "not installed before its tasks")
        folder, scenario = installed
        sc = load_scenario(scenario, host=host, overrides=dict(task.overrides), root=folder,
                           seed=task.seed)
        _remember(key, sc)
    return sc


def replication_values(scenario: ResolvedScenario, events) -> tuple[tuple[str, float | None, bool | None], ...]:
    """Per scorecard row, this replication's value and whether it met the threshold.

    The same reduction as :func:`drillsim.scoring.scorecard.build`: the target's
    statistic over the replication's observations (None when there is nothing to
    measure; ``sum``/``count`` of nothing are 0), and whether it met the goal (None when
    the run's end left that open: :func:`~drillsim.scoring.scorecard.judge`); targets reported ``by_label`` give one
    row per label seen (``U1/district_team``). Values are in the row's display unit.
    """
    return replication_outcome(scenario, events)[0]


def replication_outcome(scenario: ResolvedScenario, events) -> tuple[
        tuple[tuple[str, float | None, bool | None], ...], tuple[str, ...]]:
    """:func:`replication_values`, and the rows whose value rests on an observation the
    run's end cut off (:func:`drillsim.scoring.bounds.is_bound`: the row's ``cut_off``
    in a scorecard)."""
    observations = observe(scenario, events)
    out: list[tuple[str, float | None, bool | None]] = []
    bounds: list[str] = []
    for t in scenario.targets:
        obs = observations[t.id]
        if t.by_label:
            labels = sorted({label for label, _ in obs})
            groups = [(f"{t.id}/{label}", [v for lab, v in obs if lab == label]) for label in labels]
            groups = groups or [(t.id, [])]
        else:
            groups = [(t.id, [v for _, v in obs])]
        for row_id, values in groups:
            value, met = judge(values, t.statistic, t.comparison, t.threshold)
            out.append((row_id, t.display(value), met))
            if any(is_bound(v) for v in values):
                bounds.append(row_id)
    return tuple(out), tuple(bounds)


def run_task(task: Task) -> Result:
    """Run one replication of one variant (the bundle must be installed here).

    A replication that fails (see the module docstring) gives a failed :class:`Result`.

    :raises PluginError: a plugin cannot be loaded on this worker (names both).
    """
    host = _host(task.plugins, task.bundle)
    sc = _scenario(task, host)
    try:
        events = run_replication(sc, host, task.replication, task.seed)
        values, bounds = replication_outcome(sc, events)
    except PluginError:
        raise
    except Exception as exc:  # this replication fails; the batch goes on
        kind = (STALLED if isinstance(exc, RunStalled) else
                PLUGIN_FAILED if isinstance(exc, PluginFailed) else ERROR)
        message = str(exc) if isinstance(exc, DrillsimError) else f"{type(exc).__name__}: {exc}"
        return Result(task.variant, task.replication, 0, (), kind, message, WORKER_NAME,
                      cause_traceback(exc))
    return Result(task.variant, task.replication, len(events), values, bounds=bounds)


def run_tasks(tasks: list[Task]) -> list[Result]:
    """Run a few tasks one after another (see :func:`run_task`); a chunk's results go
    back, and into the store, together."""
    return [run_task(task) for task in tasks]
