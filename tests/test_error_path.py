"""One error path for every message (issue 19, class 4).

- Every message goes through one console that never reads markup or emoji codes in the
  user's text: a fault on line 100 prints as ``file.yaml:100:12:``, not ``file.yaml💯12:``
  (every line number 1–2000 is checked through the console, a few through the CLI).
- Odd input (10**400, 5,000 digits, control characters, 10,000-character names) never
  reaches a traceback: each gets a located message.
- Where a value may take one of several shapes (a union of models), the faults of the
  shape the user meant are reported, not every branch's.
- A fault in one section hides none in later sections: all are reported in one pass,
  without the faults that merely follow from it.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Literal

import pytest
import yaml
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.errors import ValidationFailed
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.validation import Strict, validate
from drillsim.scenario.yamlsource import parse_yaml

CORPUS = Path(__file__).resolve().parent / "bad_inputs" / "scenarios"
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): \S")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "scenarios"
    shutil.copytree(CORPUS, root)
    monkeypatch.chdir(tmp_path)
    return root


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and "problem(s) found" not in line]


# ------------------------------------------------------------------ the console
def test_every_line_number_from_1_to_2000_prints_as_written(capsys):
    """2,000 faults, one on each line, through the console every message takes (the
    CLI's Fail.show): each prints exactly as the fault reads, ``:N:`` and all."""
    from drillsim.cli.support import Fail

    text = "".join(f"k{n}: !!binary x{n}\n" for n in range(1, 2001))
    with pytest.raises(ValidationFailed) as exc:
        parse_yaml(text, "file.yaml")
    faults = sorted(exc.value.faults)
    assert [f.line for f in faults] == list(range(1, 2001))
    Fail(str(exc.value), 2).show()
    printed = capsys.readouterr().err.splitlines()
    assert printed == [str(f) for f in faults]
    for n, line in enumerate(printed, start=1):
        assert line.startswith(f"file.yaml:{n}:{len(f'k{n}: ') + 1}: k{n}: YAML tag"), line
    assert "💯" not in "".join(printed)


@pytest.mark.parametrize("n", [1, 2, 99, 100, 101, 199, 200, 1000, 2000])
def test_a_fault_on_line_n_through_the_cli(tree, n):
    """An unknown top-level field on line N: the message shows ``:N:1:``."""
    valid = (tree / "valid.yaml").read_text(encoding="utf-8")
    (tree / "at.yaml").write_text("# padding\n" * (n - 1) + "nmae: x\n" + valid, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "scenarios/at.yaml"])
    assert result.exit_code == 2
    assert lines(result.output) == [f"scenarios/at.yaml:{n}:1: nmae: unknown field 'nmae'; did you "
                                    "mean 'name'?"]


def test_markup_and_emoji_codes_in_the_users_text_print_as_written(tree):
    valid = (tree / "valid.yaml").read_text(encoding="utf-8")
    (tree / "odd.yaml").write_text(valid.replace("name: valid mini scenario\n",
                                                 "name: valid mini scenario\n'[red]x[/red] :smile: :100:': 1\n"),
                                   encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "scenarios/odd.yaml"])
    assert result.exit_code == 2
    assert lines(result.output) == ["scenarios/odd.yaml:3:1: [red]x[/red] :smile: :100:: unknown field "
                                    "'[red]x[/red] :smile: :100:'"]


def test_the_error_console_reads_no_markup_emoji_or_highlighting():
    from drillsim.cli import support

    console = support.err
    assert (console._markup, console._emoji, console._highlight) == (False, False, False)


# ------------------------------------------------------------------ odd input
ODD = [10**400, "9" * 5000, "\x1b[31mred", "x" * 10000]  # the other odd values: below
ODD_KEYS = ["\x1b[31mred", "k" * 300]


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, path + (i,))
    else:
        yield path


def _dump(data) -> str:
    """YAML for ``data``, with integers of any size written out (safe_dump would too)."""
    return yaml.safe_dump(data, allow_unicode=True, width=10**9, sort_keys=False)


