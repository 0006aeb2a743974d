"""Queueing measures of dispatch, computed from an event log alone.

These are the quantities queueing theory predicts for a response system — how long a
call waits for its first unit, how likely it is to wait at all, how many calls wait on
average, how many are lost when no queue is allowed, how busy each unit is and how often
a call is answered from outside its own area — so a scenario can be checked against
Erlang B, Erlang C and Larson's hypercube model (``tests/test_queueing_theory.py``), and
a plan can be scored on them.

Each metric reads the log in one pass and keeps only what is still open (waiting
incidents, committed units), so it can score a log streamed back from a JSON Lines file
(:func:`drillsim.scoring.stream.observe_jsonl`) without holding it in memory.

Definitions (times in minutes; the *measured period* is ``[warm_up, horizon]``):

- *wait*: call (``incident_created``) → first ``unit_dispatched`` to it. A call still
  waiting at the end of the run is censored at the horizon (its value is a lower bound).
  Calls lost (``incident_lost``) never wait and are not counted.
- *queue length*: the number of calls waiting for their first unit, averaged over the
  measured period (a time average, the ``L_q`` of queueing theory).
- *lost*: a call that found no free unit when no queue was allowed (``incident_lost``).
- *workload* of a unit: the share of the measured period it was committed, from
  ``unit_dispatched`` to ``unit_cleared`` or ``unit_released`` (Larson's ``ρ_n``).
- *out of area*: a call whose first unit is based in another township than the call's
  (Larson's *interdistrict* dispatch).
"""

from __future__ import annotations

from typing import Iterable, Iterator

from drillsim.engine.eventlog import Event
from drillsim.host.registry import Metric
from drillsim.scenario.validation import Strict
from drillsim.scoring.bounds import AtLeast
from drillsim.scoring.metrics import ForceParams, MetricContext, Observations


class CallParams(Strict):
    """Which calls count: incident ``kinds`` (None: all)."""

    kinds: list[str] | None = None
    """Incident kinds counted (default: all)."""


def _waits(events: Iterable[Event], ctx: MetricContext,
           kinds: set[str] | None) -> Iterator[tuple[str, float, bool]]:
    """``(incident, wait, censored)`` for each call made in the measured period and not
    lost, in the order the waits end (dispatch, or the end of the run)."""
    waiting: dict[str, float] = {}
    for e in events:
        k = e.kind
        if k == "incident_created":
            if e.t >= ctx.warm_up and (kinds is None or e.details.get("kind") in kinds):
                waiting[e.incident] = e.t
        elif k == "unit_dispatched":
            called = waiting.pop(e.incident, None)
            if called is not None:
                yield e.incident, e.t - called, False
        elif k == "incident_lost":
            waiting.pop(e.incident, None)
    for incident, called in waiting.items():
        yield incident, max(0.0, ctx.horizon - called), True


def wait_times(events: Iterable[Event], ctx: MetricContext, params: CallParams) -> Observations:
    """Per call (made at or after the warm-up, not lost): minutes from the call to its
    first dispatch. Reads ``incident_created``, ``unit_dispatched``, ``incident_lost``;
    a call never dispatched counts as waiting until the end of the run."""
    kinds = set(params.kinds) if params.kinds else None
    return [(inc, wait) if not censored else (f"{inc} (waiting at end)", AtLeast(wait))
            for inc, wait, censored in _waits(events, ctx, kinds)]


def wait_probability(events: Iterable[Event], ctx: MetricContext, params: CallParams) -> Observations:
    """Per call (made at or after the warm-up, not lost): 1 if it waited for its first
    unit (dispatch later than the call, or never), else 0; the ``mean`` is the
    probability of waiting (Erlang C for an M/M/c system)."""
    kinds = set(params.kinds) if params.kinds else None
    return [(inc, 1.0 if (censored or wait > 0.0) else 0.0)
            for inc, wait, censored in _waits(events, ctx, kinds)]


def queue_length(events: Iterable[Event], ctx: MetricContext, params: CallParams) -> Observations:
    """One observation per run: the time-average number of calls waiting for their first
    unit over ``[warm_up, horizon]``. Calls made before the warm-up count while they wait
    inside the period. Reads ``incident_created``, ``unit_dispatched``,
    ``incident_lost``. No observation if the period is empty."""
    start, end = ctx.warm_up, ctx.horizon
    if not end > start:
        return []
    kinds = set(params.kinds) if params.kinds else None
    waiting: set[str] = set()
    area = 0.0
    last = start

    def advance(t: float) -> None:
        nonlocal area, last
        t = min(max(t, start), end)
        if t > last:
            area += len(waiting) * (t - last)
            last = t

    for e in events:
        k = e.kind
        if k == "incident_created":
            if kinds is None or e.details.get("kind") in kinds:
                advance(e.t)
                waiting.add(e.incident)
        elif k == "unit_dispatched" or k == "incident_lost":
            if e.incident in waiting:
                advance(e.t)
                waiting.discard(e.incident)
    advance(end)
    return [("queue", area / (end - start))]


