"""Quantities written with units in scenario text, converted to the engine's units.

The engine's internal units, used everywhere after loading:

=============  ===========  ===========================================
quantity       unit         written in files as, for example
=============  ===========  ===========================================
time           minutes      ``90min``, ``12h``, ``2d``, ``45s``
speed          km/h         ``40km/h``, ``7m/s``, ``10mph``, ``20kn``
length         km           ``12km``, ``800m``
elevation      m            ``238.0m``
discharge      m³/s         ``22600m3/s``, ``22600 m^3/s``
rate           per minute   ``0.5/h``, ``2/d``
mass rate      g/s          ``100g/s``, ``2kg/min``
fraction       1            ``30%``, ``0.3``
=============  ===========  ===========================================

The units scenarios use most (``min``, ``h``, ``km/h``, ``m3/s`` …) are converted by a
table of pint's own conversion factors (:data:`FACTORS`), so a run need not import pint
and build its unit registry (about 0.3 s); any other unit text is parsed by the
`pint <https://pint.readthedocs.io>`_ unit registry. Both give the same float: pint
converts a magnitude as ``value * factor`` with the factor the table holds
(tests/test_quantities_table.py checks every entry against pint and against the unit's
definition). A bare number where a unit is required is an error, and so are clock-like
texts such as ``1:30``.

Every quantity has one stated range by what it means (:data:`RANGES`), checked where it
is read — scenarios, regions, plans, sweeps, drill packs, injects and ``drillsim hazard``
options alike — with the message ``400m/s is outside the physical range of a wind speed
(0–120 m/s: …)``. A bound is *physical* (nothing on Earth lies beyond it) or *accepted*
(drillsim's own limit, with its reason):

==============  ====================  ==========================================================
meaning         range                 source or reason
==============  ====================  ==========================================================
duration        0–366 d               accepted: the longest horizon a run takes (``run.horizon``)
time offset     −366 d – 366 d        accepted: as durations, either side of a reference time
speed           0–343 m/s             physical: the speed of sound in air at 20 °C; nothing a
                                      scenario moves (vehicles, aircraft, boats) is supersonic
aircraft speed  0–343 m/s             physical: as above (rescue aircraft are subsonic)
road speed      0–250 km/h            physical for a ground vehicle or boat's average: twice
                                      China's highest road limit, 120 km/h (Road Traffic Safety
                                      Law Implementing Regulations, art. 78), faster than any
                                      rescue boat
wind speed      0–120 m/s             physical: the strongest surface gust measured is 113 m/s
                                      (408 km/h), Barrow Island, Australia, 10 April 1996 (WMO
                                      World Weather and Climate Extremes Archive)
distance        0–20,038 km           physical: half the Earth's equatorial circumference
                                      (40,075 km, WGS 84): no two places are farther apart
elevation       −430 m – 8,849 m      physical: the Dead Sea shore, the lowest dry land (about
                                      −430 m), to the summit of Everest (8,848.86 m, 2020 survey)
height          0–20,000 m            physical: a height above ground (release, plume rise,
                                      flame, water depth) stays below the tropopause (8–18 km)
discharge       0–400,000 m³/s        physical: above the greatest flood known on any river, the
                                      Amazon at Óbidos in June 1953, about 350,000 m³/s (USGS
                                      Circular 552, Oltman et al. 1964)
rate            0–1,000 per minute    accepted: 17 events a second is beyond any call centre,
                                      evacuation or dispatch flow (a typo for /h or /d)
mass rate       0–10,000 kg/s         physical for a release: 10 t/s would empty the largest
                                      pressurised storage sphere (about 2,000 t) in 3 minutes
share           0–100 %               physical: a part of a whole
slope           0–1,000 % (0–84.3°)   accepted: a slope's steepness, rise over run (100 % is
                                      45°), written 30%, 0.3 or 25deg; 1,000 % is a cliff,
                                      where no surface fire spread model applies
live moisture   0–400 %               physical: new foliage holds about 300 % of its dry weight
                                      in water, the most of any live fuel (Rothermel 1983,
                                      USDA Forest Service GTR INT-143)
amount          0–10,000,000          physical for people and supplies in a district: more than
                                      live in any county-level district of China (the largest,
                                      Shanghai Pudong, 5.68 million in the 2020 census)
==============  ====================  ==========================================================
"""


import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

# What a number is, wherever drillsim reads one from text (a quantity in a file, a
# command-line option): ASCII digits 0-9, an optional sign, decimal point and exponent.
# Python's own int() and float() take more: digits of any script (full-width ``１２３``,
# Arabic-Indic ``١٢٣``), underscores (``1_000``), ``inf`` and ``nan``; a value typed with
# an input method left in full-width mode then passed unseen. YAML 1.2's core schema
# reads only ASCII digits as numbers too (yamlsource).
_NUMBER_TEXT = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_NUMBER = re.compile(_NUMBER_TEXT)
_WHOLE = re.compile(r"[-+]?[0-9]+")

# number, optional space, unit text. Rejects "1:30", "12", "h12", "1h30min".
_QUANTITY = re.compile(r"^\s*(" + _NUMBER_TEXT + r")\s*([A-Za-z%°/][A-Za-z0-9_/^*·. ]*?)\s*$")
_CLOCK = re.compile(r"^\s*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?\s*$")


