"""A time limit on plugin code within one simulation event.

A plugin that never returns (an endless loop in a hook or a hazard process) would hang
a run — and a batch or a drill with it. While a run advances, the process's watchdog
thread (one for all runs, started on first use) looks at the simulation clock and the
event log every ``limit / 4`` seconds of wall time; if neither has moved for ``limit``
seconds, it raises :class:`EventTimeLimit` in the thread running the simulation. If the
log grows but the clock has not moved for ``limit`` seconds, events are setting each
other off at one instant for ever (a zero-delay loop): it raises :class:`ClockStuck`.
Either is raised with ``PyThreadState_SetAsyncExc``: delivered at the next Python
bytecode, so pure-Python loops are stopped; a plugin blocked inside a C call is stopped
when the call returns. The engine turns it into a
:class:`~drillsim.engine.simulation.PluginFailed` naming the plugin and the scenario time
(or a :class:`~drillsim.engine.stall.RunawayRun`).

The limit is in seconds of wall time: :data:`DEFAULT_LIMIT_S`, or the environment
variable ``DRILLSIM_EVENT_TIME_LIMIT`` (``0`` switches the watchdog off).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time

#: seconds of wall time one simulation event may take before the run is stopped
DEFAULT_LIMIT_S = 60.0


class EventTimeLimit(BaseException):
    """Raised inside a run whose current event took longer than the limit. A
    BaseException, so plugin code catching ``Exception`` cannot swallow it."""


class ClockStuck(EventTimeLimit):
    """Raised inside a run whose clock has not moved for the limit while events kept
    being logged."""


#: the environment variable setting the limit
LIMIT_ENV = "DRILLSIM_EVENT_TIME_LIMIT"


def limit_from_env() -> float:
    """The limit in seconds: ``$DRILLSIM_EVENT_TIME_LIMIT`` or :data:`DEFAULT_LIMIT_S`
    when it is unset or not a number of seconds (the command line refuses that, with
    :func:`env_limit_problem`, before anything runs)."""
    text = os.environ.get(LIMIT_ENV, "")
    return DEFAULT_LIMIT_S if not text or env_limit_problem(text) else _seconds(text)


def _seconds(text: str) -> float:
    from drillsim.scenario.quantities import read_number

    return read_number(text)


def env_limit_problem(text: str) -> str | None:
    """Why ``text`` is no limit (a finite number of seconds, the digits 0-9; ``0`` or
    less switches the watchdog off), else None. ``float()`` took ``nan`` (a watchdog
    that never fires), ``inf`` and full-width digits; text that was no number at all
    was silently replaced by the default."""
    try:
        _seconds(text)
    except ValueError:
        return (f"{LIMIT_ENV}={text!r} is not a number of seconds: give one such as 60 (0 "
                "switches the time limit off), or unset it for the default, "
                f"{DEFAULT_LIMIT_S:g} s")
    return None


class Watchdog:
    """Context manager guarding one ``env.run``: see the module docstring. Entering and
    leaving only registers the run with the process's one watching thread (started on
    first use, again after a fork), so a drill can guard every tick for microseconds.

    :param clock: zero-argument callable, the simulation clock (minutes).
    :param count: zero-argument callable, the number of events logged so far.
    :param limit: seconds; ``<= 0`` disables the watchdog.
    """

    def __init__(self, clock, count, limit: float) -> None:
        self.clock = clock
        self.count = count
        self.limit = limit
        self.fired = False
        self._target = threading.get_ident()

    def __enter__(self) -> "Watchdog":
        if self.limit > 0:
            now = time.monotonic()
            self._seen = (self.clock(), self.count())
            self._moved = self._clock_moved = now   # wall time of the last progress
            _WARDEN.watch(self)
        return self

    def __exit__(self, *exc) -> None:
        if self.limit > 0:
            _WARDEN.release(self)

    def _check(self, now: float) -> type[BaseException] | None:
        """Called by the watching thread: the exception to raise in the run, if any."""
        clock, count = self.clock(), self.count()
        if clock != self._seen[0]:
            self._moved = self._clock_moved = now
        elif count != self._seen[1]:
            self._moved = now
        self._seen = (clock, count)
        if now - self._moved >= self.limit:
            return EventTimeLimit
        if now - self._clock_moved >= self.limit:
            return ClockStuck
        return None


class _Warden:
    """The one thread per process that watches every guarded run (a daemon: it never
    keeps the process alive)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._guards: dict[int, Watchdog] = {}
        self._wake = threading.Event()
        self._pid: int | None = None
        #: seconds the thread sleeps between looks now (None: idle, waiting for a guard)
        self._step: float | None = None

    def watch(self, guard: Watchdog) -> None:
        with self._lock:
            self._guards[id(guard)] = guard
            if self._pid != os.getpid():  # first use, or a forked child without the thread
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="drillsim-watchdog", daemon=True).start()
            # wake the thread only when it must look sooner than it will: idle, or asleep
            # for longer than this guard's quarter limit (a drill tick costs no wake-up)
            wake = self._step is None or guard.limit / 4 < self._step
        if wake:
            self._wake.set()

    def _forked(self) -> None:
        """In a forked child: a fresh lock and wake-up (the parent's watching thread,
        which does not exist here, may have held the lock at the fork) and no guards; the
        child's first guard starts its own thread (:meth:`watch`)."""
        self._lock = threading.Lock()
        self._guards = {}
        self._wake = threading.Event()
        self._step = None

    def release(self, guard: Watchdog) -> None:
        with self._lock:  # after this, nothing is raised for this guard
            self._guards.pop(id(guard), None)

    def _run(self) -> None:
        while True:
            with self._lock:
                limit = min((g.limit for g in self._guards.values()), default=None)
                self._step = None if limit is None else limit / 4
                self._wake.clear()
            # a guard with a shorter limit arriving meanwhile sets the event
            self._wake.wait(self._step)
            if self._step is None:
                continue
            now = time.monotonic()
            with self._lock:
                for key, guard in list(self._guards.items()):
                    exc = guard._check(now)
                    if exc is not None:
                        guard.fired = True
                        del self._guards[key]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(guard._target),
                                                                   ctypes.py_object(exc))


_WARDEN = _Warden()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WARDEN._forked)
