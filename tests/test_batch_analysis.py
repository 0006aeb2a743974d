"""Comparing variants: paired differences, the Pareto front, ranking, and common random
numbers on the shipped flood scenario."""

from __future__ import annotations

import math
import shutil
import textwrap

import pytest

from drillsim.batch.analysis import analyse, paired_difference, pareto_front
from drillsim.batch.executor import InProcessExecutor
from drillsim.batch.runner import run_batch
from drillsim.batch.store import Store
from drillsim.batch.sweep import load_sweep
from tests.conftest import SCENARIOS


def test_paired_difference_by_hand():
    a = {0: 5.0, 1: 7.0, 2: 9.0, 3: None}
    b = {0: 4.0, 1: 5.0, 2: 6.0, 3: 1.0}
    d = paired_difference(a, b)
    # differences 1, 2, 3 (replication 3 is not measured in a): mean 2, s = 1,
    # t(0.975, 2) = 4.302653 (table value), half-width 4.302653 / sqrt(3) = 2.484138
    assert d.n == 3 and d.mean == pytest.approx(2.0)
    assert d.ci95 == pytest.approx((2 - 2.484138, 2 + 2.484138), abs=1e-6)
    assert d.significant is False
    d = paired_difference({0: 3.0, 1: 3.1, 2: 2.9}, {0: 1.0, 1: 1.0, 2: 1.0})
    # differences 2.0, 2.1, 1.9: s = 0.1, half-width 4.302653 * 0.1 / sqrt(3) = 0.248414
    assert d.ci95 == pytest.approx((2.0 - 0.248414, 2.0 + 0.248414), abs=1e-6)
    assert d.significant is True
    assert paired_difference({0: 1.0}, {0: 0.0}).significant is None  # one pair: no interval
    assert paired_difference({0: None}, {0: 1.0}) is None


def test_pareto_front_by_hand():
    # (cost, objective to maximize)
    points = [(10, 0.5), (20, 0.9), (15, 0.4), (20, 0.8), (30, 0.9), (5, 0.1), (10, 0.5)]
    # (15, .4) is beaten by (10, .5); (20, .8) by (20, .9); (30, .9) by (20, .9);
    # the two (10, .5) tie and neither beats the other
    assert pareto_front(points, maximize=True) == {0, 1, 5, 6}
    # to minimize: (5, .1) beats everything costlier
    assert pareto_front(points, maximize=False) == {5}


def flood_copy(tmp_path, sweep_text):
    """The shipped scenarios in a scratch folder, with a sweep written beside them."""
    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root, ignore=shutil.ignore_patterns("sweeps"))
    (root / "sweeps").mkdir()
    path = root / "sweeps" / "s.yaml"
    path.write_text(textwrap.dedent(sweep_text), encoding="utf-8")
    return path


CRN_SWEEP = """\
name: water rescue base
scenario: ../fujiang_flood_2020.yaml
replications: 12
common_random_numbers: {crn}
# every variant gives each fire appliance a boat (the shipped scenario gives none): the
# comparison of bases is then a small change on a busy system, where common random
# numbers pay most
variants:
  - {{name: plan, set: {{forces.industrial_park_station.capabilities.boats: 1, forces.jiangbei_station.capabilities.boats: 1, forces.shuangjiang_station.capabilities.boats: 1}}}}
  - {{name: plan again, set: {{forces.industrial_park_station.capabilities.boats: 1, forces.jiangbei_station.capabilities.boats: 1, forces.shuangjiang_station.capabilities.boats: 1}}}}
  - {{name: mixin, set: {{forces.industrial_park_station.capabilities.boats: 1, forces.jiangbei_station.capabilities.boats: 1, forces.shuangjiang_station.capabilities.boats: 1, forces.water_rescue.base: mixin}}}}
objective: {{measure: mean, target: R1}}
"""


def run_in_process(path, host, tmp_path, name):
    sweep = load_sweep(path, host)
    store = Store.create(tmp_path / name, sweep, sweep.replications)
    run_batch(sweep, store, InProcessExecutor(), sweep.replications)
    comparison = analyse(store)
    store.close()
    return comparison


def test_common_random_numbers_on_the_flood(host, tmp_path):
    crn = run_in_process(flood_copy(tmp_path, CRN_SWEEP.format(crn="true")), host, tmp_path, "crn.db")
    by_name = {v.variant.name: v for v in crn.variants}
    plan, again, mixin = by_name["plan"], by_name["plan again"], by_name["mixin"]
    # two identical variants: identical values in every replication, a zero difference
    for row_id, row in plan.rows.items():
        assert again.rows[row_id].values == row.values
    d = again.rows["R1"].diff
    assert d.n == 12 and d.mean == 0 and d.ci95 == (0, 0) and d.significant is False
    # the rescue calls are the same in every variant (same stream), so R2 is too
    assert mixin.rows["R1"].values != plan.rows["R1"].values

    independent = run_in_process(flood_copy(tmp_path / "ind", CRN_SWEEP.format(crn="false")),
                                 host, tmp_path, "ind.db")
    by_name_ind = {v.variant.name: v for v in independent.variants}
    # with independent streams, even the identical variant differs replication by replication
    assert by_name_ind["plan again"].rows["R1"].values != by_name_ind["plan"].rows["R1"].values

    def half_width(d):
        return (d.ci95[1] - d.ci95[0]) / 2

    crn_diff = mixin.rows["R1"].diff
    ind_diff = by_name_ind["mixin"].rows["R1"].diff
    # the same comparison (water rescue team at Mixin minus in the city) is estimated
    # much more precisely with common random numbers
    assert half_width(crn_diff) < half_width(ind_diff)
    assert crn_diff.significant is True and crn_diff.mean < 0
    # ranking by R1 mean, lower is better: Mixin first
    assert crn.variants[0].variant.name == "mixin" and crn.objective.goal == "minimize"
    assert math.isclose(crn.variants[0].objective, mixin.rows["R1"].mean)
