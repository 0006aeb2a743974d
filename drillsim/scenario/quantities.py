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
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

# number, optional space, unit text. Rejects "1:30", "12", "h12", "1h30min".
_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z%°/][A-Za-z0-9_/^*·. ]*?)\s*$")
_CLOCK = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s*$")


@lru_cache(maxsize=1)
def registry():
    """The shared pint registry (built once; building takes a fraction of a second)."""
    import pint

    ureg = pint.UnitRegistry(cache_folder=None)
    ureg.define("m3 = meter ** 3")
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


#: the quantity kinds :func:`parse_quantity` reads (``time``, ``speed`` …)
QUANTITY_KINDS = frozenset(_KINDS)

#: Factors from a unit as written to the kind's engine unit, for the common spellings:
#: ``{kind: {unit text: factor}}``. Each float is the one pint's registry computes for
#: that conversion (pint multiplies the magnitude by it), so a value read through the
#: table is the very float pint would give. Definitions (SI; NIST SP 811): 1 min = 60 s,
#: 1 h = 60 min, 1 d = 24 h; 1 km = 1000 m; the international mile 1.609344 km
#: (NIST SP 811, B.8); the knot 1852 m/h (a nautical mile per hour); 1 kg = 1000 g.
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
    "discharge": {"m3/s": 1.0, "m^3/s": 1.0, "m**3/s": 1.0},
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
    :param kind: one of ``time`` (→ minutes), ``speed`` (→ km/h), ``length`` (→ km),
        ``elevation`` (→ m), ``discharge`` (→ m³/s), ``rate`` (→ per minute).
    :returns: the magnitude in the engine unit.
    :raises ValueError: with a message fit for the user: a bare number, a clock time
        like ``1:30``, an unknown unit, a unit of the wrong kind, a negative or (unless
        ``allow_zero``) zero value.
    """
    target, dim, what, examples = _KINDS[kind]
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected {what} with a unit (e.g. {examples}), got {value!r}")
    if isinstance(value, (int, float)):
        raise ValueError(f"{what} needs a unit: write e.g. {examples}, not the bare number {value!r}")
    if not isinstance(value, str):
        raise ValueError(f"expected {what} with a unit (e.g. {examples})")
    return _parse_text(value, kind, allow_zero, allow_negative)


# a scenario writes the same few quantities again and again, and a batch worker loads
# each variant of a sweep: pint's parsing is most of a load, so remember the answers
# (errors are not remembered: they are raised again each time)
@lru_cache(maxsize=4096)
def _parse_text(value: str, kind: str, allow_zero: bool, allow_negative: bool) -> float:
    target, dim, what, examples = _KINDS[kind]
    if _CLOCK.match(value):
        raise ValueError(f"{value!r} looks like a clock time; write {what} with a unit "
                         f"(e.g. {examples}: 1:30 is 90min)")
    m = _QUANTITY.match(value)
    if not m:
        raise ValueError(f"{value!r} is not {what} with a unit (e.g. {examples})")
    unit_text = m.group(2).replace("·", "*")
    if unit_text.startswith("/"):
        unit_text = "1" + unit_text  # a rate written 0.5/h
    factor = FACTORS[kind].get(unit_text)
    magnitude = (float(m.group(1)) * factor if factor is not None
                 else _pint_magnitude(value, m.group(1), m.group(2), unit_text, kind))
    if not math.isfinite(magnitude):
        raise ValueError(f"{value!r} is not a finite number")
    if magnitude < 0 and not allow_negative:
        raise ValueError(f"{what} must not be negative, got {value!r}")
    if magnitude == 0 and not (allow_zero or allow_negative):
        raise ValueError(f"{what} must be greater than zero, got {value!r}")
    return magnitude


def _pint_magnitude(value: str, number: str, written: str, unit_text: str, kind: str) -> float:
    """``number`` ``unit_text`` in the engine unit of ``kind``, through pint's registry.

    :raises ValueError: an unknown unit, or a unit of another kind.
    """
    import pint

    target, dim, what, examples = _KINDS[kind]
    ureg = registry()
    try:
        unit = ureg.Unit(unit_text)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            TypeError, ValueError, AssertionError, KeyError):
        raise ValueError(f"unknown unit {written!r} in {value!r}; write e.g. {examples}") from None
    quantity = ureg.Quantity(float(number), unit)
    if str(quantity.dimensionality) != dim:
        raise ValueError(f"{value!r} is not {what}: {written!r} measures "
                         f"{quantity.dimensionality}; write e.g. {examples}")
    return float(quantity.to(target).magnitude)


def parse_fraction(value: Any) -> float:
    """``"30%"`` or ``0.3`` → 0.3.

    :raises ValueError: outside [0, 1], or not a number/percentage.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a share such as 30% or 0.3, got {value!r}")
    if isinstance(value, (int, float)):
        share = float(value)
    elif isinstance(value, str) and value.strip().endswith("%"):
        try:
            share = float(value.strip()[:-1]) / 100.0
        except ValueError:
            raise ValueError(f"{value!r} is not a percentage such as 30%") from None
    else:
        raise ValueError(f"expected a share such as 30% or 0.3, got {value!r}")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"a share must lie between 0% and 100%, got {value!r}")
    return share