def digits_hint(text: str) -> str:
    """`` (write the digits 0-9: '１２３' has full-width or other digits)`` when ``text``
    holds a digit that is not ASCII, else ''."""
    if any(ch.isdigit() and not ch.isascii() for ch in str(text)):
        return " (write the digits as 0-9, not full-width or another script's digits)"
    return ""


def read_number(text: str) -> float:
    """A number written as text (``12``, ``-0.5``, ``1e3``): ASCII digits only (see
    :data:`_NUMBER_TEXT`); surrounding spaces are ignored.

    :raises ValueError: anything else (``１２``, ``1_000``, ``inf``, ``nan``, ``''``),
        with a message naming the text; digits beyond any float (``1e400``: ``float()``
        reads infinity, which ``inf`` is refused for being; ``replay --speed 1e400`` ran).
    """
    body = str(text).strip()
    if not _NUMBER.fullmatch(body):
        raise ValueError(f"{text!r} is not a number{digits_hint(text)}")
    number = float(body)
    if math.isinf(number):
        raise ValueError(f"{text!r} is beyond any number drillsim takes (it reads as infinity)")
    return number


def read_whole(text: str) -> int:
    """A whole number written as text (``12``, ``-3``): ASCII digits only.

    :raises ValueError: anything else (``１２``, ``1_000``, ``1.5``, ``''``).
    """
    body = str(text).strip()
    if not _WHOLE.fullmatch(body):
        raise ValueError(f"{text!r} is not a whole number{digits_hint(text)}")
    return int(body)


@lru_cache(maxsize=1)
def registry():
    """The shared pint registry (built once; building takes a fraction of a second).

    Beside pint's own units: ``m3`` and ``ft3`` (a cubic metre, a cubic foot, so that
    ``22600m3/s`` and ``800ft3/s`` read as written), ``cfs`` (cubic feet per second, the
    discharge unit of American hydrology texts such as Chow, Maidment & Mays 1988), and
    the chain ``ch`` (``chain``) as fire behaviour uses it, 66 international feet =
    20.1168 m exactly: BehavePlus' and the IRPG's spread and line production in chains
    per hour (``20ch/h``). Pint's own ``chain`` is 66 US survey feet (20.1168402 m), a
    foot NIST deprecated from 2023 (Federal Register 85 FR 62698, 2020); unredefined,
    ``ch`` read as a centi-hour.
    """
    import pint

    ureg = pint.UnitRegistry(cache_folder=None, on_redefinition="ignore")
    ureg.define("m3 = meter ** 3")
    ureg.define("ft3 = foot ** 3")
    ureg.define("cubic_foot_per_second = foot ** 3 / second = cfs")
    ureg.define("chain = 66 * foot = ch")
    return ureg


# target unit per kind and the dimensionality pint must report for it
_KINDS = {
    "time": ("minute", "[time]", "a duration", "90min, 12h, 2d"),
    "speed": ("kilometer / hour", "[length] / [time]", "a speed", "40km/h, 7m/s"),
    "length": ("kilometer", "[length]", "a distance", "12km, 800m"),
    "elevation": ("meter", "[length]", "an elevation", "238.0m"),
    "discharge": ("meter ** 3 / second", "[length] ** 3 / [time]", "a discharge", "22600m3/s"),
    "rate": ("1 / minute", "1 / [time]", "a rate", "0.5/h, 2/d"),
    "mass_rate": ("gram / second", "[mass] / [time]", "a mass rate", "100g/s, 2kg/min"),
}




@dataclass(frozen=True)
class QuantityRange:
    """The range one kind of quantity may take (see the table above).

    :ivar what: the quantity in words, with its article (``"a wind speed"``).
    :ivar kind: the dimension it is read as (a key of the unit table: ``speed`` …).
    :ivar low: least value, in the engine unit of ``kind``.
    :ivar high: greatest value, in the engine unit of ``kind``.
    :ivar shown: the range as people write it (``"0–120 m/s"``).
    :ivar why: the reason, short, for the message.
    :ivar physical: a physical bound (else a limit drillsim sets, with ``why``).
    """

    what: str
    kind: str
    low: float
    high: float
    shown: str
    why: str
    physical: bool = True

    def both_ways(self) -> "QuantityRange":
        """The range mirrored below zero (``0–366 d`` → ``−366 d to 366 d``)."""
        top = self.shown.split("–", 1)[1]
        return QuantityRange(self.what, self.kind, -self.high, self.high, f"−{top} to {top}",
                             self.why, self.physical)

    def refusal(self, text: str) -> str:
        """The message for a value outside the range (``text`` as the user wrote it)."""
        which = "physical range of" if self.physical else "range accepted for"
        return f"{text} is outside the {which} {self.what} ({self.shown}: {self.why})"


