"""Per-run state for plugins: ``sim.stash[KEY]`` (after pytest's ``Stash``).

A plugin keeps what it knows about one replication (a counter, a schedule, units it
holds back) in the simulation's stash under a key of its own, not in module globals,
which would leak from one replication into the next and differ between worker
processes. A new :class:`Stash` comes with every :class:`~drillsim.engine.simulation.Simulation`::

    COUNTS = StashKey[dict]()           # module level, once

    @hookimpl
    def drillsim_run_started(sim):
        sim.stash[COUNTS] = {}
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

T = TypeVar("T")
D = TypeVar("D")


class StashKey(Generic[T]):
    """A key of the stash: each instance is a distinct key (two plugins cannot clash)."""

    __slots__ = ()


class Stash:
    """A mapping of :class:`StashKey` to values, one per run.

    :raises KeyError: reading a key never set (``stash[key]``, ``del stash[key]``).
    """

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[StashKey, Any] = {}

    def __setitem__(self, key: StashKey[T], value: T) -> None:
        self._data[key] = value

    def __getitem__(self, key: StashKey[T]) -> T:
        return self._data[key]

    def get(self, key: StashKey[T], default: D) -> T | D:
        return self._data.get(key, default)

    def setdefault(self, key: StashKey[T], default: T) -> T:
        return self._data.setdefault(key, default)

    def __delitem__(self, key: StashKey[T]) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)
