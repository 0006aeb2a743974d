"""A ``drillsim_travel_time`` answering ``math.inf`` (unreachable) for every trip ran
without a word: no unit ever arrived, and only the scorecard's response rows showed it.
The run now warns once per plugin, located at the force of the units it stranded; a
plugin that knows some places a unit cannot reach, while the unit reaches others, is
not warned about (``drillsim.scoring.runner.StrandedUnits``)."""

from __future__ import annotations

import re

from .conftest import invoke

NEVER = '''\
import math
from drillsim.api import hookimpl

@hookimpl
def drillsim_travel_time(sim, unit, origin, destination):
    return math.inf
'''

NOT_EAST = '''\
import math
from drillsim.api import hookimpl

@hookimpl
def drillsim_travel_time(sim, unit, origin, destination):
    return math.inf if destination.township == "east" else None  # else: the roads
'''


def _run(corpus, source: str):
    module = corpus / "travel.py"
    module.write_text(source, encoding="utf-8")
    return invoke("run", "scenarios/valid.yaml", "-n", "2", "-q", "--plugin-module",
                  f"roads_out={module}")


def test_a_travel_model_that_reaches_nothing_is_warned_about_once(corpus):
    result = _run(corpus, NEVER)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "drillsim_travel_time" in ln]
    assert len(lines) == 1, result.output
    # valid.yaml: the force `team` (2 units, based at `base`) is forces[0], line 12
    pattern = (r"warning: scenarios/valid\.yaml:12:5: forces\[0\]: plugin 'roads_out' answered "
               r"drillsim_travel_time with math\.inf \(unreachable\) for every trip of units "
               r"team-1, team-2 it was asked about \(([0-9,]+) answers, the first base → "
               r"(west|middle|east)\): they never "
               r"arrived in 2 replications; if the places can be reached, return the minutes "
               r"\(math\.inf means never\)")
    match = re.fullmatch(pattern, lines[0])
    assert match, lines[0]
    assert int(match.group(1).replace(",", "")) >= 2


def test_some_places_out_of_reach_are_no_fault(corpus):
    """Units that cannot reach the east but reach the west and the middle arrive: no
    warning (and the run is otherwise the same command)."""
    result = _run(corpus, NOT_EAST)
    assert result.exit_code == 0, result.output
    assert "drillsim_travel_time" not in result.output


def test_the_default_roads_give_no_warning(corpus):
    result = invoke("run", "scenarios/valid.yaml", "-n", "2", "-q")
    assert result.exit_code == 0, result.output
    assert result.output == ""


HUGE = '''\
from drillsim.api import hookimpl

@hookimpl
def drillsim_travel_time(sim, unit, origin, destination):
    return 1e300
'''

DAY = '''\
from drillsim.api import hookimpl

@hookimpl
def drillsim_travel_time(sim, unit, origin, destination):
    return 1000.0   # valid.yaml's horizon is 6 h = 360 min: no trip ends in the run
'''


def test_a_travel_time_past_the_horizon_is_warned_about_like_math_inf(corpus):
    """A finite trip that ends after the horizon never arrives either (the old code
    warned for math.inf only): 1e300 min and 1,000 min in a 360-min run both warn, once,
    at the force, with the longest trip."""
    for name, source, longest in (("huge", HUGE, "1e+300"), ("day", DAY, "1,000")):
        module = corpus / f"{name}.py"   # a module of its own: one imported stays imported
        module.write_text(source, encoding="utf-8")
        result = invoke("run", "scenarios/valid.yaml", "-n", "2", "-q", "--plugin-module",
                        f"roads_out={module}")
        assert result.exit_code == 0, result.output
        lines = [ln for ln in result.output.splitlines() if "never arrived" in ln]
        assert len(lines) == 1, result.output
        pattern = (r"warning: scenarios/valid\.yaml:12:5: forces\[0\]: units team-1, team-2 set "
                   r"off ([0-9,]+) times \(the first base → (west|middle|east)\) only on trips "
                   r"ending after the horizon \(360 min; the longest " + re.escape(longest)
                   + r" min, from plugin 'roads_out''s drillsim_travel_time\): they never arrived "
                   r"in 2 replications, as if unreachable \(math\.inf\); if the places can be "
                   r"reached sooner, check the travel times, else lengthen run\.horizon")
        assert re.fullmatch(pattern, lines[0]), lines[0]
