"""The ``toxic_release`` hazard: a continuous toxic gas release at a point.

What a run does:

1. At ``start`` the release begins at ``source`` (a site or township of the region, or a
   point on a road link: :mod:`drillsim_plugins.roads`) at ``rate``. For each weather period (wind speed, the bearing the wind blows *from*, and
   the stability class — given, or from the insolation by the Pasquill table) the steady
   Gaussian plume (:mod:`.plume`) gives threat zones where the ground-level concentration
   exceeds each 60-min AEGL (ALOHA's threat zones, :mod:`.chemicals`).
2. People: each township's people (``population.total`` split by the region's population
   weights) live on a disc of ``township_radius`` around its seat. The share of the disc
   inside a zone is the share of its people in the zone (a 61-point sunflower lattice).
   The plume reaches a township when its front, leaving the source at the period's start
   and moving with the wind, reaches the nearest point of the disc inside the zone:
   arrival = period start + distance ÷ wind speed. ``hazard_arrival`` (``township``,
   ``level`` = ``aegl1``/``aegl2``/``aegl3``, ``people``) is logged then.
3. ``detection`` after the start the release is reported: an incident of kind
   ``hazmat.kind`` at the source demanding ``hazmat.demand`` (the release stops when the
   hazmat team has worked ``hazmat.work`` on scene) and, if given, one of kind
   ``fire_support.kind`` at a staging point ``fire_support.staging_distance`` upwind.
4. ``alert_delay`` after the report (and after each wind change) a warning goes to every
   township in the protective zone (``protective_action.level``): ``warning_issued``. The
   scenario's rule decides per township: evacuate if the plume arrives at least
   ``protective_action.min_lead_to_evacuate`` after the warning (an evacuation incident at
   the seat, ``evacuation`` as in the flood hazard), else shelter in place. In a drill
   the model decides nothing: it logs ``plume_advice`` (the townships in the zone, their
   people and the plume's time to reach them) and the players order ``evacuate
   TOWNSHIP``, which warns that township and evacuates its people in the zone.
5. At each arrival ``people_exposed`` is logged: people in the zone, evacuated by then,
   sheltered, and exposed (neither).
6. The zone of ``closure.level`` is closed to road units without ``closure.allowed``
   capability (hazmat units go in); straight roads through it are slowed by
   ``closure.detour``. After the release stops the zones clear once the plume tail has
   passed (stop + zone length ÷ wind).

Events: ``hazard_started``, ``plume_zones``, ``plume_advice`` (drills), ``warning_issued``, ``hazard_arrival``,
``protective_action``, ``people_exposed``, ``release_stopped``, ``hazard_cleared``,
``hazard_summary``.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field, field_validator, model_validator

from drillsim.api import (Angle, Count, HazardType, Demand, DurationOrZero, Duration, Height, Length, MassRate, OrderRefused, Place,
                          Rate, Restriction, Strict, WindSpeed, from_local_km, suggest, to_local_km)

from ..rescuers import check_rescuer_work
from ..roads import RoadPoint, check_road, point_on_road
from . import plume
from .chemicals import chemical

LevelName = Literal["aegl1", "aegl2", "aegl3"]


class WeatherPeriod(Strict):
    """Weather from ``at`` (scenario time) until the next period."""

    at: DurationOrZero
    """Scenario time from which this weather holds."""
    wind_speed: WindSpeed
    """Mean wind speed at release height."""
    #: compass bearing the wind blows from (meteorological convention)
    wind_from: Angle
    """Compass bearing the wind blows from (`45deg`)."""
    stability: Literal["A", "B", "C", "D", "E", "F", "A-B", "B-C", "C-D"] | None = None
    """Pasquill-Gifford stability class, or give `insolation`."""
    insolation: Literal["strong", "moderate", "slight", "overcast", "night_cloudy", "night_clear"] | None = None
    """Sky condition, to derive the stability class from the wind (Turner)."""
    surface_wind: WindSpeed | None = None
    """Wind at 10 m, which the Pasquill table is keyed on, for the class from `insolation` (none: `wind_speed`, right for a release near the ground)."""

    @model_validator(mode="after")
    def _one(self):
        if (self.stability is None) == (self.insolation is None):
            raise ValueError("give either stability (A-F) or insolation (to derive it from the Pasquill table)")
        if self.wind_speed / 3.6 < plume.MIN_WIND_M_S:
            raise ValueError(f"wind speed below {plume.MIN_WIND_M_S:g} m/s: the Gaussian plume is not valid")
        if self.surface_wind is not None and self.insolation is None:
            raise ValueError("surface_wind only serves to derive the stability class from insolation; give "
                             "insolation, or leave surface_wind out")
        return self

    @property
    def wind_m_s(self) -> float:
        return self.wind_speed / 3.6

    @property
    def stability_class(self) -> str:
        if self.stability:
            return self.stability
        surface = self.wind_m_s if self.surface_wind is None else self.surface_wind / 3.6
        return plume.stability_class(surface, self.insolation)


class HazmatParams(Strict):
    kind: str = "hazmat_release"
    """Incident kind at the source."""
    demand: Demand = {"hazmat": 1.0}
    """What the source needs (`{hazmat: 1}`)."""
    work: Duration = 60.0
    """Work on scene to stop the release."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority, 1 (highest) to 9."""


