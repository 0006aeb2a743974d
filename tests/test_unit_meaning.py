"""Quantities in scenario files accept only real units of their dimension.

pint reads its constants (``pi``, ``c``), shares (``%``, ``ppm``), counts and angles as
units, so ``2 pi/h`` parsed as a rate of 2π per hour and ``2 % /h`` as 0.02 per hour.
They are refused; real units of time, length, volume and mass still convert, checked
against their definitions (NIST SP 811, appendix B): 1 mph = 1.609344 km/h, 1 knot =
1.852 km/h, 1 ft = 0.3048 m, 1 US gallon = 3.785411784 L, 1 week = 7 d.
"""

from __future__ import annotations

import pytest

from drillsim.scenario.quantities import parse_quantity


@pytest.mark.parametrize("text, kind, culprit", [
    ("2 pi/h", "rate", "'pi'"),
    ("2 % /h", "rate", "'percent'"),
    ("2%/h", "rate", "'percent'"),
    ("3 ppm/min", "rate", "'ppm'"),
    ("2 rad/h", "rate", "'radian'"),
    ("2 turn/h", "rate", "'turn'"),
    ("2 count/h", "rate", "'count'"),
    ("0.000001 c", "speed", "'speed_of_light'"),
    ("1 km*pi", "length", "'pi'"),
    ("2 h*pi", "time", "'pi'"),
    ("1 planck_length", "length", "'planck_length'"),
])
def test_a_constant_or_a_share_is_no_unit(text, kind, culprit):
    with pytest.raises(ValueError, match=f"contains {culprit}, not a unit of time, length, volume or mass that drillsim reads"):
        parse_quantity(text, kind)


@pytest.mark.parametrize("text, kind, expected", [
    ("3 mph", "speed", 3 * 1.609344),             # km/h
    ("5 knot", "speed", 5 * 1.852),
    ("12 ft", "length", 12 * 0.3048 / 1000),      # km
    ("2 gal/s", "discharge", 2 * 3.785411784e-3),  # m³/s
    ("2 week", "time", 2 * 7 * 1440),              # minutes
    ("3 tonne/h", "mass_rate", 3e6 / 3600),        # g/s
    ("2/h", "rate", 2 / 60),                       # per minute
])
def test_real_units_still_convert(text, kind, expected):
    assert parse_quantity(text, kind) == pytest.approx(expected, rel=1e-12)
