"""Metrics for urban waterlogging, read from the event log only.

Event contract: ``water_depth`` (``hazard``, ``depths_mm`` {point: mm}, ``streets_mm``,
``factor``).
"""

from __future__ import annotations

from pydantic import Field

from drillsim.api import Metric, Strict


class DepthParams(Strict):
    depth_mm: float = Field(default=150.0, gt=0, le=3000)
    """The depth (mm) a point must not exceed (default 150 mm: GB 50014-2021's lane
    criterion, at most 15 cm of water in one lane of a road)."""
    hazards: list[str] | None = None
    """Hazard ids measured (default: all)."""


def _peaks(events, params) -> dict[str, float]:
    peak: dict[str, float] = {}
    for e in events:
        if e.kind == "water_depth" and (params.hazards is None or e.details.get("hazard") in params.hazards):
            for point, depth in e.details["depths_mm"].items():
                peak[point] = max(peak.get(point, 0.0), float(depth))
    return peak


def peak_depth(events, ctx, params: DepthParams):
    """Per waterlogging point: the deepest water (mm) it held."""
    return sorted(_peaks(events, params).items())


def points_over(events, ctx, params: DepthParams):
    """Per waterlogging point: 1 if its water ever exceeded ``depth_mm``, else 0
    (``sum``: how many points did)."""
    return [(point, 1.0 if depth > params.depth_mm else 0.0) for point, depth in sorted(_peaks(events, params).items())]


def street_slow_down(events, ctx, params: DepthParams):
    """The travel-time factor on the city's waterlogged streets at each step."""
    return [("streets", float(e.details["factor"])) for e in events
            if e.kind == "water_depth" and (params.hazards is None or e.details.get("hazard") in params.hazards)]


METRICS = [
    Metric("peak_water_depth", "count", "deepest water at a waterlogging point, mm", peak_depth, "max",
           DepthParams, "point"),
    Metric("points_over_depth", "count", "waterlogging points whose water exceeded a depth", points_over, "sum",
           DepthParams, "point"),
    Metric("street_slow_down", "count", "travel-time factor on the city's waterlogged streets", street_slow_down,
           "max", DepthParams, None, minimum=1.0),
]
