"""The fork server that batch workers start from, on platforms that have one (Linux, macOS).

A fork server is a process this one starts, which imports what it is told to preload,
then forks a fresh worker process each time one is asked for (``multiprocessing``'s
``forkserver`` start method; a worker forked from it is a copy of a process with no
threads and nothing of this one's state, unlike one forked from this process). Started
first thing, it imports drillsim and the installed plugins (:mod:`drillsim.batch.warmup`)
in its own process while this one loads the plugins and checks the sweep; every worker
forked from it later starts with all of that imported, in a fraction of a second
instead of the second or two a fresh interpreter takes (``spawn``).

The local process pool's workers and a local Dask cluster's workers start from it
(:func:`start_forkserver` with :data:`POOL_PRELOAD` or :data:`DASK_PRELOAD`). This
module imports nothing of drillsim's, so the command line can start the server before it
imports the engine.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from multiprocessing.context import BaseContext

#: What the fork server of a local pool imports before it forks a worker: drillsim and
#: the plugins, then the sweep's variants when it is given one (``sweep`` of
#: :func:`start_forkserver`).
POOL_PRELOAD = ("drillsim.batch.warmup", "drillsim.batch.warmsweep")
#: The same for a local Dask cluster's workers, with Dask's distributed scheduler before
#: the sweep (:mod:`drillsim.batch.daskimport`: ``distributed`` without the parts of its
#: import a batch does not use): the cluster's helper forks from the server once it has all of it, and its
#: nannies fork the workers from the helper, so every worker finds the variants loaded
#: (and frozen out of its collector's sight) instead of loading each itself. That chain
#: is then longer than the command's own start-up (importing Dask, about 1,150 M
#: instructions, 780 M through daskimport, plus the variants, about 830 M: on an idle 2-core machine Dask's start
#: waits about what each worker saves), but the batch costs less CPU in all: 540
#: replications of the flood sweep took Dask's processes 15.5-17.5 s of CPU against
#: 20.7-22.6 s with each worker loading its own (2 alternating runs each, 14:37 UTC,
#: load average 5-9), the workers 11.4-13.5 s against 16.0-18.0 s.
DASK_PRELOAD = ("drillsim.batch.warmup", "drillsim.batch.daskimport", "drillsim.batch.warmsweep")
#: The environment variable naming the sweep the fork server loads ahead
#: (:mod:`drillsim.batch.warmsweep`); set only in the server's environment.
WARM_SWEEP = "DRILLSIM_FORKSERVER_SWEEP"


def start_forkserver(preload: tuple[str, ...], sweep: str | os.PathLike | None = None
                     ) -> BaseContext | None:
    """Start this process's fork server, which imports the modules ``preload`` as it
    starts (one that cannot be imported is left out) and, given the path of the
    ``sweep`` the batch runs, loads its variants for the workers
    (:mod:`drillsim.batch.warmsweep`), unless it runs already (there is one per process:
    it keeps what it preloaded then, and a worker imports and loads the rest itself);
    the ``forkserver`` context, or None where the platform has none.

    Returns at once: the server imports in its own process while this one goes on."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    _ensure_running(None if sweep is None else os.fspath(sweep))
    return ctx


def _ensure_running(sweep: str | None = None) -> None:
    """Start the fork server with Ctrl-C blocked and ignored (it and the workers it forks
    keep it ignored): Ctrl-C is the main process's to handle,
    which stops the workers in order; otherwise a Ctrl-C while the server is importing
    drillsim prints its traceback. Blocked here too while the server starts, not ignored:
    a Ctrl-C meanwhile waits and reaches this process after (ignored, it was lost, and
    the batch ran on). ``sweep`` goes into the server's environment
    (:data:`WARM_SWEEP`), not this process's."""
    from multiprocessing import forkserver

    if sweep is not None:
        os.environ[WARM_SWEEP] = sweep
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    # ignored while the server is spawned, too: an ignored signal stays ignored across
    # exec (a blocked one does not: the spawn resets the mask), so the server ignores
    # Ctrl-C from its first instruction, while it imports drillsim, the plugins and Dask
    # (its traceback followed the batch's "interrupted" line); a Ctrl-C meanwhile stays
    # pending here (Linux never discards a blocked signal) and arrives once unblocked
    import threading

    main = threading.current_thread() is threading.main_thread()
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        forkserver.ensure_running()
    finally:
        if main:
            signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        os.environ.pop(WARM_SWEEP, None)


def stop_forkserver() -> None:
    """End this process's fork server now, if it runs (on Ctrl-C): it ignores Ctrl-C, and
    would notice its parent gone only once it has imported what it preloads — seconds
    after the command ended (5-8 s measured), a process left behind meanwhile. Its
    workers end with it (each watches its parent). Reads ``multiprocessing``'s private
    record of the server's process id, hence the guard: without it, nothing is done."""
    import sys

    forkserver = sys.modules.get("multiprocessing.forkserver")
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:  # ended already
            pass
