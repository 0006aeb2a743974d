"""``drillsim coverage``: travel times on a hand-made road graph checked by hand, the
standard with turnout, population shares, closures at a time, and the command line."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.engine.simulation import Simulation
from drillsim.planning.coverage import coverage
from drillsim.scenario.loader import load_scenario
from tests.conftest import FLOOD

# Four townships; the road graph (km) below. Circuity 1, a car at 60 km/h: 1 km = 1 min.
#   a --10-- b --10-- c --5-- d,   and the longer roads a--c 30 km, b--d 40 km.
ROADS = "from,to,km\na,b,10\nb,c,10\nc,d,5\na,c,30\nb,d,40\n"
REGION = """\
name: Four townships (tests)
travel:
  circuity: {value: 1.0, status: assumed}
  vehicles: {car: {speed: 60km/h, status: assumed}}
  road_graph: roads.csv
townships:
  - {id: a, name_zh: 甲, name_pinyin: Jia, kind: town, lat: 0.0, lon: 0.00, coord_status: assumed, population_weight: 100}
  - {id: b, name_zh: 乙, name_pinyin: Yi, kind: town, lat: 0.0, lon: 0.05, coord_status: assumed, population_weight: 200}
  - {id: c, name_zh: 丙, name_pinyin: Bing, kind: town, lat: 0.0, lon: 0.10, coord_status: assumed, population_weight: 300}
  - {id: d, name_zh: 丁, name_pinyin: Ding, kind: town, lat: 0.0, lon: 0.15, coord_status: assumed, population_weight: 400}
"""
PLAN = """\
name: Four townships plan (tests)
required_pass_rate: 90%
targets:
  - {id: R, title: response, metric: response_time, statistic: max, comparison: "<=", threshold: 21min, unit: min, params: {forces: [north]}}
"""
SCENARIO = """\
name: four townships
region: region.yaml
start: "2020-01-01T00:00+08:00"
plan: {file: plan.yaml}
assumptions: []
run: {horizon: 3h, replications: 2}
forces:
  - {id: north, type: district_rescue_team, base: a, vehicle: car, turnout: 2min, capabilities: {people: 1}}
  - {id: south, type: district_rescue_team, base: d, vehicle: car, turnout: 0min, capabilities: {people: 1}}
hazards:
  - id: s
    type: scripted_incidents
    params:
      incidents:
        - {at: 60min, kind: call, place: b, demand: {people: 1}, on_scene: 5min}
"""

# shortest paths by hand (minutes = km):
#   from a: a 0, b 10, c 20 (a-b-c, not the 30 km road), d 25 (a-b-c-d; a-b-d is 50)
#   from d: d 0, c 5, b 15 (d-c-b; the b-d road is 40), a 25 (d-c-b-a; d-c-a is 35)
FROM_A = {"a": 0, "b": 10, "c": 20, "d": 25}
FROM_D = {"d": 0, "c": 5, "b": 15, "a": 25}


@pytest.fixture
def four(tmp_path):
    root = tmp_path / "scenarios"
    root.mkdir()
    (root / "roads.csv").write_text(ROADS, encoding="utf-8")
    (root / "region.yaml").write_text(REGION, encoding="utf-8")
    (root / "plan.yaml").write_text(PLAN, encoding="utf-8")
    path = root / "four.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_travel_times_are_the_shortest_paths_worked_by_hand(four, host):
    cov = coverage(load_scenario(four, host=host), host)
    north, south = cov.forces
    for place, minutes in FROM_A.items():
        assert north.reach[place].travel == pytest.approx(minutes)
        assert north.reach[place].response == pytest.approx(minutes + 2)  # turnout 2 min
        assert north.reach[place].unit == "north"
    for place, minutes in FROM_D.items():
        assert south.reach[place].travel == pytest.approx(minutes)


def test_the_standard_counts_turnout_and_applies_to_the_named_force(four, host):
    cov = coverage(load_scenario(four, host=host), host)
    north, south = cov.forces
    assert north.standard.target == "R" and north.standard.minutes == 21.0
    # response = 2 + travel: a 2, b 12, c 22, d 27 against 21 min
    assert [north.standard.met(north.standard.of(north.reach[p])) for p in "abcd"] == [True, True, False, False]
    assert south.standard is None  # the target names only north


def test_population_shares_by_hand(four, host):
    cov = coverage(load_scenario(four, host=host), host, within=12.0)
    # within 12 min: north reaches a, b (100 + 200); south reaches d, c (400 + 300)
    assert cov.population_covered(12.0, ["north"])[:3] == (0.3, 300, 1000)
    assert cov.population_covered(12.0, ["south"])[:3] == (0.7, 700, 1000)
    assert cov.population_covered(12.0)[:3] == (1.0, 1000, 1000)
    # within 4 min: only each base's own township: a 100 + d 400
    assert cov.population_covered(4.0)[:2] == (0.5, 500)
    assert cov.nearest("b") == ("north", cov.forces[0].reach["b"])   # 10 < 15 min


def test_an_unknown_force_is_refused(four, host):
    with pytest.raises(KeyError, match="no force 'west'.*north, south"):
        coverage(load_scenario(four, host=host), host, forces=["west"])


def test_closures_at_a_time_come_from_the_hazard(host):
    """The flood closes a flooded township to road units without boats: the hazmat team
    (no boats) cannot reach Mixin once Mixin is flooded, and can before."""
    sc = load_scenario(FLOOD, host=host)
    sim = Simulation(sc, host)
    sim.run()
    flooded = next(e.t for e in sim.log.events if e.kind == "hazard_arrival"
                   and e.details.get("township") == "mixin" and e.details.get("level") == "impact")
    before = coverage(sc, host, forces=["hazmat_team", "water_rescue"])
    after = coverage(sc, host, forces=["hazmat_team", "water_rescue"], at=flooded + 1)
    assert math.isfinite(before.force("hazmat_team").reach["mixin"].travel)
    assert math.isinf(after.force("hazmat_team").reach["mixin"].travel)
    # boats may enter: the water rescue team's time is unchanged
    assert after.force("water_rescue").reach["mixin"].travel == pytest.approx(
        before.force("water_rescue").reach["mixin"].travel)


def test_command_line_json_is_byte_identical_and_map_is_a_png(four, tmp_path):
    runner = CliRunner()
    outs = []
    for k in range(2):
        out = tmp_path / f"c{k}.json"
        r = runner.invoke(main, ["coverage", str(four), "--within", "12min", "--json", str(out),
                                 "--map", str(tmp_path / "m.png")])
        assert r.exit_code == 0, r.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    data = json.loads(outs[0])
    assert data["all_forces"]["population_share_within"] == 1.0
    assert data["forces"][0]["places"]["c"] == {"unit": "north", "travel_min": 20.0,
                                               "response_min": 22.0, "meets_standard": False}
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Jia" in r.output and "30.0%" in r.output


@pytest.mark.parametrize("args, message", [
    (["--within", "12"], "--within '12': '12' is not a duration with a unit"),
    (["--force", "west"], "no force 'west'"),
    (["--at", "5h"], "at or after the end of the run"),
])
def test_bad_options_exit_2(four, args, message):
    r = CliRunner().invoke(main, ["coverage", str(four), *args])
    assert r.exit_code == 2 and message in r.output, r.output
