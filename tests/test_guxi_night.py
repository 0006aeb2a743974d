"""guxi_landslide.yaml with the township teams' night turnout band on: L4 fails by
design, and by exactly the band's difference (30 min at night − 15 min by day)."""

from __future__ import annotations

import re

import pytest

from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from tests.conftest import SCENARIOS

PATH = SCENARIOS / "guxi_landslide.yaml"


def l4(host, **overrides):
    s = load_scenario(PATH, host=host, overrides=overrides or None)
    return next(r for r in run_scenario(s, host, replications=1).rows if r.id == "L4")


def test_l4_at_night_is_the_day_answer_plus_the_band(host):
    night = l4(host)
    day = l4(host, **{"forces[0].turnout_by_time": []})
    # the same calls, the same drive: only the assembly differs, 30 − 15 min
    assert night.mean - day.mean == pytest.approx(15.0, abs=1e-6)
    assert day.status == "pass" and night.status == "fail"
    assert night.fails_by_design
    # the reason's figures are the run's: 34 min at night, 19 by day
    at_night, by_day = (int(x) for x in re.search(r"arrive (\d+) min after.*?would take (\d+) min",
                                                   night.fails_by_design).groups())
    assert (at_night, by_day) == (round(night.mean), round(day.mean))