_ANGLE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+))\s*(deg|degrees?|°|rad|radians?)\s*$")


def parse_angle(value: Any) -> float:
    """``"90deg"``, ``"90°"``, ``"1.2rad"`` → degrees in [0, 360) (a direction).

    :raises ValueError: a bare number, another unit, not text.
    """
    m = _ANGLE.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"{value!r} is not an angle with a unit; write e.g. 90deg or 90°")
    degrees = float(m.group(1))
    if m.group(2).startswith("rad"):
        degrees = math.degrees(degrees)
    return degrees % 360.0


def parse_percent(value: Any) -> float:
    """``"120%"`` → 1.2: a non-negative share that may exceed 100 % (live fuel moisture).

    :raises ValueError: no ``%`` sign, not a number, negative.
    """
    body = value.strip() if isinstance(value, str) else ""
    if not body.endswith("%"):
        raise ValueError(f"{value!r}: write a percentage such as 60% or 120%")
    try:
        share = float(body[:-1]) / 100.0
    except ValueError:
        raise ValueError(f"{value!r} is not a percentage such as 60%") from None
    if not math.isfinite(share) or share < 0:
        raise ValueError(f"{value!r}: a percentage must not be negative")
    return share


def _validator(kind: str, **flags):
    return BeforeValidator(lambda v: parse_quantity(v, kind, **flags))


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
TimeOffset = Annotated[float, _validator("time", allow_negative=True),
                      _schema("time", "a time offset with a unit (may be negative)", ["-120min", "53min"])]
#: A positive speed, in km/h.
Speed = Annotated[float, _validator("speed"), _schema("speed", "a speed with a unit", ["40km/h", "7m/s"])]
#: A positive distance, in km.
Length = Annotated[float, _validator("length"), _schema("length", "a distance with a unit", ["12km", "800m"])]
#: An elevation (river stage), in metres; may be any sign.
Elevation = Annotated[float, _validator("elevation", allow_negative=True),
                     _schema("elevation", "an elevation with a unit", ["238.0m"])]
#: A non-negative discharge, in m³/s.
Discharge = Annotated[float, _validator("discharge", allow_zero=True),
                     _schema("discharge", "a discharge with a unit", ["22600m3/s"])]
#: A positive rate (events per time), written ``0.5/h``, in events per minute.
Rate = Annotated[float, _validator("rate"), _schema("rate", "a rate (events per time)", ["0.5/h", "2/d"])]
#: A share in [0, 1], written ``30%`` or ``0.3``.
Fraction = Annotated[float, BeforeValidator(parse_fraction),
                    _schema("fraction", "a share, 0-100 %", ["30%", "0.3"], number_too=True)]
#: A non-negative share that may exceed 1, written ``120%``.
Percent = Annotated[float, BeforeValidator(parse_percent),
                   _schema("percent", "a percentage (may exceed 100 %)", ["60%", "120%"])]
#: A direction, written ``90deg`` or ``90°``, in degrees [0, 360).
Angle = Annotated[float, BeforeValidator(parse_angle), _schema("angle", "an angle", ["90deg", "45°"])]
#: A non-negative mass rate (a release rate), written ``100g/s`` or ``2kg/min``, in g/s.
MassRate = Annotated[float, _validator("mass_rate", allow_zero=True),
                    _schema("mass_rate", "a mass rate with a unit", ["100g/s", "2kg/min"])]
#: A speed that may be zero (calm), in km/h.
SpeedOrZero = Annotated[float, _validator("speed", allow_zero=True),
                       _schema("speed", "a speed with a unit (0 allowed)", ["0km/h", "8km/h"])]


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
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(value, digits - 1 - magnitude)  # negative: to tens, hundreds …
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
