"""The ``forest_fire`` hazard: a surface fire from a point, attacked by crews and helicopters.

What a run does, in order:

1. At ``start`` the fire ignites at ``ignition`` and grows as an ellipse (:mod:`.ellipse`,
   length-to-breadth by ``shape``)
   at the head rate of Rothermel's model (:mod:`.rothermel`) for the fuel model, slope and
   the weather period in force (midflame wind, its direction relative to upslope, fuel
   moistures); the shape is summed step by step (``step``, on a grid from the ignition;
   the weather is read at each step's start, and a step ends where a weather period
   begins), and within a step in parts split where a crew or helicopter arrives or
   leaves, so each works from its own arrival.
2. ``detection`` after ignition the fire is reported (or ``monitoring.detect`` after it
   when a camera of the video monitoring system covers the ignition, :mod:`.detection`): an incident of kind ``attack.kind``
   at an *anchor point* (``attack.anchor_offset`` behind the ignition point, against the
   direction of spread, where vehicles stop and crews walk in) demanding
   ``attack.demand``; and, if ``attack.aerial_demand`` is given, an incident of kind
   ``attack.aerial_kind`` over the fire (a helispot) for bucket helicopters.
3. Crews on scene build held line at their production rate (:mod:`.containment`,
   NWCG IRPG table, by the unit type's crew type and size). Helicopters working the head
   cut its rate of spread by ``helicopters.head_reduction`` each (compounded) while the head
   flame length is within their limit.
4. The fire is contained when the held line reaches the perimeter and the head flame
   length is within the hand crews' limit (they close the line at the head): the
   perimeter race, in which the whole edge keeps growing until the line closes it, so
   containment times and areas are upper bounds beside BehavePlus' CONTAIN (Fried & Fried
   1996), where the edge already lined stops growing (:mod:`.containment`). Units stay
   ``mop_up`` longer, then both incidents complete.
5. While it burns, the fire area (plus ``closure.buffer``) is closed to road vehicles —
   except the fire's own anchor point and helispot — and roads crossing it are slowed by
   ``closure.detour`` (:func:`restriction`); access is re-checked every ``report_interval``.

Events: ``hazard_started`` (kind ``forest_fire``), ``fire_state`` (every
``report_interval``, and at the horizon if the fire still burns then: area, perimeter,
line, head rate, flame length, crews, helicopters), ``fire_contained``,
``hazard_summary`` (at containment, or at the horizon), ``fire_reported`` (``by``, ``since_ignition``,
``area_ha``), ``fire_attack_began`` (``since_ignition``, ``area_ha``: when the first crew
arrives and begins building line).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field, field_validator, model_validator

from drillsim.api import (Angle, Demand, HazardType, OnSceneChange, DurationOrZero, Duration, Fraction, Height, Length, Percent, Place, Slope,
                          Restriction, Strict, WindSpeed, from_local_km, suggest, to_local_km)

from .containment import crew_rate_m_h, production_table
from .detection import MonitoringParams, report_delay
from .ellipse import FireShape, length_to_breadth
from .fuels import fuel_model
from .rothermel import Moisture, check_slope, check_wind, surface_fire


class MoistureParams(Strict):
    """Fuel moistures (``6%``; live fuels may exceed 100 %)."""

    d1: Fraction
    """1-h dead fuel moisture (`6%`)."""
    d10: Fraction
    """10-h dead fuel moisture."""
    d100: Fraction
    """100-h dead fuel moisture."""
    live_herb: Percent
    """Live herbaceous fuel moisture (`60%`)."""
    live_woody: Percent
    """Live woody fuel moisture (`90%`)."""

    def model(self) -> Moisture:
        return Moisture(self.d1, self.d10, self.d100, self.live_herb, self.live_woody)

    @model_validator(mode="after")
    def _range(self):
        self.model().check()
        return self


class WeatherPeriod(Strict):
    """Fire weather from ``at`` (scenario time) until the next period."""

    at: DurationOrZero
    """Scenario time from which this weather holds."""
    midflame_wind: WindSpeed
    """Midflame wind speed."""
    #: direction the wind blows towards, clockwise from upslope (0deg = upslope)
    wind_direction: Angle = 0.0
    """Direction the wind blows towards, from upslope."""
    moisture: MoistureParams
    """Fuel moistures."""

    @field_validator("midflame_wind")
    @classmethod
    def _wind_in_range(cls, v: float) -> float:
        check_wind(v)
        return v


class IgnitionParams(Strict):
    lat: float = Field(ge=-90, le=90)
    """Latitude of the ignition, degrees north."""
    lon: float = Field(ge=-180, le=180)
    """Longitude, degrees east."""
    township: str
    """The township it lies in."""


class AttackParams(Strict):
    kind: str = "forest_fire"
    """Incident kind of the ground attack."""
    demand: Demand = {"fireline": 1.0}
    """What the ground attack needs (`{fireline: 1}`)."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority."""
    anchor_offset: Length = 0.3
    """Distance of the anchor point crews walk in from."""
    aerial_kind: str = "forest_fire_aerial"
    """Incident kind of the aerial attack."""
    aerial_demand: Demand | None = {"aerial": 1.0}
    """What it needs (none: no aerial attack)."""


