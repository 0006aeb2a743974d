"""Daylight at a place and date: when the day begins and ends, for daylight flying rules.

The sun's times come from astral (``astral.sun``), which implements NOAA's solar
calculator (Meeus' algorithms; https://gml.noaa.gov/grad/solcalc/calcdetails.html) with
the standard refraction at the horizon (sunrise and sunset when the sun's upper limb
touches the horizon: the centre 0.833° below it). Two definitions of the day:

- ``sunrise_to_sunset``: sunrise to sunset;
- ``civil_twilight``: morning to evening civil twilight (centre 6° below the horizon),
  ICAO's definition of night's limits (Annex 2, Chapter 1, "Night").

Times are timezone-aware datetimes in the zone given; minutes are scenario minutes
(from ``start``).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

from astral import Observer
from astral.sun import dawn, dusk, sunrise, sunset

DayRule = Literal["sunrise_to_sunset", "civil_twilight"]


@lru_cache(maxsize=4096)
def day_window(lat: float, lon: float, date: dt.date, tz: dt.tzinfo,
               rule: DayRule = "sunrise_to_sunset") -> tuple[dt.datetime, dt.datetime]:
    """``(day begins, day ends)`` on ``date`` at ``lat``/``lon`` (degrees, WGS84), as
    datetimes in ``tz``. Raises ``ValueError`` where the sun does not rise or set that
    day (polar day or night; not in Chongqing)."""
    where = Observer(latitude=lat, longitude=lon)
    if rule == "civil_twilight":
        return dawn(where, date, 6.0, tzinfo=tz), dusk(where, date, 6.0, tzinfo=tz)
    return sunrise(where, date, tzinfo=tz), sunset(where, date, tzinfo=tz)


def is_day(lat: float, lon: float, when: dt.datetime, rule: DayRule = "sunrise_to_sunset") -> bool:
    """Whether ``when`` (timezone-aware) falls between the day's start and end at the place."""
    begins, ends = day_window(lat, lon, when.date(), when.tzinfo, rule)
    return begins <= when < ends


def next_day_start(lat: float, lon: float, when: dt.datetime,
                   rule: DayRule = "sunrise_to_sunset") -> dt.datetime:
    """The first start of a day at or after ``when`` (timezone-aware): today's if it has
    not come yet, else tomorrow's."""
    begins, _ = day_window(lat, lon, when.date(), when.tzinfo, rule)
    if when <= begins:
        return begins
    return day_window(lat, lon, when.date() + dt.timedelta(days=1), when.tzinfo, rule)[0]
