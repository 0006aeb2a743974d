"""A force nothing in the scenario can use is warned about at validate (it was silent):
its units bring no capability any hazard's calls ask for, no hazard names it, and no
plugin runs its unit type itself.

Case: the bad-input corpus's valid scenario with its calls asking for a boat
(``demand: {boats: 1}``) and a water rescue team added (boats 1, people 4 per unit): the
district rescue team ``team`` (people 5 per unit) brings nothing the calls ask for, so it
stands idle in every run; the water rescue team serves them.
"""

from __future__ import annotations

from .conftest import invoke

BOATS = '''\
  - id: boats
    type: water_rescue_team
    units: 1
    base: base
    vehicle: car
    turnout: 5min
'''


def _boat_calls(corpus, name: str, team_brings: str = "{people: 5}") -> str:
    text = (corpus / "scenarios" / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace("hazards:\n", BOATS + "hazards:\n", 1)
    text = text.replace("demand: {people: 5}", "demand: {boats: 1}")
    text = text.replace("capabilities: {people: 5}", f"capabilities: {team_brings}")
    (corpus / "scenarios" / name).write_text(text, encoding="utf-8")
    return f"scenarios/{name}"


def test_a_force_no_call_asks_for_is_warned_about(corpus):
    result = invoke("validate", _boat_calls(corpus, "idle.yaml"))
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if line.startswith("warning:")]
    # valid.yaml: the force `team` is forces[0], its `type:` on line 13, column 11
    assert warned == [
        "warning: scenarios/idle.yaml:13:11: forces[0].type: force 'team' (district_rescue_team) "
        "can serve nothing in this scenario: each unit brings people 5, which no hazard's calls "
        "ask for (they ask for boats), no hazard names the force, and no plugin runs "
        "district_rescue_team units itself; it will stand idle in every run (drop it, or give it "
        "a capability the calls need)"]


def test_a_force_with_a_capability_the_calls_need_is_no_fault(corpus):
    """The same team given a boat (its capabilities over the type's) can serve the calls;
    the valid scenario as it is (people asked for, people brought) warns nothing."""
    for path in (_boat_calls(corpus, "used.yaml", "{people: 5, boats: 1}"), "scenarios/valid.yaml"):
        result = invoke("validate", path)
        assert result.exit_code == 0, result.output
        assert "serve nothing" not in result.output