_KMH_PER_MS = 3.6
_DAY = 1440.0
#: The range of each meaning a quantity may have (engine units). Dimension kinds read
#: without a meaning take the range of :data:`DEFAULT_MEANING`.
RANGES: dict[str, QuantityRange] = {
    "duration": QuantityRange("a duration", "time", 0.0, 366 * _DAY, "0–366 d",
                              "the longest horizon a run takes", physical=False),
    "time_offset": QuantityRange("a time offset", "time", -366 * _DAY, 366 * _DAY, "−366 d to 366 d",
                                 "the longest horizon a run takes, either way", physical=False),
    "speed": QuantityRange("a speed", "speed", 0.0, 343 * _KMH_PER_MS, "0–343 m/s",
                           "the speed of sound; nothing in a scenario is supersonic"),
    "air_speed": QuantityRange("an aircraft speed", "speed", 0.0, 343 * _KMH_PER_MS, "0–343 m/s",
                               "the speed of sound; rescue aircraft are subsonic"),
    "road_speed": QuantityRange("a road vehicle or boat speed", "speed", 0.0, 250.0, "0–250 km/h",
                                "twice China's highest road limit of 120 km/h, faster than any "
                                "rescue boat"),
    "wind_speed": QuantityRange("a wind speed", "speed", 0.0, 120 * _KMH_PER_MS, "0–120 m/s",
                                "the strongest gust ever measured was 113 m/s"),
    "length": QuantityRange("a distance", "length", 0.0, 20_038.0, "0–20,038 km",
                            "half the Earth's circumference"),
    "elevation": QuantityRange("an elevation", "elevation", -430.0, 8_849.0, "−430 m to 8,849 m",
                               "the Dead Sea shore to the summit of Everest"),
    "height": QuantityRange("a height", "elevation", 0.0, 20_000.0, "0–20,000 m",
                            "nothing rises above the tropopause at 8–18 km"),
    "discharge": QuantityRange("a discharge", "discharge", 0.0, 400_000.0, "0–400,000 m³/s",
                               "the greatest flood known, the Amazon in 1953, was about 350,000 m³/s"),
    "rate": QuantityRange("a rate", "rate", 0.0, 1_000.0, "0–1,000 per minute",
                          "17 a second is beyond any call or evacuation flow; /min for /h?",
                          physical=False),
    "mass_rate": QuantityRange("a release rate", "mass_rate", 0.0, 10_000_000.0, "0–10,000 kg/s",
                               "10 t/s empties the largest storage sphere in 3 minutes"),
}
#: The least a quantity other than zero may be, per dimension kind (engine units), and
#: how that is said. Below it a value is a typo, and a plugin dividing by it overflowed:
#: ``step: 1e-320min`` made the flood's routing a traceback in ``validate``, a forest fire
#: with ``step: 0.01s`` never finished its 24 h, a release of ``1e-320kg/s`` stalled its run.
#: A second is the shortest time any model of a scenario steps by or waits for; for the
#: other kinds a billionth of the engine unit (1 µm, 1 µL/s, a call in 1,900 years) is far
#: below any meant value.
SMALLEST: dict[str, tuple[float, str]] = {
    "time": (1 / 60 - 1e-12, "shorter than 1 s"),  # (less a hair: 1000ms converts to a hair under 1/60)
    "speed": (1e-9, "below 1e-9 km/h"),
    "length": (1e-9, "below 1e-9 km"),
    "elevation": (1e-9, "below 1e-9 m"),
    "discharge": (1e-9, "below 1e-9 m³/s"),
    "rate": (1e-9, "below 1e-9 per minute"),
    "mass_rate": (1e-9, "below 1e-9 g/s"),
}
#: The meaning a dimension kind has when read without one (``"speed"`` → any speed).
DEFAULT_MEANING = {"time": "duration", "speed": "speed", "length": "length", "elevation": "elevation",
                   "discharge": "discharge", "rate": "rate", "mass_rate": "mass_rate"}

#: Range of a share (``Fraction``), in [0, 1].
SHARE = QuantityRange("a share", "fraction", 0.0, 1.0, "0–100 %", "a part of a whole")
#: Range of a slope's steepness (``Slope``), rise over run: 10 is 1,000 %, 84.3°.
STEEPNESS = QuantityRange("a slope", "slope", 0.0, 10.0, "0–1,000 %, 0–84.3°",
                          "rise over run, 100 % is 45°; 1,000 % is a cliff, where no surface "
                          "fire model applies", physical=False)
#: Range of a live fuel moisture (``Percent``), as a share of dry weight.
LIVE_MOISTURE = QuantityRange("a live fuel moisture", "percent", 0.0, 4.0, "0–400 %",
                              "new foliage holds about 300 % of its dry weight in water")
#: Range of an amount of people or supplies (``Count``).
AMOUNT = QuantityRange("an amount", "count", 0.0, 10_000_000.0, "0–10,000,000",
                       "more than live in any district of China")

#: the quantity kinds :func:`parse_quantity` reads: dimensions (``time``, ``speed`` …) and
#: meanings with their own range (``wind_speed``, ``height`` …)
QUANTITY_KINDS = frozenset(_KINDS) | frozenset(RANGES)

