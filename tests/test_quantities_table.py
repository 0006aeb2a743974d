"""The table of common units (``quantities.FACTORS``) gives the very float pint gives,
and a run of a shipped scenario never imports pint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drillsim.scenario.quantities import DEFAULT_MEANING, RANGES, SMALLEST, FACTORS, _pint_magnitude, parse_quantity

ROOT = Path(__file__).resolve().parent.parent

# each unit's size in the kind's engine unit, from its definition (SI; NIST SP 811):
# seconds per minute 60, minutes per hour 60, hours per day 24, metres per km 1000,
# international mile 1609.344 m, knot 1852 m per hour, grams per kg 1000, litres per m³ 1000
DEFINED = {
    "time": {"s": 1 / 60, "sec": 1 / 60, "second": 1 / 60, "seconds": 1 / 60, "min": 1, "minute": 1,
             "minutes": 1, "h": 60, "hr": 60, "hour": 60, "hours": 60, "d": 24 * 60, "day": 24 * 60,
             "days": 24 * 60},
    "speed": {"km/h": 1, "kph": 1, "m/s": 3600 / 1000, "mph": 1609.344 / 1000, "kn": 1852 / 1000,
              "knot": 1852 / 1000, "knots": 1852 / 1000},
    "length": {"km": 1, "kilometer": 1, "kilometers": 1, "m": 1 / 1000, "meter": 1 / 1000,
               "meters": 1 / 1000, "metre": 1 / 1000, "metres": 1 / 1000},
    "elevation": {"m": 1, "meter": 1, "meters": 1, "metre": 1, "metres": 1},
    "discharge": {"m3/s": 1, "m^3/s": 1, "m**3/s": 1, "L/s": 1 / 1000, "l/s": 1 / 1000},
    "rate": {"1/s": 60, "1/min": 1, "1/h": 1 / 60, "1/hr": 1 / 60, "1/hour": 1 / 60,
             "1/d": 1 / 1440, "1/day": 1 / 1440},
    "mass_rate": {"g/s": 1, "kg/s": 1000, "g/min": 1 / 60, "kg/min": 1000 / 60, "kg/h": 1000 / 3600},
}
ENTRIES = [(kind, unit) for kind, units in FACTORS.items() for unit in units]


def test_the_table_lists_exactly_the_defined_units():
    assert {k: set(v) for k, v in FACTORS.items()} == {k: set(v) for k, v in DEFINED.items()}


@pytest.mark.parametrize("kind, unit", ENTRIES)
def test_each_factor_is_the_units_definition(kind, unit):
    assert FACTORS[kind][unit] == pytest.approx(DEFINED[kind][unit], rel=1e-15)


@pytest.mark.parametrize("kind, unit", ENTRIES)
@pytest.mark.parametrize("number", ["1", "0.5", "7", "12.25", "90", "1e-3", "22600", "3.3333", "-4"])
def test_table_and_pint_give_the_same_float(kind, unit, number):
    written = unit[1:] if unit.startswith("1/") else unit   # a rate is written 0.5/h
    text = number + written
    by_pint = _pint_magnitude(text, number, written, unit, kind)
    by_table = float(number) * FACTORS[kind][unit]
    assert by_table == by_pint     # the same float, bit for bit
    rng = RANGES[DEFAULT_MEANING[kind]]
    if float(number) > 0 and rng.low <= by_pint <= rng.high:  # beyond the range: refused
        if by_pint < SMALLEST[kind][0]:  # 0.5s, 1e-3s: below the least a scenario means
            with pytest.raises(ValueError, match="no scenario means so little"):
                parse_quantity(text, kind)
        else:
            assert parse_quantity(text, kind) == by_pint


def test_units_off_the_table_still_go_to_pint():
    assert parse_quantity("2ft", "length") == pytest.approx(2 * 0.3048 / 1000)
    assert parse_quantity("1 week", "time") == pytest.approx(7 * 24 * 60)
    with pytest.raises(ValueError, match="unknown unit"):
        parse_quantity("3 parsecz", "length")
    with pytest.raises(ValueError, match="measures"):
        parse_quantity("3 kg", "length")


def test_a_shipped_run_does_not_import_what_it_does_not_use():
    """pint (its registry ~0.3 s) and scipy.optimize (~0.2 s, a plugin's root finder);
    logging (about 30 M instructions), imported only when hook calls are traced."""
    absent = ["pint", "scipy.optimize", "rich.progress", "drillsim.report.markdown", "logging"]
    code = ("import sys\nfrom drillsim.cli.main import main\n"
            f"try:\n    main(['run', {str(ROOT / 'scenarios' / 'fujiang_flood_2020.yaml')!r}, '-n', '2', '-q'])\n"
            f"except SystemExit:\n    pass\nprint([m for m in {absent!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_no_shipped_scenario_needs_pint():
    """Every unit the shipped scenarios write is in the table, so neither a run nor a
    batch worker builds pint's registry (drillsim.batch.warmup no longer does)."""
    code = ("import sys, glob\nfrom pathlib import Path\n"
            "from drillsim.host.pluginhost import load_plugins\n"
            "from drillsim.scenario.loader import load_scenario\nhost = load_plugins()\n"
            f"for f in sorted(glob.glob({str(ROOT / 'scenarios' / '*.yaml')!r})):\n"
            "    load_scenario(Path(f), host=host)\nprint('pint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("text,kind", [("4dd", "time"), ("90mmin", "time"), ("2dh", "time"),
                                       ("2hd", "time"), ("5km/hh", "speed"), ("0.5/hh", "rate"),
                                       ("3kknot", "speed")])
