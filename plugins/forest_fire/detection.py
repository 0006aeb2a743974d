"""When a forest fire is reported: by the intelligent video monitoring system (森林火情智能
监控系统, plan III.(2).4(3)) if the ignition lies within a camera's range, else by a
patrol, a lookout or a passer-by after the scenario's ``detection`` delay.

A camera sees smoke rising above the canopy from a fire within its ``range`` (line of
sight is not modelled: the range stands for the area the camera covers from its hilltop);
the system flags it and the duty officer checks the picture and reports, ``detect``
after ignition. Both the range and the time are the scenario's (no Tongnan camera sites
or specifications were found): they are declared as assumptions.
"""

from __future__ import annotations

from pydantic import Field

from drillsim.api import DurationOrZero, Length, Strict, haversine_km


class CameraParams(Strict):
    """One camera site of the monitoring system."""

    name: str
    """The site (`Baolong hilltop camera`)."""
    lat: float = Field(ge=-90, le=90)
    """Latitude, degrees north."""
    lon: float = Field(ge=-180, le=180)
    """Longitude, degrees east."""
    range: Length = 8.0
    """Distance within which it sees a fire's smoke (`8km`)."""


class MonitoringParams(Strict):
    """``monitoring:`` of a forest fire: the video monitoring system's cameras."""

    cameras: list[CameraParams] = Field(default_factory=list)
    """Camera sites (none: the system is not built)."""
    detect: DurationOrZero = 5.0
    """From ignition to the report when a camera sees the fire (`5min`)."""


def report_delay(detection: float, monitoring: MonitoringParams | None, lat: float, lon: float) -> tuple[float, str]:
    """Minutes from ignition to the report at (``lat``, ``lon``), and by whom: the
    monitoring system's ``detect`` if a camera's range covers the point (the nearest such
    camera named), else ``detection`` by a patrol or the public."""
    if monitoring is not None:
        seen = sorted((haversine_km(c.lat, c.lon, lat, lon), c.name) for c in monitoring.cameras
                      if haversine_km(c.lat, c.lon, lat, lon) <= c.range)
        if seen:
            return min(monitoring.detect, detection), f"camera: {seen[0][1]}"
    return detection, "patrol or public report"
