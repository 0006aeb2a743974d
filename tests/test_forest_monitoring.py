"""The forest fire's video monitoring (plugins/forest_fire/detection.py) and FF6 (P8).

By hand: the camera at 30.3600 N, 105.9300 E sees the ignition at 30.3400 N, 105.9420 E:
2.226 km north-south (0.02° × 111.32 km) and 1.153 km east-west (0.012° × 111.32 km ×
cos 30.35°) apart, 2.51 km, inside its 8 km; so the fire is reported 5 min after ignition
instead of the patrol's 30. The fire grows the same way until a crew attacks it, so the
area met by the first crew is the point fire's (Anderson 1983) grown for the minutes from
ignition to that crew's arrival: with the camera, 5 min to the report plus the crew's
turnout and travel; it is smaller than the area the patrol reports at 30 min."""

from __future__ import annotations

import math

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim_plugins.forest_fire.detection import CameraParams, MonitoringParams, report_delay
from drillsim_plugins.forest_fire.ellipse import point_fire
from drillsim_plugins.forest_fire.rothermel import Moisture, surface_fire
from tests.conftest import SCENARIOS

PATH = SCENARIOS / "forest_fire.yaml"
NO_CAMERA = {"hazards[0].params.monitoring.cameras": []}


def test_coverage_by_hand():
    d = math.hypot(0.02 * 111.32, 0.012 * 111.32 * math.cos(math.radians(30.35)))
    assert d == pytest.approx(2.51, abs=0.01)
    cam = MonitoringParams(cameras=[CameraParams(name="c", lat=30.36, lon=105.93, range="8km")], detect="5min")
    assert report_delay(30.0, cam, 30.34, 105.942) == (5.0, "camera: c")
    # 2.4 km short of its range: not seen
    near = MonitoringParams(cameras=[CameraParams(name="c", lat=30.36, lon=105.93, range="2.4km")], detect="5min")
    assert report_delay(30.0, near, 30.34, 105.942) == (30.0, "patrol or public report")
    assert report_delay(30.0, None, 30.34, 105.942)[0] == 30.0
    # a camera never reports later than the patrol would
    slow = MonitoringParams(cameras=[CameraParams(name="c", lat=30.36, lon=105.93)], detect="45min")
    assert report_delay(30.0, slow, 30.34, 105.942)[0] == 30.0


def run(host, overrides=None):
    sim = Simulation(load_scenario(PATH, host=host, overrides=overrides), host, replication=0)
    sim.run()
    return sim


def events(host, overrides=None):
    return {e.kind: e for e in reversed(run(host, overrides).log.events)}


def test_camera_finds_the_fire_smaller(host):
    cam, patrol = events(host), events(host, NO_CAMERA)
    assert cam["fire_reported"].details["since_ignition"] == 5.0
    assert patrol["fire_reported"].details["since_ignition"] == 30.0
    # the attack begins when the first crew arrives (not at the end of a growth step),
    # on a point fire grown for that long in the afternoon's weather (no helicopter yet)
    sim = run(host)
    ignition = next(e.t for e in sim.log.events if e.kind == "hazard_started")
    crews = {"forest_firefighting_team", "township_rescue_team"}  # production.crews
    first = min(e.t for e in sim.log.events
                if e.kind == "unit_arrived" and sim.units[e.unit].force.type.name in crews)
    attack = cam["fire_attack_began"].details
    assert attack["since_ignition"] == pytest.approx(first - ignition)
    assert 5.0 < attack["since_ignition"] < 30.0
    r = surface_fire("TL8", Moisture(0.06, 0.07, 0.08, 0.60, 0.90), 8.0, 0.30)
    grown = point_fire(r.ros_m_min, r.effective_wind_kmh, attack["since_ignition"])["area_ha"]
    assert attack["area_ha"] == pytest.approx(grown, abs=1e-4)
    assert attack["area_ha"] < patrol["fire_reported"].details["area_ha"]
    # and the smaller fire is contained sooner and smaller
    assert cam["fire_contained"].details["area_ha"] < patrol["fire_contained"].details["area_ha"]
