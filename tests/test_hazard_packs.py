"""Drill packs for the chemical leak, the forest fire and the old-town fire: checked whole (every variant and
draw value loads, every planned inject valid), and a drill of each starts blind — the
players hear the hazard's calls, the hidden draw stays out of the player log."""

from __future__ import annotations

import json

import pytest

from drillsim.drill.packs import check_pack
from drillsim.drill.session import DrillSession

from .conftest import SCENARIOS


@pytest.mark.parametrize("name, kind", [("chemical", "hazmat release"), ("forest_fire", "forest fire"),
                                        ("oldtown_fire", "building fire")])
def test_hazard_pack_is_valid_and_drills_blind(host, tmp_path, name, kind):
    pack = SCENARIOS / "packs" / f"{name}.yaml"
    checked, base = check_pack(pack, host)
    assert len(checked.variants) == 3 and checked.injects
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(pack, seed=48213977, host=host, log_path=log)
    s.advance_to(120)
    assert any(m.text.startswith(kind) for m in s.messages)
    s.close()
    text = log.read_text(encoding="utf-8")
    assert str(s.seed) not in text and s.drawn.variant not in text and name + ".yaml" not in text
    assert sum(json.loads(x)["rec"] == "message" for x in text.splitlines()) == len(s.messages)


PACKS = sorted(p.stem for p in (SCENARIOS / "packs").glob("*.yaml"))


@pytest.mark.parametrize("name", PACKS)
def test_every_pack_has_objectives_and_an_action_triggered_inject_that_fires_on_inaction(host, name):
    from drillsim.drill import msel

    pack, _ = check_pack(SCENARIOS / "packs" / f"{name}.yaml", host)
    assert pack.objectives and all(o.capability in msel.CORE_CAPABILITIES for o in pack.objectives)
    assert any(i.expect for i in pack.injects) or any(o.expect for o in pack.objectives)
    triggered = [n for n, i in enumerate(pack.injects) if i.unless is not None]
    assert triggered
    n = triggered[0]
    by = msel._minutes(pack.injects[n].unless.by)
    s = DrillSession.open(SCENARIOS / "packs" / f"{name}.yaml", seed=48213977, host=host)
    s.advance_to(by)                                 # nobody gave an order
    assert [r.t for r in s.injects if r.planned == n] == [by]
    assert any(m.text == pack.injects[n].text and m.t == by for m in s.messages)


def test_in_the_chemical_drill_the_players_order_the_evacuation(host):
    pack = SCENARIOS / "packs" / "chemical.yaml"
    s = DrillSession.open(pack, seed=48213977, host=host)
    s.advance_to(120)
    events = s.sim.log.events
    advice = [e for e in events if e.kind == "plume_advice" and e.details["townships"]]
    assert advice                                    # the command is told who is in the zone …
    assert not [e for e in events if e.kind == "protective_action"]   # … and nothing is decided for it
    assert not [i for i in s.sim.incidents.values() if i.kind == "evacuation"]
    town = advice[0].details["townships"][0]["township"]
    t = DrillSession.open(pack, seed=48213977, host=host)
    t.advance_to(advice[0].t)
    assert t.command(f"evacuate {town}").ok
    t.advance_to(120)
    acts = [e for e in t.sim.log.events if e.kind == "protective_action"]
    assert [(e.details["township"], e.details["action"], e.details["by"]) for e in acts] == [(town, "evacuate", "player")]
