"""Turnout by time of day (``forces[].turnout_by_time``): volunteer and township teams
take longer to assemble at night. The same incidents at 01:00 and at 13:00 give results
that differ by exactly what the bands say, worked out here by hand.

The mini region (tests/conftest.py) puts three townships on the equator 0.1° of longitude
apart: 11.119508 km, driven at 60 km/h with circuity 1.0, so 11.119508 min per step.
"""

from __future__ import annotations

import textwrap

import pytest

from drillsim.engine.simulation import Simulation
from drillsim.engine.units import band_turnout
from drillsim.errors import ValidationFailed
from drillsim.scenario.loader import load_scenario

STEP = 11.119508  # minutes west -> middle (or middle -> east) at 60 km/h

BODY = """\
    run: {{seed: 1, replications: 1, horizon: 1d}}
    forces:
      - id: volunteers
        type: volunteer_rescue_team
        base: west_base
        vehicle: car
        serves: [search]
        turnout: 30min
        turnout_by_time:
          - {{start: '22:00', end: '07:00', turnout: 60min}}
      - id: township_team
        type: township_rescue_team
        base: east_base
        vehicle: car
        serves: [evacuation]
        turnout: 15min
        turnout_by_time:
          - {{start: '22:00', end: '07:00', turnout: 30min}}
          - {{start: '07:00', end: '08:30', turnout: 20min}}
    hazards:
      - id: calls
        type: scripted_incidents
        params:
          incidents:
            - {{at: 0min, kind: search, place: east, demand: {{people: 1}}, on_scene: 30min}}
            - {{at: 0min, kind: evacuation, place: middle, demand: {{people: 1}}, on_scene: 30min}}
"""


def at_hour(mini, hour: str):
    path = mini(textwrap.dedent(BODY.format()), name=f"s{hour.replace(':', '')}.yaml")
    text = path.read_text(encoding="utf-8").replace('start: "2020-01-01T00:00+08:00"',
                                                    f'start: "2020-01-01T{hour}+08:00"')
    path.write_text(text, encoding="utf-8")
    return path


def arrivals(path, host) -> dict[str, float]:
    sim = Simulation(load_scenario(path, host=host), host)
    sim.run()
    kinds = {e.incident: e.details["kind"] for e in sim.log.events if e.kind == "incident_created"}
    return {kinds[e.incident]: e.t for e in sim.log.events if e.kind == "unit_arrived"}


def test_the_same_incidents_at_01h_and_13h(mini, host):
    day = arrivals(at_hour(mini, "13:00"), host)
    night = arrivals(at_hour(mini, "01:00"), host)
    # by day: the forces' own turnout; volunteers drive west -> east (2 steps), the
    # township team east -> middle (1 step)
    assert day["search"] == pytest.approx(30 + 2 * STEP, rel=1e-6)
    assert day["evacuation"] == pytest.approx(15 + STEP, rel=1e-6)
    # at 01:00 the night band (22:00-07:00, past midnight): 60 and 30 min
    assert night["search"] == pytest.approx(60 + 2 * STEP, rel=1e-6)
    assert night["evacuation"] == pytest.approx(30 + STEP, rel=1e-6)
    # the differences are the bands' extra minutes, nothing else
    assert night["search"] - day["search"] == pytest.approx(30.0, abs=1e-6)
    assert night["evacuation"] - day["evacuation"] == pytest.approx(15.0, abs=1e-6)


def test_a_second_band_and_its_edges(mini, host):
    # 07:00 is the end of the night band (excluded) and the start of the morning band
    got = arrivals(at_hour(mini, "07:00"), host)
    assert got["evacuation"] == pytest.approx(20 + STEP, rel=1e-6)
    assert got["search"] == pytest.approx(30 + 2 * STEP, rel=1e-6)  # no band: its turnout
    bands = ((1320.0, 420.0, 60.0), (420.0, 510.0, 20.0))
    assert band_turnout(bands, 1319.9, 5.0) == 5.0
    assert band_turnout(bands, 1320.0, 5.0) == 60.0
    assert band_turnout(bands, 0.0, 5.0) == 60.0
    assert band_turnout(bands, 419.99, 5.0) == 60.0
    assert band_turnout(bands, 420.0, 5.0) == 20.0
    assert band_turnout(bands, 510.0, 5.0) == 5.0


def test_an_unquoted_clock_time_is_read_as_written(mini, host):
    # drillsim's YAML loader does not read 22:00 as the base-60 number 1320 (YAML 1.1)
    body = textwrap.dedent(BODY.format()).replace("{start: '22:00', end: '07:00', turnout: 60min}",
                                                  "{start: 22:00, end: 07:00, turnout: 60min}", 1)
    path = mini(body, name="unquoted.yaml")
    text = path.read_text(encoding="utf-8").replace("T00:00+08:00", "T01:00+08:00")
    path.write_text(text, encoding="utf-8")
    assert arrivals(path, host)["search"] == pytest.approx(60 + 2 * STEP, rel=1e-6)


def test_without_bands_nothing_changes(mini, host):
    body = textwrap.dedent(BODY.format())
    body = "\n".join(l for l in body.splitlines() if "turnout_by_time" not in l and "{start:" not in l)
    path = mini(body, name="plain.yaml")
    text = path.read_text(encoding="utf-8").replace("T00:00+08:00", "T01:00+08:00")
    path.write_text(text, encoding="utf-8")
    got = arrivals(path, host)
    assert got["search"] == pytest.approx(30 + 2 * STEP, rel=1e-6)


