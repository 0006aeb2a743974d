"""The public plugin API: everything a drillsim plugin may import.

Plugins (the built-in ones in ``drillsim_plugins`` included) import from drillsim only
through this module (``tests/test_plugin_api.py`` enforces it for the built-ins and the
worked example). Time is in minutes throughout; docs/plugins.md is the guide.

**Version and promise.** :data:`API_VERSION` is ``MAJOR.MINOR``. Within one major
version, every name in ``__all__`` keeps its meaning and signature, and every hook
marked *stable* in :data:`HOOK_STABILITY` keeps its name and parameters (new optional
fields, new hooks and new names may appear in a minor version). Hooks marked
*provisional* may change in a minor version; the release notes say so. A plugin may
state the API version it was written for in a module attribute
``DRILLSIM_API = "1.0"``: the host refuses it at load time, with the fix, when this
drillsim cannot run it (another major version, or a newer minor version).

What a plugin may use, by topic:

- hooks: :data:`hookimpl` (the marker), :data:`HOOK_STABILITY`; the specs are in
  :mod:`drillsim.host.hookspecs`; :func:`only_for_unit_types` marks an implementation
  that has no effect in a run without forces of its unit types (left uncalled there);
- registrations: :class:`UnitType`, :class:`HazardType`, :class:`Metric`,
  :class:`Calculator`, :class:`CalcOption`, and :class:`Deferred` (any of them by name,
  its module imported when first asked for; :func:`default_names` gives what a deferred
  hazard type declares);
- a run: :class:`Simulation` (clock ``sim.now``, random streams ``sim.rng(name)``,
  ``sim.process``/``sim.timeout``, ``sim.create_incident``, ``sim.dispatch``,
  ``sim.travel_time``, the event log ``sim.log``, wall-clock time ``sim.local_time()``,
  the turnout by time of day ``sim.turnout(unit)``,
  per-run plugin state ``sim.stash`` with :class:`StashKey`; what is still going at the
  end ``sim.at_horizon``), :class:`OnSceneChange` (a stepped hazard woken when units
  arrive at or leave its incidents), :class:`Unit` and its statuses,
  :class:`Force`, :class:`Incident`, :class:`Reserve`, :class:`Place`,
  :class:`Region`, :func:`arrival_estimate`;
- the event log and scoring: :class:`Event`, :class:`EventLog`,
  :class:`MetricContext`, :data:`Observations`, :class:`AtLeast` and :class:`AtMost` (an
  observation the run's end cut off, only a bound: the scorecard judges a goal on it
  only where the bound decides it);
- load time: :class:`ResolvedHazard` (what ``HazardType.start`` receives),
  :class:`LoadContext` (what ``HazardType.check`` receives);
- parameters: :class:`Strict` (pydantic base model refusing unknown fields), the
  quantity types (:data:`Duration`, :data:`Speed` …, text with units such as ``90min``
  parsed to minutes, km/h, km, m, m³/s, per minute), each kept inside the physical or
  accepted range of what it means (:data:`RANGES`: :data:`WindSpeed` up to 120 m/s,
  :data:`RoadSpeed` up to 250 km/h, :data:`AirSpeed` below the speed of sound,
  :data:`Height`, :data:`Count` for amounts of people or supplies, :data:`Demand` for
  what an incident needs on scene …),
  :func:`parse_quantity`, :func:`parse_fraction`, :func:`format_minutes`, :func:`format_number`,
  :func:`suggest`;
- geometry: :func:`haversine_km`;
- drills: :class:`Reporter`, :class:`ReportChannel`, :class:`Message`,
  :func:`demand_text` (what players are told, for ``drillsim_register_reporters``),
  :class:`OrderRefused` (a player's order the engine refuses);
- errors: :class:`PluginFailed` (what a run raises when a plugin fails).

Attributes and methods whose names start with ``_`` are not part of the API, nor is
anything reached only through them.
"""

from __future__ import annotations

import pluggy as _pluggy