class FireSupportParams(Strict):
    kind: str = "hazmat_support"
    """Incident kind of the fire support at the staging point."""
    demand: Demand = {"pumps": 2.0}
    """What it needs (`{pumps: 2}`)."""
    work: Duration = 120.0
    """Its work time."""
    staging_distance: Length = 1.0
    """Distance of the upwind staging point from the source."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority."""


class EvacuationParams(Strict):
    residents_per_rescuer: Count = Field(ge=0.1)
    """Residents one rescuer is responsible for. At least 0.1 (ten rescuers for one resident, a bedridden one carried): 1e-320 sent infinitely many."""
    rate_per_rescuer: Rate
    """People one rescuer moves per unit of time."""
    order_delay: DurationOrZero = 0.0
    """Time from the decision to the order."""
    capability: str = "people"
    """The capability evacuation demands."""
    kind: str = "evacuation"
    """Incident kind of an evacuation."""
    priority: int = Field(default=2, ge=1, le=9)
    """Dispatch priority."""

    @field_validator("rate_per_rescuer")
    @classmethod
    def _work_fits_a_run(cls, v: float, info) -> float:
        return check_rescuer_work(info.data.get("residents_per_rescuer"), v)


class ProtectiveActionParams(Strict):
    level: LevelName = "aegl2"
    """The zone protective actions are taken for (`aegl2`)."""
    min_lead_to_evacuate: DurationOrZero = 60.0
    """Townships warned at least this long before the plume evacuate; the others shelter in place."""


class ClosureParams(Strict):
    level: LevelName | None = "aegl2"
    """The zone closed to road units (none: no closure)."""
    allowed: str | list[str] = "hazmat"
    """The capability (or capabilities) a unit brings to still enter (`hazmat`; `[hazmat, pumps]`: fire crews in breathing apparatus too)."""

    @property
    def allowed_list(self) -> list[str]:
        return [self.allowed] if isinstance(self.allowed, str) else list(self.allowed)
    detour: float = Field(default=1.0, ge=1.0, le=5.0)
    """Factor on trips around the closed zone."""


class PopulationParams(Strict):
    total: int = Field(ge=0)
    """People living at the source site (the park)."""
    township_radius: Length = 2.0
    """Radius around a township seat within which its people are counted in a zone."""


class SourceParams(Strict):
    """Where the release is: a place of the region, or a point on a road link (a tanker
    on the road)."""

    place: str | None = None
    """Place id of the release (a site of the region)."""
    road: RoadPoint | None = None
    """A point on a road link: `{name, between: [a, b], at: 40%}`."""

    @model_validator(mode="after")
    def _one(self):
        if (self.place is None) == (self.road is None):
            raise ValueError("give either place (a site of the region) or road (a point on a road link)")
        return self


