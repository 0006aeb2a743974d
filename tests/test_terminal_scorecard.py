"""The terminal scorecard: fits 80 columns, shows the 90th percentile, names the worst
place, keeps assumptions and usage tables behind --verbose and ends with the verdict."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.report.terminal import verdict_lines
from drillsim.scenario.yamlsource import load_yaml

ROOT = Path(__file__).resolve().parents[1]
FLOOD = ROOT / "scenarios" / "fujiang_flood_2020.yaml"


def _run(*extra: str, columns: int = 80) -> list[str]:
    result = CliRunner().invoke(main, ["run", str(FLOOD), "-n", "3", *extra],
                                env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def _verdict_last(lines: list[str]) -> None:
    start = max(i for i, line in enumerate(lines) if line.startswith("Verdict:"))
    assert all(line.startswith(("Worst misses:", "The miss:", "  ")) for line in lines[start + 1:])


def test_piped_80_columns_verdict_last_and_p90_shown():
    lines = _run()
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    _verdict_last(lines)
    assert "p90" in text
    # no title towers: every target title is on one line of its own
    doc = load_yaml(ROOT / "scenarios" / "plans" / "tongnan-2021.yaml").data
    for t in doc["targets"]:
        if t["id"] in ("T1", "E1", "R1") and len(t["title"]) < 60:
            assert any(line.rstrip().endswith(t["title"]) for line in lines), t["title"]
    # assumptions and usage tables only with --verbose, and said so
    assert "Assumptions (" not in text and "Information (" not in text
    assert "--verbose" in text


def test_worst_township_named():
    # the flood reaches Mixin first: the most upstream offset (-120 min) and the lowest
    # flood stage (240.0 m) of the scenario's seven townships, so one warning gives it
    # the shortest lead time (T1) and the least evacuation margin (E1)
    towns = load_yaml(FLOOD).data["hazards"][0]["params"]["townships"]
    first = min(towns, key=lambda t: (int(str(t["offset"]).removesuffix("min")),
                                      float(str(t["flood_stage"]).removesuffix("m"))))
    assert first["township"] == "mixin"
    lines = _run()
    t1 = next(i for i, line in enumerate(lines) if " T1 " in f" {line} ")
    # the row's measured line follows its title (which may wrap onto a second line)
    measured = next(line for line in lines[t1 + 1:] if " · p90 " in line)
    assert lines.index(measured) <= t1 + 2 and "at Mixin" in measured


def test_verbose_shows_everything_and_still_ends_with_verdict():
    lines = _run("--verbose", columns=120)
    text = "\n".join(lines)
    n = len(load_yaml(FLOOD).data["assumptions"])   # the scenario's entries
    assert f"Assumptions ({n} values not from a source)" in text
    assert "Information (mean over replications)" in text
    _verdict_last(lines)


def _row(rid, status, mean, threshold, rate, worst=None, comparison="<="):
    return SimpleNamespace(id=rid, title=f"title {rid}", status=status, mean=mean,
                           threshold=threshold, pass_rate=rate, n=10, unit="min",
                           statistic="max", comparison=comparison, worst=worst)


def test_verdict_counts_and_orders_misses():
    rows = [_row("A", "pass", 10.0, 30.0, 1.0),
            # misses: B fails in 40 % of replications, C in all (gap 50 vs 30: 0.4),
            # D in all (gap 90 vs 30: 60/90 = 0.67): order D, C, B
            _row("B", "fail", 28.0, 30.0, 0.6), _row("C", "fail", 50.0, 30.0, 0.0),
            _row("D", "fail", 90.0, 30.0, 0.0, worst="zitong"),
            _row("E", "not measured", None, 30.0, None),
            _row("U", "info", 1.0, None, None, comparison=None)]
    region = SimpleNamespace(place=lambda k: SimpleNamespace(name={"zitong": "Zitong"}[k]))
    outcome = SimpleNamespace(rows=rows, replications=10, scenario=SimpleNamespace(region=region))
    head, _title, grid = verdict_lines(outcome)
    assert head.plain == "Verdict: 1 of 5 targets met, 3 missed (B, C, D), 1 not measured (E)."
    cells = [c.plain for c in grid.columns[0].cells]
    assert [c.strip() for c in cells] == ["D", "C", "B"]
    texts = [c.plain for c in grid.columns[1].cells]
    assert texts[0] == "title D: 90 min at Zitong against max <= 30 min, 60 min over; met in 0 of 10 replications"


def _row_line(lines: list[str], rid: str) -> str:
    """The table line of target ``rid`` (``│ T3-need │ …``)."""
    return next(line for line in lines if line.startswith("│") and line.split("│")[1].strip() == rid)


def test_written_to_a_file_each_target_line_holds_its_figures(tmp_path):
    """Piped or redirected (no terminal, no COLUMNS) the scorecard is one table row per
    target holding measured value, goal, pass rate and result, whatever the title's length;
    rich's 80-column fallback no longer squeezes the figures out."""
    json_path = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["run", str(FLOOD), "-n", "3", "--json", str(json_path)],
                                env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "…" not in "\n".join(lines[:lines.index(next(x for x in lines if x.startswith("└")))])
    import json

    rows = json.loads(json_path.read_text())["targets"]
    for row in rows:
        if "/" in row["id"]:                     # information rows by force: --verbose only
            continue
        line = _row_line(lines, row["id"])
        assert row["status"].upper() in line, line
        if row["comparison"]:
            assert f" {row['comparison']} " in line, line
        if row["pass_rate"] is not None:
            assert f"{row['pass_rate']:.0%}" in line, line
        if row["mean"] is not None and row["unit"] in ("people", None, "") and row["mean"] == int(row["mean"]):
            assert f"{row['mean']:,.0f}" in line, line
    # T3-need is the need beyond the townships' own stocks, summed over townships: the
    # township breakdown adds up to it (176 + 247 + 97 + 717 + 5,575 + 361 + 14 = 7,187 in
    # this scenario), and T3-short is what the district's 3,000 leaves of it
    need = next(r for r in rows if r["id"] == "T3-need")
    total = sum(b["mean"] for b in need["breakdown"])
    line = _row_line(lines, "T3-need")
    assert f"{total:,.0f} people" in line and "sum <= 3,000 people" in line and "0%" in line
    assert f"{total - 3000:,.0f} people" in _row_line(lines, "T3-short")
    # the prose around the table still wraps (at terminal.PROSE columns)
    legend = next(x for x in lines if x.startswith("measured = "))
    assert len(legend) <= 100


