"""A time limit on plugin code within one simulation event.

A plugin that never returns (an endless loop in a hook or a hazard process) would hang
a run — and a batch or a drill with it. While a run advances, a watchdog thread looks
at the simulation clock and the event log every ``limit / 4`` seconds of wall time; if
neither has moved for ``limit`` seconds, it raises :class:`EventTimeLimit` in the thread
running the simulation. If the log grows but the clock has not moved for ``limit``
seconds, events are setting each other off at one instant for ever (a zero-delay loop):
it raises :class:`ClockStuck` the same way. Either is raised (``PyThreadState_SetAsyncExc``: delivered at the next Python
bytecode, so pure-Python loops are stopped; a plugin blocked inside a C call is stopped
when the call returns). The engine turns it into a
:class:`~drillsim.engine.simulation.PluginFailed` naming the plugin and the scenario time.

The limit is in seconds of wall time: :data:`DEFAULT_LIMIT_S`, or the environment
variable ``DRILLSIM_EVENT_TIME_LIMIT`` (``0`` switches the watchdog off).
"""

from __future__ import annotations

import ctypes
import os
import threading

#: seconds of wall time one simulation event may take before the run is stopped
DEFAULT_LIMIT_S = 60.0


class EventTimeLimit(BaseException):
    """Raised inside a run whose current event took longer than the limit. A
    BaseException, so plugin code catching ``Exception`` cannot swallow it."""


class ClockStuck(EventTimeLimit):
    """Raised inside a run whose clock has not moved for the limit while events kept
    being logged."""


def limit_from_env() -> float:
    """The limit in seconds: ``$DRILLSIM_EVENT_TIME_LIMIT`` or :data:`DEFAULT_LIMIT_S`."""
    text = os.environ.get("DRILLSIM_EVENT_TIME_LIMIT", "")
    try:
        return float(text) if text else DEFAULT_LIMIT_S
    except ValueError:
        return DEFAULT_LIMIT_S


class Watchdog:
    """Context manager guarding one ``env.run``: see the module docstring.

    :param clock: zero-argument callable, the simulation clock (minutes).
    :param count: zero-argument callable, the number of events logged so far.
    :param limit: seconds; ``<= 0`` disables the watchdog.
    """

    def __init__(self, clock, count, limit: float) -> None:
        self.clock = clock
        self.count = count
        self.limit = limit
        self.fired = False
        self._stop = threading.Event()
        self._target = threading.get_ident()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Watchdog":
        if self.limit > 0:
            self._thread = threading.Thread(target=self._watch, name="drillsim-watchdog", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _watch(self) -> None:
        clock, count = self.clock(), self.count()
        still = stuck = 0.0   # seconds with nothing moving; with the clock not moving
        step = self.limit / 4
        while not self._stop.wait(step):
            now, logged = self.clock(), self.count()
            if now != clock:
                clock, count, still, stuck = now, logged, 0.0, 0.0
                continue
            stuck += step
            if logged != count:
                count, still = logged, 0.0
            else:
                still += step
            if self._stop.is_set():
                return
            if still >= self.limit:
                self._raise(EventTimeLimit)
                return
            if stuck >= self.limit:
                self._raise(ClockStuck)
                return

    def _raise(self, exc: type[BaseException]) -> None:
        self.fired = True
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._target), ctypes.py_object(exc))
