"""Metrics for toxic releases, read from the event log only.

Event contract: ``hazard_started`` (``hazard``, ``kind`` = ``toxic_release``),
``hazard_arrival`` (``township``, ``level``) and ``people_exposed`` (``township``,
``level``, ``in_zone``, ``evacuated``, ``sheltered``, ``exposed``).
"""

from __future__ import annotations

from drillsim.api import Metric, Strict


class LevelParams(Strict):
    level: str = "aegl2"
    """AEGL level measured (`aegl2`)."""
    hazards: list[str] | None = None
    """Hazard ids measured (default: all)."""


def _wanted(e, params) -> bool:
    return params.hazards is None or e.details.get("hazard") in params.hazards


def people_exposed(events, ctx, params: LevelParams):
    """Per township reached at ``level``: people in the zone who were neither evacuated
    nor sheltering when the plume arrived (``sum``: all such people)."""
    return [(e.details["township"], float(e.details["exposed"])) for e in events
            if e.kind == "people_exposed" and e.details.get("level") == params.level and _wanted(e, params)]


def people_in_zone(events, ctx, params: LevelParams):
    """Per township reached at ``level``: people inside the zone when the plume arrived."""
    return [(e.details["township"], float(e.details["in_zone"])) for e in events
            if e.kind == "people_exposed" and e.details.get("level") == params.level and _wanted(e, params)]


def arrival_times(events, ctx, params: LevelParams):
    """Per township reached at ``level``: minutes from the release's start to arrival."""
    started: dict[str, float] = {}
    out = []
    for e in events:
        if not _wanted(e, params):
            continue
        if e.kind == "hazard_started" and e.details.get("kind") == "toxic_release":
            started[e.details["hazard"]] = e.t
        elif e.kind == "hazard_arrival" and e.details.get("level") == params.level \
                and e.details.get("hazard") in started:
            out.append((e.details["township"], e.t - started[e.details["hazard"]]))
    return out


METRICS = [
    Metric("people_exposed", "people", "people in a threat zone neither evacuated nor sheltering when the "
           "plume arrived", people_exposed, "sum", LevelParams, "township"),
    Metric("people_in_zone", "people", "people inside a threat zone when the plume arrived",
           people_in_zone, "sum", LevelParams, "township"),
    Metric("plume_arrival_time", "time", "release start → plume arrival at a threat level, per township",
           arrival_times, "min", LevelParams, "township"),
]
