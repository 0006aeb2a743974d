"""The bad-input corpus beyond scenario and sweep files (issue 19): drill packs, the
hazard calculators' inputs, and files that cannot live in git (pipes, links to devices,
files too large). Each case gets exactly the expected messages, exit status 2, no
traceback — and no hang: a pipe opened for reading waits for a writer for ever, a device
reads for ever, so every case runs under an alarm.

Class 3 — files are read only where they should be: every file reference of every
document kind (scenario region and plan, sweep scenario, pack scenario, region road
graph, plugin module file) stays in the scenario folder (drillsim/scenario/paths.py), and
only a regular file of bounded size is read (drillsim/scenario/yamlsource.read_bytes).
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.errors import ValidationFailed

CORPUS = Path(__file__).resolve().parent / "bad_inputs" / "scenarios"
#: how a refused path outside the scenario folder ends: the rule, so a user can follow it
ROOT_RULE = (" (the scenario folder is the nearest folder named 'scenarios' above this file, "
             "else its own folder: keep the files it names inside it)")
NOT_REGULAR = "not a regular file (a pipe, a device …); name a YAML file"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A copy of the corpus's valid files under tmp/scenarios; the working folder is tmp."""
    root = tmp_path / "scenarios"
    (root / "regions").mkdir(parents=True)
    (root / "plans").mkdir()
    (root / "sweeps").mkdir()
    (root / "packs").mkdir()
    shutil.copy(CORPUS / "valid.yaml", root / "valid.yaml")
    shutil.copy(CORPUS / "regions" / "mini.yaml", root / "regions" / "mini.yaml")
    shutil.copy(CORPUS / "plans" / "mini.yaml", root / "plans" / "mini.yaml")
    shutil.copy(CORPUS / "sweeps" / "valid.yaml", root / "sweeps" / "valid.yaml")
    monkeypatch.chdir(tmp_path)
    return root


class _Hang(Exception):
    pass


def invoke(*args, seconds: int = 20):
    """Run the CLI in-process; a run longer than ``seconds`` is a hang (the test fails)."""
    def alarm(*_):
        raise _Hang(f"drillsim {' '.join(map(str, args))} hung for {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        result = CliRunner().invoke(main, [str(a) for a in args])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    if isinstance(result.exception, _Hang):
        pytest.fail(str(result.exception))
    return result


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and "problem(s) found" not in line]


