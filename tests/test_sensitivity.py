"""``drillsim sensitivity``: factors read from a scenario's assumptions, and effects on the
four-township road graph worked out by hand (one at a time, Morris, Sobol)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.errors import ValidationFailed
from drillsim.planning.sensitivity import factors_of
from drillsim.scenario.loader import load_scenario
from tests.test_coverage import four  # noqa: F401  (fixture)

# One call at b at 60 min; the unit at a: response (call to arrival) = turnout + 10 min
# (10 km at 60 km/h). Turnout is assumed 2 min: at ±50 % 1 → 3 min, so the response goes
# 11 → 13 min, an effect of exactly +2. The crew size (1 person, ±50 %: 1 → 2 after
# rounding halves up) changes nothing. The call's list entry is a list: left out.
BODY = """\
run: {{horizon: 3h, replications: 2, seed: 5}}
forces:
  - {{id: north, type: district_rescue_team, base: a, vehicle: car, turnout: 2min, capabilities: {{people: 1}}}}
hazards:
  - id: s
    type: scripted_incidents
    params:
      incidents:
        - {{at: 60min, kind: call, place: b, demand: {{people: 1}}, on_scene: 5min}}
assumptions:
  - {{what: turnout, value: 2 min, reason: test, applies_to: "forces[0].turnout"{range}}}
  - {{what: crew, value: 1, reason: test, applies_to: "forces[0].capabilities"}}
  - {{what: the call, value: one, reason: test, applies_to: "hazards[0].params.incidents"}}
"""
PLAN = """\
name: plan
required_pass_rate: 90%
targets:
  - {id: M, title: response, metric: response_time, statistic: mean, comparison: "<=", threshold: 30min, unit: min}
