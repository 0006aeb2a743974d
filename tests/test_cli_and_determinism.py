"""The CLI end to end on the shipped flood scenario, and determinism: same scenario and
seed give byte-identical event logs and scorecards; a different seed does not."""

from __future__ import annotations

import hashlib
import io
import json

from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.scenario.loader import load_scenario
from drillsim.report.jsonreport import to_json
from drillsim.scoring.runner import run
from tests.conftest import FLOOD


def log_and_card(host, seed):
    sc = load_scenario(FLOOD, host=host, replications=2, seed=seed)
    buf = io.StringIO()
    outcome = run(sc, host, events_out=buf)
    return hashlib.sha256(buf.getvalue().encode()).hexdigest(), to_json(outcome)


def test_same_seed_same_bytes_different_seed_differs(host):
    a_log, a_card = log_and_card(host, 11)
    b_log, b_card = log_and_card(host, 11)
    c_log, _ = log_and_card(host, 12)
    assert a_log == b_log and a_card == b_card
    assert a_log != c_log


def test_replications_have_their_own_streams(host):
    from drillsim.scoring.runner import run_replication

    sc = load_scenario(FLOOD, host=host)
    calls = [[e.t for e in run_replication(sc, host, r) if e.details.get("kind") == "flood_rescue"]
             for r in (0, 1)]
    assert calls[0] != calls[1]
    # replication 1 is the same whether or not replication 0 ran before it
    again = [e.t for e in run_replication(sc, host, 1) if e.details.get("kind") == "flood_rescue"]
    assert again == calls[1]


def test_cli_run_writes_scorecard_report_and_events(tmp_path):
    out_json, out_md, out_ev = tmp_path / "s.json", tmp_path / "r.md", tmp_path / "e.jsonl"
    result = CliRunner().invoke(main, ["run", str(FLOOD), "-n", "2", "--seed", "5", "--json", str(out_json),
                                       "--report", str(out_md), "--events", str(out_ev)])
    assert result.exit_code == 0, result.output
    assert "T1" in result.output and "FAIL" in result.output and "Verdict:" in result.output
    card = json.loads(out_json.read_text())
    assert {"scenario", "seed", "replications", "targets", "assumptions", "configuration", "versions"} <= set(card)
    assert card["seed"] == 5 and card["replications"] == 2
    row = next(r for r in card["targets"] if r["id"] == "T1")
    assert {"id", "metric", "unit", "threshold", "comparison", "mean", "ci95", "pass_rate", "passed", "p90",
            "section"} <= set(row)
    assert row["unit"] == "h" and row["threshold"] == 12 and row["comparison"] == ">=" and row["passed"] is False
    assert card["configuration"]["region"]["townships"][0]["name_zh"] == "桂林街道"
    assert "simpy" in card["versions"] and "drillsim" in card["versions"]
    assert len(card["assumptions"]) >= 20
    report = out_md.read_text()
    for section in ("## Scorecard", "## Assumptions", "## Timeline of key events", "## Incidents",
                    "## The real event against the model", "GeoNames (CC BY 4.0)"):
        assert section in report
    lines = out_ev.read_text().splitlines()
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    assert (first["rep"], first["kind"], last["rep"], last["kind"]) == (0, "run_started", 1, "run_ended")


def test_cli_run_quiet_prints_nothing_and_still_writes(tmp_path):
    out_json, out_ev = tmp_path / "s.json", tmp_path / "e.jsonl"
    result = CliRunner().invoke(main, ["run", str(FLOOD), "-n", "1", "-q", "--json", str(out_json),
                                       "--events", str(out_ev)])
    assert result.exit_code == 0, result.output
    assert result.output == ""  # README: --quiet prints nothing (stdout and stderr alike)
    assert json.loads(out_json.read_text())["replications"] == 1 and out_ev.stat().st_size > 0


def test_cli_plugins_lists_builtins():
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0, result.output
    for name in ("transit_flood", "aviation", "mutual_aid", "drillsim.defaults"):
        assert name in result.output


def test_cli_missing_file_and_bad_folder(tmp_path):
    result = CliRunner().invoke(main, ["run", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "file not found" in result.output
    result = CliRunner().invoke(main, ["run", str(FLOOD), "--json", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_an_interrupted_events_file_leaves_the_old_one_whole(tmp_path, monkeypatch):
    # Ctrl-C in the middle of the replications: the log written so far is dropped and the
    # complete log of an earlier run stays as it was (never a half-written file in its place)
    import drillsim.scoring.runner as runner

    out_ev = tmp_path / "e.jsonl"
    out_ev.write_text("the earlier run's complete log\n")

    def interrupted(*args, events_out=None, **kwargs):
        events_out.write('{"half": ')
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    result = CliRunner().invoke(main, ["run", str(FLOOD), "-n", "1", "-q", "--events", str(out_ev)])
    assert result.exit_code == 130, result.output
    assert out_ev.read_text() == "the earlier run's complete log\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.jsonl"]  # no temporary file left
