"""Strict YAML loading (YAML 1.2 core schema, no 1.1 surprises) and quantities with units."""

from __future__ import annotations

import pytest

from drillsim.errors import ValidationFailed
from drillsim.scenario.quantities import parse_fraction, parse_quantity
from drillsim.scenario.yamlsource import parse_yaml


def load(text):
    return parse_yaml(text, "f.yaml")


def faults(text):
    with pytest.raises(ValidationFailed) as exc:
        load(text)
    return [str(f) for f in exc.value.faults]


def test_yaml_1_1_surprises_stay_text():
    doc = load("a: 1:30\nb: no\nc: off\nd: 010\ne: 1e3\nf: yes\ng: 0o10\nh: true\ni: ~\nj: 2020-08-16\n")
    assert doc.data == {"a": "1:30", "b": "no", "c": "off", "d": 10, "e": 1000.0, "f": "yes",
                        "g": 8, "h": True, "i": None, "j": "2020-08-16"}
    assert doc.raw[("d",)] == "010"  # kept so a message can quote what was written


def test_positions_are_one_based_lines_and_columns():
    doc = load("top:\n  list:\n    - x: 1\n      y: two\n")
    assert doc.positions[("top", "list", 0, "y")] == (4, 10)
    assert doc.key_positions[("top", "list", 0, "y")] == (4, 7)


def test_duplicate_key_is_a_fault_with_both_lines():
    assert faults("a: 1\nb: 2\na: 3\n") == ["f.yaml:3:1: a: duplicate key 'a' (first given on line 1)"]


def test_python_tags_are_refused():
    out = faults("a: !!python/object/apply:os.system ['echo hi']\n")
    assert out[0].startswith("f.yaml:1:4: a: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed")


def test_syntax_error_and_empty_file():
    assert faults("a: [1, 2\nb: 3\n")[0].startswith("f.yaml:2:2: YAML syntax error:")
    assert faults("") == ["f.yaml:1:1: the file is empty"]
    assert faults("# only a comment\n") == ["f.yaml:1:1: the file is empty"]


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    out = faults("\n".join(lines) + "\n")
    assert "document expands to more than" in out[0]


def test_deep_nesting_is_refused():
    assert "nested more than" in faults("a: " + "[" * 200 + "]" * 200 + "\n")[0]


def test_not_utf8(tmp_path):
    from drillsim.scenario.yamlsource import load_yaml

    p = tmp_path / "gbk.yaml"
    p.write_bytes("name: 潼南\n".encode("gbk"))
    with pytest.raises(ValidationFailed) as exc:
        load_yaml(p, "gbk.yaml")
    assert str(exc.value) == "gbk.yaml:1:7: not UTF-8 text (byte 0xe4); save the file as UTF-8"


@pytest.mark.parametrize("text,kind,minutes", [
    ("90min", "time", 90.0), ("12h", "time", 720.0), ("2d", "time", 2880.0), ("45s", "time", 0.75),
    ("1.5 h", "time", 90.0), ("40km/h", "speed", 40.0), ("10m/s", "speed", 36.0),
    ("10mph", "speed", 16.09344), ("800m", "length", 0.8), ("22600m3/s", "discharge", 22600.0),
    ("0.5/h", "rate", 0.5 / 60), ("238.0m", "elevation", 238.0),
])
def test_quantities_convert_to_engine_units(text, kind, minutes):
    assert parse_quantity(text, kind) == pytest.approx(minutes)


@pytest.mark.parametrize("value,message", [
    (12, "a duration needs a unit: write e.g. 90min, 12h, 2d, not the bare number 12"),
    ("1:30", "'1:30' looks like a clock time; write a duration with a unit (e.g. 90min, 12h, 2d: 1:30 is 90min)"),
    ("22:00", "'22:00' looks like a clock time"),
    ("12 fortnights x", "unknown unit"),
    ("5km", "'5km' is not a duration: 'km' measures [length]"),
    ("-3h", "a duration must not be negative, got '-3h'"),
    ("0min", "a duration must be greater than zero, got '0min'"),
    (True, "expected a duration with a unit"),
])
def test_bad_durations(value, message):
    with pytest.raises(ValueError) as exc:
        parse_quantity(value, "time")
    assert message in str(exc.value)


def test_fractions():
    assert parse_fraction("30%") == pytest.approx(0.3)
    assert parse_fraction(0.25) == 0.25
    for bad in ("130%", -0.1, "thirty"):
        with pytest.raises(ValueError):
            parse_fraction(bad)
