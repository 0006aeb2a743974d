"""Benchmark: replications per second of a batch on 1 local worker, on all CPUs, and on
a 2-worker local Dask cluster, on the same sweep, with the speed-up ratios.

Run:  python bench/batch_scaling.py [--replications N] [--sweep PATH] [--no-dask] [--repeat K]
                                     [--against OTHER_CHECKOUT]
      python bench/batch_scaling.py --end-to-end [--replications N] [--repeat K]
                                     [--against OTHER_CHECKOUT]
      python bench/batch_scaling.py --instructions [--sweep PATH] [--against OTHER_CHECKOUT]
      python bench/batch_scaling.py --helper [--replications N] [--repeat K] [--against OTHER_CHECKOUT]

``--instructions`` counts machine instructions instead (valgrind; a figure the
machine's load does not move), each step in a fresh process: the command's start-up
before a worker can run a replication, stage by stage as ``drillsim batch`` goes
(imports and the plugins; the sweep checked, every variant loaded; the database
created; the tasks), and a fresh worker's first tasks, one replication of each
variant, loading every variant itself (workers inherit them from the fork server
now); then the chain a batch's workers wait for beside the command: the fork server's
preload for a local pool and for a local Dask cluster (which adds Dask), and the Dask
helper's work to start a 2-worker cluster and close it (its own process; the workers
forked from it are not counted) — Dask's start-up over the pool's is about the sum of
the last two differences; ``--against CHECKOUT`` counts another checkout's code too.

``--helper`` measures what the process holding a local Dask cluster's scheduler, nannies
and client (the command line's helper process) spends per Dask task while a batch runs:
each round, in fresh processes taking turns, a 2-worker cluster runs the sweep's
replications in chunks of 2 and of 16 (``DaskExecutor(chunk=…)``, in the measuring
process as the helper has it, its workers forked from it), and the difference of that
process's CPU seconds over the difference in tasks is its CPU per task (the cost of the
messages a task takes: sent, run, done, its result fetched); its CPU per second of run
with chunks of 16 is printed too. CPU time, not wall: the figure other load on the
machine stretches least; ``--against CHECKOUT`` measures another checkout's code in the
same rounds.

``--end-to-end`` times whole ``drillsim batch`` commands instead, as a user waits for
them (plugins, the sweep checked, workers started, every replication run and stored),
in fresh processes taking turns, best and median, with the CPU time of all the batch's
processes (this script adopts the fork server, its workers and a Dask helper when the
command ends, to count theirs: Linux), and checks that every database holds the same
rows whatever ran them — also across the checkouts of ``--against``.

Otherwise each run is a fresh process (so no fork server, cluster or import is left warm
by the one before) that stores its results in a scratch SQLite database exactly as
``drillsim batch`` does. Start-up is what ``drillsim batch`` has: from before the
executor's module is imported (the engine, and Dask for the Dask executor in this
process), the executor prepared (the pool's fork server, or the Dask cluster, starting),
the plugins loaded and the sweep checked meanwhile, to every worker started and loading
the plugins; it is timed apart from the run, with the CPU seconds this process and the
batch's others spent on it ("CPU main+other"); configurations take turns (every other
round reversed), and start-up is given best and median over the rounds. ``--against
CHECKOUT`` (repeatable) runs every configuration with another checkout's code too (main
before a change), in the same rounds. The rate is replications finished per second of
run, which includes each worker loading each variant once. "main CPU s" is what this
process (receiving and storing results) spent during the run: on 2 cores it competes
with the workers; "other CPU s" what the batch's other processes (workers, fork server,
Dask) spent, from /proc; "CPU ms/rep" both per replication — the work a batch costs,
which other load on the machine changes much less than it changes the wall-clock rates.
"end to end" is the rate over start-up and run together, as a user waits for it. Where
two processes of plain Python get nowhere near twice one's speed (other work on the
machine), the speed-up is also projected from CPU seconds (:func:`projected`: start-up
the longer of this process's and the others' CPU, then the busiest process's run CPU),
which that load stretches much less than the wall clock. Goals
(issue 18): 2 workers at least 1.7x as fast as 1 end to end; the Dask local cluster
within 5 % of the local pool with as many workers, and its start-up at most 0.5 s
longer. Other processes on the machine slow every figure: the load average and how much
faster 2 processes of plain Python run than 1 ("free parallelism") are printed before
and after: read the speed-ups against it.
"""

