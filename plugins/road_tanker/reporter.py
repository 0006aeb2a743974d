"""What a commander hears in a road tanker drill (the ``road_tanker_reports`` reporter).

- Traffic police report the road blocked by the crash and reopened after ``road_delay``
  (the plume itself is reported by the chemical plugin's ``plume_reports``).

The delay is a drill assumption, not a measured figure.
"""

from __future__ import annotations

from drillsim.api import DurationOrZero, Reporter, Strict, hookimpl


class TankerReportParams(Strict):
    road_delay: DurationOrZero = 10.0
    """Traffic police report the road blocked or reopened after this."""


def _make(channel, params: TankerReportParams | None):
    p = params or TankerReportParams()
    tankers = {h.id for h in channel.sim.hazards if h.type.name == "road_tanker"}

    def handle(e):
        k, d = e.kind, e.details
        if k in ("road_blocked", "road_reopened") and d.get("hazard") in tankers:
            state = "blocked by a tanker crash" if k == "road_blocked" else "open again"
            channel.send(f"{d['road']} near {channel.township_name(d.get('township'))} {state}",
                         category="township", source="traffic police", delay=p.road_delay)
            return True
        return None

    return handle


ROAD_TANKER_REPORTS = Reporter(
    name="road_tanker_reports",
    description="road tanker drill reports: the road blocked by the crash and reopened",
    make=_make,
    hazard_types=("road_tanker",),
    params_model=TankerReportParams,
)


@hookimpl
def drillsim_register_reporters(register):
    register(ROAD_TANKER_REPORTS)
