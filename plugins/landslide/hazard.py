"""The ``landslide`` hazard (地质灾害: landslides and debris flows) triggered by rain.

What a run does:

1. Rain falls as a series of depths per step (``rainfall``), from ``rainfall.start``. At
   each hazard point (a region site, normally of kind ``geohazard``: 地质灾害隐患点) the
   rain is the series times the point's ``rain_factor``.
2. Trigger: the point slides ``lag`` after its rain first reaches the rainfall
   intensity–duration threshold (:mod:`.threshold`: Caine 1980, Guzzetti et al. 2008 or a
   regional curve), with probability ``probability`` (one draw per point and replication;
   otherwise the slope holds: ``slope_held``).
3. Warning: at a *monitored* point (mass monitoring, 群测群防, plan III.(2).4(2)) a warning
   is issued ``warning.issue_delay`` after its rain reaches ``warning.fraction`` of the
   threshold (the curve with ``a`` scaled by the fraction). ``relocation.order_delay``
   later a relocation incident moves its residents out (``residents_per_rescuer``,
   ``rate_per_rescuer``, as the flood's evacuation). In a drill the players order it
   (``evacuate TOWNSHIP``: every hazard point of the township).
4. The slide: residents not yet moved out are still there (whole people: those the
   relocation's progress has fully moved); ``buried_share`` of the homes and of the
   people still there are buried (rounded half up). A rescue incident demanding
   ``rescue.demand`` (rescuers and an excavator) is reported ``rescue.detection`` later,
   with ``rescue.work_per_home`` of work per buried home at full demand. An unfinished
   relocation at the point ends.
5. The road at the point is blocked for ``road.duration``: a road trip whose straight line
   passes within ``road.radius`` of the point is closed (``detour`` None: no way round) or
   slowed by ``detour``; trips to or from the slide itself stay open (rescuers come from
   their side). Through the ``drillsim_travel_restriction`` hook and
   ``sim.access_changed`` like the flood's and the plume's closures.

Events: ``hazard_started``, ``warning_issued`` (``townships``, ``point``),
``relocation_ordered``, ``hazard_arrival`` (``township``, ``level`` = ``impact``,
``point``), ``landslide`` (``point``, ``residents``, ``relocated``, ``remaining``,
``buried_people``, ``homes_buried``, ``monitored``, ``warned``, ``warning_lead``
minutes or None), ``slope_held``, ``road_blocked``,
``road_reopened``, ``hazard_summary``.
"""

from __future__ import annotations

import math
import weakref
from typing import Literal

from pydantic import Field, field_validator, model_validator

from drillsim.api import (Count, Demand, HazardType, Duration, DurationOrZero, Fraction, Length, OrderRefused, Rate,
                          Strict, suggest)

from .. import roads
from ..rescuers import check_rescuer_work
from .threshold import CURVES, Curve, depth_problem, exceedance


class RainfallParams(Strict):
    """Rain depth (mm) in each ``step`` from scenario time ``start``: one rain event."""

    start: DurationOrZero = 0.0
    """Scenario time the rain series starts (e.g. `2h`); 0 = the scenario's start."""
    step: Duration
    """Length of each rain step (e.g. `1h`); at least 1 min."""
    values_mm: list[float] = Field(min_length=1)
    """Rain depth in mm in each step, in order (0 or more each), at a point with `rain_factor` 1."""

    @field_validator("values_mm")
    @classmethod
    def _depths(cls, v: list[float], info) -> list[float]:
        if any(not (d >= 0) or math.isinf(d) for d in v):
            raise ValueError("rain depths must be finite numbers of mm, 0 or more")
        step = info.data.get("step")
        problem = depth_problem(step, v) if step is not None else None
        if problem is not None:
            raise ValueError(problem)
        return v

    @field_validator("step")
    @classmethod
    def _step(cls, v: float) -> float:
        if v < 1.0:
            raise ValueError("a rainfall step shorter than 1 min is refused")
        return v