from __future__ import annotations

import argparse
import itertools
import math
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


def measure(kind: str, workers: int, path: str, replications: int, db: Path) -> dict:
    """One batch in this (fresh) process, as ``drillsim batch`` runs it: ``start`` seconds
    of start-up (from before the executor's module is imported, through the executor
    prepared — the pool's fork server or the Dask cluster starting — while the plugins
    load and the sweep at ``path`` is checked, every variant loaded, to every worker
    started), ``start_cpu`` and ``start_others`` CPU seconds this process and the others
    spent on it, ``run`` seconds of run, ``count`` replications run, ``cpu`` seconds this
    process spent during the run, ``others`` CPU seconds the batch's other processes —
    workers, fork server, Dask — spent during it (None without /proc). Stored as
    ``drillsim batch`` stores it (a chunk per transaction)."""
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    import inspect

    from drillsim.batch.executor_choice import make_executor

    # the sweep goes to the fork server as `drillsim batch` gives it (code that takes it)
    ahead = (path,) if "sweep" in inspect.signature(make_executor).parameters else ()
    executor = make_executor(kind, workers, None, *ahead)
    with executor:
        executor.prepare()
        from drillsim.batch.runner import bundle_of, tasks_for
        from drillsim.batch.store import Store
        from drillsim.batch.sweep import load_sweep
        from drillsim.host.pluginhost import load_plugins

        sweep = load_sweep(path, load_plugins())
        bundle = bundle_of(sweep)
        # the workers start while the database is created, as `drillsim batch` has it
        # (code that can)
        if hasattr(executor, "start_soon"):
            executor.start_soon(bundle, tuple(sweep.plugins), replications * len(sweep.variants))
        store = Store.create(db, sweep, replications)
        tasks = tasks_for(sweep, bundle, replications, set())
        executor.fit(len(tasks))
        getattr(executor, "ensure_started", executor.start)(bundle, tuple(sweep.plugins))
        # every worker able to run a task (a local Dask cluster's start returns as they
        # start, since dask4: its start-up is timed to the same point as the pool's)
        getattr(executor, "wait_ready", lambda: None)()
        t1 = time.perf_counter()
        before = _descendants_cpu()
        cpu = time.process_time()
        start_cpu = cpu - cpu0
        count = 0
        for batch in executor.batches(tasks):
            store.add_many(batch)
            count += len(batch)
        t2 = time.perf_counter()
        cpu = time.process_time() - cpu
        after = _descendants_cpu()
    store.close()
    others = busiest = None
    if before is not None and after is not None:
        each = [c - before.get(pid, 0.0) for pid, c in after.items()]
        others = sum(each)
        busiest = max(each, default=0.0)
    return {"start": t1 - t0, "run": t2 - t1, "count": count, "cpu": cpu, "others": others,
            "start_cpu": start_cpu, "busiest": busiest,
            "start_others": None if before is None else sum(before.values())}


def projected(m: dict) -> float | None:
    """What :func:`measure`'s batch would take on an idle machine with a core per
    process, from its CPU seconds rather than the wall clock that other load stretches:
    start-up as long as the longer of this process's CPU and the others' (the fork
    server, helper and workers start beside it: two chains on two cores), then the run
    as long as its busiest process's CPU (the workers run side by side; this process
    only stores). An estimate: it leaves out waits between the chains, and CPU seconds
    themselves grow a little when processes share a core's caches."""
    if m["busiest"] is None or m["start_others"] is None:
        return None
    return max(m["start_cpu"], m["start_others"]) + m["busiest"]


def measure_fresh(kind: str, workers: int, path: str, replications: int, db: Path,
                  env: dict | None = None) -> dict:
    """:func:`measure` in a fresh process (with ``env``: another checkout's code)."""
    import json
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--child", f"{kind}:{workers}", "--sweep", path,
                          "--replications", str(replications), "--db", str(db)],
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tables(db: Path) -> tuple:
    """A batch database's results and replications, sorted (which worker ran a
    replication left out): what must be the same whatever ran it."""
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as conn:
        return (conn.execute("SELECT * FROM results ORDER BY variant, replication, target").fetchall(),
                conn.execute("SELECT * FROM replications ORDER BY variant, replication").fetchall())


