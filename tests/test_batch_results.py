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
                             "seed", "replication", "target", "value", "unit", "met", "open", "statistic",
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


def test_results_name_the_sweep_file_from_any_folder(mini, tmp_path, monkeypatch):
    """A batch run with the sweep named relative to the folder it was started in: its
    results, read from another folder, name the sweep file where it is (they named it
    as typed, 'sweeps/s.yaml', which is no file from anywhere else)."""
    path = write_sweep(mini, PRICED)
    monkeypatch.chdir(path.parent.parent)
    typed = str(path.relative_to(path.parent.parent))
    db = tmp_path / "rel.db"
    assert CliRunner().invoke(main, ["batch", typed, "--db", str(db), "--workers", "0", "-q"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["results", str(db)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"mini priced  ({path.resolve()})"


def test_results_of_a_missing_or_foreign_database(tmp_path):
    result = CliRunner().invoke(main, ["results", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such database" in result.output
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = CliRunner().invoke(main, ["results", str(other)])
    assert result.exit_code == 2 and "not a drillsim batch database" in result.output


def test_reading_a_database_leaves_its_folder_as_it_was(batch_db, tmp_path):
    """``drillsim results DB`` left ``DB-wal`` and ``DB-shm`` beside the database (a
    read-only SQLite connection cannot remove them): a read changes nothing there, and
    while a batch writes the database its files stay for it."""
    from drillsim.batch.store import Store

    db, _ = batch_db
    folder = db.parent
    before = sorted(p.name for p in folder.iterdir())
    stamp = (db.read_bytes(), db.stat().st_mtime_ns)
    assert not (folder / f"{db.name}-wal").exists()
    for args in (["results", str(db)], ["results", str(db), "--export", str(tmp_path / "t.csv")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(before + ["t.csv"])
    assert (db.read_bytes(), db.stat().st_mtime_ns) == stamp

    writer = Store.open(db)  # a batch resuming it: its -wal and -shm are its own
    try:
        writer.set_replications(5)
        assert (folder / f"{db.name}-wal").exists()
        result = CliRunner().invoke(main, ["results", str(db)])
        assert result.exit_code == 0, result.output
        assert (folder / f"{db.name}-wal").exists() and (folder / f"{db.name}-shm").exists()
        writer.set_replications(6)  # and the batch goes on writing
    finally:
        writer.close()
    assert not (folder / f"{db.name}-wal").exists()


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


COST_ONLY = """\
name: mini prices
scenario: ../scenario.yaml
replications: 4
variants:
  - {name: cheap, set: {forces.b.cost: 10}}
  - {name: dear, set: {forces.b.cost: 30}}
objective: {measure: mean, target: R}
"""


def test_results_table_only_rows_that_differ_and_say_what_an_interval_supports(batch_db, mini, tmp_path):
    """Rows identical in every variant, replication by replication, get one line each
    (--all-rows tables them); the baseline is marked; a result says PASS only when the
    pass rate's Wilson interval supports it."""
    db, _ = batch_db
    out = CliRunner().invoke(main, ["results", str(db)], env={"COLUMNS": "200"}).output
    assert "R  response" in out and "(baseline)" in out      # R changes with the turnout
    assert "PASS only where the pass rate's 95 % Wilson interval lies at or above" in " ".join(out.split())
    # a price changes nothing the simulation measures: both rows the same everywhere
    path = write_sweep(mini, COST_ONLY, name="prices.yaml")
    prices = tmp_path / "prices.db"
    r = CliRunner().invoke(main, ["batch", str(path), "--db", str(prices), "--workers", "0"],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "2 row(s) the same in every variant" in r.output
    assert "R  response —" not in r.output and "  Q  unreached: " in r.output
    every = CliRunner().invoke(main, ["results", str(prices), "--all-rows"], env={"COLUMNS": "200"}).output
    assert "R  response —" in every and "Q  unreached —" in every
    assert "the same in every variant" not in every


def test_verdict_follows_the_wilson_interval():
    from drillsim.batch.analysis import verdict
    from drillsim.scoring.stats import wilson

    # all n pass: the Wilson lower bound is n / (n + z²), z = 1.96: 0.839 at 20, 0.912 at 40
    assert wilson(20, 20)[0] == pytest.approx(20 / (20 + 1.959964 ** 2), rel=1e-6)
    assert verdict("pass", wilson(20, 20), 0.9) == "pass, not yet significant"
    assert verdict("pass", wilson(40, 40), 0.9) == "PASS"
    # 17 of 20: [0.64, 0.95] straddles 90 %; 5 of 20: upper 0.47 < 90 %
    assert verdict("fail", wilson(17, 20), 0.9) == "fail, not yet significant"
    assert verdict("fail", wilson(5, 20), 0.9) == "FAIL"
    # a value the same in every replication (a stock held) is decided by it
    assert verdict("pass", wilson(6, 6), 0.9, constant=True) == "PASS"
    assert verdict("info", None, 0.9) == "info"


def test_results_piped_keep_every_column(batch_db):
    """Written to a file or pipe (no terminal, no COLUMNS) the tables get the width they
    need: each variant's line holds its objective, difference and cost; nothing is cut to
    an ellipsis (rich's 80-column fallback squeezed the columns)."""
    db, _ = batch_db
    out = CliRunner().invoke(main, ["results", str(db), "--target", "R"], env={"COLUMNS": None}).output
    assert "…" not in out
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines()
             if line.startswith("│") and line.split("│")[1].strip().isdigit()]
    # the ranked table, one line per variant (2 × 2 in PRICED): #, team_b, turnout_a,
    # objective, Δ, cost, Pareto
    assert len(cells) == 4 and all(len(c) == 7 for c in cells)
    # a pass rate [interval], and how many replications the run's end left open, if any
    # (a call no unit reached by the horizon: "25% [5%, 70%] (1 open)")
    assert all(c[3].split(" (")[0].endswith("]") and "%" in c[3] for c in cells)
    assert all(c[3].endswith("]") or c[3].endswith(" open)") for c in cells)
    assert sum(c[4] == "baseline" for c in cells) == 1
    # team_b "two" adds one unit of force b at cost 10: 10 more than "one" at each turnout
    cost = {(c[1], c[2]): float(c[5]) for c in cells}
    for turnout in ("2min", "20min"):
        assert cost["two", turnout] - cost["one", turnout] == 10
    # the per-target table: each variant's line has mean, pass rate, result and Δ
    rows = [line for line in out.splitlines() if line.startswith("│ one /") or line.startswith("│ two /")]
    assert len(rows) == 4 and all(len(line.split("│")) == 7 and "%" in line for line in rows)


def test_an_export_that_fails_half_way_keeps_the_earlier_file(batch_db, tmp_path, monkeypatch):
    """The CSV and Parquet exports are written whole or not at all, as every output: a
    writer that fails part of the way (a full disk) left a partial table."""
    from drillsim.batch import export as export_module

    db, _ = batch_db
    out = tmp_path / "tidy.csv"
    out.write_text("the earlier export\n", encoding="utf-8")

    class Breaks(csv.DictWriter):
        def writerows(self, rows):
            super().writerows(list(rows)[:3])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module.csv, "DictWriter", Breaks)
    result = CliRunner().invoke(main, ["results", str(db), "--quiet", "--export", str(out)])
    assert result.exit_code == 1, result.output
    assert out.read_text(encoding="utf-8") == "the earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".tidy")) == []