def test_narrow_terminal_folds_never_cuts():
    """At 80 columns (COLUMNS=80) a row over places with a CJK name wraps onto the next
    line instead of ending in an ellipsis."""
    lines = _run()
    body = lines[:next(i for i, x in enumerate(lines) if x.startswith("measured = "))]
    assert not any(x.rstrip().endswith("…") for x in body), [x for x in body if x.rstrip().endswith("…")]
    t4 = next(i for i, x in enumerate(lines) if " T4 " in f" {x} ")
    block = " ".join(x.strip() for x in lines[t4:t4 + 4])
    assert "met in 3 of 3 replications" in block


def test_report_cells_and_headline_never_cut(tmp_path):
    """The Markdown report keeps every text whole: no word ends in an ellipsis (the
    sensitivity headline used to cut an assumption to 70 characters: ``people moved per
    rescuer pe…``)."""
    import re

    report = tmp_path / "report.md"
    result = CliRunner().invoke(main, ["run", str(FLOOD), "-n", "2", "-q", "--report", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert not re.search(r"\w…", text), re.search(r".{40}\w….{10}", text)
    doc = load_yaml(FLOOD).data
    effort = next(a["what"] for a in doc["assumptions"] if a["what"].startswith("evacuation effort"))
    assert effort in text