#: Factors from a unit as written to the kind's engine unit, for the common spellings:
#: ``{kind: {unit text: factor}}``. Each float is the one pint's registry computes for
#: that conversion (pint multiplies the magnitude by it), so a value read through the
#: table is the very float pint would give. Definitions (SI; NIST SP 811): 1 min = 60 s,
#: 1 h = 60 min, 1 d = 24 h; 1 km = 1000 m; the international mile 1.609344 km
#: (NIST SP 811, B.8); the knot 1852 m/h (a nautical mile per hour); 1 kg = 1000 g;
#: 1 L = 1 dm³ = 0.001 m³.
#: A unit text not listed here goes to pint.
FACTORS: dict[str, dict[str, float]] = {
    "time": {
        **dict.fromkeys(("s", "sec", "second", "seconds"), 0.016666666666666666),  # 1/60
        **dict.fromkeys(("min", "minute", "minutes"), 1.0),
        **dict.fromkeys(("h", "hr", "hour", "hours"), 60.0),
        **dict.fromkeys(("d", "day", "days"), 1440.0),                          # 24 × 60
    },
    "speed": {
        "km/h": 1.0, "kph": 1.0,
        "m/s": 3.6,                        # 3600 s/h ÷ 1000 m/km
        "mph": 1.609344,                   # international mile
        "kn": 1.852, "knot": 1.852, "knots": 1.852,
    },
    "length": {
        "km": 1.0, "kilometer": 1.0, "kilometers": 1.0,
        **dict.fromkeys(("m", "meter", "meters", "metre", "metres"), 0.001),
    },
    "elevation": {"m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0},
    "discharge": {"m3/s": 1.0, "m^3/s": 1.0, "m**3/s": 1.0,
                  # a litre is a cubic decimetre (SI brochure, 9th ed., table 8); pint's
                  # factor carries its rounding (1e-3 → 0.0010000000000000002)
                  "L/s": 0.0010000000000000002, "l/s": 0.0010000000000000002},
    "rate": {
        "1/s": 60.0,
        "1/min": 1.0,
        **dict.fromkeys(("1/h", "1/hr", "1/hour"), 0.016666666666666666),       # 1/60
        **dict.fromkeys(("1/d", "1/day"), 0.0006944444444444444),              # 1/1440
    },
    "mass_rate": {
        "g/s": 1.0, "kg/s": 1000.0,
        "g/min": 0.016666666666666666,     # 1/60
        "kg/min": 16.666666666666668,      # 1000/60
        "kg/h": 0.2777777777777778,        # 1000/3600
    },
}


def parse_quantity(value: Any, kind: str, *, allow_zero: bool = False,
                   allow_negative: bool = False) -> float:
    """Convert ``"12h"``-style text to a float in the engine unit for ``kind``.

    :param value: the text from the file.
    :param kind: a dimension — ``time`` (→ minutes), ``speed`` (→ km/h), ``length`` (→ km),
        ``elevation`` (→ m), ``discharge`` (→ m³/s), ``rate`` (→ per minute), ``mass_rate``
        (→ g/s) — or a meaning of :data:`RANGES` (``wind_speed``, ``road_speed``,
        ``air_speed``, ``height``, ``time_offset`` …), read in its dimension's unit.
    :param allow_zero: zero is a value (else "must be greater than zero").
    :param allow_negative: the range extends as far below zero as above it (a time
        offset, a threshold on a lead time).
    :returns: the magnitude in the engine unit.
    :raises ValueError: with a message fit for the user: a bare number, a clock time
        like ``1:30``, an unknown unit, a unit of the wrong kind, a value outside the
        meaning's range (:meth:`QuantityRange.refusal`) or (unless ``allow_zero``) zero.
    """
    meaning = kind
    kind, _ = _meaning(kind)
    target, dim, what, examples = _KINDS[kind]
    if value is None:  # `horizon:` or `horizon: ~` (YAML's null), not Python's None
        raise ValueError(f"is empty: give {what} with a unit (e.g. {examples})")
    if isinstance(value, bool):
        raise ValueError(f"expected {what} with a unit (e.g. {examples}), got {value!r}")
    if isinstance(value, (int, float)):
        raise ValueError(f"{what} needs a unit: write e.g. {examples}, not the bare number {value!r}")
    if not isinstance(value, str):
        raise ValueError(f"expected {what} with a unit (e.g. {examples})")
    return _parse_text(value, DEFAULT_MEANING.get(meaning, meaning), allow_zero, allow_negative)


# a scenario writes the same few quantities again and again, and a batch worker loads
# each variant of a sweep: pint's parsing is most of a load, so remember the answers
# (errors are not remembered: they are raised again each time)
def _meaning(kind: str) -> tuple[str, QuantityRange]:
    """A dimension or meaning → (its dimension kind, its range)."""
    rng = RANGES[DEFAULT_MEANING.get(kind, kind)]
    return rng.kind, rng


@lru_cache(maxsize=4096)
def _parse_text(value: str, meaning: str, allow_zero: bool, allow_negative: bool) -> float:
    kind, _ = _meaning(meaning)
    target, dim, what, examples = _KINDS[kind]
    if _CLOCK.match(value):
        raise ValueError(f"{value!r} looks like a clock time; write {what} with a unit "
                         f"(e.g. {examples}: 1:30 is 90min)")
    m = _QUANTITY.match(value)
    if not m:
        raise ValueError(f"{value!r} is not {what} with a unit (e.g. {examples}){digits_hint(value)}")
    unit_text = m.group(2).replace("·", "*")
    if unit_text.startswith("/"):
        unit_text = "1" + unit_text  # a rate written 0.5/h
    factor = FACTORS[kind].get(unit_text)
    magnitude = (float(m.group(1)) * factor if factor is not None
                 else _pint_magnitude(value, m.group(1), m.group(2), unit_text, kind))
    return check_magnitude(magnitude, meaning, allow_zero=allow_zero,
                           allow_negative=allow_negative, written=value)


def check_magnitude(magnitude: float, meaning: str, *, allow_zero: bool = False,
                    allow_negative: bool = False, written: str | None = None) -> float:
    """The value checks of a quantity already in the engine unit: finite, inside the
    meaning's range (:data:`RANGES`), above zero unless ``allow_zero``. One check for a
    scenario's text (:func:`parse_quantity` calls it on what it read) and for a plugin's
    params default, which is written in the engine unit (:data:`ENGINE_VALUES`).

    :param magnitude: the value in the engine unit of ``meaning``'s kind (minutes …).
    :param meaning: a dimension or meaning, as for :func:`parse_quantity`.
    :param written: the text as the user wrote it, for the message; None: the value is
        shown with its engine unit (``-5 min``).
    :returns: ``magnitude``.
    :raises ValueError: not finite, outside the range (:meth:`QuantityRange.refusal`),
        or zero where zero is no value.
    """
    kind, rng = _meaning(meaning)
    what = _KINDS[kind][2]
    if written is None:
        shown = quoted = f"{magnitude:g} {ENGINE_UNIT[kind]}"
    else:
        shown, quoted = written.strip(), repr(written)
    if not math.isfinite(magnitude):
        raise ValueError(f"{quoted} is not a finite number")
    if allow_negative and rng.low >= 0:
        rng = rng.both_ways()
    if not rng.low <= magnitude <= rng.high:
        raise ValueError(rng.refusal(shown))
    if magnitude == 0 and not (allow_zero or allow_negative or rng.low < 0):
        raise ValueError(f"{what} must be greater than zero, got {quoted}")
    smallest, said = SMALLEST[kind]
    if 0 < abs(magnitude) < smallest:
        raise ValueError(f"{quoted} is {said}: no scenario means so little (a typo for the unit?)")
    return magnitude


#: the units that take SI prefixes (km, mm, ms, kg, mL …). The SI Brochure (9th ed., 2019,
#: §4 and Table 8) uses no prefix with the minute, hour or day, nor with units outside
#: the SI (knot, mile, foot …): pint would read ``4dd`` as 4 decidays and ``2hh`` as 2
#: hectohours, which in a scenario file are typos.
_PREFIXABLE = frozenset({"meter", "second", "gram", "liter"})

#: the units a scenario's durations, distances, speeds, discharges, rates and mass rates
#: may be written in (pint's names; a prefix only on :data:`_PREFIXABLE`): units of time,
#: length, volume and mass (SI Brochure, 9th ed., 2019, tables 2 and 8; NIST SP 811,
#: appendix B, for the mile, foot, yard, inch, nautical mile, US gallon, pound (ALOHA gives
#: release rates in lb/min) and knot; the
#: chain and the cubic foot per second as :func:`registry` defines them). Pint
#: reads much more as a unit: its constants (``pi``, ``c`` the speed of light,
#: ``planck_length``), shares (``%``, ``ppm``), counts (``dozen``, ``count``), angles
#: (``rad``, ``turn``, ``deg``) and bits, so ``2 pi/h`` would be a rate of 6.28 per hour
#: and ``2 % /h`` one of 0.02 per hour: in a scenario file these mean nothing.
_REAL_UNITS = frozenset({
    "second", "minute", "hour", "day", "week",
    "meter", "mile", "nautical_mile", "foot", "yard", "inch", "chain",
    "liter", "m3", "ft3", "gallon", "cubic_foot_per_second",
    "gram", "metric_ton", "pound",
    "knot", "mile_per_hour", "kilometer_per_hour",
})


def _pint_magnitude(value: str, number: str, written: str, unit_text: str, kind: str) -> float:
    """``number`` ``unit_text`` in the engine unit of ``kind``, through pint's registry.

    :raises ValueError: an unknown unit, or a unit of another kind.
    """
    import pint

    target, dim, what, examples = _KINDS[kind]
    ureg = registry()
    try:
        unit = ureg.Unit(unit_text)
    except ArithmeticError:  # pint evaluates the numbers in "2/0h" or "1 km/h/0"
        raise ValueError(f"{value!r} is not {what} with a unit: {written!r} divides by zero "
                         f"or overflows; write e.g. {examples}") from None
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            TypeError, ValueError, AssertionError, KeyError):
        raise ValueError(f"unknown unit {written!r} in {value!r}; write e.g. {examples}") from None
    parts = getattr(ureg, "parse_units_as_container", None)  # (public in newer pint)
    for name in (parts(unit_text) if parts is not None else unit._units):
        prefix, base, _ = (ureg.parse_unit_name(name) or (("", name, ""),))[0]
        if base not in _REAL_UNITS:
            # pint's constants, shares, counts and angles are no unit of a quantity here
            raise ValueError(f"{value!r} is not {what} with a unit: {written!r} contains "
                             f"{base!r}, not a unit of time, length, volume or mass that "
                             f"drillsim reads; write e.g. {examples}")
        if prefix and base not in _PREFIXABLE:
            # pint reads "4dd" as 4 decidays and "90mmin" as 90 milliminutes: typos
            raise ValueError(f"unknown unit {written!r} in {value!r} (a prefix such as "
                             f"{prefix}- does not apply to the {base}); write e.g. {examples}")
    quantity = ureg.Quantity(float(number), unit)
    if str(quantity.dimensionality) != dim:
        raise ValueError(f"{value!r} is not {what}: {written!r} measures "
                         f"{quantity.dimensionality}; write e.g. {examples}")
    return float(quantity.to(target).magnitude)


