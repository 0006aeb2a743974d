"""Metrics for fires, read from the event log only.

Event contract: ``hazard_started`` (``hazard``, ``kind`` = ``forest_fire``),
``fire_state`` (``hazard``, ``area_ha``), ``fire_contained`` (``hazard``, ``area_ha``),
``fire_reported`` (``since_ignition``), ``fire_attack_began`` (``area_ha``),
and the engine's ``unit_arrived`` / ``unit_cleared`` / ``unit_released`` with
``incident_created`` (``kind``).
"""

from __future__ import annotations

from drillsim.api import AtLeast, Metric, Strict


class FireParams(Strict):
    hazards: list[str] | None = None
    """Hazard ids measured (default: all)."""


def _fires(events, params):
    wanted = set(params.hazards) if params.hazards else None
    started, contained, area = {}, {}, {}
    for e in events:
        h = e.details.get("hazard")
        if wanted is not None and h not in wanted:
            continue
        if e.kind == "hazard_started" and e.details.get("kind") == "forest_fire":
            started[h] = e.t
        elif e.kind == "fire_state":
            area[h] = e.details["area_ha"]
        elif e.kind == "fire_contained":
            contained[h] = e.t
            area[h] = e.details["area_ha"]
    return started, contained, area


def containment_times(events, ctx, params: FireParams):
    """Per fire: minutes from ignition to containment. A fire still burning at the end of
    the run counts as contained at the end (a lower bound, :class:`AtLeast`, labelled so)."""
    started, contained, _ = _fires(events, params)
    return [(h, contained[h] - t) if h in contained
            else (f"{h} (not contained)", AtLeast(ctx.horizon - t))
            for h, t in started.items()]


def burned_areas(events, ctx, params: FireParams):
    """Per fire: area burned, ha — at containment, or the last reported area if the fire
    was still burning at the end of the run (then a lower bound: :class:`AtLeast`)."""
    started, contained, area = _fires(events, params)
    return [(h, area.get(h, 0.0)) if h in contained
            else (f"{h} (not contained)", AtLeast(area.get(h, 0.0))) for h in started]


class StrengthParams(Strict):
    kinds: list[str]
    """Incident kinds counted."""
    forces: list[str] | None = None
    """Forces counted (default: all)."""
    capability: str = "people"
    """Capability summed (`people`)."""


def strength_on_scene(events, ctx, params: StrengthParams):
    """Per incident of the given kinds: the largest amount of ``capability`` (people by
    default) on scene at once, counting units of ``forces`` only if given (plan T7: the
    forest team's strength at the fire). Incidents no unit reached score 0. An incident
    still open when the run ended (neither completed nor lost) may yet see more arrive:
    its peak so far is a lower bound (:class:`AtLeast`), so a goal it does not reach yet is
    "not judged" rather than missed (a fire reported late in a short run: 0 people so far,
    the forest team still on the road)."""
    kinds = set(params.kinds)
    units = None if params.forces is None else {u for f in params.forces for u in ctx.force_units.get(f, [])}
    on: dict[str, float] = {}
    peak: dict[str, float] = {}
    where: dict[str, str] = {}
    closed: set[str] = set()
    for e in events:
        if e.kind == "incident_created" and e.details.get("kind") in kinds and e.t >= ctx.warm_up:
            on[e.incident] = 0.0
            peak[e.incident] = 0.0
        elif e.kind in ("incident_completed", "incident_lost") and e.incident in on:
            closed.add(e.incident)
        elif e.incident not in on or e.unit is None or (units is not None and e.unit not in units):
            continue
        elif e.kind == "unit_arrived":
            on[e.incident] += ctx.unit_capabilities.get(e.unit, {}).get(params.capability, 0.0)
            where[e.unit] = e.incident
            peak[e.incident] = max(peak[e.incident], on[e.incident])
        elif e.kind in ("unit_cleared", "unit_released") and where.get(e.unit) == e.incident:
            on[e.incident] -= ctx.unit_capabilities.get(e.unit, {}).get(params.capability, 0.0)
            del where[e.unit]
    return sorted((i, v if i in closed else AtLeast(v)) for i, v in peak.items())


def _detail_at(events, params: FireParams, kind: str, field: str):
    wanted = set(params.hazards) if params.hazards else None
    out = {}
    for e in events:
        h = e.details.get("hazard")
        if e.kind == kind and (wanted is None or h in wanted) and h not in out:
            out[h] = float(e.details[field])
    return sorted(out.items())


def report_times(events, ctx, params: FireParams):
    """Per fire reported: minutes from ignition to the report (``fire_reported``)."""
    return _detail_at(events, params, "fire_reported", "since_ignition")


def area_at_attack(events, ctx, params: FireParams):
    """Per fire attacked: its area (ha) when the first crew began building line
    (``fire_attack_began``)."""
    return _detail_at(events, params, "fire_attack_began", "area_ha")


METRICS = [
    Metric("fire_report_time", "time", "fire ignition → report (camera, patrol or public)",
           report_times, "max", FireParams, "hazard"),
    Metric("area_at_first_attack", "area", "area of the fire when the first crew began building line",
           area_at_attack, "max", FireParams, "hazard"),
    Metric("containment_time", "time", "fire ignition → contained (held line closes the perimeter)",
           containment_times, "max", FireParams, "hazard"),
    Metric("burned_area", "area", "area burned by the fire (at containment or at the end)",
           burned_areas, "max", FireParams, "hazard"),
    Metric("strength_on_scene", "people", "largest number of people (or other capability) on scene at once",
           strength_on_scene, "min", StrengthParams),
]
