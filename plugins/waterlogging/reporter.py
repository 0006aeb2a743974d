"""What a commander hears in a waterlogging drill (the ``waterlogging_reports`` reporter).

- Traffic police report a street closed by water, and open again, after ``road_delay``.
- The depths and the summary are truth the players do not see; calls for help reach
  them as every call does (the default reporter).

The delay is a drill assumption, not a measured figure.
"""

from __future__ import annotations

from drillsim.api import DurationOrZero, Reporter, Strict, hookimpl


class WaterloggingReportParams(Strict):
    road_delay: DurationOrZero = 10.0
    """Traffic police report a street closed or reopened after this."""


def _make(channel, params: WaterloggingReportParams | None):
    p = params or WaterloggingReportParams()
    mine = {h.id for h in channel.sim.hazards if h.type.name == "urban_waterlogging"}

    def handle(e):
        k, d = e.kind, e.details
        if d.get("hazard") not in mine:
            return None
        if k in ("road_blocked", "road_reopened"):
            state = "closed: water too deep to drive through" if k == "road_blocked" else "open again"
            channel.send(f"{d['road']} at {channel.place_name(d['point'])} {state}", category="township",
                         source="traffic police", delay=p.road_delay)
            return True
        if k in ("water_depth", "hazard_started", "hazard_summary"):
            return True
        return None

    return handle


WATERLOGGING_REPORTS = Reporter(
    name="waterlogging_reports",
    description="waterlogging drill reports: streets closed by water and reopened",
    make=_make,
    hazard_types=("urban_waterlogging",),
    params_model=WaterloggingReportParams,
)


@hookimpl
def drillsim_register_reporters(register):
    register(WATERLOGGING_REPORTS)
