"""Scorecards: targets against what was measured over replications.

For each target and replication the metric's observations are reduced by the target's
statistic to one value; the row gives the mean over replications with its 95 %
confidence interval, the 90th percentile for times, the share of replications that met
the threshold (with a Wilson interval), and whether that share reaches the required
pass rate.

The 90th percentile of a row over places (a metric with a ``label`` such as township,
reduced by ``min`` or ``max``: "the worst township") is that of the worst place's values
over replications, not of all places pooled (pooled, the best places would set it);
``worst`` names the place and ``breakdown`` gives each place's mean, interval and 90th
percentile. Any other time row's 90th percentile is of all its observations pooled
(every call of every replication); ``p90_over`` says which.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from numbers import Real
from typing import Any, Sequence

from drillsim.engine.eventlog import Event
from drillsim.errors import PASSES_THROUGH, brief
from drillsim.engine.simulation import PluginFailed
from drillsim.scoring.bounds import ends, is_bound, row_status
from drillsim.scoring.metrics import KindIndex, MetricContext
from drillsim.scoring.stats import bounded, mean_ci, percentile, reduce, wilson

COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}

#: Relative tolerance within which a value equals its threshold (times are sums of
#: floating-point minutes: 0.1 + 0.2 must meet a 0.3 limit). 1e-9 of 2 h is 7 µs.
TOLERANCE = 1e-9


def meets(value: float, comparison: str, threshold: float) -> bool:
    """Whether ``value`` meets ``comparison threshold`` (``<=``, ``<``, ``>=``, ``>``),
    a value within :data:`TOLERANCE` × max(1, |threshold|) of the threshold counting as
    equal to it: it meets ``<=`` and ``>=``, not ``<`` or ``>``.

    :raises KeyError: an unknown comparison.
    """
    slack = TOLERANCE * max(1.0, abs(threshold))
    if abs(value - threshold) <= slack:
        return comparison in ("<=", ">=")
    return COMPARE[comparison](value, threshold)


def judge(values: Sequence[float], statistic: str, comparison: str | None,
          threshold: float | None) -> tuple[float | None, bool | None]:
    """One replication's value (``statistic`` of its observations ``values``; None when
    there is nothing to measure) and whether it meets ``comparison threshold``: True,
    False, or None when there is no comparison, nothing measured, or the run's end cut
    off an observation (:class:`~drillsim.scoring.bounds.AtLeast`/``AtMost``) whose true
    value could meet the goal or miss it (a fire still burning at a 1 h horizon against
    "contained within 24 h"). Judged exactly when the least and the greatest value the
    replication could truly have agree (:mod:`drillsim.scoring.bounds`)."""
    value = reduce(values, statistic)
    if value is None or comparison is None:
        return value, None
    met = meets(value, comparison, threshold)
    if statistic == "count" or not any(is_bound(v) for v in values):
        return value, met
    low, high = ends(list(values))
    at_low = meets(reduce(low, statistic), comparison, threshold)
    at_high = meets(reduce(high, statistic), comparison, threshold)
    return value, (at_low if at_low == at_high else None)


def cut_off_label(observations: Sequence[tuple[str, float]]) -> str | None:
    """The label of the first observation the run's end cut off (a bound), else None."""
    return next((label for label, v in observations if is_bound(v)), None)


@dataclass
class Row:
    """One scorecard row. Values are in the row's display ``unit``.

    ``status``: ``pass``, ``fail``, ``info`` (no threshold), ``not measured`` (no
    replication had anything to measure) or ``not judged`` (replications whose run
    ended before their value was known, ``not_judged`` of them, decide the row either
    way: it would pass if they met the goal and fail if they did not; ``cut_off`` names
    one of their observations, ``baolong_fire (not contained)``, or any observation the
    run's end cut off in a row it did not leave open). ``pass_rate`` is the
    share of measured replications judged to meet the goal.
    """

    id: str
    title: str
    section: str | None
    metric: str
    description: str
    unit: str
    statistic: str
    comparison: str | None
    threshold: float | None
    n: int
    mean: float | None
    ci95: tuple[float, float] | None
    p90: float | None
    pass_rate: float | None
    pass_rate_ci95: tuple[float, float] | None
    required_pass_rate: float
    passed: bool | None
    status: str
    values: list[float | None]
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None
    note: str | None = None
    #: why the row cannot pass in this scenario, as the scenario states it (or None)
    fails_by_design: str | None = None
    #: the place (observation label) that decides a min/max row over places, else None
    worst: str | None = None
    #: what ``p90`` is taken over: ``"all observations"`` or ``"replications at <label>"``
    p90_over: str | None = None
    #: replications with a value whose meeting the goal the run's end left open
    not_judged: int = 0
    #: the label of one observation the run's end cut off (a bound: ``oldtown_fire-1 (not
    #: reached)``), in a replication not judged if there is one; None: nothing cut off
    cut_off: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "section": self.section, "metric": self.metric,
            "description": self.description, "unit": self.unit, "statistic": self.statistic,
            "comparison": self.comparison, "threshold": self.threshold, "n": self.n,
            "mean": self.mean, "ci95": list(self.ci95) if self.ci95 else None, "p90": self.p90,
            "pass_rate": self.pass_rate,
            "pass_rate_ci95": list(self.pass_rate_ci95) if self.pass_rate_ci95 else None,
            "required_pass_rate": self.required_pass_rate, "passed": self.passed,
            "status": self.status, "values": self.values, "breakdown": self.breakdown,
            "source": self.source, "note": self.note, "fails_by_design": self.fails_by_design,
            "worst": self.worst,
            "p90_over": self.p90_over,
            "not_judged": self.not_judged, "cut_off": self.cut_off,
        }


