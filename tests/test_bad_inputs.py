"""The bad-input corpus (tests/bad_inputs/): every broken scenario, region, plan and sweep
file gets exactly the expected messages (file:line:column: field: what), exit status 2, no
traceback, and nothing run or written — through `validate`, and through `run --json` (a
scenario) or `batch --db` (a sweep)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from drillsim.cli.main import main

HERE = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_complete():
    files = sorted(str(p.relative_to(HERE)) for pattern in ("[0-9]*.yaml", "sweeps/[0-9]*.yaml")
                   for p in (HERE / "scenarios").glob(pattern))
    assert files == sorted(EXPECTED)
    assert len(EXPECTED) >= 40
    assert sum(name.startswith("scenarios/sweeps/") for name in EXPECTED) >= 8


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and "problem(s) found" not in line]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input(name, monkeypatch, tmp_path):
    monkeypatch.chdir(HERE)
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", name])
    assert checked.exit_code == 2, checked.output
    assert "Traceback" not in checked.output
    assert _lines(checked.output) == EXPECTED[name]
    if name.startswith("scenarios/sweeps/"):
        out = tmp_path / "results.db"
        ran = runner.invoke(main, ["batch", name, "--workers", "0", "--db", str(out)])
        assert ran.exit_code == 2 and _lines(ran.output) == EXPECTED[name]
        assert not out.exists()
        return
    out = tmp_path / "scorecard.json"
    ran = runner.invoke(main, ["run", name, "-n", "1", "--json", str(out), "--events", str(tmp_path / "e.jsonl")])
    assert ran.exit_code == 2 and _lines(ran.output) == EXPECTED[name]
    assert not out.exists() and not (tmp_path / "e.jsonl").exists()


@pytest.mark.parametrize("name", ["scenarios/valid.yaml", "scenarios/sweeps/valid.yaml"])
def test_the_valid_bases_are_valid(name, monkeypatch):
    monkeypatch.chdir(HERE)
    result = CliRunner().invoke(main, ["validate", name])
    assert result.exit_code == 0, result.output
    if "sweeps" in name:  # team size 3 or 5 × 1 or 2 units
        assert "valid sweep — 4 variant(s) of valid.yaml, 2 replication(s) each" in result.output


COMMANDS = yaml.safe_load((HERE / "commands.yaml").read_text(encoding="utf-8"))


def command_args(case: dict) -> list[str]:
    """A command line of commands.yaml, ``{long}`` written out (5,000 nines)."""
    return [str(a).replace("{long}", "9" * 5000) for a in case["args"]]


def test_the_command_corpus_is_complete():
    assert len(COMMANDS) >= 14
    assert all(set(case) == {"args", "says"} for case in COMMANDS)


@pytest.mark.parametrize("case", COMMANDS, ids=lambda c: " ".join(map(str, c["args"]))[:60])
def test_bad_command_line(case, tmp_path, monkeypatch):
    """A bad option or argument: its line, exit status 2, no traceback, nothing written
    (a copy of this folder, so a file the command wrongly made would be seen)."""
    import shutil

    shutil.copytree(HERE / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(main, command_args(case))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert case["says"] in result.output.splitlines(), result.output
    assert sorted(p for p in tmp_path.rglob("*")) == before