@pytest.mark.parametrize("band, message", [
    ("{start: 1320, end: '07:00', turnout: 60min}", "write a clock time as HH:MM"),
    ("{start: '25:00', end: '07:00', turnout: 60min}", "not a clock time"),
    ("{start: '07:00', end: '07:00', turnout: 60min}", "empty"),
    ("{start: '22:00', end: '07:00', turnout: 60}", "unit"),
])
def test_bad_bands_are_refused_naming_the_field(mini, host, band, message):
    body = textwrap.dedent(BODY.format()).replace(
        "- {start: '22:00', end: '07:00', turnout: 60min}", "- " + band, 1)
    path = mini(body, name="bad.yaml")
    with pytest.raises(ValidationFailed) as err:
        load_scenario(path, host=host)
    text = str(err.value)
    assert "turnout_by_time[0]" in text and message in text


NIGHT_TEAM = '''
from drillsim.api import UnitType, hookimpl


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType("night_team", "a team called from home at night", {"people": 4},
                      turnout=10.0, turnout_by_time=(("22:00", "07:00", 45.0),)))
'''

TYPE_BODY = """\
    run: {seed: 1, replications: 1, horizon: 1d}
    forces:
      - id: callout
        type: night_team
        base: west_base
        vehicle: car
        serves: [search]
    hazards:
      - id: calls
        type: scripted_incidents
        params:
          incidents:
            - {at: 0min, kind: search, place: east, demand: {people: 1}, on_scene: 30min}
"""


def _type_host(tmp_path, source=NIGHT_TEAM):
    from drillsim.host.pluginhost import PluginHost

    from .conftest import BUILTIN

    plugin = tmp_path / "night_team.py"
    plugin.write_text(source, encoding="utf-8")
    return PluginHost(only=BUILTIN, modules={"night_team": str(plugin)})


def _at(mini, body: str, hour: str, name: str):
    path = mini(body, name=name)
    text = path.read_text(encoding="utf-8").replace("T00:00+08:00", f"T{hour}+08:00")
    path.write_text(text, encoding="utf-8")
    return path


def test_a_unit_type_carries_its_own_night_turnout(mini, tmp_path):
    # The type's band (22:00-07:00, 45 min) holds at 01:00, not at 13:00 (its turnout,
    # 10 min); the team drives west -> east, two steps. A force that writes its own
    # bands replaces the type's; `turnout_by_time: []` drops them.
    host = _type_host(tmp_path)
    night = arrivals(_at(mini, TYPE_BODY, "01:00", "n.yaml"), host)
    day = arrivals(_at(mini, TYPE_BODY, "13:00", "d.yaml"), host)
    assert night["search"] == pytest.approx(45 + 2 * STEP, rel=1e-6)
    assert day["search"] == pytest.approx(10 + 2 * STEP, rel=1e-6)
    own = TYPE_BODY.replace("    serves: [search]\n", "    serves: [search]\n"
                            "        turnout_by_time: [{start: '00:00', end: '02:00', turnout: 25min}]\n")
    assert arrivals(_at(mini, own, "01:00", "o.yaml"), host)["search"] == pytest.approx(25 + 2 * STEP, rel=1e-6)
    none = TYPE_BODY.replace("    serves: [search]\n", "    serves: [search]\n        turnout_by_time: []\n")
    assert arrivals(_at(mini, none, "01:00", "z.yaml"), host)["search"] == pytest.approx(10 + 2 * STEP, rel=1e-6)


def test_a_type_s_bands_are_listed_among_the_assumptions(mini, tmp_path):
    from drillsim.report.facts import implicit_assumptions

    scenario = load_scenario(_at(mini, TYPE_BODY, "01:00", "a.yaml"), host=_type_host(tmp_path))
    rows = [r for r in implicit_assumptions(scenario) if r["what"] == "turnout by time of day of callout"]
    assert rows == [{"what": "turnout by time of day of callout", "value": "22:00–07:00 45 min",
                     "status": "assumed", "source": "default of unit type night_team"}]


@pytest.mark.parametrize("bands, message", [
    ('("22:00", "07:00", 45.0)', "turnout_by_time[0] must be (start, end, minutes)"),
    ('[("22:00", "07:00")]', "turnout_by_time[0] must be (start, end, minutes)"),
    ('[(1320, "07:00", 45.0)]', "write a clock time as HH:MM"),
    ('[("24:00", "07:00", 45.0)]', "not a clock time HH:MM"),
    ('[("07:00", "07:00", 45.0)]', "empty"),
    ('[("22:00", "07:00", -5.0)]', "0 or more, got -5.0"),
    ('[("22:00", "07:00", float("nan"))]', "0 or more, got nan"),
    ('[("22:00", "07:00", "45min")]', "0 or more, got '45min'"),
    ('[("22:00", "07:00", 10**400)]', "0 or more, got 1000"),  # beyond a float: a traceback at the run
    ('"22:00-07:00"', "must be a sequence of bands"),
])
def test_bad_type_bands_are_refused_naming_the_plugin(tmp_path, bands, message):
    from drillsim.host.pluginhost import PluginError

    source = NIGHT_TEAM.replace('(("22:00", "07:00", 45.0),)', bands)
    with pytest.raises(PluginError) as err:
        _type_host(tmp_path, source)
    text = str(err.value)
    assert "night_team" in text and "turnout_by_time" in text and message in text
