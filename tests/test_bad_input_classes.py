"""Classes of bad input found by feeding every command broken files (the breaker's pass,
tests/bad_inputs/): each test covers the whole class, not the one example the corpus
holds. Each failed on the code before its fix (a traceback, or a run that failed after
``validate`` had passed the file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from drillsim.scenario.quantities import _KINDS, parse_quantity
from drillsim.scenario.validation import Strict

HERE = Path(__file__).resolve().parent / "bad_inputs"

# pint evaluates the numbers inside a unit text: these raised ZeroDivisionError
DIVIDING_BY_ZERO = ["2/0h", "1 km/0h", "3 h/0", "1 /h/0", "5 m3/s/0"]


@pytest.mark.parametrize("kind", sorted(_KINDS))
@pytest.mark.parametrize("text", DIVIDING_BY_ZERO)
def test_a_unit_dividing_by_zero_is_a_message(kind, text):
    with pytest.raises(ValueError, match="divides by zero"):
        parse_quantity(text, kind)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _demand_fields(host):
    """(model, field name, annotation) of every field named ``demand`` or ``*_demand`` of
    every params model of the loaded plugins (and the drill pack's inject): what an
    incident needs on scene (a hypercube atom's ``demand`` is a share of calls, a float)."""
    import drillsim.drill.packs  # noqa: F401  (its inject model has a demand)
    from drillsim.reference.kinds import params_models

    for registration in params_models(host):  # imports every params model (and those it nests)
        assert registration.model is not None
    return [(model, name, field.rebuild_annotation())
            for model in sorted(set(_subclasses(Strict)), key=lambda m: (m.__module__, m.__qualname__))
            for name, field in model.model_fields.items()
            if (name == "demand" or name.endswith("_demand")) and field.annotation is not float]


def test_every_demand_refuses_zero_and_nothing(host):
    """An incident's demand of 0 (or of nothing) passed ``validate`` and failed the run
    when the first such incident was created (``incident demand must name positive
    amounts``): every demand field of every plugin refuses it when the file is read."""
    found = _demand_fields(host)
    owners = {model.__name__ for model, _, _ in found}
    # incident streams (2), chemical (2), forest fire (2), waterlogging, road tanker,
    # building fire, flood (2), landslide, a drill pack's inject at least
    assert len(found) >= 12, found
    assert {"PoissonParams", "ScriptedIncident", "AttackParams", "PlannedInject"} <= owners, owners
    for model, name, annotation in found:
        adapter = TypeAdapter(annotation)
        assert adapter.validate_python({"people": 5}) == {"people": 5.0}
        for bad in ({"people": 0}, {"people": 5, "boats": 0}, {}, {"people": float("nan")},
                    {"people": -1}):
            with pytest.raises(ValidationError):
                adapter.validate_python(bad)
                pytest.fail(f"{model.__qualname__}.{name} took {bad}")


def test_only_set_may_give_the_run_settings_variants_share(tmp_path, host):
    """A factor's or a variant's run.seed / run.replications was replaced without a word
    by the sweep's (tests/bad_inputs/scenarios/sweeps/133-, 134-: refused); ``set:`` is
    the base of every variant, so there it is the sweep's seed and replications."""
    import shutil

    from drillsim.batch.sweep import load_sweep

    here = tmp_path / "scenarios"
    shutil.copytree(HERE / "scenarios", here)
    sweep = here / "sweeps" / "shared.yaml"
    sweep.write_text("name: s\nscenario: ../valid.yaml\nset: {run.seed: 7, run.replications: 3}\n"
                     "factors:\n  units: {path: forces.team.units, values: [1, 2]}\n"
                     "objective: {measure: mean, target: R}\n", encoding="utf-8")
    loaded = load_sweep(sweep, host)
    assert (loaded.seed, loaded.replications) == (7, 3)
    assert {v.seed for v in loaded.variants} == {7}  # common random numbers


# a batch database changed after the batch wrote it (a hand edit, another program, a
# damaged disk): each raised a traceback (KeyError, JSONDecodeError, "no such table",
# int('x')) or compared against no baseline without a word
DAMAGE = {
    "a table dropped": (["DROP TABLE results"], "no table 'results'"),
    "a table of other columns": (["DROP TABLE variants", "CREATE TABLE variants (x)"],
                                 "table 'variants' has other columns than a batch makes"),
    "a meta value that is no number": (["UPDATE meta SET value = 'x' WHERE key = 'replications'"],
                                       "meta 'replications' reads 'x', not what a batch writes"),
    "an objective that is no JSON": (["UPDATE meta SET value = '{not' WHERE key = 'objective'"],
                                     "meta 'objective' reads '{not', not what a batch writes"),
    "results as text": (["UPDATE results SET value = 'abc'"], "results hold 16 value(s) that are no number"),
    "a result of no replication": (["INSERT INTO results VALUES (99, 0, 'R', 1.0, 1)"],
                                   "results hold 1 row(s) of no stored replication"),
    "results of no replication, counted by row": (
        ["INSERT INTO results VALUES (99, 0, 'R', 1.0, 1)", "INSERT INTO results VALUES (99, 0, 'S', 2.0, 0)",
         "INSERT INTO results VALUES (99, 1, 'R', 3.0, 1)"],     # 3 rows of 2 missing replications
        "results hold 3 row(s) of no stored replication"),
    "a met that is a fraction": (["UPDATE results SET met = 0.5 WHERE replication = 0"],   # 4 variants x 2 targets
                                 "results hold 8 value(s) that are no number"),
    "a met that is a huge real": (["UPDATE results SET met = 1e300 WHERE replication = 1 AND variant = 0"],
                                  "results hold 2 value(s) that are no number"),
    "a value that is a blob": (["UPDATE results SET value = x'00' WHERE variant = 1"],
                               "results hold 4 value(s) that are no number"),
    "levels that are no JSON": (["UPDATE variants SET levels = '{' WHERE variant = 0"],
                                "variant 'team_size=3, units=1': its levels or overrides are not JSON"),
    "no baseline": (["UPDATE variants SET baseline = 0"], "0 variants are marked the baseline, not one"),
    # a column of the wrong type or a value no batch writes (breaker2): the tables raised
    # TypeError (abs() of a text, a text minus a float), AttributeError (levels as a
    # list) or KeyError (an unknown measure), or showed the edit as data
    "a threshold that is text": (["UPDATE targets SET threshold = 'abc'"],    # 4 variants x 2 targets
                                 "table 'targets': 8 value(s) of 'threshold' that are no finite number"),
    "an infinite threshold": (["UPDATE targets SET threshold = 1e999 WHERE variant = 1"],
                              "table 'targets': 2 value(s) of 'threshold' that are no finite number"),
    "a pass rate required that is text": (
        ["UPDATE targets SET required_pass_rate = 'x' WHERE target = 'R'"],
        "table 'targets': 4 value(s) of 'required_pass_rate' that are no finite number"),
    "a pass rate required over 1": (["UPDATE targets SET required_pass_rate = 90 WHERE variant = 3"],
                                    "table 'targets': 2 value(s) of 'required_pass_rate' outside 0–1"),
    "a position that is a fraction": (["UPDATE targets SET position = 0.5 WHERE variant = 2 AND target = 'Q'"],
                                      "table 'targets': 1 value(s) of 'position' that are no whole number"),
    "a by-label flag of 7": (["UPDATE targets SET by_label = 7 WHERE target = 'Q'"],
                             "table 'targets': 4 value(s) of 'by_label' that are neither 0 nor 1"),
    "a comparison no plan writes": (["UPDATE targets SET comparison = '=>' WHERE target = 'R'"],
                                    "table 'targets': 4 value(s) of 'comparison' that are none of >=, <=, >, <"),
    "a statistic no plan writes": (["UPDATE targets SET statistic = 'p99' WHERE variant = 0"],
                                   "table 'targets': 2 value(s) of 'statistic' that are none of mean, min, "
                                   "max, sum, count, p50, p90, p95"),
    "a cost that is text": (["UPDATE variants SET cost = 'abc' WHERE variant = 0"],
                            "table 'variants': 1 value(s) of 'cost' that are no finite number"),
    "a seed that is text": (["UPDATE variants SET seed = 'abc'"],
                            "table 'variants': 4 value(s) of 'seed' that are no whole number"),
    "an event count that is text": (["UPDATE replications SET events = 'many' WHERE replication = 1"],
                                    "table 'replications': 4 value(s) of 'events' that are no whole number"),
    "levels that are a list": (["UPDATE variants SET levels = '[1, 2]' WHERE variant = 0"],
                               "variant 'team_size=3, units=1': its levels or overrides are not what a batch "
                               "writes (a JSON object of the factors' levels as text, of paths)"),
    "overrides that are a number": (["UPDATE variants SET overrides = '5' WHERE variant = 2"],
                                    "variant 'team_size=5, units=1': its levels or overrides are not what a "
                                    "batch writes (a JSON object of the factors' levels as text, of paths)"),
    "factors that are an object": (["UPDATE meta SET value = '{}' WHERE key = 'factors'"],
                                   "meta 'factors' reads '{}', not what a batch writes"),
    "no replication asked for": (["UPDATE meta SET value = '0' WHERE key = 'replications'"],
                                 "meta 'replications' reads '0', not what a batch writes"),
    "an objective of an unknown measure": (
        ["UPDATE meta SET value = '{\"measure\": \"p99\", \"target\": \"R\", \"goal\": \"minimize\"}' "
         "WHERE key = 'objective'"],
        "meta 'objective' reads '{\"measure\": \"p99\", \"target\": \"R\", \"goal\": \"minimize\"}', "
        "not what a batch writes"),
    "an objective of no target": (
        ["UPDATE meta SET value = '{\"measure\": \"mean\", \"target\": \"ZZ\", \"goal\": \"minimize\"}' "
         "WHERE key = 'objective'"], "the objective's target 'ZZ' is no stored target"),
}


@pytest.fixture(scope="module")
def stored_batch(tmp_path_factory):
    """The corpus's valid sweep run into a database (4 variants × 2 replications, 2 targets)."""
    import os

    from click.testing import CliRunner

    from drillsim.cli.main import main

    db = tmp_path_factory.mktemp("batch") / "good.db"
    here = os.getcwd()
    os.chdir(HERE)
    try:
        result = CliRunner().invoke(main, ["batch", "scenarios/sweeps/valid.yaml", "--workers", "0",
                                           "--db", str(db), "--quiet"])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_batch_database_is_a_message(case, stored_batch, tmp_path, monkeypatch):
    import shutil
    import sqlite3

    from click.testing import CliRunner

    from drillsim.cli.main import main

    edits, what = DAMAGE[case]
    db = tmp_path / "damaged.db"
    shutil.copy(stored_batch, db)
    conn = sqlite3.connect(db)
    for sql in edits:
        conn.execute(sql)
    conn.commit()
    conn.close()
    expected = (f"{db}: a damaged drillsim batch database ({what}); it cannot be read or resumed: "
                "run the batch again into a new --db")
    read = CliRunner().invoke(main, ["results", str(db)])
    assert read.exit_code == 2 and read.output.splitlines() == [expected], read.output
    monkeypatch.chdir(HERE)
    resumed = CliRunner().invoke(main, ["batch", "scenarios/sweeps/valid.yaml", "--workers", "0",
                                        "--resume", "--db", str(db), "--quiet"])
    assert resumed.exit_code == 2 and resumed.output.splitlines() == [expected], resumed.output


@pytest.fixture(scope="module")
def drill_log(tmp_path_factory, host):
    """A short drill of the corpus's valid scenario: its player and sealed controller logs."""
    from drillsim.drill.session import DrillSession

    log = tmp_path_factory.mktemp("drill") / "d.jsonl"
    s = DrillSession.open(HERE / "scenarios" / "valid.yaml", seed=5, host=host, log_path=log, secret="s3cret")
    s.advance_to(60)
    s.command("dispatch team-1 base")   # refused (no such incident), logged as an order
    s.advance_to(200)
    s.close()
    return log


def _last(lines: list[str], **change) -> list[str]:
    import json

    record = json.loads(lines[-1])
    record.update(change)
    for key in [k for k, v in record.items() if v is None]:
        del record[key]
    return lines[:-1] + [json.dumps(record)]


# the player log is not sealed, and the hash chain covers the lines before the last: a
# hand edit of the last line raised TypeError / KeyError / AttributeError in a replay
DRILL_LOG_EDITS = {
    "a time that is text": (lambda lines: _last(lines, t="x"), ":{n}:1: message record: 't' is 'x', not a finite number"),
    "a record without its time": (lambda lines: _last(lines, t=None), ":{n}:1: message record: no 't'"),
    "an order without its count": (lambda lines: _last(lines, rec="order"), ":{n}:1: order record: no 'act'"),
    # the chain is checked on the line after: the last line's own was never looked for
    "a last record without its chain": (lambda lines: _last(lines, chain=None), ":{n}:1: message record: no 'chain'"),
    "a last record whose chain is a number": (lambda lines: _last(lines, chain=5),
                                              ":{n}:1: message record: 'chain' is '5', not a text"),
    "a record that is a list": (lambda lines: lines[:-1] + ["[1, 2]"],
                                ":{n}:1: not a drill log record (a JSON object with its kind in \"rec\")"),
}


@pytest.mark.parametrize("case", sorted(DRILL_LOG_EDITS))
def test_a_hand_edited_drill_log_is_a_message(case, drill_log, tmp_path):
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    edit, what = DRILL_LOG_EDITS[case]
    log = tmp_path / "d.jsonl"
    shutil.copy(drill_log.with_name("d.controller.jsonl"), tmp_path / "d.controller.jsonl")
    lines = drill_log.read_text(encoding="utf-8").splitlines()
    # up to its last message (what a drill stopped there leaves): the line to edit
    lines = lines[:max(i for i, line in enumerate(lines) if '"rec": "message"' in line) + 1]
    log.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    (tmp_path / "secret").write_text("s3cret\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["replay", str(log), "--plain", "--secret-file", str(tmp_path / "secret")])
    assert result.exit_code == 2, result.output
    # the file named once, with its line (was "d.jsonl: d.jsonl:9: …")
    assert result.output.splitlines()[0] == f"{log}{what.format(n=len(lines))}", result.output


@pytest.mark.parametrize("secret, says", [
    ("abc", "seats[1].secret: give at least 16 characters, got 3"),   # was "must not be empty"
    ("x" * 201, "seats[1].secret: give at most 200 characters, got 201"),  # was pydantic's English
    ("", "seats[1].secret: must not be empty"),
])
def test_a_text_of_the_wrong_length_says_the_length(secret, says, tmp_path):
    from drillsim.drill.seats import load_seats
    from drillsim.errors import ValidationFailed

    path = tmp_path / "seats.yaml"
    path.write_text("seats:\n  - {name: control, role: control}\n"
                    f"  - {{name: evaluator, role: evaluator, secret: '{secret}'}}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_seats(path)
    assert [f"{f.field}: {f.message}" for f in caught.value.faults] == [says]


@pytest.fixture(scope="module")
def other_drill_log(tmp_path_factory, host):
    """The same drill as :func:`drill_log` with another seed: another drill's logs."""
    from drillsim.drill.session import DrillSession

    log = tmp_path_factory.mktemp("drill6") / "d.jsonl"
    s = DrillSession.open(HERE / "scenarios" / "valid.yaml", seed=6, host=host, log_path=log, secret="s3cret")
    s.advance_to(200)
    s.close()
    return log


def test_a_player_log_beside_another_drills_controller_log_is_refused(drill_log, other_drill_log, tmp_path,
                                                                       host):
    """A drill's player log put beside another drill's controller log (here: the same
    scenario drilled with seed 6): ``replay`` played the controller log's drill with the
    first drill's orders, a drill that never happened, without a word (exit 0); a
    resume refused it, blaming only a changed log or plugins. Both now say the
    controller log may be another drill's, naming the first message that differs."""
    import json
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main
    from drillsim.drill.session import DrillSession
    from drillsim.errors import ValidationFailed

    log = tmp_path / "d.jsonl"
    shutil.copy(drill_log, log)
    shutil.copy(other_drill_log.with_name("d.controller.jsonl"), tmp_path / "d.controller.jsonl")
    first = [next(r for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())
                  if r["rec"] == "message" and r["seq"] == 1) for p in (drill_log, other_drill_log)]
    assert first[0]["t"] != first[1]["t"]  # the two drills differ from their first call
    differs = (f"the replay does not match the log: message 1 was {first[0]['text']!r} at minute "
               f"{first[0]['t']:.1f}, the replay gives {first[1]['text']!r} at {first[1]['t']:.1f}; "
               "the controller log beside it is another drill's (another seed, pack or scenario), "
               "or the log or the installed plugins changed since the drill")
    (tmp_path / "secret").write_text("s3cret\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["replay", str(log), "--plain", "--secret-file", str(tmp_path / "secret")])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0] == f"{log}: {differs} (nothing was played)", result.output
    with pytest.raises(ValidationFailed) as caught:
        DrillSession.resume(log, "s3cret", host=host, keep_logging=False)
    assert caught.value.faults[0].message == f"{differs} (refusing to go on from a different drill)"


def _cut_setup(data: bytes) -> bytes:
    """The controller log cut inside its set-up record (its second line)."""
    header, setup = data.split(b"\n")[:2]
    return header + b"\n" + setup[:len(setup) // 2]


# (which file, its bytes changed, what replay says, what a resume says: None = as replay):
# the damage a disk, a copy or an editor does to a drill log's bytes. Was: Python's
# "'utf-8' codec can't decode byte 0xff in position 2062" naming no line; "not a drill
# log record" for an editor's byte-order mark; "this control secret does not open the
# controller log" for a set-up record cut short (the secret was right)
DRILL_LOG_BYTES = {
    "a player line that is not UTF-8": (
        "d.jsonl", lambda data: data.replace(b"\n", b"\n\xff\xfe\n", 1),
        ":2:1: not UTF-8 text (byte 0xff at column 1); drillsim writes its logs in UTF-8", None),
    "a controller line that is not UTF-8": (
        "d.controller.jsonl", lambda data: data.replace(b"\n", b"\n\xc3(\n", 1),
        ":2:1: not UTF-8 text (byte 0xc3 at column 1); drillsim writes its logs in UTF-8", None),
    "a byte-order mark": (
        "d.jsonl", lambda data: b"\xef\xbb\xbf" + data,
        ":1:1: starts with a byte-order mark (an editor saved the file): drillsim writes its logs "
        "without one", None),
    "a set-up record cut short": (
        "d.controller.jsonl", _cut_setup,
        ":2:1: the drill's set-up record is cut short (the drill stopped while writing it): there "
        "is no drill here to replay or resume",
        # a resume cuts a torn last line first: the header is left
        ":1:1: holds no record after its header: the drill stopped before its set-up was written; "
        "there is no drill here to replay or resume"),
}


@pytest.mark.parametrize("case", sorted(DRILL_LOG_BYTES))
def test_a_drill_log_with_damaged_bytes_is_a_message(case, drill_log, tmp_path, host):
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main
    from drillsim.drill.session import DrillSession
    from drillsim.errors import ValidationFailed

    name, damage, replay_says, resume_says = DRILL_LOG_BYTES[case]
    for other in ("d.jsonl", "d.controller.jsonl"):
        shutil.copy(drill_log.with_name(other), tmp_path / other)
    target = tmp_path / name
    target.write_bytes(damage(target.read_bytes()))
    (tmp_path / "secret").write_text("s3cret\n", encoding="utf-8")
    log = tmp_path / "d.jsonl"
    result = CliRunner().invoke(main, ["replay", str(log), "--plain", "--secret-file", str(tmp_path / "secret")])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0] == f"{target}{replay_says}", result.output
    with pytest.raises(ValidationFailed) as caught:
        DrillSession.resume(log, "s3cret", host=host, keep_logging=False)
    assert str(caught.value.faults[0]) == f"{target}{resume_says or replay_says}"


def test_a_sweeps_replications_raised_since_are_run_on_resume(tmp_path, monkeypatch):
    """The sweep's ``replications:`` raised from 2 to 3 after its batch: ``--resume``
    went on with the 2 stored per variant, 0 run, without a word (the edit did nothing);
    it now counts as ``-n 3`` would, saying so: 4 variants × 1 more replication."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    shutil.copytree(HERE / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "b.db"
    first = CliRunner().invoke(main, ["batch", "scenarios/sweeps/valid.yaml", "--workers", "0", "--db", str(db),
                                      "--quiet"])
    assert first.exit_code == 0 and first.output.endswith(f"8 of 8 in {db}\n"), first.output
    sweep = tmp_path / "scenarios" / "sweeps" / "valid.yaml"
    text = sweep.read_text(encoding="utf-8")
    assert "replications: 2\n" in text
    sweep.write_text(text.replace("replications: 2\n", "replications: 3\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", "scenarios/sweeps/valid.yaml", "--workers", "0", "--resume",
                                       "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"scenarios/sweeps/valid.yaml: replications: 3, and {db} holds a batch of 2 per variant: going on to 3",
        f"4 replication(s) run (in this process), 8 stored before; 12 of 12 in {db}"]


@pytest.mark.parametrize("args", [
    ["run", "scenarios/v\udcff.yaml", "-n", "1"],
    ["run", "scenarios/valid.yaml", "-n", "1", "--json", "o\udcfe.json"],
    ["batch", "scenarios/sweeps/valid.yaml", "--workers", "0", "--db", "b\udcff.db"],
    ["results", "b\udcff.db"],
    ["validate", "scenarios/v\udcff.yaml"],
], ids=["scenario", "json", "db", "results", "validate"])
def test_a_name_that_is_not_utf8_is_refused_before_anything_runs(args, tmp_path, monkeypatch):
    """An argument with bytes that are not UTF-8 (a file named in Latin-1 or GBK; Python
    hands the bytes on as lone surrogates, as here): ``run`` ran the replications, then
    failed writing the JSON (UnicodeEncodeError, a traceback, the work lost); other
    commands said "scenarios/v\\udcff.yaml: file not found". Refused first, the bytes
    shown as \\xff."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    shutil.copytree(HERE / "scenarios", tmp_path / "scenarios")
    shutil.copy(HERE / "scenarios" / "valid.yaml", tmp_path / "scenarios" / "v\udcff.yaml")
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(main, args)
    bad = next(a for a in args if "\udcff" in a or "\udcfe" in a)
    shown = bad.replace("\udcff", "\\xff").replace("\udcfe", "\\xfe")
    byte = "ff" if "\udcff" in bad else "fe"
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"'{shown}': not UTF-8 text (byte 0x{byte}); drillsim writes the names it "
        "is given into its reports, logs and databases as UTF-8: rename the file or folder in UTF-8 (or run "
        "under a UTF-8 locale); nothing was run"]
    assert sorted(tmp_path.rglob("*")) == before


def test_a_seat_or_a_seats_force_given_twice_is_located(tmp_path):
    """A seats file naming one seat twice was refused at its first line ("seat names
    must differ", no field); a force listed twice in one seat passed without a word.
    Each is now refused at the second one, as a scenario's names given twice are."""
    from drillsim.drill.seats import load_seats
    from drillsim.errors import ValidationFailed

    path = tmp_path / "seats.yaml"
    path.write_text("seats:\n"
                    "  - {name: control, role: control}\n"
                    "  - {name: boats, role: force, forces: [water_rescue, blue_sky, water_rescue]}\n"
                    "  - {name: control, role: evaluator}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_seats(path)
    line3 = "  - {name: boats, role: force, forces: [water_rescue, blue_sky, "
    assert [str(f) for f in caught.value.faults] == [
        f"{path}:3:{len(line3) + 1}: seats[1].forces[2]: 'water_rescue' is given twice (first at forces[0])",
        f"{path}:4:12: seats[2].name: seat 'control' is given twice (first at seats[0])"]


def test_a_wrong_control_secret_names_the_controller_log_once(drill_log, tmp_path):
    """It said "d.jsonl: d.controller.jsonl: this control secret does not open the
    controller log" (two files, the first not the one at fault)."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    for name in ("d.jsonl", "d.controller.jsonl"):
        shutil.copy(drill_log.with_name(name), tmp_path / name)
    (tmp_path / "secret").write_text("not-the-secret-at-all\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "d.jsonl"), "--plain", "--secret-file",
                                       str(tmp_path / "secret")])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0] == (f"{tmp_path / 'd.controller.jsonl'}: this control secret does not "
                                             "open the controller log")


def test_a_control_secret_variable_that_is_not_utf8_is_a_message(drill_log, tmp_path, monkeypatch):
    """``$DRILLSIM_CONTROL_SECRET`` set with bytes that are not UTF-8 (Python hands them
    on as lone surrogates): replay said "'utf-8' codec can't encode characters in
    position 0-1: surrogates not allowed"."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    for name in ("d.jsonl", "d.controller.jsonl"):
        shutil.copy(drill_log.with_name(name), tmp_path / name)
    monkeypatch.setenv("DRILLSIM_CONTROL_SECRET", "s3\udcffcret")
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "d.jsonl"), "--plain"])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == ["$DRILLSIM_CONTROL_SECRET: not UTF-8 text (byte 0xff); set it in "
                                          "UTF-8, or give --secret-file FILE"]


# (scenario, its residents_per_rescuer as written): every shipped params model that sends
# rescuers to move residents out (the flood's and the release's evacuation, the
# landslide's relocation) is played by one of these
RESCUER_WORK = [("fujiang_flood_2020.yaml", "evacuation"), ("chemical_park_leak.yaml", "evacuation"),
                ("guxi_landslide.yaml", "relocation")]


def test_every_rescuers_work_fits_a_run(host):
    """One rescuer's work on scene is residents_per_rescuer ÷ rate_per_rescuer minutes. A
    residents_per_rescuer of 1e308 (or 1e-320: infinitely many rescuers), or a rate of
    1e-320/h, passed ``validate`` and made
    that work infinite: the run failed in its middle ("on-scene work must be a positive
    number of minutes, got inf"). Every model with the pair refuses both at the field's
    own line; the models are found by their fields, so a new one is not left out."""
    import re

    from click.testing import CliRunner

    from drillsim.cli.main import main
    from drillsim.reference.kinds import params_models

    for registration in params_models(host):
        assert registration.model is not None
    owners = sorted(f"{m.__module__}.{m.__qualname__}" for m in set(_subclasses(Strict))
                    if {"residents_per_rescuer", "rate_per_rescuer"} <= set(m.model_fields))
    assert owners == ["drillsim_plugins.chemical.hazard.EvacuationParams",
                      "drillsim_plugins.flood.params.EvacuationParams",
                      "drillsim_plugins.landslide.hazard.RelocationParams"]
    scenarios = Path(__file__).resolve().parent.parent / "scenarios"
    runner = CliRunner()
    for name, section in RESCUER_WORK:
        text = (scenarios / name).read_text(encoding="utf-8")
        for field, value, says in (
                ("residents_per_rescuer", "1e308", "1e+308 is outside the physical range of an amount "
                                                  "(0–10,000,000"),
                # ceil(residents ÷ 1e-320) rescuers: OverflowError (inf to int) in the run
                ("residents_per_rescuer", "1e-320", "must be at least 0.1, got 1e-320"),
                # 10,000,000 residents at 20/h: 500,000 h, 20,833 d (by hand)
                ("residents_per_rescuer", "10000000", "one rescuer moving 10,000,000 residents at 20/h "
                                                      "would work 20,833 d on scene, longer than 366 d"),
                # the least rate a file may give (1e-9 a minute; 1e-320/h is refused as
                # too small): 10 residents take 1e10 min, 6,944,444 d (by hand)
                ("rate_per_rescuer", "1e-9/min", "d on scene, longer than 366 d")):
            match = re.search(rf"{field}: ([^,}}\n]+)", text)
            broken = text[:match.start(1)] + value + text[match.end(1):]
            line = text[:match.start()].count("\n") + 1
            path = scenarios / f"_broken_{name}"
            try:
                path.write_text(broken, encoding="utf-8")
                result = runner.invoke(main, ["validate", str(path)])
            finally:
                path.unlink()
            assert result.exit_code == 2, (name, field, value, result.output)
            first = result.output.splitlines()[0]
            # the work is refused at the rate's line (it comes after the residents)
            at = "rate_per_rescuer" if "would work" in says else field
            at_line = line if at == field else text[:text.index("rate_per_rescuer", match.start())].count("\n") + 1
            assert first.startswith(f"{path}:{at_line}:"), first
            assert f"hazards[0].params.{section}.{at}: " in first and says in first, first


def test_a_tiny_numpy_number_is_written_not_nan(tmp_path):
    """A valid 200-unit hypercube (the most ``units:`` takes) printed "mean wait nan min"
    and a RuntimeWarning: its waiting share, a numpy float of 1e-316, went through
    ``round(x, 318)``, which numpy computes as x × 10³¹⁸ (overflow, then inf/inf)."""
    import warnings

    import numpy as np

    from drillsim.scenario.quantities import format_number

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # 3e-37 written out: "0.", 36 zeros, "3" (by hand)
        assert format_number(np.float64(3e-37)) == format_number(3e-37) == "0." + "0" * 36 + "3"
        text = format_number(np.float64(8e-317))
    assert text == "0." + "0" * 316 + "8"


# (hook, code raising in it): plugin code that raises something not derived from Exception
PLUGIN_EXITS = {
    "sys.exit in a hook": ("drillsim_run_started(sim)", "sys.exit(3)", "SystemExit: 3"),
    "its own BaseException": ("drillsim_run_finished(sim)", "raise Boom('boom')", "Boom: boom"),
    "sys.exit choosing units": ("drillsim_choose_units(sim, incident, unmet, candidates)", "sys.exit('no units')",
                                "SystemExit: no units"),
    "sys.exit in travel": ("drillsim_travel_time(sim, unit, origin, destination)", "sys.exit(5)", "SystemExit: 5"),
    "sys.exit in an event": ("drillsim_event(sim, event)", "sys.exit(6)", "SystemExit: 6"),
}


@pytest.mark.parametrize("case", sorted(PLUGIN_EXITS))
def test_a_plugin_raising_beyond_exception_fails_the_run(case, tmp_path, monkeypatch):
    """A plugin whose hook calls ``sys.exit()`` ended drillsim with that exit status and
    no word (exit status 3: neither 1, a run failed, nor 2); one raising its own
    ``BaseException`` subclass ended in a traceback. Both fail the run as any plugin
    exception does: the plugin, the hook, exit status 1, no traceback."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    hook, body, says = PLUGIN_EXITS[case]
    plugin = tmp_path / "careless.py"
    plugin.write_text("import sys\nfrom drillsim.api import hookimpl\n\n\nclass Boom(BaseException):\n    pass\n\n\n"
                      f"@hookimpl\ndef {hook}:\n    {body}\n", encoding="utf-8")
    monkeypatch.chdir(HERE)
    result = CliRunner().invoke(main, ["run", "scenarios/valid.yaml", "-n", "1", "--json", str(tmp_path / "o.json"),
                                       "--plugin-module", f"careless={plugin}"])
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit)  # click's own exit, not the plugin's escaping
    assert "Traceback" not in result.output
    name = hook.split("(")[0]
    line = result.output.splitlines()[-1]
    assert line.startswith(f"run failed: plugin 'careless' failed in {name} at scenario time "), line
    assert line.endswith(f": {says}"), line
    assert not (tmp_path / "o.json").exists()


def test_a_plugin_module_calling_sys_exit_at_import_is_refused(tmp_path, monkeypatch):
    """``sys.exit("…")`` at a plugin module's top level (a script's habit when its
    configuration is missing) stopped drillsim with the plugin's text and exit status 1;
    Ctrl-C in a hook still interrupts (exit status 130)."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "script.py"
    plugin.write_text("import sys\nsys.exit('militia: no militia.ini found')\n", encoding="utf-8")
    monkeypatch.chdir(HERE)
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml", "--plugin-module", f"militia={plugin}"])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [f"plugin error: plugin 'militia': cannot import module {str(plugin)!r}: "
                                          "SystemExit: militia: no militia.ini found"]
    interrupting = tmp_path / "ctrl_c.py"
    interrupting.write_text("from drillsim.api import hookimpl\n\n\n@hookimpl\ndef drillsim_run_started(sim):\n"
                            "    raise KeyboardInterrupt\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "scenarios/valid.yaml", "-n", "1", "--plugin-module",
                                       f"ctrl_c={interrupting}"])
    assert result.exit_code == 130, result.output


