"""Check that an engine change leaves every shipped scenario's event log byte for byte
the same: the guard for work on the engine's hot path.

Run:
    python bench/same_logs.py --save DIR      # on the reference checkout (e.g. main)
    python bench/same_logs.py --compare DIR   # on the changed checkout

Each scenario (``scenarios/*.yaml`` and the validation scenarios, plus the worked
example's scenario when its plugin is installed) is run with ``drillsim run SCENARIO -n 3
--events FILE --json FILE``, as a user would; with ``--trace-hooks`` once more for the
first scenario (the hooks then go through pluggy, which must not change the log either).
``--compare`` prints the first differing line of any log that differs and exits 1.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "drillsim-ambulance" / "scenarios" / "tongnan_120.yaml"
REPLICATIONS = 3


def scenarios() -> list[Path]:
    """The scenarios checked: shipped, validation and (if installed) the example's."""
    found = sorted((ROOT / "scenarios").glob("*.yaml"))
    found += [p for p in sorted((ROOT / "scenarios" / "validation").glob("*.yaml"))
              if p.name not in ("plan.yaml", "region.yaml")]
    try:
        import drillsim_ambulance  # noqa: F401
    except ImportError:
        print("note: the example plugin (examples/drillsim-ambulance) is not installed; "
              "its scenario is skipped")
    else:
        found.append(EXAMPLE)
    return found


def run_all(out: Path) -> list[str]:
    """Run every scenario into ``out``; the file names written."""
    out = out.resolve()  # the runs' working folder is the checkout's root
    out.mkdir(parents=True, exist_ok=True)
    names = []
    plan = [(path, ()) for path in scenarios()]
    plan.append((plan[0][0], ("--trace-hooks",)))
    for path, extra in plan:
        stem = path.stem + ("-traced" if extra else "")
        events, card = out / f"{stem}.jsonl", out / f"{stem}.json"
        # the scenario named from the checkout's root: the JSON's ``scenario_file`` is then
        # the same in any checkout (a worktree compared with main's reference)
        command = [str(Path(sys.executable).with_name("drillsim")), "run", str(path.relative_to(ROOT)),
                   "-n", str(REPLICATIONS),
                   "--events", str(events), "--json", str(card), "-q", *extra]
        env = {**os.environ, "DRILLSIM_TRACE_HOOKS": ""}
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
        names += [events.name, card.name]
        print(f"{stem}: {sum(1 for _ in events.open(encoding='utf-8')):,} events")
    return names


def first_difference(a: Path, b: Path) -> str:
    with a.open(encoding="utf-8") as fa, b.open(encoding="utf-8") as fb:
        for number, (la, lb) in enumerate(zip(fa, fb), 1):
            if la != lb:
                return f"line {number}:\n  reference: {la.rstrip()}\n  now:       {lb.rstrip()}"
    return "one file is a prefix of the other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="write the reference logs here")
    what.add_argument("--compare", type=Path, help="compare with the reference logs here")
    args = parser.parse_args()
    if args.save:
        run_all(args.save)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        names = run_all(Path(tmp))
        bad = []
        for name in names:
            reference, now = args.compare / name, Path(tmp) / name
            if not reference.exists():
                bad.append(f"{name}: no reference file")
            elif not filecmp.cmp(reference, now, shallow=False):
                bad.append(f"{name}: differs at {first_difference(reference, now)}")
    for line in bad:
        print("DIFFERENT", line)
    print(f"{len(names) - len(bad)} of {len(names)} files identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
