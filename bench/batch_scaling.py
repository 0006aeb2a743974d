"""Benchmark: replications per second of a batch on 1 local worker, on all CPUs, and on
a 2-worker local Dask cluster, on the same sweep, with the speed-up ratios.

Run:  python bench/batch_scaling.py [--replications N] [--sweep PATH] [--no-dask]
      python bench/batch_scaling.py --end-to-end [--replications N] [--repeat K]

``--end-to-end`` times whole ``drillsim batch`` commands instead, as a user waits for
them (plugins, the sweep checked, workers started, every replication run and stored),
in fresh processes taking turns, best and median, and checks that every database holds
the same rows whatever ran them.

Each run stores its results in a scratch SQLite database exactly as ``drillsim batch``
does. Start-up (as ``drillsim batch`` has it: the sweep checked while the pool's fork
server or the Dask cluster starts, then the workers started and loading the plugins)
is timed apart from the run; the rate is replications finished per second of run, which includes each
worker loading each variant once. "main CPU s" is what this process (receiving and
storing results) spent during the run: on 2 cores it competes with the workers; "other
CPU s" what the batch's other processes (workers, fork server, Dask) spent, from /proc;
"CPU ms/rep" both per replication — the work a batch costs, which other load on the
machine changes much less than it changes the wall-clock rates. "end to end" is the
rate over start-up and run together, as a user waits for it. Goals (issue 18): 2 workers
at least 1.7x as fast as 1 end to end; the Dask local cluster within 5 % of the local
pool with as many workers, and its start-up at most 0.5 s longer. Other processes on the machine slow every figure: the load average and how
much faster 2 processes of plain Python run than 1 ("free parallelism") are printed
before and after: read the speed-ups against it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine  # noqa: E402


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def free_parallelism(workers: int, n: int = 4_000_000) -> float:
    """How much faster ``workers`` processes burn the same pure-Python work than one
    does, now: ``workers`` on an idle machine with that many cores, less when other
    processes hold the CPUs. Read every speed-up below against it."""
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    for _ in range(workers):
        _burn(n)
    serial = time.perf_counter() - t0
    with ProcessPoolExecutor(workers) as pool:
        pool.submit(_burn, 1).result()  # processes started before timing
        t0 = time.perf_counter()
        list(pool.map(_burn, [n] * workers))
        parallel = time.perf_counter() - t0
    return serial / parallel


def _descendants_cpu() -> dict[int, float] | None:
    """CPU seconds (user + system) of every process descended from this one, by pid,
    from /proc (None where there is no /proc)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    parents, cpu = {}, {}
    try:
        stats = list(Path("/proc").glob("[0-9]*/stat"))
    except OSError:
        return None
    if not stats:
        return None
    for stat in stats:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                grew = True
    mine.discard(os.getpid())
    return {pid: cpu[pid] for pid in mine}


def measure(path: str, host, executor, replications: int, db: Path) -> tuple[float, float, int, float, float | None]:
    """(start-up seconds, run seconds, replications run, CPU seconds this process spent
    during the run, CPU seconds the other processes of the batch — workers, fork server,
    Dask — spent during it) of one batch, stored as ``drillsim batch`` stores it (a chunk
    per transaction). Start-up is as ``drillsim batch`` has it: the executor prepared
    (a fork server, or a Dask cluster, starting) while the sweep at ``path`` is checked
    (every variant loaded), then the workers started."""
    from drillsim.batch.runner import bundle_of, tasks_for
    from drillsim.batch.store import Store
    from drillsim.batch.sweep import load_sweep

    with executor:
        t0 = time.perf_counter()
        executor.prepare()
        sweep = load_sweep(path, host)
        store = Store.create(db, sweep, replications)
        bundle = bundle_of(sweep)
        tasks = tasks_for(sweep, bundle, replications, set())
        executor.fit(len(tasks))
        executor.start(bundle, tuple(sweep.plugins))
        t1 = time.perf_counter()
        before = _descendants_cpu()
        cpu = time.process_time()
        count = 0
        for batch in executor.batches(tasks):
            store.add_many(batch)
            count += len(batch)
        t2 = time.perf_counter()
        cpu = time.process_time() - cpu
        after = _descendants_cpu()
    store.close()
    others = None
    if before is not None and after is not None:
        others = sum(c - before.get(pid, 0.0) for pid, c in after.items())
    return t1 - t0, t2 - t1, count, cpu, others


