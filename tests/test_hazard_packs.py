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
