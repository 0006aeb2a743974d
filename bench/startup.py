"""Benchmark: how long a user waits on the command line, each command in a fresh process.

Run:  python bench/startup.py [--repeat 5] [--against OTHER_CHECKOUT]

Times, in rounds, a bare interpreter (the floor), ``drillsim --help``, ``drillsim run
--help`` and ``drillsim run scenarios/fujiang_flood_2020.yaml`` (20 replications; with
``-q`` and with the scorecard printed, to a pipe): each round runs every command once,
in turn, so other work on the machine falls on all of them alike. For each command it
prints the best and median wall time and CPU time (user + system, of the process and
any it started) over the rounds. Goals (issue 18): help ≤ 0.15 s, the flood run ≤ 0.8 s
wall. drillsim's sources are compiled to bytecode first (as an installed package has them;
see :func:`compile_bytecode`). ``--against`` times the same drillsim commands with the
code of another checkout too (say, main before a change: ``git worktree add ../before
main``), in the same rounds, so the comparison holds on a busy machine.

``--instructions`` counts instead of timing: the machine instructions of one ``drillsim
run scenarios/fujiang_flood_2020.yaml -q`` and of one with the scorecard printed to a
pipe (valgrind's cachegrind, no cache simulation, ``PYTHONHASHSEED=0``), for this checkout and the ``--against`` one, each through the same
``PYTHONPATH`` arrangement: a figure other work on the machine does not move (runs of the
same code differ by about 0.5 %), to compare changes too small for the timings' noise.
Where the run shares its replications with a forked copy of itself, both are printed:
the command's own process (the one the user waits for) and the copy, whose count
includes the start-up before the fork (valgrind copies the count).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cachegrind_counts, machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DRILLSIM = str(Path(sys.executable).with_name("drillsim"))
FLOOD = str(ROOT / "scenarios" / "fujiang_flood_2020.yaml")
COMMANDS = [
    ("python -c pass (floor)", [sys.executable, "-c", "pass"], None),
    ("drillsim --help", [DRILLSIM, "--help"], 0.15),
    ("drillsim run --help", [DRILLSIM, "run", "--help"], 0.15),
    ("drillsim run flood -q", [DRILLSIM, "run", FLOOD, "-q"], 0.8),
    ("drillsim run flood", [DRILLSIM, "run", FLOOD], 0.8),
]


def once(argv: list[str], cwd: Path = ROOT, env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``argv``, its output read from a pipe
    and thrown away."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, cwd=cwd, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def other_checkout(tree: Path, tmp: Path) -> dict:
    """The environment that runs the ``drillsim`` script here with the code of another
    checkout ``tree`` (its ``drillsim`` and ``plugins`` folders first on the path; the
    installed entry points name the same modules), for timing a change against the
    code before it in the same run."""
    (tmp / "drillsim").symlink_to(tree / "drillsim")
    (tmp / "drillsim_plugins").symlink_to(tree / "plugins")
    return {**os.environ, "PYTHONPATH": str(tmp)}


def checkouts(against, tmp: Path, this: str = "this checkout",
              name=lambda tree: tree.name) -> list[tuple[str, dict | None]]:
    """(name, environment) of this checkout (``None``: the running environment) and of
    each other checkout in ``against`` (:func:`other_checkout` under ``tmp``, its sources
    compiled to bytecode first), for timing them in the same rounds."""
    codes: list[tuple[str, dict | None]] = [(this, None)]
    for n, other in enumerate(against or []):
        tree = Path(other).resolve()
        compile_bytecode(tree)
        (Path(tmp) / f"code{n}").mkdir()
        codes.append((name(tree), other_checkout(tree, Path(tmp) / f"code{n}")))
    return codes


def compile_bytecode(root: Path = ROOT) -> str:
    """Compile drillsim's and its plugins' sources to bytecode (``__pycache__``), as
    ``pip install`` does for an installed package and a first run does for an editable
    one. Where ``PYTHONDONTWRITEBYTECODE`` is set (or ``-B``), Python writes no bytecode,
    so without this every timed command would compile all of drillsim's modules again
    (about 0.5 s of CPU) — a cost no installed drillsim has."""
    import compileall

    dirs = [root / "drillsim", root / "plugins", root / "examples" / "drillsim-ambulance"]
    ok = all(compileall.compile_dir(str(d), quiet=1) for d in dirs if d.is_dir())
    note = " (PYTHONDONTWRITEBYTECODE is set here: Python would not write it itself)" \
        if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return ("compiled, as an installed drillsim has it" if ok else "NOT all compiled") + note


def instructions(tree: Path, tmp: Path, quiet: bool = True) -> list[int]:
    """Machine instructions of one ``drillsim run FLOOD -q`` (``quiet=False``: with the
    scorecard printed, to a pipe) with the code of ``tree`` (valgrind --tool=cachegrind
    --cache-sim=no; hash seed fixed): the command's process first, then the copy it
    forks for half of the replications, if any (valgrind counts a forked copy from the
    start of the command: what they did before the fork is in both counts).

    :raises RuntimeError: the run failed or valgrind printed no count."""
    where = tmp / f"{tree.name}{'-q' if quiet else ''}"
    where.mkdir()
    argv = [DRILLSIM, "run", str(tree / "scenarios" / "fujiang_flood_2020.yaml")] + (["-q"] if quiet else [])
    try:
        return cachegrind_counts(argv, cwd=tree, env=other_checkout(tree, where))
    except RuntimeError as exc:
        raise RuntimeError(f"in {tree}: {exc}") from None


def count_instructions(against: Path | None) -> int:
    """Print the flood run's instruction counts, with ``-q`` and with the scorecard (this
    checkout, and ``against``): the command's own process (what the user waits for: it
    ends last) and, where the replications are shared with a forked copy, the copy's."""
    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind (apt-get install valgrind)")
        return 2
    trees = [ROOT] + ([against.resolve()] if against is not None else [])
    for tree in trees:
        compile_bytecode(tree)
    with tempfile.TemporaryDirectory() as tmp:
        for quiet, name in ((True, "drillsim run flood -q"), (False, "drillsim run flood (scorecard)")):
            counts = {}
            for tree in trees:
                own, *copies = instructions(tree, Path(tmp), quiet)
                counts[tree] = own
                shared = "".join(f"; its forked copy {c:,} (counted from the start)" for c in copies)
                print(f"{name} [{tree.name}]: {own:,} instructions{shared}")
            if against is not None:
                print(f"  this checkout / {trees[1].name}: {counts[ROOT] / counts[trees[1]]:.3f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="also time the drillsim commands with the code of this other "
                             "checkout (its own scenario files), in the same rounds")
    parser.add_argument("--instructions", action="store_true",
                        help="count the flood run's machine instructions (valgrind) instead "
                             "of timing the commands")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"bytecode: {compile_bytecode()}")
    if args.instructions:
        return count_instructions(args.against)
    runs = [(name, argv, goal, ROOT, None) for name, argv, goal in COMMANDS]
    with tempfile.TemporaryDirectory() as tmp:
        if args.against is not None:
            tree = args.against.resolve()
            compile_bytecode(tree)
            env = other_checkout(tree, Path(tmp))
            runs += [(f"{name} [{tree.name}]", argv[:1] + [a.replace(str(ROOT), str(tree)) for a in argv[1:]],
                      goal, tree, env)
                     for name, argv, goal in COMMANDS if name.startswith("drillsim")]
        walls: dict[str, list[float]] = {run[0]: [] for run in runs}
        cpus: dict[str, list[float]] = {run[0]: [] for run in runs}
        for _, argv, _, cwd, env in runs:   # warm the file cache once, untimed
            once(argv, cwd, env)
        for k in range(args.repeat):
            for name, argv, _, cwd, env in (runs if k % 2 == 0 else runs[::-1]):
                wall, cpu = once(argv, cwd, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    print(f"{'command':<40} {'wall best':>9} {'median':>7} {'CPU best':>9} {'median':>7}  goal (wall)")
    for name, _, goal, _, _ in runs:
        w, c = walls[name], cpus[name]
        verdict = "" if goal is None else f"≤ {goal:.2f} s: {'met' if min(w) <= goal else 'NOT met'} (best)"
        print(f"{name:<40} {min(w):>8.3f}s {statistics.median(w):>6.3f}s {min(c):>8.3f}s "
              f"{statistics.median(c):>6.3f}s  {verdict}")
    print(f"({args.repeat} rounds, each command once per round, in turn (every other round in "
          f"reverse); load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
