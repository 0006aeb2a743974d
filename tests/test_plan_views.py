"""Forces as the plan says they are: `forces_as_of: built` leaves out the forces the plan
still has to build (status planned / under_construction), `plan_complete` counts every
one, unset keeps each force's `enabled`. Expected unit counts from the scenario file:
Tianjia 1 (planned, enabled: false), Shuangjiang 1 (under construction), water rescue 4,
helicopters 1, hazmat 1, forest 1 (planned)."""

from __future__ import annotations

import yaml

from drillsim.scenario.loader import load_scenario
from tests.conftest import FLOOD

RAW = yaml.safe_load(FLOOD.read_text(encoding="utf-8"))


def units(host, view=None):
    sc = load_scenario(FLOOD, host=host, overrides={"forces_as_of": view} if view else None)
    return {f.id: len(f.units) for f in sc.forces}


def test_both_views_of_the_plan(host):
    status = {f["id"]: f.get("status") for f in RAW["forces"]}
    assert {k for k, v in status.items() if v == "planned"} == {
        "tianjia_station", "water_rescue", "helicopters", "hazmat_team", "forest_team"}
    now, built, full = units(host), units(host, "built"), units(host, "plan_complete")
    assert "tianjia_station" not in now and full["tianjia_station"] == 1
    left_out = {"tianjia_station", "shuangjiang_station", "water_rescue", "helicopters",
                "hazmat_team", "forest_team"}
    assert set(full) - set(built) == left_out
    assert sum(full.values()) - sum(built.values()) == 1 + 1 + 4 + 1 + 1 + 1
