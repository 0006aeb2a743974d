"""A share of a command's work done in a forked copy of the process, on a second CPU.

``drillsim run`` waits on its replications after everything is loaded; where the process
may use two CPUs and can fork (POSIX), a copy made by ``fork()`` after loading (imports,
plugins and the scenario are all there already, shared copy-on-write) runs replications
while the process itself runs others, and hands back its answer — plain data, pickled —
through a pipe. The two take the replications one at a time from one counter
(:class:`Claims`), so whichever is faster (or less disturbed by other work on the
machine) takes more, and both end at about the same time. Nothing crosses back but the
answer and one byte per replication done (for a progress bar).

What the copy computes is what the process would have: a replication depends only on the
scenario, the seed and its index (:mod:`drillsim.scoring.runner`), and the caches a
process keeps across replications (the region's road times, the flood's timeline) hold
values that do not depend on who asked first. When the copy fails for any reason (a
plugin raising, killed, an answer that cannot be pickled) its answer is not used: the
caller does that share itself, so a failure is reported exactly as without the copy.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import sys
from collections.abc import Callable
from typing import Any

#: the first byte of the answer on the pipe; every byte before it is one step done
_ANSWER = b"A"
_STEP = b"."


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the platform tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def load_average() -> float:
    """The machine's load average over the last minute (0.0 where it is not known)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - a platform without it
        return 0.0


#: a copy is made only while the last minute's load average is below the CPUs less this:
#: with 2 CPUs, below 1.5 (the run itself counts 1 once it has run a minute)
BUSY_MARGIN = 0.5


def can_fork() -> bool:
    """Whether a forked copy can take a share: Linux (where ``fork`` is the platform's
    own way to start a process; on macOS system libraries may have started threads, and
    Python's own ``multiprocessing`` spawns there instead, see its docs on start
    methods), at least two CPUs, and a second one likely free: the last minute's load
    average below the CPUs less :data:`BUSY_MARGIN`. On a machine whose CPUs are all
    busy the copy only takes CPU from the process (the flood run, 2 CPUs at load
    average 4–5: 1.18–1.42 s of CPU with the copy against 1.18–1.31 s without, and no
    faster), so the process runs every replication itself."""
    cpus = usable_cpus()
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and cpus >= 2
            and load_average() < cpus - BUSY_MARGIN)


class Claims:
    """The indexes ``first … stop - 1`` handed out once each, in order, to whichever of a
    process and its forked copies asks next: a counter in a file both share (an
    anonymous one), read and advanced under a POSIX record lock, which a process and
    its forked copy hold against each other.

    Make it before the fork; use as a context manager (closes the file)."""

    def __init__(self, first: int, stop: int) -> None:
        self.stop = stop
        if hasattr(os, "memfd_create"):
            self._fd = os.memfd_create("drillsim-claims")
        else:  # pragma: no cover - a Python built without memfd_create (the copy is made on Linux only)
            import tempfile

            self._fd = os.dup(tempfile.TemporaryFile().fileno())  # noqa: SIM115
        os.pwrite(self._fd, first.to_bytes(8, "little"), 0)

    def take(self) -> int | None:
        """The next index not yet taken by anyone, or None when all are."""
        fcntl.lockf(self._fd, fcntl.LOCK_EX)
        try:
            k = int.from_bytes(os.pread(self._fd, 8, 0), "little")
            if k >= self.stop:
                return None
            os.pwrite(self._fd, (k + 1).to_bytes(8, "little"), 0)
            return k
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def __enter__(self) -> Claims:  # noqa: PYI034 - not subclassed
        return self

    def __exit__(self, *exc) -> None:
        os.close(self._fd)


class ForkedShare:
    """``work(step)`` run in a forked copy of this process; :meth:`answer` collects what it
    returned. ``step()``, called by ``work`` after each unit of work, lets the parent count
    progress (:meth:`steps_done`).

    Use as a context manager: leaving it before :meth:`answer` (an error or Ctrl-C in the
    parent) kills the copy and reaps it.

    :param work: ``work(step) -> picklable``, run in the copy only.
    """

    def __init__(self, work: Callable[[Callable[[], None]], Any]) -> None:
        self._work = work
        self._pid: int | None = None
        self._fd: int | None = None
        self._steps = 0
        self._buffer = bytearray()
        self._answered = False

    def __enter__(self) -> ForkedShare:  # noqa: PYI034 - not subclassed
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        pid = os.fork()
        if pid == 0:  # the copy: never returns
            os.close(read)
            self._child(write)
        os.close(write)
        os.set_blocking(read, False)
        self._pid, self._fd = pid, read
        return self

    def _child(self, fd: int) -> None:
        status = 1
        try:
            # what a plugin prints goes out through streams of its own: another thread of
            # the parent (a progress bar) may have held the parent's stream locks at the fork
            sys.stdout = open(1, "w", closefd=False, buffering=1, errors="backslashreplace")  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False, buffering=1, errors="backslashreplace")  # noqa: SIM115
            def step() -> None:
                os.write(fd, _STEP)

            payload = pickle.dumps(self._work(step), protocol=pickle.HIGHEST_PROTOCOL)
            data = memoryview(_ANSWER + payload)
            while data:
                data = data[os.write(fd, data):]
            status = 0
        except BaseException:  # noqa: BLE001, S110 - whatever it was, the parent does this share itself
            pass
        finally:
            # what a plugin printed without a newline at the end is still in the copy's
            # own streams: written out, as the process's streams are when it exits
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:  # noqa: BLE001, S110 - a closed reader: nothing to keep
                    pass
            os._exit(status)  # no atexit handlers, no buffers of the parent flushed

    def _take(self, chunk: bytes) -> None:
        if self._answered:
            self._buffer += chunk
            return
        mark = chunk.find(_ANSWER)
        if mark < 0:
            self._steps += len(chunk)
            return
        self._steps += mark
        self._answered = True
        self._buffer += chunk[mark + 1:]

    def steps_done(self) -> int:
        """Steps the copy has reported so far (reads what the pipe holds, never waits)."""
        if self._fd is not None:
            try:
                while chunk := os.read(self._fd, 65536):
                    self._take(chunk)
            except BlockingIOError:
                pass
        return self._steps

    def answer(self) -> Any:
        """Wait for the copy: what ``work`` returned, or None when the copy failed (the
        caller then does its share itself)."""
        assert self._fd is not None and self._pid is not None
        os.set_blocking(self._fd, True)
        while chunk := os.read(self._fd, 1 << 20):
            self._take(chunk)
        os.close(self._fd)
        self._fd = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if status != 0 or not self._answered:
            return None
        try:
            return pickle.loads(bytes(self._buffer))
        except Exception:  # noqa: BLE001 - a truncated answer: the share is done here  # pragma: no cover
            return None

    def stop(self) -> None:
        """Kill the copy (its work is not wanted) and reap it."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is not None:
            try:
                os.kill(self._pid, 9)
            except ProcessLookupError:  # pragma: no cover - already gone
                pass
            os.waitpid(self._pid, 0)
            self._pid = None

    def __exit__(self, *exc) -> None:
        self.stop()  # left early (an error or Ctrl-C here): the copy's work is not wanted