"""


def write(four, range_text=""):  # noqa: F811
    (four.parent / "plan.yaml").write_text(PLAN, encoding="utf-8")
    head = four.read_text().split("run:")[0].replace("assumptions: []\n", "")
    four.write_text(head + BODY.format(range=range_text), encoding="utf-8")
    return four


def test_factors_come_from_the_assumptions(four, host):  # noqa: F811
    sc = load_scenario(write(four), host=host)
    factors, skipped = factors_of(sc)
    assert [(f.path, f.low, f.high, f.unit) for f in factors] == [
        ("forces[0].turnout", 1.0, 3.0, "min"), ("forces[0].capabilities.people", 0.5, 1.5, "")]
    assert factors[0].text(3.0) == "3min" and factors[1].text(0.5) == 1 and factors[1].text(1.5) == 2
    assert skipped == ["hazards[0].params.incidents: a list"]


def test_a_range_replaces_the_default_and_a_bad_one_is_refused(four, host):  # noqa: F811
    sc = load_scenario(write(four, ", range: [1min, 5min]"), host=host)
    assert (factors_of(sc)[0][0].low, factors_of(sc)[0][0].high) == (1.0, 5.0)
    # a range that does not fit its number is refused when the scenario is read (validate,
    # run …), at its field (breaker2: it passed validate and only sensitivity refused it,
    # naming no line)
    with pytest.raises(ValidationFailed) as caught:
        load_scenario(write(four, ", range: [1, 5]"), host=host)
    assert [(f.field, f.message) for f in caught.value.faults] == [
        (f"assumptions[0].range[{k}]", f"{end} is not written like forces[0].turnout's value '2min' "
                                       "(a number with unit 'min')") for k, end in enumerate((1, 5))]


def run(four, tmp_path, *args):  # noqa: F811
    out = tmp_path / "s.json"
    r = CliRunner().invoke(main, ["sensitivity", str(four), "-w", "0", "-n", "2", "--json", str(out),
                                  *args])
    assert r.exit_code == 0, r.output
    return json.loads(out.read_text())["targets"]["M"], r.output


def test_one_at_a_time_by_hand(four, tmp_path):  # noqa: F811
    data, output = run(write(four), tmp_path, "--plot", str(tmp_path / "p"))
    assert data["base"] == pytest.approx(12.0)
    turnout, crew = data["effects"]
    assert (turnout["factor"], turnout["low"], turnout["high"]) == ("forces[0].turnout", 11.0, 13.0)
    assert turnout["value"] == pytest.approx(2.0) and crew["value"] == 0.0
    assert data["top3"] == ["forces[0].turnout"]            # no effect: not among the top
    assert (tmp_path / "p" / "tornado_M.png").read_bytes()[:4] == b"\x89PNG"
    assert "M is decided most by: forces[0].turnout" in output


def test_morris_mu_star_is_the_slope_times_the_range(four, tmp_path):  # noqa: F811
    pytest.importorskip("SALib")
    # response = turnout + 10 is linear: every elementary effect, in SALib's scaling
    # (the factor's range as 1), is Δresponse / Δturnout × (3 − 1) = 2
    data, _ = run(write(four), tmp_path, "--method", "morris", "--samples", "6")
    turnout = next(e for e in data["effects"] if e["factor"] == "forces[0].turnout")
    # (values are written to 6 significant digits: 1.66667min)
    assert turnout["value"] == pytest.approx(2.0, abs=1e-4) and turnout["sigma"] == pytest.approx(0.0, abs=1e-4)


def test_sobol_total_index_is_all_turnout(four, tmp_path):  # noqa: F811
    pytest.importorskip("SALib")
    # the response depends on the turnout alone: ST(crew) is 0 exactly (swapping its
    # column never changes the output), ST(turnout) is 1 up to sampling error
    data, _ = run(write(four), tmp_path, "--method", "sobol", "--samples", "64")
    st = {e["factor"]: e["value"] for e in data["effects"]}
    assert st["forces[0].capabilities.people"] == 0.0
    assert st["forces[0].turnout"] == pytest.approx(1.0, abs=0.15)


def test_same_output_on_any_number_of_workers(four, tmp_path):  # noqa: F811
    write(four)
    outs = []
    for w in ("0", "2"):
        out = tmp_path / f"s{w}.json"
        r = CliRunner().invoke(main, ["sensitivity", str(four), "-w", w, "-n", "2", "--json", str(out), "-q"])
        assert r.exit_code == 0, r.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("args, message", [
    (["--targets", "Z"], "--targets: no target 'Z'"),
    (["--method", "sobol", "--samples", "60"], "a power of 2"),
])
def test_bad_options_exit_2(four, args, message):  # noqa: F811
    r = CliRunner().invoke(main, ["sensitivity", str(write(four)), *args])
    assert r.exit_code == 2 and message in r.output, r.output


def test_a_run_report_names_the_deciding_assumptions(four, tmp_path):  # noqa: F811
    write(four)
    sens = tmp_path / "s.json"
    r = CliRunner().invoke(main, ["sensitivity", str(four), "-w", "0", "-n", "2", "--json", str(sens), "-q"])
    assert r.exit_code == 0, r.output
    report = tmp_path / "r.md"
    r = CliRunner().invoke(main, ["run", str(four), "-n", "2", "--sensitivity", str(sens), "--report", str(report)])
    assert r.exit_code == 0, r.output
    text = report.read_text()
    assert "## Which assumptions decide it" in text
    assert "- **M**: `forces[0].turnout` (+2 [2, 2]; assumed: turnout)" in text
    assert "M: forces[0].turnout (+2" in r.output
    data = json.loads(sens.read_text())
    data["scenario"] = "another"
    sens.write_text(json.dumps(data))
    r = CliRunner().invoke(main, ["run", str(four), "--sensitivity", str(sens)])
    assert r.exit_code == 2 and "made for the scenario 'another'" in r.output


def test_a_plain_run_says_which_assumptions_decide_it_or_how_to_know(four, tmp_path):  # noqa: F811
    """A run without --sensitivity: its first lines say how to compute which assumed values
    decide the results; once `drillsim sensitivity --json` has stored the result beside the
    scenario (sensitivity/NAME.json), they name them; when the scenario changes, they say
    the stored result is for another version of it."""
    write(four)
    r = CliRunner().invoke(main, ["run", str(four), "-n", "2"])
    assert r.exit_code == 0, r.output
    head = " ".join(r.output.split("\n")[:8]).replace("  ", " ")
    assert "Which of the 2 assumed numbers decide these results is not computed" in " ".join(head.split())
    stored = four.parent / "sensitivity" / f"{four.stem}.json"
    stored.parent.mkdir()
    r = CliRunner().invoke(main, ["sensitivity", str(four), "-w", "0", "-n", "2", "--json", str(stored), "-q"])
    assert r.exit_code == 0, r.output
    report = tmp_path / "r.md"
    # (another count of replications and seed than the sensitivity ran with: same scenario)
    r = CliRunner().invoke(main, ["run", str(four), "-n", "3", "--seed", "9", "--report", str(report)],
                           env={"COLUMNS": "300"})
    assert r.exit_code == 0, r.output
    line = r.output.splitlines()[4]
    assert line.startswith(f"Decided most by these assumed values ({stored}: drillsim sensitivity, "
                           "one at a time, 2 replications per point): turnout (forces[0].turnout: M).")
    assert f"- Decided most by these assumed values ({stored}" in report.read_text()
    # the scenario changes: the stored result no longer speaks for it
    four.write_text(four.read_text().replace("on_scene: 5min", "on_scene: 6min"), encoding="utf-8")
    r = CliRunner().invoke(main, ["run", str(four), "-n", "2"], env={"COLUMNS": "300"})
    assert r.exit_code == 0, r.output
    assert f"{stored} was computed for another version of this scenario" in r.output.splitlines()[4]


def test_deciding_most_scores_each_targets_top_three():
    """By hand: x is first for A (3), y second for A (2) and first for B (3): y 5, x 3 + 1
    (third for B) = 4, z 1 (third for A), w 2 (second for B): y, x, w."""
    from drillsim.planning.sensitivity import deciding_most

    data = {"factors": [{"path": p, "assumption": p.upper()} for p in "xyzw"],
            "targets": {"A": {"top3": ["x", "y", "z"]}, "B": {"top3": ["y", "w", "x"]},
                        "C": {"top3": []}}}
    assert deciding_most(data) == [("y", "Y", ["A", "B"]), ("x", "X", ["A", "B"]), ("w", "W", ["B"])]
    assert deciding_most(data, ["B"]) == [("y", "Y", ["B"]), ("w", "W", ["B"]), ("x", "X", ["B"])]
    from drillsim.planning.sensitivity import headline

    data["method"], data["replications"] = "oat", 1
    for entry in data["targets"].values():
        entry["effects"], entry["top3"] = [], []
    assert "no target could be ranked (1 replication(s) per point" in headline(data)
    data["targets"]["A"]["effects"] = [{"factor": "x", "value": 0.0}]
    assert headline(data).startswith("Assumed values: none of the 4 assumed numbers changes a target")


def test_sobol_of_a_target_the_same_at_every_point_says_so_without_numpys_warning(four, tmp_path):  # noqa: F811
    """A target no assumed number moves (here Q, unreached calls: 0 at every point, the
    unit always reaches the one call) has zero variance to share out: SALib divides by
    it, and numpy printed 'RuntimeWarning: invalid value encountered in divide' on the
    user's terminal (the shipped flood-and-leak scenario's T3, T4 and H1 did). It is
    reported as depending on none of the numbers, with no warning."""
    import warnings

    pytest.importorskip("SALib")
    path = write(four)
    (path.parent / "plan.yaml").write_text(PLAN + '  - {id: Q, title: unreached, metric: unreached_incidents, '
                                           'statistic: sum, comparison: "<=", threshold: 0}\n', encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)   # a warning fails the run below
        r = CliRunner().invoke(main, ["sensitivity", str(path), "-w", "0", "-n", "2", "--method", "sobol",
                                      "--samples", "8"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "Q depends on none of the 2 assumed numbers over their ranges" in r.output


def test_an_effect_resting_on_a_value_the_runs_end_cut_off_is_marked_a_bound(tmp_path):
    # The chlorine leak's F1-now (first appliance from the existing stations at the
    # staging point): asking for one pump, only the Tianjia station answers, no existing
    # station's appliance comes, and the run's end stands for the response time: horizon
    # 8 h (480 min) less the call at detection, 10 min = 470 min. "pumps 1 -> 3: -448.6
    # min" read as a real effect; it is a bound, and says so.
    out = tmp_path / "s.json"
    r = CliRunner().invoke(main, ["sensitivity", "scenarios/chemical_park_leak.yaml", "-n", "2",
                                  "--targets", "F1-now", "--json", str(out), "--workers", "0"])
    assert r.exit_code == 0, r.output
    effects = {e["factor"]: e for e in json.loads(out.read_text())["targets"]["F1-now"]["effects"]}
    pumps = effects["hazards[0].params.fire_support.demand.pumps"]
    assert pumps["low"] == pytest.approx(480 - 10) and pumps["bounded"] is True
    assert "(a bound)" in r.output and "a bound: at a design point it rests on, some run ended" in " ".join(r.output.split())
    # an effect measured at both ends is no bound
    assert "bounded" not in effects["hazards[0].params.fire_support.staging_distance"]
