"""Aviation rescue (航空应急救援, plan F9): helicopters of the Tongnan regional aviation
emergency centre, flying between temporary landing sites (临时起降点).

Flight time (minutes) from a place to a destination:

    start-up + great-circle km to the landing site nearest the destination ÷ cruise
    speed × 60 + landing

A helicopter is "on scene" when it lands at the landing site nearest the incident (the
ground leg from there is not modelled). Cruise speeds: AC311 236 km/h (verified,
SRC_PEOPLE_AC311), Mi-171A2 259 km/h (verified); start-up and landing times are
scenario assumptions.
"""

import math

from drillsim.api import (AirSpeed, DurationOrZero, Length, Strict, UnitType, haversine_km,
                          hookimpl)


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


HELICOPTER = UnitType(
    name="helicopter",
    description="航空应急救援 rescue helicopter (flies to the landing site nearest the incident)",
    capabilities={"aerial": 1, "people": 2},
    mode="air",
    vehicle="helicopter",
    turnout=0.0,
    plan_ref="F9 III.(3).1(3), IV.(7)",
    params_model=HelicopterParams,
)


def flight_minutes(region, params: HelicopterParams, origin, destination) -> float:
    """Flight time, minutes, from ``origin`` to the landing site nearest ``destination``
    (the destination itself if it is a landing or aviation site); ``inf`` when that site
    is farther from the destination than ``max_ground_distance``."""
    if destination.kind in (params.landing_site_kind, "aviation_base"):
        landing = destination
    else:
        landing = region.nearest(destination, params.landing_site_kind) or destination
    if (params.max_ground_distance is not None and landing is not destination
            and haversine_km(landing.lat, landing.lon, destination.lat, destination.lon)
            > params.max_ground_distance):
        return math.inf
    if origin.id == landing.id:
        return 0.0
    km = haversine_km(origin.lat, origin.lon, landing.lat, landing.lon)
    return params.start_up + km / params.cruise * 60.0 + params.landing


@hookimpl
def drillsim_register_unit_types(register):
    register(HELICOPTER)


@hookimpl
def drillsim_travel_time(sim, unit, origin, destination):
    if unit.mode != "air" or unit.force.type is not HELICOPTER:
        return None
    return flight_minutes(sim.region, unit.force.params, origin, destination)
