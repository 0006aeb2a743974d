"""How long the interface waits on a drill: the engine slice (one clock tick of the
flood pack, 0.1 s of wall time) at 60× and 600×, and the frame (the tick, the redraw of
the clock, feed and boards, the layout and the paint of what changed) at 600× with the
boards full (48 units; every incident heard, up to 130), over the whole drill with
automatic dispatch on for every force so the engine is busy.

    python bench/drill_slices.py            # both
    python bench/drill_slices.py --engine   # the engine slices only (seconds)

Each figure is CPU time of the thread that runs the drill (what the drill costs, whoever
else uses the machine) and wall time (what a user sees on this machine now); mean and
worst over every tick. Goals (issue 18): tick mean <= 0.05 ms, worst <= 2 ms; a frame
at 60 Hz is 16.7 ms. The frame figures leave out writing the escape codes to the
terminal (the headless driver writes nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from drillsim.drill.session import DrillSession

PACK = Path(__file__).resolve().parent.parent / "scenarios" / "packs" / "flood.yaml"
TICK = 0.1  # wall seconds per UI tick (drillsim.tui.app.TICK)
SIZE = (160, 50)  # the terminal the frames are drawn for (columns, rows)


@dataclass
class Times:
    """Per-tick CPU and wall seconds."""

    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    def add(self, cpu: float, wall: float) -> None:
        self.cpu.append(cpu)
        self.wall.append(wall)

    def line(self) -> str:
        n = len(self.cpu)
        return (f"{n} ticks; CPU mean {sum(self.cpu) / n * 1e3:.3f} ms, worst {max(self.cpu) * 1e3:.2f} ms; "
                f"wall mean {sum(self.wall) / n * 1e3:.3f} ms, worst {max(self.wall) * 1e3:.2f} ms")


def drill(speed: int) -> DrillSession:
    """The flood pack (seed 1) running at ``speed`` with automatic dispatch for all."""
    s = DrillSession.open(PACK, seed=1)
    s.command("auto on all")
    s.set_speed(speed)
    s.paused = False
    gc.freeze()  # as drillsim drill play and serve do once the drill is loaded
    return s


def engine_slices(speed: int) -> Times:
    s = drill(speed)
    out = Times()
    while not s.ended:
        c0, w0 = time.thread_time(), time.perf_counter()
        s.tick(TICK)
        out.add(time.thread_time() - c0, time.perf_counter() - w0)
    return out


async def frames(speed: int) -> tuple[Times, int, int]:
    """Frames of the player screen; returns the times, and the unit and incident rows on
    the boards at the end."""
    from drillsim.tui.app import DrillApp
    from drillsim.tui.widgets.incident_board import IncidentBoard
    from drillsim.tui.widgets.unit_board import UnitBoard

    class BenchApp(DrillApp):
        CSS_PATH = Path(sys.modules[DrillApp.__module__].__file__).with_name("drill.tcss")

        def show_review(self) -> None:  # the review (a baseline run) is not a frame
            self.review = "skipped"

    s = drill(speed)
    app = BenchApp(s, autoplay=False)
    out = Times()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        while not s.ended:
            c0, w0 = time.thread_time(), time.perf_counter()
            app.guarded(s.tick, TICK)          # what the app's clock timer does
            await pilot.pause()                # the widgets' own messages
            app.screen._on_timer_update()      # layout and paint now (else at the next 60 Hz beat)
            out.add(time.thread_time() - c0, time.perf_counter() - w0)
        units = app.screen.query_one(UnitBoard).row_count
        incidents = app.screen.query_one(IncidentBoard).row_count
    return out, units, incidents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", action="store_true", help="the engine slices only")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
          f"flood pack, seed 1, auto on all")
    for speed in (60, 600):
        print(f"engine slice {speed:>4}x: {engine_slices(speed).line()}")
    if not args.engine:
        times, units, incidents = asyncio.run(frames(600))
        print(f"frame         600x: {times.line()} ({units} unit rows, {incidents} incident rows at the end; "
              f"{SIZE[0]}x{SIZE[1]} terminal)")


if __name__ == "__main__":
    main()
