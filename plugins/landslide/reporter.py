"""What a commander hears in a landslide drill (the ``landslide_reports`` reporter).

- A warning reaches the command at once (the geological hazard warning service).
- The township reports a slide after a delay drawn uniformly from ``township_delay``
  (the mass monitor, 群测群防员, walks or phones in); the truth figures (people buried)
  are never shown, only that homes were hit.
- Traffic police report the road blocked and reopened after ``road_delay``.
- A slope that held is not reported (nobody knows the threshold was reached).

Delays are drawn from the reporter's own random stream; the defaults are drill
assumptions, not measured figures.
"""

from __future__ import annotations

from pydantic import Field

from drillsim.api import DurationOrZero, Reporter, Strict, hookimpl


class LandslideReportParams(Strict):
    township_delay: list[DurationOrZero] = Field(default=[10.0, 40.0], min_length=2, max_length=2)
    road_delay: DurationOrZero = 20.0


def _make(channel, params: LandslideReportParams | None):
    p = params or LandslideReportParams()
    towns = channel.rng("towns")
    slides = {h.id for h in channel.sim.hazards if h.type.name == "landslide"}

    def handle(e):
        k, d = e.kind, e.details
        if k == "landslide":
            lo, hi = p.township_delay
            tid = d.get("township")
            homes = d.get("homes_buried", 0)
            text = (f"slide at {channel.place_name(d['point'])}: {homes} home(s) buried, people may be trapped"
                    if homes else f"slide at {channel.place_name(d['point'])}: no homes hit")
            channel.send(text, category="township", source=f"{channel.township_name(tid)} township",
                         delay=float(towns.uniform(lo, hi)), township=tid)
            return True
        if k in ("road_blocked", "road_reopened") and d.get("hazard") in slides:  # not a tanker's or water's
            state = "blocked by a slide" if k == "road_blocked" else "open again"
            channel.send(f"{d['road']} at {channel.place_name(d['point'])} {state}", category="township",
                         source="traffic police", delay=p.road_delay)
            return True
        if k == "warning_issued" and d.get("point"):
            channel.send(f"geological hazard warning: heavy rain at {channel.place_name(d['point'])} "
                         f"({channel.township_name(d['townships'][0])}); move the residents out "
                         f"(evacuate {d['townships'][0]})",
                         category="warning", source="geological hazard warning service")
            return True
        if k in ("slope_held", "hazard_summary", "relocation_ordered"):
            return True  # truth the players do not see (orders are acknowledged by the session)
        return None

    return handle


LANDSLIDE_REPORTS = Reporter(
    name="landslide_reports",
    description="landslide drill reports: warnings, township slide reports (late), road blocks",
    make=_make,
    hazard_types=("landslide",),
    params_model=LandslideReportParams,
)


@hookimpl
def drillsim_register_reporters(register):
    register(LANDSLIDE_REPORTS)
