"""The options that choose where replications run (``--workers``, ``--executor``,
``--scheduler``), as a user meets them: more workers than CPUs is a one-line warning
(both executors; the hard limit stays); a scheduler address where no Dask scheduler
answers is refused within seconds, in one located line, exit status 2 (it used to wait
Dask's 30 s connect timeout, or for ever on a server that never answers); a batch's
error output starts with the error (no blank line: the progress display draws only on a
terminal); Ctrl-C as a batch ends, with every replication stored, still prints its
table."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from click.testing import CliRunner

from drillsim.batch import executor_choice
from drillsim.batch.errors import BatchSetupError
from drillsim.batch.executor import InProcessExecutor
from drillsim.cli.main import main
from tests.batch_helpers import FACTORIAL, write_sweep


def _free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------- --scheduler
def test_a_refused_scheduler_fails_at_once_in_one_located_line(mini, tmp_path):
    sweep = write_sweep(mini, FACTORIAL)
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["batch", str(sweep), "--scheduler", address,
                                       "--db", str(tmp_path / "out.db")])
    took = time.monotonic() - started
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"--scheduler {address}: cannot connect (connection refused); is a Dask scheduler "
        "running there? Start one with: dask scheduler"]
    assert took < 3, took     # Dask's client alone retries for 30 s
    assert not (tmp_path / "out.db").exists()


def test_a_server_that_never_answers_is_not_waited_on(monkeypatch):
    monkeypatch.setattr(executor_choice, "REACH_SECONDS", 0.5)
    with socket.socket() as server:   # the kernel accepts connections; nobody answers
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(BatchSetupError) as info:
            executor_choice.make_executor(None, None, address)
        assert time.monotonic() - started < 2
    assert str(info.value) == (f"--scheduler {address}: no Dask scheduler answered within 0.5 s "
                               "(a wrong address or port, or a firewall?)")


def test_a_server_that_hangs_up_is_not_a_scheduler():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"

        def hang_up():
            conn, _ = server.accept()
            conn.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        with pytest.raises(BatchSetupError) as info:
            executor_choice.make_executor("dask", None, address)
        thread.join(5)
    assert str(info.value) == (f"--scheduler {address}: what answers there closed the connection "
                               "at once: not a Dask scheduler")


@pytest.mark.parametrize("address, message", [
    ("tcp://no-such-host.invalid:8786", "--scheduler tcp://no-such-host.invalid:8786: unknown host "
                                        "'no-such-host.invalid' ("),
    ("127.0.0.1:99999", "--scheduler '127.0.0.1:99999': a port is a number from 1 to 65535"),
    ("tcp://127.0.0.1:0", "--scheduler 'tcp://127.0.0.1:0': a port is a number from 1 to 65535"),
])
def test_scheduler_addresses_that_cannot_be_reached(address, message):
    with pytest.raises(BatchSetupError) as info:
        executor_choice.make_executor(None, None, address)
    assert str(info.value).startswith(message)


# ----------------------------------------------------------------------- --workers
@pytest.fixture
def two_cpus(monkeypatch):
    """A machine of 2 CPUs, whose executor stops the command once the options are read."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def stop(*args, **kwargs):
        raise BatchSetupError("stopped here by the test")

    monkeypatch.setattr(executor_choice, "make_executor", stop)


WARNING = ("warning: --workers {} is more than this machine's 2 CPU(s): the workers share them "
           "(no faster, and about 100 MB of memory each)")


@pytest.mark.parametrize("command", ["batch", "sensitivity", "size", "optimise"])
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_more_workers_than_cpus_is_a_one_line_warning(two_cpus, command, executor, tmp_path):
    args = [command, str(tmp_path / "x.yaml"), "--executor", executor, "--workers", "1000"]
    if command == "size":
        args += ["--target", "R", "--force", "a"]
    result = CliRunner().invoke(main, args)
    assert result.output.splitlines()[0] == WARNING.format(1000)
    assert result.output.count("warning:") == 1


@pytest.mark.parametrize("workers", ["1", "2"])
def test_no_warning_up_to_the_cpus(two_cpus, workers, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "x.yaml"), "--workers", workers])
    assert "warning" not in result.output
    assert result.output.strip() == "stopped here by the test"


def test_the_hard_limit_stays(two_cpus, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "x.yaml"), "--workers", "4097"])
    assert result.exit_code == 2 and "4097 is not in the range 0<=x<=4096" in result.output


# -------------------------------------------------------- output when stderr is a file
def test_batch_errors_start_with_the_error_not_a_blank_line(mini, tmp_path):
    sweep = write_sweep(mini, FACTORIAL.replace("path: forces.a.units", "path: forces.a.unitz"))
    result = CliRunner().invoke(main, ["batch", str(sweep), "--workers", "0",
                                       "--db", str(tmp_path / "out.db")])
    assert result.exit_code == 2
    assert result.output.startswith(f"{sweep}:"), repr(result.output[:80])


