"""The bad-input corpus (tests/bad_inputs/): every broken scenario, region and plan file
gets exactly the expected messages (file:line:column: field: what), exit status 2, no
traceback, and nothing run or written — through `validate` and through `run --json`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from drillsim.cli import main

HERE = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_complete():
    files = sorted(str(p.relative_to(HERE)) for p in (HERE / "scenarios").glob("[0-9]*.yaml"))
    assert files == sorted(EXPECTED)
    assert len(EXPECTED) >= 40


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
    out = tmp_path / "scorecard.json"
    ran = runner.invoke(main, ["run", name, "-n", "1", "--json", str(out), "--events", str(tmp_path / "e.jsonl")])
    assert ran.exit_code == 2 and _lines(ran.output) == EXPECTED[name]
    assert not out.exists() and not (tmp_path / "e.jsonl").exists()


def test_the_valid_base_is_valid(monkeypatch):
    monkeypatch.chdir(HERE)
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml"])
    assert result.exit_code == 0, result.output
