"""The pytest fixtures drillsim ships for plugin authors (drillsim.testing, pytest11)."""

from __future__ import annotations

import math
from importlib import metadata

import pytest

from drillsim.errors import ValidationFailed
from drillsim.testing import NEIGHBOUR_KM, builtin_plugins, scenario_text, small_region
from tests.conftest import BUILTIN

pytest_plugins = ["pytester"]

# great-circle km for 0.1 degree of longitude on the equator, mean Earth radius 6371.0088 km
KM = 6371.0088 * math.pi / 180 * 0.1

CALL_IN_THE_MIDDLE = """\
forces:
  - {id: team, type: district_rescue_team, base: west_base, vehicle: car, turnout: 2min}
hazards:
  - id: calls
    type: scripted_incidents
    params:
      incidents:
        - {at: 10min, kind: call, place: middle, demand: {people: 1}, on_scene: 30min}
"""


def test_the_fixtures_are_registered_through_the_pytest11_entry_point():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="pytest11")}
    assert eps.get("drillsim") == "drillsim.testing"


def test_the_documented_distance_is_the_haversine_one():
    assert NEIGHBOUR_KM == pytest.approx(KM, abs=1e-6)


def test_default_plugins_are_drillsims_own(drillsim_plugins):
    assert builtin_plugins() == sorted(BUILTIN)
    assert drillsim_plugins == sorted(BUILTIN)


@pytest.mark.drillsim_plugins("someone_elses")
def test_the_marker_adds_plugins(drillsim_plugins):
    assert drillsim_plugins == sorted(BUILTIN + ["someone_elses"])


def test_a_run_gives_the_log_and_scorecard(drillsim_run):
    run = drillsim_run(CALL_IN_THE_MIDDLE)
    travel = KM / 60 * 60  # km at 60 km/h, in minutes
    arrived = run.of_kind("unit_arrived")
    assert [(e.unit, e.incident) for e in arrived] == [("team", "I1")]
    assert arrived[0].t == pytest.approx(10 + 2 + travel, abs=1e-6)
    # R: worst call -> first arrival, turnout + travel = 13.12 min <= 30 min
    assert run.row("R").mean == pytest.approx(2 + travel, abs=1e-6)
    assert run.row("R").passed is True
    assert run.row("Q").mean == 0
    assert run.events[0].kind == "run_started" and run.events[-1].kind == "run_ended"
    with pytest.raises(KeyError, match="no target 'X'; the scorecard has \\['Q', 'R'\\]"):
        run.row("X")


def test_replications_each_have_a_log(drillsim_run):
    run = drillsim_run(CALL_IN_THE_MIDDLE, replications=3)
    assert sorted(run.logs) == [0, 1, 2]
    # a scripted incident is the same in every replication
    assert {len(log) for log in run.logs.values()} == {len(run.events)}
    assert run.row("R").n == 3


def test_the_body_may_set_run_and_is_kept_as_written():
    text = scenario_text("run: {seed: 7, replications: 2, horizon: 1h}\nforces: []\n")
    assert text.count("run:") == 1 and "seed: 7" in text
    assert text.startswith("name: drillsim test scenario\n")
    assert scenario_text({"forces": []}).endswith('forces: []\n')


def test_a_failing_target_shows_in_the_row(drillsim_run):
    run = drillsim_run(CALL_IN_THE_MIDDLE.replace("base: west_base, vehicle: car", "base: west_base, vehicle: slow")
                       .replace("place: middle", "place: east"))
    # west -> east at 30 km/h: 2 neighbour legs, 2 * 11.1195 km / 30 km/h = 44.48 min, + 2 min turnout
    assert run.row("R").mean == pytest.approx(2 + 2 * KM / 30 * 60, abs=1e-6)
    assert run.row("R").passed is False


def test_invalid_scenarios_raise_with_positions(drillsim_load):
    with pytest.raises(ValidationFailed) as err:
        drillsim_load(CALL_IN_THE_MIDDLE.replace("place: middle", "place: midle"))
    # line 14 of the written file (6 filled-in lines + line 8 of the body), column 42: the value
    assert "scenario.yaml:14:42: hazards[0].params.incidents[0].place: unknown place 'midle'" in str(err.value)
    assert "did you mean 'middle'" in str(err.value)


def test_extra_vehicle_classes_in_the_small_region(drillsim_load):
    body = CALL_IN_THE_MIDDLE.replace("vehicle: car", "vehicle: ambulance")
    with pytest.raises(ValidationFailed, match="vehicle class 'ambulance' is not in the region"):
        drillsim_load(body)
    scenario = drillsim_load(body, region=small_region(vehicles={"ambulance": "50km/h"}))
    assert scenario.region.speeds["ambulance"] == 50


def test_the_ini_option_names_plugins_for_a_whole_project(pytester):
    pytester.makeini("[pytest]\ndrillsim_plugins = aviation hazmat\n")
    pytester.makepyfile("""
        def test_names(drillsim_plugins):
            assert "aviation" in drillsim_plugins and "hazmat" in drillsim_plugins
        """)
    # in-process; without textual-snapshot, whose session end would remove the temporary
    # folder the outer session still needs
    pytester.runpytest("-q", "-p", "no:textual-snapshot").assert_outcomes(passed=1)
