"""Benchmark: the batch database's check at open (``drillsim.batch.store._damage``), what
``drillsim batch --resume`` and ``drillsim results`` pay before anything else, at a
million stored results.

Run:  python bench/store_open.py [--results 1000000] [--repeat 5] [--dir FOLDER]

Runs the bad-input corpus's valid sweep (4 variants, 2 replications) into a database,
then fills it with ``--results`` results (4 variants × replications × 20 targets, every
result of a stored replication, each value a number), and times, in alternating rounds,
``Store.open(read_only=True)`` (the whole check, as it is and with the two checks over
every result written as before) and those two checks alone, the way they were written before (``typeof`` of each value; a replication look-up per
result) against how they are now. Prints best and median wall seconds of each.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from bench.common import machine  # noqa: E402
from drillsim.batch import store  # noqa: E402
from drillsim.cli.main import main  # noqa: E402

OLD = {
    "values that are no number": (
        "SELECT COUNT(*) FROM results WHERE typeof(value) NOT IN ('real', 'integer', 'null') "
        "OR typeof(met) NOT IN ('integer', 'null')"),
    "results of no replication": (
        "SELECT COUNT(*) FROM results r WHERE NOT EXISTS (SELECT 1 FROM replications p WHERE "
        "p.variant = r.variant AND p.replication = r.replication)"),
}
NEW = {"values that are no number": store._NOT_A_NUMBER,
       "results of no replication": store._OF_NO_REPLICATION}


def build(folder: Path, results: int) -> Path:
    corpus = ROOT / "tests" / "bad_inputs"
    db = folder / "big.db"
    here = Path.cwd()
    import os
    os.chdir(corpus)
    try:
        out = CliRunner().invoke(main, ["batch", "scenarios/sweeps/valid.yaml", "--workers", "0",
                                        "--db", str(db), "--quiet"])
    finally:
        os.chdir(here)
    assert out.exit_code == 0, out.output
    conn = sqlite3.connect(db)
    variants = [r[0] for r in conn.execute("SELECT variant FROM variants")]
    targets = [f"T{i:02d}" for i in range(20)]
    reps = results // (len(variants) * len(targets))
    conn.execute("DELETE FROM results")
    conn.execute("DELETE FROM replications")
    conn.executemany("INSERT INTO replications VALUES (?, ?, 100)",
                     ((v, r) for v in variants for r in range(reps)))
    conn.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?)",
                     ((v, r, t, float(r % 97), r % 2) for v in variants for r in range(reps) for t in targets))
    conn.commit()
    conn.close()
    return db


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to build the database")
    args = parser.parse_args()
    print(machine())
    folder = Path(tempfile.mkdtemp(dir=args.dir)).resolve()
    try:
        db = build(folder, args.results)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        n = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        print(f"{n:,} results")
        times: dict[str, list[float]] = {}

        def clock(name: str, fn) -> None:
            t0 = time.perf_counter()
            fn()
            times.setdefault(name, []).append(time.perf_counter() - t0)

        for k in range(args.repeat):
            pairs = [("before: " + w, OLD[w]) for w in OLD] + [("now: " + w, NEW[w]) for w in NEW]
            for name, sql in (pairs if k % 2 == 0 else pairs[::-1]):
                clock(name, lambda sql=sql: conn.execute(sql).fetchone())
            clock("Store.open (the whole check, now)", lambda: store.Store.open(db, read_only=True).close())
            store._NOT_A_NUMBER, store._OF_NO_REPLICATION = (OLD["values that are no number"],
                                                              OLD["results of no replication"])
            try:
                clock("Store.open (the whole check, before)", lambda: store.Store.open(db, read_only=True).close())
            finally:
                store._NOT_A_NUMBER, store._OF_NO_REPLICATION = (NEW["values that are no number"],
                                                                  NEW["results of no replication"])
        for name, walls in times.items():
            print(f"{name:45s} best {min(walls):.3f} s, median {statistics.median(walls):.3f} s")
        conn.close()
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main_()