# (factor or variants as written, the value that repeats one before it, its column): the
# same value written twice in different ways, in each way a sweep can write it
SAME_VALUE = {
    "a whole number and its float": ("  team_size: {path: forces.team.capabilities.people, values: [3, 5, 5.0]}",
                                     "level '5.0' of factor 'team_size' gives the same scenario as level '5'"),
    "a duration in hours and minutes": ("  turnout: {path: forces.team.turnout, values: [1h, 90min, 60min]}",
                                        "level '60min' of factor 'turnout' gives the same scenario as level '1h'"),
    "a rate per hour and per day (a hazard's params)": (
        "  calls: {path: hazards.calls.params.rate, values: [2/h, 48/d]}",
        "level '48/d' of factor 'calls' gives the same scenario as level '2/h'"),
    "two named levels setting one value": (
        "  team: {levels: [{name: small, set: {forces.team.units: 1}}, {name: one, set: {forces.team.units: 1}}]}",
        "level 'one' of factor 'team' gives the same scenario as level 'small'"),
}


@pytest.mark.parametrize("case", sorted(SAME_VALUE))
def test_a_sweep_level_repeating_another_written_otherwise_is_refused(case, tmp_path):
    """``values: [3, 3]`` was refused ("given twice"), but ``[3, 5, 5.0]``, ``[1h, 60min]``
    or ``[2/h, 48/d]`` passed: the batch ran every replication of one configuration twice
    and tabled the two as different variants (``5 / 2`` and ``5.0 / 2``, a difference of
    0 [0, 0]). Two variants that resolve to the same scenario are refused at the later
    level's line (explicit variants may repeat one another: an A/A check)."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    shutil.copytree(HERE / "scenarios", tmp_path / "scenarios")
    factor, says = SAME_VALUE[case]
    sweep = tmp_path / "scenarios" / "sweeps" / "same.yaml"
    sweep.write_text(f"name: same twice\nscenario: ../valid.yaml\nfactors:\n{factor}\n"
                     "objective: {measure: mean, target: R}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(sweep)])
    assert result.exit_code == 2, result.output
    line = result.output.splitlines()[0]
    assert line.startswith(f"{sweep}:4:"), line  # the factor's line
    assert says + " (the same value, written another way)" in line, line
    # explicit variants may repeat one another (an A/A check, as tests/test_batch_analysis's
    # 'plan again' with common random numbers), written the same way or not
    sweep.write_text("name: same twice\nscenario: ../valid.yaml\nvariants:\n"
                     "  - {name: two, set: {forces.team.turnout: 2min}}\n"
                     "  - {name: also two, set: {forces.team.turnout: 120s}}\n"
                     "objective: {measure: mean, target: R}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(sweep)])
    assert result.exit_code == 0, result.output
    # a level that differs, however little, is a variant of its own (the valid base sweep)
    assert CliRunner().invoke(main, ["validate", str(tmp_path / "scenarios" / "sweeps" / "valid.yaml")]).exit_code == 0


# (shipped scenario, path to a value, the tiny value): each passed validate and then failed
SO_LITTLE = [
    # validate: OverflowError counting the routing steps (a traceback)
    ("fujiang_flood_2020.yaml", ("hazards", 0, "params", "routing", "dt"), "1e-320min"),
    # validate: ZeroDivisionError in the rating curve (a traceback)
    ("flash_flood.yaml", ("hazards", 0, "params", "gauge", "rating", "through_stage"), "1e-320km"),
    # the run stalled: the release's self-limit waited on a Timeout(inf)
    ("road_tanker_leak.yaml", ("hazards", 0, "params", "rate"), "1e-320kg/s"),
    # the run did not end: 8.6 million fire growth steps for a day
    ("forest_fire.yaml", ("hazards", 0, "params", "step"), "0.01s"),
]


def test_a_quantity_too_small_to_be_meant_is_refused_in_every_kind():
    """A value above zero but far below anything a scenario means: 1e-320 of the engine
    unit in every quantity kind, and a time under 1 s, is refused, so a plugin never
    divides by it (see SO_LITTLE for what that did)."""
    from drillsim.scenario.quantities import ENGINE_UNIT, SMALLEST

    assert set(SMALLEST) == set(_KINDS)
    written = {**ENGINE_UNIT, "discharge": "m3/s", "rate": "/min"}
    for kind in _KINDS:
        with pytest.raises(ValueError, match="no scenario means so little"):
            parse_quantity(f"1e-320{written[kind]}", kind)
    for text in ("0.5s", "999ms", "-0.5s"):
        with pytest.raises(ValueError, match="shorter than 1 s"):
            parse_quantity(text, "time_offset")
    # 1 s itself, and zero where zero is a value, still read
    assert parse_quantity("1s", "time") == pytest.approx(1 / 60)
    assert parse_quantity("1000ms", "time") == pytest.approx(1 / 60)
    assert parse_quantity("0min", "time", allow_zero=True) == 0


@pytest.mark.parametrize("name, path, value", SO_LITTLE, ids=[c[0] for c in SO_LITTLE])
def test_a_tiny_value_in_a_shipped_scenario_is_refused_at_its_line(name, path, value, tmp_path):
    import shutil

    import yaml
    from click.testing import CliRunner

    from drillsim.cli.main import main

    scenarios = Path(__file__).resolve().parent.parent / "scenarios"
    shutil.copytree(scenarios, tmp_path / "scenarios")
    target = tmp_path / "scenarios" / name
    text = target.read_text(encoding="utf-8")
    node = yaml.compose(text)
    for part in path:
        node = node.value[part] if isinstance(part, int) else next(v for k, v in node.value if k.value == part)
    lines = text.splitlines(keepends=True)
    start = sum(map(len, lines[:node.start_mark.line])) + node.start_mark.column
    end = sum(map(len, lines[:node.end_mark.line])) + node.end_mark.column
    target.write_text(text[:start] + value + text[end:], encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(target)])
    assert result.exit_code == 2, result.output
    dotted = "hazards[0].params." + ".".join(map(str, path[3:]))
    line = result.output.splitlines()[0]
    assert line.startswith(f"{target}:{node.start_mark.line + 1}:{node.start_mark.column + 1}: {dotted}: "
                           f"{value!r} is "), line
    assert line.endswith(": no scenario means so little (a typo for the unit?)"), line


@pytest.mark.parametrize("code, kind", [
    ("@hookimpl\nclass drillsim_run_started:\n    def __init__(self, sim):\n        pass\n", "a class"),
    ("drillsim_run_started = 5\n", "an int"),
    ("drillsim_event = functools.partial(print)\n", "a partial"),
])
def test_a_hook_name_on_something_not_a_function_is_said(code, kind, tmp_path, monkeypatch):
    """pluggy calls only functions: a class marked @hookimpl was warned about as "marked by
    a hookimpl of the pluggy project 'drillsim' …, not of 'drillsim'" (nonsense: it is
    drillsim's marker), and a value under a hook's name passed without a word."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "oddly.py"
    plugin.write_text(f"import functools\nfrom drillsim.api import hookimpl\n\n\n{code}", encoding="utf-8")
    monkeypatch.chdir(HERE)
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml", "--plugin-module", f"oddly={plugin}"])
    assert result.exit_code == 0, result.output
    hook = code.split("class ")[-1].split(":")[0] if "class " in code else code.split(" =")[0]
    assert (f"warning: plugin 'oddly': {hook} is {kind}, not a function, so it is never called; a hook is a "
            f"function (def {hook}(…)) marked @hookimpl, from drillsim.api") in result.output.splitlines(), result.output
    assert "pluggy project" not in result.output


