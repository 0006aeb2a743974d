"""Outputs never replace a file drillsim ships or reads (`kept_file`): a YAML file, a
stored sensitivity result (only `drillsim sensitivity` of its scenario writes it), a batch
database, a drill log and its controller log, a file of drillsim itself. `plan --json
scenarios/sensitivity/forest_fire.json` replaced the result `run` reads for its note."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.cli.support import Fail, check_writable, kept_file

from .conftest import ROOT, SCENARIOS

VALID = ROOT / "tests" / "bad_inputs" / "scenarios" / "valid.yaml"


@pytest.fixture()
def shipped(tmp_path):
    """A copy of the shipped scenarios folder (its stored sensitivity results with it)."""
    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root, ignore=shutil.ignore_patterns("validation", "calc"))
    return root


def test_plan_json_does_not_replace_a_stored_sensitivity_result(shipped):
    stored = shipped / "sensitivity" / "forest_fire.json"
    before = stored.read_bytes()
    result = CliRunner().invoke(main, ["plan", str(shipped / "plans" / "tongnan-2021.yaml"),
                                       "--json", str(stored)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"{stored} (--json): is the stored sensitivity result of forest_fire.yaml (run reads "
        "it); only drillsim sensitivity of that scenario replaces it. Name another file; "
        "nothing was run")
    assert stored.read_bytes() == before


def test_sensitivity_of_that_scenario_may_replace_it_and_no_other(shipped):
    stored = shipped / "sensitivity" / "forest_fire.json"
    check_writable([stored], (), ["--json"], may_replace=[stored])  # no Fail
    with pytest.raises(Fail, match="stored sensitivity result of forest_fire.yaml"):
        check_writable([stored], (), ["--json"], may_replace=[shipped / "sensitivity" / "guxi_landslide.json"])


def test_a_json_file_beside_no_scenario_is_an_ordinary_output(tmp_path):
    (tmp_path / "sensitivity").mkdir()
    mine = tmp_path / "sensitivity" / "mine.json"
    mine.write_text("{}", encoding="utf-8")
    assert kept_file(mine) is None
    assert kept_file(tmp_path / "sensitivity" / "missing.json") is None


def _drill_log(tmp_path):
    log = tmp_path / "d.jsonl"
    log.write_text("{}\n", encoding="utf-8")
    (tmp_path / "d.controller.jsonl").write_text("{}\n", encoding="utf-8")
    return log


def _database(tmp_path):
    db = tmp_path / "results.json"  # whatever its name: the first bytes say SQLite
    sqlite3.connect(db).execute("create table t (x)").connection.close()
    return db


def _yaml(tmp_path):
    path = tmp_path / "region.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("make, what", [
    (_drill_log, "a drill log (its controller log is beside it)"),
    (lambda t: _drill_log(t).with_name("d.controller.jsonl"), "a drill's controller log"),
    (_database, "a database (a batch's results)"),
    (_yaml, "a YAML file (a scenario, region, plan, sweep, pack or seats file): no output replaces one"),
    (lambda t: ROOT / "drillsim" / "__init__.py", "a file of drillsim itself"),
])
def test_run_outputs_do_not_replace_kept_files(make, what, tmp_path):
    target = make(tmp_path)
    before = target.read_bytes()
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--events", str(target)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"{target} (--events): is {what}. Name another file; nothing was run"
    assert target.read_bytes() == before


def _real_drill_logs(tmp_path):
    """A drill's two logs as a drill writes them (its first records), in ``made/``."""
    from drillsim.drill.drilllog import FORMAT, DrillLog

    (tmp_path / "made").mkdir()
    log = DrillLog(tmp_path / "made" / "drill.jsonl", "control secret")
    log.controller.append({"rec": "setup", "format": FORMAT, "seed": 1, "drawn": {}, "t": 0.0})
    log.player.append({"rec": "drill_started", "format": FORMAT, "t": 0.0,
                       "start": "2020-08-16T09:00:00", "horizon": 600.0})
    log.close()
    return tmp_path / "made" / "drill.jsonl", tmp_path / "made" / "drill.controller.jsonl"


@pytest.mark.parametrize("which, name, what", [
    (0, "drill.jsonl", "a drill log (a drill's player log)"),
    (0, "copy-for-review.json", "a drill log (a drill's player log)"),
    (1, "drill.controller.jsonl", "a drill's controller log"),
    (1, "sealed.jsonl", "a drill's controller log"),
])
def test_a_drill_log_copied_alone_is_kept(tmp_path, which, name, what):
    """A drill log was known only by the other log beside it: copied (or renamed) alone,
    `run --events` replaced it. It is known by its first line now."""
    import shutil

    copy = tmp_path / name
    shutil.copyfile(_real_drill_logs(tmp_path)[which], copy)
    before = copy.read_bytes()
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--events", str(copy)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"{copy} (--events): is {what}. Name another file; nothing was run"
    assert copy.read_bytes() == before


def test_an_event_log_is_no_drill_log_and_is_replaced(tmp_path):
    events = tmp_path / "events.jsonl"
    for _ in range(2):
        result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--events", str(events)])
        assert result.exit_code == 0, result.output
    assert kept_file(events) is None


def test_an_earlier_output_is_replaced_as_before(tmp_path):
    out = tmp_path / "out.json"
    out.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("{\n")


SWEEP = ROOT / "tests" / "bad_inputs" / "scenarios" / "sweeps" / "valid.yaml"