def parse_fraction(value: Any) -> float:
    """``"30%"`` or ``0.3`` → 0.3.

    :raises ValueError: outside [0, 1] (:data:`SHARE`), or not a number/percentage.
    """
    if value is None:  # `share:` or `share: ~` (YAML's null), not Python's None
        raise ValueError("is empty: give a share such as 30% or 0.3")
    if isinstance(value, bool):
        raise ValueError(f"expected a share such as 30% or 0.3, got {value!r}")
    if isinstance(value, (int, float)):
        share = _as_float(value)
    elif isinstance(value, str) and value.strip().endswith("%"):
        try:
            share = read_number(value.strip()[:-1]) / 100.0
        except ValueError:
            raise ValueError(f"{value!r} is not a percentage such as 30%{digits_hint(value)}") from None
    else:
        raise ValueError(f"expected a share such as 30% or 0.3, got {value!r}")
    if not math.isfinite(share):
        raise ValueError(f"{value!r} is not a finite number")
    if not 0.0 <= share <= 1.0:
        raise ValueError(SHARE.refusal(str(value).strip()))
    return share


def parse_slope(value: Any) -> float:
    """A slope's steepness as rise over run: ``"30%"`` or ``0.3`` → 0.3, ``"25deg"`` or
    ``"25°"`` → tan 25° = 0.466 (Chinese maps and plans give 坡度 in degrees). Unlike a
    share it may exceed 100 % (45°): a 60° slope is 173 %.

    :raises ValueError: not a percentage, number or angle; negative; 90° or steeper;
        above 1,000 % (:data:`STEEPNESS`).
    """
    if value is None:
        raise ValueError("is empty: give a slope such as 30%, 0.3 or 25deg")
    if isinstance(value, bool):
        raise ValueError(f"expected a slope such as 30%, 0.3 or 25deg, got {value!r}")
    text = value.strip() if isinstance(value, str) else None
    if isinstance(value, (int, float)):
        rise = _as_float(value)
    elif text is not None and text.endswith("%"):
        try:
            rise = read_number(text[:-1]) / 100.0
        except ValueError:
            raise ValueError(f"{value!r} is not a percentage such as 30%{digits_hint(value)}") from None
    elif text is not None and _ANGLE.match(text):
        number, unit = _ANGLE.match(text).groups()
        degrees = float(number) if unit.startswith(("deg", "°")) else math.degrees(float(number))
        if not 0.0 <= degrees < 90.0:
            raise ValueError(f"{text} is not a slope: give an angle from 0deg (level) to below "
                             "90deg (vertical)")
        rise = math.tan(math.radians(degrees))
    else:
        try:
            rise = read_number(text) if text is not None else math.nan
        except ValueError:
            raise ValueError(f"expected a slope such as 30%, 0.3 or 25deg, got {value!r}") from None
    if not math.isfinite(rise):
        raise ValueError(f"{value!r} is not a finite number")
    if not STEEPNESS.low <= rise <= STEEPNESS.high:
        raise ValueError(STEEPNESS.refusal(str(value).strip()))
    return rise


