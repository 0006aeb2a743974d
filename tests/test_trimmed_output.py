"""Output written to a file or a pipe carries no trailing spaces (rich pads a table's
title and a grid's last column, and keeps the space a wrapped line broke at)."""

from __future__ import annotations

import io

from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.report.trimmed import TrimmedLines
from tests.conftest import SCENARIOS


def test_lines_lose_their_trailing_spaces_and_nothing_else():
    out = io.StringIO()
    stream = TrimmedLines(out)
    stream.write("a title   \n  indented  ")
    assert out.getvalue() == "a title\n"           # the unended line is held
    stream.write("then more \n\nlast")
    assert out.getvalue() == "a title\n  indented  then more\n\n"
    stream.flush()                                  # no space at its end: written now
    assert out.getvalue() == "a title\n  indented  then more\n\nlast"
    stream.write(" ")
    stream.flush()                                  # a space that may be followed: held
    assert out.getvalue().endswith("last")
    assert not stream.isatty() and stream.getvalue is not None   # the rest is the stream's


def test_a_scorecard_written_to_a_file_has_no_trailing_spaces():
    result = CliRunner().invoke(main, ["run", str(SCENARIOS / "fujiang_flood_2020.yaml"), "-n", "2", "-v"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) > 100 and "Verdict" in result.stdout
    assert [line for line in lines if line != line.rstrip()] == []