def source_place(region, source: SourceParams, hazard_id: str) -> Place:
    """The release point: the named place, or the point on the road link
    (:func:`drillsim_plugins.roads.point_on_road`, id ``<hazard>_source``)."""
    if source.place is not None:
        return region.place(source.place)
    return point_on_road(region, source.road, f"{hazard_id}_source",
                         f"{source.road.name}, {source.road.at:.0%} of the way from {source.road.between[0]} "
                         f"to {source.road.between[1]}")


def incident_kinds(p: "ToxicReleaseParams") -> list[str]:
    """The incident kinds a release creates: the hazmat stop, the evacuations and, if
    given, the fire support at the upwind staging point."""
    return [p.hazmat.kind, p.evacuation.kind] + ([p.fire_support.kind] if p.fire_support else [])


class ToxicReleaseParams(Strict):
    """``params:`` of a ``toxic_release`` hazard (see the module docstring)."""

    chemical: str
    """The chemical (`chlorine`, `ammonia`, `hydrogen_sulfide`)."""
    source: SourceParams
    """Where it leaks."""
    start: DurationOrZero = 0.0
    """Scenario time of the release."""
    rate: MassRate
    """Release rate (`0.5kg/s`)."""
    release_height: Height = 0.0
    """Height of the release."""
    plume_rise: Height = 0.0
    """Plume rise added to the release height."""
    duration: Duration | None = None
    """How long it leaks (none: until stopped)."""
    sigmas: Literal["briggs_rural", "briggs_urban", "pasquill_gifford"] = "briggs_rural"
    """Dispersion coefficients: `briggs_rural`, `briggs_urban` or `pasquill_gifford`."""
    weather: list[WeatherPeriod] = Field(min_length=1)
    """Weather periods, each from its `at`."""
    detection: DurationOrZero = 0.0
    """Time from the release to the call."""
    alert_delay: DurationOrZero = 0.0
    """Time from the call to the alert of the townships."""
    population: PopulationParams
    """People at the source and counting in zones."""
    protective_action: ProtectiveActionParams = ProtectiveActionParams.defaults()
    """Shelter or evacuate, by warning lead."""
    evacuation: EvacuationParams
    """Evacuation demand and effort."""
    hazmat: HazmatParams = HazmatParams.defaults()
    """The hazmat team's task at the source."""
    fire_support: FireSupportParams | None = None
    """Fire appliances at the upwind staging point (none: not asked)."""
    closure: ClosureParams = ClosureParams.defaults()
    """Road closure of a zone."""
    levels: list[LevelName] = ["aegl1", "aegl2", "aegl3"]
    """AEGL levels reported (`aegl1`, `aegl2`, `aegl3`)."""

    @field_validator("chemical")
    @classmethod
    def _known(cls, v: str) -> str:
        return chemical(v).name

    @model_validator(mode="after")
    def _checks(self):
        if self.rate <= 0:
            raise ValueError("rate must be greater than 0 g/s")
        if self.release_height < 0 or self.plume_rise < 0:
            raise ValueError("release_height and plume_rise must not be negative")
        times = [w.at for w in self.weather]
        if times[0] > self.start:
            raise ValueError("the first weather period must start at or before the release (start)")
        if any(b <= a for a, b in zip(times, times[1:])):
            raise ValueError("weather periods must be in increasing order of 'at'")
        return self

    @property
    def effective_height(self) -> float:
        return self.release_height + self.plume_rise


def _sunflower(n: int = 61) -> list[tuple[float, float]]:
    """``n`` points spread evenly over the unit disc (Vogel's sunflower lattice)."""
    golden = math.pi * (3.0 - math.sqrt(5.0))
    return [(math.sqrt((k + 0.5) / n) * math.cos(k * golden), math.sqrt((k + 0.5) / n) * math.sin(k * golden))
            for k in range(n)]


DISC = _sunflower()
#: points this close to the source (the release site itself) count as inside every zone
SOURCE_RADIUS_M = 50.0


@dataclass
class Zone:
    """One threat zone (a level) of the current plume, in the source's local frame."""

    level: str
    threshold_g_m3: float
    x_min_m: float
    length_m: float
    max_width_m: float


