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


def test_an_effect_resting_on_a_bound_is_said_to_be_one():
    # the shipped chlorine leak's F1-now: at one pump asked for, no existing station's
    # appliance comes before the run ends (tests/test_sensitivity.py), so "pumps 1 -> 3:
    # -448.6 min" is a bound, and the report's missed targets say so
    import json
    from pathlib import Path

    from drillsim.planning.stored import BOUND_WORDS, deciding_by_target

    data = json.loads((Path(__file__).resolve().parent.parent / "scenarios/sensitivity/"
                       "chemical_park_leak.json").read_text(encoding="utf-8"))
    pumps, staging = deciding_by_target(data, ["F1-now"])["F1-now"][:2]
    assert "pumps 1 → 3" in pumps[0] and pumps[0].endswith(BOUND_WORDS) and pumps[1] < -400
    assert "staging_distance" in staging[0] and BOUND_WORDS not in staging[0]


def test_the_report_section_names_a_bound_and_leaves_out_effects_of_nothing():
    # a file written before effects of float noise were left out of top3: the report's
    # section drops the -0.0 one, as the missed targets' lines do; a bounded effect reads
    # "…], a bound: …" (a space after the comma)
    from drillsim.planning.stored import BOUND_WORDS, report_section

    data = {"method": "oat", "replications": 2, "points": 5,
            "factors": [{"path": "a.x", "assumption": "A"}, {"path": "b.y", "assumption": "B"}],
            "targets": {"L4": {"base": 10.0, "top3": ["a.x", "b.y"],
                               "effects": [{"factor": "a.x", "value": 12.0, "interval": [10.0, 14.0],
                                            "bounded": True},
                                           {"factor": "b.y", "value": -0.0, "interval": [-0.0, -0.0]}]}}}
    text = report_section(data)
    assert "`a.x` (+12 [10, 14], " + BOUND_WORDS.strip(" ()") + "; assumed: A)" in text
    assert "`b.y`" not in text
