"""The core metrics: measures computed from an event log alone.

Each metric turns one replication's events into observations ``(label, value)``; the
scorecard reduces them per replication with a statistic and compares with the target.
Times are minutes. The events each metric reads (the *event contract* hazards and forces
must honour) are given in its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence


from drillsim.engine.eventlog import Event
from drillsim.host.registry import Metric
from drillsim.scoring.bounds import AtLeast, AtMost
from drillsim.scenario.quantities import Duration
from drillsim.scenario.validation import Strict


@dataclass
class MetricContext:
    """What a metric may know besides the log.

    :ivar horizon: minutes the run lasted.
    :ivar force_units: ``{force_id: [unit ids]}``.
    :ivar force_types: ``{force_id: unit type name}``.
    :ivar unit_capabilities: ``{unit_id: {capability: amount}}``.
    :ivar warm_up: minutes at the start whose incidents are not measured.
    :ivar unit_areas: ``{unit_id: township id of its base}`` (its home area).
    :ivar index: the log's events by kind (:class:`KindIndex`), when whoever scores it
        built one (:func:`drillsim.scoring.scorecard.observe`, for the 20-odd metrics a
        scenario's targets read from each replication's log); None: metrics read the
        whole log.
    """

    horizon: float
    warm_up: float = 0.0
    force_units: dict[str, list[str]] = field(default_factory=dict)
    force_types: dict[str, str] = field(default_factory=dict)
    unit_capabilities: dict[str, dict[str, float]] = field(default_factory=dict)
    unit_areas: dict[str, str | None] = field(default_factory=dict)
    index: KindIndex | None = field(default=None, repr=False, compare=False)


class KindIndex:
    """One log's events grouped by kind, in one pass: each metric reads a few kinds of a
    log (a flood replication's has ~450 events of ~40 kinds), so reading only those
    instead of every event is most of what scoring a log costs.

    :param events: the log (a list, not changed while the index is used).
    """

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events
        self.size = len(events)
        at: dict[str, list[int]] = {}
        for i, e in enumerate(events):
            where = at.get(e.kind)
            if where is None:
                at[e.kind] = [i]
            else:
                where.append(i)
        self._at = at
        self._of: dict[tuple[str, ...], list[Event]] = {}
        #: what one metric computed that another reads too (:func:`_commitment`'s series)
        self.shared: dict = {}

    def of(self, kinds: tuple[str, ...]) -> list[Event]:
        """The events of ``kinds``, in log order (made once per tuple of kinds)."""
        got = self._of.get(kinds)
        if got is None:
            at = self._at
            where = [i for k in dict.fromkeys(kinds) for i in at.get(k, ())]
            if len(kinds) > 1:
                where.sort()
            events = self.events
            got = self._of[kinds] = [events[i] for i in where]
        return got


def of_kinds(events: Sequence[Event], ctx: MetricContext, kinds: tuple[str, ...]) -> Sequence[Event]:
    """The events a metric reads: those of ``kinds`` in log order from ``ctx.index`` when
    it was built for these very events; else all of ``events`` (the metric's own tests of
    each event's kind pass over the rest, with the same result). ``ctx`` may be None (a
    metric called on a log alone, as in a plugin's own tests)."""
    index = _index_for(events, ctx)
    return events if index is None else index.of(kinds)


def _index_for(events: Sequence[Event], ctx: MetricContext | None) -> KindIndex | None:
    """``ctx.index`` when it was built for these very events (the same list, as long),
    else None."""
    index = None if ctx is None else ctx.index
    if index is not None and index.events is events and index.size == len(events):
        return index
    return None


Observations = list[tuple[str, float]]


# ------------------------------------------------------------------ response times
class ResponseParams(Strict):
    kinds: list[str] | None = None
    """Incident kinds measured (default: all)."""
    interval: Literal["call_to_arrival", "dispatch_to_arrival", "call_to_dispatch",
                      "travel"] = "call_to_arrival"
    """`call_to_arrival`, `dispatch_to_arrival` (from the arriving unit's dispatch), `call_to_dispatch` or `travel`."""
    forces: list[str] | None = None
    """Count only units of these forces (default: any)."""
    include_unreached: bool = True
    """An incident no unit reached counts as censored at the end of the run (a lower bound), so a slow response cannot hide."""


def response_times(events: Sequence[Event], ctx: MetricContext, params: ResponseParams,
                   by_township: bool = False) -> Observations:
    """Per incident, the chosen interval to the **first** unit (of ``forces`` if given).

    Reads ``incident_created`` (call), ``unit_dispatched``, ``unit_en_route``
    (``travel`` minutes) and ``unit_arrived``. ``call_to_dispatch`` ends at the first
    dispatch order for the incident; ``dispatch_to_arrival`` runs from the dispatch of the
    unit that arrived first (its latest one to this incident) to its arrival, so a unit
    recalled on the way does not lend its earlier dispatch to another unit's arrival. With
    ``include_unreached`` an incident no unit reached counts as censored at the end of the
    run, from the call or from its first dispatch (its value is a lower bound), so a slow
    response cannot hide by never arriving. With ``by_township`` each observation is
    labelled with the incident's township (``incident_created``'s ``township``; the place
    id where it has none) instead of its id (metric ``response_time_by_township``).
    """
    kinds = set(params.kinds) if params.kinds else None
    units = None
    if params.forces:
        units = {u for f in params.forces for u in ctx.force_units.get(f, [])}
    called: dict[str, float] = {}
    dispatched: dict[str, float] = {}
    sent: dict[tuple[str, str], float] = {}  # (incident, unit): that unit's latest dispatch
    travel: dict[tuple[str, str], float] = {}
    arrived: dict[str, tuple[float, str]] = {}
    order: list[str] = []
    by_town = by_township
    town: dict[str, str] = {}
    for e in of_kinds(events, ctx, _RESPONSE_KINDS):
        k = e.kind
        if k == "incident_created":
            if (kinds is None or e.details.get("kind") in kinds) and e.t >= ctx.warm_up:
                called[e.incident] = e.t
                order.append(e.incident)
                if by_town:
                    town[e.incident] = e.details.get("township") or e.details.get("place", "")
        elif e.incident not in called:
            continue
        elif units is not None and e.unit is not None and e.unit not in units:
            continue
        elif k == "unit_dispatched":
            dispatched.setdefault(e.incident, e.t)
            if e.incident not in arrived:
                sent[(e.incident, e.unit)] = e.t
        elif k == "unit_en_route":
            travel[(e.incident, e.unit)] = e.details.get("travel", 0.0)
        elif k == "unit_arrived":
            arrived.setdefault(e.incident, (e.t, e.unit))
    out: Observations = []
    for inc in order:
        call = called[inc]
        if inc in arrived:
            t, unit = arrived[inc]
            value = {"call_to_arrival": t - call,
                     "dispatch_to_arrival": t - sent.get((inc, unit), dispatched.get(inc, call)),
                     "call_to_dispatch": dispatched.get(inc, t) - call,
                     "travel": travel.get((inc, unit), 0.0)}[params.interval]
            out.append((town[inc] if by_town else inc, value))
        elif params.include_unreached and params.interval != "travel":
            start = dispatched.get(inc, call) if params.interval == "dispatch_to_arrival" else call
            # reached after the end, if ever: the time is at least this (a bound)
            out.append((town[inc] if by_town else f"{inc} (no unit arrived)", AtLeast(ctx.horizon - start)))
    return out


_RESPONSE_KINDS = ("incident_created", "unit_dispatched", "unit_en_route", "unit_arrived")


def response_times_by_township(events: Sequence[Event], ctx: MetricContext,
                               params: ResponseParams) -> Observations:
    """:func:`response_times` labelled by the incident's township, not its id."""
    return response_times(events, ctx, params, by_township=True)


class KindsParams(Strict):
    kinds: list[str] | None = None
    """Incident kinds counted (default: all)."""


def unreached(events: Sequence[Event], ctx: MetricContext, params: KindsParams) -> Observations:
    """One observation per incident: 1 if no unit arrived by the end, else 0
    (``sum`` = incidents never reached). Reads ``incident_created``, ``unit_arrived``."""
    kinds = set(params.kinds) if params.kinds else None
    reached: set[str] = set()
    created: list[str] = []
    for e in of_kinds(events, ctx, ("incident_created", "unit_arrived")):
        if e.kind == "incident_created" and (kinds is None or e.details.get("kind") in kinds) \
                and e.t >= ctx.warm_up:
            created.append(e.incident)
        elif e.kind == "unit_arrived":
            reached.add(e.incident)
    return [(inc, 0.0 if inc in reached else 1.0) for inc in created]


# ------------------------------------------------------------------ warnings and evacuation
class WarningParams(Strict):
    level: str = "warning"
    """The arrival level the lead is measured to (`warning`: the stage above warning)."""
    hazards: list[str] | None = None
    """Only these hazards' warnings and arrivals (hazard ids); none given: all. In a scenario with several hazards a township warned for one must not count as warned for another."""


def _of(e: Event, hazards: list[str] | None) -> bool:
    """Whether an event belongs to one of ``hazards`` (its ``hazard`` detail); None: all."""
    return hazards is None or e.details.get("hazard") in hazards


def warning_lead_times(events: Sequence[Event], ctx: MetricContext, params: WarningParams) -> Observations:
    """Per township reached by the hazard at ``level``: minutes from the first warning
    covering it to its arrival.

    Reads ``warning_issued`` (details ``townships``: list of ids) and ``hazard_arrival``
    (details ``township``, ``level``). A township warned only after the hazard reached it
    scores the negative lead (labelled ``(warned after arrival)``: a flash flood can beat
    its own warning); one never warned scores 0 (no lead).
    """
    warned: dict[str, float] = {}
    arrivals: list[tuple[str, float]] = []
    for e in of_kinds(events, ctx, ("warning_issued", "hazard_arrival")):
        if not _of(e, params.hazards):
            continue
        if e.kind == "warning_issued":
            for town in e.details.get("townships", []):
                warned.setdefault(town, e.t)
        elif e.kind == "hazard_arrival" and e.details.get("level") == params.level:
            arrivals.append((e.details["township"], e.t))
    out: Observations = []
    for town, t in arrivals:
        if town not in warned:
            out.append((f"{town} (no warning)", 0.0))
        elif warned[town] > t:
            out.append((f"{town} (warned after arrival)", t - warned[town]))
        else:
            out.append((town, t - warned[town]))
    return out


class EvacuationParams(Strict):
    kinds: list[str] = ["evacuation"]
    """Incident kinds that are evacuations."""
    level: str = "impact"
    """The arrival level evacuation must beat (`impact`)."""
    hazards: list[str] | None = None
    """Only these hazards' arrivals (hazard ids); none given: all."""


def evacuation_margins(events: Sequence[Event], ctx: MetricContext,
                       params: EvacuationParams) -> Observations:
    """Per township the hazard reaches at ``level``: minutes from the completion of its
    evacuation to the hazard's arrival (positive: done in time).

    Reads ``incident_created`` (kind in ``kinds``, details ``township``),
    ``incident_completed`` and ``hazard_arrival`` (``township``, ``level``). An
    evacuation not finished by the end of the run counts as finishing at the end; a
    township with no evacuation ordered does too.
    """
    kinds = set(params.kinds)
    evac_of: dict[str, str] = {}
    finished: dict[str, float] = {}
    impact: dict[str, float] = {}
    for e in of_kinds(events, ctx, ("incident_created", "incident_completed", "hazard_arrival")):
        if e.kind == "incident_created" and e.details.get("kind") in kinds:
            evac_of.setdefault(e.details.get("township"), e.incident)
        elif e.kind == "incident_completed":
            finished[e.incident] = e.t
        elif e.kind == "hazard_arrival" and e.details.get("level") == params.level \
                and _of(e, params.hazards):
            impact.setdefault(e.details["township"], e.t)
    out: Observations = []
    for town, t_impact in impact.items():
        inc = evac_of.get(town)
        done = finished.get(inc, ctx.horizon) if inc else ctx.horizon
        if inc in finished:
            out.append((town, t_impact - done))
        else:  # finished after the end, if ever: the margin is at most this (a bound)
            out.append((f"{town} (not evacuated by end)", AtMost(t_impact - done)))
    return out


# ------------------------------------------------------------------ reserves
class ReserveParams(Strict):
    reserve: str
    """The reserve (id under `reserves:`)."""


def reserve_need_by_township(events: Sequence[Event], ctx: MetricContext,
                             params: ReserveParams) -> Observations:
    """Per township, the total amount requested from the reserve (``reserve_requested``)."""
    need: dict[str, float] = {}
    for e in of_kinds(events, ctx, ("reserve_requested",)):
        if e.kind == "reserve_requested" and e.details.get("reserve") == params.reserve:
            town = e.details.get("township") or "district"
            need[town] = need.get(town, 0.0) + e.details["amount"]
    return sorted(need.items())


def reserve_need_beyond_local(events: Sequence[Event], ctx: MetricContext,
                              params: ReserveParams) -> Observations:
    """Per request, the amount not covered by the requesting township's own stock:
    what the district level had to provide (``sum`` compares with the district stock).

    Reads ``reserve_requested`` and ``reserve_drawn`` (``source`` = the township).
    """
    out: Observations = []
    for e in of_kinds(events, ctx, ("reserve_requested", "reserve_drawn")):
        if e.details.get("reserve") != params.reserve:
            continue
        town = e.details.get("township") or "district"
        if e.kind == "reserve_requested":
            out.append((town, e.details["amount"]))
        elif e.kind == "reserve_drawn" and e.details.get("source") == town != "district":
            # a draw is logged right after its request: take the local part off that request
            label, value = out[-1]
            out[-1] = (label, value - e.details["amount"])
    return out


class StockParams(Strict):
    """Which holders of a reserve a stock standard is about: the district level, or the
    townships (those listed, a listed one holding nothing counting 0; default: every
    township holding some)."""

    reserve: str
    """The reserve (id under `reserves:`)."""
    level: Literal["district", "township"] = "township"
    """`district`: the district-level stock; `township`: the townships' stocks."""
    townships: list[str] | None = None
    """With `level: township`, the townships the standard applies to (one holding nothing
    counts 0); default: every township holding some."""


def _holders(held: dict[str, float], params: StockParams) -> list[tuple[str, float]]:
    if params.level == "district":
        return [("district", held.get("district", 0.0))]
    towns = params.townships if params.townships is not None else sorted(t for t in held if t != "district")
    return [(t, held.get(t, 0.0)) for t in towns]


def reserve_stock_held(events: Sequence[Event], ctx: MetricContext, params: StockParams) -> Observations:
    """Per holder, the stock held at the start of the run (``reserve_held``): a stock
    standard (the plan's "supplies for 3,000 people at district level, 200 in each
    disaster-prone township", III.(3).2(3)) is met by what is held, whatever the need."""
    for e in of_kinds(events, ctx, ("reserve_held",)):
        if e.kind == "reserve_held" and e.details.get("reserve") == params.reserve:
            return _holders(e.details.get("holdings", {}), params)
    return []


def reserve_lowest_stock(events: Sequence[Event], ctx: MetricContext, params: StockParams) -> Observations:
    """Per holder, the least stock left at any time of the run: the start stock, then the
    ``left`` of every draw and restock (``reserve_drawn``, ``reserve_restocked``). Stock
    against need over time: 0 means the holder ran out."""
    low: dict[str, float] | None = None
    for e in of_kinds(events, ctx, ("reserve_held", "reserve_drawn", "reserve_restocked")):
        if e.details.get("reserve") != params.reserve:
            continue
        if e.kind == "reserve_held":
            low = dict(e.details.get("holdings", {}))
        elif e.kind in ("reserve_drawn", "reserve_restocked") and low is not None:
            holder = e.details.get("source")
            low[holder] = min(low.get(holder, 0.0), e.details["left"])
    return [] if low is None else _holders(low, params)


def reserve_shortfall(events: Sequence[Event], ctx: MetricContext, params: ReserveParams) -> Observations:
    """Per shortfall, the amount that could not be supplied at all (``reserve_short``)."""
    return [(e.details.get("township") or "district", e.details["amount"])
            for e in of_kinds(events, ctx, ("reserve_short",))
            if e.kind == "reserve_short" and e.details.get("reserve") == params.reserve]


# ------------------------------------------------------------------ shelters
class ShelterParams(Strict):
    level: Literal["township", "district"] = "township"
    """`township`: each township's own shelter places against its own need; `district`: all places against all need."""


def shelter_margin(events: Sequence[Event], ctx: MetricContext, params: ShelterParams) -> Observations:
    """Shelter places minus the most people needing one at the same time (negative: too
    few places): per township that needed places, its own township's places against its
    own peak (``level: township``), or all places against the district's peak
    (``district``). Need rises with ``shelter_needed`` and falls with ``shelter_left``
    (people gone home; the overflow never leaves), so two waves count together only if
    their stays overlap. Reads ``shelter_held`` (places by township); nothing to measure
    if no one needed a place."""
    held: dict[str, float] | None = None
    now: dict[str, float] = {}
    peak: dict[str, float] = {}
    total = top = 0.0
    for e in of_kinds(events, ctx, ("shelter_held", "shelter_needed", "shelter_left")):
        if e.kind == "shelter_held":
            held = e.details.get("by_township", {})
        elif e.kind in ("shelter_needed", "shelter_left"):
            town = e.details.get("township") or "district"
            step = e.details["people"] if e.kind == "shelter_needed" else -e.details["people"]
            now[town] = now.get(town, 0.0) + step
            peak[town] = max(peak.get(town, 0.0), now[town])
            total += step
            top = max(top, total)
    if held is None:
        return []
    if params.level == "district":
        return [("district", sum(held.values()) - top)]
    return [(town, held.get(town, 0.0) - n) for town, n in sorted(peak.items())]


def shelter_overflow(events: Sequence[Event], ctx: MetricContext, params: None = None) -> Observations:
    """Per township, the people who found no shelter place anywhere (``shelter_overflow``);
    one observation of 0 per township placed in full, so ``sum`` is the overflow and a
    township's breakdown shows 0 when all its people found a place."""
    out: dict[str, float] = {}
    for e in of_kinds(events, ctx, ("shelter_needed", "shelter_overflow")):
        if e.kind == "shelter_needed":
            out.setdefault(e.details.get("township") or "district", 0.0)
        elif e.kind == "shelter_overflow":
            town = e.details.get("township") or "district"
            out[town] = out.get(town, 0.0) + e.details["people"]
    return sorted(out.items())


def shelter_person_days(events: Sequence[Event], horizon: float) -> list[tuple[str, float, float, float]]:
    """Each stay in a shelter as ``(township, people, from, to)`` minutes: from its
    ``shelter_assigned`` to the ``shelter_left`` of that township and shelter (or
    ``horizon`` if they never leave)."""
    open_: dict[tuple[str, str], list[tuple[float, float]]] = {}
    stays: list[tuple[str, float, float, float]] = []
    for e in events:
        if e.kind == "shelter_assigned":
            open_.setdefault((e.details["township"], e.details["shelter"]), []).append((e.details["people"], e.t))
        elif e.kind == "shelter_left":
            key = (e.details["township"], e.details["shelter"])
            for people, since in open_.pop(key, []):
                stays.append((key[0], people, since, e.t))
    for (town, _), left in open_.items():
        for people, since in left:
            stays.append((town, people, since, horizon))
    return stays


class PersonDaysParams(Strict):
    reserve: str
    """The relocation reserve (id under `reserves:`)."""
    covers: Duration
    """How long the stock for one person lasts (`7d`): the stock in person-days is the people it provides for times this."""


def relocation_person_days_beyond_stock(events: Sequence[Event], ctx: MetricContext,
                                        params: PersonDaysParams) -> Observations:
    """Person-days of relocation supplies needed beyond what the stock covers over the
    whole event: every shelter stay's people × days (``shelter_assigned`` to
    ``shelter_left``, or to the end of the run) minus (stock held at the start + every
    restock) × ``covers`` in days. Positive: the stock runs out before the event ends;
    ``<= 0`` is the target. One observation (``district``); nothing if nobody was sheltered.
    Reads ``reserve_held``, ``reserve_restocked``, the shelter events."""
    stays = shelter_person_days(of_kinds(events, ctx, ("shelter_assigned", "shelter_left")), ctx.horizon)
    if not stays:
        return []
    stock = 0.0
    for e in of_kinds(events, ctx, ("reserve_held", "reserve_restocked")):
        if e.details.get("reserve") != params.reserve:
            continue
        if e.kind == "reserve_held":
            stock += sum(e.details.get("holdings", {}).values())
        elif e.kind == "reserve_restocked":
            stock += e.details["amount"]
    need = sum(people * (end - start) for _, people, start, end in stays) / 1440.0
    beyond = need - stock * params.covers / 1440.0
    if any(end >= ctx.horizon for *_, end in stays):  # people still sheltered at the end:
        beyond = AtLeast(beyond)                      # the need is at least this (a bound)
    return [("district", beyond)]


# ------------------------------------------------------------------ units committed
class ForceParams(Strict):
    forces: list[str] | None = None
    """Forces measured (default: all)."""
    capability: str | None = None
    """Count this capability instead of units."""


_COMMITMENT_KINDS = ("unit_dispatched", "unit_cleared", "unit_released", "unit_out_of_service",
                     "unit_in_service")


def _commitment(events: Sequence[Event], ctx: MetricContext, params: ForceParams):
    """Step series ``{force: [(t, committed, in_service), ...]}`` for forces with units
    (read, not changed, by its callers: with a :class:`KindIndex` the series of one log
    and one ``forces``/``capability`` is worked out once for them all)."""
    index = _index_for(events, ctx)
    if index is not None:
        key = ("commitment", tuple(params.forces) if params.forces else None, params.capability)
        series = index.shared.get(key)
        if series is None:
            series = index.shared[key] = _commitment_series(index.of(_COMMITMENT_KINDS), ctx, params)
        return series
    return _commitment_series(events, ctx, params)


def _commitment_series(events: Sequence[Event], ctx: MetricContext, params: ForceParams):
    forces = params.forces or sorted(ctx.force_units)
    unit_force = {}
    for f in forces:
        for u in ctx.force_units.get(f, []):
            if params.capability is None or ctx.unit_capabilities.get(u, {}).get(params.capability, 0) > 0:
                unit_force[u] = f
    forces = [f for f in forces if f in unit_force.values()]  # forces with units that count
    state = {f: [0, sum(1 for u in unit_force.values() if u == f)] for f in forces}
    series = {f: [(0.0, 0, state[f][1])] for f in forces}
    busy: set[str] = set()
    for e in events:
        f = unit_force.get(e.unit)
        if f is None:
            continue
        s = state[f]
        if e.kind == "unit_dispatched" and e.unit not in busy:
            busy.add(e.unit)
            s[0] += 1
        elif e.kind in ("unit_cleared", "unit_released") and e.unit in busy:
            busy.discard(e.unit)
            s[0] -= 1
        elif e.kind == "unit_out_of_service":
            s[1] -= 1
        elif e.kind == "unit_in_service":
            s[1] += 1
        else:
            continue
        series[f].append((e.t, s[0], s[1]))
    return series


def peak_utilisation(events: Sequence[Event], ctx: MetricContext, params: ForceParams) -> Observations:
    """Per force, the peak share of its in-service units committed at once (0–1).

    A unit is committed from ``unit_dispatched`` until ``unit_cleared`` or
    ``unit_released``; ``unit_out_of_service``/``unit_in_service`` change how many
    units the force has. With ``capability``, only units that have it count.
    """
    out: Observations = []
    for force, steps in _commitment(events, ctx, params).items():
        peak = max((c / n if n > 0 else (1.0 if c > 0 else 0.0)) for _, c, n in steps)
        out.append((force, peak))
    return out


def time_all_committed(events: Sequence[Event], ctx: MetricContext, params: ForceParams) -> Observations:
    """Per force, minutes during which the force had units in service and every one of
    them was committed (no unit free), up to the end of the run. Time with no unit in
    service at all (mutual aid not yet requested) does not count."""
    out: Observations = []
    for force, steps in _commitment(events, ctx, params).items():
        total = 0.0
        for (t, c, n), nxt in zip(steps, steps[1:] + [(ctx.horizon, 0, 0)]):
            if n > 0 and c >= n:
                total += max(0.0, min(nxt[0], ctx.horizon) - t)
        out.append((force, total))
    return out


CORE_METRICS = [
    Metric("response_time", "time", "time from call (or dispatch) to the first unit on scene",
           response_times, "p90", ResponseParams, minimum=0.0, made_by="dispatch"),
    Metric("response_time_by_township", "time",
           "time from call (or dispatch) to the first unit on scene, each labelled with the "
           "incident's township (a min/max row names the worst township)",
           response_times_by_township, "max", ResponseParams, label="township", minimum=0.0, made_by="dispatch"),
    Metric("shelter_margin", "people", "shelter places minus the most people needing one at once, per township or in all",
           shelter_margin, "min", ShelterParams, "township", minimum=-10_000_000.0, made_by="evacuation"),
    Metric("shelter_overflow", "people", "people who found no shelter place, per township",
           shelter_overflow, "sum", None, "township", made_by="evacuation"),
    Metric("relocation_person_days_beyond_stock", "count",
           "person-days of relocation supplies needed in shelters beyond the stock's person-days",
           relocation_person_days_beyond_stock, "sum", PersonDaysParams, minimum=-1e12, made_by="evacuation"),
    Metric("unreached_incidents", "count", "incidents no unit reached by the end of the run",
           unreached, "sum", KindsParams, made_by="dispatch"),
    Metric("warning_lead_time", "time", "warning issued → hazard arrives, per township",
           warning_lead_times, "min", WarningParams, "township"),
    Metric("evacuation_margin", "time", "evacuation completed → hazard arrives, per township",
           evacuation_margins, "min", EvacuationParams, "township"),
    Metric("reserve_need_by_township", "people", "amount requested from a reserve, per township",
           reserve_need_by_township, "max", ReserveParams, "township", made_by="evacuation"),
    Metric("reserve_need_beyond_local", "people",
           "amount requested beyond the requesting township's own stock",
           reserve_need_beyond_local, "sum", ReserveParams, "township", made_by="evacuation"),
    Metric("reserve_shortfall", "people", "amount a reserve could not supply",
           reserve_shortfall, "sum", ReserveParams, "township", made_by="evacuation"),
    Metric("reserve_stock_held", "people", "stock a reserve's holders hold at the start",
           reserve_stock_held, "min", StockParams, "township"),
    Metric("reserve_lowest_stock", "people", "least stock a reserve's holders have left during the run",
           reserve_lowest_stock, "min", StockParams, "township", made_by="evacuation"),
    Metric("peak_utilisation", "share", "peak share of a force's units committed at once",
           peak_utilisation, "max", ForceParams, "force", made_by="dispatch"),
    Metric("time_all_committed", "time", "time during which no unit of a force was free",
           time_all_committed, "max", ForceParams, "force", minimum=0.0, made_by="dispatch"),
]
