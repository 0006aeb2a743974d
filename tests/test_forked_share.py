"""Replications shared with a forked copy of the process (drillsim.scoring.forked): the
same outcome as all run in one process, failures reported as without the copy, and no
copy left behind."""

from __future__ import annotations

import logging
import os
import sys
import time

import pytest

from drillsim.engine.simulation import PluginFailed
from drillsim.scenario.loader import load_scenario
from drillsim.scoring import forked, runner
from tests.conftest import FLOOD

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the copy is made on Linux only")


@pytest.fixture
def two_cpus(monkeypatch):
    """As on a machine with two CPUs free for this process, whatever this one has."""
    monkeypatch.setattr(forked, "usable_cpus", lambda: 2)
    monkeypatch.setattr(forked, "load_average", lambda: 0.3)


@pytest.fixture(scope="module")
def flood(host):
    return load_scenario(FLOOD, host=host)


@pytest.fixture
def taken_here(monkeypatch):
    """The replication indexes run in this process, in order (a forked copy's own list
    grows in the copy only)."""
    here: list[int] = []
    real = runner._replication

    def counted(scenario, host_, r, *args, **kwargs):
        here.append(r)
        return real(scenario, host_, r, *args, **kwargs)

    monkeypatch.setattr(runner, "_replication", counted)
    return here


@linux
def test_the_outcome_is_the_one_of_a_single_process(host, flood, two_cpus, taken_here):
    """The reference is the same run in one process, replication after replication."""
    alone = runner.run(flood, host, replications=6, processes=1)
    here = taken_here
    here.clear()
    shared = runner.run(flood, host, replications=6, processes=2)
    # only this process's list grows: replication 0 is its own, the copy took some others
    assert here[0] == 0 and len(here) < 6 and len(set(here)) == len(here)
    assert shared.rows == alone.rows
    assert shared.observations == alone.observations
    assert shared.event_counts == alone.event_counts
    assert shared.warnings == alone.warnings
    assert shared.first_events == alone.first_events


@linux
def test_what_is_needed_after_the_run_is_done_once_after_the_first_replication(host, flood, two_cpus, taken_here):
    seen = taken_here
    for processes in (2, 1):
        seen.clear()
        runner.run(flood, host, replications=3, processes=processes,
                   meanwhile=lambda: seen.append("meanwhile"))
        assert seen[:2] == [0, "meanwhile"] and seen.count("meanwhile") == 1


