"""Emergency shelters (plan I.(1).3, T5): evacuees placed nearest first, overflow
measured, places against need, person-days against the relocation stock, and the
report's day-by-day table. Every expected value is worked out by hand below.

Mini region: west, middle, east on the equator, 0.1° (11.12 km) apart; shelters at
each seat holding 100 (west), 50 (middle) and 30 (east) people.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.report.facts import days_table
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.metrics import (MetricContext, PersonDaysParams, ShelterParams,
                                      relocation_person_days_beyond_stock, shelter_margin,
                                      shelter_overflow)

from tests.conftest import MINI_REGION

SHELTERS = """\
  - {id: shelter_w, kind: shelter, lat: 0.0, lon: 0.0, capacity: 100, status: assumed, township: west}
  - {id: shelter_m, kind: shelter, lat: 0.0, lon: 0.1, capacity: 50, status: assumed, township: middle}
  - {id: shelter_e, kind: shelter, lat: 0.0, lon: 0.2, capacity: 30, status: assumed, township: east}
"""


@pytest.fixture
def run(mini):
    path = mini(textwrap.dedent("""\
        run: {seed: 1, replications: 1, horizon: 2d}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car}
        reserves:
          - {id: relocation_supplies, district: 20, per_township: 0}
        """))
    region = path.parent / "region.yaml"
    region.write_text(MINI_REGION + SHELTERS, encoding="utf-8")

    def go(host):
        sim = Simulation(load_scenario(path, host=host), host)
        sim.start()
        place = sim.region.place

        def script():
            # t = 0: 60 from east (30 at east, then 30 at middle, the nearest with room);
            # 120 from west (100 at west, the 20 left at middle)
            assert sim.shelters.admit("east", 60, place("east")) == 60
            assert sim.shelters.admit("west", 120, place("west")) == 120
            yield sim.timeout(720)
            # 12:00: 40 from middle, every shelter full: all 40 are the overflow
            assert sim.shelters.admit("middle", 40, place("middle")) == 0
            yield sim.timeout(1080)
            # day 2, 06:00: east's 60 go home
            assert sim.shelters.release("east") == 60

        sim.process(script())
        sim.run()
        return sim
    return go


def test_placement_nearest_first_and_overflow(run, host):
    sim = run(host)
    placed = [(e.details["township"], e.details["shelter"], e.details["people"])
              for e in sim.log.events if e.kind == "shelter_assigned"]
    assert placed == [("east", "shelter_e", 30), ("east", "shelter_m", 30),
                      ("west", "shelter_w", 100), ("west", "shelter_m", 20)]
    over = [(e.t, e.details["township"], e.details["people"]) for e in sim.log.events
            if e.kind == "shelter_overflow"]
    assert over == [(720.0, "middle", 40)]
    assert sim.shelters.occupied == {"shelter_w": 100, "shelter_m": 20, "shelter_e": 0}


def test_places_against_need_and_overflow_metrics(run, host):
    sim = run(host)
    events, ctx = list(sim.log.events), MetricContext(horizon=sim.horizon)
    # own places minus own peak need: west 100 - 120, middle 50 - 40, east 30 - 60
    assert shelter_margin(events, ctx, ShelterParams()) == [("east", -30), ("middle", 10), ("west", -20)]
    # all 180 places against the peak of 220 needing one at once (at 12:00)
    assert shelter_margin(events, ctx, ShelterParams(level="district")) == [("district", -40)]
    assert shelter_overflow(events, ctx) == [("east", 0), ("middle", 40), ("west", 0)]


def test_person_days_against_the_stock(run, host):
    sim = run(host)
    events, ctx = list(sim.log.events), MetricContext(horizon=sim.horizon)
    # east's 60 stay 0 -> 1,800 min (1.25 d): 75; west's 120 stay to the end (2 d): 240;
    # 315 person-days against a stock of 20 people x 7 d = 140
    (row,) = relocation_person_days_beyond_stock(
        events, ctx, PersonDaysParams(reserve="relocation_supplies", covers="7d"))
    assert row == ("district", pytest.approx(315 - 140))


def test_day_by_day_table(run, host):
    sim = run(host)
    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    days = days_table(list(sim.log.events), start, sim.horizon)
    assert [d["date"] for d in days] == ["2020-01-01", "2020-01-02"]
    # day 1: 180 people all day; day 2: 180 for 0.25 d then 120 for 0.75 d = 135
    assert [d["person_days"] for d in days] == [pytest.approx(180), pytest.approx(135)]
    assert [d["sheltered_end"] for d in days] == [180, 120]
    assert [d["sheltered_peak"] for d in days] == [180, 180]
    assert [d["overflow"] for d in days] == [40, 0]


def test_no_shelter_events_unless_used(mini, host):
    # a run that never asks for a shelter logs nothing about shelters (event logs of
    # scenarios without the feature stay as they were)
    path = mini("""\
        run: {seed: 1, replications: 1, horizon: 1d}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car}
        """)
    (path.parent / "region.yaml").write_text(MINI_REGION + SHELTERS, encoding="utf-8")
    sim = Simulation(load_scenario(path, host=host), host)
    sim.run()
    assert not [e for e in sim.log.events if e.kind.startswith("shelter")]


def test_two_waves_day_by_day(host):
    # README: the 2,000 sheltered in the first wave (13 August) go home on 16 August, 2 d
    # after the water receded on the 14th, before the second wave's 8,587 arrive; the
    # 8,587 are 30 % of each flooded township's evacuees, rounded up (T4-need's figures)
    from drillsim.report.markdown import render
    from drillsim.scoring.runner import run as run_scenario

    from tests.conftest import SCENARIOS

    sc = load_scenario(SCENARIOS / "fujiang_flood_2020_two_waves.yaml", host=host)
    outcome = run_scenario(sc, host, replications=1)
    # each wave's sheltered: ceil(30 % x people ordered out) per township, summed
    wave = {h: sum(math.ceil(e.details["people"] * 0.3) for e in outcome.first_events
                   if e.kind == "evacuation_ordered" and e.details["hazard"] == h)
            for h in ("fujiang_aug13", "fujiang_2020")}
    assert wave == {"fujiang_aug13": 2000, "fujiang_2020": 8587}
    days = {d["date"]: d for d in days_table(outcome.first_events, sc.start, sc.horizon)}
    first, second = wave["fujiang_aug13"], wave["fujiang_2020"]
    assert days["2020-08-13"]["sheltered_end"] == first and days["2020-08-13"]["drawn"] == first
    assert days["2020-08-15"]["sheltered_end"] == first
    assert days["2020-08-16"]["sheltered_end"] == second
    assert days["2020-08-16"]["sheltered_peak"] == second  # the first wave had left by then
    noon_16 = dt.datetime(2020, 8, 16, 12, tzinfo=sc.start.tzinfo)
    left = [e for e in outcome.first_events if e.kind == "shelter_left"]
    before = [e for e in left if dt.timedelta(minutes=e.t) + sc.start < noon_16]
    assert sum(e.details["people"] for e in before) == first
    # the run covers the whole event (run.horizon 9 d): the second wave has gone home too
    assert sum(e.details["people"] for e in left) == first + second
    assert days[max(days)]["sheltered_end"] == 0
    assert "## People sheltered and relocation supplies, day by day" in render(outcome)


def test_fujiang_2020_shelters_by_hand(host):
    """T5, T5-total, T5-overflow of the 2020 flood from its inputs, not from a run's print:
    the 28,617 evacuated split over the 7 riverside townships by population weight
    (largest remainder, as tests/test_flood_scenario.py checks), 30 % of each (rounded
    up) needing a place; the region's 90 assumed shelters: 2,000 places in each urban
    subdistrict (10 × 200), 600 in each town (3 × 200), 18,000 in all."""
    import yaml

    from drillsim.scoring.runner import run as run_scenario
    from tests.conftest import FLOOD, SCENARIOS

    raw = yaml.safe_load(FLOOD.read_text(encoding="utf-8"))["hazards"][0]["params"]
    region = yaml.safe_load((SCENARIOS / "regions" / "tongnan.yaml").read_text(encoding="utf-8"))
    towns = [t["township"] for t in raw["townships"]]
    weights = {t["id"]: t["population_weight"] for t in region["townships"]}
    total = raw["evacuation"]["total_people"]
    exact = [total * weights[t] / sum(weights[t] for t in towns) for t in towns]
    people = [math.floor(x) for x in exact]
    for i in sorted(range(len(towns)), key=lambda i: -(exact[i] - people[i]))[: total - sum(people)]:
        people[i] += 1
    need = {t: math.ceil(p * 0.3) for t, p in zip(towns, people)}
    urban = {"guilin", "zitong", "dafo"}
    places = {t: 2000 if t in urban else 600 for t in towns}
    r = {row.id: row for row in run_scenario(load_scenario(FLOOD, host=host), host, replications=1).rows}
    margin = {t: places[t] - need[t] for t in towns}
    worst = min(margin, key=margin.get)
    assert (r["T5"].worst, r["T5"].mean, r["T5"].status) == (worst, margin[worst], "fail")
    assert {b["label"]: b["mean"] for b in r["T5"].breakdown} == margin
    assert r["T5-total"].mean == 3 * 2000 + 20 * 600 - sum(need.values())
    assert r["T5-overflow"].mean == 0   # 8,587 needing a place fit in the 18,000


@pytest.mark.parametrize("drop, field, message", [
    (", capacity: 30", "capacity", "a shelter needs capacity: the people it holds"),
    (", township: east", "township", "a shelter needs township"),
])
def test_a_shelter_without_capacity_or_township_is_refused(mini, host, drop, field, message):
    """A shelter site missing its capacity (or its township) would silently hold nobody
    (or count in no township's T5): a fault naming the region file, the site's line and
    the field, nothing run."""
    from drillsim.errors import ValidationFailed

    path = mini("run: {seed: 1, replications: 1, horizon: 1d}\nforces:\n"
                "  - {id: a, type: district_rescue_team, base: west_base, vehicle: car}\n")
    region = path.parent / "region.yaml"
    text = MINI_REGION + SHELTERS.replace(drop, "", 1)
    region.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(ln for ln in text.splitlines() if "id: shelter_e" in ln)) + 1
    with pytest.raises(ValidationFailed) as err:
        load_scenario(path, host=host)
    assert f"region.yaml:{line}:" in str(err.value)
    import yaml

    index = [site["id"] for site in yaml.safe_load(text)["sites"]].index("shelter_e")
    assert f"sites[{index}].{field}: {message}" in str(err.value)
