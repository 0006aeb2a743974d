"""A hazard still going when the run (or the drill) ends: the outputs say so, and what
was still open counts to the end that was played, not to a horizon nobody reached.

The cases are copies of shipped scenarios with a shorter ``run.horizon`` (an override):
- the old-town fire at 15 min: the first appliance arrives 5 + 1 + 18.3 = 24.3 min after
  ignition (tests/test_building_fire.py works the drive out by hand), control at 92 min;
- the chemical park's chlorine at 1 h: the scenario releases for ``duration: 3h``.
"""

from __future__ import annotations

import json
import math

import pytest

from drillsim.drill import aar
from drillsim.drill.session import DrillSession
from drillsim.report.facts import still_going_at_end
from drillsim.report.jsonreport import to_json
from drillsim.report.markdown import render
from drillsim.report.terminal import verdict_lines
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run

from .conftest import SCENARIOS

FIRE = SCENARIOS / "shuangjiang_oldtown_fire.yaml"
LEAK = SCENARIOS / "chemical_park_leak.yaml"
FLASHOVER = math.sqrt((7.8 * 90 + 378 * 4 * math.sqrt(2)) / (1055 / 150 ** 2)) / 60   # 4.102 min (Thomas)


def _outcome(host, path, **overrides):
    return run(load_scenario(path, host=host, overrides=overrides), host, replications=1)


@pytest.mark.parametrize("path, horizon, hazard", [
    (FIRE, "15min", "oldtown_fire"),
    (LEAK, "1h", "tianjia_chlorine"),
])
def test_a_hazard_cut_short_is_said_so_in_every_output(host, path, horizon, hazard):
    out = _outcome(host, path, **{"run.horizon": horizon})
    assert still_going_at_end(out.first_events) == [hazard]
    text = render(out)
    assert f"**Cut short:** {hazard} still going when the run ended" in text
    assert f"still going: {hazard}" in text             # the timeline's end of run
    assert "Still going when the run ended" in text.split(f"**{hazard}**", 1)[1].split("**", 1)[0]
    assert json.loads(to_json(out))["hazards_still_going_at_end"] == [hazard]
    assert any(str(getattr(line, "plain", "")).startswith(f"Cut short: {hazard}") for line in verdict_lines(out))


@pytest.mark.parametrize("path", [FIRE, LEAK])
def test_a_hazard_over_before_the_horizon_is_not_cut_short(host, path):
    # as shipped: the fire is under control at 92 min of 8 h, the release stops at 3 h of 8 h
    out = _outcome(host, path)
    assert still_going_at_end(out.first_events) == []
    assert "Cut short" not in render(out)
    assert json.loads(to_json(out))["hazards_still_going_at_end"] == []


def test_a_drill_ended_early_counts_to_its_end_not_to_the_horizon(host):
    """The old-town fire drilled for 15 min of its 8 h, no order given: the call came at
    5 min and nothing arrived, so B1 (dispatch to arrival, an unreached call counted from
    the call) is 15 - 5 = 10 min and B2 flashover - 15 min (the old code counted both to
    the 8 h horizon: 475 min, -475.9 min)."""
    s = DrillSession.open(FIRE, seed=5, host=host)
    s.advance_to(15)
    s.command("end")
    review = aar.build(s)
    for rows in (review.player_rows, review.baseline_rows):   # the baseline too is run to 15 min
        by_id = {r.id: r for r in rows}
        assert by_id["B1"].mean == pytest.approx(15 - 5)
        assert by_id["B2"].mean == pytest.approx(FLASHOVER - 15, abs=1e-3)
    assert "hazard (still going when the drill ended" in review.markdown


def test_a_goal_the_run_ended_before_is_not_judged_in_the_verdict(host):
    # the forest fire cut to 1 h (contained at 1.59 h as shipped): FF2 'contained within
    # 24 h' and FF5 'burned <= 47.5 ha' read a fire still burning, whose time (>= 60 min)
    # and area (>= what burned by 1 h) could still meet the goal or miss it: not judged
    # (the old code counted 60 min and passed FF2); the other 4 scored rows pass
    out = _outcome(host, SCENARIOS / "forest_fire.yaml", **{"run.horizon": "1h"})
    text = [str(getattr(line, "plain", "")) for line in verdict_lines(out)]
    assert text[0] == ("Verdict: 4 of 6 targets met, 0 missed, 2 not judged: the run ended first "
                       "(FF2, FF5).")
    assert not any(t.startswith("Every target with a goal is met") for t in text)