class CrewParams(Strict):
    crew_type: Literal["type1", "type2"]
    """`type1` or `type2` (production rates of the NWCG table)."""
    crew_size: float = Field(gt=0, le=200)
    """People per crew."""


class ProductionParams(Strict):
    """Which row of the IRPG production table applies, and each unit type's crew."""

    fuel_model: int = Field(ge=1, le=13)
    """Anderson fuel model (1-13) whose line-production rates apply."""
    condition: str = "all"
    """Production-rate condition of the table (`all`)."""
    crews: dict[str, CrewParams] = Field(min_length=1)
    """Crews by capability name."""

    @model_validator(mode="after")
    def _row(self):
        for crew in self.crews.values():
            crew_rate_m_h(crew.crew_type, self.fuel_model, self.condition, crew.crew_size)
        return self


class HelicopterParams(Strict):
    head_reduction: Fraction = 0.0
    """Share by which helicopters slow the head fire."""
    max_flame_length: Height | None = None
    """Flame length above which drops do not slow it."""


class ClosureParams(Strict):
    vehicles: bool = True
    """Close the burning area to road vehicles."""
    buffer: Length | None = None
    """Extra distance closed around it."""
    detour: float = Field(default=1.0, ge=1.0, le=5.0)
    """Factor on trips around it."""


def incident_kinds(p: "ForestFireParams") -> list[str]:
    """The incident kinds a fire creates: the ground attack and, when the attack demands
    aircraft, the aerial attack over the fire."""
    return [p.attack.kind] + ([p.attack.aerial_kind] if p.attack.aerial_demand else [])