def metric_context(scenario) -> MetricContext:
    """The :class:`MetricContext` of a resolved scenario."""
    return MetricContext(
        horizon=scenario.horizon,
        warm_up=scenario.warm_up,
        force_units={f.id: [u.id for u in f.units] for f in scenario.forces},
        force_types={f.id: f.unit_type.name for f in scenario.forces},
        unit_capabilities={u.id: u.capabilities for f in scenario.forces for u in f.units},
        unit_areas={u.id: scenario.region.place(u.base).township
                    for f in scenario.forces for u in f.units},
    )


def observe(scenario, events: Sequence[Event]) -> dict[str, list[tuple[str, float]]]:
    """Every target's observations in one replication's log: ``{target id: [(label, v)]}``
    (internal units)."""
    ctx = metric_context(scenario)
    if not isinstance(events, (list, tuple)):
        events = list(events)  # a kept log builds its events on reading: read it once
    ctx.index = KindIndex(events)  # each metric reads only the kinds it needs
    ended = ctx.index.of(("run_ended",))
    if ended and ended[-1].t < ctx.horizon:
        # a drill ended before the horizon: the run lasted to its end, and what was still
        # open then counts to it (not to a horizon nobody played to)
        ctx.horizon = ended[-1].t
    return {t.id: measure(t, events, ctx) for t in scenario.targets}


def measure(target, events, ctx: MetricContext) -> list[tuple[str, float]]:
    """One target's observations in one replication: its metric's ``compute``.

    A third-party plugin's answer (``target.checked``) must be a list of ``(label,
    value)`` pairs, each label a string and each value a finite number.

    :raises PluginFailed: the metric raised, or answered something else, naming the
        plugin, the metric and the target (the command line's exit status 1).
    """
    try:
        observations = target.metric.compute(events, ctx, target.params)
    except PASSES_THROUGH:
        raise
    except BaseException as exc:  # sys.exit() in a plugin too
        raise PluginFailed(f"plugin {target.plugin!r} failed in metric {target.metric.name!r} "
                           f"(target {target.id}): {type(exc).__name__}: {exc}") from exc
    if target.checked:
        fault = observation_fault(observations, target.metric.quantity)
        if fault is not None:
            raise PluginFailed(f"plugin {target.plugin!r}: metric {target.metric.name!r} (target "
                               f"{target.id}) returned {fault}; compute(events, context, params) "
                               "returns a list of (label, value) pairs, each value a finite "
                               "number (minutes for times, 0-1 for shares)")
    return observations


def observation_fault(observations: Any, quantity: str | None = None) -> str | None:
    """What is wrong with a metric's answer (``"the observation ('x', None)"``), or None
    when it is a list (or tuple) of ``(str, finite real number)`` pairs, each between 0
    and 1 for a ``share`` ``quantity``."""
    if not isinstance(observations, (list, tuple)):
        return f"{brief(observations)} instead of a list"
    for pair in observations:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            return f"the observation {brief(pair)}, not a (label, value) pair"
        label, value = pair
        if not isinstance(label, str):
            return f"the observation {brief(pair)}, whose label is not a string"
        if not isinstance(value, Real) or not math.isfinite(value):
            return f"the observation {brief(pair)}, whose value is not a finite number"
        if quantity == "share" and not 0 <= value <= 1:
            return (f"the observation {brief(pair)}, a share outside 0-1 (a share of 50 % is "
                    "0.5)")
    return None




def _bounded(target, mean: float, ci):
    """The interval cut at the metric's bounds (see :func:`~drillsim.scoring.stats.bounded`)."""
    metric = target.metric
    return mean, bounded(ci, metric.floor, 1.0 if metric.quantity == "share" else None)