# --------------------------------------------------------------- Ctrl-C at the end
class _InterruptedOnClose(InProcessExecutor):
    """Runs every replication, then Ctrl-C arrives while the workers stop."""

    def close(self) -> None:
        if not getattr(self, "_closed", False):
            self._closed = True
            raise KeyboardInterrupt


class _InterruptedMidway(InProcessExecutor):
    """Ctrl-C after the first replication."""

    def batches(self, tasks):
        for i, batch in enumerate(super().batches(tasks)):
            if i == 1:
                raise KeyboardInterrupt
            yield batch


@pytest.mark.parametrize("executor, status", [(_InterruptedOnClose, 0), (_InterruptedMidway, 130)])
def test_ctrl_c_as_a_batch_ends_still_prints_the_table(mini, tmp_path, monkeypatch, executor, status):
    monkeypatch.setattr(executor_choice, "make_executor", lambda *a, **k: executor())
    sweep = write_sweep(mini, FACTORIAL)
    db = tmp_path / "out.db"
    result = CliRunner().invoke(main, ["batch", str(sweep), "--db", str(db)])
    assert result.exit_code == status, result.output
    if status == 0:   # 6 variants x 3 replications, all stored: the table, as --resume shows it
        assert ("interrupted as the batch ended; every replication was stored: 18 of 18 in "
                f"{db}") in result.output
        assert "Variants ranked by the objective" in result.output
        resumed = CliRunner().invoke(main, ["batch", str(sweep), "--db", str(db), "--resume",
                                            "--workers", "0"])
        assert resumed.exit_code == 0
        table = result.output[result.output.index("mini factorial"):]
        assert table == resumed.output[resumed.output.index("mini factorial"):]
    else:
        assert result.output.splitlines()[-1] == (
            f"interrupted: 1 of 18 replications are stored in {db}; run the same command with "
            "--resume to finish")
        assert "Variants ranked" not in result.output


def test_a_busy_port_8787_is_no_warning_on_a_local_dask_batch(mini, tmp_path):
    """The scheduler's HTTP server took 8787 by default, and when that port was busy
    Dask printed a four-line UserWarning ("Port 8787 is already in use …") on every batch
    (from the helper process that runs the cluster: a real process is run here)."""
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("distributed")
    sweep = write_sweep(mini, FACTORIAL)
    held = socket.socket()
    try:
        held.bind(("", 8787))
        held.listen(1)
    except OSError:
        pass   # busy already: the case itself
    try:
        proc = subprocess.run([str(Path(sys.executable).parent / "drillsim"), "batch", str(sweep),
                               "--executor", "dask", "--workers", "1", "-n", "1", "--db",
                               str(tmp_path / "out.db"), "-q"], capture_output=True, timeout=180)
    finally:
        held.close()
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "already in use" not in err and "Warning" not in err, err
    assert err.startswith("6 replication(s) run (local Dask cluster, 1 worker(s)); 6 of 6"), err


def _fork_server_of(pid: int) -> int | None:
    """The fork server a process started (a child running multiprocessing.forkserver)."""
    from pathlib import Path

    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in status and b"multiprocessing.forkserver" in cmdline:
            return int(entry.name)
    return None


@pytest.mark.skipif(not __import__("os").path.isdir("/proc"), reason="reads /proc")
def test_ctrl_c_while_the_fork_server_imports_prints_no_traceback(mini, tmp_path):
    """Ctrl-C reaches the whole process group, the fork server too, which spent a second
    or more importing drillsim and the plugins with SIGINT's default handling: its
    KeyboardInterrupt traceback followed the batch's "interrupted" line."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    sweep = write_sweep(mini, FACTORIAL)
    proc = subprocess.Popen([str(Path(sys.executable).parent / "drillsim"), "batch", str(sweep),
                             "--workers", "2", "--db", str(tmp_path / "out.db")],
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while _fork_server_of(proc.pid) is None:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.005)
    time.sleep(0.3)   # the server is importing drillsim (about a second)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()
    assert err.decode().splitlines()[-1].startswith("interrupted")


def test_a_local_dask_cluster_of_the_default_size_is_described_with_its_count():
    """It printed "one per CPU worker(s)"; then "one worker per CPU" without the count."""
    import os

    pytest.importorskip("distributed")
    from drillsim.batch.dask_executor import DaskExecutor

    cpus = os.cpu_count() or 1
    assert DaskExecutor().describe() == f"local Dask cluster, one worker per CPU ({cpus})"
    assert DaskExecutor(workers=3).describe() == "local Dask cluster, 3 worker(s)"