class ForestFireParams(Strict):
    """``params:`` of a ``forest_fire`` hazard (see the module docstring)."""

    ignition: IgnitionParams
    """Where it starts."""
    start: DurationOrZero = 0.0
    """Scenario time of ignition."""
    fuel_model: str
    """Fuel model code (FM1-FM13 or Scott & Burgan, e.g. TL8)."""
    slope: Slope = 0.0
    """Slope steepness, rise over run (`30%`, or in degrees `17deg`); may exceed 100 % (45°)."""
    #: compass bearing of the upslope direction (where a slope-driven fire heads)
    upslope_bearing: Angle = 0.0
    """Compass bearing of upslope."""
    weather: list[WeatherPeriod] = Field(min_length=1)
    """Weather periods, each from its `at`."""
    detection: DurationOrZero = 0.0
    """Time from ignition to the report by a patrol or the public (no camera sees the fire)."""
    monitoring: MonitoringParams | None = None
    """The video monitoring system (:mod:`.detection`): a fire within a camera's range is
    reported ``monitoring.detect`` after ignition (none: no system)."""
    attack: AttackParams = AttackParams.defaults()
    """Ground and aerial attack incidents."""
    production: ProductionParams
    """Line production by crews."""
    helicopters: HelicopterParams = HelicopterParams.defaults()
    """Effect of helicopter drops."""
    hand_crew_max_flame_length: Height | None = None
    """Flame length above which hand crews cannot hold the line."""
    shape: Literal["anderson_1983", "rothermel_1991"] = "anderson_1983"
    """Length-to-breadth relation of the fire's ellipse: `anderson_1983` (as FARSITE and BehavePlus 6+) or `rothermel_1991` (1 + 0.25 U in mi/h, as BehavePlus 5)."""
    step: Duration = 5.0
    """Time step of the fire growth (the weather is read at each step's start, and a step
    ends where a weather period begins); a crew or helicopter arriving within a step
    starts work at its arrival."""
    report_interval: Duration = 60.0
    """Time between `fire_state` events."""
    mop_up: DurationOrZero = 120.0
    """Work after containment before the fire is out."""
    closure: ClosureParams = ClosureParams.defaults()
    """Road closure of the burning area."""

    @field_validator("fuel_model")
    @classmethod
    def _known(cls, v: str) -> str:
        return fuel_model(v).code

    @field_validator("slope")
    @classmethod
    def _within_the_model(cls, v: float) -> float:
        check_slope(v)  # at the slope's own line (a steeper one is a slope, not one of the model's)
        return v

    @model_validator(mode="after")
    def _periods(self):
        times = [w.at for w in self.weather]
        if times[0] > self.start:
            raise ValueError("the first weather period must start at or before the ignition (start)")
        if any(b <= a for a, b in zip(times, times[1:])):
            raise ValueError("weather periods must be in increasing order of 'at'")
        w = self.weather_at(self.start)
        r = surface_fire(self.fuel_model, w.moisture.model(), w.midflame_wind, self.slope, w.wind_direction)
        if not r.spreads:   # a later period may be too wet (rain): the fire then stands still
            raise ValueError(f"the fire cannot start in the weather at ignition ({self.fuel_model}): "
                             f"{r.no_spread_reason()}")
        return self

    def weather_at(self, t: float) -> WeatherPeriod:
        """The weather period in force at minute ``t``."""
        current = self.weather[0]
        for w in self.weather:
            if w.at <= t:
                current = w
        return current


@dataclass
class FireState:
    """One fire's state during a run (shared with the access restriction)."""

    hazard: str
    params: ForestFireParams
    origin: Place
    shape: FireShape = field(default_factory=FireShape)
    bearing: float = 0.0          # compass bearing of the head, degrees
    burning: bool = False
    own_places: set[str] = field(default_factory=set)
    #: held line, m, and the head's (rate of spread m/min, flame length m) with the crews
    #: and helicopters at work, as of the end of the part of a step being run (growth is
    #: computed a part ahead): at the horizon, the fire's state then (:func:`_log_at_horizon`)
    line: float = 0.0
    head: tuple[float, float, int, int] = (0.0, 0.0, 0, 0)

    def ellipse(self) -> tuple[float, float, float, float, float]:
        """(centre east km, centre north km, semi-major km, semi-minor km, bearing rad) in
        the local frame of the ignition point, with ``closure.buffer`` added."""
        s = self.shape
        buffer = self.params.closure.buffer or 0.0
        a = s.length_m / 2000.0 + buffer
        b = s.flank / 1000.0 + buffer
        shift = (s.head - s.back) / 2000.0
        theta = math.radians(self.bearing)
        return shift * math.sin(theta), shift * math.cos(theta), a, b, theta

    def _frame(self, p: Place) -> tuple[float, float]:
        x, y = to_local_km(p.lat, p.lon, self.origin.lat, self.origin.lon)
        cx, cy, a, b, theta = self.ellipse()
        dx, dy = x - cx, y - cy
        # along (towards the head) and across coordinates, scaled to the unit circle
        along = dx * math.sin(theta) + dy * math.cos(theta)
        across = dx * math.cos(theta) - dy * math.sin(theta)
        return along / a if a > 0 else math.inf, across / b if b > 0 else math.inf

    def contains(self, p: Place) -> bool:
        u, v = self._frame(p)
        return u * u + v * v <= 1.0

    def crosses(self, p: Place, q: Place) -> bool:
        """Whether the straight line p → q passes through the fire area."""
        u0, v0 = self._frame(p)
        u1, v1 = self._frame(q)
        if not all(map(math.isfinite, (u0, v0, u1, v1))):
            return False
        du, dv = u1 - u0, v1 - v0
        seg = du * du + dv * dv
        k = 0.0 if seg == 0 else max(0.0, min(1.0, -(u0 * du + v0 * dv) / seg))
        return (u0 + k * du) ** 2 + (v0 + k * dv) ** 2 <= 1.0