@pytest.mark.parametrize("hazard", ["poisson_incidents", "scripted_incidents"])
def test_new_scenario_in_a_region_of_other_vehicles_writes_a_valid_file(hazard, tmp_path, monkeypatch):
    """``new-scenario`` in a folder whose region has its own vehicle classes (the corpus's
    mini region: car only) wrote a rescue team travelling by ``rescue_vehicle``, found the
    file invalid, deleted it and named a line of the deleted file
    (``…:29:11: forces[0].type: vehicle class 'rescue_vehicle' is not in the region's
    travel.vehicles``). The team now travels by the region's first class; the file runs."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    for sub in ("regions", "plans"):
        (tmp_path / sub).mkdir()
        shutil.copy(HERE / "scenarios" / sub / "mini.yaml", tmp_path / sub / "mini.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new-scenario", "start", "--hazard", hazard, "--dir", "."])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "start.yaml").read_text(encoding="utf-8")
    assert "    vehicle: car " in text
    ran = CliRunner().invoke(main, ["run", "start.yaml", "-n", "2", "-q"])
    assert ran.exit_code == 0, ran.output


def test_rain_beyond_any_ever_recorded_is_refused(tmp_path):
    """A rain depth of 1e300 mm per step passed: ``hazard landslide`` printed a mean
    intensity of 10³⁰³ mm/h and a scenario ran its slides from it. A depth above the
    world's record envelope, 422 mm × D^0.475 (D in hours; Jennings 1950), is refused
    at the series' line in a scenario (landslide and waterlogging rain alike) and as the
    calculator's option."""
    import re
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    runner = CliRunner()
    # one step of 1 h: 422 mm is the envelope (422 × 1^0.475); 423 mm is over it
    result = runner.invoke(main, ["hazard", "landslide", "--rain", "10,423", "--step", "1h"])
    assert result.exit_code == 2, result.output
    assert ("landslide: 423 mm in one step of 60 min (value 2) is more than has ever fallen anywhere: the "
            "world's greatest point rainfalls lie under 422 mm × D^0.475 (D in hours; Jennings 1950), 422 mm "
            "for this step") in result.output
    assert runner.invoke(main, ["hazard", "landslide", "--rain", "10,421", "--step", "1h"]).exit_code == 0
    scenarios = Path(__file__).resolve().parent.parent / "scenarios"
    shutil.copytree(scenarios, tmp_path / "scenarios")
    for name in ("guxi_landslide.yaml", "urban_waterlogging.yaml"):
        path = tmp_path / "scenarios" / name
        text = path.read_text(encoding="utf-8")
        match = re.search(r"values_mm: \[([0-9.]+)", text)
        path.write_text(text[:match.start(1)] + "1e300" + text[match.end(1):], encoding="utf-8")
        line = text[:match.start()].count("\n") + 1
        result = runner.invoke(main, ["validate", str(path)])
        assert result.exit_code == 2, result.output
        first = result.output.splitlines()[0]
        assert first.startswith(f"{path}:{line}:") and ".values_mm: 1e+300 mm in one step of " in first, first


