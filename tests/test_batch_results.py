"""``drillsim results DB``: the comparison table, the tidy export (CSV, Parquet) and the
plots, from a batch run with the command line."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from tests.batch_helpers import write_sweep

PRICED = """\
name: mini priced
scenario: ../scenario.yaml
replications: 4
factors:
  team_b:
    levels:
      - {name: one, set: {forces.b.units: 1, forces.b.cost: 10}}
      - {name: two, set: {forces.b.units: 2, forces.b.cost: 10}}
  turnout_a:
    path: forces.a.turnout
    values: [2min, 20min]
objective: {measure: pass_rate, target: R}
cost_unit: k CNY
"""


@pytest.fixture
def batch_db(mini, tmp_path):
    path = write_sweep(mini, PRICED)
    db = tmp_path / "priced.db"
    result = CliRunner().invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    return db, result.output


def test_batch_prints_the_comparison_and_results_prints_it_again(batch_db):
    db, printed = batch_db
    assert "Variants ranked by the objective" in printed and "Pareto" in printed
    assert "16 replication(s) run (in this process); 16 of 16" in printed
    result = CliRunner().invoke(main, ["results", str(db)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "mini priced" in out and "4 variants × 4 replications" in out
    assert "Objective: R pass rate (higher is better)" in out
    assert "cost (k CNY)" in out and "baseline" in out
    # costs by hand: team a one unit of 10; team b 1 or 2 units of 10
    with sqlite3.connect(db) as conn:
        costs = dict(conn.execute("SELECT name, cost FROM variants"))
    assert costs == {"team_b=one, turnout_a=2min": 20.0, "team_b=one, turnout_a=20min": 20.0,
                     "team_b=two, turnout_a=2min": 30.0, "team_b=two, turnout_a=20min": 30.0}
    result = CliRunner().invoke(main, ["results", str(db), "--target", "Q"])
    assert result.exit_code == 0 and "Q  unreached" in result.output and "R  response" not in result.output
    result = CliRunner().invoke(main, ["results", str(db), "--target", "RR"])
    assert result.exit_code == 2 and "did you mean 'R'?" in result.output


def test_export_csv_and_parquet_give_the_tidy_table(batch_db, tmp_path):
    db, _ = batch_db
    out = tmp_path / "tidy.csv"
    result = CliRunner().invoke(main, ["results", str(db), "--quiet", "--export", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    # 4 variants x 4 replications x 2 rows (R, Q)
    assert len(rows) == 32
    assert list(rows[0]) == ["variant", "variant_name", "team_b", "turnout_a", "baseline", "cost",
                             "seed", "replication", "target", "value", "unit", "met", "statistic",
                             "comparison", "threshold"]
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT variant, replication, target, value FROM results "
                              "ORDER BY variant, replication, target").fetchall()
    assert [(int(r["variant"]), int(r["replication"]), r["target"],
             float(r["value"]) if r["value"] else None) for r in rows] == stored
    r = next(r for r in rows if r["variant"] == "3" and r["target"] == "R")
    assert (r["team_b"], r["turnout_a"], r["unit"], r["threshold"], r["comparison"]) == \
        ("two", "20min", "min", "30.0", "<=")

    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "tidy.parquet"
    result = CliRunner().invoke(main, ["results", str(db), "--quiet", "--export", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 32 and table.column_names == list(rows[0])
    assert table.column("value").to_pylist() == [s[3] for s in stored]

    result = CliRunner().invoke(main, ["results", str(db), "--export", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and ".csv or .parquet" in result.output


def test_plots_are_written_as_png(batch_db, tmp_path):
    db, _ = batch_db
    folder = tmp_path / "plots"
    result = CliRunner().invoke(main, ["results", str(db), "--quiet", "--plots", str(folder)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["cost_objective.png", "pass_rates.png", "response_times_R.png"]
    for p in folder.iterdir():
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_results_of_a_missing_or_foreign_database(tmp_path):
    result = CliRunner().invoke(main, ["results", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such database" in result.output
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = CliRunner().invoke(main, ["results", str(other)])
    assert result.exit_code == 2 and "not a drillsim batch database" in result.output


def test_pass_rates_figure_marks_baseline_names_factors_keeps_legend_outside(batch_db):
    from drillsim.batch.analysis import analyse
    from drillsim.batch.plots import pass_rates_figure
    from drillsim.batch.store import Store

    db, _ = batch_db
    store = Store.open(db, read_only=True)
    try:
        fig = pass_rates_figure(analyse(store))
    finally:
        store.close()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2                                   # targets R and Q, side by side
    assert axes[0].get_ylabel() == "team_b / turnout_a"     # the factors, in sweep order
    ticks = [t.get_text() for t in axes[0].get_yticklabels()]
    assert ticks[0] == "one / 2min  (baseline)"             # the first variant is the baseline
    assert axes[0].get_yticklabels()[0].get_fontweight() == "bold"
    assert all(ax.get_legend() is None for ax in axes) and len(fig.legends) == 1
    # 4 variants, 2 targets in one row of panels: max(2, 0.17 * 4 + 0.9) + 0.8 inches
    # tall; labels of 22 characters: min(3.5, 0.065 * 22 + 0.6) + 2 * 3.0 inches wide
    assert tuple(round(x, 3) for x in fig.get_size_inches()) == (
        round(0.065 * 22 + 0.6 + 6.0, 3), round(max(2.0, 0.17 * 4 + 0.9) + 0.8, 3))