#: fires burning in each running simulation (weak keys: a finished run frees its state)
_FIRES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def restriction(sim, unit, origin, destination):
    """Road vehicles may not enter a burning fire area (other than the fire's own anchor
    point and helispot); straight lines through it are slowed by ``closure.detour``; a
    vehicle inside may leave. Returns a :class:`~drillsim.api.Restriction` or None."""
    if unit.mode != "road" or not _FIRES:  # no fire in any run: asked on every trip
        return None
    detour = 1.0
    for fire in _FIRES.get(sim, ()):
        if not fire.burning or not fire.params.closure.vehicles or fire.contains(origin):
            continue  # no fire, or the vehicle is inside and leaving
        if destination.id not in fire.own_places and fire.contains(destination):
            return Restriction(closed=True, reason=f"{fire.hazard}: fire area closed to vehicles")
        if fire.params.closure.detour > 1.0 and fire.crosses(origin, destination):
            detour = max(detour, fire.params.closure.detour)
    if detour > 1.0:
        return Restriction(factor=detour, reason="detour around the fire area")
    return None


def start(sim, hazard) -> None:
    """``HazardType.start``: begin the fire's processes."""
    p: ForestFireParams = hazard.params
    model = fuel_model(p.fuel_model)
    ig = p.ignition
    origin = Place(f"{hazard.id}_ignition", f"{hazard.id} ignition point", ig.lat, ig.lon, "incident",
                   ig.township)
    fire = FireState(hazard.id, p, origin)
    _FIRES.setdefault(sim, []).append(fire)

    def at_horizon() -> None:
        _log_at_horizon(sim, fire)

    sim.at_horizon(at_horizon)
    table = production_table()
    hand_limit = (p.hand_crew_max_flame_length if p.hand_crew_max_flame_length is not None
                  else table["flame_length_limits_m"]["hand_crew"])
    heli_limit = (p.helicopters.max_flame_length if p.helicopters.max_flame_length is not None
                  else table["flame_length_limits_m"]["aircraft"])
    rates = {name: crew_rate_m_h(c.crew_type, p.production.fuel_model, p.production.condition, c.crew_size)
             for name, c in p.production.crews.items()}
    incidents: dict[str, object] = {}

    def behaviour(now: float):
        w = p.weather_at(now)
        r = surface_fire(model, w.moisture.model(), w.midflame_wind, p.slope, w.wind_direction)
        return r, length_to_breadth(r.effective_wind_kmh, p.shape)

    def spread_bearing(r) -> float:
        return (p.upslope_bearing + r.direction_deg) % 360.0

    def at(t: float):
        return sim.timeout(max(0.0, t - sim.now))

    def report():
        delay, by = report_delay(p.detection, p.monitoring, ig.lat, ig.lon)
        yield at(p.start + delay)
        if not fire.burning:
            return
        sim.log.log("fire_reported", hazard=hazard.id, by=by, since_ignition=sim.now - p.start,
                    area_ha=round(fire.shape.area_ha, 4))
        r, _ = behaviour(sim.now)
        back = (spread_bearing(r) + 180.0) % 360.0
        d = p.attack.anchor_offset + fire.shape.back / 1000.0
        lat, lon = from_local_km(d * math.sin(math.radians(back)), d * math.cos(math.radians(back)),
                                 ig.lat, ig.lon)
        anchor = Place(f"{hazard.id}_anchor", f"{hazard.id} anchor point", lat, lon, "staging", ig.township)
        fire.own_places.add(anchor.id)
        incidents["ground"] = sim.create_incident(p.attack.kind, anchor, p.attack.demand, 1e9,
                                                  p.attack.priority, township=ig.township, hazard=hazard.id)
        if p.attack.aerial_demand:
            helispot = Place(f"{hazard.id}_helispot", f"{hazard.id} over the fire", ig.lat, ig.lon,
                             "landing_site", ig.township)
            fire.own_places.add(helispot.id)
            incidents["aerial"] = sim.create_incident(p.attack.aerial_kind, helispot, p.attack.aerial_demand,
                                                      1e9, p.attack.priority, township=ig.township,
                                                      hazard=hazard.id)

    def crews_on_scene() -> tuple[float, int, int]:
        """(line production m/h, crews working, helicopters working)."""
        rate, crews, helis = 0.0, 0, 0
        ground = incidents.get("ground")
        if ground is not None:
            for u in ground.present:
                if u.force.type.name in rates:
                    rate += rates[u.force.type.name]
                    crews += 1
        aerial = incidents.get("aerial")
        if aerial is not None:
            helis = sum(1 for u in aerial.present if u.mode == "air")
        return rate, crews, helis

    def burn():
        yield at(p.start)
        fire.burning = True
        sim.log.log("hazard_started", hazard=hazard.id, kind="forest_fire", township=ig.township,
                    lat=ig.lat, lon=ig.lon, fuel_model=model.code)
        line = 0.0
        next_report = sim.now
        attacked = False
        # a unit arriving at (or leaving) the fire within a step changes the line built and
        # the head's spread from that moment, not from the step's end
        crew_change = OnSceneChange(sim, lambda iid: any(inc.id == iid for inc in incidents.values()))
        while sim.now < sim.horizon:
            r, lb = behaviour(sim.now)   # the weather of the step's start, for the whole step
            fire.bearing = spread_bearing(r)
            # steps on a grid from the ignition; one ends early where a weather period begins
            grid_end = p.start + (math.floor((sim.now - p.start) / p.step + 1e-9) + 1) * p.step
            change = min((w.at for w in p.weather if w.at > sim.now), default=math.inf)
            step_end = min(grid_end, sim.horizon, change)
            reporting = sim.now >= next_report
            while True:  # the step, in parts between changes of who works on the fire
                rate, crews, helis = crews_on_scene()
                if crews and not attacked:
                    attacked = True
                    sim.log.log("fire_attack_began", hazard=hazard.id, since_ignition=sim.now - p.start,
                                area_ha=round(fire.shape.area_ha, 4), crews=crews)
                ros, head_fl = r.ros_m_min, r.flame_length_m
                if helis and p.helicopters.head_reduction > 0 and head_fl <= heli_limit:
                    factor = (1.0 - p.helicopters.head_reduction) ** helis
                    ros *= factor
                    head_fl *= factor ** 0.46     # Byram: L ∝ I^0.46 and I ∝ R
                if reporting:  # at the step's start only: the reports keep their interval
                    reporting = False
                    sim.log.log("fire_state", hazard=hazard.id, area_ha=round(fire.shape.area_ha, 3),
                                perimeter_m=round(fire.shape.perimeter_m, 1), line_m=round(line, 1),
                                head_ros_m_min=round(ros, 3), flame_length_m=round(head_fl, 2),
                                crews=crews, helicopters=helis)
                    next_report += p.report_interval
                    if p.closure.vehicles:
                        sim.access_changed(f"{hazard.id}: fire perimeter")
                dt = step_end - sim.now
                if dt <= 0:
                    break
                before = FireShape(fire.shape.head, fire.shape.back, fire.shape.flank)
                p0, l0 = before.perimeter_m, line
                fire.shape.grow(ros, lb, dt)
                line += rate * dt / 60.0
                p1 = fire.shape.perimeter_m
                held = rate > 0 and line >= p1 and head_fl <= hand_limit
                if held:
                    # line and perimeter both grow linearly within the part: meet at tau
                    gap0, gap1 = p0 - l0, p1 - line
                    tau = dt * gap0 / (gap0 - gap1) if gap0 > 0 else 0.0
                    fire.shape = before
                    fire.shape.grow(ros, lb, tau)
                    line = l0 + rate * tau / 60.0
                    dt = tau
                fire.line, fire.head = line, (ros, head_fl, crews, helis)
                start, timer = sim.now, sim.timeout(dt)
                done = yield timer | crew_change.next()
                spent = sim.now - start
                if timer not in done and dt - spent > 1e-9:  # someone came or left: the part ends now
                    fire.shape = before
                    fire.shape.grow(ros, lb, spent)
                    line = fire.line = l0 + rate * spent / 60.0
                    continue
                if held:
                    return (yield from contained(line))
                break
        # the horizon: the last part's end is past the run ([0, horizon)); _log_at_horizon() logs
        # the fire's state there

    def summary(done: bool, line: float) -> dict:
        return _summary(fire, done, line)

    def contained(line: float):
        fire.burning = False
        sim.log.log("fire_contained", hazard=hazard.id, area_ha=round(fire.shape.area_ha, 3),
                    perimeter_m=round(fire.shape.perimeter_m, 1), line_m=round(line, 1),
                    since_ignition=sim.now - p.start)
        sim.log.log("hazard_summary", hazard=hazard.id, figures=summary(True, line))
        if p.closure.vehicles:
            sim.access_changed(f"{hazard.id}: fire contained")
        if p.mop_up > 0:
            yield sim.timeout(p.mop_up)
        for inc in incidents.values():
            sim.complete_incident(inc, reason="fire contained, mop-up done")

    sim.process(burn())
    sim.process(report())


