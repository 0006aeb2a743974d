"""The host's own plugin: default dispatch, road travel time and the core metrics.

Registered first and marked ``trylast``, so any installed plugin can override it; it
uses no path a third-party plugin could not use. It sits above the engine and scoring
(it registers their defaults), so the host imports it by name
(:data:`drillsim.host.pluginhost.DEFAULTS_NAME`), as it imports every plugin.
"""

from __future__ import annotations

import math

import pluggy

from drillsim.scoring import metrics, queueing

hookimpl = pluggy.HookimplMarker("drillsim")


@hookimpl(trylast=True)
def drillsim_choose_units(sim, incident, unmet, candidates):
    """Nearest first: rank candidates by estimated arrival (turnout + travel; ties by
    scenario order) and take them until every unmet capability is covered."""
    # drillsim.engine.units.arrival_estimate inlined: this runs for every candidate of every dispatch
    place, now, travel = incident.place, sim.now, sim.travel_time
    ranked = []
    for u in candidates:
        turnout = 0.0
        if u.status == "available":
            turnout = sim.turnout(u) if u.force.turnout_bands else u.turnout
        minutes = turnout + travel(u, u.position(now), place)
        ranked.append((minutes, u.index, u))
    minutes, _, nearest = min(ranked)  # by (minutes, index): indexes are unique
    if not math.isinf(minutes):
        caps = nearest.capabilities
        for cap, need in unmet.items():
            if not caps.get(cap, 0.0) >= need > 0:
                break
        else:
            return [nearest]  # the common case: the nearest unit covers it all
    ranked.sort()
    remaining = dict(unmet)
    chosen = []
    for minutes, _, unit in ranked:
        if math.isinf(minutes):
            continue
        useful = False
        for cap, need in remaining.items():
            have = unit.capabilities.get(cap, 0.0)
            if need > 0 and have > 0:
                remaining[cap] = need - have
                useful = True
        if useful:
            chosen.append(unit)
        if max(remaining.values(), default=0.0) <= 0:
            break
    return chosen


@hookimpl(trylast=True)
def drillsim_travel_time(sim, unit, origin, destination):
    """Road units: the region's road model (great-circle × circuity ÷ speed, or the road
    graph). Other modes are left to their plugins."""
    if unit.mode != "road":
        return None
    if origin is destination or origin.id == destination.id:
        return 0.0
    return sim.region.road_minutes(origin, destination, unit.vehicle)


@hookimpl
def drillsim_register_metrics(register):
    for metric in metrics.CORE_METRICS + queueing.QUEUEING_METRICS:
        register(metric)
