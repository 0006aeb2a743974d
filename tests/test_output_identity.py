"""Two outputs to one place by different names are refused before anything runs: a
file and its hard link, standard output as ``-`` and as ``/dev/stdout`` (or
``/dev/fd/1``). Compared by what the names lead to (device and inode), not by their
text; the null device takes any number of outputs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

from .conftest import ROOT

VALID = ROOT / "tests" / "bad_inputs" / "scenarios" / "valid.yaml"


def test_a_file_and_its_hard_link_are_one_output(tmp_path):
    first = tmp_path / "a.json"
    first.write_text("{}", encoding="utf-8")
    os.link(first, tmp_path / "b.jsonl")
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--json", str(first),
                                       "--events", str(tmp_path / "b.jsonl")])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"{tmp_path / 'b.jsonl'} (--events): --json ({first}) writes to the same place by another "
        "name; give each output its own file; nothing was run")
    assert first.read_text(encoding="utf-8") == "{}"


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout on this system")
@pytest.mark.parametrize("events, json_, said", [
    ("-", "/dev/stdout", "- (--events): --json (/dev/stdout) writes to the same place by another name"),
    ("/dev/stdout", "-", "/dev/stdout (--events): --json (standard output) writes to the same place "
                         "by another name"),
    ("/dev/fd/1", "/dev/stdout", "/dev/fd/1 (--events): --json (/dev/stdout) writes to the same place "
                                 "by another name"),
])
def test_standard_output_by_two_names_is_one_output(events, json_, said):
    """In a real process (click's test runner has no standard output file to compare)."""
    done = subprocess.run([sys.executable, "-m", "drillsim", "run", str(VALID), "-n", "1", "-q",
                           "--events", events, "--json", json_], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == said + "; give each output its own file; nothing was run"
    assert done.stdout == ""


def test_the_null_device_takes_two_outputs():
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--json", os.devnull,
                                       "--events", os.devnull])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("args", [
    ["run", str(VALID), "-n", "1", "-q", "--json", "{loop}"],
    ["results", "x.db", "--plots", "{loop}"],
])
def test_an_output_through_a_symbolic_link_loop_is_refused(args, tmp_path, monkeypatch):
    """Path.resolve raised RuntimeError ("Symlink loop"): a traceback."""
    monkeypatch.chdir(tmp_path)
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    result = CliRunner().invoke(main, [str(loop) if a == "{loop}" else a for a in args])
    assert result.exit_code == 2, result.output
    assert result.output.strip().endswith(
        ": cannot follow it (its symbolic links lead round in a loop); give another name; "
        "nothing was run"), result.output
    assert str(loop) in result.output and "Traceback" not in result.output


def test_a_plugin_module_through_a_symbolic_link_loop_is_refused(tmp_path):
    loop = tmp_path / "rules.py"
    loop.symlink_to("rules.py")
    result = CliRunner().invoke(main, ["plugins", "--plugin-module", f"x={loop}"])
    assert result.exit_code == 2, result.output
    assert f"plugin 'x': cannot follow '{loop}' (its symbolic links lead round in a loop)" in result.output


def test_an_output_name_too_long_to_write_beside_is_refused_before_the_run(tmp_path, monkeypatch):
    """250 bytes is a valid name, but the temporary file it is written as first
    (.NAME.xxxxxxxx) is not: 'File name too long' came once the run was done."""
    monkeypatch.chdir(tmp_path)
    name = "a" * 246 + ".json"
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--json", name])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"{name} (--json): the file name is too long (more than 245 bytes: it is written as a "
        "temporary file beside it, then renamed); give a shorter name; nothing was run")
    ok = "a" * 240 + ".json"
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--json", ok])
    assert result.exit_code == 0, result.output
    assert (tmp_path / ok).is_file()