_ANGLE = re.compile(r"^\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))\s*(deg|degrees?|°|rad|radians?)\s*$")


def parse_angle(value: Any) -> float:
    """``"90deg"``, ``"90°"``, ``"1.2rad"`` → degrees in [0, 360) (a direction).

    :raises ValueError: a bare number, another unit, not text.
    """
    m = _ANGLE.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"{value!r} is not an angle with a unit; write e.g. 90deg or 90°{digits_hint(value)}")
    degrees = float(m.group(1))
    if m.group(2).startswith("rad"):
        degrees = math.degrees(degrees)
    return degrees % 360.0


def parse_percent(value: Any) -> float:
    """``"120%"`` → 1.2: a non-negative share that may exceed 100 % (live fuel moisture).

    :raises ValueError: no ``%`` sign, not a number, outside 0–400 % (:data:`LIVE_MOISTURE`).
    """
    body = value.strip() if isinstance(value, str) else ""
    if not body.endswith("%"):
        raise ValueError(f"{value!r}: write a percentage such as 60% or 120%")
    try:
        share = read_number(body[:-1]) / 100.0
    except ValueError:
        raise ValueError(f"{value!r} is not a percentage such as 60%{digits_hint(value)}") from None
    if not math.isfinite(share):
        raise ValueError(f"{value!r} is not a finite number")
    if not LIVE_MOISTURE.low <= share <= LIVE_MOISTURE.high:
        raise ValueError(LIVE_MOISTURE.refusal(body))
    return share


