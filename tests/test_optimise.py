"""``drillsim optimise``: the integer programmes against brute-force enumeration of every
layout, and on the hand-made four-township road graph against hand sums."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.planning.location import NoLayout, best_layouts
from tests.test_coverage import four  # noqa: F401  (fixture)


def brute_force(kind, times, weights, k, within=None, fixed=()):
    """Every layout of k new sites, scored directly: [(value, sites)] best first."""
    m = times.shape[0]
    free = [i for i in range(m) if i not in fixed]
    out = []
    for new in itertools.combinations(free, k):
        best = times[list(fixed) + list(new)].min(axis=0)
        if kind == "coverage":
            out.append((-float(weights[best <= within].sum()), new))
        else:
            out.append((float((weights * best).sum()), new))
    out.sort()
    return [(abs(v) if kind == "coverage" else v, s) for v, s in out]


def instance(seed, m=9, n=12):
    rng = np.random.default_rng(seed)
    sites, towns = rng.uniform(0, 30, (m, 2)), rng.uniform(0, 30, (n, 2))
    times = np.linalg.norm(sites[:, None] - towns[None], axis=2) * 1.4 / 40 * 60
    return times, rng.integers(1, 500, n).astype(float)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_maximal_covering_and_p_median_match_enumeration(seed, k):
    times, weights = instance(seed)
    for kind, within in (("coverage", 25.0), ("p_median", None)):
        got = best_layouts(kind, times, weights, k, count=3, within=within)
        expected = brute_force(kind, times, weights, k, within)
        assert [g.value for g in got] == pytest.approx([v for v, _ in expected[:3]], rel=1e-9)
        for g in got:  # each layout found has the value enumeration gives it
            assert dict((s, v) for v, s in expected)[g.sites] == pytest.approx(g.value, rel=1e-9)
        assert len({g.sites for g in got}) == 3


def test_existing_sites_are_kept_and_not_counted():
    times, weights = instance(11)
    got = best_layouts("p_median", times, weights, 2, count=2, fixed=(4,))
    expected = brute_force("p_median", times, weights, 2, fixed=(4,))
    assert [g.value for g in got] == pytest.approx([v for v, _ in expected[:2]])
    assert all(4 not in g.sites for g in got)


def test_unreachable_demand_and_too_many_sites_are_refused():
    times = np.array([[1.0, np.inf], [2.0, np.inf]])
    with pytest.raises(NoLayout, match="demand point 1 cannot be reached"):
        best_layouts("p_median", times, np.ones(2), 1)
    with pytest.raises(NoLayout, match="cannot choose 3 new site"):
        best_layouts("coverage", times, np.ones(2), 3, within=5)


SPEC = """\
name: one site among four
scenario: four.yaml
force: north
sites: 1
objective: {objective}
{within}layouts: 3
"""


@pytest.mark.parametrize("objective, within, expected", [
    # within 12 min (1 km = 1 min on the graph): a covers a, b (100 + 200); b covers a, b, c
    # (600); c covers b, c, d (900); d covers c, d (700)
    ("coverage", "within: 12min\n", [(["c"], 900), (["d"], 700), (["b"], 600)]),
    # people-minutes: a 0+2000+6000+10000 = 18000; b 1000+0+3000+6000 = 10000;
    # c 2000+2000+0+2000 = 6000; d 2500+3000+1500+0 = 7000
    ("p_median", "", [(["c"], 6000), (["d"], 7000), (["b"], 10000)]),
])
def test_four_townships_by_hand(four, objective, within, expected):  # noqa: F811
    spec = four.parent / "spec.yaml"
    spec.write_text(SPEC.format(objective=objective, within=within), encoding="utf-8")
    out = four.parent / "o.json"
    r = CliRunner().invoke(main, ["optimise", str(spec), "--json", str(out), "-q"])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert [(lay["sites"], lay["objective"]) for lay in data["layouts"]] == expected


@pytest.mark.parametrize("text, message", [
    ("force: west\n", "spec.yaml:3:8: force: no force 'west' with units"),
    ("sites: 9\n", "sites: 9 sites asked, but only 4 candidate place(s)"),
    ("candidates: [a, e]\n", "candidates[1]: no place 'e' in the region"),
    ("within: 12\n", "within"),
    ("check: {target: X, indifference: 1}\n", "check.target: no target 'X' in the scenario"),
    ("check: {target: R, indifference: 1min, first: 20, max: 10}\n", "check.max: max (10) is below first (20)"),
    ("check: {target: R, indifference: 2}\n", "check.indifference: target 'R' measures a time: give the indifference "
                                            "zone with its unit, e.g. 2min"),
    ("check: {target: R, indifference: 0min}\n", "check.indifference: "),
])
def test_bad_specs_exit_2_naming_line_and_field(four, text, message):  # noqa: F811
    base = dict(line.split(": ", 1) for line in SPEC.format(objective="coverage", within="within: 12min\n").splitlines())
    key = text.split(":")[0]
    base[key] = text.split(": ", 1)[1].strip()
    spec = four.parent / "spec.yaml"
    spec.write_text("".join(f"{k}: {v}\n" for k, v in base.items()), encoding="utf-8")
    r = CliRunner().invoke(main, ["optimise", str(spec)])
    assert r.exit_code == 2 and message in r.output, r.output


def test_validate_knows_an_optimise_spec():
    from tests.conftest import SCENARIOS

    r = CliRunner().invoke(main, ["validate", str(SCENARIOS / "optimise" / "flood_2020_water_rescue.yaml")])
    assert r.exit_code == 0, r.output
    assert "valid optimise spec — 2 site(s) for water_rescue among 21 candidates" in r.output


def test_the_indifference_zone_is_read_as_the_target_measures(host):
    """δ in the unit the procedure compares: a time with its unit in the target's display
    unit (30min is 0.5 for a target shown in hours), a share for pass_rate (5% is 0.05), a
    plain number for a count; a bare number for a time and a unit for a count refused."""
    from types import SimpleNamespace

    from drillsim.planning.optimise import indifference

    def target(quantity, unit, scale):
        return SimpleNamespace(id="X", unit=unit, metric=SimpleNamespace(quantity=quantity),
                               display=lambda v: v / scale)

    assert indifference("2min", target("time", "min", 1.0), "mean") == 2.0
    assert indifference("30min", target("time", "h", 60.0), "mean") == 0.5
    assert indifference("5%", target("time", "min", 1.0), "pass_rate") == pytest.approx(0.05)
    assert indifference("5%", target("share", "%", 0.01), "mean") == pytest.approx(5.0)
    assert indifference(3, target("count", "", 1.0), "mean") == 3.0
    with pytest.raises(ValueError, match="measures a time: give the indifference zone with its unit, e.g. 2h"):
        indifference(2, target("time", "h", 60.0), "mean")
    with pytest.raises(ValueError, match="counts count: give the indifference zone as a plain number"):
        indifference("3min", target("count", "", 1.0), "mean")
