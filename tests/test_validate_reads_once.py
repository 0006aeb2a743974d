"""``validate`` reads each file from disk once (it read the file it was given twice, the
second time without the checked reader, to find its kind; then its loader read it a
third time): one consistent view of a file being edited, every read through
``read_bytes``."""

from __future__ import annotations

import pathlib
from collections import Counter

import pytest
from click.testing import CliRunner

import drillsim.scenario.yamlsource as yamlsource
from drillsim.cli.main import main

from .conftest import ROOT, SCENARIOS

CORPUS = ROOT / "tests" / "bad_inputs" / "scenarios"


@pytest.fixture()
def reads(monkeypatch):
    counted: Counter[str] = Counter()
    real = yamlsource.read_bytes

    def counting(path, shown, **kwargs):
        counted[str(pathlib.Path(path).resolve())] += 1
        return real(path, shown, **kwargs)

    plain = pathlib.Path.read_text

    def unchecked(self, *args, **kwargs):
        if self.suffix == ".yaml":  # (metadata of installed packages is read so, rightly)
            raise AssertionError(f"{self} read without the checked reader")
        return plain(self, *args, **kwargs)

    monkeypatch.setattr(yamlsource, "read_bytes", counting)
    monkeypatch.setattr(pathlib.Path, "read_text", unchecked)
    return counted


@pytest.mark.parametrize("given", [CORPUS / "valid.yaml", CORPUS / "sweeps" / "valid.yaml",
                                   SCENARIOS / "packs" / "flood.yaml"])
def test_validate_reads_each_file_once(given, reads):
    result = CliRunner().invoke(main, ["validate", str(given)])
    assert result.exit_code == 0, result.output
    assert reads[str(given.resolve())] == 1
    assert reads and max(reads.values()) == 1, reads


def test_outside_validate_files_are_read_each_time(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yamlsource.read_text(path, "a.yaml") == "a: 1\n"
    path.write_text("a: 2\n", encoding="utf-8")
    assert yamlsource.read_text(path, "a.yaml") == "a: 2\n"
    with yamlsource.read_once():
        assert yamlsource.read_text(path, "a.yaml") == "a: 2\n"
        path.write_text("a: 3\n", encoding="utf-8")
        assert yamlsource.read_text(path, "a.yaml") == "a: 2\n"  # the text first read
    assert yamlsource.read_text(path, "a.yaml") == "a: 3\n"


def test_batch_reads_the_sweep_and_its_scenario_files_once_while_checking(tmp_path, monkeypatch):
    """Each variant was loaded from the files read again: a scenario edited while a batch
    checked its sweep could give variants of two versions."""
    reads: Counter[str] = Counter()
    real = yamlsource.read_bytes

    def counting(path, shown, **kwargs):
        reads[str(pathlib.Path(path).resolve())] += 1
        return real(path, shown, **kwargs)

    monkeypatch.setattr(yamlsource, "read_bytes", counting)
    sweep = CORPUS / "sweeps" / "valid.yaml"
    result = CliRunner().invoke(main, ["batch", str(sweep), "--workers", "0", "-q",
                                       "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output
    assert reads[str(sweep.resolve())] == 1
    assert reads[str((CORPUS / "valid.yaml").resolve())] == 1, reads