def _tables(db: Path) -> tuple:
    """A batch database's results and replications, sorted (which worker ran a
    replication left out): what must be the same whatever ran it."""
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as conn:
        return (conn.execute("SELECT * FROM results ORDER BY variant, replication, target").fetchall(),
                conn.execute("SELECT * FROM replications ORDER BY variant, replication").fetchall())


def end_to_end(sweep: str, replications: int, rounds: int, dask: bool) -> int:
    """``drillsim batch SWEEP -n R -q`` as a user runs it, in fresh processes taking turns
    (1 worker, one per CPU, the 2-worker local Dask cluster), ``rounds`` times: wall
    time from the command's start to its exit (plugins, the sweep checked, workers
    started, every replication run and stored), best and median; and whether every
    database holds the same rows."""
    import resource
    import statistics
    import subprocess

    cpus = os.cpu_count() or 1
    drillsim = str(Path(sys.executable).with_name("drillsim"))
    configs = [("local pool", 1, ["-w", "1"]), ("local pool", cpus, ["-w", str(cpus)])]
    if dask:
        configs.append(("Dask local cluster", 2, ["--executor", "dask", "-w", "2"]))
    print(f"machine: {machine()}")
    print(f"end to end: drillsim batch {Path(sweep).name} -n {replications} -q, each configuration "
          f"once per round in turn, {rounds} round(s)")
    print(f"free parallelism now: {free_parallelism(cpus):.2f}x ({cpus}.00x on an idle machine)")
    walls: dict[int, list[float]] = {k: [] for k in range(len(configs))}
    cpu: dict[int, list[float]] = {k: [] for k in range(len(configs))}
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        first = None
        for attempt in range(rounds):
            order = list(range(len(configs)))
            if attempt % 2:
                order.reverse()
            for k in order:
                db = Path(tmp) / f"{attempt}-{k}.db"
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                subprocess.run([drillsim, "batch", sweep, "-n", str(replications), "-q", "--db", str(db),
                                *configs[k][2]], check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                walls[k].append(time.perf_counter() - t0)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[k].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                rows = _tables(db)
                first = rows if first is None else first
                same = same and rows == first
                db.unlink()
    total = None
    print(f"{'executor':<20} {'workers':>7} {'wall best':>9} {'median':>7} {'rep/s best':>10} "
          f"{'speed-up best':>13} {'median':>7}")
    base_best, base_median = min(walls[0]), statistics.median(walls[0])
    for k, (name, workers, _) in enumerate(configs):
        best, median = min(walls[k]), statistics.median(walls[k])
        total = total or _count(sweep, replications)
        print(f"{name:<20} {workers:>7} {best:>8.2f}s {median:>6.2f}s {total / best:>10.1f} "
              f"{base_best / best:>12.2f}x {base_median / median:>6.2f}x")
    print(f"speed-up of {cpus} local workers against 1, end to end: best {base_best / min(walls[1]):.2f}x, "
          f"median {base_median / statistics.median(walls[1]):.2f}x (goal on 2 cores: >= 1.7x)")
    if dask:
        over = min(walls[2]) / min(walls[1]) - 1
        over_median = statistics.median(walls[2]) / statistics.median(walls[1]) - 1
        print(f"Dask local cluster against the local pool, 2 workers, end to end: best {over:+.1%}, "
              f"median {over_median:+.1%} (goal <= +5 %)")
    print(f"every database the same rows: {'yes' if same else 'NO'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"free parallelism after: {free_parallelism(cpus):.2f}x")
    return 0 if same else 1


def _count(sweep: str, replications: int) -> int:
    from drillsim.batch.sweep import load_sweep
    from drillsim.host.pluginhost import load_plugins

    return len(load_sweep(sweep, load_plugins()).variants) * replications


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", default=str(ROOT / "scenarios" / "sweeps" / "flood_2020_teams_reserve.yaml"))
    parser.add_argument("--replications", type=int, default=10, help="per variant (default 10)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask cluster")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each configuration this many times, in turn, and keep the "
                             "best rate (other processes on the machine only slow runs down)")
    parser.add_argument("--end-to-end", action="store_true",
                        help="time `drillsim batch` commands in fresh processes, taking turns "
                             "(best and median of --repeat rounds) instead")
    args = parser.parse_args()
    if args.end_to_end:
        return end_to_end(args.sweep, args.replications, max(1, args.repeat), not args.no_dask)

    from drillsim.batch.executor import LocalPoolExecutor
    from drillsim.batch.sweep import load_sweep
    from drillsim.host.pluginhost import load_plugins

    cpus = os.cpu_count() or 1
    host = load_plugins()
    sweep = load_sweep(args.sweep, host)
    print(f"machine: {machine()}")
    print(f"sweep: {args.sweep} ({len(sweep.variants)} variants x {args.replications} "
          f"replications = {len(sweep.variants) * args.replications})")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"free parallelism now: {cpus} processes of plain Python run "
          f"{free_parallelism(cpus):.2f}x as fast as 1 ({cpus}.00x on an idle machine)")
    runs = [("local pool", 1, lambda: LocalPoolExecutor(1)),
            ("local pool", cpus, lambda: LocalPoolExecutor(cpus))]
    if not args.no_dask:
        from drillsim.batch.dask_executor import DaskExecutor

        runs.append(("Dask local cluster", 2, lambda: DaskExecutor(workers=2)))
    rates = {}
    print(f"{'executor':<20} {'workers':>7} {'start-up s':>10} {'run s':>7} {'rep/s':>7} "
          f"{'speed-up':>8} {'end to end':>10} {'main CPU s':>10} {'other CPU s':>11} {'CPU ms/rep':>10}")
    best: dict[tuple[str, int], tuple] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(args.repeat):
            for k, (name, workers, make) in enumerate(runs):
                db = Path(tmp) / f"{attempt}-{k}.db"
                start, run, count, cpu, others = measure(args.sweep, host, make(), args.replications, db)
                if (name, workers) not in best or count / run > best[(name, workers)][0]:
                    best[(name, workers)] = (count / run, start, run, cpu, others, count)
    whole, starts = {}, {}
    for name, workers, _ in runs:
        rate, start, run, cpu, others, count = best[(name, workers)]
        rates[(name, workers)] = rate
        whole[(name, workers)] = count / (start + run)
        starts[(name, workers)] = start
        base = rates[("local pool", 1)]
        per = "—" if others is None else f"{(cpu + others) / count * 1000:.1f}"
        print(f"{name:<20} {workers:>7} {start:>10.2f} {run:>7.2f} {rate:>7.1f} "
              f"{rate / base:>7.2f}x {whole[(name, workers)]:>6.1f}/s {cpu:>10.2f} "
              f"{'—' if others is None else f'{others:.2f}':>11} {per:>10}")
    if args.repeat > 1:
        print(f"(best of {args.repeat} runs of each)")
    if ("Dask local cluster", 2) in rates and ("local pool", 2) in rates:
        overhead = rates[("local pool", 2)] / rates[("Dask local cluster", 2)] - 1
        whole_over = whole[("local pool", 2)] / whole[("Dask local cluster", 2)] - 1
        later = starts[("Dask local cluster", 2)] - starts[("local pool", 2)]
        print(f"Dask against the local pool, 2 workers: run {overhead:+.1%}, end to end "
              f"{whole_over:+.1%} longer, start-up {later:+.2f} s (goals: <= +5 %, <= +0.5 s)")
    print(f"speed-up of {cpus} local workers against 1: run "
          f"{rates[('local pool', cpus)] / rates[('local pool', 1)]:.2f}x, end to end "
          f"{whole[('local pool', cpus)] / whole[('local pool', 1)]:.2f}x (goal on 2 cores: >= 1.7x end to end)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"free parallelism after: {free_parallelism(cpus):.2f}x")
    return 0


if __name__ == "__main__":  # the local pool's workers must not run this again
    sys.exit(main())
