"""Aviation rescue from the regional centres, with daylight flying rules (plan F9, T6).

Expected values are worked out here by hand, independently of the plugin: the sun's
times by NOAA's "General Solar Position Calculations" (the short formulas of
https://gml.noaa.gov/grad/solcalc/solareqns.PDF: fractional year, equation of time,
declination, hour angle at zenith 90.833°), which the plugin does not use (it uses astral,
NOAA's full Meeus-based calculator); distances by the spherical law of cosines.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import textwrap

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.metrics import MetricContext, ResponseParams, response_times_by_township
from drillsim_plugins.daylight import day_window, is_day, next_day_start

from tests.conftest import SCENARIOS

R = 6371.0088  # mean Earth radius, km (the engine's haversine uses the same)
BJT = dt.timezone(dt.timedelta(hours=8))
SEAT = (30.1782, 105.82991)  # Zitong, the district seat, where the aviation centre is assumed
LANDING = {"landing_city": (30.1782, 105.82991), "landing_guxi": (30.33026, 105.87208),
           "landing_chongkan": (30.15559, 105.61222), "landing_wofo": (29.90825, 105.78706),
           "landing_biekou": (30.11656, 105.95843)}
HUAYAN = (30.25681, 105.64234)


def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    return R * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def noaa_sun(lat, lon, date, utc_offset_h=8.0):
    """(sunrise, sunset) in local minutes after midnight, NOAA's general equations."""
    doy = date.timetuple().tm_yday
    g = 2 * math.pi / 365 * (doy - 1)  # fractional year at noon-ish (hour 12 term ~0)
    g += 2 * math.pi / 365 * (12 - 12) / 24
    eqtime = 229.18 * (0.000075 + 0.001868 * math.cos(g) - 0.032077 * math.sin(g)
                       - 0.014615 * math.cos(2 * g) - 0.040849 * math.sin(2 * g))
    decl = (0.006918 - 0.399912 * math.cos(g) + 0.070257 * math.sin(g) - 0.006758 * math.cos(2 * g)
            + 0.000907 * math.sin(2 * g) - 0.002697 * math.cos(3 * g) + 0.00148 * math.sin(3 * g))
    phi = math.radians(lat)
    ha = math.degrees(math.acos(math.cos(math.radians(90.833)) / (math.cos(phi) * math.cos(decl))
                                - math.tan(phi) * math.tan(decl)))
    sunrise_utc = 720 - 4 * (lon + ha) - eqtime
    sunset_utc = 720 - 4 * (lon - ha) - eqtime
    return sunrise_utc + utc_offset_h * 60, sunset_utc + utc_offset_h * 60


def minutes_of_day(t: dt.datetime) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 6e7


@pytest.mark.parametrize("date", [dt.date(2020, 8, 16), dt.date(2020, 3, 20), dt.date(2020, 12, 21),
                                  dt.date(2020, 6, 21)])
def test_sunrise_and_sunset_agree_with_noaas_general_equations(date):
    rise, set_ = day_window(*SEAT, date, BJT)
    want_rise, want_set = noaa_sun(*SEAT, date)
    # the general equations are good to about a minute at mid latitudes (NOAA's note)
    assert minutes_of_day(rise) == pytest.approx(want_rise, abs=2.0)
    assert minutes_of_day(set_) == pytest.approx(want_set, abs=2.0)


def test_sunrise_at_tongnan_on_16_august_2020_by_hand():
    # solar noon = 12:00 + 4 min x (120 - 105.83) deg - EoT (-4.4 min) = 13:01; half-day from
    # cos H = (cos 90.833 - sin 30.18 sin 13.8) / (cos 30.18 cos 13.8) = -0.160: H = 99.2 deg
    # = 6 h 37 min; sunrise 06:24, sunset 19:38 (Beijing time)
    rise, set_ = day_window(*SEAT, dt.date(2020, 8, 16), BJT)
    assert minutes_of_day(rise) == pytest.approx(6 * 60 + 24, abs=2)
    assert minutes_of_day(set_) == pytest.approx(19 * 60 + 38, abs=2)
    # civil twilight: the day starts earlier and ends later
    dawn, dusk = day_window(*SEAT, dt.date(2020, 8, 16), BJT, "civil_twilight")
    assert dawn < rise and dusk > set_
    night = dt.datetime(2020, 8, 16, 1, 0, tzinfo=BJT)
    assert not is_day(*SEAT, night) and is_day(*SEAT, night.replace(hour=13))
    assert next_day_start(*SEAT, night) == rise
    assert next_day_start(*SEAT, night.replace(hour=21)) == day_window(*SEAT, dt.date(2020, 8, 17), BJT)[0]


