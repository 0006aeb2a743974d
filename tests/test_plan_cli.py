"""``drillsim plan`` names the scenarios it reads as the plan file was given (relative
stays relative), as every other command names its files: a scenario's fault printed its
absolute path (/home/…/scenarios/x.yaml:8:10). Its --json is an output like the others
(- for standard output, written whole, told on stderr)."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from drillsim.cli.main import main

from .conftest import ROOT, SCENARIOS


def test_a_broken_scenario_beside_the_plan_is_named_relative(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "tests" / "bad_inputs" / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plan", "scenarios/plans/mini.yaml"])
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    assert first == ("scenarios/01-yaml-syntax.yaml:8:10: YAML syntax error: expected ',' or ']', "
                     "but got ':'"), first
    assert str(tmp_path) not in result.output


def test_plan_json_goes_to_a_file_or_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    plan = "scenarios/plans/tongnan-2021.yaml"
    piped = CliRunner().invoke(main, ["plan", plan, "--json", "-"])
    assert piped.exit_code == 0, piped.output
    data = json.loads(piped.stdout)
    assert data["plan"] == plan
    out = tmp_path / "plan.json"
    written = CliRunner().invoke(main, ["plan", plan, "--json", str(out)])
    assert written.exit_code == 0, written.output
    assert json.loads(out.read_text(encoding="utf-8")) == data
    assert f"plan coverage written to {out}" in written.output
    assert SCENARIOS.is_dir()
