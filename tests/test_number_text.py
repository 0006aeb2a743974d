"""What a number is when drillsim reads one from text: the ASCII digits 0-9 (with sign,
point and exponent), in files and on the command line alike. Python's int() and float()
also take full-width digits ('１２３' is 123), other scripts' digits, underscores
('1_000') and 'nan'/'inf'; a seed or turnout typed with an input method left in
full-width mode passed unseen."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.scenario.quantities import parse_quantity, read_number, read_whole
from drillsim.scenario.schema import parse_clock

from .conftest import ROOT

VALID = ROOT / "tests" / "bad_inputs" / "scenarios" / "valid.yaml"
FULL_WIDTH = "write the digits as 0-9, not full-width or another script's digits"


@pytest.mark.parametrize("text, value", [("12", 12.0), (" -0.5 ", -0.5), ("1e3", 1000.0), (".5", 0.5),
                                         ("+7.", 7.0)])
def test_numbers_of_ascii_digits_are_read(text, value):
    assert read_number(text) == value


@pytest.mark.parametrize("text", ["１２３", "١٢٣", "1_000", "nan", "inf", "-Infinity", "", "1 000", "0x10"])
def test_other_number_texts_are_refused(text):
    with pytest.raises(ValueError, match="is not a number"):
        read_number(text)


@pytest.mark.parametrize("text", ["１２３", "1_000", "1.0", "", "٣"])
def test_other_whole_number_texts_are_refused(text):
    with pytest.raises(ValueError, match="is not a whole number"):
        read_whole(text)
    assert read_whole(" -42 ") == -42


def test_full_width_digits_are_named_in_the_message():
    with pytest.raises(ValueError, match=FULL_WIDTH):
        read_whole("１２３")
    with pytest.raises(ValueError, match=FULL_WIDTH):
        parse_quantity("９０min", "time")
    assert parse_quantity("90min", "time") == 90.0


@pytest.mark.parametrize("args", [
    ["run", str(VALID), "--seed", "１２３", "-q"],
    ["run", str(VALID), "-n", "２", "-q"],
    ["run", str(VALID), "--seed", "1_000", "-q"],
    ["calc", "erlang-b", "--load", "４"],
    ["calc", "erlang-c", "--load", "nan", "--service", "40min"],
    ["replay", str(VALID), "--speed", "inf"],
    ["hazard", "plume", "--rate", "1kg/s", "--wind", "３m/s"],
    ["hazard", "route", "--K", "2h", "--X", "0.2", "--dt", "1h", "--inflow", "1,２,3"],
])
def test_command_line_numbers_take_ascii_digits_only(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "is not a" in result.output and "Traceback" not in result.output


def test_a_clock_time_of_full_width_digits_is_refused():
    assert parse_clock("22:00") == 22 * 60
    with pytest.raises(ValueError, match="is not a clock time"):
        parse_clock("２２:００")


def test_drill_orders_and_injects_take_ascii_digits_only(host):
    """The controller's `fire １` fired planned inject 1, `inject incident … people=nan`
    made a call needing NaN people; a player's `supplies … ５００` drew 500."""
    from drillsim.drill.session import DrillSession

    from .conftest import SCENARIOS

    s = DrillSession.open(SCENARIOS / "packs" / "flood.yaml", seed=1, host=host)
    try:
        r = s.command("fire １", controller=True)
        assert not r.ok and "no planned inject '１'" in r.text
        for bad in ("people=nan", "people=５", "people=1_0"):
            r = s.command(f"inject incident flood_rescue mixin {bad}", controller=True)
            assert not r.ok and f"'{bad}': write CAP=N, e.g. boats=1" in r.text, r.text
        r = s.command("inject incident flood_rescue mixin people=-3", controller=True)
        assert not r.ok and "outside" in r.text, r.text
    finally:
        s.close()