def scenario(tmp_path, hour: int, night: str, extra: str = "") -> object:
    for name in ("regions/tongnan.yaml", "plans/tongnan-2021.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(SCENARIOS / name, tmp_path / name)
    body = textwrap.dedent(f"""\
        name: one aerial request
        region: regions/tongnan.yaml
        start: "2020-08-16T{hour:02d}:00+08:00"
        run: {{seed: 1, replications: 1, horizon: 1d}}
        plan: {{file: plans/tongnan-2021.yaml, targets: [T6]}}
        forces:
          - id: helicopters
            type: helicopter
            units: 1
            base: aviation_centre
            serves: [aerial_rescue]
            params: {{cruise: 236km/h, start_up: 15min, landing: 5min, ground_speed: 20km/h,
                      night: {night}{extra}}}
        hazards:
          - id: request
            type: scripted_incidents
            params:
              incidents:
                - {{at: 0min, kind: aerial_rescue, place: huayan, demand: {{aerial: 1}}, on_scene: 30min}}
        assumptions: []
        """)
    path = tmp_path / f"s{hour}{night}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def request_to_arrival(path, host) -> float:
    sim = Simulation(load_scenario(path, host=host), host)
    sim.run()
    (arrived,) = [e.t for e in sim.log.events if e.kind == "unit_arrived"]
    return arrived


def by_hand_flight(cruise=236.0):
    # Huayan's nearest landing site is Chongkan's; start-up + flight + landing + ground leg
    name = min(LANDING, key=lambda n: km(LANDING[n], HUAYAN))
    assert name == "landing_chongkan"
    return 15 + km(SEAT, LANDING[name]) / cruise * 60 + 5 + km(LANDING[name], HUAYAN) / 20 * 60


def test_a_request_at_13h_is_flown_at_once(tmp_path, host):
    got = request_to_arrival(scenario(tmp_path, 13, "first_light"), host)
    assert got == pytest.approx(by_hand_flight(), rel=1e-9)
    # 21.1 km seat -> Chongkan landing site, 11.6 km on to Huayan: about 60 min
    assert got == pytest.approx(15 + 21.1 / 236 * 60 + 5 + 11.6 / 20 * 60, abs=0.5)


def test_a_request_at_01h_waits_for_sunrise_when_grounded_at_night(tmp_path, host):
    got = request_to_arrival(scenario(tmp_path, 1, "first_light"), host)
    rise, _ = noaa_sun(*SEAT, dt.date(2020, 8, 16))
    wait = rise - 60  # minutes from 01:00 to sunrise (NOAA general equations, within 2 min)
    assert got == pytest.approx(wait + by_hand_flight(), abs=2.0)
    assert got > 6 * 60  # the 2-hour circle fails at night
    # flying at night as by day: the same flight as at 13:00
    assert request_to_arrival(scenario(tmp_path, 1, "fly"), host) == pytest.approx(by_hand_flight(), rel=1e-9)


def test_slower_at_night_flies_at_the_night_share_of_cruise(tmp_path, host):
    got = request_to_arrival(scenario(tmp_path, 1, "slower", ", night_cruise: 70%"), host)
    assert got == pytest.approx(by_hand_flight(236.0 * 0.7), rel=1e-9)
    by_day = request_to_arrival(scenario(tmp_path, 13, "slower", ", night_cruise: 70%"), host)
    assert by_day == pytest.approx(by_hand_flight(), rel=1e-9)


def test_t6_names_the_worst_township(tmp_path, host):
    sim = Simulation(load_scenario(scenario(tmp_path, 1, "first_light"), host=host), host)
    sim.run()
    obs = response_times_by_township(list(sim.log.events), MetricContext(horizon=sim.horizon),
                                     ResponseParams(kinds=["aerial_rescue"], interval="call_to_arrival"))
    assert [label for label, _ in obs] == ["huayan"]


def test_yongchuan_centre_is_outside_the_district_and_farther(host):
    sc = load_scenario(SCENARIOS / "aviation_circle.yaml", host=host)
    sim = Simulation(sc, host)
    yong = sim.units["yongchuan_helicopters"]
    place = sim.region.place
    # Yongchuan (29.3667, 105.9333) to the Wofo landing site, Wugui's nearest: by hand
    leg = km((29.3667, 105.9333), LANDING["landing_wofo"])
    ground = km(LANDING["landing_wofo"], (29.81882, 105.75563))
    expected = 15 + leg / 236 * 60 + 5 + ground / 20 * 60
    assert sim.travel_time(yong, place("yongchuan_aviation_centre"), place("wugui")) == pytest.approx(expected, rel=1e-9)
    assert 55 < leg < 70  # about 61 km


def test_the_circle_fails_at_night_and_names_a_township(host):
    from drillsim.scoring.runner import run

    sc = load_scenario(SCENARIOS / "aviation_circle.yaml", host=host)
    (row,) = run(sc, host, replications=3).rows
    assert row.id == "T6" and row.status == "fail" and row.worst in sc.region.townships
    # a request just after sunset waits the whole night: more than 10 h in every replication
    assert min(row.values) > 600
    by_label = {b["label"] for b in row.breakdown}
    assert len(by_label) == 23  # every township had requests (about 186 in a month)
