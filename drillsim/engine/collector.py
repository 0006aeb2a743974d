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

The thresholds are process-wide; a counter makes nested or concurrent runs (threads)
restore them only when the last run leaves.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

#: gen-1 collections before a full one: never, in practice, while a run steps
_NEVER = 2**30

_lock = threading.Lock()
_active = 0
_saved: tuple[int, ...] | None = None


@contextmanager
def full_collections_deferred() -> Iterator[None]:
    """Within this block, Python's full (oldest-generation) garbage collections are
    held back; young collections go on. Thresholds are restored on leaving the last
    such block (see :func:`gc.set_threshold`)."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1] if len(_saved) > 1 else 10, _NEVER)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
