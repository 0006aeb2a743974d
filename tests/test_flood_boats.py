"""Boats are a capability of the units that have them: fire appliances carry none in the
2020 flood, so the plan's water rescue team (F7) answers flood rescue calls, and the
number of its boats changes the rescue response. Expected directions follow from the
queue: with fewer servers for the same calls (common random numbers), no call is
answered sooner and the mean wait grows once the boats are all busy."""

from __future__ import annotations

import statistics


from drillsim.engine.simulation import Simulation
from drillsim.report.facts import incident_table
from drillsim.scenario.loader import load_scenario
from tests.conftest import FLOOD

OTHER_BOATS = ["district_team", "blue_sky", "snow_leopard", "suining_aid", "ziyang_aid"]


def mean_rescue_response(host, reps=3, **overrides):
    sc = load_scenario(FLOOD, host=host, overrides=overrides or None)
    means, sims = [], []
    for r in range(reps):
        sim = Simulation(sc, host, replication=r)
        sim.run()
        rows = [i for i in incident_table(sim.log.events)
                if i["kind"] == "flood_rescue" and i["response"] is not None]
        means.append(statistics.mean(i["response"] for i in rows))
        sims.append(sim)
    return statistics.mean(means), sims


def test_fire_appliances_carry_no_boat_and_the_water_rescue_team_is_sent(host):
    sc = load_scenario(FLOOD, host=host)
    stations = [u for f in sc.forces if f.unit_type.name == "fire_rescue_station" for u in f.units]
    assert stations and all(u.capabilities.get("boats", 0) == 0 for u in stations)
    _, sims = mean_rescue_response(host, reps=4)
    sent = []
    for sim in sims:
        rescue = {e.incident for e in sim.log.events
                  if e.kind == "incident_created" and e.details["kind"] == "flood_rescue"}
        sent += [e.unit for e in sim.log.events if e.kind == "unit_dispatched" and e.incident in rescue]
    assert any(u.startswith("water_rescue") for u in sent)
    assert not any(u.split("-")[0] in {"industrial_park_station", "jiangbei_station",
                                       "shuangjiang_station"} for u in sent)


def test_halving_the_boats_lengthens_the_rescue_response(host):
    only_f7 = {f"forces.{f}.capabilities.boats": 0 for f in OTHER_BOATS}
    four, _ = mean_rescue_response(host, **{"forces.water_rescue.units": 4, **only_f7})
    two, _ = mean_rescue_response(host, **{"forces.water_rescue.units": 2, **only_f7})
    one, _ = mean_rescue_response(host, **{"forces.water_rescue.units": 1, **only_f7})
    assert four < two < one
    # with one boat crew the calls queue: the mean wait is hours, not minutes
    assert one > 2 * two and one > 120


def test_the_shipped_sweep_asks_with_the_team_as_the_only_boats(host):
    """The sweep's "F7 the only boats" variants take the boats of exactly the forces this
    test does (every other boat-carrying force of the scenario), so the figures README
    gives for them answer "how many boats must the team itself hold"."""
    from drillsim.batch.sweep import load_sweep
    from tests.conftest import ROOT

    sweep = load_sweep(ROOT / "scenarios" / "sweeps" / "flood_2020_boats.yaml", host)
    only = [v for v in sweep.variants if v.name.startswith("F7 the only boats")]
    assert [v.overrides["forces.water_rescue.units"] for v in only] == [2, 4, 8]
    sc = load_scenario(FLOOD, host=host)
    carrying = sorted(f.id for f in sc.forces if f.id != "water_rescue"
                      and any(u.capabilities.get("boats", 0) for u in f.units))
    assert carrying == sorted(OTHER_BOATS)
    for v in only:
        assert {k: v.overrides[k] for k in v.overrides if k.endswith(".boats")} == \
            {f"forces.{f}.capabilities.boats": 0 for f in OTHER_BOATS}
