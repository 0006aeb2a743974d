"""Flood video monitoring (plan T11, P33): when the command learns a township has flooded.

By hand: the Fujiang flood reaches 7 townships, one of them (Zitong, the city riverfront)
watched: 1/7 = 14.3 %, against the plan's 90 %; the Qiongjiang flood 6, one (Tai'an).
An unwatched township is known from its first rescue call or its report 30 min after the
water, whichever comes first; checked against the run's own rescue calls."""

from __future__ import annotations

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.runner import run as run_scenario
from tests.conftest import SCENARIOS


@pytest.mark.parametrize("name, watched, flooded", [("fujiang_flood_2020", 1, 7), ("qiongjiang_flood", 1, 6)])
def test_share_by_hand(host, name, watched, flooded):
    rows = {r.id: r for r in run_scenario(load_scenario(SCENARIOS / f"{name}.yaml", host=host), host,
                                          replications=1).rows}
    assert rows["T11"].mean == pytest.approx(100 * watched / flooded)   # shown in %
    assert rows["T11"].status == "fail"


def test_seen_from_the_first_call_or_the_report(host):
    path = SCENARIOS / "fujiang_flood_2020.yaml"
    for overrides in (None, {"hazards[0].params.watch.report_delay": "6h"}):
        sim = Simulation(load_scenario(path, host=host, overrides=overrides), host, replication=0)
        sim.run()
        delay = 30.0 if overrides is None else 360.0
        flooded = {e.details["township"]: e.t for e in sim.log.events
                   if e.kind == "hazard_arrival" and e.details["level"] == "impact"}
        calls: dict[str, float] = {}
        for e in sim.log.events:
            if e.kind == "incident_created" and e.details.get("kind") in ("flood_rescue", "aerial_rescue"):
                calls.setdefault(e.details["township"], e.t)
        seen = {e.details["township"]: e for e in sim.log.events if e.kind == "flood_seen"}
        assert set(seen) == set(flooded)
        for tid, e in seen.items():
            if tid == "zitong":
                assert e.details["by"] == "video" and e.details["delay"] == 0
            else:
                assert e.t == pytest.approx(min(flooded[tid] + delay, calls.get(tid, float("inf"))))
        if overrides is not None:   # with a slow report, some township is known first from a call
            assert any(e.details["by"] == "rescue call" for e in seen.values())
