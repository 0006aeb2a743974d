"""Shelters switched on in the Qiongjiang flood and the flash flood (T5, T5-total,
T5-overflow), checked by hand from the region's 90 assumed shelters (10 × 200 places in
each of the 3 urban subdistricts, 3 × 200 in each of the 20 towns: 18,000) and the
scenarios' people at risk, 30 % of whom need a place (ceil per township)."""

from __future__ import annotations

import math

import pytest

from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from tests.conftest import SCENARIOS

TOWN_PLACES = 3 * 200
ALL_PLACES = 3 * 10 * 200 + 20 * 3 * 200


def rows(host, name):
    return {r.id: r for r in run_scenario(load_scenario(SCENARIOS / f"{name}.yaml", host=host), host,
                                          replications=1).rows}


def test_qiongjiang_shelters_by_hand(host):
    people = {"chongkan": 1200, "baizi": 2250, "taian": 900, "tianjia": 600, "tangba": 600, "xiaodu": 600}
    need = {t: math.ceil(p * 0.3) for t, p in people.items()}
    r = rows(host, "qiongjiang_flood")
    # Baizi: 600 places for 675 people: 75 must go to shelters elsewhere
    assert r["T5"].mean == pytest.approx(TOWN_PLACES - need["baizi"]) == -75
    assert r["T5"].status == "fail"
    assert r["T5-total"].mean == pytest.approx(ALL_PLACES - sum(need.values())) == 16155
    assert r["T5-overflow"].mean == 0 and r["T5-overflow"].status == "pass"


def test_flash_flood_shelters_by_hand(host):
    r = rows(host, "flash_flood")
    assert r["T5"].mean == pytest.approx(TOWN_PLACES - math.ceil(600 * 0.3)) == 420
    assert r["T5-total"].mean == pytest.approx(ALL_PLACES - 180)
