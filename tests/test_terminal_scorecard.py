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
    assert "at Mixin" in lines[t1 + 1]


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
    assert texts[0] == "title D: 90 min at Zitong against max <= 30 min; met in 0 of 10 replications"
