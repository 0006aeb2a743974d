"""Aviation rescue (航空应急救援, plan F9): helicopters of the regional aviation
emergency centres, flying to temporary landing sites (临时起降点).

Flight time (minutes) from a place to a destination:

    start-up + great-circle km to the landing site nearest the destination ÷ cruise
    speed × 60 + landing [+ great-circle km landing site → scene ÷ ground speed × 60]

A helicopter is "on scene" when it lands at the landing site nearest the incident, or,
with ``ground_speed``, when its crew has covered the ground leg from there to the scene.
Cruise speeds: AC311 236 km/h (verified, SRC_PEOPLE_AC311), Mi-171A2 259 km/h
(verified); start-up and landing times are scenario assumptions.

Daylight flying rules (``night``): ``fly`` (at night as by day), ``first_light`` (no
take-off between the end of the day and the next start: a request at night waits in the
queue and the helicopter is sent at first light; one already flying finishes its
mission), ``slower`` (night flights at ``night_cruise`` of the day's cruise speed). The
day's limits are the sun's at the helicopter's base on the local date
(:mod:`drillsim_plugins.daylight`, astral / NOAA), by ``day``: ``sunrise_to_sunset`` or
``civil_twilight``.
"""

import math
from typing import Literal

from pydantic import Field

from drillsim.api import (
    AirSpeed,
    DurationOrZero,
    Fraction,
    Length,
    Speed,
    StashKey,
    Strict,
    UnitType,
    haversine_km,
    hookimpl,
    only_for_unit_types,
)

from .daylight import DayRule, day_window, is_day, next_day_start


class HelicopterParams(Strict):
    """``params:`` of a helicopter force."""

    cruise: AirSpeed
    """Cruise speed (`220km/h`)."""
    start_up: DurationOrZero = 10.0
    """Time from dispatch to take-off."""
    landing: DurationOrZero = 5.0
    """Time to land near the scene."""
    landing_site_kind: str = "landing_site"
    """Site kind helicopters land at (`landing_site`)."""
    model: str | None = None
    """Aircraft model (for reports)."""
    #: farthest a landing site may be from the scene (None: any distance); beyond it
    #: the scene is unreachable by air ("no landing site")
    max_ground_distance: Length | None = None
    """Farthest a landing site may be from the scene (none: any distance); beyond it the scene is unreachable by air."""
    ground_speed: Speed | None = None
    """Speed of the ground leg from the landing site to the scene, over the straight line (none: the landing counts as arrival)."""
    night: Literal["fly", "first_light", "slower"] = "fly"
    """Daylight rule: `fly` (at night as by day), `first_light` (no take-off at night: requests wait for the next day's start), `slower` (night flights at `night_cruise` of the cruise speed)."""
    night_cruise: Fraction = Field(default=1.0, gt=0)
    """With `night: slower`, the share of the cruise speed flown at night (`70%`)."""
    day: DayRule = "sunrise_to_sunset"
    """What counts as day: `sunrise_to_sunset` or `civil_twilight` (ICAO's limits of night)."""



#: forces grounded at night in this run (``night: first_light``), by id
_GROUNDED = StashKey[dict]()
#: (scenario minute, {(base lat, base lon, day rule): day or not}) of :func:`_is_day`
_DAY_NOW = StashKey[tuple]()
#: (scenario minute, {candidates: the filter's answer}) of the last minute a dispatch asked
_KEPT_NOW = StashKey[tuple]()


def flight_minutes(region, params: HelicopterParams, origin, destination,
                   cruise: float | None = None) -> float:
    """Flight time, minutes, from ``origin`` to the landing site nearest ``destination``
    (the destination itself if it is a landing or aviation site), plus the ground leg to
    the destination with ``ground_speed``; ``inf`` when that site is farther from the
    destination than ``max_ground_distance``. ``cruise`` (km/h) overrides the params'."""
    if destination.kind in (params.landing_site_kind, "aviation_base"):
        landing = destination
    else:
        landing = region.nearest(destination, params.landing_site_kind) or destination
    ground_km = 0.0
    if landing is not destination:
        ground_km = haversine_km(landing.lat, landing.lon, destination.lat, destination.lon)
    if params.max_ground_distance is not None and ground_km > params.max_ground_distance:
        return math.inf
    ground = ground_km / params.ground_speed * 60.0 if params.ground_speed and ground_km else 0.0
    if origin.id == landing.id:
        return ground
    km = haversine_km(origin.lat, origin.lon, landing.lat, landing.lon)
    return params.start_up + km / (cruise or params.cruise) * 60.0 + params.landing + ground