@dataclass
class ReleaseState:
    """The release during a run (shared with the access restriction)."""

    hazard: str
    params: ToxicReleaseParams
    source: Place
    period: int = -1
    period_start: float = 0.0
    weather: WeatherPeriod | None = None
    zones: dict[str, Zone] = field(default_factory=dict)
    active: bool = False
    cleared: bool = False

    def local(self, lat: float, lon: float) -> tuple[float, float]:
        """(downwind, crosswind) m of a point from the source, for the current wind."""
        east, north = to_local_km(lat, lon, self.source.lat, self.source.lon)
        to = math.radians((self.weather.wind_from + 180.0) % 360.0)
        x = (east * math.sin(to) + north * math.cos(to)) * 1000.0
        y = (east * math.cos(to) - north * math.sin(to)) * 1000.0
        return x, y

    def inside(self, level: str, lat: float, lon: float) -> bool:
        zone = self.zones.get(level)
        if zone is None or self.cleared:
            return False
        x, y = self.local(lat, lon)
        if math.hypot(x, y) <= SOURCE_RADIUS_M:
            return True  # the release site itself
        if not zone.x_min_m <= x <= zone.length_m:
            return False
        p, w = self.params, self.weather
        return abs(y) <= plume.half_width(p.rate, w.wind_m_s, x, zone.threshold_g_m3, p.effective_height,
                                          w.stability_class, p.sigmas)

    def crosses(self, level: str, a: Place, b: Place) -> bool:
        """Whether the straight line a → b passes through the zone (21 points tested)."""
        return any(self.inside(level, a.lat + k / 20 * (b.lat - a.lat), a.lon + k / 20 * (b.lon - a.lon))
                   for k in range(21))


_RELEASES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def restriction(sim, unit, origin, destination):
    """Road units without the allowed capability may not enter the closed zone; roads
    through it are slowed by ``closure.detour``. A unit inside the zone may leave."""
    if unit.mode != "road" or not _RELEASES:  # no release in any run: asked on every trip
        return None
    detour = 1.0
    for rel in _RELEASES.get(sim, ()):
        c = rel.params.closure
        if c.level is None or not (rel.active or rel.zones) or rel.cleared:
            continue
        if any(unit.capabilities.get(a, 0) > 0 for a in c.allowed_list) \
                or rel.inside(c.level, origin.lat, origin.lon):
            continue  # allowed in, or already inside and leaving
        if rel.inside(c.level, destination.lat, destination.lon):
            return Restriction(closed=True, reason=f"{rel.hazard}: {c.level.upper()} zone closed to all but "
                                                   f"{' and '.join(c.allowed_list)} units")
        if c.detour > 1.0 and rel.crosses(c.level, origin, destination):
            detour = max(detour, c.detour)
    return Restriction(factor=detour, reason="detour around the plume") if detour > 1.0 else None


def township_people(total: int, weights: dict[str, float]) -> dict[str, float]:
    """``total`` people split in proportion to the township weights (missing weights: 0)."""
    wsum = sum(weights.values())
    return {t: (total * w / wsum if wsum > 0 else 0.0) for t, w in weights.items()}


@dataclass
class Release:
    """A running release, for a hazard that wraps one (the road tanker): its ``state``
    and the SimPy events ``stopped`` (the release ends; value: the reason) and
    ``cleared`` (the plume tail has passed)."""

    state: ReleaseState
    stopped: object
    cleared: object


def start(sim, hazard) -> None:
    """``HazardType.start``: begin the release's processes at its source."""
    p: ToxicReleaseParams = hazard.params
    run_release(sim, hazard.id, p, source_place(sim.region, p.source, hazard.id))