def test_a_prefix_on_a_unit_outside_the_si_is_refused(text, kind):
    """SI Brochure (9th ed.) §4, Table 8: no prefix with the minute, hour or day (pint
    would read 4dd as 0.4 days)."""
    with pytest.raises(ValueError, match="does not apply to the"):
        parse_quantity(text, kind)


@pytest.mark.parametrize("text,kind,expected", [("1500ms", "time", 1500 / 1000 / 60),
                                                ("2km", "length", 2.0), ("300mm", "elevation", 0.3),
                                                ("2 weeks", "time", 2 * 7 * 24 * 60)])
def test_si_prefixes_on_si_units_still_read(text, kind, expected):
    assert parse_quantity(text, kind) == pytest.approx(expected)


def test_an_empty_quantity_says_empty_not_python_none():
    # `horizon:` and `horizon: ~` are YAML's null: the user wrote nothing, not "None"
    from drillsim.scenario.quantities import parse_quantity

    with pytest.raises(ValueError) as info:
        parse_quantity(None, "time")
    assert str(info.value) == "is empty: give a duration with a unit (e.g. 90min, 12h, 2d)"
    assert "None" not in str(info.value)


def test_an_empty_share_says_empty_not_python_none(tmp_path):
    # `relocation_share: ~` said "expected a share such as 30% or 0.3, got None"
    from click.testing import CliRunner

    from drillsim.cli.main import main
    from drillsim.scenario.quantities import parse_fraction

    with pytest.raises(ValueError) as info:
        parse_fraction(None)
    assert str(info.value) == "is empty: give a share such as 30% or 0.3"
    import shutil

    root = tmp_path / "scenarios"  # a copy: the scenario's region and plan resolve beside it
    shutil.copytree(Path(__file__).resolve().parent.parent / "scenarios", root,
                    ignore=shutil.ignore_patterns("validation", "calc", "sensitivity", "sweeps"))
    path = root / "fujiang_flood_2020.yaml"
    text = path.read_text(encoding="utf-8")
    assert "        relocation_share: 30%\n" in text
    path.write_text(text.replace("        relocation_share: 30%\n", "        relocation_share: ~\n"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert ("hazards[0].params.evacuation.relocation_share: is empty: give a share such as 30% or "
            "0.3") in result.output


def test_full_width_digits_in_a_whole_number_field_get_the_hint(tmp_path):
    # `replications: "１"` said only "expected a whole number, got '１'"
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    root = tmp_path / "scenarios"
    shutil.copytree(Path(__file__).resolve().parent.parent / "scenarios", root,
                    ignore=shutil.ignore_patterns("validation", "calc", "sensitivity", "sweeps"))
    path = root / "fujiang_flood_2020.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  replications: 20\n" in text
    path.write_text(text.replace("  replications: 20\n", '  replications: "１"\n'), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert ("run.replications: expected a whole number, got '１' (write the digits as 0-9, not "
            "full-width or another script's digits)") in result.output
