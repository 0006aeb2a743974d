"""Imported once by the local pool's fork server (its ``forkserver`` preload) and by each
Dask worker of a local cluster as it starts: every pool worker forked from that server
then starts with drillsim and the installed plugins imported, instead of spending a
second or so on them itself (the fork server does it while the main process checks the
sweep).

pint's unit registry is not built here: every unit the shipped scenarios write is read
by the table of :data:`drillsim.scenario.quantities.FACTORS` (a worker that meets
another unit builds the registry then, once).
"""

import numpy.random  # noqa: F401  (a replication's random streams: each worker's first imported it)

from drillsim.batch import worker  # noqa: F401  (imports the engine, loader and scoring)


def _import_plugins() -> None:
    """Import the installed plugins (``$DRILLSIM_PLUGINS`` limits them, as everywhere).
    A plugin that fails to import is left to the worker, which names it in the batch's
    message (:func:`drillsim.batch.worker.check_plugins`); the fork server must start."""
    from drillsim.host.pluginhost import load_plugins

    try:
        load_plugins()
    except Exception:  # noqa: BLE001  (reported by the worker that needs it)
        pass


_import_plugins()