from drillsim.engine.access import Restriction
from drillsim.engine.eventlog import Event, EventLog
from drillsim.engine.hookcall import only_for_unit_types
from drillsim.engine.incidents import Incident
from drillsim.engine.onscene import OnSceneChange
from drillsim.engine.reporting import Message, ReportChannel, Reporter, demand_text
from drillsim.engine.reserves import Reserve
from drillsim.engine.simulation import OrderRefused, PluginFailed, Simulation
from drillsim.engine.stash import Stash, StashKey
from drillsim.engine.units import (
                           AVAILABLE,
                           DISPATCHABLE,
                           DISPATCHED,
                           ON_SCENE,
                           OUT_OF_SERVICE,
                           RETURNING,
                           TRAVELLING,
                           Force,
                           Unit,
                           arrival_estimate,
)
from drillsim.host.hookspecs import API_VERSION, HOOK_STABILITY, PROVISIONAL, STABLE
from drillsim.host.registry import CalcOption, Calculator, Deferred, HazardType, Metric, UnitType
from drillsim.scenario.geo import from_local_km, haversine_km, to_local_km
from drillsim.scenario.loader import LoadContext, ResolvedHazard
from drillsim.scenario.namecheck import default_names
from drillsim.scenario.quantities import (
                           RANGES,
                           AirSpeed,
                           Angle,
                           Count,
                           Demand,
                           Discharge,
                           Duration,
                           DurationOrZero,
                           Elevation,
                           Fraction,
                           Height,
                           Length,
                           MassRate,
                           Percent,
                           QuantityRange,
                           Slope,
                           Rate,
                           RoadSpeed,
                           Speed,
                           SpeedOrZero,
                           TimeOffset,
                           WindSpeed,
                           check_amount,
                           format_minutes,
                           format_number,
                           parse_angle,
                           parse_fraction,
                           parse_percent,
                           parse_slope,
                           parse_quantity,
)
from drillsim.scenario.region import Place, Region
from drillsim.scenario.validation import Strict, suggest
from drillsim.scoring.bounds import AtLeast, AtMost
from drillsim.scoring.metrics import MetricContext, Observations

#: Marker for hook implementations: ``@hookimpl`` above a ``drillsim_*`` function
#: (options: ``tryfirst=True``, ``trylast=True``, ``wrapper=True``).
hookimpl = _pluggy.HookimplMarker("drillsim")

__all__ = [
    # version and hooks
    "API_VERSION", "hookimpl", "HOOK_STABILITY", "STABLE", "PROVISIONAL", "only_for_unit_types",
    # registrations
    "UnitType", "HazardType", "Metric", "Calculator", "CalcOption", "Deferred", "default_names",
    # a run
    "Simulation", "OnSceneChange", "Unit", "Force", "Incident", "Reserve", "Place", "Region",
    "arrival_estimate",
    "AVAILABLE", "DISPATCHED", "TRAVELLING", "ON_SCENE", "RETURNING", "OUT_OF_SERVICE",
    "DISPATCHABLE", "Stash", "StashKey",
    # event log and scoring
    "Event", "EventLog", "MetricContext", "Observations", "AtLeast", "AtMost",
    # load time
    "ResolvedHazard", "LoadContext",
    # parameters and quantities
    "Strict", "Duration", "DurationOrZero", "TimeOffset", "Speed", "Length", "Rate", "Elevation",
    "Discharge", "Fraction", "parse_quantity", "parse_fraction", "format_minutes", "suggest",
    "format_number",
    "Angle", "Percent", "Slope", "SpeedOrZero", "MassRate", "parse_angle", "parse_percent", "parse_slope",
    "WindSpeed", "RoadSpeed", "AirSpeed", "Height", "Count", "Demand", "check_amount", "RANGES", "QuantityRange",
    # hazards restricting travel
    "Restriction",
    # drills: what players are told (provisional, see drillsim_register_reporters)
    "Reporter", "ReportChannel", "Message", "demand_text", "OrderRefused",
    # geometry, errors
    "haversine_km", "to_local_km", "from_local_km", "PluginFailed",
]