class ThresholdParams(Strict):
    """A published curve by name, or a regional one: ``a`` (mm/h), ``b``, its duration
    range and its source."""

    curve: Literal["caine_1980", "guzzetti_2008"] | None = None
    """A published intensity–duration curve: `caine_1980` (Caine 1980, I = 14.82 D^-0.39) or `guzzetti_2008` (Guzzetti et al. 2008, I = 2.20 D^-0.44); or leave it out and give a regional curve (`a`, `b`, `d_min`, `d_max`, `source`)."""
    a: float | None = None
    """Regional curve I = a·D^-b: intensity in mm/h at a duration of 1 h."""
    b: float | None = None
    """Regional curve I = a·D^-b: the exponent (dimensionless, positive)."""
    d_min: Duration | None = None
    """Shortest rain duration the regional curve holds for (e.g. `1h`)."""
    d_max: Duration | None = None
    """Longest rain duration the regional curve holds for (e.g. `240h`)."""
    source: str | None = None
    """Where the regional curve comes from (publication, year, region)."""

    @model_validator(mode="after")
    def _one(self):
        own = (self.a, self.b, self.d_min, self.d_max, self.source)
        if (self.curve is None) == all(v is None for v in own):
            raise ValueError("give either curve: caine_1980 | guzzetti_2008, or a regional curve "
                             "with a, b, d_min, d_max and source")
        if self.curve is None:
            if any(v is None for v in own):
                raise ValueError("a regional curve needs a, b, d_min, d_max and source")
            self.resolve()   # raises for a curve outside the model's range
        return self

    def resolve(self) -> Curve:
        if self.curve is not None:
            return CURVES[self.curve]
        return Curve(self.a, self.b, self.d_min / 60.0, self.d_max / 60.0, self.source)


