"""Python's cyclic garbage collector during a replication.

A run keeps its event log, its incidents and their units in memory: millions of
objects that live to the end. CPython's collector (up to 3.13) collects young objects
often and cheaply, but from time to time walks *every* tracked object (a full, "oldest
generation" collection) — and the kept log makes each full walk longer, until it is a
third or more of a long run's time. Nothing the engine keeps is garbage before the run
ends, so :func:`full_collections_deferred` holds back the full walks while a run steps
(young collections go on as usual) and restores the collector's thresholds afterwards.
Cyclic garbage that reaches the oldest generation meanwhile is freed by the first full
collection after the run.

A streamed run (the log not kept) is the exception: it forgets each incident when it is
finished, and an incident with its responses is a reference cycle, so the few that lived
long enough to reach the oldest generation (a long wait in the queue) are garbage there.
Held back for the whole run they piled up, about 4 bytes per call: 4,258 dead incidents
still in memory at the end of a 10^6-call M/M/5 run, peak growth 7.1 MiB against 2.7
MiB for 10^4 calls (``bench/scaling.py``); such a run leaves the full collections to
Python (``defer=False``), which walk only the run's small live state.

The thresholds are process-wide; a counter makes nested or concurrent runs (threads)
restore them only when the last run leaves.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import ContextManager, Iterator

#: gen-1 collections before a full one: never, in practice, while a run steps
_NEVER = 2**30

_lock = threading.Lock()
_active = 0
_saved: tuple[int, ...] | None = None


class _Deferral:
    """:func:`full_collections_deferred`'s block: a class rather than a generator, as a
    drill enters it every tick with events, where contextlib's generator machinery cost
    about 12,000 instructions a time, twice the work itself. It keeps no state of its
    own, so one instance serves nested blocks and threads alike."""

    __slots__ = ("defer",)

    def __init__(self, defer: bool) -> None:
        self.defer = defer

    def __enter__(self) -> None:
        global _active, _saved
        if not self.defer:
            return
        with _lock:
            if _active == 0:
                _saved = gc.get_threshold()
                gc.set_threshold(_saved[0], _saved[1] if len(_saved) > 1 else 10, _NEVER)
            _active += 1

    def __exit__(self, *exc: object) -> None:
        global _active, _saved
        if not self.defer:
            return
        with _lock:
            _active -= 1
            if _active == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None


_DEFERRED, _AS_IS = _Deferral(True), _Deferral(False)


def full_collections_deferred(defer: bool = True) -> ContextManager[None]:
    """Within this block, Python's full (oldest-generation) garbage collections are
    held back; young collections go on. Thresholds are restored on leaving the last
    such block (see :func:`gc.set_threshold`). ``defer=False``: nothing is changed."""
    return _DEFERRED if defer else _AS_IS


@contextmanager
def collector_held() -> Iterator[None]:
    """Python's cyclic garbage collector held back while a command imports drillsim and
    its plugins and loads its input, and while the console script imports the command
    line (:mod:`drillsim.entry`, about a tenth of ``drillsim --help``'s instructions):
    the collections it would run meanwhile walk the objects of the modules just
    imported, none of them garbage, and took 0.1–0.15 s of CPU of every ``drillsim run``
    (measured with the collector off and on). What the
    block made lives to the end of the command (modules, plugins, the scenario), so on
    leaving normally it is frozen out of the collector's sight (:func:`gc.freeze`: later
    collections walk less; the first is not a walk of all of it). The collector is on
    again on leaving, however the block ends."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was:
            gc.enable()