def pack(root: Path, name: str, scenario: str, extra: str = "") -> Path:
    path = root / "packs" / name
    path.write_text(f"name: test pack\nhazard: calls\nscenario: {scenario}\n{extra}", encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# ------------------------------------------------------------------ drill packs
def _pack_absolute(root):
    pack(root, "p.yaml", "/etc/passwd")


def _pack_escapes(root):
    pack(root, "p.yaml", "../../../../../../etc/hostname")


def _pack_link_out(root):
    os.symlink("/dev/zero", root / "zero.yaml")
    pack(root, "p.yaml", "../zero.yaml")


def _pack_fifo(root):
    os.mkfifo(root / "pipe.yaml")
    pack(root, "p.yaml", "../pipe.yaml")


def _pack_link_to_fifo(root):
    os.mkfifo(root / "pipe.yaml")
    os.symlink("pipe.yaml", root / "link.yaml")
    pack(root, "p.yaml", "../link.yaml")


def _pack_names_sweep(root):
    pack(root, "p.yaml", "../sweeps/valid.yaml")


def _pack_names_region(root):
    pack(root, "p.yaml", "../regions/mini.yaml")


def _pack_missing(root):
    pack(root, "p.yaml", "../vaild.yaml")


def _pack_folder(root):
    pack(root, "p.yaml", "../regions")


def _pack_control_character(root):
    pack(root, "p.yaml", '"../valid\\e[2J.yaml"')


def _pack_long_name(root):
    pack(root, "p.yaml", "../" + "v" * 300 + ".yaml")


def _pack_schema_and_reference(root):
    pack(root, "p.yaml", "/etc/passwd", "variants:\n  - {name: a, weigth: 2}\n")


def _pack_huge_uniform(root):
    pack(root, "p.yaml", "../valid.yaml",
         "draws:\n  - {path: forces.team.turnout, uniform: [1min, 1e400min]}\n")


def _pack_huge_weight(root):
    pack(root, "p.yaml", "../valid.yaml", "variants:\n  - {name: a, weight: 1e308}\n  - {name: b, weight: 1e308}\n")


def _pack_huge_count(root):
    pack(root, "p.yaml", "../valid.yaml",
         "out_of_service: {count: " + "1" + "0" * 400 + ", from: [team]}\n")


PACKS = [
    ("pack-absolute", _pack_absolute,
     ["scenarios/packs/p.yaml:3:11: scenario: '/etc/passwd': give a path relative to this file, "
      "not an absolute path"]),
    ("pack-escapes-root", _pack_escapes,
     ["scenarios/packs/p.yaml:3:11: scenario: '../../../../../../etc/hostname' points outside the "
      "scenario folder 'scenarios'; refused" + ROOT_RULE]),
    ("pack-link-to-dev-zero", _pack_link_out,
     ["scenarios/packs/p.yaml:3:11: scenario: '../zero.yaml' points outside the scenario folder "
      "'scenarios'; refused" + ROOT_RULE]),
    ("pack-fifo", _pack_fifo, [f"scenarios/packs/p.yaml:3:11: scenario: '../pipe.yaml': {NOT_REGULAR}"]),
    ("pack-link-to-fifo", _pack_link_to_fifo,
     [f"scenarios/packs/p.yaml:3:11: scenario: '../link.yaml': {NOT_REGULAR}"]),
    ("pack-names-a-sweep", _pack_names_sweep,
     ["scenarios/packs/p.yaml:3:11: scenario: '../sweeps/valid.yaml' is a sweep file, not a "
      "scenario file; name a scenario"]),
    ("pack-names-a-region", _pack_names_region,
     ["scenarios/packs/p.yaml:3:11: scenario: '../regions/mini.yaml' is a region file, not a "
      "scenario file; name a scenario"]),
    ("pack-missing", _pack_missing,
     ["scenarios/packs/p.yaml:3:11: scenario: file '../vaild.yaml' not found (looked for "
      "scenarios/vaild.yaml)"]),
    ("pack-folder", _pack_folder,
     ["scenarios/packs/p.yaml:3:11: scenario: '../regions' is a folder; name a file in it"]),
    ("pack-control-character", _pack_control_character,
     ["scenarios/packs/p.yaml:3:11: scenario: the text contains the control character '\\x1b' "
      "(at character 9); remove it"]),
    ("pack-name-too-long", _pack_long_name,
     ["scenarios/packs/p.yaml:3:11: scenario: '../" + "v" * 77 + "'… (308 characters): "
      "the file name is too long (more than 255 "
      "bytes in one part, or 4,096 in all); give a shorter name"]),
    ("pack-schema-fault-and-reference", _pack_schema_and_reference,
     ["scenarios/packs/p.yaml:3:11: scenario: '/etc/passwd': give a path relative to this file, "
      "not an absolute path",
      "scenarios/packs/p.yaml:5:15: variants[0].weigth: unknown field 'weigth'; did you mean 'weight'?"]),
    ("pack-huge-uniform", _pack_huge_uniform,
     ["scenarios/packs/p.yaml:5:5: draws[0]: 1e400min is too large a number for a draw (at most 1e15)"]),
    ("pack-huge-weight", _pack_huge_weight,
     ["scenarios/packs/p.yaml:5:23: variants[0].weight: must be at most 1e+06, got 1e308",
      "scenarios/packs/p.yaml:6:23: variants[1].weight: must be at most 1e+06, got 1e308"]),
    ("pack-huge-count", _pack_huge_count,
     ["scenarios/packs/p.yaml:4:25: out_of_service.count: 10000000000000000000… (401 digits) is "
      "too large a whole number (more than 9,223,372,036,854,775,807 in size); check for extra digits"]),
]


@pytest.mark.parametrize("setup, expected", [c[1:] for c in PACKS], ids=[c[0] for c in PACKS])
def test_a_bad_drill_pack(tree, setup, expected):
    setup(tree)
    result = invoke("validate", "scenarios/packs/p.yaml")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert lines(result.output) == expected


def test_a_drill_draws_nothing_from_a_pack_naming_a_file_outside(tree):
    """The drill itself (not only `validate`) refuses the pack before reading the file."""
    from drillsim.drill.packs import draw

    _pack_escapes(tree)
    with pytest.raises(ValidationFailed) as exc:
        draw(tree / "packs" / "p.yaml", seed=1)
    assert [f.message for f in exc.value.faults] == [
        "'../../../../../../etc/hostname' points outside the scenario folder 'scenarios'; refused"
        + ROOT_RULE]


def test_a_valid_pack_is_still_valid(tree):
    pack(tree, "p.yaml", "../valid.yaml", "draws:\n  - {path: forces.team.turnout, uniform: [1min, 3min]}\n")
    result = invoke("validate", "scenarios/packs/p.yaml")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ references in other documents
def _region_fifo(root):
    os.mkfifo(root / "regions" / "pipe.yaml")
    edit(root / "valid.yaml", "region: regions/mini.yaml", "region: regions/pipe.yaml")


def _plan_link_to_fifo(root):
    os.mkfifo(root / "plans" / "pipe.yaml")
    os.symlink("pipe.yaml", root / "plans" / "link.yaml")
    edit(root / "valid.yaml", "file: plans/mini.yaml", "file: plans/link.yaml")


def _plan_too_large(root):
    (root / "plans" / "big.yaml").write_text("name: x\n" + "#" * 3000 + "\n", encoding="utf-8")
    edit(root / "valid.yaml", "file: plans/mini.yaml", "file: plans/big.yaml")


def _road_graph_fifo(root):
    os.mkfifo(root / "regions" / "roads.csv")
    edit(root / "regions" / "mini.yaml", "travel:\n", "travel:\n  road_graph: roads.csv\n")


def _road_graph_too_large(root):
    (root / "regions" / "roads.csv").write_text("from,to,km\n" + "west,east,1\n" * 300, encoding="utf-8")
    edit(root / "regions" / "mini.yaml", "travel:\n", "travel:\n  road_graph: roads.csv\n")


def _sweep_scenario_fifo(root):
    os.mkfifo(root / "pipe.yaml")
    edit(root / "sweeps" / "valid.yaml", "scenario: ../valid.yaml", "scenario: ../pipe.yaml")


def _scenario_link_to_dev_zero(root):
    os.symlink("/dev/zero", root.parent / "zero.yaml")


def _plugin_module_fifo(root):
    os.mkfifo(root / "plugin.py")
    edit(root / "valid.yaml", "plan:\n", "plugins:\n  - {name: mine, module: plugin.py}\nplan:\n")


REFERENCES = [
    ("region-is-a-fifo", _region_fifo, ["validate", "scenarios/valid.yaml"],
     [f"scenarios/valid.yaml:3:9: region: 'regions/pipe.yaml': {NOT_REGULAR}"]),
    ("plan-is-a-link-to-a-fifo", _plan_link_to_fifo, ["validate", "scenarios/valid.yaml"],
     [f"scenarios/valid.yaml:10:9: plan.file: 'plans/link.yaml': {NOT_REGULAR}"]),
    ("plan-too-large", _plan_too_large, ["validate", "scenarios/valid.yaml"],
     ["scenarios/valid.yaml:10:9: plan.file: 'plans/big.yaml': larger than 2,048 bytes: not a "
      "drillsim document"]),
    ("road-graph-is-a-fifo", _road_graph_fifo, ["validate", "scenarios/valid.yaml"],
     ["scenarios/regions/mini.yaml:4:15: travel.road_graph: 'roads.csv': not a regular file "
      "(a pipe, a device …); name a YAML file"]),
    ("road-graph-too-large", _road_graph_too_large, ["validate", "scenarios/valid.yaml"],
     ["scenarios/regions/mini.yaml:4:15: travel.road_graph: 'roads.csv': larger than 2,048 bytes: "
      "not a drillsim document"]),
    ("sweep-scenario-is-a-fifo", _sweep_scenario_fifo, ["validate", "scenarios/sweeps/valid.yaml"],
     [f"scenarios/sweeps/valid.yaml:3:11: scenario: '../pipe.yaml': {NOT_REGULAR}"]),
    ("command-line-link-to-dev-zero", _scenario_link_to_dev_zero, ["validate", "zero.yaml"],
     [f"zero.yaml: {NOT_REGULAR}"]),
    ("plugin-module-file-is-a-fifo", _plugin_module_fifo,
     ["validate", "scenarios/valid.yaml", "--allow-plugin-module"],
     ["scenarios/valid.yaml:10:26: plugins[0].module: 'plugin.py': not a regular file (a pipe, a "
      "device …); name a YAML file"]),
]


@pytest.mark.parametrize("setup, args, expected", [c[1:] for c in REFERENCES], ids=[c[0] for c in REFERENCES])
def test_a_bad_file_reference(tree, monkeypatch, setup, args, expected):
    from drillsim.scenario import yamlsource

    monkeypatch.setattr(yamlsource, "MAX_FILE_BYTES", 2048)
    setup(tree)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert lines(result.output) == expected


# ------------------------------------------------------------------ calculator inputs
def _inflow_fifo(tmp):
    os.mkfifo(tmp / "pipe.csv")
    return ["--inflow", "pipe.csv"]


def _inflow_link_to_dev_zero(tmp):
    os.symlink("/dev/zero", tmp / "zero.csv")
    return ["--inflow", "zero.csv"]


def _inflow_too_large(tmp):
    (tmp / "big.csv").write_text("100\n" * 300, encoding="utf-8")
    return ["--inflow", "big.csv"]


def _inflow_folder(tmp):
    (tmp / "data.csv").mkdir()
    return ["--inflow", "data.csv"]


def _inflow_missing(tmp):
    return ["--inflow", "nothere.csv"]


def _inflow_control_character(tmp):
    return ["--inflow", "in\x1b[2Jflow.csv"]


def _inflow_not_utf8(tmp):
    (tmp / "latin.csv").write_bytes(b"1,2\n3\xe9\n")
    return ["--inflow", "latin.csv"]


def _reaches_huge(tmp):
    return ["--inflow", "1,2,3", "--reaches", "1" + "0" * 400]


def _reaches_5000_digits(tmp):
    return ["--inflow", "1,2,3", "--reaches", "9" * 5000]


def _x_huge(tmp):
    return ["--inflow", "1,2,3", "--X", "1" + "0" * 400]


ROUTE = ["hazard", "route", "--K", "2h", "--X", "0.2", "--dt", "1h"]
CALCULATORS = [
    ("inflow-fifo", _inflow_fifo,
     "Invalid value for '--inflow': cannot read 'pipe.csv': not a regular file (a pipe, a device …); "
     "name a CSV or text file of numbers"),
    ("inflow-link-to-dev-zero", _inflow_link_to_dev_zero,
     "Invalid value for '--inflow': cannot read 'zero.csv': not a regular file (a pipe, a device …); "
     "name a CSV or text file of numbers"),
    ("inflow-too-large", _inflow_too_large,
     "Invalid value for '--inflow': cannot read 'big.csv': larger than 1,024 bytes; name a CSV or "
     "text file of numbers"),
    ("inflow-folder", _inflow_folder,
     "Invalid value for '--inflow': cannot read 'data.csv': is a folder, not a file"),
    ("inflow-missing", _inflow_missing,
     "Invalid value for '--inflow': cannot read 'nothere.csv': file not found"),
    ("inflow-control-character", _inflow_control_character,
     "Invalid value for '--inflow': 'in\\x1b[2Jflow.csv': the file name contains the control "
     "character '\\x1b'; write the name without it"),
    ("inflow-not-utf8", _inflow_not_utf8,
     "Invalid value for '--inflow': cannot read 'latin.csv':2:2: not UTF-8 text (byte 0xe9); save "
     "the file as UTF-8"),
    ("reaches-10-to-the-400", _reaches_huge,
     "Invalid value for '--reaches': '10000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000'… (401 characters) is too large: give a whole number of at most 1,000,000"),
    ("reaches-5000-digits", _reaches_5000_digits,
     "Invalid value for '--reaches': '99999999999999999999999999999999999999999999999999999999999999"
     "999999999999999999'… (5,000 characters) is too large: give a whole number of at most 1,000,000"),
    ("x-10-to-the-400", _x_huge,
     "Invalid value for '--X': '1000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000'… (401 characters) is beyond any number drillsim takes (it reads as infinity)"),
]


@pytest.mark.parametrize("setup, expected", [c[1:] for c in CALCULATORS], ids=[c[0] for c in CALCULATORS])
def test_a_bad_calculator_input(tmp_path, monkeypatch, setup, expected):
    from drillsim.cli import hazard

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hazard, "MAX_SERIES_BYTES", 1024, raising=False)
    extra = setup(tmp_path)
    args = list(ROUTE)
    for option, value in zip(extra[::2], extra[1::2]):  # later options replace the defaults above
        if option in args:
            del args[args.index(option):args.index(option) + 2]
        args += [option, value]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.splitlines()[-1] == f"Error: {expected}"


