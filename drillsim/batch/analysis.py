"""Compare a batch's variants from its stored per-replication values.

For each variant and scorecard row: the mean over replications with its 95 % t-interval,
the pass rate (share of replications meeting the threshold) with its 95 % Wilson
interval, and the status, exactly as :func:`drillsim.scoring.scorecard.build` would give
for that variant alone. Against the baseline: the **paired** difference — replication
*r* of a variant minus replication *r* of the baseline, which saw the same random
streams under common random numbers — with its t-interval, and whether that interval
excludes 0 (Law, *Simulation Modeling and Analysis*, 5th ed., §10.2.1, the paired-t
confidence interval). With k variants there are k − 1 such comparisons of each row, and
k − 1 intervals each at 95 % hold together less often than 95 % of the time; so each is
made at 1 − 0.05/(k − 1), and by the Bonferroni inequality all k − 1 of a row hold
together with probability at least 95 % (Law 5th ed., §10.3.1 "comparisons with a
standard", the Bonferroni inequality of §9.7). ``Paired.ci95`` is that simultaneous
interval and ``significant`` says whether it excludes 0; two variants make one
comparison, a plain 95 % interval.

Without common random numbers (``common_random_numbers: false``: every variant its own
seed) replication *r* of a variant has nothing to do with replication *r* of the
baseline, and the difference is Welch's (Law 5th ed., §10.2.2, the modified two-sample-t
interval): the means of all measured replications of each, with the approximate degrees
of freedom f̂ = (s₁²/n₁ + s₂²/n₂)² / [(s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)]; it uses
replications the other did not measure, which pairing would drop.

A row's **verdict** says what the replications show, not only the point estimate:
``PASS`` when the lower end of the pass rate's 95 % Wilson interval reaches the required
pass rate, ``FAIL`` when its upper end is below it, otherwise ``pass, not yet
significant`` or ``fail, not yet significant`` by the point estimate (more replications
would decide it). A row whose value is the same in every replication, two or more (a
stock held, a deterministic lead time), is decided by that value. A required rate of 100 % can never be
shown by sampling: every other pass there is "not yet significant". ``status`` stays the point-estimate result
:func:`drillsim.scoring.scorecard.build` gives.

A row whose replications the run's end left open (a fire still burning at the horizon
against "contained within 24 h") and that they decide either way is ``not judged``
(:func:`drillsim.scoring.bounds.row_status`), whatever the verdict.

A row **differs between variants** when some replication's value (or whether it met
the threshold) is not the same in every variant; under common random numbers a row that
no factor touches is identical in every variant, and the comparison need not repeat it.

Variants are ranked by the sweep's objective; the Pareto front is the set of variants
with a cost that no other variant beats on both cost and objective (no other is at
most as costly and at least as good, and strictly better in one), on point estimates.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Sequence

from drillsim.batch.store import Failure, Store, StoredTarget, StoredVariant
from drillsim.batch.sweep import Objective
from drillsim.scoring.bounds import row_status
from drillsim.scoring.stats import bounded, mean_ci, sample_std, wilson


@dataclass(frozen=True)
class Paired:
    """A difference (variant − baseline): paired over ``n`` common replications
    (``method`` ``"paired-t"``), or of the two means (``"Welch"``, ``n`` the smaller
    number of values).

    ``ci95`` is simultaneous 95 % over the ``comparisons`` made with the baseline
    (Bonferroni: each interval at ``level`` = 1 − 0.05/comparisons); ``significant``:
    it excludes 0 (None below two pairs)."""

    n: int
    mean: float
    ci95: tuple[float, float] | None
    significant: bool | None
    comparisons: int = 1
    level: float = 0.95
    #: ``"paired-t"`` (common random numbers) or ``"Welch"`` (independent streams)
    method: str = "paired-t"


@dataclass
class RowStats:
    """One scorecard row of one variant, over its replications.

    ``values`` maps replication index to the value (None: nothing measured) and
    ``met`` to whether it met the threshold (None: nothing measured, no threshold, or
    the run's end left it open: :func:`drillsim.scoring.scorecard.judge`).
    """

    target: StoredTarget
    values: dict[int, float | None]
    met: dict[int, bool | None]
    n: int = 0
    mean: float | None = None
    ci95: tuple[float, float] | None = None
    passes: int | None = None
    pass_rate: float | None = None
    pass_rate_ci95: tuple[float, float] | None = None
    status: str = "not measured"
    diff: Paired | None = None
    #: ``PASS``, ``pass, not yet significant``, ``FAIL``, ``fail, not yet significant``,
    #: ``info``, ``not measured`` or ``not judged`` (see the module text)
    verdict: str = "not measured"
    #: measured replications whose meeting the goal the run's end left open
    not_judged: int = 0


@dataclass
class VariantStats:
    """One variant: its rows, objective, rank and place on the Pareto front, and its
    failed replications (left out of every statistic)."""

    variant: StoredVariant
    replications: list[int]
    rows: dict[str, RowStats]
    failures: list[Failure] = field(default_factory=list)
    objective_values: dict[int, float] = field(default_factory=dict)
    objective: float | None = None
    objective_ci95: tuple[float, float] | None = None
    objective_diff: Paired | None = None
    rank: int = 0
    pareto: bool | None = None


@dataclass
class Comparison:
    """Everything ``drillsim results`` shows: variants in rank order."""

    meta: dict[str, str]
    objective: Objective
    variants: list[VariantStats]
    baseline: int
    row_ids: list[str]
    expected: int
    done: int
    #: failed replications (recorded in the database, in no statistic)
    failed: int = 0

    @property
    def cost_unit(self) -> str:
        return self.meta.get("cost_unit", "")

    @property
    def paired(self) -> bool:
        """Whether differences are paired by replication (common random numbers), else
        Welch's (:func:`welch_difference`)."""
        return self.meta.get("common_random_numbers") != "false"

    @property
    def comparisons(self) -> int:
        """How many variants are compared with the baseline (k − 1; at least 1): the
        Bonferroni divisor of the paired intervals (:func:`paired_difference`)."""
        return max(1, len(self.variants) - 1)

    def by_index(self) -> dict[int, VariantStats]:
        return {v.variant.index: v for v in self.variants}


def bonferroni_level(level: float, comparisons: int) -> float:
    """The level of each of ``comparisons`` intervals that hold together with probability
    at least ``level``: 1 − (1 − level)/comparisons (the Bonferroni inequality, Law,
    *Simulation Modeling and Analysis*, 5th ed., §9.7 and §10.3.1).

    :raises ValueError: fewer than one comparison.
    """
    if comparisons < 1:
        raise ValueError(f"{comparisons} comparisons: at least one is needed")
    return level if comparisons == 1 else 1 - (1 - level) / comparisons


def paired_difference(a: dict[int, float | None], b: dict[int, float | None],
                      level: float = 0.95, comparisons: int = 1) -> Paired | None:
    """Mean of ``a[r] − b[r]`` over replications both measured, with its paired-t
    interval (Law 5th ed., §10.2.1: t with n − 1 degrees of freedom), made at
    :func:`bonferroni_level` so that it is one of ``comparisons`` intervals holding
    together at ``level``; significant when the interval excludes 0 (None below two
    pairs). None when no replication has both values."""
    diffs = [a[r] - b[r] for r in sorted(set(a) & set(b)) if a[r] is not None and b[r] is not None]
    if not diffs:
        return None
    each = bonferroni_level(level, comparisons)
    mean, ci = mean_ci(diffs, each)
    significant = None if ci is None else (ci[0] > 0 or ci[1] < 0)
    return Paired(len(diffs), mean, ci, significant, comparisons, each)


def welch_difference(a: dict[int, float | None], b: dict[int, float | None],
                     level: float = 0.95, comparisons: int = 1) -> Paired | None:
    """Mean of ``a``'s measured values minus mean of ``b``'s, with Welch's approximate
    t-interval (Law, *Simulation Modeling and Analysis*, 5th ed., §10.2.2, f̂ degrees of
    freedom, module text) at :func:`bonferroni_level`; for independent streams, where
    replication r of one has nothing to do with replication r of the other. ``n`` is the
    smaller number measured. No interval below two values on either side; both without
    spread: the difference of the two values, zero width. None when either has none."""
    x = [v for v in a.values() if v is not None]
    y = [v for v in b.values() if v is not None]
    if not x or not y:
        return None
    each = bonferroni_level(level, comparisons)
    mx, cx = mean_ci(x)
    my, cy = mean_ci(y)
    diff = mx - my
    if cx is None or cy is None:
        return Paired(min(len(x), len(y)), diff, None, None, comparisons, each, "Welch")
    n1, n2 = len(x), len(y)
    # the standard errors of the two means, and f̂ from their shares of the whole (the
    # same formula, written so that values beyond 1e154 do not overflow a square)
    se1, se2 = sample_std(x) / math.sqrt(n1), sample_std(y) / math.sqrt(n2)
    se = math.hypot(se1, se2)
    if se == 0:
        ci = (diff, diff)
    elif not math.isfinite(se):
        ci = (-math.inf, math.inf)
    else:
        w1, w2 = (se1 / se) ** 2, (se2 / se) ** 2
        df = 1.0 / (w1 * w1 / (n1 - 1) + w2 * w2 / (n2 - 1))
        from scipy.special import stdtrit  # real degrees of freedom

        half = float(stdtrit(df, 0.5 + each / 2)) * se
        ci = (diff - half, diff + half)
    return Paired(min(n1, n2), diff, ci, ci[0] > 0 or ci[1] < 0, comparisons, each, "Welch")


def pareto_front(points: Sequence[tuple[float, float]], maximize: bool) -> set[int]:
    """Indices of the points (cost, objective) that no other point dominates: no other
    has cost ≤ and objective at least as good, with one of the two strictly better."""
    def better_eq(x: float, y: float) -> bool:
        return x >= y if maximize else x <= y

    front = set()
    for i, (ci, oi) in enumerate(points):
        dominated = any(
            cj <= ci and better_eq(oj, oi) and (cj < ci or oj != oi)
            for j, (cj, oj) in enumerate(points) if j != i)
        if not dominated:
            front.add(i)
    return front


def _row_target(parent: StoredTarget, row_id: str) -> StoredTarget:
    if row_id == parent.id:
        return parent
    label = row_id.split("/", 1)[1]
    return replace(parent, id=row_id, title=f"{parent.title}: {label}")


def _summarise(row: RowStats) -> None:
    t = row.target
    measured = [v for v in row.values.values() if v is not None]
    row.n = len(measured)
    if measured:
        row.mean, row.ci95 = mean_ci(measured)
        row.ci95 = bounded(row.ci95, t.floor, t.ceiling)
    if t.comparison is None:
        row.status = row.verdict = "info" if measured else "not measured"
        return
    if not measured:
        row.status = row.verdict = "not measured"
        return
    row.passes = sum(1 for r, v in row.values.items() if v is not None and row.met.get(r))
    row.not_judged = sum(1 for r, v in row.values.items() if t.left_open(v, row.met.get(r)))
    row.pass_rate = row.passes / row.n
    row.pass_rate_ci95 = wilson(row.passes, row.n)
    row.status = row_status(row.passes, row.not_judged, row.n, t.required_pass_rate)[0]
    # the same value in two or more replications: nothing random decides it; one
    # replication shows no such thing (its Wilson interval decides, as any row's)
    constant = row.n >= 2 and len(set(measured)) == 1 and len(set(row.met.values()) - {None}) == 1
    row.verdict = verdict(row.status, row.pass_rate_ci95, t.required_pass_rate, constant)


def verdict(status: str, ci: tuple[float, float] | None, required: float,
            constant: bool = False) -> str:
    """The verdict of a row with point-estimate ``status`` (``pass``/``fail``), the 95 %
    Wilson interval ``ci`` of its pass rate and the ``required`` pass rate: ``PASS`` when
    the interval's lower end is at least the required rate, ``FAIL`` when its upper end is
    below it, else ``pass, not yet significant`` / ``fail, not yet significant``. A row
    whose value is ``constant`` (the same in every replication: nothing random decides it,
    such as a stock held) is decided by that value."""
    if status not in ("pass", "fail"):
        return status
    if constant:
        return status.upper()
    if ci is not None and ci[0] >= required - 1e-12:
        return "PASS"
    if ci is not None and ci[1] < required - 1e-12:
        return "FAIL"
    return f"{status}, not yet significant"


def differs(c: "Comparison", row_id: str) -> bool:
    """Does ``row_id`` differ between the variants of ``c`` (some replication's value or
    met/not met not the same in every variant that has the row)? A row only some
    variants have differs."""
    rows = [v.rows.get(row_id) for v in c.variants]
    if any(r is None for r in rows):
        return True
    first = rows[0]
    return any(r.values != first.values or r.met != first.met for r in rows[1:])


def _objective_values(stats: VariantStats, objective: Objective) -> dict[int, float]:
    out: dict[int, float] = {}
    for r in stats.replications:
        if objective.measure == "targets_failed":
            out[r] = float(sum(1 for row in stats.rows.values()
                               if row.target.comparison is not None and row.met.get(r) is False))
            continue
        row = stats.rows.get(objective.target)
        if row is None or row.values.get(r) is None:
            continue
        out[r] = row.values[r] if objective.measure == "mean" else float(bool(row.met.get(r)))
    return out


def analyse(store: Store) -> Comparison:
    """Summaries, paired differences, ranking and Pareto front of a batch database."""
    meta = store.meta()
    obj = json.loads(meta["objective"])
    objective = Objective(obj["measure"], obj["target"], obj["goal"])
    variants = store.variants()
    targets = store.targets()
    failures = store.failures()
    per: dict[int, dict[str, tuple[dict, dict]]] = {v.index: {} for v in variants}
    reps: dict[int, set[int]] = {v.index: set() for v in variants}
    for v, r, row_id, value, met in store.results():
        values, mets = per[v].setdefault(row_id, ({}, {}))
        values[r] = value
        mets[r] = met
        reps[v].add(r)

    stats: list[VariantStats] = []
    row_ids: list[str] = []
    for v in variants:
        rows: dict[str, RowStats] = {}
        for tid, parent in targets.get(v.index, {}).items():
            labelled = sorted(k for k in per[v.index] if k.startswith(tid + "/"))
            ids = labelled if (parent.by_label and labelled) else [tid]
            for row_id in ids:
                values, mets = per[v.index].get(row_id, ({}, {}))
                row = RowStats(_row_target(parent, row_id),
                               {r: values.get(r) for r in sorted(reps[v.index])},
                               {r: mets.get(r) for r in sorted(reps[v.index])})
                _summarise(row)
                rows[row_id] = row
                if row_id not in row_ids:
                    row_ids.append(row_id)
        vs = VariantStats(v, sorted(reps[v.index]), rows,
                          [f for f in failures if f.variant == v.index])
        vs.objective_values = _objective_values(vs, objective)
        if vs.objective_values:
            vs.objective, vs.objective_ci95 = mean_ci(list(vs.objective_values.values()))
        stats.append(vs)

    baseline = next((v.index for v in variants if v.baseline), 0)
    base = next((s for s in stats if s.variant.index == baseline), None)
    comparisons = max(1, len(stats) - 1)  # each variant but the baseline against it
    # (Comparison.comparisons); paired under common random numbers, else Welch
    paired = meta.get("common_random_numbers") != "false"  # Comparison.paired
    difference = paired_difference if paired else welch_difference
    for s in stats:
        if base is None or s is base:
            continue
        for row_id, row in s.rows.items():
            other = base.rows.get(row_id)
            if other is not None:
                row.diff = difference(row.values, other.values, comparisons=comparisons)
        s.objective_diff = difference(s.objective_values, base.objective_values,
                                      comparisons=comparisons)

    maximize = objective.goal == "maximize"

    def key(s: VariantStats):
        if s.objective is None:
            return (1, 0.0, math.inf, s.variant.index)
        return (0, -s.objective if maximize else s.objective,
                math.inf if s.variant.cost is None else s.variant.cost, s.variant.index)

    stats.sort(key=key)
    for rank, s in enumerate(stats, 1):
        s.rank = rank
    priced = [s for s in stats if s.variant.cost is not None and s.objective is not None]
    front = pareto_front([(s.variant.cost, s.objective) for s in priced], maximize)
    for i, s in enumerate(priced):
        s.pareto = i in front
    expected = int(meta.get("replications", "0")) * len(variants)
    return Comparison(meta, objective, stats, baseline, row_ids, expected, store.replication_count(),
                      len(failures))
