"""Both waves of August 2020 in one run (scenarios/fujiang_flood_2020_two_waves.yaml):
relocation supplies drawn in the first wave (13 Aug, 6,658 relocated) are gone for the
second (17 Aug, 28,617 evacuated) unless restocked. Expected values are worked out here
from the scenario's own inputs: the relocation need is ceil(30 % x people) per township
(the scenario's relocation_share), and only a flooded township's own stock and the
district's can serve it (the draw order of drillsim.engine.reserves)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
import yaml

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS

TWO = SCENARIOS / "fujiang_flood_2020_two_waves.yaml"
RAW = yaml.safe_load(TWO.read_text(encoding="utf-8"))


def run(host, **overrides):
    sc = load_scenario(TWO, host=host, overrides=overrides or None)
    sim = Simulation(sc, host, replication=0)
    sim.run()
    return sc, sim


def needs(sim, hazard):
    """Relocation need per township of one wave: ceil(share x people ordered out)."""
    share = 0.30
    return {e.details["township"]: math.ceil(e.details["people"] * share) for e in sim.log.events
            if e.kind == "evacuation_ordered" and e.details["hazard"] == hazard}


def short(sim):
    return sum(e.details["amount"] for e in sim.log.events if e.kind == "reserve_short")


@pytest.fixture(scope="module")
def baseline(host):
    return run(host)


def test_the_two_waves_on_their_dates(baseline):
    sc, sim = baseline
    figs = {e.details["hazard"]: e.details["figures"] for e in sim.log.events if e.kind == "hazard_summary"}
    local = lambda m: sc.start + dt.timedelta(minutes=m)  # noqa: E731
    assert local(figs["fujiang_aug13"]["gauge_peak_time_min"]).date() == dt.date(2020, 8, 13)
    assert local(figs["fujiang_2020"]["gauge_peak_time_min"]).date() == dt.date(2020, 8, 17)
    assert figs["fujiang_aug13"]["people_at_risk"] == 6658      # SRC_XINHUA_20200813
    assert figs["fujiang_2020"]["people_at_risk"] == 28617      # SRC_CQCB_20200817
    # the first wave's 6,658 are ordered out before 16:30 on 13 August (the source's "as of")
    first = min(e.t for e in sim.log.events if e.kind == "evacuation_ordered")
    assert local(first) < dt.datetime(2020, 8, 13, 16, 30, tzinfo=sc.start.tzinfo)


def test_supplies_spent_on_the_first_wave_are_missing_in_the_second(baseline):
    sc, sim = baseline
    stock = {"district": 3000.0, **{t: 200.0 for t in RAW["reserves"][0]["townships"]}}
    need1, need2 = needs(sim, "fujiang_aug13"), needs(sim, "fujiang_2020")
    assert sum(need1.values()) == 2000 and set(need1) == set(need2)
    # the stock the flooded townships can reach: their own and the district's
    usable = stock["district"] + sum(stock[t] for t in need1)
    assert usable == 4400
    # wave 1 fits in it (2,000 <= 4,400); wave 2 then meets what is left
    assert short(sim) == pytest.approx(sum(need2.values()) - (usable - sum(need1.values())))
    assert short(sim) == pytest.approx(6187)


def test_restocking_between_the_waves_gives_the_first_wave_back(host, baseline):
    _, sim0 = baseline
    _, sim = run(host, **{"reserves.relocation_supplies.restock_after": "72h"})
    need1 = needs(sim, "fujiang_aug13")
    restocked = [e for e in sim.log.events if e.kind == "reserve_restocked"]
    draws = [e for e in sim.log.events if e.kind == "reserve_drawn"]
    # each draw is put back 72 h later, at the holder it came from
    wave1 = [d for d in draws if d.t < 3 * 1440]
    assert sorted((round(r.t, 6), r.details["source"], r.details["amount"]) for r in restocked
                  if r.t < 4 * 1440) == sorted((round(d.t + 72 * 60, 6), d.details["source"],
                                                d.details["amount"]) for d in wave1)
    # all of wave 1's draw is back before wave 2 draws (16 Aug afternoon): its shortfall
    # is the second wave's alone
    assert short(sim0) - short(sim) == pytest.approx(sum(need1.values()))


def test_the_stock_standards_read_what_is_held_not_the_need(host):
    """T3 and T4 are stock standards (III.(3).2(3)): met by a district stock of at least
    3,000 and a stock of at least 200 in each named township, whatever the flood needs."""
    from drillsim.scoring.runner import run

    def rows(**overrides):
        sc = load_scenario(TWO, host=host, replications=1, overrides=overrides or None)
        return {r.id: r for r in run(sc, host).rows}

    base = rows()
    assert (base["T3"].mean, base["T3"].status, base["T4"].mean, base["T4"].status) == (3000, "pass", 200, "pass")
    # a district stock of 2,000 fails T3; a named township holding nothing fails T4 with 0
    thin = rows(**{"reserves.relocation_supplies.district": 2000,
                   "plan.overrides.T4.params.townships": ["mixin", "longxing"]})
    assert (thin["T3"].mean, thin["T3"].status) == (2000, "fail")
    assert (thin["T4"].mean, thin["T4"].status) == (0, "fail")
    # restocked 24 h after each draw, Mixin is full again between the waves: its least
    # stock is that of the second wave alone, 0 (need ceil(0.3 x 1,253) = 376 > 200)
    low = {b["label"]: b["mean"] for b in rows(**{"reserves.relocation_supplies.restock_after": "24h"})["T4-low"].breakdown}
    assert low["mixin"] == 0 and low["baizi"] == 200   # Baizi (Qiongjiang) is not flooded
