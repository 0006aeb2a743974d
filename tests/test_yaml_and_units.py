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
    ("-3h", "-3h is outside the range accepted for a duration (0–366 d: the longest horizon a run takes)"),
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


# each meaning's stated range (quantities.RANGES): the bound itself is a value, just past it is not
@pytest.mark.parametrize("kind, inside, outside", [
    ("wind_speed", "120m/s", "121m/s"),         # strongest gust measured: 113 m/s (WMO)
    ("speed", "343m/s", "344m/s"),              # speed of sound at 20 °C
    ("air_speed", "1234km/h", "1236km/h"),      # 343 m/s = 1234.8 km/h
    ("road_speed", "250km/h", "251km/h"),
    ("time", "366d", "367d"),
    ("time_offset", "-366d", "-367d"),
    ("length", "20038km", "20039km"),
    ("elevation", "-430m", "-431m"),
    ("elevation", "8849m", "8850m"),
    ("height", "20km", "20.001km"),
    ("discharge", "400000m3/s", "400001m3/s"),
    ("rate", "1000/min", "1001/min"),
    ("rate", "60000/h", "60001/h"),             # 1,000 a minute written per hour
    ("mass_rate", "10t/s", "10.001t/s"),
])
def test_each_quantity_has_one_stated_range(kind, inside, outside):
    from drillsim.scenario.quantities import RANGES, DEFAULT_MEANING

    parse_quantity(inside, kind, allow_zero=True)
    with pytest.raises(ValueError) as exc:
        parse_quantity(outside, kind, allow_zero=True)
    rng = RANGES[DEFAULT_MEANING.get(kind, kind)]
    assert str(exc.value).startswith(f"{outside} is outside the ")
    assert f"{rng.what} ({rng.shown}: {rng.why})" in str(exc.value)


def test_shares_moisture_and_amounts_have_their_ranges():
    from drillsim.scenario.quantities import check_amount, parse_percent

    assert parse_fraction("100%") == 1.0 and parse_fraction(0) == 0.0
    for bad in ("101%", "-1%", 1.01):
        with pytest.raises(ValueError, match=r"outside the physical range of a share \(0–100 %"):
            parse_fraction(bad)
    assert parse_percent("400%") == 4.0
    with pytest.raises(ValueError, match=r"401% is outside the physical range of a live fuel moisture"):
        parse_percent("401%")
    assert check_amount(10_000_000) == 10_000_000
    for bad, shown in ((10_000_001, "10,000,001"), (-1, "-1")):
        with pytest.raises(ValueError, match=rf"^{shown} is outside the physical range of an amount"):
            check_amount(bad)