def test_the_calculator_still_reads_a_series_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("inflow.csv").write_text("100\n300\n200\n100\n", encoding="utf-8")
    result = invoke(*ROUTE, "--inflow", "inflow.csv", "--json")
    assert result.exit_code == 0, result.output
    assert '"peak_inflow": 300.0' in result.output


def test_the_plot_region_must_be_a_regular_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkfifo("region.yaml")
    result = invoke("hazard", "plume", "--rate", "1kg/s", "--wind", "3m/s", "--chemical", "chlorine", "--plot", "map.png",
                    "--region", "region.yaml")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == ("--region: 'region.yaml': not a regular file (a pipe, a device …); "
                                     "name a YAML file")
    assert not Path("map.png").exists()


def test_a_text_option_with_a_control_character_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("hazard", "fire", "--fuel-model", "FM1\x1b[2J")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--fuel-model': 'FM1\\x1b[2J' contains the control character "
        "'\\x1b'; write it without")


# ------------------------------------------------------------------ the one checked reader
def test_the_reader_refuses_a_pipe_swapped_in_after_the_check(tmp_path, monkeypatch):
    """The file is checked again once open (opened without waiting), so a pipe put in its
    place between the check and the open neither hangs nor is read."""
    from drillsim.scenario import yamlsource

    os.mkfifo(tmp_path / "pipe.yaml")
    monkeypatch.setattr(yamlsource, "file_problem", lambda *a, **k: None)  # the check is raced
    def alarm(*_):
        raise _Hang("read_bytes waited for a writer")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(10)
    try:
        with pytest.raises(ValidationFailed) as exc:
            yamlsource.read_bytes(tmp_path / "pipe.yaml", "pipe.yaml")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert str(exc.value) == f"pipe.yaml: {NOT_REGULAR}"


