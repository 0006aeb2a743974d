"""Run the whole bad-input corpus and count the outcomes (issue 19's figures).

Run:  python bench/bad_inputs.py [--timeout 20]

Every broken file in ``tests/bad_inputs/scenarios`` (scenarios and sweeps) goes through
``drillsim validate`` and then ``drillsim run -n 1 --json OUT`` (a scenario) or
``drillsim batch --workers 0 --db OUT`` (a sweep); every bad command line of
``tests/bad_inputs/commands.yaml`` is run as it is (a file named ``-`` left behind counts
as *data written*); every broken drill pack of
``tests/test_pack_checks.py`` goes through ``validate`` and a drill start. Each outcome is
one of: *refused* (exit status 2, a located message, no traceback, nothing written),
*accepted* (exit 0: the file is valid after all), *traceback*, *hang* (no answer within
``--timeout`` seconds), *wrong exit* (any other status) and *data written* (an output
file exists although the input was refused). Commands run in this process through
click's test runner, so the whole corpus takes seconds.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from drillsim.cli.main import main  # noqa: E402

CORPUS = ROOT / "tests" / "bad_inputs" / "scenarios"


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def outcome(args: list[str], timeout: int, output: Path | None = None) -> str:
    """Run one command; classify it."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        result = CliRunner().invoke(main, args)
    except Hang:
        return "hang"
    finally:
        signal.alarm(0)
    text = result.output + (str(result.exception) if result.exception and result.exit_code not in (0, 1, 2) else "")
    if "Traceback" in text or (result.exception is not None and not isinstance(result.exception, SystemExit)):
        return "traceback"
    if result.exit_code == 0:
        return "accepted"
    if result.exit_code != 2:
        return "wrong exit"
    if output is not None and output.exists():
        return "data written"
    return "refused"


def main_(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=20, help="seconds before a command counts as a hang")
    args = parser.parse_args(argv)
    counts: Counter[str] = Counter()
    odd: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = sorted(p for pattern in ("[0-9]*.yaml", "sweeps/[0-9]*.yaml") for p in CORPUS.glob(pattern))
        import os

        here = os.getcwd()
        os.chdir(CORPUS.parent)
        try:
            for path in files:
                name = str(path.relative_to(CORPUS.parent))
                runs = [(["validate", name], None)]
                if "sweeps" in name:
                    db = out / f"{path.stem}.db"
                    runs.append((["batch", name, "--workers", "0", "--db", str(db), "--quiet"], db))
                else:
                    js = out / f"{path.stem}.json"
                    runs.append((["run", name, "-n", "1", "--json", str(js), "--quiet"], js))
                for command, written in runs:
                    got = outcome(command, args.timeout, written)
                    counts[got] += 1
                    if got != "refused":
                        odd.append(f"{got}: drillsim {' '.join(command)}")
        finally:
            os.chdir(here)
        import yaml

        commands = yaml.safe_load((CORPUS.parent / "commands.yaml").read_text(encoding="utf-8"))
        os.chdir(CORPUS.parent)
        try:
            for case in commands:
                command = [str(a).replace("{long}", "9" * 5000) for a in case["args"]]
                got = outcome(command, args.timeout, Path("-"))
                counts[got] += 1
                if got != "refused":
                    odd.append(f"{got}: drillsim {' '.join(command)[:120]}")
        finally:
            os.chdir(here)
        from tests.test_pack_checks import CASES  # noqa: E402

        scenarios = out / "scenarios"
        shutil.copytree(ROOT / "scenarios", scenarios)
        pack = scenarios / "packs" / "flood.yaml"
        original = pack.read_text(encoding="utf-8")
        for case, ((old, new), _expected) in sorted(CASES.items()):
            pack.write_text(original.replace(old, new, 1), encoding="utf-8")
            log = out / "drill.jsonl"
            for command, written in ((["validate", str(pack)], None),
                                     (["drill", str(pack), "--seed", "1", "--log", str(log)], log)):
                got = outcome(command, args.timeout, written)
                counts[got] += 1
                if got != "refused":
                    odd.append(f"{got}: pack case {case!r}: drillsim {command[0]}")
        pack.write_text(original, encoding="utf-8")
    total = sum(counts.values())
    print(f"bad-input corpus: {len(files)} files, {len(commands)} command lines and {len(CASES)} "
          f"drill packs, {total} commands "
          f"in {time.perf_counter() - started:.1f} s")
    for label in ("refused", "accepted", "traceback", "hang", "wrong exit", "data written"):
        print(f"  {label:<13} {counts.get(label, 0)}")
    for line in odd:
        print("  ", line)


if __name__ == "__main__":
    main_()
