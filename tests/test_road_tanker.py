"""The road tanker hazard: the crash point on its road link, the wreck closing the road
(travel times worked out by hand), the load emptying at the release rate, the road
reopening after the release, and the drill's player-ordered evacuation.

Hand values: on the mini region (townships on the equator, 0.1° of longitude apart)
0.1° = 6371.0088 km × π/180 × 0.1 = 11.119508 km; circuity 1, a car at 60 km/h drives
1 km a minute, so west → east is 22.239016 min.
"""

from __future__ import annotations

import math

import pytest

from drillsim.api import OrderRefused
from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS

KM_01 = 6371.0088 * math.pi / 180 * 0.1      # 11.119508 km


def tanker(detour: str = "null", hazmat: bool = True) -> str:
    """A crash halfway along the road west → east (at middle), a car and a hazmat team at west."""
    forces = ("  - {id: car, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min, "
              "serves: [tanker_crash, evacuation]}\n")
    if hazmat:
        forces += "  - {id: hz, type: hazmat_team, base: west_base, vehicle: car, turnout: 0min}\n"
    return ("run: {horizon: 20h}\nforces:\n" + forces + f"""\
hazards:
  - id: crash
    type: road_tanker
    params:
      chemical: ammonia
      source: {{road: {{name: "test road", between: [west, east], at: 50%}}}}
      tanker: {{load_t: 20}}
      rate: 2kg/s
      weather: [{{at: 0min, wind_speed: 3m/s, wind_from: 0deg, stability: D}}]
      detection: 5min
      population: {{total: 0}}
      evacuation: {{residents_per_rescuer: 100, rate_per_rescuer: 20/h}}
      hazmat: {{work: 30min}}
      closure: {{level: null}}
      crash: {{demand: {{people: 1}}, work: 10min}}
      road_closure: {{radius: 1km, detour: {detour}, reopen_after: 2h}}
""")


def run(host, path, until=None, **kw):
    sim = Simulation(load_scenario(path, host=host), host, **kw)
    if until is None:
        return sim.run()
    sim.run(until)
    return sim


def test_the_crash_lies_on_its_road_link(host):
    # 30 % of the way from the district seat (30.1782, 105.82991) to Tianjia (30.08963,
    # 105.85665): the local frame is linear, so lat = 30.1782 + 0.3 × (30.08963 − 30.1782)
    # = 30.151629 and lon = 105.82991 + 0.3 × (105.85665 − 105.82991) = 105.837932
    from drillsim_plugins.chemical.hazard import source_place

    sc = load_scenario(SCENARIOS / "road_tanker_leak.yaml", host=host)
    p = sc.hazards[0].params
    site = source_place(sc.region, p.source, "g93_tanker")
    assert (site.lat, site.lon) == (pytest.approx(30.151629, abs=1e-6), pytest.approx(105.837932, abs=1e-6))
    # nearest seat: the district seat (shared by three subdistricts; the populated one)
    assert site.township == "zitong"


def test_the_wreck_closes_the_road_for_trips_through_it(host, mini):
    sim = run(host, mini(tanker()), until=1.0)
    car = sim.units_of("car")[0]
    west, middle, east = (sim.region.place(t) for t in ("west", "middle", "east"))
    # through the crash (at middle, 11.12 km from each end): closed
    assert sim.travel_time(car, west, east) == math.inf
    # to the crash itself: open, 11.119508 min at 1 km/min
    assert sim.travel_time(car, west, middle) == pytest.approx(KM_01, rel=1e-6)


def test_a_detour_lengthens_the_trip_by_its_factor(host, mini):
    sim = run(host, mini(tanker(detour="1.5")), until=1.0)
    car = sim.units_of("car")[0]
    west, east = sim.region.place("west"), sim.region.place("east")
    # 22.239016 min × 1.5 = 33.358524 min: 11.119508 min longer than the open road
    assert sim.travel_time(car, west, east) == pytest.approx(2 * KM_01 * 1.5, rel=1e-6)
    assert sim.travel_time(car, west, east) - 2 * KM_01 == pytest.approx(11.119508, abs=1e-5)


def test_the_road_reopens_after_the_release_and_the_recovery(host, mini):
    sim = run(host, mini(tanker()))
    ev = {e.kind: e for e in sim.log if e.kind in ("release_stopped", "road_reopened", "road_blocked")}
    # the hazmat team: called at 5 min, 11.119508 min to the crash, 30 min of work
    assert ev["release_stopped"].t == pytest.approx(5 + KM_01 + 30, abs=1e-6)
    assert ev["road_reopened"].t - ev["release_stopped"].t == pytest.approx(120.0)
    car = sim.units_of("car")[0]
    assert sim.travel_time(car, sim.region.place("west"), sim.region.place("east")) == pytest.approx(2 * KM_01)


