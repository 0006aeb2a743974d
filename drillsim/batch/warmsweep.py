"""Imported last by the fork server of a ``drillsim batch`` on a local pool or a local
Dask cluster (its ``forkserver`` preload): loads the sweep the command runs, every
variant, into the variant cache that the workers forked from the server (or, for Dask,
from the helper forked from it) inherit (:func:`drillsim.batch.worker.keep_loaded`), so
that no worker loads a variant itself (see :data:`drillsim.batch.forkserver.DASK_PRELOAD`).

Why: each worker loaded every variant it was sent — all of them, on 2 workers sharing
the replications — at about 7-12 ms of CPU each (the flood sweep: 36 variants, 0.3-0.45 s
per worker), plus about 0.1 s for its first replication. The fork server is otherwise idle
while the command's process loads the plugins and checks the sweep (it imports drillsim
in about half the time that takes), so on 2 cores it loads the variants once in time
that was free, for every worker.

The sweep is named by :data:`drillsim.batch.forkserver.WARM_SWEEP` in the server's
environment (the command line sets it as it starts the server). The variants are loaded
exactly as a worker loads them: from the same files (a worker uses them only if the
bundle's key, a hash of their text, is the one its tasks carry: a file changed in the
meantime, other plugin options or plugin modules make another key, and the worker
loads its own), with the plugin host a task gets (``load_plugins(only=names)``), whose
object the workers inherit too. Anything that goes wrong here is left to the command,
which checks the sweep itself and says what is wrong; the server must start.
"""

import gc
import os

from drillsim.batch.forkserver import WARM_SWEEP


def _load_ahead(path: str) -> None:
    from drillsim.batch import worker
    from drillsim.batch.runner import bundle_of
    from drillsim.batch.sweep import load_sweep
    from drillsim.host.pluginhost import load_plugins

    # the host a task's plugin names give a worker (the same object: the workers fork from here)
    host = load_plugins(only=load_plugins().names())
    sweep = load_sweep(path, host)
    if len(sweep.variants) > worker.SCENARIO_CACHE:
        return  # a worker keeps fewer; tasks come in blocks of a variant (runner.BLOCK)
    bundle = bundle_of(sweep)
    plugins = tuple(sweep.plugins)
    for v in sweep.variants:
        worker.keep_loaded(bundle.key, tuple(v.overrides.items()), v.seed, plugins, v.scenario)


def _warm() -> None:
    path = os.environ.pop(WARM_SWEEP, None)
    if path:
        try:
            _load_ahead(path)
        except Exception:  # noqa: BLE001  (the command checks the sweep and reports)
            pass
    # what the server made lives in every worker: out of the collector's sight, so that
    # a worker's collections neither walk it nor copy its pages
    gc.freeze()


_warm()
