"""Ctrl-C ends a batch's fork server at once: it ignores Ctrl-C and noticed its parent
gone only after importing what it preloads (5-8 s measured after the command ended)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the fork server's start method (Linux)")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_fork_server_still_importing_is_ended_at_once(tmp_path):
    (tmp_path / "slowpreload.py").write_text("import time\ntime.sleep(60)\n")
    script = textwrap.dedent("""
        import sys, time
        from multiprocessing import forkserver
        from drillsim.batch.forkserver import start_forkserver, stop_forkserver
        start_forkserver(("slowpreload",))
        time.sleep(1.0)                      # the server is importing (sleeping 60 s)
        print(forkserver._forkserver._forkserver_pid, flush=True)
        stop_forkserver()
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=50)
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout.split()[0])
    while _alive(pid) and time.monotonic() - started < 20:
        time.sleep(0.1)
    assert not _alive(pid)
    assert time.monotonic() - started < 20          # not the 60 s its import takes