def test_the_load_runs_out_at_the_release_rate(host, mini):
    # no hazmat team: 20 t at 2 kg/s = 20,000,000 g ÷ 2,000 g/s = 10,000 s = 166.67 min
    sim = run(host, mini(tanker(hazmat=False)))
    stop = next(e for e in sim.log if e.kind == "release_stopped")
    assert stop.t == pytest.approx(10_000 / 60)
    assert stop.details["reason"] == "release ended (duration)"
    summary = {k: v for e in sim.log if e.kind == "hazard_summary" for k, v in e.details["figures"].items()}
    assert summary["released_kg"] == pytest.approx(20_000)
    assert summary["load_empties_after_min"] == pytest.approx(166.7)


def test_a_release_still_going_when_the_run_ends_is_summed_up_at_the_horizon(host, mini):
    # no hazmat team, a 1-h run: the 20 t would last 166.7 min; by the horizon 2 kg/s x
    # 3,600 s = 7,200 kg are out and the road has been closed 60 min (the summaries were
    # logged only when the plume cleared and the road reopened: never, in such a run)
    sim = run(host, mini(tanker(hazmat=False).replace("horizon: 20h", "horizon: 1h")))
    assert not [e for e in sim.log if e.kind in ("release_stopped", "road_reopened")]
    summaries = [e for e in sim.log if e.kind == "hazard_summary"]
    assert [e.t for e in summaries] == [60.0, 60.0]
    figures = {k: v for e in summaries for k, v in e.details["figures"].items()}
    assert figures["released_kg"] == pytest.approx(7_200)
    assert figures["release_minutes"] == pytest.approx(60.0)
    assert figures["road_closed_min"] == pytest.approx(60.0) and figures["road_closed_h"] == 1.0
    assert list(sim.log)[-1].kind == "run_ended"


def test_a_road_tanker_needs_a_road(host, mini):
    from drillsim.errors import ValidationFailed

    body = tanker().replace('source: {road: {name: "test road", between: [west, east], at: 50%}}',
                            "source: {place: middle}")
    with pytest.raises(ValidationFailed, match="crashes on a road"):
        load_scenario(mini(body), host=host)


def test_the_shipped_scenario_re_derived(host):
    sim = run(host, SCENARIOS / "road_tanker_leak.yaml")
    log = list(sim.log)
    stop = next(e for e in log if e.kind == "release_stopped")
    reopen = next(e for e in log if e.kind == "road_reopened")
    # the road reopens 8 h after the hazmat team stops the leak
    assert reopen.t - stop.t == pytest.approx(480.0)
    # Tianjia is warned at 10 + 15 = 25 min; its lead is below 30 min: it shelters
    act = next(e for e in log if e.kind == "protective_action")
    assert (act.t, act.details["township"], act.details["action"]) == (25.0, "tianjia", "shelter")


def test_in_a_drill_the_players_order_the_evacuation(host):
    sc = load_scenario(SCENARIOS / "road_tanker_leak.yaml", host=host)
    sim = Simulation(sc, host, auto_dispatch=False)
    sim.run(5.0)
    with pytest.raises(OrderRefused, match="no release has been reported"):
        sim.order("evacuate", township="tianjia", by="player")   # the crash is called in at 10 min
    sim.run(30.0)
    kinds = [e.kind for e in sim.log]
    assert "plume_advice" in kinds and "warning_issued" not in kinds and "protective_action" not in kinds
    advice = next(e for e in sim.log if e.kind == "plume_advice")
    assert [t["township"] for t in advice.details["townships"]] == ["tianjia"]
    with pytest.raises(OrderRefused, match="no one in mixin"):
        sim.order("evacuate", township="mixin", by="player")
    text = sim.order("evacuate", township="tianjia", by="player")
    assert "tianjia" in text
    warned = next(e for e in sim.log if e.kind == "warning_issued")
    assert warned.details["by"] == "player" and warned.details["townships"] == ["tianjia"]
    assert any(e.kind == "incident_created" and e.details["kind"] == "evacuation" for e in sim.log) is False
    sim.run(45.0)   # the order reaches the township after order_delay (10 min)
    assert any(e.kind == "incident_created" and e.details["kind"] == "evacuation" for e in sim.log)


def test_the_pack_draws_valid_scenarios_and_the_players_decide(tmp_path, host):
    from drillsim.drill import packs
    from drillsim.drill.session import DrillSession

    pack_path = SCENARIOS / "packs" / "road_tanker.yaml"
    checked, _base = packs.check_pack(pack_path, host)
    assert len(checked.variants) == 3 and checked.injects
    rates = [packs.draw(pack_path, seed).choices["hazards.g93_tanker.params.rate"] for seed in range(8)]
    assert len(set(rates)) > 1
    s = DrillSession.open(pack_path, seed=7, host=host, log_path=tmp_path / "drill.jsonl")
    s.advance_to(60.0)
    feed = [f.text for f in s.feed]
    assert any("blocked by a tanker crash" in t for t in feed)          # traffic police
    advice = [f for f in s.feed if f.category == "warning" and "plume estimate" in f.text]
    assert advice                                                       # the hazmat advisers
    assert not any(e.kind in ("protective_action", "warning_issued") for e in s.sim.log.events)  # players decide
    s.close()
