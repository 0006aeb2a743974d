"""Which executor runs a batch: the command line's ``--executor``, ``--workers`` and
``--scheduler`` turned into one :class:`~drillsim.batch.executor.Executor`."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from drillsim.batch.errors import BatchSetupError
from drillsim.batch.forkserver import DASK_PRELOAD, POOL_PRELOAD, start_forkserver

if TYPE_CHECKING:
    from drillsim.batch.executor import Executor

#: a Dask scheduler's address: ``tcp://host:8786``, ``tls://[::1]:8786`` (distributed's
#: protocols: tcp, tls, ucx, ws, wss, inproc), or ``host:port`` (tcp)
_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss|inproc)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$", re.ASCII)


#: seconds to wait for a scheduler's port to answer before calling it unreachable
REACH_SECONDS = 3.0


def _check_reachable(scheduler: str) -> None:
    """Refuse at once a scheduler address where no Dask scheduler answers: a refused
    connection, a host name that does not resolve, no answer within
    :data:`REACH_SECONDS`, or (over plain tcp) a server that does not speak first — a Dask
    scheduler sends its handshake as soon as a connection opens. Dask's client would
    retry a refused connection for its whole timeout (30 s), and waits for ever on a
    server that accepts the connection and never answers (distributed 2026.8 reads the
    handshake without a timeout). Only TCP is tried (tcp, tls, ws and wss run over TCP;
    ucx and inproc are left to Dask). The scheduler logs the probe as a "connection
    closed before handshake completed" (INFO).

    :raises BatchSetupError: the one-line reason, naming the address.
    """
    import socket

    protocol, _, rest = scheduler.rpartition("://")
    if protocol not in ("", "tcp", "tls", "ws", "wss"):
        return
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=REACH_SECONDS) as probe:
            if protocol in ("", "tcp") and not probe.recv(1):
                raise BatchSetupError(f"--scheduler {scheduler}: what answers there closed the "
                                      "connection at once: not a Dask scheduler")
    except socket.gaierror as exc:
        raise BatchSetupError(f"--scheduler {scheduler}: unknown host {host!r} "
                              f"({exc.strerror})") from None
    except UnicodeError:  # a label of more than 63 characters, or empty ('.', 'a..b')
        raise BatchSetupError(f"--scheduler {scheduler}: {host!r} is not a host name or address "
                              "(each part between dots 1 to 63 characters)") from None
    except TimeoutError:
        raise BatchSetupError(f"--scheduler {scheduler}: no Dask scheduler answered within "
                              f"{REACH_SECONDS:g} s (a wrong address or port, or a "
                              "firewall?)") from None
    except OSError as exc:
        why = (exc.strerror or str(exc)).lower()
        raise BatchSetupError(f"--scheduler {scheduler}: cannot connect ({why}); is a Dask "
                              "scheduler running there? Start one with: dask scheduler") from None


def make_executor(kind: str | None, workers: int | None, scheduler: str | None,
                  sweep: str | os.PathLike | None = None) -> Executor:
    """The executor the command line asks for.

    :param kind: ``local`` (default; ``workers=0`` runs in this process) or ``dask``
        (implied by ``scheduler``).
    :param workers: local processes, or Dask workers of a local cluster (default: CPUs).
    :param scheduler: address of an existing Dask scheduler (``tcp://host:8786``).
    :param sweep: the sweep file the batch runs, if known: the fork server of a local pool
        or a local Dask cluster loads its variants for the workers
        (:mod:`drillsim.batch.warmsweep`).

    Workers started here (a local pool, a local Dask cluster) fork from a fork server
    (:mod:`drillsim.batch.forkserver`), started first thing, so that it imports drillsim,
    the plugins (and Dask) in its own process while this one imports the executor's
    modules, loads the plugins and checks the sweep. A local Dask cluster and its client
    run in a helper process forked from it (:class:`~drillsim.batch.detached.DetachedExecutor`):
    this process does not import Dask at all.

    :raises BatchSetupError: contradictory options, a malformed scheduler address, a
        scheduler that cannot be reached (:func:`_check_reachable`), Dask not installed.
    """
    if scheduler and kind == "local":
        raise BatchSetupError("--scheduler is for --executor dask")
    if scheduler and not _SCHEDULER.match(scheduler):
        raise BatchSetupError(f"--scheduler {scheduler!r} is not a Dask scheduler's address; "
                              "write it as PROTOCOL://HOST:PORT, e.g. tcp://10.0.0.5:8786")
    if scheduler and not 0 < int(scheduler.rpartition(":")[2]) < 65536:
        raise BatchSetupError(f"--scheduler {scheduler!r}: a port is a number from 1 to 65535")
    if scheduler and kind in (None, "dask"):
        _check_reachable(scheduler)
    if kind == "dask" and workers == 0:
        raise BatchSetupError("--workers 0 runs the batch in this process, without Dask; give "
                              "--executor dask a number of workers (default: one per CPU)")
    if kind not in (None, "local", "dask") and not scheduler:
        raise BatchSetupError(f"unknown executor {kind!r}; use local or dask")
    if kind == "dask" and not scheduler:
        start_forkserver(DASK_PRELOAD, sweep)
    elif kind in (None, "local") and not scheduler and workers != 0:
        start_forkserver(POOL_PRELOAD, sweep)
    if kind == "dask" and not scheduler:
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise BatchSetupError("the dask executor needs Dask's distributed scheduler (No module "
                                  "named 'distributed'); install it with: pip install 'drillsim[dask]'")
        import multiprocessing

        from drillsim.batch.detached import DetachedExecutor

        # the helper has drillsim and Dask imported and nothing else running: its nannies
        # fork the workers from it (where the platform can fork)
        fork = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        return DetachedExecutor("drillsim.batch.dask_executor:DaskExecutor",
                                {"workers": workers, "start_method": fork}, DASK_PRELOAD,
                                "local Dask cluster, " + (f"{workers} worker(s)" if workers
                                                          else f"one worker per CPU ({os.cpu_count() or 1})"), workers)
    if kind == "dask" or scheduler:
        try:
            from drillsim.batch.dask_executor import DaskExecutor  # only when asked: Dask is optional
        except ImportError as exc:
            raise BatchSetupError(f"the dask executor needs Dask's distributed scheduler "
                                  f"({exc}); install it with: pip install 'drillsim[dask]'") from None
        if scheduler and workers is not None:
            raise BatchSetupError("--workers sets the size of a local cluster; with --scheduler "
                                  "the cluster's own workers run the batch")
        return DaskExecutor(workers=workers, scheduler=scheduler)
    from drillsim.batch.executor import InProcessExecutor, LocalPoolExecutor

    if workers == 0:
        return InProcessExecutor()
    return LocalPoolExecutor(workers)
