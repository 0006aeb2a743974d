"""Transit flood (过境洪水): an upstream flood wave routed to the district's gauge.

Model, in order:

1. Upstream hydrograph at the upstream gauge (a measured series, or the gamma shape of
   :mod:`.hydrograph`).
2. Muskingum routing to the district gauge (:mod:`.routing`), K, X, Δt, sub-reaches.
3. Stage at the gauge from its rating curve (:mod:`.rating`).
4. Each riverside township sees the gauge's stage shifted by its travel-time ``offset``
   (negative upstream of the gauge): it is *above warning* when that stage passes the
   gauge's warning stage, and *flooded* when it passes the township's ``flood_stage``.
5. Warning rule: a warning for all listed townships is issued ``issue_delay`` after the
   upstream discharge, seen ``forecast_lead`` ahead, reaches the discharge of the
   gauge's warning stage (the wave is traced from the upstream gauge).
6. Evacuation: ``order_delay`` after the warning, each township the forecast peak will
   flood gets an evacuation incident demanding rescuers; relocation supplies are drawn
   for ``relocation_share`` of its people.
7. Access: from a township's flood time until the water recedes, road units may enter it
   only if they carry boats (``access.allowed``; helicopters fly); the engine re-checks
   units on the road when this changes (:func:`restriction`, the
   ``drillsim_travel_restriction`` hook).
8. Rescue calls from people cut off: a Poisson process per flooded township with rate
   ``rate_per_1000 × (people still there) × flooded share ÷ 1000``, where the people
   still there are those not yet evacuated plus the ``stay_share`` who refuse to go; the flooded
   share rising linearly from 0 at ``flood_stage`` to 1 at ``flood_stage + full_depth``;
   the rate is held constant over each ``step`` (exact for a piecewise-constant rate).

Times between routing steps are found by linear interpolation (in stage for stage
thresholds, in discharge for the warning rule).

Events (the contract the core metrics read): ``warning_issued`` (``townships``),
``hazard_arrival`` (``township``, ``level`` = ``warning`` | ``impact``),
``hazard_receded``, ``evacuation_ordered``, ``gauge_reading``, ``hazard_summary``.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from drillsim.api import (CalcOption, Calculator, Discharge, Duration, DurationOrZero, Elevation,
                          Fraction, HazardType, Height,
                          Length, OrderRefused, Place, Rate, Restriction, Strict, TimeOffset,
                          format_number, hookimpl, suggest)

from .hydrograph import gamma_hydrograph, sample_series
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)
from .rating import PowerRating
from .routing import muskingum_coefficients, muskingum_route


# ------------------------------------------------------------------ parameters
class HydrographParams(Strict):
    """Either ``shape: gamma`` with base_flow, peak, time_to_peak (and m), or a measured
    series: ``step`` and ``values_m3s``. ``begins``: when the wave (or the series) starts
    at the upstream gauge, after the scenario start (before it, the base flow or the
    series' first value), so that two waves of one event can share a scenario."""

    shape: Literal["gamma"] | None = None
    """`gamma`: a synthetic NRCS-style gamma hydrograph (give base_flow, peak, time_to_peak); leave out for a measured series."""
    base_flow: Discharge | None = None
    """Discharge before and after the wave (`1500m3/s`)."""
    peak: Discharge | None = None
    """Peak discharge at the upstream gauge (`22600m3/s`)."""
    time_to_peak: Duration | None = None
    """Time from the wave's start to its peak (`14h`)."""
    m: float = Field(default=3.7, gt=0, le=20)
    """Shape factor of the gamma hydrograph (NRCS m; 3.7 is the standard unit hydrograph)."""
    step: Duration | None = None
    """Time between the values of a measured series."""
    values_m3s: list[float] | None = None
    """A measured upstream series, m³/s, one value per `step`."""
    begins: DurationOrZero = 0.0
    """When the wave (or series) starts at the upstream gauge, after the scenario start."""

    @model_validator(mode="after")
    def _one_form(self):
        gamma = self.shape == "gamma"
        series = self.values_m3s is not None
        if gamma == series:
            raise ValueError("give either shape: gamma (with base_flow, peak, time_to_peak) "
                             "or a measured series (step and values_m3s)")
        if gamma and None in (self.base_flow, self.peak, self.time_to_peak):
            raise ValueError("shape: gamma needs base_flow, peak and time_to_peak")
        if gamma and self.peak < self.base_flow:
            raise ValueError("peak must not be below base_flow")
        if series and (self.step is None or len(self.values_m3s) < 2
                       or any(v < 0 for v in self.values_m3s)):
            raise ValueError("a measured series needs step and at least two non-negative values_m3s")
        return self

    def at(self, t: float) -> float:
        """Upstream discharge (m³/s) at minute ``t`` of the scenario."""
        t = t - self.begins
        if self.shape == "gamma":
            return gamma_hydrograph(t, self.base_flow, self.peak, self.time_to_peak, self.m)
        return sample_series(self.step, self.values_m3s, t)


class UpstreamParams(Strict):
    gauge: str
    """Name of the upstream gauge (for reports)."""
    hydrograph: HydrographParams
    """The upstream hydrograph."""


class RoutingParams(Strict):
    """Muskingum K (travel time of the wave through the reach), X, step Δt, sub-reaches."""

    K: Duration
    """Muskingum storage constant: the wave's travel time through the reach (`11h`)."""
    X: float = Field(ge=0, le=0.5)
    """Muskingum weighting factor, 0 to 0.5 (0.2 is typical of natural channels)."""
    dt: Duration
    """Routing time step; must lie within 2KX ≤ dt ≤ 2K(1−X) per sub-reach."""
    reaches: int = Field(default=1, ge=1, le=100)
    """Equal sub-reaches routed in cascade (to keep the step stable)."""

    @model_validator(mode="after")
    def _stable(self):
        k = self.K / self.reaches
        lo, hi = 2 * k * self.X, 2 * k * (1 - self.X)
        if not lo - 1e-9 <= self.dt <= hi + 1e-9:
            need = math.ceil(2 * self.K * self.X / self.dt - 1e-9)
            advice = (f"use at least {need} sub-reaches" if self.dt < lo
                      else "use a shorter step or fewer sub-reaches")
            raise ValueError(
                f"routing step {self.dt / 60:g} h is outside the stable range 2KX <= dt <= 2K(1-X) = "
                f"[{lo / 60:.3g} h, {hi / 60:.3g} h] for sub-reaches of K = {k / 60:.3g} h "
                f"({self.reaches} sub-reach(es), X = {self.X:g}); {advice}")
        muskingum_coefficients(k, self.X, self.dt)
        return self


class RatingParams(Strict):
    """Q = a (h − h0)^b through one known point (``through_stage``, ``through_discharge``)."""

    h0: Elevation
    """Stage of zero flow of the rating curve Q = a (h − h0)^b."""
    b: float = Field(gt=0, le=5)
    """Exponent of the rating curve (1.5-2.5 usual)."""
    through_stage: Elevation
    """Stage of the one known point the curve passes through."""
    through_discharge: Discharge
    """Discharge at that stage."""

    @model_validator(mode="after")
    def _point(self):
        PowerRating.through(self.h0, self.b, self.through_stage, self.through_discharge)
        return self


class GaugeParams(Strict):
    name: str
    """Name of the gauge in the district (for warnings and reports)."""
    rating: RatingParams
    """Its stage-discharge rating curve."""
    warning_stage: Elevation
    """Warning stage (超警): the upstream discharge matching it triggers the warning."""
    guaranteed_stage: Elevation | None = None
    """Guaranteed stage (保证水位), for reports."""


class WarningParams(Strict):
    forecast_lead: DurationOrZero = 0.0
    """Extra lead a forecast adds before the upstream gauge passes the warning discharge (`6h`)."""
    issue_delay: DurationOrZero = 0.0
    """Time from the trigger to the warning going out."""


#: The most people one flood may put at risk (10 million). No county-level district of
#: China has so many residents (the largest, Shanghai's Pudong New Area, had 5.68 million
#: at the 2020 census), and rescue calls and evacuation demand grow with the count, so a
#: figure above it is a typo (extra zeros) that would make a run last for hours.
MAX_PEOPLE = 10_000_000

#: Above this many people at risk the loader warns that a run will be slow: rescue calls
#: grow with the people left in flooded homes, and the run time faster than that, as every
#: dispatch pass reads the whole queue (``python bench/people_at_risk.py`` on the 2020
#: Fujiang scenario, one replication, 2-core machine: 28,617 people 0.02 s, 286,170 1.0 s,
#: 1,000,000 36 s, 2,861,700 about 530 s).
SLOW_PEOPLE = 1_000_000


def _people(v: int) -> int:
    if v > MAX_PEOPLE:
        raise ValueError(f"{v:,} people is refused: more than {MAX_PEOPLE:,}, and no district has "
                         f"so many residents (the largest, Pudong, had 5.68 million in 2020); "
                         f"check for extra zeros")
    return v


#: a count of people at risk: 0 to :data:`MAX_PEOPLE`
People = Annotated[int, Field(ge=0, description="people at risk, at most MAX_PEOPLE (10 million): "
                                                "more than any district holds, so a typo"),
                   AfterValidator(_people)]


class EvacuationParams(Strict):
    """Evacuation demand: ``total_people`` split over the townships by the region's
    population weights (or each township's own ``people_at_risk``). Counts of people are
    bounded by :data:`MAX_PEOPLE` (10 million, more than any district holds)."""

    total_people: People
    """People evacuated in all, split over the townships by population weight (or each township's `people_at_risk`)."""
    order_delay: DurationOrZero = 0.0
    """Time from the warning to the evacuation order in a township."""
    residents_per_rescuer: float = Field(gt=0)
    """Residents one rescuer is responsible for: sets how many rescuers an evacuation demands."""
    rate_per_rescuer: Rate
    """People one rescuer moves per unit of time (`20/h`)."""
    capability: str = "people"
    """The capability evacuation demands (`people`)."""
    kind: str = "evacuation"
    """Incident kind of an evacuation."""
    priority: int = Field(default=2, ge=1, le=9)
    """Dispatch priority, 1 (highest) to 9."""
    relocation_share: Fraction = 0.0
    """Share of evacuees who need the relocation reserve (`30%`)."""
    reserve: str | None = None
    """The reserve (id under `reserves:`) evacuees draw on."""


class RescueCallParams(Strict):
    rate_per_1000: Rate
    """Rescue calls per 1,000 people still in flooded homes (`1/h`)."""
    #: share of the people at risk who stay behind whatever the evacuation does
    stay_share: Fraction = 0.0
    """Share of the people at risk who stay behind whatever the evacuation does."""
    kind: str = "flood_rescue"
    """Incident kind of a rescue call."""
    demand: dict[str, float] = {"boats": 1.0}
    """What one call needs on scene (`{boats: 1}`)."""
    on_scene_mean: Duration
    """Mean work time on scene."""
    on_scene_distribution: Literal["exponential", "fixed"] = "exponential"
    """`exponential` or `fixed` work time."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority, 1 (highest) to 9."""
    aerial_share: Fraction = 0.0
    """Share of calls needing a helicopter."""
    aerial_kind: str = "aerial_rescue"
    """Incident kind of those calls."""
    aerial_demand: dict[str, float] = {"aerial": 1.0}
    """What a helicopter call needs (`{aerial: 1}`)."""
    step: Duration = 10.0
    """Time step at which call arrivals are drawn."""
    #: calls come from points spread uniformly over a disc of this radius around the
    #: township seat (None: all at the seat)
    scatter: Length | None = None
    """Calls come from points spread uniformly over a disc of this radius around the township seat (none: at the seat)."""

    @field_validator("demand", "aerial_demand")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or any(amount <= 0 for amount in v.values()):
            raise ValueError("a demand names at least one capability, each with an amount above 0")
        return v

    @field_validator("step")
    @classmethod
    def _step(cls, v: float) -> float:
        if v < 1.0:
            raise ValueError("a step shorter than 1 min is refused")
        return v

    @field_validator("scatter")
    @classmethod
    def _scatter(cls, v: float | None) -> float | None:
        if v is not None and v > 50.0:
            raise ValueError("calls scattered more than 50 km from the town seat would leave the township")
        return v

    @field_validator("rate_per_1000")
    @classmethod
    def _rate(cls, v: float) -> float:
        if v > 1.0:
            raise ValueError("more than one call a minute per 1,000 people is refused (check the unit: 1/h, not 1/min?)")
        return v


class TownshipParams(Strict):
    township: str
    """Township id of the region."""
    offset: TimeOffset
    """Travel time of the water from the district gauge to the township (negative upstream)."""
    flood_stage: Elevation
    """Gauge-equivalent stage at which the township floods."""
    full_depth: Height = 3.0
    """Depth above the flood stage at which the township is fully flooded."""
    people_at_risk: People | None = None
    """People at risk here (default: the township's share of `evacuation.total_people`)."""
    evacuate: bool = True
    """Whether the township is evacuated when warned."""

    @model_validator(mode="after")
    def _depth(self):
        if self.full_depth <= 0:
            raise ValueError("full_depth must be greater than 0m")
        return self


class AccessParams(Strict):
    """A flooded township is closed to road units without one of the ``allowed``
    capabilities (boats by default) from its flood time until the water recedes."""

    close_flooded: bool = True
    """Close flooded townships to road units without an `allowed` capability."""
    allowed: list[str] = ["boats"]
    """Capabilities that may still enter (`boats`)."""


class TransitFloodParams(Strict):
    """``params:`` of a ``transit_flood`` hazard."""

    river: str
    """The river (as the region's townships name it)."""
    upstream: UpstreamParams
    """The upstream gauge and its hydrograph."""
    routing: RoutingParams
    """Muskingum routing to the district gauge."""
    gauge: GaugeParams
    """The district gauge, its rating curve and stages."""
    warning: WarningParams = WarningParams()
    """How the warning is triggered and issued."""
    evacuation: EvacuationParams
    """Evacuation demand and effort."""
    rescue_calls: RescueCallParams
    """Calls from people cut off by the water."""
    townships: list[TownshipParams] = Field(min_length=1)
    """The riverside townships, their offsets and flood stages."""
    reading_interval: Duration = 60.0
    """Time between gauge readings (`gauge_reading` events)."""
    access: AccessParams = AccessParams()
    """Road closures in flooded townships."""

    @field_validator("reading_interval")
    @classmethod
    def _readings(cls, v: float) -> float:
        if v < 1.0:
            raise ValueError("gauge readings more often than once a minute are refused")
        return v


# ------------------------------------------------------------------ the hydraulics
def split_people(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` people in proportion to ``weights`` into whole numbers that add up
    to ``total`` (largest-remainder method, ties to the earlier entry)."""
    wsum = float(sum(weights))
    if total == 0 or wsum <= 0:
        return [0] * len(weights)
    exact = [total * w / wsum for w in weights]
    base = [int(math.floor(x)) for x in exact]
    left = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:left]:
        base[i] += 1
    return base


def crossing(times: list[float], values: list[float], level: float, start: int = 0,
             rising: bool = True) -> tuple[float | None, int]:
    """First time (linear interpolation) at or after index ``start`` when ``values``
    crosses ``level`` upward (or downward); (None, len) if never."""
    for j in range(max(start, 1), len(values)):
        a, b = values[j - 1], values[j]
        if (rising and a < level <= b) or (not rising and a >= level > b):
            f = (level - a) / (b - a)
            return times[j - 1] + f * (times[j] - times[j - 1]), j
    if start == 0 and rising and values and values[0] >= level:
        return times[0], 0
    return None, len(values)


@dataclass
class FloodTimeline:
    """The hazard's deterministic part, computed once per run (minutes, m³/s, m)."""

    times: list[float]
    upstream: list[float]
    routed: list[float]
    stage: list[float]
    rating: PowerRating
    warning_discharge: float
    warning_time: float | None
    peak_index: int
    townships: list[dict]

    def stage_at(self, t: float) -> float:
        """Gauge stage (m) at minute ``t`` (linear interpolation)."""
        step = self.times[1] - self.times[0]
        return sample_series(step, self.stage, t - self.times[0])


def timeline(params: TransitFloodParams, horizon: float, weights: dict[str, float]) -> FloodTimeline:
    """Route the flood and derive every township's warning, flood and recession times.

    :param horizon: run length, minutes.
    :param weights: population weight per township id (for splitting evacuees).
    """
    dt = params.routing.dt
    extra = max(abs(t.offset) for t in params.townships)
    n = int(math.ceil((horizon + extra) / dt)) + 1
    times = [j * dt for j in range(n)]
    upstream = [params.upstream.hydrograph.at(t) for t in times]
    routed = muskingum_route(upstream, params.routing.K, params.routing.X, dt,
                             reaches=params.routing.reaches)
    r = params.gauge.rating
    rating = PowerRating.through(r.h0, r.b, r.through_stage, r.through_discharge)
    stage = [rating.stage(q) for q in routed]
    q_warn = rating.discharge(params.gauge.warning_stage)
    seen_at = [t - params.warning.forecast_lead for t in times]
    t_up, _ = crossing(seen_at, upstream, q_warn)
    warning_time = None if t_up is None else max(0.0, t_up) + params.warning.issue_delay
    peak = max(range(n), key=lambda j: routed[j])
    explicit = [t.people_at_risk for t in params.townships]
    auto = [t.township for t in params.townships if t.people_at_risk is None]
    budget = params.evacuation.total_people - sum(p for p in explicit if p is not None)
    shares = dict(zip(auto, split_people(max(0, budget), [weights.get(t, 0.0) for t in auto])))
    towns = []
    for t in params.townships:
        above, j = crossing(times, stage, params.gauge.warning_stage)
        flood, k = crossing(times, stage, t.flood_stage)
        recede = crossing(times, stage, t.flood_stage, start=k, rising=False)[0] if flood is not None else None
        towns.append({
            "township": t.township, "offset": t.offset, "flood_stage": t.flood_stage,
            "full_depth": t.full_depth, "evacuate": t.evacuate,
            "people": t.people_at_risk if t.people_at_risk is not None else shares[t.township],
            "above_warning": None if above is None else above + t.offset,
            "flooded": None if flood is None else flood + t.offset,
            "receded": None if recede is None else recede + t.offset,
        })
    return FloodTimeline(times, upstream, routed, stage, rating, q_warn, warning_time, peak, towns)


# ------------------------------------------------------------------ the processes
def _start(sim, hazard) -> None:
    p: TransitFloodParams = hazard.params
    weights = {tid: float(t.population_weight or 0) for tid, t in sim.region.townships.items()}
    tl = timeline(p, sim.horizon, weights)
    state = {"evacuations": {}}
    flooded: set[str] = set()
    if p.access.close_flooded:
        _FLOODED.setdefault(sim, []).append((flooded, tuple(p.access.allowed), hazard.id))
    peak_stage = tl.stage[tl.peak_index]
    upstream_peak = max(range(len(tl.upstream)), key=lambda j: tl.upstream[j])
    sim.log.log("hazard_summary", hazard=hazard.id, river=p.river, figures={
        "upstream_peak_m3s": tl.upstream[upstream_peak],
        "upstream_peak_time_min": tl.times[upstream_peak],
        "gauge_peak_m3s": tl.routed[tl.peak_index],
        "gauge_peak_time_min": tl.times[tl.peak_index],
        "peak_travel_time_h": (tl.times[tl.peak_index] - tl.times[upstream_peak]) / 60.0,
        "gauge_peak_stage_m": peak_stage,
        # the rating's known point (a recorded reading) passed on the rise, and the warning
        # stage passed: compared in the report with the recorded times
        "gauge_passes_rated_stage_time_min": crossing(tl.times, tl.stage, p.gauge.rating.through_stage)[0],
        "gauge_above_warning_time_min": crossing(tl.times, tl.stage, p.gauge.warning_stage)[0],
        "gauge_warning_discharge_m3s": tl.warning_discharge,
        "warning_time_min": tl.warning_time,
        "people_at_risk": sum(t["people"] for t in tl.townships),
    })

    def at(t: float):
        return sim.timeout(max(0.0, t - sim.now))

    def readings():
        while sim.now <= sim.horizon:
            q = sample_series(tl.times[1], tl.routed, sim.now)
            sim.log.log("gauge_reading", hazard=hazard.id, gauge=p.gauge.name,
                        stage=round(tl.stage_at(sim.now), 3), discharge=round(q, 1))
            yield sim.timeout(p.reading_interval)

    def evacuate(town, by):
        """Order the evacuation of one township: an evacuation incident demanding
        rescuers, and relocation supplies for ``relocation_share`` of its people (drawn
        at once by the automatic command; in a drill, reported as needed and left to
        the players to release)."""
        e = p.evacuation
        rescuers = math.ceil(town["people"] / e.residents_per_rescuer)
        minutes = e.residents_per_rescuer / e.rate_per_rescuer
        sim.log.log("evacuation_ordered", hazard=hazard.id, township=town["township"],
                    people=town["people"], rescuers=rescuers, by=by)
        incident = sim.create_incident(e.kind, town["township"], {e.capability: rescuers},
                                       minutes, e.priority, township=town["township"],
                                       people=town["people"])
        state["evacuations"][town["township"]] = incident
        if e.reserve and e.relocation_share > 0:
            need = math.ceil(town["people"] * e.relocation_share)
            if sim.auto_orders:
                sim.reserves[e.reserve].draw(town["township"], need, purpose="relocation")
            else:
                sim.log.log("relocation_needed", hazard=hazard.id, township=town["township"],
                            reserve=e.reserve, amount=need, incident=incident.id)
        return incident

    def warning_and_orders():
        if tl.warning_time is None:
            return
        yield at(tl.warning_time)
        sim.log.log("warning_issued", hazard=hazard.id, river=p.river,
                    townships=[t["township"] for t in tl.townships],
                    forecast_peak_stage=round(peak_stage, 2), rule="upstream discharge")
        if not sim.auto_orders:
            return  # players decide on evacuation (the "evacuate" order)
        yield sim.timeout(p.evacuation.order_delay)
        for town in tl.townships:
            if not town["evacuate"] or town["flood_stage"] > peak_stage or town["people"] <= 0:
                continue
            evacuate(town, "auto")

    def evacuate_order(township, by="player"):
        town = next((t for t in tl.townships if t["township"] == township), None)
        if town is None:
            names = ", ".join(t["township"] for t in tl.townships)
            raise OrderRefused(f"{township} is not on the {p.river} flood's evacuation list "
                               f"({names})")
        if township in state["evacuations"]:
            done = state["evacuations"][township]
            raise OrderRefused(f"evacuation of {township} was already ordered "
                               f"(now {done.status})")
        if town["people"] <= 0:
            raise OrderRefused(f"{township} has nobody to evacuate in this flood plan")
        evacuate(town, by)
        return f"evacuation of {township} ordered: {town['people']:,} people"

    def township(town):
        tid = town["township"]
        if town["above_warning"] is not None:
            yield at(town["above_warning"])
            sim.log.log("hazard_arrival", hazard=hazard.id, township=tid, level="warning")
        if town["flooded"] is None:
            return
        yield at(town["flooded"])
        sim.log.log("hazard_arrival", hazard=hazard.id, township=tid, level="impact",
                    people=town["people"])
        if p.access.close_flooded:
            flooded.add(tid)
            sim.access_changed(f"{hazard.id}: {tid} flooded")
        end = town["receded"] if town["receded"] is not None else math.inf
        yield from rescue_calls(town, end)
        if town["receded"] is not None:
            sim.log.log("hazard_receded", hazard=hazard.id, township=tid)
            if p.access.close_flooded:
                flooded.discard(tid)
                sim.access_changed(f"{hazard.id}: {tid} receded")

    def rescue_calls(town, end):
        c = p.rescue_calls
        tid = town["township"]
        arrivals = sim.rng(f"{hazard.id}.calls.{tid}")
        work = sim.rng(f"{hazard.id}.on_scene.{tid}")
        which = sim.rng(f"{hazard.id}.aerial.{tid}")
        where = sim.rng(f"{hazard.id}.where.{tid}")
        seat = sim.region.place(tid)
        count = 0
        while sim.now < end and sim.now < sim.horizon:
            step_end = min(sim.now + c.step, end)
            local = tl.stage_at(sim.now - town["offset"])
            share = min(1.0, max(0.0, (local - town["flood_stage"]) / town["full_depth"]))
            evac = state["evacuations"].get(tid)
            moved = (1.0 - c.stay_share) * (evac.progress_at(sim.now) if evac else 0.0)
            left = town["people"] * (1.0 - moved)
            rate = c.rate_per_1000 * left * share / 1000.0
            t = sim.now
            while rate > 0:
                t += arrivals.exponential(1.0 / rate)
                if t >= step_end:
                    break
                yield at(t)
                aerial = c.aerial_share > 0 and which.random() < c.aerial_share
                minutes = (c.on_scene_mean if c.on_scene_distribution == "fixed"
                           else work.exponential(c.on_scene_mean))
                count += 1
                place = seat if c.scatter is None else scatter(seat, c.scatter, where, count)
                sim.create_incident(c.aerial_kind if aerial else c.kind, place,
                                    c.aerial_demand if aerial else c.demand,
                                    max(minutes, 1.0), c.priority, township=tid)
            yield at(step_end)

    if not sim.auto_orders:
        sim.register_order("evacuate", evacuate_order,
                           "evacuate TOWNSHIP: order the evacuation of a riverside township")
    sim.process(readings())
    sim.process(warning_and_orders())
    for town in tl.townships:
        sim.process(township(town))


#: flooded townships of each running simulation: [(set of township ids, allowed, hazard id)]
_FLOODED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def restriction(sim, unit, origin, destination):
    """A road unit may not drive into a flooded township unless it brings one of the
    allowed capabilities (boats); a unit already inside it may work and leave."""
    if unit.mode != "road" or destination.township is None:
        return None
    for flooded, allowed, hazard_id in _FLOODED.get(sim, ()):
        if destination.township in flooded and origin.township != destination.township \
                and not any(unit.capabilities.get(c, 0) > 0 for c in allowed):
            return Restriction(closed=True, reason=f"{hazard_id}: {destination.township} flooded, "
                                                   f"reachable only with {' or '.join(allowed)} or by air")
    return None


def scatter(seat: Place, radius_km: float, rng, n: int) -> Place:
    """A point uniform over the disc of ``radius_km`` around ``seat`` (equirectangular
    offset; 1° latitude = 111.32 km), in the same township."""
    d = radius_km * math.sqrt(rng.random())
    theta = 2 * math.pi * rng.random()
    lat = seat.lat + d * math.cos(theta) / 111.32
    lon = seat.lon + d * math.sin(theta) / (111.32 * math.cos(math.radians(seat.lat)))
    return Place(f"{seat.id}#{n}", f"{seat.name} #{n}", lat, lon, "incident", seat.township)


def _check(params: TransitFloodParams, context):
    region = context.region
    yield from _check_river(params, context)
    seen = set()
    for i, t in enumerate(params.townships):
        if t.township not in region.townships:
            yield (("townships", i, "township"), f"unknown township {t.township!r}"
                   + suggest(t.township, list(region.townships)))
        if t.township in seen:
            yield (("townships", i, "township"), f"township {t.township!r} is listed twice")
        seen.add(t.township)
    people = max(params.evacuation.total_people,
                 sum(t.people_at_risk or 0 for t in params.townships))
    if people > SLOW_PEOPLE:
        context.warn(("evacuation", "total_people"),
                     f"{people:,} people at risk make many rescue calls: one replication may take "
                     f"many minutes (over {SLOW_PEOPLE:,} people); check the figure")
    h0 = params.gauge.rating.h0
    if params.gauge.warning_stage <= h0:
        yield (("gauge", "warning_stage"), f"the warning stage must be above the rating's zero-flow "
                                           f"stage h0 = {h0:g} m")
    for i, t in enumerate(params.townships):
        if t.flood_stage <= h0:
            yield (("townships", i, "flood_stage"), f"the flood stage must be above the rating's "
                                                    f"zero-flow stage h0 = {h0:g} m")
    reserve = params.evacuation.reserve
    if reserve is not None and reserve not in context.reserves:
        yield (("evacuation", "reserve"), f"no reserve {reserve!r} in the scenario's reserves "
               f"(have: {', '.join(context.reserves) or 'none'})")
    calls = params.rescue_calls
    wants = [(("rescue_calls", "demand"), calls.kind, calls.demand),
             (("evacuation", "capability"), params.evacuation.kind, {params.evacuation.capability: 1})]
    if calls.aerial_share > 0:
        wants.append((("rescue_calls", "aerial_demand"), calls.aerial_kind, calls.aerial_demand))
    for where, kind, demand in wants:
        for cap in demand:
            if not context.can_serve(kind, cap):
                context.warn(where, f"no force in this scenario brings {cap!r} to "
                             f"{kind!r} incidents: they will wait unanswered")


def _check_river(params: TransitFloodParams, context):
    """The ``river`` must be one the region's townships lie on (their ``river:``). A
    region that records no rivers cannot tell: a warning then. Listed townships known to
    lie on another river get a warning (the flood would not reach them by this river)."""
    rivers = {t.river: None for t in context.region.townships.values() if t.river}
    if not rivers:
        context.warn(("river",), f"the region records no rivers for its townships, so river "
                                 f"{params.river!r} cannot be checked")
        return
    if params.river not in rivers:
        yield (("river",), f"river {params.river!r} is not a river of the region (its townships "
                           f"lie on: {', '.join(sorted(rivers))})" + suggest(params.river, list(rivers)))
        return
    for i, t in enumerate(params.townships):
        town = context.region.townships.get(t.township)
        if town is not None and town.river and town.river != params.river:
            context.warn(("townships", i, "township"),
                         f"{t.township!r} lies on the {town.river}, not the {params.river}")


TRANSIT_FLOOD = HazardType(
    name="transit_flood",
    description="过境洪水 transit flood: upstream hydrograph, Muskingum routing, rating curve, "
                "warnings, evacuation and rescue calls",
    params_model=TransitFloodParams,
    start=_start,
    check=_check,
    incident_kinds=lambda p: [p.evacuation.kind, p.rescue_calls.kind]
    + ([p.rescue_calls.aerial_kind] if p.rescue_calls.aerial_share > 0 else []),
)


def route_calculator(inflow, K, X, dt, initial_outflow=None, reaches=1) -> dict:
    """``drillsim hazard route``: Muskingum routing of an inflow series (K, dt in minutes).

    :raises ValueError: negative flows, X outside [0, 0.5], reaches < 1, or a step outside
        the stable range (messages in hours, as the user writes them).
    """
    if any(q < 0 for q in inflow) or (initial_outflow is not None and initial_outflow < 0):
        raise ValueError("flows must not be negative")
    if not 0 <= X <= 0.5:
        raise ValueError(f"X must lie in [0, 0.5], got {X:g}")
    if reaches < 1:
        raise ValueError(f"reaches must be at least 1, got {reaches}")
    k = K / reaches
    lo, hi = 2 * k * X, 2 * k * (1 - X)
    if not lo - 1e-9 <= dt <= hi + 1e-9:
        raise ValueError(f"the step {dt / 60:g} h is outside the stable range 2KX <= dt <= 2K(1-X) = "
                         f"[{lo / 60:.3g} h, {hi / 60:.3g} h] for K = {k / 60:.3g} h per sub-reach, "
                         f"X = {X:g}; change --dt or --reaches")
    c1, c2, c3 = muskingum_coefficients(k, X, dt)
    out = muskingum_route(inflow, K, X, dt, initial_outflow, reaches)
    peak_in = max(range(len(inflow)), key=inflow.__getitem__)
    peak_out = max(range(len(out)), key=out.__getitem__)
    return {"C1": c1, "C2": c2, "C3": c3, "outflow": out,
            "peak_inflow": inflow[peak_in], "peak_outflow": out[peak_out],
            "peak_lag_steps": peak_out - peak_in,
            "attenuation": 1 - out[peak_out] / inflow[peak_in] if inflow[peak_in] > 0 else 0.0}


def route_summary(result: dict, options: dict) -> list[tuple[str, str]]:
    """The routing for people: coefficients, the peaks (in the inflow's own unit), the
    attenuation and lag, and the outflow series (up to 48 steps; ``--json`` for more)."""
    f = format_number
    dt_h = options["dt"] / 60
    lag = result["peak_lag_steps"]
    out = result["outflow"]
    rows = [("Muskingum coefficients C1, C2, C3", ", ".join(f(result[c], 4) for c in ("C1", "C2", "C3"))),
            ("peak inflow → peak outflow", f"{f(result['peak_inflow'])} → {f(result['peak_outflow'])} "
                                           "(the inflow's unit)"),
            ("attenuation of the peak", f"{f(result['attenuation'] * 100)} %"),
            ("peak lag", f"{lag} step{'s' if lag != 1 else ''} = {f(lag * dt_h)} h"),
            ("outflow", f"{len(out)} steps of {f(dt_h)} h" + (
                ": " + ", ".join(f(q) for q in out) if len(out) <= 48 else " (--json lists them)"))]
    return rows


ROUTE = Calculator(
    name="route",
    description="Muskingum flood routing (Chow, Maidment & Mays 1988, §8.4). Flows in any one unit; "
                "outflow is the routed series at the same steps.",
    options=(
        CalcOption("inflow", "series", "inflow series: comma-separated numbers or a CSV file", required=True),
        CalcOption("K", "time", "storage constant K, e.g. 2.3h", required=True),
        CalcOption("X", "number", "weighting factor X, 0-0.5", required=True),
        CalcOption("dt", "time", "routing step, e.g. 1h", required=True),
        CalcOption("initial_outflow", "number", "outflow at the first step (default: first inflow)"),
        CalcOption("reaches", "integer", "equal sub-reaches routed in cascade", default="1"),
    ),
    compute=route_calculator,
    summary=route_summary,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(TRANSIT_FLOOD)


@hookimpl
def drillsim_register_calculators(register):
    register(ROUTE)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    return restriction(sim, unit, origin, destination)
