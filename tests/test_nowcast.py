"""The severe convective weather warning (plugins/nowcast.py) and plan target T2 (P30).

Hand calculations: a cell found 25 km away moving at 30 km/h reaches the place in
25 / 30 h = 50 min; issued 15 min after it is found, the warning leads the storm by
35 min, under the plan's 1 h. The onset is the first rain step at 20 mm/h (CMA's
短时强降水): in the city storm's 10-min steps, 3 mm is 18 mm/h, 5 mm is 30 mm/h, so the
onset is the second step (10 min)."""

from __future__ import annotations

import pytest

from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from drillsim_plugins.nowcast import NowcastParams, lead_minutes, onset_minute
from tests.conftest import SCENARIOS


def test_lead_by_hand():
    p = NowcastParams(detection_range="25km", storm_speed="30km/h", issue_delay="15min")
    assert lead_minutes(p) == pytest.approx(35.0)
    # 60 km at 20 km/h = 3 h; minus 5 min
    assert lead_minutes(NowcastParams(detection_range="60km", storm_speed="20km/h",
                                      issue_delay="5min")) == pytest.approx(175.0)
    # a cell found 5 km away at 40 km/h (7.5 min) with 15 min to issue: the warning follows the storm
    assert lead_minutes(NowcastParams(detection_range="5km", storm_speed="40km/h",
                                      issue_delay="15min")) == pytest.approx(-7.5)


def test_onset_is_the_first_step_at_20_mm_per_hour():
    assert onset_minute(0.0, 10.0, [3, 5, 8, 14, 20]) == 10.0
    assert onset_minute(60.0, 60.0, [4, 19.9, 20, 30]) == 180.0
    assert onset_minute(0.0, 60.0, [4, 6, 8]) is None


@pytest.mark.parametrize("name, onset", [("urban_waterlogging", 10.0), ("flash_flood", 60.0)])
def test_t2_row_against_the_hand_lead(host, name, onset):
    path = SCENARIOS / f"{name}.yaml"
    outcome = run_scenario(load_scenario(path, host=host), host, replications=1)
    t2 = next(r for r in outcome.rows if r.id == "T2")
    assert t2.mean == pytest.approx(35.0)
    assert t2.status == "fail"
    # found farther away (60 km at 30 km/h = 120 min, less 15): 105 min, the row passes
    far = load_scenario(path, host=host, overrides={"hazards[0].params.nowcast.detection_range": "60km"})
    t2 = next(r for r in run_scenario(far, host, replications=1).rows if r.id == "T2")
    assert t2.mean == pytest.approx(105.0)
    assert t2.status == "pass"


def test_events_carry_the_issue_time(host):
    from drillsim.engine.simulation import Simulation

    sim = Simulation(load_scenario(SCENARIOS / "urban_waterlogging.yaml", host=host), host, replication=0)
    sim.run()
    warn = next(e for e in sim.log.events if e.kind == "weather_warning")
    onset = next(e for e in sim.log.events if e.kind == "storm_onset")
    assert onset.t == pytest.approx(10.0)
    # issued 25 min before the run's start: logged at 0, the issue time kept
    assert warn.t == 0.0 and warn.details["issued_min"] == pytest.approx(-25.0)


def test_evacuating_on_the_nowcast(host):
    """Shouqiao evacuated on the severe convective warning: the flood's warning comes at the
    nowcast's issue (burst at 60 min − 35 = 25 min; with 60 km, 60 − 105 < 0: the run's
    start), so the evacuation is ordered earlier; with the plan's ≥ 1 h it is done before
    the water (E1 ≥ 0), with 35 min it is not."""
    path = SCENARIOS / "flash_flood.yaml"

    def rows(**overrides):
        return {r.id: r for r in run_scenario(load_scenario(path, host=host, overrides=overrides),
                                              host, replications=1).rows}

    base = rows()
    short = rows(**{"hazards[0].params.warning.on_nowcast": True})
    long = rows(**{"hazards[0].params.warning.on_nowcast": True,
                   "hazards[0].params.nowcast.detection_range": "60km"})
    # T1 (warning → water above the warning stage) gains exactly the earlier warning:
    # critical rainfall 50 mm at the burst's intensity, + 15 min, against the nowcast's 25 min
    from drillsim_plugins.flood.flash import FlashFloodParams, flash_numbers
    import yaml
    params = FlashFloodParams.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))["hazards"][0]["params"])
    f = flash_numbers(params)
    critical = 60.0 + 50.0 / f["intensity"] * 60.0 + 15.0
    assert (short["T1"].mean - base["T1"].mean) * 60 == pytest.approx(critical - 25.0, abs=0.01)
    assert (long["T1"].mean - base["T1"].mean) * 60 == pytest.approx(critical - 0.0, abs=0.01)
    assert base["E1"].mean < short["E1"].mean < 0 <= long["E1"].mean
    assert short["K5"].mean < base["K5"].mean
