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


def test_every_shipped_scenario_marks_the_plans_unbuilt_forces_planned():
    """The forces the plan is still to build (plan file items P5 community fire posts F4,
    P6 forest team F5, P10 hazmat team F6, P12 water rescue team F7, P20 aviation centre
    F9: all "by 2025") carry status planned in every shipped scenario, so `forces_as_of:
    built` leaves them out and the report names them as counted though not yet built."""
    from tests.conftest import SCENARIOS

    plan = yaml.safe_load((SCENARIOS / "plans" / "tongnan-2021.yaml").read_text(encoding="utf-8"))
    status = {i["id"]: i["status"] for i in plan["items"]}
    assert {status[p] for p in ("P5", "P6", "P10", "P12", "P20")} == {"to_build_by_2025"}
    unbuilt = {"F4", "F5", "F6", "F7", "F9"}
    wrong = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for force in yaml.safe_load(path.read_text(encoding="utf-8")).get("forces", []):
            if force.get("plan_ref") in unbuilt and force.get("status") != "planned":
                wrong.append(f"{path.name}: {force['id']} ({force['plan_ref']}) is {force.get('status')}")
    assert not wrong, wrong
