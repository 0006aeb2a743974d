"""The command line guards a user's files: an output that would overwrite an input or
another output is refused before anything runs; files that are not documents (pipes,
devices, huge files, region or plan files given as a scenario) get a message, not a hang
or a pile of unrelated errors; outputs of `results` and `hazard --plot` are checked
before anything is printed; the operating system refusing a file is a message and exit
status 1, not a traceback."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

from .conftest import invoke

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("option, target", [
    ("--json", "scenarios/valid.yaml"),
    ("--events", "scenarios/regions/mini.yaml"),
    ("--report", "scenarios/plans/mini.yaml"),
])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(corpus, option, target):
    before = Path(target).read_bytes()
    result = invoke("run", "scenarios/valid.yaml", "-n", 1, "-q", option, target)
    assert result.exit_code == 2
    assert result.output.strip() == (f"{target} ({option}): is a file this run reads; writing there "
                                     "would destroy it. Name another file; nothing was run")
    assert Path(target).read_bytes() == before


@pytest.mark.parametrize("option", ["--json", "--report", "--events"])
def test_an_output_over_the_sensitivity_result_read_is_refused(corpus, option):
    """--sensitivity FILE, and the result stored beside the scenario, are read by run: an
    output naming one replaced it (the scorecard over the sensitivity result)."""
    ran = invoke("sensitivity", "scenarios/valid.yaml", "-n", 2, "-q", "--json", "sens.json")
    if ran.exit_code != 0:  # the mini scenario has no assumption to vary: any JSON file
        Path("sens.json").write_text('{"scenario": "valid mini scenario"}')
    stored = Path("scenarios/sensitivity/valid.json")
    stored.parent.mkdir()
    stored.write_text("{}")
    for target, extra in (("sens.json", ("--sensitivity", "sens.json")), (str(stored), ())):
        before = Path(target).read_bytes()
        result = invoke("run", "scenarios/valid.yaml", "-n", 1, "-q", *extra, option, target)
        assert result.exit_code == 2
        assert result.output.strip() == (f"{target} ({option}): is a file this run reads; writing "
                                         "there would destroy it. Name another file; nothing was run")
        assert Path(target).read_bytes() == before


def test_plan_json_over_a_file_it_reads_is_refused(corpus):
    """`plan` reads the plan and every scenario in the folders (with the region and plan
    files they name): --json naming one of them replaced it with the coverage JSON."""
    for target in ("scenarios/valid.yaml", "scenarios/regions/mini.yaml", "scenarios/plans/mini.yaml"):
        before = Path(target).read_bytes()
        result = invoke("plan", "scenarios/plans/mini.yaml", "--json", target)
        assert result.exit_code == 2, result.output
        assert result.output.strip() == (f"{target} (--json): is a file this run reads; writing "
                                         "there would destroy it. Name another file; nothing was run")
        assert Path(target).read_bytes() == before


def test_two_outputs_naming_one_file_are_refused(corpus):
    result = invoke("run", "scenarios/valid.yaml", "-n", 1, "-q", "--json", "out", "--events", "./out")
    assert result.exit_code == 2
    assert result.output.strip() == ("out (--events): --json names the same file; give each "
                                     "output its own file; nothing was run")
    assert not Path("out").exists()


def test_a_read_only_output_file_is_not_replaced(corpus):
    Path("kept.json").write_text("keep me")
    os.chmod("kept.json", 0o444)
    result = invoke("run", "scenarios/valid.yaml", "-n", 1, "-q", "--json", "kept.json")
    assert result.exit_code == 2
    assert result.output.strip() == "kept.json: the file is read-only; nothing was run"
    assert Path("kept.json").read_text() == "keep me"


def test_a_pipe_is_refused_without_waiting_for_a_writer(corpus):
    os.mkfifo("pipe.yaml")
    result = invoke("validate", "pipe.yaml")  # opening the pipe would block for ever
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == ("pipe.yaml: not a regular file (a pipe, a "
                                             "device …); name a YAML file")


def test_a_huge_file_is_refused_before_it_is_parsed(corpus, monkeypatch):
    from drillsim.scenario import yamlsource

    monkeypatch.setattr(yamlsource, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    Path("big.yaml").write_text("a: " + "x" * (2 * 1024 * 1024) + "\n")
    result = invoke("validate", "big.yaml")
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == "big.yaml: larger than 2 MiB: not a drillsim document"


@pytest.mark.parametrize("path, message", [
    ("scenarios/regions/mini.yaml", "scenarios/regions/mini.yaml: this is a region file, not a "
                                    "scenario; validate a scenario that names it (region: mini.yaml)"),
    ("scenarios/plans/mini.yaml", "scenarios/plans/mini.yaml: this is a plan file, not a scenario; "
                                  "validate a scenario that names it (plan: file: mini.yaml)"),
])
def test_validate_names_a_region_or_plan_file_for_what_it_is(corpus, path, message):
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert result.output.strip() == message


def test_validate_reads_the_kind_a_file_declares_over_a_misspelt_field(tmp_path):
    # a hypercube spec with `atom:` for `atoms:` has no field that says "hypercube";
    # its modeline does, so the spec's own checks name the misspelling
    text = (ROOT / "scenarios/calc/three_areas.yaml").read_text(encoding="utf-8")
    assert "\natoms:" in text
    path = tmp_path / "h.yaml"
    path.write_text(text.replace("\natoms:", "\natom:"), encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert "atom: unknown field 'atom'; did you mean 'atoms'?" in result.output
    assert "region" not in result.output  # not read as a scenario missing its region


@pytest.mark.parametrize("head, kind", [
    ("# yaml-language-server: $schema=../../docs/schemas/hypercube.schema.json\n", "hypercube"),
    ("\n# a comment\n#  yaml-language-server:  $schema=sweep.schema.json\nname: x\n", "sweep"),
    ("name: x\n# yaml-language-server: $schema=pack.schema.json\n", None),  # not leading
    ("# yaml-language-server: $schema=other.schema.json\n", None),
    ("", None),
])
def test_declared_kind_reads_the_leading_modeline(head, kind):
    from drillsim.scenario.loader import declared_kind

    assert declared_kind(head) == kind


@pytest.mark.parametrize("args, message", [
    (["calc", "erlang-b", "--load", "10", "--units", "x"],
     "Invalid value for '--units': 'x' is not a valid whole number."),
    (["calc", "erlang-b", "--load", "10", "--max-blocking", "1x"],
     "Invalid value for '--max-blocking': expected a share such as 30% or 0.3, got '1x'"),
    (["run", "x.yaml", "-n", "zero"], "Invalid value for '--replications' / '-n': 'zero' is not "
                                      "a valid whole number."),
])
def test_option_values_are_refused_in_plain_words(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_validate_checks_a_drill_pack(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = invoke("validate", "scenarios/packs/flood.yaml")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("scenarios/packs/flood.yaml: valid drill pack — base scenario "
                                     "fujiang_flood_2020.yaml")


def test_a_plan_reference_naming_a_region_file_is_located_at_the_reference(corpus):
    text = Path("scenarios/valid.yaml").read_text().replace("file: plans/mini.yaml",
                                                             "file: regions/mini.yaml")
    Path("scenarios/wrong.yaml").write_text(text)
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "file: regions/mini.yaml" in s)
    result = invoke("validate", "scenarios/wrong.yaml")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"scenarios/wrong.yaml:{line}:9: plan.file: 'mini.yaml' is a region file, not a plan file",
        "1 problem(s) found; nothing was run."]


def test_hazard_plot_checks_its_region_before_computing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no scenarios/ here: the default region is not found
    result = invoke("hazard", "plume", "--rate", "0.5kg/s", "--wind", "2m/s", "--chemical",
                    "chlorine", "--plot", "p.png", "--at", "tianjia")
    assert result.exit_code == 2
    assert result.output.strip() == ("--region: no region file 'scenarios/regions/tongnan.yaml' "
                                     "here; run from the drillsim folder or give --region FILE")
    assert not Path("p.png").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_folder_the_system_refuses_is_a_message_not_a_traceback():
    # nobody may make a folder in /proc, not even the superuser
    result = CliRunner().invoke(main, ["new-plugin", "drone", "--dir", "/proc"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # not an uncaught exception
    assert result.output.startswith("/proc/drillsim-drone: ")
    assert "Traceback" not in result.output


def test_results_are_read_without_writing_the_database(tmp_path):
    from drillsim.batch.store import Store

    db = tmp_path / "r.db"
    conn = sqlite3.connect(db)
    from drillsim.batch.store import _SCHEMA, SCHEMA_VERSION

    # the least a batch leaves: its tables, its meta, one variant (the baseline) and its target
    conn.executescript(_SCHEMA)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("schema", SCHEMA_VERSION), ("sweep_name", "s"), ("sweep_file", "s.yaml"), ("scenario", "x.yaml"),
        ("seed", "1"), ("replications", "1"), ("common_random_numbers", "true"), ("factors", "[]"),
        ("objective", '{"measure": "mean", "target": "R", "goal": "minimize"}')])
    conn.execute("INSERT INTO variants VALUES (0, 'base', '{}', '{}', 1, NULL, 1, '{}', '', '{}')")
    conn.execute("INSERT INTO targets VALUES (0, 'R', 'r', NULL, 'm', 'time', 'min', 'max', NULL, NULL, "
                 "0.9, 0, 0, NULL, NULL)")
    conn.commit()
    conn.close()
    store = Store.open(db, read_only=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("INSERT INTO meta VALUES ('x', 'y')")
    store.close()


def test_a_batch_starts_no_more_workers_than_tasks():
    from drillsim.batch.executor import LocalPoolExecutor

    pool = LocalPoolExecutor(workers=512)
    pool.fit(4)
    assert pool.workers == 4
