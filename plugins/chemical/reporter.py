"""What a commander hears in a toxic release drill (the ``plume_reports`` reporter), for
the ``toxic_release`` and ``road_tanker`` hazards.

- The plume advice (``plume_advice``: the townships the hazmat advisers' Gaussian plume
  estimate puts in the protective zone, their people and the time the plume needs to
  reach them) reaches the command ``advice_delay`` after the model logs it — the time to
  run the estimate; the players decide who is evacuated from it.
- A township the plume reaches reports the smell after a delay drawn uniformly from
  ``township_delay``; how many people were exposed is never shown.
- The hazmat team reports the release stopped (or the tank empty) at once.
- The truth (zones, exposure, the summary) is not shown.

The delays are drill assumptions, not measured figures.
"""

from __future__ import annotations

from pydantic import Field

from drillsim.api import DurationOrZero, Reporter, Strict, hookimpl


class PlumeReportParams(Strict):
    advice_delay: DurationOrZero = 5.0
    """Time to run the plume estimate and pass it to the command."""
    township_delay: list[DurationOrZero] = Field(default=[5.0, 20.0], min_length=2, max_length=2)
    """A township reports the smell after a delay drawn between these two."""


def _make(channel, params: PlumeReportParams | None):
    p = params or PlumeReportParams()
    towns = channel.rng("towns")

    def handle(e):
        k, d = e.kind, e.details
        if k == "plume_advice":
            level = d["level"].upper()
            inside = "; ".join(f"{channel.township_name(t['township'])} about {t['people']:,} people, plume "
                               f"there in {t['eta_min']:.0f} min" for t in d["townships"])
            channel.send(f"{d['chemical']} plume estimate, wind from {d['wind_from']:.0f}°: {level} zone covers "
                         + (inside or "no township") + (" (evacuate TOWNSHIP to move them out)" if inside else ""),
                         category="warning", source="hazmat advisers", delay=p.advice_delay)
            return True
        if k == "hazard_arrival" and d.get("level") in ("aegl1", "aegl2", "aegl3"):
            if d.get("level") != "aegl1":
                return True
            lo, hi = p.township_delay
            tid = d.get("township")
            channel.send(f"residents of {channel.township_name(tid)} report a choking smell",
                         category="township", source=f"{channel.township_name(tid)} township",
                         delay=float(towns.uniform(lo, hi)), township=tid)
            return True
        if k == "release_stopped":
            channel.send("release stopped" if d.get("reason", "").startswith("hazmat") else
                         "the release has ended", category="unit", source="hazmat team")
            return True
        if k in ("hazard_started", "plume_zones", "people_exposed", "hazard_cleared", "hazard_summary",
                 "protective_action"):
            return True  # truth the players do not see (their orders are acknowledged by the session)
        return None

    return handle


PLUME_REPORTS = Reporter(
    name="plume_reports",
    description="toxic release drill reports: plume advice, townships smelling the gas (late), release stopped",
    make=_make,
    hazard_types=("toxic_release", "road_tanker"),
    params_model=PlumeReportParams,
)


@hookimpl
def drillsim_register_reporters(register):
    register(PLUME_REPORTS)