class WarningParams(Strict):
    """Warn when a monitored point's rain reaches ``fraction`` of its threshold."""

    fraction: Fraction = 0.8
    """Warn when a monitored point's rain reaches this share of its threshold (the curve with `a` scaled by it; above 0, e.g. `80%`)."""
    issue_delay: DurationOrZero = 0.0
    """From reaching the warning level to the warning being issued (e.g. `30min`)."""

    @field_validator("fraction")
    @classmethod
    def _positive(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("a warning at 0 % of the threshold would fire with the first drop")
        return v


class RoadParams(Strict):
    """The road the point sits on, blocked by the slide for ``duration``."""

    name: str
    """The road's name, for events and reports (e.g. `S205`)."""
    between: list[str] = Field(min_length=2, max_length=2)
    """The two places (township or site ids) the road joins: trips between them pass the point."""
    radius: Length = 0.5
    """A road trip whose straight line passes within this distance of the point is affected (e.g. `500m`)."""
    detour: float | None = Field(default=None, ge=1.0, le=5.0)
    """Factor on the travel time of an affected trip (1-5); leave it out: no way round, the road is closed."""
    duration: Duration
    """How long the road stays blocked after the slide (e.g. `12h`)."""


class PointParams(Strict):
    place: str
    """The hazard point: a region site id, normally of kind `geohazard` (地质灾害隐患点)."""
    residents: int = Field(default=0, ge=0, le=100_000)
    """People living within reach of the slide (0-100,000)."""
    homes: int = Field(default=0, ge=0, le=10_000)
    """Homes within reach of the slide (0-10,000)."""
    buried_share: Fraction = 0.5
    """Share of the homes, and of the people still there, the slide buries (rounded half up; e.g. `50%`)."""
    rain_factor: float = Field(default=1.0, gt=0, le=5)
    """This point's rain as a multiple of the series (above 0, at most 5): a wetter or drier slope."""
    lag: DurationOrZero = 0.0
    """From the rain reaching the threshold to the slide (e.g. `1h`)."""
    probability: Fraction = 1.0
    """Chance the point slides once its threshold is reached (one draw per point and replication); otherwise the slope holds (`slope_held`)."""
    monitored: bool = True
    """Under mass monitoring (群测群防, plan III.(2).4(2)): warned at `warning.fraction` of the threshold; unmonitored points are not warned."""
    road: RoadParams | None = None
    """The road the point sits on, blocked by the slide; leave it out when none."""


class RelocationParams(Strict):
    residents_per_rescuer: Count = Field(ge=0.1)
    """Residents per rescuer sent: the relocation demands residents ÷ this rescuers (rounded up), each moving this many out. At least 0.1 (ten rescuers for one resident, a bedridden one carried): 1e-320 sent infinitely many."""
    rate_per_rescuer: Rate
    """People each rescuer on scene moves out per unit of time (e.g. `10/h`)."""
    order_delay: DurationOrZero = 0.0
    """From the warning to the relocation order (e.g. `30min`); in a drill the players order it (`evacuate TOWNSHIP`)."""
    capability: str = "people"
    """The capability the relocation demands (default `people`)."""
    kind: str = "relocation"
    """Incident kind of the relocation (default `relocation`)."""
    priority: int = Field(default=2, ge=1, le=9)
    """Dispatch priority of the relocation (1 = first, 9 = last)."""

    @field_validator("rate_per_rescuer")
    @classmethod
    def _work_fits_a_run(cls, v: float, info) -> float:
        return check_rescuer_work(info.data.get("residents_per_rescuer"), v)


class RescueParams(Strict):
    kind: str = "landslide_rescue"
    """Incident kind of the rescue after a slide (default `landslide_rescue`)."""
    demand: Demand = {"people": 20.0, "excavator": 1.0}
    """What the rescue demands, by capability (default 20 people and 1 excavator)."""
    work_per_home: Duration = 180.0
    """Work per buried home at full demand (e.g. `3h`)."""
    detection: DurationOrZero = 15.0
    """From the slide to the rescue being reported (e.g. `15min`)."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority of the rescue (1 = first, 9 = last)."""


class LandslideParams(Strict):
    """``params:`` of a ``landslide`` hazard (see the module docstring)."""

    rainfall: RainfallParams
    """The rain event: depths per step from a start time."""
    threshold: ThresholdParams
    """The rainfall intensity–duration threshold at which a point slides."""
    warning: WarningParams | None = WarningParams.defaults()
    """When a monitored point is warned; `null`: no warnings at all."""
    points: list[PointParams] = Field(min_length=1)
    """The hazard points that may slide (at least one)."""
    relocation: RelocationParams
    """How warned points' residents are moved out."""
    rescue: RescueParams = RescueParams.defaults()
    """The rescue incident a slide that buries homes creates."""


def incident_kinds(p: LandslideParams) -> list[str]:
    """A landslide creates relocations and rescues."""
    return [p.relocation.kind, p.rescue.kind]


_BLOCKED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def restriction(sim, unit, origin, destination):
    """Road units may not pass a blocked road (or go round by its ``detour`` factor):
    :func:`drillsim_plugins.roads.restriction`."""
    blocks = _BLOCKED.get(sim) if _BLOCKED else None  # asked on every trip: none, at once
    return roads.restriction(blocks, unit, origin, destination) if blocks else None


def start(sim, hazard) -> None:
    """``HazardType.start``: schedule each point's warning and slide."""
    p: LandslideParams = hazard.params
    curve = p.threshold.resolve()
    rain = p.rainfall
    relocations: dict[str, object] = {}
    slid: set[str] = set()
    sim.log.log("hazard_started", hazard=hazard.id, kind="landslide", curve=curve.source,
                a=curve.a, b=curve.b, points=[pt.place for pt in p.points])

    def at(t: float):
        return sim.timeout(max(0.0, t - sim.now))

    def relocate(pt: PointParams, by: str):
        r = p.relocation
        place = sim.region.place(pt.place)
        rescuers = max(1, math.ceil(pt.residents / r.residents_per_rescuer))
        sim.log.log("relocation_ordered", hazard=hazard.id, point=pt.place, township=place.township,
                    people=pt.residents, rescuers=rescuers, by=by)
        relocations[pt.place] = sim.create_incident(
            r.kind, place, {r.capability: rescuers}, r.residents_per_rescuer / r.rate_per_rescuer,
            r.priority, township=place.township, people=pt.residents, point=pt.place, hazard=hazard.id)

    def relocate_order(township, by="player"):
        """The drill's ``evacuate TOWNSHIP``: relocate every hazard point there not yet
        slid or ordered."""
        here = [q for q in p.points if sim.region.place(q.place).township == township]
        if not here:
            raise OrderRefused(f"{township} has no geological hazard point of {hazard.id}")
        todo = [q for q in here if q.place not in relocations and q.place not in slid and q.residents > 0]
        if not todo:
            raise OrderRefused(f"every hazard point of {township} has slid, is empty or is already "
                               "being relocated")
        for q in todo:
            relocate(q, by)
        return "relocation ordered: " + ", ".join(f"{q.place} ({q.residents} people)" for q in todo)

    def offer_order():
        """Offer ``evacuate`` once every hazard has started: another hazard (a flood) may
        offer it too, and then an order its township list refuses comes here (the engine
        chains orders registered under one name)."""
        yield sim.timeout(0)
        sim.register_order("evacuate", relocate_order,
                           "evacuate TOWNSHIP: move residents out of its geological hazard points")

    def warning(pt: PointParams, when: float):
        yield at(when)
        if pt.place in slid:
            return
        place = sim.region.place(pt.place)
        sim.log.log("warning_issued", hazard=hazard.id, townships=[place.township], point=pt.place,
                    rule=f"rain at {p.warning.fraction:.0%} of the threshold")
        if not sim.auto_orders or pt.residents <= 0:
            return
        yield sim.timeout(p.relocation.order_delay)
        if pt.place not in slid and pt.place not in relocations:
            relocate(pt, "auto")

    def slide(pt: PointParams, when: float, fails: bool):
        yield at(when)
        place = sim.region.place(pt.place)
        if not fails:
            sim.log.log("slope_held", hazard=hazard.id, point=pt.place, township=place.township)
            return
        slid.add(pt.place)
        inc = relocations.get(pt.place)
        # whole people: those fully moved out by now; half-up rounding for the buried
        moved = math.floor(pt.residents * inc.progress_at(sim.now) + 1e-9) if inc is not None else 0
        remaining = pt.residents - moved
        homes = math.floor(pt.homes * pt.buried_share + 0.5)
        buried = math.floor(remaining * pt.buried_share + 0.5)
        warned_at = warn_times.get(pt.place)
        lead = None if warned_at is None or warned_at > sim.now else sim.now - warned_at
        if inc is not None:
            sim.complete_incident(inc, "the slope failed")
        sim.log.log("hazard_arrival", hazard=hazard.id, township=place.township, level="impact",
                    point=pt.place, people=remaining)
        sim.log.log("landslide", hazard=hazard.id, point=pt.place, township=place.township,
                    residents=pt.residents, relocated=moved, remaining=remaining, buried_people=buried,
                    homes_buried=homes, monitored=pt.monitored, warned=lead is not None, warning_lead=lead)
        if pt.road is not None:
            block = roads.Block(hazard.id, pt.place, place.lat, place.lon, pt.road.name, pt.road.radius,
                                pt.road.detour, "the slide")
            _BLOCKED.setdefault(sim, []).append(block)
            sim.log.log("road_blocked", hazard=hazard.id, point=pt.place, road=pt.road.name,
                        between=list(pt.road.between), detour=pt.road.detour,
                        for_min=pt.road.duration)
            sim.access_changed(f"{hazard.id}: {pt.road.name} blocked at {pt.place}")
            sim.process(reopen(block, sim.now + pt.road.duration))
        if homes > 0:
            yield sim.timeout(p.rescue.detection)
            r = p.rescue
            sim.create_incident(r.kind, place, r.demand, r.work_per_home * homes, r.priority,
                                township=place.township, point=pt.place, homes=homes,
                                people=buried, hazard=hazard.id)

    def reopen(block: roads.Block, when: float):
        yield at(when)
        block.open = True
        sim.log.log("road_reopened", hazard=hazard.id, point=block.point, road=block.road)
        sim.access_changed(f"{hazard.id}: {block.road} reopened at {block.point}")

    warn_times: dict[str, float] = {}
    figures = {}
    for pt in p.points:
        depths = [d * pt.rain_factor for d in rain.values_mm]
        trigger = exceedance(rain.step, depths, curve)
        draw = sim.rng(f"{hazard.id}.fails.{pt.place}").random()
        fails = draw < pt.probability
        warn_at = None
        if p.warning is not None and pt.monitored:
            w = exceedance(rain.step, depths, curve.scaled(p.warning.fraction))
            if w is not None:
                warn_at = rain.start + w + p.warning.issue_delay
                warn_times[pt.place] = warn_at
                sim.process(warning(pt, warn_at))
        if trigger is not None:
            sim.process(slide(pt, rain.start + trigger + pt.lag, fails))
        figures[f"{pt.place}_threshold_reached_min"] = None if trigger is None else rain.start + trigger
        figures[f"{pt.place}_warning_min"] = warn_at
    figures["rain_total_mm"] = sum(rain.values_mm)
    sim.log.log("hazard_summary", hazard=hazard.id, figures=figures)
    if not sim.auto_orders:
        sim.process(offer_order())


def check(params: LandslideParams, context):
    """Cross-references: points and road ends exist; the demand can be met; the rain
    ever reaches the threshold (a warning if not)."""
    region = context.region
    seen = set()
    for i, pt in enumerate(params.points):
        if pt.place not in region.places:
            yield (("points", i, "place"), f"unknown place {pt.place!r}" + suggest(pt.place, list(region.places)))
        if pt.place in seen:
            yield (("points", i, "place"), f"hazard point {pt.place!r} is listed twice")
        seen.add(pt.place)
        if pt.road is not None:
            for j, town in enumerate(pt.road.between):
                if town not in region.places:
                    yield (("points", i, "road", "between", j), f"unknown place {town!r}"
                           + suggest(town, list(region.places)))
    curve = params.threshold.resolve()
    if all(exceedance(params.rainfall.step, [d * pt.rain_factor for d in params.rainfall.values_mm], curve)
           is None for pt in params.points):
        context.warn(("rainfall", "values_mm"), "the rain never reaches the threshold at any point: "
                                                "nothing will slide")
    wants = [(("rescue", "demand"), params.rescue.kind, params.rescue.demand),
             (("relocation", "capability"), params.relocation.kind, {params.relocation.capability: 1})]
    for where, kind, demand in wants:
        for cap in demand:
            if not context.can_serve(kind, cap):
                context.warn(where, f"no force in this scenario brings {cap!r} to {kind!r} incidents: "
                                    "they will wait unanswered")


LANDSLIDE_HAZARD = HazardType(
    name="landslide",
    description="地质灾害 rain-triggered landslide / debris flow: intensity-duration threshold, warning and "
                "relocation, buried homes, road blocked",
    params_model=LandslideParams,
    start=start,
    check=check,
    incident_kinds=incident_kinds,
)