def check_amount(value: float) -> float:
    """An amount of people or supplies (a demand, a capability, a stock): finite, in
    0–10,000,000 (:data:`AMOUNT`).

    :raises ValueError: outside the range, or not finite.
    """
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    if not AMOUNT.low <= value <= AMOUNT.high:
        raise ValueError(AMOUNT.refusal(f"{value:,.10g}"))
    return value


#: The pydantic validation context under which the quantity types below take a number in
#: the engine's unit (minutes, km/h, a share …) instead of text with a unit, and check it
#: as they check a scenario's value (:func:`check_magnitude`): how a plugin's params
#: defaults are checked (``drillsim.host.registry.default_faults``). Anything else than a
#: number passes through unread, for the field's type to refuse.
ENGINE_VALUES = {"drillsim_engine_values": True}


def _engine_value(info: Any) -> bool:
    """Validation under :data:`ENGINE_VALUES` (a plugin's params default)."""
    context = info.context
    return bool(context) and context.get("drillsim_engine_values") is True


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_float(value: int | float) -> float:
    """A plugin's number (a params default in the engine unit) as a float: an int beyond
    a float's range (``10**400``) is refused as no finite number, as ``inf`` is (``float``
    raises ``OverflowError``, which pydantic does not report as the value's fault: the
    default passed unchecked and failed in the plugin's run).

    :raises ValueError: the int does not fit a float."""
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"a whole number of {len(str(value)):,} digits is not a finite "
                         "number (beyond a float's range)") from None


def _validator(kind: str, **flags):
    def read(value: Any, info: Any) -> Any:
        if _engine_value(info):  # a number in the engine unit; text is no default
            return check_magnitude(_as_float(value), kind, **flags) if _number(value) else value
        return parse_quantity(value, kind, **flags)
    return BeforeValidator(read)


def _fraction(value: Any, info: Any) -> Any:
    if _engine_value(info) and not _number(value):  # 0.3, not '30%'
        return value
    return parse_fraction(value)


def _slope(value: Any, info: Any) -> Any:
    if _engine_value(info) and not _number(value):  # 0.3, not '30%'
        return value
    return parse_slope(value)


def _percent(value: Any, info: Any) -> Any:
    if _engine_value(info):  # a share of dry weight: 1.2 for 120 %
        if not _number(value):
            return value
        if not math.isfinite(_as_float(value)):
            raise ValueError(f"{value!r} is not a finite number")
        if not LIVE_MOISTURE.low <= value <= LIVE_MOISTURE.high:
            raise ValueError(LIVE_MOISTURE.refusal(f"{value:g} ({value * 100:g} %)"))
        return value
    return parse_percent(value)


def _angle(value: Any, info: Any) -> Any:
    if _engine_value(info):  # degrees, a direction in [0, 360)
        if _number(value) and not (math.isfinite(_as_float(value)) and 0 <= value < 360):
            raise ValueError(f"{value!r} is not a direction in degrees, 0 or more and below 360")
        return value
    return parse_angle(value)


#: The unit the engine keeps each quantity kind in, as docs print it.
ENGINE_UNIT = {"time": "min", "speed": "km/h", "length": "km", "elevation": "m",
               "discharge": "m³/s", "rate": "1/min", "mass_rate": "g/s"}


def _schema(kind: str, written: str, examples: list[str], number_too: bool = False):
    """What JSON Schema says of a quantity written with a unit: a string (the editor
    offers the examples); ``x-drillsim-quantity`` and ``x-drillsim-unit`` name the kind
    and the unit the engine converts it to (docs/scenarios.md prints them)."""
    text = {"type": "string", "pattern": r"^\s*[-+]?[0-9.]+([eE][-+]?[0-9]+)?\s*[^\s0-9].*$",
            "x-drillsim-written": f"{written}, e.g. {', '.join(examples)}"}
    schema: dict = {**text, "examples": examples}
    if number_too:
        schema = {"anyOf": [text, {"type": "number"}], "examples": examples}
    schema["x-drillsim-quantity"] = kind
    schema["x-drillsim-unit"] = ENGINE_UNIT.get(kind, {"angle": "°"}.get(kind, "1"))
    return WithJsonSchema(schema)


#: A positive duration, in minutes.
Duration = Annotated[float, _validator("time"), _schema("time", "a duration with a unit", ["90min", "12h", "2d"])]
#: A duration that may be zero (a turnout time, a delay), in minutes.
DurationOrZero = Annotated[float, _validator("time", allow_zero=True),
                          _schema("time", "a duration with a unit (0 allowed)", ["0min", "2min", "1h"])]
#: An offset in time that may be negative (upstream of a gauge), in minutes.
TimeOffset = Annotated[float, _validator("time_offset"),
                      _schema("time", "a time offset with a unit (may be negative)", ["-120min", "53min"])]
#: A positive speed, in km/h, below the speed of sound.
Speed = Annotated[float, _validator("speed"), _schema("speed", "a speed with a unit", ["40km/h", "7m/s"])]
#: A ground vehicle's or boat's average speed, in km/h, at most 250 km/h.
RoadSpeed = Annotated[float, _validator("road_speed"),
                      _schema("speed", "a road vehicle or boat speed, 0-250 km/h", ["40km/h"])]
#: An aircraft's speed, in km/h, below the speed of sound.
AirSpeed = Annotated[float, _validator("air_speed"),
                     _schema("speed", "an aircraft speed, below 343 m/s", ["236km/h"])]
