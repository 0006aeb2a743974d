"""How long the UI waits on the engine: the longest and mean time of one clock tick
(0.1 s of wall time) of a flood drill at 60x and 600x, over the whole pack scenario,
with the boats dispatched automatically so the engine is busy.

    python bench/drill_slices.py
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

from drillsim.drill.session import DrillSession

PACK = Path(__file__).resolve().parent.parent / "scenarios" / "packs" / "flood.yaml"
TICK = 0.1  # wall seconds per UI tick (drillsim.tui.app.TICK)


def measure(speed: int) -> tuple[float, float, int]:
    s = DrillSession.open(PACK, seed=1)
    s.command("auto on all")
    s.set_speed(speed)
    s.paused = False
    worst, total, n = 0.0, 0.0, 0
    while not s.ended:
        t0 = time.perf_counter()
        s.tick(TICK)
        dt = time.perf_counter() - t0
        worst, total, n = max(worst, dt), total + dt, n + 1
    return worst, total / n, n


if __name__ == "__main__":
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    for speed in (60, 600):
        worst, mean, n = measure(speed)
        print(f"{speed:>4}x: {n} ticks, mean {mean * 1e3:.3f} ms, worst {worst * 1e3:.2f} ms per tick "
              f"(a frame at 60 Hz is 16.7 ms)")