def _summary(fire: FireState, done: bool, line: float) -> dict:
    """The ``hazard_summary`` figures: contained or not, area ha, perimeter m, line m."""
    return {"contained": done, "area_ha": fire.shape.area_ha, "perimeter_m": fire.shape.perimeter_m,
            "line_m": line, "fuel_model": fuel_model(fire.params.fuel_model).code}


def _log_at_horizon(sim, fire: FireState) -> None:
    """At the horizon (``sim.at_horizon``), a fire still burning logs its state there
    (``fire_state``, so the burned area is the horizon's, not the last hourly report's)
    and its ``hazard_summary`` (not contained)."""
    if not fire.burning:
        return
    ros, head_fl, crews, helis = fire.head
    sim.log.log("fire_state", hazard=fire.hazard, area_ha=round(fire.shape.area_ha, 3),
                perimeter_m=round(fire.shape.perimeter_m, 1), line_m=round(fire.line, 1),
                head_ros_m_min=round(ros, 3), flame_length_m=round(head_fl, 2),
                crews=crews, helicopters=helis)
    sim.log.log("hazard_summary", hazard=fire.hazard, figures=_summary(fire, False, fire.line))


def check(params: ForestFireParams, context):
    """Cross-references: the ignition township and the crews' unit types."""
    region = context.region
    if params.ignition.township not in region.townships:
        yield (("ignition", "township"), f"unknown township {params.ignition.township!r}"
               + suggest(params.ignition.township, list(region.townships)))
    types = {f.type for f in context.spec.forces}          # a disabled force may be listed too
    for name in params.production.crews:
        if name not in types:
            yield (("production", "crews", name), f"no force of unit type {name!r} in the scenario "
                   f"(have: {', '.join(sorted(types))})")


FOREST_FIRE = HazardType(
    name="forest_fire",
    description="森林火灾 surface forest fire: Rothermel spread, elliptical growth, line production, "
                "containment, fire area closed to vehicles",
    params_model=ForestFireParams,
    start=start,
    check=check,
    incident_kinds=incident_kinds,
)