def _is_day(sim, unit) -> bool:
    """Whether it is day (the force's rule) at the unit's base now: worked out once per
    base, rule and scenario minute (a dispatch pass asks it of every grounded candidate
    of each incident, all at one minute)."""
    base, rule = unit.base, unit.force.params.day
    now = sim.now
    seen = sim.stash.get(_DAY_NOW, None)
    if seen is None or seen[0] != now:
        seen = (now, {})
        sim.stash[_DAY_NOW] = seen
    key = (base.lat, base.lon, rule)
    day = seen[1].get(key)
    if day is None:
        day = seen[1][key] = is_day(base.lat, base.lon, sim.local_time(), rule)
    return day


def _start(sim, force) -> None:
    """A run starts: a force grounded at night (``first_light``) gets a process that
    sends the queued requests at each first light (a dispatch pass)."""
    if force.params.night != "first_light" or not force.units:
        return
    sim.stash.setdefault(_GROUNDED, {})[force.id] = force
    sim.process(_first_light(sim, force))


def _first_light(sim, force):
    """At each end of the day log ``daylight`` (``grounded`` True, ``until`` the next
    first light, local ``HH:MM``) and at each first light ``daylight`` (``grounded``
    False) followed by a dispatch pass for the requests that waited. A drill's ``air``
    order quotes the last one when it refuses a helicopter at night."""
    base, rule = force.units[0].base, force.params.day
    while True:
        now = sim.local_time()
        if is_day(base.lat, base.lon, now, rule):
            _, ends = day_window(base.lat, base.lon, now.date(), now.tzinfo, rule)
            yield sim.timeout((ends - now).total_seconds() / 60.0 + 1e-6)  # just past its end
            continue
        begins = next_day_start(base.lat, base.lon, now, rule)
        sim.log.log("daylight", force=force.id, grounded=True, until=f"{begins:%H:%M}",
                    what=f"no take-off between {_DAY_WORDS[rule]} (daylight rule): grounded until "
                         f"first light at {begins:%H:%M}")
        wait = (begins - now).total_seconds() / 60.0
        yield sim.timeout(max(wait, 0.0) + 1e-6)  # just past the instant the day begins
        sim.log.log("daylight", force=force.id, grounded=False, what="first light: helicopters may fly")
        sim.dispatch_pass()


_DAY_WORDS = {"sunrise_to_sunset": "sunset and sunrise", "civil_twilight": "dusk and dawn (civil twilight)"}


HELICOPTER = UnitType(
    name="helicopter",
    description="航空应急救援 rescue helicopter (flies to the landing site nearest the incident)",
    capabilities={"aerial": 1, "people": 2},
    mode="air",
    vehicle="helicopter",
    turnout=0.0,
    plan_ref="F9 III.(3).1(3), IV.(7)",
    params_model=HelicopterParams,
    start=_start,
)


@hookimpl
def drillsim_register_unit_types(register):
    register(HELICOPTER)


@hookimpl
@only_for_unit_types("helicopter")  # it narrows the candidates only of grounded helicopter forces
def drillsim_filter_candidates(sim, incident, unmet, candidates):
    grounded = sim.stash.get(_GROUNDED, None)
    if not grounded:
        return None
    # the answer depends on the minute and the candidates alone (each unit's force and
    # base): worked out once per minute for each list of candidates (a dispatch pass at
    # night asks it of every queued call a grounded helicopter alone could serve)
    now = sim.now
    seen = sim.stash.get(_KEPT_NOW, None)
    if seen is None or seen[0] != now:
        seen = (now, {})
        sim.stash[_KEPT_NOW] = seen
    key = tuple(candidates)
    keep = seen[1].get(key)
    if keep is None:
        keep = seen[1][key] = [u for u in candidates if u.force.id not in grounded or _is_day(sim, u)]
    return list(keep) if len(keep) < len(candidates) else None


@hookimpl
@only_for_unit_types("helicopter")  # it answers for helicopters only
def drillsim_travel_time(sim, unit, origin, destination):
    if unit.mode != "air" or unit.force.type is not HELICOPTER:
        return None
    params = unit.force.params
    cruise = None
    if params.night == "slower" and not _is_day(sim, unit):
        cruise = params.cruise * params.night_cruise
    return flight_minutes(sim.region, params, origin, destination, cruise)
