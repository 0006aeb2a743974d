"""Metrics for rain-triggered landslides, read from the event log only.

Event contract: ``landslide`` (``hazard``, ``point``, ``residents``, ``remaining``,
``buried_people``, ``homes_buried``, ``warned``) and ``road_blocked`` /
``road_reopened`` (``hazard``, ``point``).
"""

from __future__ import annotations

from drillsim.api import AtLeast, Metric, Strict


class SlideParams(Strict):
    warned_only: bool = False
    """Count only points where a warning fired before the slide."""
    monitored_only: bool = False
    """Count only points under mass monitoring (群测群防), warned or not."""
    hazards: list[str] | None = None
    """Count only slides of these hazard ids (default: every landslide hazard)."""


def _slides(events, params: SlideParams):
    for e in events:
        d = e.details
        if e.kind == "landslide" and (params.hazards is None or d.get("hazard") in params.hazards) \
                and (d.get("warned") or not params.warned_only) \
                and (d.get("monitored") or not params.monitored_only):
            yield e


def warning_leads(events, ctx, params: SlideParams):
    """Per point that slid: minutes from its warning to the slide; a point never warned
    before it slid scores 0 (no lead)."""
    return [(e.details["point"], float(e.details["warning_lead"])) if e.details.get("warned")
            else (f"{e.details['point']} (no warning)", 0.0) for e in _slides(events, params)]


def people_at_slide(events, ctx, params: SlideParams):
    """Per point that slid: residents not moved out when it slid (``sum``: all of them)."""
    return [(e.details["point"], float(e.details["remaining"])) for e in _slides(events, params)]


def relocated_share(events, ctx, params: SlideParams):
    """Per point that slid with residents: the share moved out before the slide (0-1)."""
    return [(e.details["point"], 1.0 - e.details["remaining"] / e.details["residents"])
            for e in _slides(events, params) if e.details["residents"] > 0]


def people_buried(events, ctx, params: SlideParams):
    """Per point that slid: people in the homes it buried."""
    return [(e.details["point"], float(e.details["buried_people"])) for e in _slides(events, params)]


def road_blocked_time(events, ctx, params: SlideParams):
    """Per blocked road: minutes from the slide to reopening (to the end of the run if
    still blocked), labelled by the point that blocks it (a site of the region), or by
    the road's name where the point is a hazard's own release point on the road (a
    tanker crash: ``<hazard>_source``, :func:`drillsim_plugins.chemical.hazard.source_place`,
    which is no place of the region and so has no name a report could show)."""
    blocked: dict[tuple, float] = {}
    names: dict[tuple, str] = {}
    out = []
    for e in events:
        if params.hazards is not None and e.details.get("hazard") not in params.hazards:
            continue
        key = (e.details.get("hazard"), e.details.get("point"))
        if e.kind == "road_blocked":
            blocked[key] = e.t
            if key[1] == f"{key[0]}_source" and e.details.get("road"):
                names[key] = e.details["road"]
        elif e.kind == "road_reopened" and key in blocked:
            out.append((names.get(key, key[1]), e.t - blocked.pop(key)))
    out.extend((names.get(key, key[1]) + " (still blocked)", AtLeast(ctx.horizon - t))
               for key, t in blocked.items())
    return out


METRICS = [
    Metric("slide_warning_lead", "time", "warning → slide, per hazard point", warning_leads, "min",
           SlideParams, "point"),
    Metric("people_at_slide", "people", "residents of a hazard point still there when it slid",
           people_at_slide, "sum", SlideParams, "point"),
    Metric("relocated_before_slide", "share", "share of a hazard point's residents moved out before it slid",
           relocated_share, "min", SlideParams, "point"),
    Metric("people_buried", "people", "people in the homes a slide buried", people_buried, "sum",
           SlideParams, "point"),
    Metric("road_blocked_time", "time", "slide → road reopened, per blocked road", road_blocked_time, "max",
           SlideParams, "point"),
]