@pytest.mark.parametrize("make", ["fifo", "link to fifo"])
def test_batch_db_that_is_no_regular_file_is_refused(make, tmp_path):
    """``batch --db /dev/null`` found "no tables" in the device and renamed a new database
    over the machine's null device. (Tested with a named pipe here: the same rename would
    replace it, harmlessly.)"""
    import os
    import stat

    fifo = tmp_path / "f.db"
    os.mkfifo(fifo)
    db = fifo
    if make == "link to fifo":
        db = tmp_path / "link.db"
        db.symlink_to(fifo)
    result = CliRunner().invoke(main, ["batch", str(SWEEP), "--workers", "0", "--db", str(db), "-q"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (f"--db {db}: not a regular file (a device, a pipe …); a batch "
                                     "database is a file: name one; nothing was run")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_batch_db_over_a_kept_file_is_refused(tmp_path):
    scenario = tmp_path / "x.yaml"
    scenario.write_text("name: x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(SWEEP), "--workers", "0", "--db", str(scenario),
                                       "--resume", "-q"])
    assert result.exit_code == 2, result.output
    assert "is a YAML file" in result.output
    assert scenario.read_text(encoding="utf-8") == "name: x\n"


@pytest.mark.parametrize("name", ["pyproject.toml", "setup.py", "setup.cfg", "notes.rst"])
def test_a_source_or_project_file_is_never_an_output(tmp_path, name):
    # `run --json pyproject.toml` replaced the project's file (no output has such a name)
    project = tmp_path / name
    project.write_text("[project]\n", encoding="utf-8")
    with pytest.raises(Fail, match=r"is a source or project file \(\.\w+\): no drillsim output is "
                                   r"one, so none replaces it\. Name another file; nothing was run"):
        check_writable([project], (), ["--json"])
    assert project.read_text(encoding="utf-8") == "[project]\n"


def test_only_a_report_replaces_a_markdown_file(tmp_path):
    # `run --json README.md` replaced the README with JSON; a report may replace a report
    readme = tmp_path / "README.md"
    readme.write_text("# My notes\n", encoding="utf-8")
    for option in ("--json", "--events", "--export"):
        with pytest.raises(Fail, match=r"is a Markdown document, which only a report \(--report, "
                                       r"--review\) replaces"):
            check_writable([readme], (), [option])
    check_writable([readme], (), ["--report"])  # no Fail: a report again
    check_writable([tmp_path / "new.md"], (), ["--json"])  # a new file: the user's choice
    result = CliRunner().invoke(main, ["run", str(VALID), "-n", "1", "-q", "--json", str(readme)])
    assert result.exit_code == 2, result.output
    assert readme.read_text(encoding="utf-8") == "# My notes\n"


def test_a_link_into_a_missing_folder_names_that_folder(tmp_path):
    # it named the link's own folder, which exists
    (tmp_path / "here").mkdir()
    link = tmp_path / "here" / "out.json"
    link.symlink_to(tmp_path / "gone" / "out.json")
    with pytest.raises(Fail) as err:
        check_writable([link], (), ["--json"])
    assert str(err.value) == (f"{link}: folder {str(tmp_path / 'gone')!r} does not exist (where "
                              "the link points); nothing was run")


def test_inputs_that_are_devices_say_what_was_wanted(tmp_path):
    # --sensitivity on a device asked for "a YAML file"; results on one said "no such database"
    device = tmp_path / "full"
    device.symlink_to("/dev/full")
    runner = CliRunner()
    result = runner.invoke(main, ["run", str(VALID), "-n", "1", "-q", "--sensitivity", str(device)])
    assert result.exit_code == 2
    assert (f"{device} (--sensitivity): not a regular file (a pipe, a device …); name a drillsim "
            "sensitivity --json file") in result.output
    result = runner.invoke(main, ["results", str(device)])
    assert result.exit_code == 2
    assert result.output.strip() == (f"{device}: not a file (a folder, a device or a pipe); a batch "
                                     "database is a file")


@pytest.mark.parametrize("args, option", [
    (["run", str(VALID), "-n", "1", "-q", "--json", "{out}"], "--json"),
    (["run", str(VALID), "-n", "1", "-q", "--events", "{out}"], "--events"),
    (["run", str(VALID), "-n", "1", "-q", "--report", "{out}"], "--report"),
    (["plan", str(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml"), "--json", "{out}"], "--json"),
    (["batch", str(SWEEP), "--workers", "0", "--db", "{out}"], "--db"),
    (["coverage", str(VALID), "--json", "{out}"], "--json"),
])
@pytest.mark.parametrize("name", ["out.yml", "Out.YAML"])
def test_no_output_takes_a_yaml_name(tmp_path, args, option, name):
    """An output named .yml was written (only an existing YAML file was kept), then
    `plan --scenarios` of its folder read it as a scenario and stopped at its first line
    (a JSON Lines event log: "YAML syntax error"), and the next run could not replace it
    (an existing YAML file is kept). No drillsim output is YAML: the name is refused."""
    out = tmp_path / name
    result = CliRunner().invoke(main, [a.replace("{out}", str(out)) for a in args])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        f"Error: Invalid value for '{option}': '{out}': name a file not ending "
        f"{out.suffix.lower()}: no drillsim output is YAML, and a .yaml or .yml file is read "
        "as a scenario, plan or other input (plan --scenarios reads every one in a folder)")
    assert list(tmp_path.iterdir()) == []