def test_the_reader_reads_no_more_than_its_limit(tmp_path, monkeypatch):
    """A file that grows after the size check is still cut at the limit and refused."""
    from drillsim.scenario import yamlsource

    (tmp_path / "grows.yaml").write_text("a: " + "x" * 5000, encoding="utf-8")
    monkeypatch.setattr(yamlsource, "file_problem", lambda *a, **k: None)  # as if it was small then
    with pytest.raises(ValidationFailed) as exc:
        yamlsource.read_bytes(tmp_path / "grows.yaml", "grows.yaml", limit=1000)
    assert str(exc.value) == "grows.yaml: larger than 1,000 bytes: not a drillsim document"


def test_every_product_read_of_a_user_file_goes_through_the_checked_reader():
    """No module of the scenario, drill and command-line stages opens a user's file by
    itself: `open(`, `read_text(`, `read_bytes(` appear only in the reader (and in
    modules that read the product's own logs and write outputs, listed here)."""
    import re

    root = Path(__file__).resolve().parent.parent / "drillsim"
    allowed = {
        "scenario/yamlsource.py",  # the checked reader
        "scenario/region.py",      # the road graph, after resolve_ref checked it (kind, size)
        "engine/eventlog.py", "scoring/stream.py",  # the product's own event logs
        "drill/drilllog.py", "drill/session.py",    # the product's own drill logs
        "batch/worker.py", "batch/store.py",        # files already read and checked by the loader
        "report/common.py", "batch/export.py", "cli/run.py",  # outputs
        "cli/support.py",          # outputs: the null device under a closed standard output
        "cli/batch.py",            # Store.open: the results database (SQLite), batch/store.py
        "host/pluginhost.py",      # installed packages' metadata (importlib.metadata)
        "scoring/forked.py",       # the forked copy's own standard streams (fds 1 and 2)
    }
    pattern = re.compile(r"\bopen\(|\.read_text\(|\.read_bytes\(|os\.open\(")
    found = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if pattern.search(p.read_text(encoding="utf-8"))
                   and str(p.relative_to(root)) not in allowed)
    assert found == []


