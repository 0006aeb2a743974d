"""How long the interface waits on a drill: the engine slice (one clock tick of the
flood pack, 0.1 s of wall time) at 60× and 600×, and the frame (the tick, the redraw of
the clock, feed and boards, the layout and the paint of what changed) at 600× with the
boards full (48 units; every incident heard, up to 130), over the whole drill with
automatic dispatch on for every force so the engine is busy.

    python bench/drill_slices.py            # both
    python bench/drill_slices.py --engine   # the engine slices only (seconds)
    python bench/drill_slices.py --instructions [--against CHECKOUT] [--repeat 3]
    python bench/drill_slices.py --engine --against CHECKOUT [--repeat 5]   # 600x, taking turns

``--instructions`` counts instead of timing: the machine instructions (valgrind's
cachegrind, no cache simulation, ``PYTHONHASHSEED=0``) of the whole 600× drill's engine
slices, as the count of a process that opens the drill and runs every slice less that of
one that only opens it (each in a fresh process, through ``PYTHONPATH``: this checkout's
code, and ``--against`` another's, taking turns): a figure other work on the machine does
not move (repeated counts of the same code agree within about 0.01 %; the same code in
two checkouts differed by 0.4 %, their paths' lengths alone), to compare changes to the
tick that the timings' noise hides.

``--engine --against CHECKOUT`` times the 600× engine slices of this checkout's code and
another's, each round in two fresh processes (through ``PYTHONPATH``, as the counts), the
order of the two alternating from round to round, and prints each one's mean and worst
tick, best and median over the rounds: the comparison in the same minutes that the
machine's load allows.

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
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cachegrind_instructions  # noqa: E402

from drillsim.drill.session import DrillSession  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
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


def drill(speed: int, pack: Path = PACK) -> DrillSession:
    """The flood pack (seed 1) running at ``speed`` with automatic dispatch for all."""
    s = DrillSession.open(pack, seed=1)
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


def child(mode: str, pack: Path) -> None:
    """What ``--instructions`` counts: open the drill of ``pack`` at 600× (``open``), and
    run every engine slice too (``slices``); then leave at once (no clean-up counted)."""
    s = drill(600, pack)
    if mode == "time":  # the mean and worst CPU seconds of a tick (time_against)
        times = Times()
        while not s.ended:
            c0 = time.thread_time()
            s.tick(TICK)
            times.add(time.thread_time() - c0, 0.0)
        print(sum(times.cpu) / len(times.cpu), max(times.cpu))
    if mode == "slices":
        while not s.ended:
            s.tick(TICK)
    sys.stdout.flush()
    os._exit(0)


def _linked(tree: Path, tmp: Path) -> Path:
    """A folder for ``PYTHONPATH`` holding ``tree``'s ``drillsim`` and its plugins as
    ``drillsim_plugins`` (links), made once in ``tmp``."""
    where = tmp / tree.name
    if not where.exists():
        where.mkdir()
        (where / "drillsim").symlink_to(tree / "drillsim")
        (where / "drillsim_plugins").symlink_to(tree / "plugins")
    return where


def slice_instructions(tree: Path, tmp: Path) -> int:
    """Instructions of the 600× drill's slices with the code (and pack) of ``tree``: a
    process that opens the drill and runs the slices less one that only opens it.

    :raises RuntimeError: a child failed or valgrind printed no count."""
    where = _linked(tree, tmp)
    # numpy's OpenBLAS without worker threads (as drillsim's commands start it): their
    # start-up under valgrind moved the counts by about 1 %
    env = {**os.environ, "PYTHONPATH": str(where), "OPENBLAS_NUM_THREADS": "1"}
    pack = tree / "scenarios" / "packs" / "flood.yaml"
    counts = {mode: cachegrind_instructions([sys.executable, __file__, "--child", mode, str(pack)], cwd=tree, env=env)
              for mode in ("open", "slices")}
    return counts["slices"] - counts["open"]


def count_instructions(against: Path | None, repeat: int) -> int:
    """Print the slices' instruction counts for this checkout (and ``against``), each
    ``repeat`` times, taking turns."""
    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind (apt-get install valgrind)")
        return 2
    trees = [ROOT] + ([against.resolve()] if against is not None else [])
    names = [t.name if i == 0 or t.name != ROOT.name else f"{t.name} (against)" for i, t in enumerate(trees)]
    got: dict[Path, list[int]] = {t: [] for t in trees}
    (ROOT / ".tmp").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / ".tmp") as tmp:
        for _ in range(repeat):
            for tree in trees:
                got[tree].append(slice_instructions(tree, Path(tmp)))
    for tree, name in zip(trees, names):
        n = got[tree]
        print(f"600x drill slices [{name}]: {min(n) / 1e6:,.1f} M instructions best, "
              f"{statistics.median(n) / 1e6:,.1f} M median ({', '.join(f'{x / 1e6:,.1f}' for x in n)})")
    if against is not None:
        print(f"  this checkout / {names[1]}: {min(got[ROOT]) / min(got[trees[1]]):.3f} (best), "
              f"{statistics.median(got[ROOT]) / statistics.median(got[trees[1]]):.3f} (median)")
    return 0


def time_against(against: Path, repeat: int) -> int:
    """Print the 600× engine slices' CPU mean and worst tick of this checkout and of
    ``against``, ``repeat`` rounds taking turns (each in a fresh process), best and median."""
    trees = [ROOT, against.resolve()]
    names = [ROOT.name, against.name if against.name != ROOT.name else f"{against.name} (against)"]
    got: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
    (ROOT / ".tmp").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / ".tmp") as tmp:
        for r in range(repeat):
            for tree in (trees if r % 2 == 0 else trees[::-1]):
                env = {**os.environ, "PYTHONPATH": str(_linked(tree, Path(tmp))), "OPENBLAS_NUM_THREADS": "1"}
                pack = tree / "scenarios" / "packs" / "flood.yaml"
                done = subprocess.run([sys.executable, __file__, "--child", "time", str(pack)], cwd=tree,
                                      env=env, capture_output=True, text=True)
                if done.returncode != 0:
                    raise RuntimeError(f"the timing of {tree} failed:\n{done.stderr}")
                mean, worst = map(float, done.stdout.split())
                got[tree].append((mean, worst))
    for tree, name in zip(trees, names):
        means, worsts = [m for m, _ in got[tree]], [w for _, w in got[tree]]
        print(f"600x engine slice [{name}]: CPU mean {min(means) * 1e3:.3f} ms best, "
              f"{statistics.median(means) * 1e3:.3f} ms median; worst tick {min(worsts) * 1e3:.2f} ms best, "
              f"{statistics.median(worsts) * 1e3:.2f} ms median ({repeat} rounds)")
    print(f"  this checkout / {names[1]}, CPU mean: "
          f"{min(m for m, _ in got[ROOT]) / min(m for m, _ in got[trees[1]]):.3f} (best), "
          f"{statistics.median(m for m, _ in got[ROOT]) / statistics.median(m for m, _ in got[trees[1]]):.3f} (median)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", action="store_true", help="the engine slices only")
    ap.add_argument("--instructions", action="store_true",
                    help="count the 600x drill's slices' machine instructions (valgrind) instead of timing")
    ap.add_argument("--against", type=Path, metavar="CHECKOUT",
                    help="also count (--instructions) or time (--engine: the 600x slices) another "
                         "checkout's code, taking turns")
    ap.add_argument("--repeat", type=int, default=None,
                    help="counts of each with --instructions (default 1); rounds with --engine "
                         "--against (default 5)")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PACK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
    if args.instructions:
        return count_instructions(args.against, args.repeat or 1)
    if args.against is not None:
        if not args.engine:
            ap.error("--against times the engine slices only: give --engine (or --instructions)")
        return time_against(args.against, args.repeat or 5)
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
          f"flood pack, seed 1, auto on all")
    for speed in (60, 600):
        print(f"engine slice {speed:>4}x: {engine_slices(speed).line()}")
    if not args.engine:
        times, units, incidents = asyncio.run(frames(600))
        print(f"frame         600x: {times.line()} ({units} unit rows, {incidents} incident rows at the end; "
              f"{SIZE[0]}x{SIZE[1]} terminal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
