"""Facts pulled from an event log for reports: hazard figures, incidents, key events."""

from __future__ import annotations

from typing import Any, Sequence

from ..engine.eventlog import Event

#: event kinds shown in the report's timeline of key events
KEY_EVENTS = ("warning_issued", "hazard_arrival", "hazard_receded", "evacuation_ordered",
              "reserve_short", "mutual_aid_requested", "unit_in_service", "run_ended",
              "hazard_started", "protective_action", "release_stopped", "fire_contained",
              "unit_stopped")


def hazard_figures(events: Sequence[Event]) -> dict[str, dict[str, Any]]:
    """``{hazard id: figures}`` from the ``hazard_summary`` events."""
    return {e.details.get("hazard", "?"): e.details.get("figures", {}) for e in events
            if e.kind == "hazard_summary"}


def incident_table(events: Sequence[Event]) -> list[dict[str, Any]]:
    """One row per incident: kind, place, demand, units sent, call, first dispatch,
    first arrival, response (call → first arrival), completion (minutes)."""
    rows: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.kind == "incident_created":
            rows[e.incident] = {"id": e.incident, "kind": e.details.get("kind"),
                                "place": e.details.get("place"),
                                "township": e.details.get("township"),
                                "demand": e.details.get("demand", {}), "units": [],
                                "call": e.t, "dispatch": None, "arrival": None, "cleared": None}
        elif e.incident in rows:
            row = rows[e.incident]
            if e.kind == "unit_dispatched":
                row["units"].append(e.unit)
                if row["dispatch"] is None:
                    row["dispatch"] = e.t
            elif e.kind == "unit_arrived" and row["arrival"] is None:
                row["arrival"] = e.t
            elif e.kind == "incident_completed":
                row["cleared"] = e.t
    for row in rows.values():
        row["response"] = None if row["arrival"] is None else row["arrival"] - row["call"]
    return list(rows.values())


def key_events(events: Sequence[Event]) -> list[Event]:
    """The events worth a line in a timeline (warnings, arrivals, orders, shortfalls …)."""
    out = [e for e in events if e.kind in KEY_EVENTS]
    return out