def test_odd_values_anywhere_in_a_scenario_get_located_messages(tree, host):
    """Every value (and key) of the corpus's valid scenario replaced by each odd value: the
    loader accepts it or refuses it with located faults (ValidationFailed, which the CLI
    prints with exit status 2), never another exception."""
    from drillsim.cli.support import MAX_LINE

    base = yaml.safe_load((tree / "valid.yaml").read_text(encoding="utf-8"))
    tried = 0
    for path in _leaves(base):
        for odd in ODD + ODD_KEYS[1:2]:
            for as_key in (False, True):
                if as_key and (odd not in ODD_KEYS or isinstance(path[-1], int)):
                    continue
                data = copy.deepcopy(base)
                holder = data
                for part in path[:-1]:
                    holder = holder[part]
                if as_key:
                    holder[odd] = holder.pop(path[-1])
                else:
                    holder[path[-1]] = odd
                (tree / "odd.yaml").write_text(_dump(data), encoding="utf-8")
                tried += 1
                try:
                    load_scenario(tree / "odd.yaml", host=host)
                except ValidationFailed as exc:
                    for fault in exc.faults:
                        where = f"{path} {'key' if as_key else 'value'} {odd!r:.30}: {fault}"
                        assert fault.line >= 1 and fault.column >= 1, where
                        assert LOCATED.match(str(fault)), where
                        assert len(str(fault)) <= 6000, where  # the console cuts at MAX_LINE
    assert tried > 150 and MAX_LINE == 1000


@pytest.mark.parametrize("text, message", [
    ("a: " + "1" + "0" * 400, "a: 10000000000000000000… (401 digits) is too large a whole number"),
    ("a: " + "9" * 5000, "a: 99999999999999999999… (5,000 digits) is too large a whole number"),
    ("a: -9223372036854775809", "a: -9223372036854775809 is too large a whole number"),
    ("a: 0x1ffffffffffffffff", "a: 0x1ffffffffffffffff is too large a whole number"),
    ('a: "x\\e[2J"', "a: the text contains the control character '\\x1b' (at character 2)"),
    ('a: "x\\x9b2J"', "a: the text contains the control character '\\x9b' (at character 2)"),
    ('a: "\\ud800"', "a: the text contains a lone surrogate '\\ud800' (at character 1)"),
    ('{"a\\0": 1}', "the field name 'a\\x00' contains the control character '\\x00'"),
    ("a: " + "n" * 10000, "a: the text is too long: 10,000 characters (at most 5,000)"),
    ("k" * 201 + ": 1", "the field name is too long: 201 characters (at most 200)"),
], ids=["10**400", "5000-digits", "below-int64", "hex-above-int64", "escape", "c1-csi", "surrogate",
        "nul-in-key", "10000-characters", "long-key"])
def test_odd_scalars_are_refused_where_written(text, message):
    with pytest.raises(ValidationFailed) as exc:
        parse_yaml(text, "odd.yaml")
    (fault,) = exc.value.faults
    assert fault.line == 1 and fault.column >= 1
    assert str(fault).startswith(f"odd.yaml:1:{fault.column}: {message}"), str(fault)


def test_ordinary_text_and_numbers_are_still_read():
    doc = parse_yaml('a: 9223372036854775807\nb: "tab\\there"\nc: |\n  two\n  lines\nd: 中文\n', "ok.yaml")
    assert doc.data == {"a": 2**63 - 1, "b": "tab\there", "c": "two\nlines\n", "d": "中文"}


# ------------------------------------------------------------------ unions
class Ground(Strict):
    kind: Literal["ground"]
    crew: int
    speed: str = "5km/h"


class Air(Strict):
    kind: Literal["air"]
    aircraft: str
    speed: str = "200km/h"


class Attack(Strict):
    name: str
    attack: Ground | Air
    extra: list[str | Ground] = []
    townships: Literal["all"] | list[str] = "all"


