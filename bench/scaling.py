"""Benchmark: time and peak memory per incident as a run grows (10^4, 10^5, 10^6 calls).

Run:  python bench/scaling.py [--sizes 10000,100000,1000000] [--keep] [--null] [--repeat N]

The M/M/c workload of ``engine_throughput.py`` (λ = 4.5, μ = 1, c = 5), with the event
log streamed to a JSON Lines file (``Simulation(keep_events=False,
sinks=[JsonLinesSink(file)])``), as a long run would be. Each size runs in a fresh
Python process, so its peak memory is its own: the figure is the growth of the peak
resident set (``VmHWM``, reset just before) over the process's size once the scenario
and plugins are loaded. The streamed log is then scored from the file, one metric at a time
(:func:`drillsim.scoring.stream.observe_jsonl`: time-average queue length and unit
workloads), again with the growth of the peak. ``--keep`` also runs each size with the
log kept in memory, for comparison; ``--null`` also runs each size with the log written
to ``os.devnull`` (the same encoding and writes, no file system: the kernel's share of a
streamed run is its system time, printed beside the user time).

Goals: time per incident flat within 20 % from 10^4 to 10^6; memory not growing with
the length of a streamed run. Time is taken as wall time and as the process's CPU time
(which other work on the machine disturbs less); with ``--repeat N`` every size runs N
times, the sizes taking turns, and the flatness is judged on each size's best CPU time
(the short 10^4 run is the one a busy machine throws off most).

On a shared machine the best of N whole runs is not a fair test of flatness: a 10^4-call
run (about a second) often finds a quiet second, a 10^6-call run (minutes) never has
minutes of quiet, and CPU time grows when neighbours load the caches and memory bus. So
each run also samples its CPU time and incident count from a thread every
``SAMPLE_S`` seconds, and the run is cut into windows of about as many calls as the
smallest size: the fastest window of each size is its CPU time per call when the machine
was quietest (the smallest size's window is its whole run). Both figures are printed, and
the flatness of both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parent.parent
LAM, C = 4.5, 5
#: seconds between the samples of a run's CPU time and incident count
SAMPLE_S = 0.05


def rss_kib() -> int:
    """Current resident set size, KiB (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def reset_peak() -> None:
    """Start the peak resident set (VmHWM) afresh from now (Linux ≥ 4.0), so the peak
    measured is that of what follows, not of loading; else the process's peak counts."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def peak_kib() -> int:
    """Peak resident set size, KiB, since the last :func:`reset_peak`."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def windows(samples: list[tuple[int, float]], calls: int) -> list[float]:
    """CPU seconds per call in consecutive windows of at least ``calls`` calls, from
    ``samples`` of (incidents so far, process CPU seconds) in time order."""
    out, i = [], 0
    for j in range(1, len(samples)):
        if samples[j][0] - samples[i][0] >= calls:
            out.append((samples[j][1] - samples[i][1]) / (samples[j][0] - samples[i][0]))
            i = j
    return out


def child(n: int, mode: str, window: int) -> dict:
    """One size, in this (fresh) process; returns the figures. ``mode``: ``stream`` (a
    JSON Lines file), ``null`` (the same, to ``os.devnull``) or ``keep`` (in memory)."""
    import threading
    import time

    from drillsim.engine.eventlog import JsonLinesSink
    from drillsim.engine.simulation import Simulation
    from drillsim.host.pluginhost import load_plugins
    from drillsim.scenario.loader import load_scenario
    from drillsim.scoring.stream import observe_jsonl

    host = load_plugins()
    scenario = load_scenario(ROOT / "scenarios" / "validation" / "mmc.yaml", host=host, overrides={
        "hazards[0].params.rate": f"{LAM}/min", "hazards[0].params.on_scene_mean": "1min",
        "hazards[0].params.max_incidents": n,  # time unit: on-scene mean 1 min
        "forces[0].units": C, "run.horizon": f"{n / LAM}min",   # calls arrive to the end
        "run.warm_up": "0min"})
    keep = mode == "keep"
    out: dict = {"n": n, "mode": mode}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(os.devnull if mode == "null" else Path(tmp) / "events.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            sim = Simulation(scenario, host, keep_events=keep,
                             sinks=[] if keep else [JsonLinesSink(fh)])
            samples: list[tuple[int, float]] = [(0, time.process_time())]
            done = threading.Event()

            def sample() -> None:
                while not done.wait(SAMPLE_S):
                    samples.append((sim._incident_count, time.process_time()))

            sampler = threading.Thread(target=sample, daemon=True)
            base = rss_kib()
            reset_peak()
            sampler.start()
            t0, c0, os0 = time.perf_counter(), time.process_time(), os.times()
            sim.run()
            out["run_s"] = time.perf_counter() - t0
            out["run_cpu_s"] = time.process_time() - c0
            os1 = os.times()
            done.set()
            sampler.join()
            out["run_user_s"], out["run_sys_s"] = os1.user - os0.user, os1.system - os0.system
            out["run_peak_growth_kib"] = max(0, peak_kib() - base)
            out["incidents"] = sim._incident_count
            samples.append((sim._incident_count, c0 + out["run_cpu_s"]))
            out["windows"] = windows(samples, window) or [out["run_cpu_s"] / sim._incident_count]
        out["log_bytes"] = path.stat().st_size
        if mode == "stream":
            del sim
            base = rss_kib()
            reset_peak()
            t0 = time.perf_counter()
            observed = observe_jsonl(scenario, path, targets=["LQ", "RHO"])
            out["score_s"] = time.perf_counter() - t0
            out["score_peak_growth_kib"] = max(0, peak_kib() - base)
            out["lq"] = observed["LQ"][0][1]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--keep", action="store_true", help="also run with the log kept in memory")
    parser.add_argument("--null", action="store_true",
                        help="also run with the log written to os.devnull (no file system)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of every size, taking turns (flatness judged on the best CPU time)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        n, mode, *window = args.child.split(":")  # N:MODE[:WINDOW CALLS]
        print(json.dumps(child(int(n), mode, int(window[0]) if window else int(n))))
        return 0

    print(f"machine: {machine()}")
    print(f"workload: M/M/{C}, λ = {LAM}, μ = 1 (load 90%); event log streamed to a JSON Lines file")
    modes = ["stream"] + (["null"] if args.null else []) + (["keep"] if args.keep else [])
    sizes = [int(x) for x in args.sizes.split(",")]
    window = min(sizes)
    runs: dict[tuple[str, int], list[dict]] = {}
    for round_ in range(max(1, args.repeat)):
        for mode in modes:
            for n in sizes:
                done = subprocess.run([sys.executable, __file__, "--child", f"{n}:{mode}:{window}"],
                                      capture_output=True, text=True, check=True, cwd=ROOT)
                r = json.loads(done.stdout.strip().splitlines()[-1])
                runs.setdefault((mode, n), []).append(r)
                per_inc_us = r["run_s"] / r["incidents"] * 1e6
                line = (f"{mode:6} {r['incidents']:>9,} incidents: {per_inc_us:6.1f} µs/incident wall, "
                        f"{r['run_cpu_s'] / r['incidents'] * 1e6:6.1f} CPU "
                        f"(user {r['run_user_s'] / r['incidents'] * 1e6:.1f}, system "
                        f"{r['run_sys_s'] / r['incidents'] * 1e6:.1f}; fastest {window:,}-call window "
                        f"{min(r['windows']) * 1e6:.1f}) "
                        f"({r['incidents'] / r['run_s']:,.0f}/s, {r['run_s']:.1f} s); peak memory growth "
                        f"{r['run_peak_growth_kib']:9,} KiB "
                        f"({r['run_peak_growth_kib'] * 1024 / r['incidents']:6.0f} B/incident)")
                if mode == "stream":
                    line += (f"; log {r['log_bytes'] / 2**20:,.0f} MiB on disk; scored from it in "
                             f"{r['score_s']:.1f} s, peak growth {r['score_peak_growth_kib']:,} KiB "
                             f"(time-average queue {r['lq']:.2f}; Erlang C: 6.86)")
                print(f"round {round_ + 1}: {line}", flush=True)
    streamed = [runs[("stream", n)] for n in sizes]
    if len(streamed) > 1:
        for mode in modes[:2] if args.null else modes[:1]:
            rss = [runs[(mode, n)] for n in sizes]
            where = "to a file" if mode == "stream" else "to os.devnull"
            for label, key in (("CPU", "run_cpu_s"), ("wall", "run_s")):
                best = [min(r[key] / r["incidents"] for r in rs) for rs in rss]
                spread = max(best) / min(best) - 1
                shown = ", ".join(f"{b * 1e6:.1f}" for b in best)
                print(f"streamed {where}: time per incident ({label}, whole run, best of {len(rss[0])}): "
                      f"{shown} µs; largest / smallest - 1: {spread:.0%} (goal <= 20%)")
            best = [min(w for r in rs for w in r["windows"]) for rs in rss]
            median = [statistics.median(w for r in rs for w in r["windows"]) for rs in rss]
            print(f"streamed {where}: CPU per incident in the fastest {window:,}-call window: "
                  f"{', '.join(f'{b * 1e6:.1f}' for b in best)} µs; largest / smallest - 1: "
                  f"{max(best) / min(best) - 1:.0%} (goal <= 20%); median window "
                  f"{', '.join(f'{m * 1e6:.1f}' for m in median)} µs")
        mems = [r["run_peak_growth_kib"] for rs in streamed for r in rs]
        print(f"peak memory growth of a streamed run: {min(mems):,} to "
              f"{max(mems):,} KiB over a {sizes[-1] // sizes[0]}x "
              f"longer run (goal: not growing with length)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
