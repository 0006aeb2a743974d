"""Every stored sensitivity result (scenarios/sensitivity/NAME.json) is for its scenario
as it now is: a run names the assumptions that decide its missed targets only from a
result whose fingerprint matches, so a change to the scenario's targets or region that
leaves the file behind silently drops those names from every report (guxi_landslide.yaml's
L1 title changed at c9c6751 and its report said 'not computed')."""

from __future__ import annotations

import json

import pytest

from drillsim.planning.stored import fingerprint
from drillsim.scenario.loader import load_scenario

from .conftest import SCENARIOS

STORED = sorted((SCENARIOS / "sensitivity").glob("*.json"))


@pytest.mark.parametrize("path", STORED, ids=[p.stem for p in STORED])
def test_a_stored_sensitivity_result_is_for_its_scenario_as_it_is(host, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    sc = load_scenario(SCENARIOS / f"{path.stem}.yaml", host=host)
    assert data["fingerprint"] == fingerprint(sc), (
        f"{path.name} is out of date: recompute with drillsim sensitivity scenarios/{path.stem}.yaml "
        f"-n 2 --json {path.relative_to(SCENARIOS.parent)} (or, when only words changed, its fingerprint)")