def lost_calls(events: Iterable[Event], ctx: MetricContext, params: CallParams) -> Observations:
    """Per call made at or after the warm-up: 1 if it was lost (``incident_lost``: no
    queue allowed and no free unit), else 0; the ``mean`` is the share lost (Erlang B
    for an M/M/c/c loss system)."""
    kinds = set(params.kinds) if params.kinds else None
    out: Observations = []
    index: dict[str, int] = {}
    for e in events:
        if e.kind == "incident_created":
            if e.t >= ctx.warm_up and (kinds is None or e.details.get("kind") in kinds):
                index[e.incident] = len(out)
                out.append((e.incident, 0.0))
        elif e.kind == "incident_lost":
            i = index.pop(e.incident, None)
            if i is not None:
                out[i] = (e.incident, 1.0)
        elif e.kind == "unit_dispatched":
            index.pop(e.incident, None)  # served: it can no longer be lost
    return out


def unit_workload(events: Iterable[Event], ctx: MetricContext, params: ForceParams) -> Observations:
    """Per unit (of ``forces``; with ``capability``, only units that have it): the share
    of ``[warm_up, horizon]`` it was committed, ``unit_dispatched`` → ``unit_cleared``
    or ``unit_released``. A unit never dispatched scores 0."""
    start, end = ctx.warm_up, ctx.horizon
    if not end > start:
        return []
    forces = params.forces or sorted(ctx.force_units)
    units = [u for f in forces for u in ctx.force_units.get(f, [])
             if params.capability is None
             or ctx.unit_capabilities.get(u, {}).get(params.capability, 0) > 0]
    busy_since: dict[str, float] = {}
    busy = dict.fromkeys(units, 0.0)
    for e in events:
        k = e.kind
        if k == "unit_dispatched":
            if e.unit in busy and e.unit not in busy_since:
                busy_since[e.unit] = e.t
        elif k == "unit_cleared" or k == "unit_released":
            since = busy_since.pop(e.unit, None)
            if since is not None:
                busy[e.unit] += max(0.0, min(e.t, end) - max(since, start))
    for unit, since in busy_since.items():
        busy[unit] += max(0.0, end - max(since, start))
    return [(u, busy[u] / (end - start)) for u in units]


def out_of_area(events: Iterable[Event], ctx: MetricContext, params: CallParams) -> Observations:
    """Per call made at or after the warm-up that got a unit: 1 if its first unit is
    based in another township than the call (an *interdistrict* dispatch), else 0;
    labelled by the call's township. Reads ``incident_created`` (``township``) and
    ``unit_dispatched``; unit home areas come from the scenario (the context)."""
    kinds = set(params.kinds) if params.kinds else None
    area_of: dict[str, str | None] = {}
    out: Observations = []
    for e in events:
        if e.kind == "incident_created":
            if e.t >= ctx.warm_up and (kinds is None or e.details.get("kind") in kinds):
                area_of[e.incident] = e.details.get("township")
        elif e.kind == "unit_dispatched" and e.incident in area_of:
            area = area_of.pop(e.incident)
            home = ctx.unit_areas.get(e.unit)
            out.append((str(area), 0.0 if home == area else 1.0))
        elif e.kind == "incident_lost":
            area_of.pop(e.incident, None)
    return out


QUEUEING_METRICS = [
    # a wait is never negative: its interval is cut at 0 as a queue length's is (the t
    # interval of a few replications' mean wait reached below 0 min in the reports)
    Metric("wait_time", "time", "time from call to first dispatch (waiting for a free unit)",
           wait_times, "mean", CallParams, minimum=0.0),
    Metric("wait_probability", "share", "share of calls that waited for a free unit",
           wait_probability, "mean", CallParams),
    Metric("queue_length", "count", "time-average number of calls waiting for a unit",
           queue_length, "mean", CallParams),
    Metric("lost_calls", "share", "share of calls lost because no unit was free (no queue)",
           lost_calls, "mean", CallParams),
    Metric("unit_workload", "share", "share of the run each unit was committed",
           unit_workload, "mean", ForceParams, "unit"),
    Metric("out_of_area_dispatch", "share",
           "share of calls whose first unit came from outside the call's township",
           out_of_area, "mean", CallParams, "township"),
]