def end_to_end(sweep: str, replications: int, rounds: int, dask: bool,
               against: list[Path] | None = None) -> int:
    """``drillsim batch SWEEP -n R -q`` as a user runs it, in fresh processes taking turns
    (1 worker, one per CPU, the 2-worker local Dask cluster; with ``against``, each also
    with those checkouts' code), ``rounds`` times: wall time from the command's start to
    its exit (plugins, the sweep checked, workers started, every replication run and
    stored), best and median; and whether every database holds the same rows."""
    import resource
    import statistics
    import subprocess

    from startup import checkouts, compile_bytecode

    cpus = os.cpu_count() or 1
    reaping = _adopt_orphans()
    drillsim = str(Path(sys.executable).with_name("drillsim"))
    kinds = [("local pool", 1, ["-w", "1"]), ("local pool", cpus, ["-w", str(cpus)])]
    if dask:
        kinds.append(("Dask local cluster", 2, ["--executor", "dask", "-w", "2"]))
    print(f"machine: {machine()}")
    print(f"bytecode: {compile_bytecode()}")
    print(f"end to end: drillsim batch {Path(sweep).name} -n {replications} -q, each configuration "
          f"once per round in turn, {rounds} round(s)")
    print(f"free parallelism now: {free_parallelism(cpus):.2f}x ({cpus}.00x on an idle machine)")
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        codes = checkouts(against, tmp, "", lambda tree: f" [{tree.name}]")
        configs = [(name + tag, workers, argv, env) for tag, env in codes for name, workers, argv in kinds]
        walls: dict[int, list[float]] = {k: [] for k in range(len(configs))}
        cpu: dict[int, list[float]] = {k: [] for k in range(len(configs))}
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
                                *configs[k][2]], check=True, capture_output=True,
                               env=configs[k][3])
                walls[k].append(time.perf_counter() - t0)
                _reap()  # the fork server and its workers end after the command
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[k].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                if not reaping:
                    cpu[k][-1] = math.nan
                rows = _tables(db)
                first = rows if first is None else first
                same = same and rows == first
                db.unlink()
    total = _count(sweep, replications)
    width = max(len(c[0]) for c in configs)
    print(f"{'executor':<{width}} {'workers':>7} {'wall best':>9} {'median':>7} {'rep/s best':>10} "
          f"{'speed-up best':>13} {'median':>7} {'CPU s best':>10} {'median':>7}")
    for k, (name, workers, _, _) in enumerate(configs):
        base = k - k % len(kinds)  # 1 worker, same code
        best, median = min(walls[k]), statistics.median(walls[k])
        print(f"{name:<{width}} {workers:>7} {best:>8.2f}s {median:>6.2f}s {total / best:>10.1f} "
              f"{min(walls[base]) / best:>12.2f}x {statistics.median(walls[base]) / median:>6.2f}x "
              f"{min(cpu[k]):>9.2f}s {statistics.median(cpu[k]):>6.2f}s")
    for n, (tag, _) in enumerate(codes):
        one, many = n * len(kinds), n * len(kinds) + 1
        print(f"speed-up of {cpus} local workers against 1{tag}, end to end: best "
              f"{min(walls[one]) / min(walls[many]):.2f}x, median "
              f"{statistics.median(walls[one]) / statistics.median(walls[many]):.2f}x "
              "(goal on 2 cores: >= 1.7x)")
        if dask:
            d = n * len(kinds) + 2
            print(f"Dask local cluster against the local pool, 2 workers{tag}, end to end: best "
                  f"{min(walls[d]) / min(walls[many]) - 1:+.1%}, median "
                  f"{statistics.median(walls[d]) / statistics.median(walls[many]) - 1:+.1%} (goal <= +5 %); "
                  f"CPU of all its processes: best {min(cpu[d]) / min(cpu[many]) - 1:+.1%}, median "
                  f"{statistics.median(cpu[d]) / statistics.median(cpu[many]) - 1:+.1%}")
    print(f"every database the same rows: {'yes' if same else 'NO'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"free parallelism after: {free_parallelism(cpus):.2f}x")
    return 0 if same else 1


def _adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux
    ``PR_SET_CHILD_SUBREAPER``), so that the CPU time of a batch's fork server, of the
    workers it forked and of a Dask helper — none of which the ``drillsim`` process waits
    for — is counted in this process's children's usage once :func:`_reap` has waited
    for them. False where that cannot be done (then no CPU figure is printed)."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _reap() -> None:
    """Wait for every child left (orphans adopted by :func:`_adopt_orphans`)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


#: What ``drillsim batch`` does before a worker can run a replication, in order (see
#: :func:`start_stage`): each stage's count is the difference from the one before.
STAGES = ("interpreter and this script", "imports and plugins", "sweep checked", "database created", "tasks made")


def start_stage(stage: int, sweep: str, tmp: str) -> None:
    """Do what ``drillsim batch SWEEP -q`` does before its workers start, up to
    ``stage`` of :data:`STAGES` (for counting, in a fresh process)."""
    if stage < 1:
        return
    import drillsim.cli.batch  # noqa: F401  (the command line, as the console script has it)
    from drillsim.batch.runner import bundle_of, tasks_for
    from drillsim.batch.store import Store
    from drillsim.batch.sweep import load_sweep
    from drillsim.host.pluginhost import load_plugins

    host = load_plugins()
    if stage < 2:
        return
    checked = load_sweep(sweep, host)
    if stage < 3:
        return
    Store.create(Path(tmp) / f"stage{stage}-{os.getpid()}.db", checked, 1).close()
    if stage < 4:
        return
    tasks_for(checked, bundle_of(checked), 1, set())


def worker_first_tasks(mode: str, sweep: str, tmp: str) -> None:
    """A fresh worker's first tasks, replication 0 of each variant (``mode`` ``run``),
    or only its set-up (``setup``: imports, the bundle installed, the plugins loaded), as
    a Dask worker has them: it loads every variant itself. ``prepare`` writes the bundle
    and tasks into ``tmp`` first (not counted)."""
    import pickle

    from drillsim.batch import worker

    saved = Path(tmp) / "tasks.pickle"
    if mode == "prepare":
        from drillsim.batch.runner import bundle_of, tasks_for
        from drillsim.batch.sweep import load_sweep
        from drillsim.host.pluginhost import load_plugins

        checked = load_sweep(sweep, load_plugins())
        bundle = bundle_of(checked)
        saved.write_bytes(pickle.dumps((bundle, tasks_for(checked, bundle, 1, set()))))
        return
    bundle, tasks = pickle.loads(saved.read_bytes())
    worker.install(bundle)
    worker.check_plugins(tasks[0].plugins, key=bundle.key)
    if mode == "run":
        for task in tasks:
            worker.run_task(task)


def forkserver_preload(kind: str, sweep: str) -> None:
    """What the fork server of a ``kind`` (``pool`` or ``dask``) batch imports before it
    forks a worker (or, for Dask, the cluster's helper), as multiprocessing's fork
    server imports its preload: each module in turn, the sweep's variants loaded by the
    last (:mod:`drillsim.batch.warmsweep`, given the sweep in the environment)."""
    from drillsim.batch import forkserver

    os.environ[forkserver.WARM_SWEEP] = sweep
    for module in (forkserver.POOL_PRELOAD if kind == "pool" else forkserver.DASK_PRELOAD):
        try:
            __import__(module)
        except ImportError:
            pass


def cluster_start(mode: str) -> None:
    """The helper process of a ``--executor dask`` batch (drillsim, its plugins and Dask
    imported, as it is forked from the fork server), then with ``mode`` ``start`` its
    work for a local cluster of 2 workers: the scheduler and nannies started, the
    workers forked and joined, the client connected, then all of it closed."""
    for module in ("drillsim.batch.warmup", "drillsim.batch.daskimport", "distributed",
                   "drillsim.batch.dask_executor"):
        try:
            __import__(module)
        except ImportError:
            pass
    if mode != "start":
        return
    from distributed import Client

    from drillsim.batch.dask_executor import DaskExecutor

    executor = DaskExecutor(workers=2, start_method="fork", connect_timeout=600)
    executor.cluster = executor._local_cluster()
    if not executor.cluster.workers:  # the scheduler only (since dask4): start() adds them
        executor.cluster.scale(2)
    executor.client = Client(executor.cluster, timeout=600)
    executor.client.wait_for_workers(2, timeout=600)
    executor.close()


def count_instructions(sweep: str, against: list[Path] | None) -> int:
    """Print the instruction counts of :data:`STAGES` and of a fresh worker's first
    tasks, for this checkout and each of ``against``."""
    import shutil
    import subprocess

    from common import cachegrind_instructions
    from startup import checkouts, compile_bytecode

    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind (apt-get install valgrind)")
        return 2
    print(f"machine: {machine()}")
    print(f"bytecode: {compile_bytecode()}")
    print(f"sweep: {sweep}; machine instructions (valgrind --tool=cachegrind), each step a fresh process")
    with tempfile.TemporaryDirectory() as tmp:
        codes = checkouts(against, tmp)
        rows: dict[str, list[float]] = {}
        for name, env in codes:
            me = [sys.executable, __file__, "--sweep", sweep, "--scratch", tmp]
            counts = [cachegrind_instructions(me + ["--child-stage", str(k)], env=env)
                      for k in range(len(STAGES))]
            subprocess.run(me + ["--child-worker", "prepare"], check=True, env=env)
            setup = cachegrind_instructions(me + ["--child-worker", "setup"], env=env)
            first = cachegrind_instructions(me + ["--child-worker", "run"], env=env)
            steps = [counts[0]] + [b - a for a, b in itertools.pairwise(counts)]
            pool = cachegrind_instructions(me + ["--child-forkserver", "pool"], env=env)
            dask = cachegrind_instructions(me + ["--child-forkserver", "dask"], env=env)
            helper = cachegrind_instructions(me + ["--child-cluster", "none"], env=env)
            cluster = cachegrind_instructions(me + ["--child-cluster", "start"], env=env)
            rows[name] = [c / 1e6 for c in steps] + [counts[-1] / 1e6, (first - setup) / 1e6,
                                                     pool / 1e6, dask / 1e6, (dask - pool) / 1e6,
                                                     (cluster - helper) / 1e6,
                                                     (dask - pool + cluster - helper) / 1e6]
        labels = list(STAGES) + ["start-up in all", "a fresh worker's first tasks (1 per variant)",
                                 "fork server's preload, local pool",
                                 "fork server's preload, local Dask cluster",
                                 "  Dask's more", "helper: 2-worker cluster started, closed",
                                 "Dask's chain before its workers, more"]
        width = max(map(len, labels))
        print(f"{'M instructions':<{width}} " + " ".join(f"{name[:16]:>16}" for name, _ in codes))
        for k, label in enumerate(labels):
            print(f"{label:<{width}} " + " ".join(f"{rows[name][k]:>16,.1f}" for name, _ in codes))
    return 0


def helper_cpu(sweep: str, replications: int, chunk: int) -> dict:
    """In this (fresh) process, as the command line's helper: a 2-worker local Dask cluster
    (workers forked from here) runs ``replications`` of each variant of ``sweep`` in
    Dask tasks of ``chunk`` replications; ``cpu`` seconds this process spent from the
    first task sent to the last result, ``wall`` seconds, ``tasks`` sent."""
    from drillsim.batch.dask_executor import DaskExecutor
    from drillsim.batch.runner import bundle_of, tasks_for
    from drillsim.batch.sweep import load_sweep
    from drillsim.host.pluginhost import load_plugins

    checked = load_sweep(sweep, load_plugins())
    bundle = bundle_of(checked)
    tasks = tasks_for(checked, bundle, replications, set())
    executor = DaskExecutor(workers=2, chunk=chunk, start_method="fork")
    with executor:
        executor.start(bundle, tuple(checked.plugins))
        executor.wait_ready()
        t0, cpu0 = time.perf_counter(), time.process_time()
        count = sum(1 for _ in executor.batches(tasks))
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    return {"cpu": cpu, "wall": wall, "tasks": count}


def helper_rounds(sweep: str, replications: int, rounds: int, against: list[Path] | None) -> int:
    """Print the helper's CPU per Dask task (see the module docstring, ``--helper``)."""
    import json
    import statistics
    import subprocess

    from startup import checkouts, compile_bytecode

    print(f"machine: {machine()}")
    print(f"bytecode: {compile_bytecode()}")
    print(f"free parallelism now: {free_parallelism(2):.2f}x (2.00x on an idle machine)")
    print(f"the helper's CPU per Dask task: {Path(sweep).name}, {replications} replication(s) "
          f"of each variant on a 2-worker local cluster, in tasks of 2 and of 16, {rounds} round(s)")
    with tempfile.TemporaryDirectory() as tmp:
        codes = checkouts(against, tmp)
        got: dict[tuple[str, int], list[dict]] = {(name, c): [] for name, _ in codes for c in (2, 16)}
        runs = [(name, env, c) for name, env in codes for c in (2, 16)]
        for attempt in range(rounds):
            for name, env, c in (runs if attempt % 2 == 0 else runs[::-1]):
                out = subprocess.run([sys.executable, __file__, "--sweep", sweep, "--replications",
                                      str(replications), "--child-helper", str(c)],
                                     check=True, capture_output=True, text=True, env=env)
                got[(name, c)].append(json.loads(out.stdout.strip().splitlines()[-1]))
    width = max(len(name) for name, _ in codes)
    print(f"{'code':<{width}} {'tasks':>5} {'ms CPU per task best':>20} {'median':>6} "
          f"{'ms CPU per s of run (16)':>24}")
    for name, _ in codes:
        per = [1000 * (a["cpu"] - b["cpu"]) / (a["tasks"] - b["tasks"])
               for a, b in zip(got[(name, 2)], got[(name, 16)])]
        idle = [1000 * b["cpu"] / b["wall"] for b in got[(name, 16)]]
        print(f"{name:<{width}} {got[(name, 2)][0]['tasks']:>2}/{got[(name, 16)][0]['tasks']:<2} "
              f"{min(per):>20.2f} {statistics.median(per):>6.2f} {statistics.median(idle):>24.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


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
    parser.add_argument("--against", type=Path, metavar="CHECKOUT", action="append",
                        help="also run every configuration with the code of this other checkout "
                             "(main before a change), in the same rounds (repeatable)")
    parser.add_argument("--instructions", action="store_true",
                        help="count machine instructions (valgrind) of the command's start-up, "
                             "stage by stage, and of a fresh worker's first tasks instead")
    parser.add_argument("--helper", action="store_true",
                        help="the CPU a local Dask cluster's helper process spends per Dask task "
                             "instead (fresh processes, chunks of 2 against 16)")
    parser.add_argument("--child", metavar="KIND:WORKERS", help=argparse.SUPPRESS)
    parser.add_argument("--child-helper", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-stage", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-worker", help=argparse.SUPPRESS)
    parser.add_argument("--child-forkserver", help=argparse.SUPPRESS)
    parser.add_argument("--child-cluster", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import json

        kind, workers = args.child.split(":")
        print(json.dumps(measure(kind, int(workers), args.sweep, args.replications, args.db)))
        return 0
    if args.child_helper:
        import json

        print(json.dumps(helper_cpu(args.sweep, args.replications, args.child_helper)))
        return 0
    if args.helper:
        return helper_rounds(args.sweep, args.replications, max(1, args.repeat), args.against)
    if args.child_stage is not None:
        start_stage(args.child_stage, args.sweep, args.scratch)
        return 0
    if args.child_worker:
        worker_first_tasks(args.child_worker, args.sweep, args.scratch)
        return 0
    if args.child_forkserver:
        forkserver_preload(args.child_forkserver, args.sweep)
        return 0
    if args.child_cluster:
        cluster_start(args.child_cluster)
        return 0
    if args.instructions:
        return count_instructions(args.sweep, args.against)
    if args.end_to_end:
        return end_to_end(args.sweep, args.replications, max(1, args.repeat), not args.no_dask,
                          args.against)

    import statistics

    from drillsim.batch.sweep import load_sweep
    from drillsim.host.pluginhost import load_plugins

    cpus = os.cpu_count() or 1
    sweep = load_sweep(args.sweep, load_plugins())
    print(f"machine: {machine()}")
    print(f"sweep: {args.sweep} ({len(sweep.variants)} variants x {args.replications} "
          f"replications = {len(sweep.variants) * args.replications})")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"free parallelism now: {cpus} processes of plain Python run "
          f"{free_parallelism(cpus):.2f}x as fast as 1 ({cpus}.00x on an idle machine)")
    from startup import checkouts, compile_bytecode

    print(f"bytecode: {compile_bytecode()}")
    with tempfile.TemporaryDirectory() as tmp:
        codes = checkouts(args.against, tmp, "", lambda tree: f" [{tree.name}]")
        runs = [(f"local pool{tag}", "local", 1, env) for tag, env in codes]
        runs += [(f"local pool{tag}", "local", cpus, env) for tag, env in codes]
        if not args.no_dask:
            runs += [(f"Dask local cluster{tag}", "dask", 2, env) for tag, env in codes]
        got: dict[tuple[str, int], list[dict]] = {(name, w): [] for name, _, w, _ in runs}
        for attempt in range(args.repeat):
            for k, (name, kind, workers, env) in enumerate(runs if attempt % 2 == 0 else runs[::-1]):
                db = Path(tmp) / f"{attempt}-{k}.db"
                got[(name, workers)].append(measure_fresh(kind, workers, args.sweep,
                                                          args.replications, db, env))
                db.unlink()
    width = max(len(name) for name, *_ in runs)
    print(f"{'executor':<{width}} {'workers':>7} {'start-up best':>13} {'median':>6} {'CPU main+other':>14} "
          f"{'run s':>7} {'rep/s':>7} "
          f"{'speed-up':>8} {'end to end':>10} {'main CPU s':>10} {'other CPU s':>11} {'CPU ms/rep':>10}")
    rates, whole, starts = {}, {}, {}
    for name, _, workers, _ in runs:
        # the run with the best rate; start-up best and median over every run
        m = max(got[(name, workers)], key=lambda r: r["count"] / r["run"])
        rate = m["count"] / m["run"]
        rates[(name, workers)] = rate
        whole[(name, workers)] = max(r["count"] / (r["start"] + r["run"]) for r in got[(name, workers)])
        ups = [r["start"] for r in got[(name, workers)]]
        starts[(name, workers)] = (min(ups), statistics.median(ups))
        base = rates[(name.replace("Dask local cluster", "local pool"), 1)]
        per = "—" if m["others"] is None else f"{(m['cpu'] + m['others']) / m['count'] * 1000:.1f}"
        others = "—" if m["others"] is None else f"{m['others']:.2f}"
        fastest = min(got[(name, workers)], key=lambda r: r["start"])
        start_cpu = (f"{fastest['start_cpu']:.2f}+" + ("—" if fastest["start_others"] is None
                                                        else f"{fastest['start_others']:.2f}"))
        print(f"{name:<{width}} {workers:>7} {min(ups):>12.2f}s {statistics.median(ups):>5.2f}s {start_cpu:>14} "
              f"{m['run']:>7.2f} {rate:>7.1f} {rate / base:>7.2f}x {whole[(name, workers)]:>6.1f}/s "
              f"{m['cpu']:>10.2f} {others:>11} {per:>10}")
    print(f"(run: the best of {args.repeat} run(s) of each; end to end: the best over start-up and run "
          "together; CPU main+other: CPU seconds of this process and of the others of the batch during "
          "the fastest start-up)")
    for tag, _ in codes:
        pool, dask = (f"local pool{tag}", 2), (f"Dask local cluster{tag}", 2)
        if dask in rates and pool in rates:
            overhead = rates[pool] / rates[dask] - 1
            whole_over = whole[pool] / whole[dask] - 1
            later = starts[dask][0] - starts[pool][0]
            later_median = starts[dask][1] - starts[pool][1]
            print(f"Dask against the local pool, 2 workers{tag}: run {overhead:+.1%}, end to end "
                  f"{whole_over:+.1%} longer, start-up {later:+.2f} s best, {later_median:+.2f} s median "
                  "(goals: <= +5 %, <= +0.5 s)")
        one, many = (f"local pool{tag}", 1), (f"local pool{tag}", cpus)
        print(f"speed-up of {cpus} local workers against 1{tag}: run {rates[many] / rates[one]:.2f}x, "
              f"end to end {whole[many] / whole[one]:.2f}x (goal on 2 cores: >= 1.7x end to end)")
        guess = {k: min((p for p in map(projected, got[k]) if p is not None), default=None)
                 for k in (one, many, (f"Dask local cluster{tag}", 2))}
        if guess[one] and guess[many]:
            print(f"projected from CPU seconds on an idle {cpus}-core machine{tag} (best of each): "
                  f"1 worker {guess[one]:.2f} s, {cpus} workers {guess[many]:.2f} s: "
                  f"{guess[one] / guess[many]:.2f}x end to end"
                  + (f"; Dask {guess[(f'Dask local cluster{tag}', 2)] / guess[many] - 1:+.1%} "
                     "against the pool" if guess[(f"Dask local cluster{tag}", 2)] else ""))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"free parallelism after: {free_parallelism(cpus):.2f}x")
    return 0


if __name__ == "__main__":  # the local pool's workers must not run this again
    sys.exit(main())