#: A wind speed (zero is calm), in km/h, at most 120 m/s.
WindSpeed = Annotated[float, _validator("wind_speed", allow_zero=True),
                      _schema("speed", "a wind speed, 0-120 m/s", ["2m/s", "8km/h"])]
#: A height above ground or a water depth, in metres, 0–20,000 m.
Height = Annotated[float, _validator("height", allow_zero=True),
                   _schema("elevation", "a height or depth with a unit, 0-20,000 m", ["3m", "90m"])]
#: A positive distance, in km.
Length = Annotated[float, _validator("length"), _schema("length", "a distance with a unit", ["12km", "800m"])]
#: An elevation (river stage), in metres, −430 m to 8,849 m.
Elevation = Annotated[float, _validator("elevation"),
                     _schema("elevation", "an elevation with a unit", ["238.0m"])]
#: A non-negative discharge, in m³/s.
Discharge = Annotated[float, _validator("discharge", allow_zero=True),
                     _schema("discharge", "a discharge with a unit", ["22600m3/s"])]
#: A positive rate (events per time), written ``0.5/h``, in events per minute.
Rate = Annotated[float, _validator("rate"), _schema("rate", "a rate (events per time)", ["0.5/h", "2/d"])]
#: A share in [0, 1], written ``30%`` or ``0.3``.
Fraction = Annotated[float, BeforeValidator(_fraction),
                    _schema("fraction", "a share, 0-100 %", ["30%", "0.3"], number_too=True)]
#: A slope's steepness, rise over run (0.3 for 30 %), written ``30%``, ``0.3`` or ``25deg``.
Slope = Annotated[float, BeforeValidator(_slope),
                  _schema("slope", "a slope, rise over run (100 % is 45°)", ["30%", "0.3", "25deg"],
                          number_too=True)]
#: A non-negative share that may exceed 1, written ``120%``.
Percent = Annotated[float, BeforeValidator(_percent),
                   _schema("percent", "a percentage (may exceed 100 %)", ["60%", "120%"])]
#: A direction, written ``90deg`` or ``90°``, in degrees [0, 360).
Angle = Annotated[float, BeforeValidator(_angle), _schema("angle", "an angle", ["90deg", "45°"])]
#: A non-negative mass rate (a release rate), written ``100g/s`` or ``2kg/min``, in g/s.
MassRate = Annotated[float, _validator("mass_rate", allow_zero=True),
                    _schema("mass_rate", "a mass rate with a unit", ["100g/s", "2kg/min"])]
#: A speed that may be zero (calm), in km/h.
SpeedOrZero = Annotated[float, _validator("speed", allow_zero=True),
                       _schema("speed", "a speed with a unit (0 allowed)", ["0km/h", "8km/h"])]
#: An amount of people or supplies (a demand, a capability, a stock), 0–10,000,000.
Count = Annotated[float, AfterValidator(check_amount)]


def check_demand(value: dict[str, float]) -> dict[str, float]:
    """A demand ``{capability: amount}``: at least one capability, every amount above 0
    (each amount already a :data:`Count`: finite, in 0–10,000,000). An incident whose
    demand is all zeros could be served by nothing and would fail the run when created.

    :raises ValueError: empty, or an amount of 0.
    """
    if not value:
        raise ValueError("a demand names at least one capability with an amount above 0 "
                         "(e.g. {people: 5})")
    zero = [name for name, amount in value.items() if amount <= 0]
    if zero:
        raise ValueError(f"a demand's amounts are above 0, got 0 for {', '.join(map(repr, zero))}; "
                         "leave out a capability the incident does not need")
    return value


#: What an incident needs on scene, ``{capability: amount}`` (at least one, each a
#: :data:`Count` above 0).
Demand = Annotated[dict[str, Count], AfterValidator(check_demand),
                   Field(json_schema_extra={"minProperties": 1})]


def format_minutes(minutes: float) -> str:
    """Minutes → ``"2d 03:15"`` / ``"03:15"`` style scenario-clock text (for reports)."""
    if minutes is None or not math.isfinite(minutes):
        return "—"
    sign = "-" if minutes < 0 else ""
    total = int(round(abs(minutes)))
    days, rem = divmod(total, 24 * 60)
    hours, mins = divmod(rem, 60)
    return f"{sign}{days}d {hours:02d}:{mins:02d}" if days else f"{sign}{hours:02d}:{mins:02d}"


def format_number(value: float, digits: int = 3) -> str:
    """A number for people to read: ``digits`` significant figures, thousands separators,
    never scientific notation (``80669.5`` → ``80,700``; ``0.0001234`` → ``0.000123``;
    ``2.0`` → ``2``). Integers and text come back as ``str(value)``; ``inf`` as ``∞``.

    :param digits: significant figures, at least 1.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return "∞" if value > 0 else ("-∞" if value < 0 else "—")
    if value == 0:
        return "0"
    # a numpy float rounds as value × 10**ndigits: a tiny one (a share of calls waiting
    # of 1e-316 in a 200-unit hypercube) overflowed to nan; Python's float rounds exactly
    value = float(value)
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(value, digits - 1 - magnitude)  # negative: to tens, hundreds …
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