def _row(target, rid: str, title: str, per_rep: list[list[tuple[str, float]]]) -> Row:
    judged = [judge([v for _, v in obs], target.statistic, target.comparison, target.threshold)
              for obs in per_rep]
    values = [v for v, _ in judged]
    measured = [v for v in values if v is not None]
    pooled = [v for obs in per_rep for _, v in obs]
    mean = ci = p90 = None
    if measured:
        mean, ci = _bounded(target, *mean_ci(measured))
    if pooled and target.metric.quantity == "time":
        p90 = percentile(pooled, 90)
    passed = pass_rate = rate_ci = None
    open_ = 0
    cut = None
    if target.comparison is None:
        status = "info" if measured else "not measured"
    elif not measured:
        status = "not measured"
    else:
        passes = sum(1 for v, met in judged if met)
        open_ = sum(1 for v, met in judged if v is not None and met is None)
        pass_rate = passes / len(measured)
        rate_ci = wilson(passes, len(measured))
        status, passed = row_status(passes, open_, len(measured), target.required_pass_rate)
        if open_:
            cut = next(cut_off_label(obs) for obs, (v, met) in zip(per_rep, judged)
                       if v is not None and met is None)
    if cut is None:  # else the first observation cut off, whatever the verdict
        cut = next((label for obs in per_rep if (label := cut_off_label(obs)) is not None), None)
    d = target.display
    return Row(
        rid, title, target.section, target.metric.name, target.metric.description, target.unit,
        target.statistic, target.comparison, d(target.threshold), len(measured), d(mean),
        (d(ci[0]), d(ci[1])) if ci else None, d(p90), pass_rate, rate_ci,
        target.required_pass_rate, passed, status, [d(v) for v in values],
        source=target.source, note=target.note, fails_by_design=getattr(target, "fails_by_design", None),
        p90_over="all observations" if p90 is not None else None, not_judged=open_, cut_off=cut)


def _by_label(obs: list[tuple[str, float]]) -> dict[str, list[float]]:
    """One replication's observations grouped by label: ``{label: [values in order]}``
    (labels in the order they first come)."""
    by: dict[str, list[float]] = {}
    for label, v in obs:
        values = by.get(label)
        if values is None:
            by[label] = [v]
        else:
            values.append(v)
    return by


def _breakdown(target, per_rep: list[list[tuple[str, float]]]) -> list[dict[str, Any]]:
    grouped = [_by_label(obs) for obs in per_rep]
    labels: dict[str, None] = {}  # in the order they first come, replication by replication
    for by in grouped:
        labels.update(dict.fromkeys(by))
    out = []
    for label in labels:
        judged = [judge(by.get(label, ()), target.statistic, target.comparison, target.threshold)
                  for by in grouped]
        measured = [v for v, _ in judged if v is not None]
        mean, ci = _bounded(target, *mean_ci(measured))
        entry = {"label": label, "n": len(measured), "mean": target.display(mean),
                 "ci95": [target.display(ci[0]), target.display(ci[1])] if ci else None}
        if target.metric.quantity == "time":
            entry["p90"] = target.display(percentile(measured, 90))
        if target.comparison is not None and target.statistic in ("min", "max"):
            # only for min/max does each label's value compare with the threshold itself
            # (the share judged to meet it: a value the run's end left open does not)
            entry["pass_rate"] = sum(1 for _, met in judged if met) / len(measured)
        out.append(entry)
    return out


def _worst_place(target, row: Row) -> None:
    """For a ``min``/``max`` row over places: name the place with the worst mean (lowest
    for ``min``, highest for ``max``) and take the row's 90th percentile from that place's
    values over replications (see the module docstring)."""
    if target.statistic not in ("min", "max") or not row.breakdown:
        return
    pick = min if target.statistic == "min" else max
    worst = pick((b for b in row.breakdown if b["mean"] is not None), key=lambda b: b["mean"],
                 default=None)
    if worst is None:
        return
    row.worst = worst["label"]
    if "p90" in worst:
        row.p90, row.p90_over = worst["p90"], f"replications at {worst['label']}"


def build(scenario, observations: list[dict[str, list[tuple[str, float]]]]) -> list[Row]:
    """Scorecard rows from each replication's observations (from :func:`observe`)."""
    rows = []
    for target in scenario.targets:
        per_rep = [obs[target.id] for obs in observations]
        if target.by_label:
            grouped = [_by_label(obs) for obs in per_rep]
            labels = sorted({label for by in grouped for label in by})
            for label in labels:
                only = [[(label, v) for v in by.get(label, ())] for by in grouped]
                rows.append(_row(target, f"{target.id}/{label}", f"{target.title}: {label}", only))
            if not labels:
                rows.append(_row(target, target.id, target.title, per_rep))
            continue
        row = _row(target, target.id, target.title, per_rep)
        if target.metric.label:
            row.breakdown = _breakdown(target, per_rep)
            _worst_place(target, row)
        rows.append(row)
    return rows


def finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