def _faults(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        validate(Attack, parse_yaml(text, "u.yaml"))
    return [str(f) for f in sorted(set(exc.value.faults))]


@pytest.mark.parametrize("text, expected", [
    # the example: 'crew' written for the ground form was reported by the air branch
    # as "unknown field 'crew'; did you mean 'crew'?"; now the ground form's own fault only
    ("name: x\nattack: {kind: ground, crew: 2, crw: 3}\n",
     ["u.yaml:2:33: attack.crw: unknown field 'crw'; did you mean 'crew'?"]),
    ("name: x\nattack: {kind: ground, crw: 3}\n",
     ["u.yaml:2:9: attack.crew: required field is missing",
      "u.yaml:2:24: attack.crw: unknown field 'crw'; did you mean 'crew'?"]),
    # the key only one form has decides which form was meant
    ("name: x\nattack: {crew: 2}\n", ["u.yaml:2:9: attack.kind: required field is missing"]),
    ("name: x\nattack: {kind: air, aircrft: h1}\n",
     ["u.yaml:2:9: attack.aircraft: required field is missing",
      "u.yaml:2:21: attack.aircrft: unknown field 'aircrft'; did you mean 'aircraft'?"]),
    # the discriminating value (kind: air) beats a field of the other form
    ("name: x\nattack: {kind: air, aircraft: h1, crew: 3}\n",
     ["u.yaml:2:35: attack.crew: unknown field 'crew'"]),
    # a value of neither shape: one message naming the shapes
    ("name: x\nattack: 5\n", ["u.yaml:2:9: attack: expected a mapping of fields, got '5'"]),
    ("name: x\nattack: {kind: air, aircraft: h}\nextra: [a, {kind: ground}, 3]\n",
     ["u.yaml:3:12: extra[1].crew: required field is missing",
      "u.yaml:3:28: extra[2]: expected text or a mapping of fields, got '3'"]),
    ("name: x\nattack: {kind: air, aircraft: h}\ntownships: al\n",
     ["u.yaml:3:12: townships: 'al' is not one of 'all'; did you mean 'all'?"]),
    ("name: x\nattack: {kind: air, aircraft: h}\ntownships: 5\n",
     ["u.yaml:3:12: townships: expected 'all' or a list, got '5'"]),
], ids=["typo-in-the-form-meant", "required-of-the-form-meant", "unique-key-decides",
        "typo-in-the-other-form", "discriminator-decides", "neither-shape", "list-of-union",
        "literal-or-list-typo", "literal-or-list-neither"])
def test_a_union_reports_the_shape_meant(text, expected):
    assert _faults(text) == expected


def test_no_fault_suggests_the_field_it_names():
    for text in ("name: x\nattack: {kind: air, aircraft: h1, crew: 3}\n",
                 "name: x\nattack: {kind: ground, crew: 1, aircraft: h1}\n"):
        for fault in _faults(text):
            named = re.search(r"unknown field '(\w+)'; did you mean '(\w+)'", fault)
            assert named is None or named.group(1) != named.group(2), fault


# ------------------------------------------------------------------ one pass
def _messages(path, host):
    with pytest.raises(ValidationFailed) as exc:
        load_scenario(path, host=host)
    return [str(f) for f in sorted(set(exc.value.faults))]


def _write(tree, name, replacements):
    text = (tree / "valid.yaml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tree / name).write_text(text, encoding="utf-8")
    return tree / name


def test_a_schema_fault_hides_no_cross_reference_fault(tree, host):
    path = _write(tree, "two.yaml", [("  horizon: 6h", "  horizon: 6"),
                                     ("    base: base\n", "    base: bsae\n")])
    assert _messages(path, host) == [
        f"{path}:8:12: run.horizon: a duration needs a unit: write e.g. 90min, 12h, 2d, not the bare number 6",
        f"{path}:15:11: forces[0].base: unknown place 'bsae': not a township or site of the region; "
        "did you mean 'base'?"]


def test_a_bad_start_hides_no_unknown_unit_type(tree, host):
    path = _write(tree, "two.yaml", [('start: "2020-08-16T00:00+08:00"', 'start: "2020-08-16"'),
                                     ("    type: district_rescue_team", "    type: district_resuce_team")])
    assert _messages(path, host) == [
        f"{path}:4:8: start: '2020-08-16' has no time zone; add it, e.g. '2020-08-16T00:00+08:00' for "
        "China Standard Time",
        f"{path}:13:11: forces[0].type: unknown unit type 'district_resuce_team'; did you mean "
        "'district_rescue_team'?"]


def test_a_bad_region_file_hides_no_fault_of_the_scenario(tree, host):
    region = tree / "regions" / "mini.yaml"
    region.write_text(region.read_text(encoding="utf-8").replace("speed: 60km/h", "speed: 60"), encoding="utf-8")
    path = _write(tree, "two.yaml", [("    type: poisson_incidents", "    type: poisson_incident")])
    assert _messages(path, host) == [
        f"{path}:21:11: hazards[0].type: unknown hazard type 'poisson_incident'; did you mean "
        "'poisson_incidents'?",
        "scenarios/regions/mini.yaml:6:18: travel.vehicles.car.speed: a speed needs a unit: "
        "write e.g. 40km/h, 7m/s, not the bare number 60"]


def test_what_follows_from_a_fault_is_not_reported_as_another(tree, host):
    """The misspelt base field leaves the force without a base, and the assumption about
    the force's units names a field the fault hides: neither is another mistake."""
    path = _write(tree, "one.yaml", [("    base: base\n", "    bse: base\n"),
                                     ("reason: test corpus}", "reason: test corpus, applies_to: forces.team.base}")])
    assert _messages(path, host) == [
        f"{path}:15:5: forces[0].bse: unknown field 'bse'; did you mean 'base'?"]


def test_a_valid_scenario_loads_as_before(tree, host):
    sc = load_scenario(tree / "valid.yaml", host=host)
    assert [f.id for f in sc.forces] == ["team"] and sc.doc.path.endswith("valid.yaml")
