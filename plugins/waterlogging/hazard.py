"""The ``urban_waterlogging`` hazard (城市内涝): a rainstorm over the city's drains.

What a run does:

1. Rain falls as depths per step (``rainfall``, as the landslide's). At each
   waterlogging point (a place of the region: an underpass, low ground) and on the
   city's streets the surplus over the drains' capacity ponds and drains
   (:mod:`.model`: rational method with a storage rule), step by step until it is gone.
2. A point whose water reaches ``close_depth_mm`` (default 300 mm, where Pregnolato et
   al. 2017 find a road impassable) closes the street there until the water falls below
   it again: a road trip whose straight line passes within the point's ``radius`` is
   closed, or slowed by its ``detour`` (:class:`drillsim_plugins.roads.Block`; trips to
   the point itself stay open). ``road_blocked`` / ``road_reopened``.
3. While a point is closed, calls for help (people trapped in cars or flooded ground
   floors) come from it as a Poisson stream of ``calls.rate_per_h``: incidents of kind
   ``calls.kind`` demanding ``calls.demand`` for ``calls.on_scene``.
4. The city's streets: every road trip slows on the part of its straight line within
   ``streets.radius`` of the city's seat by the factor v(0)/v(w) of Pregnolato et al.
   (2017) at the streets' water depth w (at most ``streets.max_factor``): a trip with a
   share p of its line in the city takes 1 + p (f − 1) times as long.

5. The severe convective weather warning (optional ``nowcast``,
   :mod:`drillsim_plugins.nowcast`): its onset is the first step raining at 20 mm/h or more.

Events: ``hazard_started``, ``water_depth`` (``hazard``, ``depths_mm`` by point,
``streets_mm``, ``factor``; at each step while any water stands), ``road_blocked``,
``road_reopened``, ``hazard_summary`` (``rain_total_mm``, ``<point>_peak_mm``,
``streets_peak_mm``, ``<point>_closed_min``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from pydantic import Field, field_validator

from drillsim.api import Demand, HazardType, Duration, Fraction, Length, Restriction, Strict, suggest, to_local_km

from .. import roads
from ..landslide.hazard import RainfallParams
from ..nowcast import NowcastParams, onset_minute, start_nowcast
from . import model


class Drainage(Strict):
    """How a catchment sheds rain: runoff coefficient ψ, the drains' capacity, and the
    share of the area the surplus stands on."""

    runoff: Fraction
    """Runoff coefficient ψ (GB 50014: 0.85-0.95 roofs and asphalt; 0.45-0.75 a built-up area as a whole)."""
    capacity_mm_h: float = Field(gt=0, le=300)
    """What the drains carry, as a rain intensity in mm/h (the design storm of their return period)."""
    ponding_share: Fraction
    """Share of the catchment's area the surplus water stands on (low ground)."""

    @field_validator("runoff", "ponding_share")
    @classmethod
    def _positive(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("must be above 0 %")
        return v


class PointParams(Drainage):
    """A waterlogging point (内涝点) of the plan: a place of the region."""

    place: str
    """Place id (an underpass, low ground)."""
    road: str
    """The street it closes, by name."""
    radius: Length = 0.3
    """Trips passing closer than this are affected."""
    detour: float | None = Field(default=None, ge=1.0, le=5.0)
    """None: no way round while closed; else the factor on trips passing it."""
    close_depth_mm: float = Field(default=model.IMPASSABLE_MM, gt=0, le=3000)
    """Water depth (mm) from which the street is closed."""


class StreetParams(Drainage):
    """The city's streets as one catchment around a seat."""

    place: str
    """The city's seat (a township or place id)."""
    radius: Length
    """Trips are slowed on the part of their line within this distance of it."""
    max_factor: float = Field(default=3.0, ge=1.0, le=5.0)
    """The slow-down never exceeds this factor (also where the water is impassable)."""


class CallParams(Strict):
    kind: str = "waterlogging_rescue"
    """Incident kind of a call for help."""
    rate_per_h: float = Field(default=1.0, ge=0, le=60)
    """Calls per hour from each closed point."""
    demand: Demand = {"people": 6.0}
    """What a call needs."""
    on_scene: Duration = 30.0
    """Work at full demand."""
    priority: int = Field(default=2, ge=1, le=9)
    """Dispatch priority."""


class WaterloggingParams(Strict):
    """``params:`` of an ``urban_waterlogging`` hazard (see the module docstring)."""

    rainfall: RainfallParams
    """The storm: depths per step from `start`."""
    points: list[PointParams] = Field(min_length=1)
    """The waterlogging points."""
    streets: StreetParams | None = None
    """The city's streets (none: no city-wide slow-down)."""
    calls: CallParams = CallParams.defaults()
    """Calls for help from closed points."""
    nowcast: NowcastParams | None = None
    """The severe convective weather warning for the storm (:mod:`drillsim_plugins.nowcast`;
    none: not modelled)."""


def incident_kinds(p: WaterloggingParams) -> list[str]:
    """Waterlogging makes calls for help."""
    return [p.calls.kind]


@dataclass
class Streets:
    """The city's streets during a run (shared with the access restriction)."""

    lat: float
    lon: float
    radius: float
    factor: float = 1.0

    def restriction(self, origin, destination):
        if self.factor <= 1.0:
            return None
        ax, ay = to_local_km(origin.lat, origin.lon, self.lat, self.lon)
        bx, by = to_local_km(destination.lat, destination.lon, self.lat, self.lon)
        share = model.share_inside_disc(ax, ay, bx, by, self.radius)
        if share <= 0:
            return None
        return Restriction(factor=1.0 + share * (self.factor - 1.0), reason="waterlogged city streets")


_STATE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def restriction(sim, unit, origin, destination):
    """Closed waterlogging points, then the slow city streets (road units only)."""
    if unit.mode != "road":
        return None
    state = _STATE.get(sim) if _STATE else None  # asked on every trip: none, at once
    if state is None:
        return None
    blocked = roads.restriction(state["blocks"], unit, origin, destination)
    if blocked is not None and blocked.closed:
        return blocked
    slow = [r for r in (blocked, *(s.restriction(origin, destination) for s in state["streets"])) if r]
    return max(slow, key=lambda r: r.factor) if slow else None


def start(sim, hazard) -> None:
    """``HazardType.start``: the depth at every point and on the streets, step by step."""
    p: WaterloggingParams = hazard.params
    rain = p.rainfall
    state = _STATE.setdefault(sim, {"blocks": [], "streets": []})
    series = {pt.place: [model.water_depth_mm(s, pt.runoff, pt.ponding_share)
                         for s in model.surplus_series(rain.values_mm, pt.capacity_mm_h, rain.step)]
              for pt in p.points}
    street_series: list[float] = []
    streets = None
    if p.streets is not None:
        st = p.streets
        street_series = [model.water_depth_mm(s, st.runoff, st.ponding_share)
                         for s in model.surplus_series(rain.values_mm, st.capacity_mm_h, rain.step)]
        seat = sim.region.place(st.place)
        streets = Streets(seat.lat, seat.lon, st.radius)
        state["streets"].append(streets)
    blocks = {}
    for pt in p.points:
        place = sim.region.place(pt.place)
        blocks[pt.place] = roads.Block(hazard.id, pt.place, place.lat, place.lon, pt.road, pt.radius,
                                       pt.detour, "water", open=True)
        state["blocks"].append(blocks[pt.place])
    steps = max([len(s) for s in series.values()] + [len(street_series)])
    closed_since: dict[str, float] = {}
    closed_total = {pt.place: 0.0 for pt in p.points}
    sim.log.log("hazard_started", hazard=hazard.id, kind="urban_waterlogging",
                points=[pt.place for pt in p.points], rain_total_mm=sum(rain.values_mm))
    if p.nowcast is not None:
        onset = onset_minute(rain.start, rain.step, rain.values_mm, p.nowcast.intense_mm_h)
        peak = max(rain.values_mm) / rain.step * 60.0
        start_nowcast(sim, hazard.id, p.nowcast, onset, peak)

    def at_step(series_, k):
        return series_[k] if k < len(series_) else 0.0

    def calls(pt: PointParams):
        c = p.calls
        if c.rate_per_h <= 0:
            return
        arrivals = sim.rng(f"{hazard.id}.calls.{pt.place}")
        place = sim.region.place(pt.place)
        block = blocks[pt.place]
        t = sim.now
        while not block.open:
            t += arrivals.exponential(60.0 / c.rate_per_h)
            yield sim.timeout(max(0.0, t - sim.now))
            if block.open or sim.now >= sim.horizon:
                return
            sim.create_incident(c.kind, place, c.demand, c.on_scene, c.priority, township=place.township,
                                point=pt.place, hazard=hazard.id)

    def run():
        yield sim.timeout(max(0.0, rain.start - sim.now))
        for k in range(steps):
            yield sim.timeout(rain.step)
            progress["steps"] = k + 1
            depths = {pt.place: at_step(series[pt.place], k) for pt in p.points}
            w_street = at_step(street_series, k)
            changed = False
            for pt in p.points:
                block, w = blocks[pt.place], depths[pt.place]
                if block.open and w >= pt.close_depth_mm:
                    block.open = False
                    closed_since[pt.place] = sim.now
                    changed = True
                    sim.log.log("road_blocked", hazard=hazard.id, point=pt.place, road=pt.road, between=None,
                                township=sim.region.place(pt.place).township, detour=pt.detour, for_min=None)
                    sim.process(calls(pt))
                elif not block.open and w < pt.close_depth_mm:
                    block.open = True
                    closed_total[pt.place] += sim.now - closed_since.pop(pt.place)
                    changed = True
                    sim.log.log("road_reopened", hazard=hazard.id, point=pt.place, road=pt.road,
                                township=sim.region.place(pt.place).township)
            if streets is not None:
                f = model.slow_down(w_street, p.streets.max_factor)
                if f != streets.factor:
                    streets.factor = f
                    changed = True
            if any(depths.values()) or w_street > 0 or changed:
                sim.log.log("water_depth", hazard=hazard.id, depths_mm={k_: round(v, 1) for k_, v in depths.items()},
                            streets_mm=round(w_street, 1), factor=round(streets.factor, 4) if streets else 1.0)
            if changed:
                sim.access_changed(f"{hazard.id}: water on the streets changed")
        if not closed_since:  # a road still closed stays so to the end of the run: summed then
            summarise()

    def summarise() -> None:
        """The ``hazard_summary``: the rain, each point's peak depth and minutes closed
        (a closure still on counted to now), the streets' peak — over the steps run."""
        progress["summarised"] = True
        done = progress["steps"]
        figures = {"rain_total_mm": sum(rain.values_mm)}
        for pt in p.points:
            figures[f"{pt.place}_peak_mm"] = round(max(series[pt.place][:done], default=0.0), 1)
            still = sim.now - closed_since[pt.place] if pt.place in closed_since else 0.0
            figures[f"{pt.place}_closed_min"] = closed_total[pt.place] + still
        if street_series:
            figures["streets_peak_mm"] = round(max(street_series[:done], default=0.0), 1)
        sim.log.log("hazard_summary", hazard=hazard.id, figures=figures)

    def at_horizon() -> None:
        if not progress["summarised"]:
            summarise()

    progress = {"steps": 0, "summarised": False}
    sim.at_horizon(at_horizon)
    sim.process(run())


def check(params: WaterloggingParams, context):
    """Cross-references: the points and the city seat are places of the region; the
    rain ever exceeds the drains somewhere (a warning if not); calls can be served."""
    region = context.region
    seen = set()
    for i, pt in enumerate(params.points):
        if pt.place not in region.places:
            yield (("points", i, "place"), f"unknown place {pt.place!r}" + suggest(pt.place, list(region.places)))
        if pt.place in seen:
            yield (("points", i, "place"), f"waterlogging point {pt.place!r} is listed twice")
        seen.add(pt.place)
    if params.streets is not None and params.streets.place not in region.places:
        yield (("streets", "place"), f"unknown place {params.streets.place!r}"
               + suggest(params.streets.place, list(region.places)))
    step = params.rainfall.step
    if all(max(model.surplus_series(params.rainfall.values_mm, pt.capacity_mm_h, step), default=0.0) == 0
           for pt in params.points):
        context.warn(("rainfall", "values_mm"), "the rain never exceeds the drains' capacity at any point: "
                                                "nothing will pond")
    for cap in params.calls.demand:
        if not context.can_serve(params.calls.kind, cap):
            context.warn(("calls", "demand"), f"no force in this scenario brings {cap!r} to "
                                              f"{params.calls.kind!r} incidents: they will wait unanswered")


URBAN_WATERLOGGING = HazardType(
    name="urban_waterlogging",
    description="城市内涝 rain over the drains' capacity: streets closed at waterlogging points, calls for "
                "help, units slowed crossing the city",
    params_model=WaterloggingParams,
    start=start,
    check=check,
    incident_kinds=incident_kinds,
)