@linux
def test_progress_counts_every_replication_once(host, flood, two_cpus):
    seen = []
    runner.run(flood, host, replications=4, processes=2, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)
    assert all(total == 4 for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@linux
@pytest.mark.parametrize("failing", [{3: "third"}, {2: "second", 3: "third"}, {1: "first", 4: "fourth"}])
def test_the_first_replication_to_fail_fails_here_with_its_own_message(host, flood, two_cpus, monkeypatch,
                                                                       failing):
    """Whichever process takes the failing replications, the error is the one the first
    of them raises, as in one process."""
    real = runner._replication
    here = []

    def failing_at(scenario, host_, r, *args, **kwargs):
        here.append(r)
        if r in failing:
            raise PluginFailed(f"plugin 'x' failed in replication {failing[r]}")
        return real(scenario, host_, r, *args, **kwargs)

    monkeypatch.setattr(runner, "_replication", failing_at)
    first = failing[min(failing)]
    with pytest.raises(PluginFailed, match=f"failed in replication {first}$"):
        runner.run(flood, host, replications=6, processes=2)
    assert min(failing) in here  # run here, whoever took it first


def test_an_event_log_or_one_cpu_keeps_every_replication_here(host, flood, monkeypatch, tmp_path, taken_here):
    monkeypatch.setattr(forked, "usable_cpus", lambda: 1)
    here = taken_here
    runner.run(flood, host, replications=2, processes=2)
    assert here == [0, 1]
    monkeypatch.setattr(forked, "usable_cpus", lambda: 2)
    monkeypatch.setattr(forked, "load_average", lambda: 0.3)
    with open(tmp_path / "events.jsonl", "w", encoding="utf-8") as out:
        runner.run(flood, host, replications=2, processes=2, events_out=out)
    assert here == [0, 1, 0, 1]


@linux
def test_a_traced_run_keeps_every_replication_here(host, flood, two_cpus, taken_here):
    # a hook trace's lines come in replication order only if one process writes them
    from drillsim.host import hooktrace

    here = taken_here
    was = hooktrace.log.level
    hooktrace.log.setLevel(logging.DEBUG)  # (setLevel: the logger caches isEnabledFor)
    try:
        assert hooktrace.tracing()
        runner.run(flood, host, replications=3, processes=2)
    finally:
        hooktrace.log.setLevel(was)
    assert here == [0, 1, 2]


def test_a_busy_machine_makes_no_copy(monkeypatch, two_cpus):
    """Two CPUs and a load average of 1.6 or more: the second is not free."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the copy is made on Linux only")
    assert forked.can_fork()
    monkeypatch.setattr(forked, "load_average", lambda: 1.6)
    assert not forked.can_fork()
    monkeypatch.setattr(forked, "usable_cpus", lambda: 4)
    assert forked.can_fork()


def test_only_linux_makes_a_copy(monkeypatch, two_cpus):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not forked.can_fork()
    monkeypatch.setattr(sys, "platform", "linux")
    assert forked.can_fork() == hasattr(os, "fork")


def test_the_share_answers_counts_steps_and_a_failed_copy_answers_none():
    def work(step):
        for _ in range(3):
            step()
        return {"pid": os.getpid(), "values": [0.1, 2.5e-300, float("inf")]}

    with forked.ForkedShare(work) as share:
        answer = share.answer()
    assert answer["values"] == [0.1, 2.5e-300, float("inf")]
    assert answer["pid"] != os.getpid()
    assert share.steps_done() == 3

    def broken(step):
        raise ValueError("no")

    with forked.ForkedShare(broken) as share:
        assert share.answer() is None

    def unpicklable(step):
        return lambda: None

    with forked.ForkedShare(unpicklable) as share:
        assert share.answer() is None


def test_leaving_early_kills_and_reaps_the_copy():
    def slow(step):
        time.sleep(60)
        return 1

    with pytest.raises(KeyboardInterrupt), forked.ForkedShare(slow) as share:
        pid = share._pid
        raise KeyboardInterrupt
    with pytest.raises(ChildProcessError):  # reaped: no longer this process's child
        os.waitpid(pid, os.WNOHANG)


def test_a_forked_child_guards_its_runs_with_a_fresh_watchdog_lock():
    """The parent's watching thread may hold the watchdog's lock at the fork (held here
    by hand): the child must not wait for it for ever."""
    from drillsim.engine import watchdog

    with watchdog._WARDEN._lock:
        pid = os.fork()
        if pid == 0:  # the child
            status = 1
            try:
                with watchdog.Watchdog(lambda: 0.0, lambda: 0, 60.0):
                    status = 0
            finally:
                os._exit(status)
    for _ in range(200):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child waited for the parent's watchdog lock")
    assert status == 0


def test_claims_hand_each_index_out_once_to_a_process_and_its_copy():
    with forked.Claims(0, 300) as claims, \
            forked.ForkedShare(lambda step: list(iter(claims.take, None))) as share:
        mine = list(iter(claims.take, None))
        theirs = share.answer()
    assert sorted(mine + theirs) == list(range(300))
    assert claims.stop == 300


def test_what_the_copy_prints_without_a_newline_at_the_end_is_written(capfd):
    """A plugin's ``print(..., end="")`` in the copy sits in the copy's line-buffered
    stream until a newline; the copy ends with ``os._exit``, which flushes nothing, so the
    copy writes its streams out first (as the process itself does at exit)."""

    def work(step):
        print("partial", end="")
        print("warned", end="", file=sys.stderr)
        return 1

    with forked.ForkedShare(work) as share:
        assert share.answer() == 1
    out, err = capfd.readouterr()
    assert out == "partial" and err == "warned"


def test_what_a_failing_copy_printed_without_a_newline_is_written(capfd):
    def work(step):
        print("before the fault", end="")
        raise RuntimeError("fault")

    with forked.ForkedShare(work) as share:
        assert share.answer() is None
    assert capfd.readouterr().out == "before the fault"


@pytest.mark.parametrize("given, expected", [(None, "1"), ("3", "3")])
def test_a_run_asks_openblas_for_no_worker_threads_unless_told(given, expected):
    """OpenBLAS reads OPENBLAS_NUM_THREADS when numpy loads it: a run sets 1 where the
    environment says nothing, and leaves what the user set."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = ("import os, sys\nfrom drillsim.cli.main import main\n"
            f"try:\n    main(['run', {str(FLOOD)!r}, '-n', '1', '-q'])\nexcept SystemExit:\n    pass\n"
            "print(os.environ.get('OPENBLAS_NUM_THREADS'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env).stdout
    assert out.strip().splitlines()[-1] == expected


@pytest.mark.parametrize("command", ["batch", "sensitivity", "optimise"])
def test_commands_with_workers_ask_openblas_for_no_worker_threads(command, tmp_path):
    """batch, sensitivity and optimise set OPENBLAS_NUM_THREADS=1 before numpy loads, in
    the command's own process, and so in the fork server and workers that inherit its
    environment (here shown with a file the command refuses after it began)."""
    import subprocess

    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    code = ("import os, sys\nfrom drillsim.cli.main import main\n"
            f"try:\n    main([{command!r}, {str(empty)!r}])\nexcept SystemExit:\n    pass\n"
            "print(os.environ.get('OPENBLAS_NUM_THREADS'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env, cwd=tmp_path).stdout
    assert out.strip().splitlines()[-1] == "1"