# ------------------------------------------------------------------ calculator quantities out of range
# the same ranges as in scenario files (drillsim/scenario/quantities.RANGES), the same words
WIND = "is outside the physical range of a wind speed (0–120 m/s: the strongest gust ever measured was 113 m/s)"
OUT_OF_RANGE = [
    ("plume-wind-400-m-s", ["hazard", "plume", "--rate", "1kg/s", "--wind", "400m/s"],
     "Invalid value for '--wind': 400m/s " + WIND),
    ("fire-wind-500-km-h", ["hazard", "fire", "--fuel-model", "TL8", "--wind", "500km/h"],
     "Invalid value for '--wind': 500km/h " + WIND),
    ("plume-negative-height", ["hazard", "plume", "--rate", "1kg/s", "--wind", "3m/s", "--height", "-5m"],
     "Invalid value for '--height': -5m is outside the physical range of a height (0–20,000 m: nothing "
     "rises above the tropopause at 8–18 km)"),
    ("plume-release-20-t-s", ["hazard", "plume", "--rate", "20t/s", "--wind", "3m/s"],
     "Invalid value for '--rate': 20t/s is outside the physical range of a release rate (0–10,000 kg/s: "
     "10 t/s empties the largest storage sphere in 3 minutes)"),
    ("plume-downwind-beyond-the-earth", ["hazard", "plume", "--rate", "1kg/s", "--wind", "3m/s", "--x", "30000km"],
     "Invalid value for '--x': 30000km is outside the physical range of a distance (0–20,038 km: half the "
     "Earth's circumference)"),
    ("route-negative-K", ["hazard", "route", "--inflow", "1,2,3", "--K", "-2h", "--X", "0.2", "--dt", "1h"],
     "Invalid value for '--K': -2h is outside the range accepted for a duration (0–366 d: the longest "
     "horizon a run takes)"),
    ("fire-slope-over-100", ["hazard", "fire", "--fuel-model", "TL8", "--slope", "150%"],
     "fire: slope 150% (56.3°) is outside the model's range 0-100% (45°): the published checks of its slope "
     "factor go no steeper"),
    ("fire-live-moisture-900", ["hazard", "fire", "--fuel-model", "TL8", "--moisture-herb", "900%"],
     "Invalid value for '--moisture-herb': 900% is outside the physical range of a live fuel moisture "
     "(0–400 %: new foliage holds about 300 % of its dry weight in water)"),
]


@pytest.mark.parametrize("args, expected", [c[1:] for c in OUT_OF_RANGE], ids=[c[0] for c in OUT_OF_RANGE])
def test_a_calculator_quantity_outside_its_range(tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.splitlines()[-1] == f"Error: {expected}"
