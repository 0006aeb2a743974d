"""Tests of the ambulance plugin, written with drillsim's pytest fixtures.

The fixtures load drillsim's built-in plugins plus those a ``drillsim_plugins`` marker
names: here ``ambulance`` for the whole module (the marker, rather than the ini option,
also works when these tests run from drillsim's own repository). The small test region
has three townships on the equator, ``west`` – ``middle`` – ``east``, 0.1 degree of
longitude apart: 6371.0088 km × π/180 × 0.1 = 11.119508 km between neighbours.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from drillsim.testing import small_region

KM = 6371.0088 * math.pi / 180 * 0.1  # between neighbouring townships
LEG = KM / 60 * 60                    # minutes per leg at 60 km/h
TURNOUT = 3.0                          # the plugin's default turnout, minutes
SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "tongnan_120.yaml"

pytestmark = pytest.mark.drillsim_plugins("ambulance")


@pytest.fixture
def drillsim_region():
    # the plugin's ambulances drive as the region's "light_vehicle" class
    return small_region(vehicles={"light_vehicle": "60km/h"})


def calls(*incidents):
    """A scenario body: one ALS and one BLS ambulance at ``west_base`` and scripted calls
    ``(minute, kind, place)``."""
    lines = "\n".join(
        f"        - {{at: {at}min, kind: {kind}, place: {place}, "
        f"demand: {{{'patients: 1, als: 1' if kind == 'critical_casualty' else 'patients: 1'}}}, "
        f"on_scene: 20min}}" for at, kind, place in incidents)
    return f"""\
forces:
  - {{id: als, type: als_ambulance, base: west_base}}
  - {{id: bls, type: bls_ambulance, base: west_base}}
hazards:
  - id: calls
    type: scripted_incidents
    params:
      incidents:
{lines}
"""


def dispatches(run):
    return [(e.t, e.unit, e.incident) for e in run.of_kind("unit_dispatched")]


def test_found_through_its_entry_point(drillsim_host):
    info = drillsim_host.info["ambulance"]
    assert (info.distribution, info.module) == ("drillsim-ambulance", "drillsim_ambulance")
    assert drillsim_host.unit_types.providers["als_ambulance"] == "ambulance"
    assert drillsim_host.unit_types.providers["bls_ambulance"] == "ambulance"
    assert "drillsim_choose_units" in info.hooks


def test_a_critical_casualty_gets_the_als_ambulance_only(drillsim_run):
    # the BLS ambulance is on the spot, the ALS one two legs away: drillsim's default
    # (nearest first until the demand is covered) would send both; the rule sends the ALS
    body = calls((0, "critical_casualty", "east")).replace(
        "{id: bls, type: bls_ambulance, base: west_base}", "{id: bls, type: bls_ambulance, base: east_base}")
    run = drillsim_run(body)
    assert dispatches(run) == [(0.0, "als", "I1")]
    arrived = run.of_kind("unit_arrived")
    assert [(e.unit, e.t) for e in arrived] == [("als", pytest.approx(TURNOUT + 2 * LEG, abs=1e-6))]


def test_the_nearest_als_ambulance_goes(drillsim_run):
    body = calls((0, "critical_casualty", "east")).replace(
        "  - {id: bls, type: bls_ambulance, base: west_base}",
        "  - {id: als_east, type: als_ambulance, base: east_base}")
    run = drillsim_run(body)
    assert dispatches(run) == [(0.0, "als_east", "I1")]


def test_without_a_free_als_the_bls_goes_first_and_the_als_follows(drillsim_run):
    """Hand timeline: I1 (critical, west, t=0) takes the ALS: on scene at 3, done at 23.
    I2 (critical, middle, t=1): no ALS free, so the default sends the BLS (on scene at
    1 + 3 + 11.12 = 15.12); work waits for 'als'. At 23 the ALS clears at west (its
    base's place, so it is free at once, with no turnout) and drives one leg: on scene
    at 34.12; I2 is done 20 min later, at 54.12."""
    run = drillsim_run(calls((0, "critical_casualty", "west"), (1, "critical_casualty", "middle")))
    assert dispatches(run) == [(0.0, "als", "I1"), (1.0, "bls", "I2"), (23.0, "als", "I2")]
    arrived = {(e.unit, e.incident): e.t for e in run.of_kind("unit_arrived")}
    assert arrived[("als", "I1")] == pytest.approx(3.0)
    assert arrived[("bls", "I2")] == pytest.approx(1 + TURNOUT + LEG, abs=1e-6)
    assert arrived[("als", "I2")] == pytest.approx(23 + LEG, abs=1e-6)
    done = {e.incident: e.t for e in run.of_kind("incident_completed")}
    assert done["I2"] == pytest.approx(23 + LEG + 20, abs=1e-6)


def test_other_casualties_are_left_to_the_default(drillsim_run):
    # a non-critical call: the rule answers None; the default sends the nearest unit that
    # helps, here the ALS ambulance, whose place in the scenario comes first
    run = drillsim_run(calls((0, "casualty", "middle")))
    assert dispatches(run) == [(0.0, "als", "I1")]


def test_the_tongnan_scenario_keeps_the_rule(drillsim_run):
    """Over a simulated day in Tongnan: no critical casualty gets two ALS ambulances, and
    a BLS ambulance goes to a critical casualty only while no ALS ambulance is free."""
    run = drillsim_run(SCENARIO, replications=3)
    als = {plan.id for force in run.scenario.forces if force.id == "als" for plan in force.units}
    assert len(als) == 3
    bls_to_critical = 0
    for log in run.logs.values():
        free = set(als)
        critical = {e.incident for e in log if e.kind == "incident_created"
                    and e.details["kind"] == "critical_casualty"}
        als_sent: dict[str, int] = {}
        for e in log:
            if e.kind == "unit_dispatched":
                if e.unit in als:
                    free.discard(e.unit)
                    als_sent[e.incident] = als_sent.get(e.incident, 0) + 1
                elif e.incident in critical:
                    bls_to_critical += 1
                    assert not free, f"BLS {e.unit} sent to {e.incident} at {e.t} while {free} were free"
            elif e.kind in ("unit_cleared", "unit_released") and e.unit in als:
                free.add(e.unit)
        assert max(als_sent.values()) == 1
        assert critical  # the day has critical calls to test the rule on
    assert bls_to_critical > 0  # and the fallback happened (the check above is not idle)