# a road graph's text and the rest of the message after "road graph 'g.csv'" (at the region's line 4)
ROAD_GRAPHS = {
    "empty": ("", " holds no road: give one edge a line, from,to,km (the first line is that header)"),
    "only the header": ("from,to,km\n", " holds no road: give one edge a line, from,to,km (the first line is that header)"),
    "every name misspelt": ("from,to,km\nWEST,MIDDLE,12\n", ": none of its nodes ('MIDDLE', 'WEST' …) is a township or "
                            "site of the region, so no trip could use it; name the places by their ids"),
    "full-width km": ("from,to,km\nwest,middle,１２\n", ", line 2: each edge needs from, to and a number km ('１２' is "
                      "not a number (write the digits as 0-9, not full-width or another script's digits))"),
    "km beyond the Earth": ("from,to,km\nwest,middle,1e308\n", ", line 2: 1e+308 km is outside the physical range of a "
                            "distance (0–20,038 km: half the Earth's circumference)"),
    "km nan": ("from,to,km\nwest,middle,nan\n", ", line 2: each edge needs from, to and a number km ('nan' is not a number)"),
}


@pytest.mark.parametrize("case", sorted(ROAD_GRAPHS))
def test_a_road_graph_that_is_no_road_network_is_refused(case, tmp_path):
    """A road graph file holding no edge, or none whose ends are the region's places, was
    taken for no graph: every trip went by the straight line × circuity without a word. A
    km in full-width digits was read (float() takes them), one of 1e308 made trips that
    never arrived."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    shutil.copytree(HERE / "scenarios", tmp_path / "scenarios")
    graph, says = ROAD_GRAPHS[case]
    (tmp_path / "scenarios" / "regions" / "g.csv").write_text(graph, encoding="utf-8")
    region = tmp_path / "scenarios" / "regions" / "mini.yaml"
    region.write_text(region.read_text(encoding="utf-8").replace("travel:\n", "travel:\n  road_graph: g.csv\n", 1),
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "scenarios" / "valid.yaml")])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0] == f"{region}:4:15: travel.road_graph: road graph 'g.csv'{says}"


@pytest.mark.parametrize("path", ["forces.team.units.", ".forces.team.units", "forces..team.units",
                                  "forces.[0].units", "forces[0]units"])
def test_a_field_path_with_a_dot_too_many_or_too_few_is_refused(path, tmp_path, monkeypatch):
    """A path's empty part was dropped ('forces.team.units.' read as forces.team.units,
    'forces[0]units' as forces[0].units): a typo passed as another path. Refused
    wherever a path is written: an assumption's applies_to (at its line), size --path."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    shutil.copytree(HERE / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    says = (f"not a field path: {path!r}: a name on each side of every dot, an index as [2] after a "
            "name (write e.g. forces[2].units)")
    scenario = tmp_path / "scenarios" / "valid.yaml"
    text = scenario.read_text(encoding="utf-8").replace(
        "reason: test corpus}", f"reason: test corpus, applies_to: '{path}'}}")
    scenario.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "scenarios/valid.yaml"])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0].startswith("scenarios/valid.yaml:28:")
    assert result.output.splitlines()[0].endswith(f"assumptions[0].applies_to: {says}"), result.output
    shutil.copy(HERE / "scenarios" / "valid.yaml", scenario)
    result = CliRunner().invoke(main, ["size", "scenarios/valid.yaml", "--target", "R", "--path", path, "-w", "0",
                                       "-q", "--max", "2"])
    assert result.exit_code == 2, result.output
    assert says in result.output


