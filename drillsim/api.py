"""The public plugin API: everything a drillsim plugin may import.

Plugins (the built-in ones in ``drillsim_plugins`` included) import only from this
module. Time is in minutes throughout.

API version: :data:`API_VERSION`. Hooks are specified in :mod:`drillsim.hookspecs`.
"""

from __future__ import annotations

import pluggy

from .engine.access import Restriction
from .engine.eventlog import Event, EventLog
from .engine.incidents import Incident
from .engine.simulation import OrderRefused, PluginFailed, Simulation
from .drill.reporting import Message, ReportChannel, Reporter, demand_text
from .engine.units import Force, Unit
from .geo import from_local_km, haversine_km, to_local_km
from .quantities import (Angle, Discharge, Duration, DurationOrZero, Elevation, Fraction, Length,
                         MassRate, Percent, Rate, Speed, SpeedOrZero, TimeOffset, format_minutes, parse_angle,
                         parse_fraction, parse_percent, parse_quantity)
from .region import Place, Region
from .registry import CalcOption, Calculator, HazardType, Metric, UnitType
from .scoring.metrics import MetricContext, Observations
from .validation import Strict, suggest

#: Version of this API (semantic versioning: a major change may break plugins).
API_VERSION = "0.1"

#: Marker for hook implementations: ``@hookimpl`` above a ``drillsim_*`` function.
hookimpl = pluggy.HookimplMarker("drillsim")

__all__ = [
    "API_VERSION", "hookimpl", "UnitType", "HazardType", "Metric", "Calculator", "CalcOption", "MetricContext",
    "Observations", "Simulation", "Unit", "Force", "Incident", "Place", "Region", "Event",
    "EventLog", "PluginFailed", "OrderRefused", "Strict", "Duration", "DurationOrZero", "TimeOffset", "Speed",
    "Length", "Rate", "Elevation", "Discharge", "Fraction", "parse_quantity", "parse_fraction", "format_minutes",
    "haversine_km", "to_local_km", "from_local_km", "suggest", "Restriction", "Angle", "Percent",
    "SpeedOrZero", "MassRate", "parse_angle", "parse_percent", "Reporter", "ReportChannel", "Message",
    "demand_text",
]
