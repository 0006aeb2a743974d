"""Flood outcome metrics (plan K5, K6), read from the event log only.

Also the flood video monitoring (plan T11): ``flood_seen`` (``township``, ``video``,
``delay``).

Event contract: ``flood_outcome`` (``hazard``, ``township``, ``affected``,
``deaths_expected``), one per flooded township (:mod:`.outcomes`).
"""


from pydantic import Field

from drillsim.api import Metric, Strict


class PerPopulation(Strict):
    population: float = Field(gt=0, le=1e9)
    """The district's residents the rate is per (e.g. 658000)."""
    per: float = Field(default=1e6, gt=0)
    """Rate per this many residents (1,000,000 for deaths, 100,000 for people affected)."""
    hazards: list[str] | None = None
    """Hazard ids counted (default: all)."""


def _rates(events, params: PerPopulation, field: str):
    return [(e.details["township"], float(e.details[field]) * params.per / params.population)
            for e in events if e.kind == "flood_outcome"
            and (params.hazards is None or e.details.get("hazard") in params.hazards)]


def deaths_rate(events, ctx, params: PerPopulation):
    """Per flooded township: expected flood deaths per ``per`` residents of the district
    (``sum``: the event's rate)."""
    return _rates(events, params, "deaths_expected")


def affected_rate(events, ctx, params: PerPopulation):
    """Per flooded township: its people affected per ``per`` residents of the district
    (``sum``: the event's rate)."""
    return _rates(events, params, "affected")


class WatchMetricParams(Strict):
    hazards: list[str] | None = None
    """Hazard ids counted (default: all)."""


def _seen(events, params):
    return [e for e in events if e.kind == "flood_seen"
            and (params.hazards is None or e.details.get("hazard") in params.hazards)]


def video_watched(events, ctx, params: WatchMetricParams):
    """Per flooded township: 1 if its riverside is under video monitoring, else 0 (``mean``:
    the share of the flooded townships watched)."""
    return [(e.details["township"], 1.0 if e.details["video"] else 0.0) for e in _seen(events, params)]


def seen_delay(events, ctx, params: WatchMetricParams):
    """Per flooded township: minutes from the water entering it to the command knowing."""
    return [(e.details["township"], float(e.details["delay"])) for e in _seen(events, params)]


def depth_above(events, ctx, params: WatchMetricParams):
    """Per township on the river: metres of water above its flood stage at its peak
    (0 where the water stayed below it)."""
    return [(e.details["township"], max(0.0, float(e.details["above_m"]))) for e in events
            if e.kind == "flood_peak" and (params.hazards is None or e.details.get("hazard") in params.hazards)]


METRICS = [
    Metric("flood_depth_above", "count", "metres of water above a township's flood stage at its peak",
           depth_above, "max", WatchMetricParams, "township"),
    Metric("flood_video_share", "share", "share of the flooded townships whose riverside is under video monitoring",
           video_watched, "mean", WatchMetricParams, "township"),
    Metric("flood_seen_delay", "time", "water entering a township → the command knowing (video, call or report)",
           seen_delay, "max", WatchMetricParams, "township"),
    Metric("flood_deaths_rate", "count", "expected flood deaths per million residents (Jonkman et al. 2008)",
           deaths_rate, "sum", PerPopulation, "township"),
    Metric("flood_affected_rate", "count", "people affected by the flood per 100,000 residents",
           affected_rate, "sum", PerPopulation, "township"),
]
