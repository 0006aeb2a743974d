"""Great-circle distance on the WGS84 mean sphere."""

from __future__ import annotations

import math

#: Mean Earth radius R1 = (2a + b)/3 for WGS84, km (Moritz 1980, Geodetic Reference
#: System 1980, Bulletin Géodésique 54:395-405).
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points, km.

    Haversine formula (Sinnott 1984, "Virtues of the Haversine", Sky & Telescope 68:159),
    on a sphere of radius :data:`EARTH_RADIUS_KM`; error against the ellipsoid is below
    0.5 %. Inputs in decimal degrees.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def to_local_km(lat: float, lon: float, lat0: float, lon0: float) -> tuple[float, float]:
    """East and north offsets, km, of a point from an origin (equirectangular projection on
    the sphere of :data:`EARTH_RADIUS_KM`; error below 0.1 % within 50 km of the origin at
    Tongnan's latitudes). Inverse: :func:`from_local_km`."""
    x = math.radians(lon - lon0) * math.cos(math.radians(lat0)) * EARTH_RADIUS_KM
    y = math.radians(lat - lat0) * EARTH_RADIUS_KM
    return x, y


def from_local_km(east_km: float, north_km: float, lat0: float, lon0: float) -> tuple[float, float]:
    """(lat, lon) of a point ``east_km``, ``north_km`` from an origin (inverse of
    :func:`to_local_km`)."""
    lat = lat0 + math.degrees(north_km / EARTH_RADIUS_KM)
    lon = lon0 + math.degrees(east_km / (EARTH_RADIUS_KM * math.cos(math.radians(lat0))))
    return lat, lon