def test_a_large_valid_hypercube_writes_its_tiny_wait_readably(tmp_path):
    """200 units (the most ``units:`` takes), one call every 30 min, an hour each: the
    share of calls that wait is about 1e-316 and its mean wait about 1e-317 min. It was
    printed as "mean wait nan min" with a RuntimeWarning, then (format_number fixed) with
    316 zeros; now in scientific notation, as the share is."""
    import re
    import warnings

    from click.testing import CliRunner

    from drillsim.cli.main import main

    units = [f"u{i}" for i in range(200)]
    atoms = "".join(f"  - {{id: a{j}, demand: 1, preference: [{', '.join(units[j:] + units[:j])}]}}\n"
                    for j in range(200))
    spec = tmp_path / "big.yaml"
    spec.write_text(f"name: two hundred units\nrate: 2/h\nservice: 60min\nunits: [{', '.join(units)}]\n"
                    f"atoms:\n{atoms}", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = CliRunner().invoke(main, ["calc", "hypercube", str(spec)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    wait = re.search(r"mean wait (\S+) min", text)
    assert wait and re.fullmatch(r"\d\.\d\de-\d+", wait.group(1)), text[-400:]
    assert "nan" not in text and "0000000000" not in text


@pytest.mark.parametrize("values, says", [
    ("[200km/h, 236km/h, 236.0km/h]", "level '236.0km/h' of factor 'f' gives the same scenario as level '236km/h'"),
    ("[10min, 15min, 0.25h]", "level '0.25h' of factor 'f' gives the same scenario as level '15min'"),
])
def test_a_level_repeating_another_in_a_forces_params_is_refused(values, says, tmp_path):
    """A force's params (a helicopter's cruise speed, its start-up) are compared as parsed,
    as a hazard's are: ``236km/h`` and ``236.0km/h`` ran one configuration twice."""
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "scenarios", tmp_path / "scenarios")
    field = "cruise" if "km/h" in values else "start_up"
    sweep = tmp_path / "scenarios" / "sweeps" / "same_force.yaml"
    sweep.write_text("name: same twice\nscenario: ../aviation_circle.yaml\nfactors:\n"
                     f"  f: {{path: forces.tongnan_helicopters.params.{field}, values: {values}}}\n"
                     "objective: {measure: mean, target: T6}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(sweep)])
    assert result.exit_code == 2, result.output
    assert says in result.output, result.output
