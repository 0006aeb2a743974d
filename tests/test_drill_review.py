"""The after-action review grades the team's decisions: inaction earns no strengths, and
the counterfactual states the evacuation against the water as the table shows it."""

from __future__ import annotations

from drillsim.drill import aar
from drillsim.drill.session import DrillSession

from .conftest import SCENARIOS

PACK = SCENARIOS / "packs" / "flood.yaml"


def test_counterfactual_states_the_evacuation_against_the_water():
    # the Zitong: baseline done 2.1 h (126 min) before the water at minute 1000,
    # the team 8.5 h (510 min) after it; 31 rescue calls instead of 8
    row = {"name": "Zitong", "first_player": 900.0, "first_baseline": 944.0, "water": 1000.0,
           "evac_player": 1510.0, "evac_baseline": 874.0, "calls_player": 31, "calls_baseline": 8}
    text = aar.sentence(row, lambda t: f"m{t:.0f}")
    assert text == ("Zitong: the automatic baseline finished it 2.1 h before the water; the team "
                    "finished it 8.5 h after the water; 31 rescue calls followed instead of 8.")
    assert "before the baseline" not in text
    row.update(evac_player=None)
    assert "the team never finished it" in aar.sentence(row, str)


def test_inaction_earns_no_strength(host):
    s = DrillSession.open(PACK, seed=21, host=host)
    s.advance_to(6 * 60)
    s.command("end")
    review = aar.build(s)
    assert review.strengths == []
    assert any("no order was carried out" in x for x in review.improvements)
    assert "none credited to the team" in review.markdown
