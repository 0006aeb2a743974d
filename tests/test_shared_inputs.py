"""Region and plan files loaded once per process (drillsim.scenario.shared): scenarios
naming the same unchanged files share them; a changed, another or a refused file is
loaded again; a sweep's variants share them without seeing each other's settings."""

from __future__ import annotations

import pytest

from drillsim.batch.sweep import load_sweep
from drillsim.errors import ValidationFailed
from drillsim.scenario import shared
from drillsim.scenario.loader import load_scenario
from tests.batch_helpers import FACTORIAL, MINI_BODY, write_sweep
from tests.conftest import MINI_REGION


@pytest.fixture(autouse=True)
def _nothing_kept():
    shared.forget()
    yield
    shared.forget()


def test_scenarios_naming_the_same_files_share_region_and_plan(mini, host):
    a = load_scenario(mini(MINI_BODY, "a.yaml"), host=host)
    b = load_scenario(mini(MINI_BODY.replace("seed: 7", "seed: 8"), "b.yaml"), host=host)
    assert b.region is a.region and b.plan is a.plan
    assert (a.seed, b.seed) == (7, 8)


def test_a_changed_region_is_loaded_again(mini, host):
    path = mini(MINI_BODY)
    first = load_scenario(path, host=host)
    region = path.parent / "region.yaml"
    # the car twice as fast: west_base to east_base is 22.239 km (0.2 degree on the
    # equator, 6371.0088 km * pi/180 * 0.2), 22.239 min at 60 km/h, half that at 120 km/h
    region.write_text(MINI_REGION.replace("car: {speed: 60km/h", "car: {speed: 120km/h"),
                      encoding="utf-8")
    second = load_scenario(path, host=host)
    assert second.region is not first.region
    west, east = second.region.place("west_base"), second.region.place("east_base")
    assert first.region.road_minutes(west, east, "car") == pytest.approx(22.239, abs=1e-3)
    assert second.region.road_minutes(west, east, "car") == pytest.approx(11.1195, abs=1e-3)


def test_a_refused_region_is_not_kept_and_its_faults_come_each_time(mini, host):
    path = mini(MINI_BODY)
    region = path.parent / "region.yaml"
    region.write_text(MINI_REGION.replace("circuity: {value: 1.0", "circuity: {value: -1.0"),
                      encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ValidationFailed) as info:
            load_scenario(path, host=host)
        assert any(f.file.endswith("region.yaml") and "circuity" in f.field for f in info.value.faults)
    region.write_text(MINI_REGION, encoding="utf-8")
    assert load_scenario(path, host=host).region.circuity == 1.0


def test_a_plan_named_where_a_region_belongs_is_refused_each_time(mini, host):
    path = mini(MINI_BODY)
    path.write_text(path.read_text(encoding="utf-8").replace("region: region.yaml", "region: plan.yaml"),
                    encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ValidationFailed) as info:
            load_scenario(path, host=host)
        assert any(f.field == "region" and "is a plan file, not a region file" in f.message
                   for f in info.value.faults)


def test_sweep_variants_share_the_region_but_not_their_settings(mini, host):
    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    regions = {id(v.scenario.region) for v in sweep.variants}
    plans = {id(v.scenario.plan) for v in sweep.variants}
    assert len(sweep.variants) == 6 and len(regions) == 1 and len(plans) == 1
    units = [len(v.scenario.forces[0].units) for v in sweep.variants]
    turnouts = [v.scenario.forces[1].units[0].turnout for v in sweep.variants]
    assert units == [1, 1, 1, 2, 2, 2]
    assert turnouts == [2.0, 5.0, 10.0, 2.0, 5.0, 10.0]


def test_stored_configuration_text_is_the_json_of_the_whole(mini, host):
    # what the store writes per variant, its region's JSON encoded once for the sweep,
    # must be the very characters json.dumps makes of each whole configuration (and the
    # hash of the sorted form what configuration_sha256 computes), or a resumed batch
    # made before would be refused as another configuration
    import json

    from drillsim.batch.store import ConfigurationText, configuration_sha256

    sweep = load_sweep(write_sweep(mini, FACTORIAL), host)
    texts = ConfigurationText()
    for v in sweep.variants:
        config, text, sha = texts.of(v.scenario)
        assert text == json.dumps(config, ensure_ascii=False, default=str)
        assert sha == configuration_sha256(config)
        assert json.loads(text)["region"]["name"] == "Mini region (tests)"
