"""The command line under odd environments a user may have: ``COLUMNS=0`` (rich drew
nothing at all: the scorecard was lost), an ASCII standard output (``LANG=C`` without
locale coercion, ``PYTHONIOENCODING=ascii``: a traceback at the first ``·`` or Chinese
place name), and ``DRILLSIM_PLUGINS`` holding only commas (no plugin loaded, then 61
unrelated faults in the scenario)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("columns", ["0", "-3", "abc", ""])
def test_a_columns_that_is_no_width_is_ignored(corpus, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", columns)
    result = CliRunner().invoke(main, ["run", "scenarios/valid.yaml", "-n", "2"])
    assert result.exit_code == 0
    # the whole scorecard, at the width a file gets (one line per target)
    assert "Verdict: 0 of 2 targets met, 2 missed (R, Q)." in result.stdout
    assert "│ R  │ response" in result.stdout


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"},
                                 {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
                                  "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}])
def test_an_ascii_terminal_gets_question_marks_not_a_traceback(corpus, env):
    drillsim = str(Path(sys.executable).parent / "drillsim")
    scenario = str(ROOT / "scenarios" / "fujiang_flood_2020.yaml")
    proc = subprocess.run([drillsim, "run", scenario, "-n", "1"], capture_output=True,
                          env={**os.environ, **env}, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in proc.stderr
    out = proc.stdout.decode("ascii")            # nothing but ASCII was written
    assert "seed 20200816 ? 1 replication ? horizon 96 h" in out   # '·' became '?'
    assert "Verdict:" in out


def test_drillsim_plugins_of_commas_only_is_refused(corpus, monkeypatch):
    monkeypatch.setenv("DRILLSIM_PLUGINS", " , ,")
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml"])
    assert result.exit_code == 2
    assert result.output == ("plugin error: $DRILLSIM_PLUGINS=' , ,' names no plugin: unset it, or "
                             "name the plugins to load, comma-separated (see `drillsim plugins`)\n")


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "１０", "1_0"])
def test_an_event_time_limit_that_is_no_number_of_seconds_is_refused(value, corpus, monkeypatch):
    """It was silently replaced by the default (60 s), and 'nan' turned the watchdog off
    (no time compares greater than NaN)."""
    from drillsim.engine.watchdog import DEFAULT_LIMIT_S, limit_from_env

    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", value)
    result = CliRunner().invoke(main, ["run", "scenarios/valid.yaml", "-n", "1", "-q"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"DRILLSIM_EVENT_TIME_LIMIT={value!r} is not a number of seconds: give one such as 60 (0 "
        "switches the time limit off), or unset it for the default, 60 s")
    assert limit_from_env() == DEFAULT_LIMIT_S  # the engine, used as a library, falls back
    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", " 12.5 ")
    assert limit_from_env() == 12.5


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", [
    ["--help"], ["run", "--help"],
    ["run", str(ROOT / "tests" / "bad_inputs" / "scenarios" / "valid.yaml"), "-n", "1"],
    ["plugins"], ["schema", "scenario"],
])
def test_output_standard_output_cannot_take_is_one_line_naming_it(args):
    """A help screen is printed before any command runs, outside the commands' own error
    handling: a full disk was a traceback (click handles a closed pipe itself, not this).
    Then the line said only "No space left on device", of no file named: it names
    standard output now (/dev/full is only the redirect target here)."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "drillsim", *args], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == "standard output: cannot write: No space left on device\n"
