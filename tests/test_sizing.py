"""``drillsim size``: the Clopper–Pearson bound against the binomial sum it inverts, the
replications a confidence needs, and the smallest number of units on the four-township
graph worked out by hand."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.planning.sizing import lower_bound, replications_needed
from tests.test_coverage import four  # noqa: F401  (fixture)


def binomial_tail(p, n, x):
    """P(X >= x) for X ~ Binomial(n, p), summed term by term."""
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(x, n + 1))


@pytest.mark.parametrize("x, n", [(8, 10), (27, 30), (1, 5), (50, 52)])
def test_lower_bound_is_where_the_binomial_tail_is_five_percent(x, n):
    p = lower_bound(x, n, 0.95)
    assert binomial_tail(p, n, x) == pytest.approx(0.05, abs=1e-9)


def test_lower_bound_special_cases():
    assert lower_bound(0, 10) == 0.0
    assert lower_bound(29, 29) == pytest.approx(0.05 ** (1 / 29))     # 0.9019
    assert lower_bound(8, 10) == pytest.approx(0.4931, abs=1e-4)       # Clopper-Pearson tables
    assert replications_needed(0.9, 0.95) == 29   # ln 0.05 / ln 0.9 = 28.43
    assert replications_needed(0.8, 0.95) == 14   # ln 0.05 / ln 0.8 = 13.43


# Three calls at b at 60 min, 2 h of work each; units at a (10 km = 10 min away, turnout
# 2 min). Response (call to arrival) at most 30 min: k units reach min(k, 3) calls in
# 12 min; the rest wait 120 min for a unit to clear. So 3 units are needed; every
# replication is alike (no randomness), so all pass or all fail.
BODY = """\
run: {horizon: 6h, replications: 2, seed: 1}
forces:
  - {id: north, type: district_rescue_team, base: a, units: 1, vehicle: car, turnout: 2min, capabilities: {people: 1}}
hazards:
  - id: s
    type: scripted_incidents
    params:
      incidents:
        - {at: 60min, kind: call, place: b, demand: {people: 1}, on_scene: 2h}
        - {at: 60min, kind: call, place: b, demand: {people: 1}, on_scene: 2h}
        - {at: 60min, kind: call, place: b, demand: {people: 1}, on_scene: 2h}
"""
PLAN = """\
name: plan
required_pass_rate: 90%
targets:
  - {id: R, title: worst response, metric: response_time, statistic: max, comparison: "<=", threshold: 30min, unit: min}
"""


@pytest.mark.parametrize("n, smallest", [(None, 3), ("29", 3), ("10", None)])
def test_smallest_number_of_units_by_hand(four, tmp_path, n, smallest):  # noqa: F811
    (four.parent / "plan.yaml").write_text(PLAN, encoding="utf-8")
    four.write_text(four.read_text().split("run:")[0] + BODY, encoding="utf-8")
    out = tmp_path / "s.json"
    args = ["size", str(four), "--force", "north", "--target", "R", "--min", "1", "--max", "4",
            "-w", "0", "--json", str(out), "--plot", str(tmp_path / "s.png")]
    r = CliRunner().invoke(main, args + (["-n", n] if n else []))
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    # default replications: max(scenario's 2, 29 needed for 90 % at 95 %)
    assert data["replications"] == int(n or 29)
    assert [p["pass_rate"] for p in data["points"]] == [0.0, 0.0, 1.0, 1.0]
    # with 3 units each call has its own: turnout 2 + 10 min travel
    assert data["points"][2]["mean"] == pytest.approx(12.0)
    assert data["smallest"] == smallest
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args, message", [
    (["--force", "nope", "--target", "R"], "--force nope: no such force"),
    (["--force", "north", "--target", "Z"], "--target Z: no such target"),
    (["--target", "R"], "give --force ID"),
    (["--force", "north", "--target", "R", "--min", "0", "--max", "2"], "forces.north.units = 0"),
    (["--force", "north", "--target", "R", "--confidence", "120%"], "--confidence"),
])
def test_bad_options_exit_2(four, args, message):  # noqa: F811
    (four.parent / "plan.yaml").write_text(PLAN, encoding="utf-8")
    four.write_text(four.read_text().split("run:")[0] + BODY, encoding="utf-8")
    r = CliRunner().invoke(main, ["size", str(four), *args])
    assert r.exit_code == 2 and message in r.output, r.output


def test_erlang_screen_starts_the_search_where_units_can_keep_up(four, tmp_path):  # noqa: F811
    """--calls 1.5/h --holding 80min offer 2 erlangs: fewer than 3 units cannot keep up
    (Erlang C needs N > a), so counts 1 and 2 are not simulated and the curve starts at 3;
    with --max-waiting 20% the fewest is 4 (C(3, 2) = 44.4 %, C(4, 2) = 17.4 %: by hand,
    B(3, 2) = 4/19, C = 3B/(3 − 2(1 − B)) = 4/9; B(4, 2) = 2/21, C = 4B/(4 − 2(1 − B)) = 4/23)."""
    (four.parent / "plan.yaml").write_text(PLAN, encoding="utf-8")
    four.write_text(four.read_text().split("run:")[0] + BODY, encoding="utf-8")
    out = tmp_path / "s.json"
    base = ["size", str(four), "--force", "north", "--target", "R", "--min", "1", "--max", "4",
            "-w", "0", "-n", "2", "--json", str(out), "--calls", "1.5/h", "--holding", "80min"]
    r = CliRunner().invoke(main, base)
    assert r.exit_code == 0, r.output
    assert "Erlang screen: 1.5/h × 80min = 2 erlangs offered; fewer than 3 units cannot keep up" in r.output
    assert "the search starts at 3: counts 1, 2 not simulated" in r.output
    data = json.loads(out.read_text())
    assert [p["count"] for p in data["points"]] == [3, 4]
    assert data["erlang_screen"]["fewest_units"] == 3 and data["erlang_screen"]["skipped"] == [1, 2]
    r = CliRunner().invoke(main, base + ["--max-waiting", "20%"])
    assert r.exit_code == 0, r.output
    assert "4 units are the fewest with at most 20 % of calls waiting (Erlang C 17.4 %)" in r.output
    assert [p["count"] for p in json.loads(out.read_text())["points"]] == [4]
    r = CliRunner().invoke(main, base[:-2])
    assert r.exit_code == 2 and "needs --calls RATE and --holding TIME together" in r.output
    r = CliRunner().invoke(main, base + ["--max", "2"])
    assert r.exit_code == 2 and "raise --max" in r.output