def run_release(sim, hid: str, p: ToxicReleaseParams, src: Place, started: dict | None = None) -> Release:
    """Run the release of ``p`` from ``src`` as hazard ``hid`` (the steps of the module
    docstring); ``started``: extra fields of its ``hazard_started`` event.

    In a drill (``sim.auto_orders`` False) the model takes no protective action: after
    the call (and each wind change) it logs ``plume_advice`` — the townships the hazmat
    advisers' plume estimate puts in the protective zone — and the players order
    ``evacuate TOWNSHIP``; the order is the township's warning (``warning_issued``,
    ``by: player``)."""
    chem = chemical(p.chemical)
    state = ReleaseState(hid, p, src)
    handle = Release(state, sim.event(), sim.event())
    _RELEASES.setdefault(sim, []).append(state)
    weights = {tid: float(t.population_weight or 0) for tid, t in sim.region.townships.items()}
    people = township_people(p.population.total, weights)
    radius_m = p.population.township_radius * 1000.0
    thresholds = {lv: chem.aegl_mg_m3(lv) / 1000.0 for lv in p.levels}   # g/m³
    arrived: dict[tuple[str, str], float] = {}
    actions: dict[str, dict] = {}          # township -> {"action", "at", "incident"}
    warned: set[str] = set()
    run = {"reported": None, "stop": None, "incidents": {}, "started": False, "summarised": False}

    def at(t: float):
        return sim.timeout(max(0.0, t - sim.now))

    def exposure(tid: str, level: str) -> tuple[float, float] | None:
        """(share of the township's disc in the zone, nearest downwind distance m)."""
        t = sim.region.townships[tid]
        sx, sy = to_local_km(t.lat, t.lon, src.lat, src.lon)
        hits, nearest = 0, math.inf
        for u, v in DISC:
            lat, lon = from_local_km(sx + u * radius_m / 1000, sy + v * radius_m / 1000, src.lat, src.lon)
            if state.inside(level, lat, lon):
                hits += 1
                nearest = min(nearest, state.local(lat, lon)[0])
        return None if hits == 0 else (hits / len(DISC), nearest)

    def set_weather(k: int):
        w = p.weather[k]
        state.period, state.weather, state.period_start = k, w, sim.now
        state.zones = {}
        for lv, thr in thresholds.items():
            z = plume.threat_zone(p.rate, w.wind_m_s, thr, p.effective_height, w.stability_class, p.sigmas)
            if z is not None:
                state.zones[lv] = Zone(lv, thr, z["x_min_m"], z["length_m"], z["max_width_m"])
        sim.log.log("plume_zones", hazard=hid, wind_m_s=round(w.wind_m_s, 2), wind_from=w.wind_from,
                    stability=w.stability_class, zones={lv: {"length_m": round(z.length_m, 1),
                                                             "max_width_m": round(z.max_width_m, 1)}
                                                        for lv, z in state.zones.items()})
        sim.access_changed(f"{hid}: plume zones for the new wind")
        t0 = sim.now
        for tid in sim.region.townships:
            for lv in state.zones:
                if (tid, lv) in arrived:
                    continue
                hit = exposure(tid, lv)
                if hit is not None:
                    share, x = hit
                    sim.process(arrive(tid, lv, share, t0 + max(0.0, x) / w.wind_m_s / 60.0, k))
        if run["reported"] is not None:
            sim.process(alert(sim.now + p.alert_delay))

    def weather():
        yield at(p.start)
        state.active = True
        sim.log.log("hazard_started", hazard=hid, kind="toxic_release", chemical=chem.name,
                    place=src.id, township=src.township, rate_g_s=p.rate, sigmas=p.sigmas, **(started or {}))
        run["started"] = True
        for k, w in enumerate(p.weather):
            if w.at > sim.now:
                yield at(w.at)
            if state.active and (k + 1 >= len(p.weather) or p.weather[k + 1].at > sim.now):
                set_weather(k)
            if not state.active:
                return

    def arrive(tid: str, level: str, share: float, when: float, k: int):
        yield at(when)
        if state.period != k or (tid, level) in arrived or when >= sim.horizon:
            return  # the wind changed first; the new period decides
        arrived[(tid, level)] = sim.now
        in_zone = people[tid] * share
        sim.log.log("hazard_arrival", hazard=hid, township=tid, level=level, people=round(in_zone))
        a = actions.get(tid)
        evacuated = sheltered = 0.0
        if a is not None and a["action"] == "evacuate" and a.get("incident") is not None:
            evacuated = in_zone * a["incident"].progress_at(sim.now)
        elif a is not None and a["action"] == "shelter" and a["at"] <= sim.now:
            sheltered = in_zone
        sim.log.log("people_exposed", hazard=hid, township=tid, level=level, in_zone=round(in_zone),
                    evacuated=round(evacuated), sheltered=round(sheltered),
                    exposed=round(in_zone - evacuated - sheltered))

    def alert(when: float):
        yield at(when)
        level = p.protective_action.level
        if level not in state.zones or state.cleared:
            return
        if not sim.auto_orders:
            advise(level)
            return
        towns = []
        for tid in sim.region.townships:
            if tid in warned or people[tid] <= 0:
                continue
            hit = exposure(tid, level)
            if hit is None:
                continue
            share, x = hit
            eta = arrived.get((tid, level), state.period_start + max(0.0, x) / state.weather.wind_m_s / 60.0)
            towns.append((tid, share, eta))
        if not towns:
            return
        warned.update(t for t, _, _ in towns)
        sim.log.log("warning_issued", hazard=hid, townships=[t for t, _, _ in towns], level=level,
                    chemical=chem.name)
        e = p.evacuation
        for tid, share, eta in towns:
            n = people[tid] * share
            lead = eta - sim.now
            if lead >= p.protective_action.min_lead_to_evacuate and n > 0:
                actions[tid] = {"action": "evacuate", "at": sim.now + e.order_delay, "incident": None}
                sim.log.log("protective_action", hazard=hid, township=tid, action="evacuate",
                            people=round(n), lead_min=round(lead, 1))
                sim.process(order_evacuation(tid, n))
            else:
                actions[tid] = {"action": "shelter", "at": sim.now}
                sim.log.log("protective_action", hazard=hid, township=tid, action="shelter",
                            people=round(n), lead_min=round(lead, 1))

    def advise(level: str):
        """Drill: the plume estimate the command gets, no action taken."""
        towns = []
        for tid in sim.region.townships:
            hit = exposure(tid, level) if people[tid] > 0 else None
            if hit is not None:
                eta = arrived.get((tid, level),
                                  state.period_start + max(0.0, hit[1]) / state.weather.wind_m_s / 60.0)
                towns.append({"township": tid, "people": round(people[tid] * hit[0]),
                              "eta_min": round(max(0.0, eta - sim.now), 1)})
        sim.log.log("plume_advice", hazard=hid, level=level, chemical=chem.name,
                    wind_from=state.weather.wind_from, townships=towns)

    def evacuate_order(township, by="player"):
        """The drill's ``evacuate TOWNSHIP``: evacuate the township's people inside the
        protective zone of the plume as it is now."""
        level = p.protective_action.level
        if run["reported"] is None:
            raise OrderRefused(f"{hid}: no release has been reported yet")
        if township in actions:
            raise OrderRefused(f"{township} was already ordered to {actions[township]['action']} ({hid})")
        hit = exposure(township, level) if township in people and people[township] > 0 and not state.cleared \
            else None
        if hit is None:
            raise OrderRefused(f"no one in {township} is inside the {level.upper()} zone of {hid} as the "
                               "plume stands now")
        share, x = hit
        n = people[township] * share
        eta = arrived.get((township, level), state.period_start + max(0.0, x) / state.weather.wind_m_s / 60.0)
        warned.add(township)
        sim.log.log("warning_issued", hazard=hid, townships=[township], level=level, chemical=chem.name, by=by)
        actions[township] = {"action": "evacuate", "at": sim.now + p.evacuation.order_delay, "incident": None}
        sim.log.log("protective_action", hazard=hid, township=township, action="evacuate", people=round(n),
                    lead_min=round(eta - sim.now, 1), by=by)
        sim.process(order_evacuation(township, n))
        return f"evacuation of {township} ordered: {round(n):,} people in the {level.upper()} zone"

    def offer_order():
        """Offer ``evacuate`` once every hazard has started: another hazard's order of the
        same name is tried first and this one takes what it refuses (the engine chains
        orders registered under one name)."""
        yield sim.timeout(0)
        sim.register_order("evacuate", evacuate_order,
                           "evacuate TOWNSHIP: evacuate its people in the plume's protective zone")

    def order_evacuation(tid: str, n: float):
        e = p.evacuation
        yield sim.timeout(e.order_delay)
        rescuers = max(1, math.ceil(n / e.residents_per_rescuer))
        inc = sim.create_incident(e.kind, tid, {e.capability: rescuers}, e.residents_per_rescuer / e.rate_per_rescuer,
                                  e.priority, township=tid, people=round(n), hazard=hid)
        actions[tid]["incident"] = inc

    def respond():
        yield at(p.start + p.detection)
        if not state.active:
            return
        run["reported"] = sim.now
        h = p.hazmat
        run["incidents"]["hazmat"] = inc = sim.create_incident(
            h.kind, src, h.demand, h.work, h.priority, township=src.township, hazard=hid,
            chemical=chem.name)
        if p.fire_support is not None:
            f = p.fire_support
            back = math.radians(state.weather.wind_from)       # upwind = where the wind comes from
            lat, lon = from_local_km(f.staging_distance * math.sin(back), f.staging_distance * math.cos(back),
                                     src.lat, src.lon)
            staging = Place(f"{hid}_staging", f"{hid} upwind staging point", lat, lon, "staging",
                            src.township)
            run["incidents"]["fire"] = sim.create_incident(f.kind, staging, f.demand, f.work, f.priority,
                                                           township=src.township, hazard=hid)
        sim.process(alert(sim.now + p.alert_delay))
        yield inc.done
        stop("hazmat team stopped the leak")

    def self_limit():
        if p.duration is None:
            return
        yield at(p.start + p.duration)
        stop("release ended (duration)")

    def stop(reason: str):
        if not state.active:
            return
        state.active = False
        run["stop"] = sim.now
        handle.stopped.succeed(reason)
        inc = run["incidents"].get("hazmat")
        if inc is not None and not inc.completed:
            sim.complete_incident(inc, reason)   # nothing left to stop: the hazmat task ends
        sim.log.log("release_stopped", hazard=hid, reason=reason, since_start=sim.now - p.start)
        # the closed (or protective) zone clears once the plume tail has passed its far end
        level = p.closure.level or p.protective_action.level
        zone = state.zones.get(level)
        reach = zone.length_m if zone is not None else 0.0
        sim.process(clear(sim.now + reach / state.weather.wind_m_s / 60.0))

    def clear(when: float):
        yield at(when)
        state.cleared = True
        handle.cleared.succeed()
        sim.log.log("hazard_cleared", hazard=hid)
        sim.access_changed(f"{hid}: plume has passed")
        summarise()

    def summarise() -> None:
        """The ``hazard_summary``: mass released and minutes of release (to the horizon
        if it still goes on then), townships warned."""
        run["summarised"] = True
        stop = sim.now if run["stop"] is None else run["stop"]
        sim.log.log("hazard_summary", hazard=hid, figures={
            "released_kg": p.rate * (stop - p.start) * 60.0 / 1000.0,
            "release_minutes": stop - p.start, "townships_warned": len(warned)})

    def at_horizon() -> None:
        if run["started"] and not run["summarised"]:
            summarise()

    sim.at_horizon(at_horizon)

    sim.process(weather())
    sim.process(respond())
    sim.process(self_limit())
    if not sim.auto_orders:
        sim.process(offer_order())
    return handle


def check(params: ToxicReleaseParams, context):
    """Cross-references: the source place, or the ends of its road link."""
    src = params.source
    if src.road is not None:
        yield from check_road(src.road, context.region, ("source", "road"))
    elif src.place not in context.region.places:
        yield (("source", "place"), f"unknown place {src.place!r}" + suggest(src.place, list(context.region.places)))


TOXIC_RELEASE = HazardType(
    name="toxic_release",
    description="危化品泄漏 continuous toxic gas release: Gaussian plume, AEGL threat zones, evacuation or "
                "shelter, hazmat stop, zone closure",
    params_model=ToxicReleaseParams,
    start=start,
    check=check,
    incident_kinds=incident_kinds,
)
