"""README's command lines cannot drift: every `drillsim` line in its shell blocks is run
here (in a copy of the scenarios folder) or listed below with the reason it is not, and the
outputs README prints for the calculators and for a bad input are what the commands print."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: README lines not run here, with why (a new line must be run or added here)
NOT_RUN = {
    "drillsim batch scenarios/sweeps/flood_2020_teams_reserve.yaml": "720 replications: minutes (tests/test_batch_*.py run small sweeps)",
    "drillsim batch scenarios/sweeps/flood_2020_teams_reserve.yaml --resume": "needs the batch above",
    "drillsim results flood_2020_teams_reserve.db --target R1 --export tidy.csv --plots plots/": "needs the batch above (tests/test_batch_results.py)",
    "drillsim batch SWEEP --executor dask --workers 2": "a placeholder SWEEP; Dask batches: tests/test_batch_*.py",
    "drillsim batch SWEEP --scheduler tcp://127.0.0.1:8786": "needs a running Dask scheduler",
    "drillsim drill serve scenarios/packs/flood.yaml --seats scenarios/seats/flood.yaml --secrets-dir secrets":
        "a server: runs until Ctrl-C (tests/test_drill_server.py serves the same pack and seats on loopback)",
    "drillsim drill join 127.0.0.1:8765 --seat control --secret-file secrets/control.secret":
        "a full-screen client of the server above (tests/test_drill_join.py joins one on loopback)",
    "drillsim drill join 127.0.0.1:8765 --seat water --secret-file secrets/water.secret":
        "a full-screen client of the server above (tests/test_drill_join.py joins one on loopback)",
}


def shell_lines() -> list[str]:
    """The `drillsim …` commands of README's ```sh blocks (comments cut; `a && drillsim …`
    gives its drillsim part)."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            for part in line.split("&&"):
                part = part.strip()
                if part.startswith("drillsim "):
                    out.append(part)
    return out


def test_every_command_line_is_run_or_excused():
    lines = shell_lines()
    assert len(lines) >= 10
    unknown = [line for line in lines if line not in NOT_RUN and line not in RUN]
    assert unknown == [], "run these in this test or say in NOT_RUN why not"
    assert set(NOT_RUN) <= set(lines), "NOT_RUN names lines README no longer has"


RUN = [line for line in shell_lines() if line not in NOT_RUN]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    here = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "scenarios", here / "scenarios")
    shutil.copytree(ROOT / "docs", here / "docs")
    return here


@pytest.mark.parametrize("line", RUN)
def test_readme_command_runs(folder, monkeypatch, line):
    monkeypatch.chdir(folder)
    args = shlex.split(line)[1:]
    if args[0] == "run":
        args += ["-n", "2"]       # the quick check: the scenario's 20 replications are bench/'s job
    result = CliRunner().invoke(main, args, env={"COLUMNS": "88"})
    assert result.exit_code == 0, result.output
    # the output README shows after a calculator's command is the command's output
    block = re.search(re.escape(line) + r"\n```\n\n```\n(.*?)```", README, flags=re.S)
    if block:
        assert result.output == block.group(1)


def test_the_bad_input_example_is_what_validate_prints(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    path = Path("scenarios/fujiang_flood_2020.yaml")
    text = path.read_text(encoding="utf-8")
    text = text.replace("  horizon: 4d\n", "  horizon: 96\n", 1)
    text = text.replace("type: water_rescue_team\n", "type: water_rescue_teem\n", 1)
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    shown = re.search(r"\(`drillsim validate scenarios/fujiang_flood_2020.yaml`\):\n\n```\n(.*?)```",
                      README, flags=re.S).group(1)
    assert result.output == shown


#: README lines that README runs from the drillsim folder by design (its "Start one": the
#: scenario is written into scenarios/ there)
FROM_THE_DRILLSIM_FOLDER = {"drillsim new-scenario my_calls", "drillsim validate scenarios/my_calls.yaml",
                            "drillsim run scenarios/my_calls.yaml"}


@pytest.mark.parametrize("line", [line for line in RUN if line not in FROM_THE_DRILLSIM_FOLDER
                                  and "scenarios/" in line])
def test_readme_command_runs_from_another_folder(folder, tmp_path, monkeypatch, line):
    """The same line from a folder that is not drillsim's, its files named by where they
    are (``drillsim run /path/to/drillsim/scenarios/…``), as after README's ``pip install
    .``: nothing may depend on the current folder (a default file read from it, an output
    beside it)."""
    monkeypatch.chdir(tmp_path)
    args = [str(folder / a) if a.startswith("scenarios/") else a for a in shlex.split(line)[1:]]
    if args[0] == "run":
        args += ["-n", "2"]
    result = CliRunner().invoke(main, args, env={"COLUMNS": "88"})
    assert result.exit_code == 0, result.output
    # outputs named without a folder land in the folder the command was run from
    outputs = [args[i + 1] for i, a in enumerate(args) if a in ("--report", "--json", "--db")]
    assert all((tmp_path / name).is_file() for name in outputs), (outputs, sorted(tmp_path.iterdir()))
