"""Helpers shared by the benchmark scripts: the machine they ran on, and timing."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import statistics
import time
from pathlib import Path
from typing import Callable


def machine() -> str:
    """CPU model, CPU count, Python version and OS, for the first line of a report."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f"; load average {os.getloadavg()[0]:.2f} (other work on the machine adds noise)"
    return (f"{cpu}; {os.cpu_count()} CPUs; Python {platform.python_version()} "
            f"({platform.python_implementation()}) on {platform.system()}{load}")


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    """Run ``fn`` ``repeat`` times; wall seconds of each run and the last result."""
    walls, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
    return walls, result


def summary(walls: list[float]) -> str:
    """``best x s, median y s`` of a list of wall times."""
    return f"best {min(walls):.2f} s, median {statistics.median(walls):.2f} s"


def cachegrind_counts(argv: list[str], cwd=None, env: dict | None = None) -> list[int]:
    """Machine instructions one command executes (valgrind --tool=cachegrind
    --cache-sim=no), one count per process: the command's own first, then each copy it
    forked (valgrind follows a ``fork``, and each process prints its own count, which
    includes what the process it was forked from did before the fork). A count the
    machine's load does not move. The hash seed is fixed (``PYTHONHASHSEED=0``) and numpy
    kept to one BLAS thread so that repeated counts agree (within about 0.5 %).

    :raises RuntimeError: the command failed, or valgrind printed no count."""
    # one BLAS thread: numpy's OpenBLAS pool otherwise makes counts of the same code
    # differ by about 1 % (bench/drill_slices.py found it)
    env = {**(os.environ if env is None else env), "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    # cachegrind's per-line profile goes to a scratch file of this checkout (never to a
    # device such as /dev/null), removed after; %p: each process of the command its own
    scratch = Path(__file__).resolve().parent.parent / ".tmp"
    scratch.mkdir(exist_ok=True)
    stem = f"cachegrind-{os.getpid()}-{time.monotonic_ns()}"
    full = ["valgrind", "--tool=cachegrind", "--cache-sim=no",
            f"--cachegrind-out-file={scratch / stem}.%p", *argv]
    try:
        out = subprocess.run(full, capture_output=True, text=True, cwd=cwd, env=env)
    finally:
        for left in scratch.glob(f"{stem}.*"):
            left.unlink(missing_ok=True)
    first = re.search(r"==(\d+)==", out.stderr)
    counts = {pid: int(n.replace(",", ""))
              for pid, n in re.findall(r"==(\d+)==\s+I\s+refs:\s+([\d,]+)", out.stderr)}
    if out.returncode != 0 or first is None or first.group(1) not in counts:
        raise RuntimeError(f"{' '.join(full)} failed:\n{out.stderr[-2000:]}")
    own = counts.pop(first.group(1))
    return [own, *counts.values()]


def cachegrind_instructions(argv: list[str], cwd=None, env: dict | None = None) -> int:
    """Machine instructions of the command's own process (see :func:`cachegrind_counts`;
    a copy it forks is counted there).

    :raises RuntimeError: the command failed, or valgrind printed no count."""
    return cachegrind_counts(argv, cwd, env)[0]
