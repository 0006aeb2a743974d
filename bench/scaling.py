"""Benchmark: time and peak memory per incident as a run grows (10^4, 10^5, 10^6 calls).

Run:  python bench/scaling.py [--sizes 10000,100000,1000000] [--keep] [--repeat N]

The M/M/c workload of ``engine_throughput.py`` (λ = 4.5, μ = 1, c = 5), with the event
log streamed to a JSON Lines file (``Simulation(keep_events=False,
sinks=[JsonLinesSink(file)])``), as a long run would be. Each size runs in a fresh
Python process, so its peak memory is its own: the figure is the growth of the peak
resident set (``VmHWM``, reset just before) over the process's size once the scenario
and plugins are loaded. The streamed log is then scored from the file, one metric at a time
(:func:`drillsim.scoring.stream.observe_jsonl`: time-average queue length and unit
workloads), again with the growth of the peak. ``--keep`` also runs each size with the
log kept in memory, for comparison.

Goals: time per incident flat within 20 % from 10^4 to 10^6; memory not growing with
the length of a streamed run. Time is taken as wall time and as the process's CPU time
(which other work on the machine disturbs less); with ``--repeat N`` every size runs N
times, the sizes taking turns, and the flatness is judged on each size's best CPU time
(the short 10^4 run is the one a busy machine throws off most).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parent.parent
LAM, C = 4.5, 5


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


def child(n: int, keep: bool) -> dict:
    """One size, in this (fresh) process; returns the figures."""
    import time

    from drillsim.engine.eventlog import JsonLinesSink
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario
    from drillsim.host.pluginhost import load_plugins
    from drillsim.scoring.stream import observe_jsonl

    host = load_plugins()
    scenario = load_scenario(ROOT / "scenarios" / "validation" / "mmc.yaml", host=host, overrides={
        "hazards[0].params.rate": f"{LAM}/min", "hazards[0].params.on_scene_mean": "1min",
        "hazards[0].params.max_incidents": n,  # time unit: on-scene mean 1 min
        "forces[0].units": C, "run.horizon": f"{n / LAM}min",   # calls arrive to the end
        "run.warm_up": "0min"})
    out: dict = {"n": n, "keep": keep}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            base = rss_kib()
            reset_peak()
            t0, c0 = time.perf_counter(), time.process_time()
            sim = Simulation(scenario, host, keep_events=keep,
                             sinks=[] if keep else [JsonLinesSink(fh)])
            sim.run()
            out["run_s"] = time.perf_counter() - t0
            out["run_cpu_s"] = time.process_time() - c0
            out["run_peak_growth_kib"] = max(0, peak_kib() - base)
            out["incidents"] = sim._incident_count
        out["log_bytes"] = path.stat().st_size
        if not keep:
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
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of every size, taking turns (flatness judged on the best CPU time)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        n, keep = args.child.split(":")
        print(json.dumps(child(int(n), keep == "keep")))
        return 0

    print(f"machine: {machine()}")
    print(f"workload: M/M/{C}, λ = {LAM}, μ = 1 (load 90%); event log streamed to a JSON Lines file")
    modes = ["stream"] + (["keep"] if args.keep else [])
    sizes = [int(x) for x in args.sizes.split(",")]
    runs: dict[tuple[str, int], list[dict]] = {}
    for round_ in range(max(1, args.repeat)):
        for mode in modes:
            for n in sizes:
                done = subprocess.run([sys.executable, __file__, "--child", f"{n}:{mode}"],
                                      capture_output=True, text=True, check=True, cwd=ROOT)
                r = json.loads(done.stdout.strip().splitlines()[-1])
                runs.setdefault((mode, n), []).append(r)
                per_inc_us = r["run_s"] / r["incidents"] * 1e6
                line = (f"{mode:6} {r['incidents']:>9,} incidents: {per_inc_us:6.1f} µs/incident wall, "
                        f"{r['run_cpu_s'] / r['incidents'] * 1e6:6.1f} CPU "
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
        for label, key in (("CPU", "run_cpu_s"), ("wall", "run_s")):
            best = [min(r[key] / r["incidents"] for r in rs) for rs in streamed]
            spread = max(best) / min(best) - 1
            shown = ", ".join(f"{b * 1e6:.1f}" for b in best)
            print(f"time per incident ({label}, best of {len(streamed[0])}): {shown} µs; "
                  f"largest / smallest - 1: {spread:.0%} (goal <= 20%)")
        mems = [r["run_peak_growth_kib"] for rs in streamed for r in rs]
        print(f"peak memory growth of a streamed run: {min(mems):,} to "
              f"{max(mems):,} KiB over a {sizes[-1] // sizes[0]}x "
              f"longer run (goal: not growing with length)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
