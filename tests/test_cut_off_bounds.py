"""Observations the run's end cut off are bounds (drillsim.scoring.bounds): a goal is
judged on them only where the bound decides it, in the scorecard, its reports and JSON,
and a batch's per-replication values and tables.

Hand cases (minutes): a fire still burning at a 60-min horizon was contained after at
least 60 min, so ``max <= 24 h`` could hold or not (not judged) while ``max <= 30 min``
is missed whatever happens next; ``min <= 30`` over {10, >= 60} holds (10 decides it).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from drillsim.batch.analysis import RowStats, _summarise
from drillsim.batch.store import StoredTarget
from drillsim.batch.worker import replication_values
from drillsim.report.jsonreport import to_json
from drillsim.report.markdown import render
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.bounds import AtLeast, AtMost, row_status
from drillsim.scoring.runner import run
from drillsim.scoring.scorecard import build, judge

from .conftest import SCENARIOS
from .test_scoring import _target

FOREST = SCENARIOS / "forest_fire.yaml"
FIRE = SCENARIOS / "shuangjiang_oldtown_fire.yaml"


@pytest.mark.parametrize("values, statistic, comparison, threshold, expected", [
    ([AtLeast(60.0)], "max", "<=", 1440.0, (60.0, None)),     # could be contained at 2 h or 30 h
    ([AtLeast(60.0)], "max", "<=", 30.0, (60.0, False)),      # already past 30 min
    ([AtLeast(60.0)], "max", ">=", 30.0, (60.0, True)),       # at least 60 >= 30
    ([10.0, AtLeast(60.0)], "min", "<=", 30.0, (10.0, True)),  # the 10 decides a min
    ([10.0, AtLeast(60.0)], "max", "<=", 30.0, (60.0, False)),
    ([10.0, AtLeast(20.0)], "mean", "<=", 30.0, (15.0, None)),  # mean 15 now, unbounded later
    ([10.0, AtLeast(20.0)], "mean", "<=", 12.0, (15.0, False)),
    ([AtMost(30.0)], "min", ">=", 0.0, (30.0, None)),          # a margin of at most 30 min
    ([AtMost(-30.0)], "min", ">=", 0.0, (-30.0, False)),       # at most -30: missed
    ([AtLeast(60.0), 5.0], "count", "<=", 2.0, (2.0, True)),   # a count reads no value
    ([5.0, 50.0, AtLeast(60.0)], "p50", "<=", 55.0, (50.0, True)),  # the median is 50 either way
    ([], "max", "<=", 30.0, (None, None)),
])
def test_judge_by_hand(values, statistic, comparison, threshold, expected):
    assert judge(values, statistic, comparison, threshold) == expected


@pytest.mark.parametrize("passes, open_, n, status", [
    (9, 1, 10, ("pass", True)),          # 9/10 already reaches 90 %
    (8, 1, 10, ("not judged", None)),    # 8/10 < 90 % <= 9/10
    (7, 1, 10, ("fail", False)),         # even 8/10 < 90 %
    (0, 1, 1, ("not judged", None)),
])
def test_row_status_by_hand(passes, open_, n, status):
    assert row_status(passes, open_, n, 0.9) == status


def test_a_row_whose_replications_the_end_left_open_is_not_judged():
    target = _target(threshold=1440.0, required_pass_rate=0.9)
    obs = [{"X": [("baolong_fire (not contained)", AtLeast(60.0))]}]
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert (row.status, row.passed, row.pass_rate, row.not_judged) == ("not judged", None, 0.0, 1)
    assert row.cut_off == "baolong_fire (not contained)"
    assert row.to_dict()["status"] == "not judged" and row.to_dict()["not_judged"] == 1
    # one of two replications contained at 90 min, the other still burning at 60 min:
    # 1 of 2 meets, 2 of 2 would: 50 % < 90 % <= 100 %, not judged; at 50 % required, pass
    obs = [{"X": [("f", 90.0)]}, {"X": [("f (not contained)", AtLeast(60.0))]}]
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert (row.status, row.pass_rate, row.not_judged) == ("not judged", 0.5, 1)
    target.required_pass_rate = 0.5
    (row,) = build(SimpleNamespace(targets=[target]), obs)
    assert (row.status, row.not_judged) == ("pass", 1)


def test_the_forest_fire_cut_to_an_hour_is_not_judged_on_containment(host):
    # contained at 1.59 h as shipped (tests/test_cut_short.py); cut to 1 h it still burns:
    # FF2 (ignition to containment <= 24 h) has only "at least 60 min", the old code passed it
    sc = load_scenario(FOREST, host=host, overrides={"run.horizon": "1h"})
    out = run(sc, host, replications=1)
    rows = {r.id: r for r in out.rows}
    assert rows["FF2"].status == "not judged" and rows["FF2"].mean == pytest.approx(1.0)  # hours
    assert rows["FF2"].cut_off == "baolong_fire (not contained)"
    assert rows["FF5"].status == "not judged"     # area <= 47.5 ha: the area still grows
    assert rows["FF1"].status == "pass"           # the first crew arrived: judged as before
    data = {t["id"]: t for t in json.loads(to_json(out))["targets"]}
    assert data["FF2"]["status"] == "not judged" and data["FF2"]["passed"] is None
    text = render(out)
    assert "| 0% (1 open) | NOT JUDGED |" in text and "2 not judged (the run ended before the outcome: FF2, FF5)" in text
    # a batch's replication: the value as measured, met left open (None), not True
    values = {row_id: (v, met) for row_id, v, met in replication_values(sc, out.first_events)}
    assert values["FF2"] == (pytest.approx(1.0), None) and values["FF1"][1] is True


def test_a_fire_appliance_that_never_arrived_says_so(host):
    # the old-town fire: the call at 5 min, the first appliance 19.3 min after its dispatch
    # order (tests/test_cut_short.py). Cut to 15 min: "at least 10 min" misses 5 min for
    # sure, and the row says no unit arrived; cut to 8 min: "at least 3 min" is open.
    out = run(load_scenario(FIRE, host=host, overrides={"run.horizon": "15min"}), host, replications=1)
    b1 = next(r for r in out.rows if r.id == "B1")
    assert (b1.status, b1.mean) == ("fail", pytest.approx(10.0))
    assert b1.cut_off.endswith("(no unit arrived)")
    out = run(load_scenario(FIRE, host=host, overrides={"run.horizon": "8min"}), host, replications=1)
    b1 = next(r for r in out.rows if r.id == "B1")
    assert (b1.status, b1.mean, b1.not_judged) == ("not judged", pytest.approx(3.0), 1)
    assert "(no unit arrived)" in render(out)


def test_a_batch_row_with_replications_left_open_is_not_judged():
    t = StoredTarget("FF2", "contained", None, "containment_time", "time", "h", "max", "<=",
                     24.0, 0.9, False, 0)
    row = RowStats(t, {0: 1.0, 1: 1.2}, {0: None, 1: True})
    _summarise(row)
    # 1 of 2 met, 1 open: 50 % < 90 % <= 100 %
    assert (row.status, row.verdict, row.not_judged, row.pass_rate) == ("not judged", "not judged", 1, 0.5)
    row = RowStats(t, {0: 30.0, 1: 1.2}, {0: False, 1: None})
    _summarise(row)
    assert (row.status, row.not_judged) == ("fail", 1)
    # the batch's tables say how many the run's end left open, as the scorecard does
    from drillsim.batch.tables import _row_rate

    row = RowStats(t, {0: 1.0, 1: 1.0}, {0: None, 1: None})
    _summarise(row)
    # 0 of 2 met, Wilson 95 % interval for 0/2: [0, 2/(2 + 1.96**2)] = [0, 0.657]
    assert _row_rate(row) == "0% [0%, 66%] (2 open)"


def test_a_bound_labelled_by_place_only_is_said_to_be_open():
    """response_time_by_township labels a call no unit reached by its township alone:
    the report says it was still open (max <= 30 min over {10, >= 60}: missed anyway)."""
    from drillsim.report.common import cut_off_text

    target = _target(required_pass_rate=0.9)
    (row,) = build(SimpleNamespace(targets=[target]), [{"X": [("mixin", 10.0), ("tangba", AtLeast(60.0))]}])
    assert (row.status, row.cut_off) == ("fail", "tangba")
    assert cut_off_text(None, row) == ("cut off by the run's end: tangba (still open when the run ended); "
                                       "a bound, and the goal is missed even so")


@pytest.mark.parametrize("value", [None, "5", True, "30min", [60.0]])
def test_a_bound_of_something_that_is_no_number_is_refused(value):
    """``float()`` alone took the text "5" (AtLeast(5.0), silently) and True (1.0), and
    said of None only that float() wants a number; a bound is a number."""
    for cls in (AtLeast, AtMost):
        with pytest.raises(TypeError, match=rf"^{cls.__name__}\(.*\): a bound is a number"):
            cls(value)


def test_a_bound_keeps_its_value_and_kind_through_numbers_and_pickling():
    import pickle

    import numpy as np

    assert float(AtLeast(np.float64(1.5))) == 1.5 and float(AtMost(3)) == 3.0
    back = pickle.loads(pickle.dumps(AtLeast(60.0)))
    assert type(back) is AtLeast and back == 60.0


def test_strength_on_scene_of_a_fire_still_open_is_a_lower_bound():
    """T7 (forest team >= 15 people on scene): a fire reported late in a 1-h run has 0
    people of the team there when the run ends, the team still on the road. Old code
    scored 0, a miss; the peak so far is only a lower bound while the incident is open, so
    the row is not judged. A completed incident keeps its exact peak: 15 (one unit of 15
    people), then 0 for one completed with nobody of the team."""
    from drillsim.engine.eventlog import Event
    from drillsim_plugins.forest_fire.metrics import StrengthParams, strength_on_scene

    ctx = SimpleNamespace(warm_up=0.0, force_units={"forest_team": ["ft"]},
                          unit_capabilities={"ft": {"people": 15}})
    params = StrengthParams(kinds=["forest_fire"], forces=["forest_team"])
    fire = [Event(0.0, "incident_created", None, "I1", {"kind": "forest_fire"}),
            Event(5.0, "unit_dispatched", "ft", "I1")]
    (label, value), = strength_on_scene(fire, ctx, params)
    assert (label, value, type(value)) == ("I1", 0.0, AtLeast)
    done = fire + [Event(70.0, "unit_arrived", "ft", "I1"), Event(300.0, "unit_released", "ft", "I1"),
                   Event(300.0, "incident_completed", None, "I1"),
                   Event(310.0, "incident_created", None, "I2", {"kind": "forest_fire"}),
                   Event(320.0, "incident_completed", None, "I2")]
    got = strength_on_scene(done, ctx, params)
    assert got == [("I1", 15.0), ("I2", 0.0)] and not any(type(v) is AtLeast for _, v in got)
    target = _target(statistic="min", comparison=">=", threshold=15.0, unit="people",
                     required_pass_rate=0.9)
    (row,) = build(SimpleNamespace(targets=[target]), [{"X": strength_on_scene(fire, ctx, params)}])
    assert (row.status, row.not_judged) == ("not judged", 1)


def test_the_exported_table_marks_values_the_run_left_open(tmp_path):
    """``results --export``: a value the run's end left open is a bound, not the final
    figure, and the tidy table says so (``open``). The forest fire contained at 1.59 h as
    shipped: at a 1 h horizon FF2's 1.0 h is only "at least 1 h" (open, met empty), at 36 h
    it is judged (open False); FF1 (first crew on scene) is judged at both."""
    import csv
    import shutil

    from click.testing import CliRunner

    from drillsim.cli.main import main

    # the sweep beside the shipped ones, in a copy (a sweep names its scenario relatively)
    shutil.copytree(SCENARIOS, tmp_path / "scenarios", ignore=shutil.ignore_patterns("sensitivity"))
    sweep = tmp_path / "scenarios" / "sweeps" / "cut.yaml"
    sweep.write_text("name: cut short\nscenario: ../forest_fire.yaml\nreplications: 1\nvariants:\n"
                     "  - {name: as shipped, set: {}}\n"
                     "  - {name: one hour, set: {run.horizon: 1h}}\n"
                     "baseline: as shipped\nobjective: {measure: mean, target: FF2}\n",
                     encoding="utf-8")
    db, table = tmp_path / "cut.db", tmp_path / "cut.csv"
    done = CliRunner().invoke(main, ["batch", str(sweep), "--db", str(db), "-w", "0", "-q"])
    assert done.exit_code == 0, done.output
    done = CliRunner().invoke(main, ["results", str(db), "-q", "--export", str(table)])
    assert done.exit_code == 0, done.output
    rows = {(r["variant_name"], r["target"]): r for r in csv.DictReader(table.open(encoding="utf-8"))}
    cut = rows["one hour", "FF2"]
    assert (float(cut["value"]), cut["met"], cut["open"]) == (pytest.approx(1.0), "", "True")
    whole = rows["as shipped", "FF2"]
    assert (float(whole["value"]), whole["met"], whole["open"]) == (pytest.approx(1.59, abs=0.01), "True", "False")
    assert rows["one hour", "FF1"]["open"] == "False" and rows["one hour", "FF1"]["met"] == "True"
    # a row without a goal has nothing to judge: open empty
    info = [r for r in rows.values() if not r["comparison"]]
    assert info and all(r["open"] == "" for r in info)
