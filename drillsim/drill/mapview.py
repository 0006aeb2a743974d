"""The compact map of a drill: township positions (the region's coordinates), where
the seat's units are, the open calls it has heard of, and the hazard's extent as the
seat knows it.

What a seat may see decides the extent: the control cell and evaluators get the truth
(the engine's ``hazard_arrival`` and ``hazard_receded`` events); a player gets what the
townships reported to it (its ``township`` messages, read by :func:`report_state`), so
a township whose report is late or never came shows nothing. Units are those on the
seat's board and calls those it has heard of: the map adds no fact the seat's boards
and feed do not already hold.

A map is plain data (:func:`map_state`), drawn by :mod:`drillsim.tui.widgets.map_panel`
and sent to joined seats as a ``map`` message (docs/drill-protocol.md).
"""

from __future__ import annotations

from typing import Any

#: extent states, mildest first: the river or plume above the warning level at the town,
#: the hazard in the town, gone again
STATES = ("warning", "impact", "receded")

#: words of a township's report and the state they tell (the reports of the flood's
#: ``flood_reports`` reporter, plugins/flood/reporter.py): the first that matches wins
REPORT_WORDS = (("receding", "receded"), ("water in the streets", "impact"), ("flooding", "impact"),
                ("above warning", "warning"))


def report_state(text: str) -> str | None:
    """The extent state a township's report tells (``None``: a report of something else,
    e.g. evacuees needing supplies)."""
    low = text.lower()
    return next((state for words, state in REPORT_WORDS if words in low), None)


def event_state(kind: str, details: dict[str, Any]) -> str | None:
    """The extent state an engine event sets for its township (the truth), or None."""
    if kind == "hazard_arrival":
        return "impact" if details.get("level", "impact") != "warning" else "warning"
    if kind == "hazard_receded":
        return "receded"
    return None


def geography(region) -> list[dict[str, Any]]:
    """``[{id, name, lat, lon}]`` of the region's townships (public: on any map)."""
    out = []
    for tid in region.townships:
        place = region.places[tid]
        out.append({"id": tid, "name": place.name.split(" ")[0], "lat": place.lat, "lon": place.lon})
    return out


def map_state(geo: list[dict[str, Any]], unit_rows: list[dict], incident_rows: list[dict],
              extent: dict[str, str], truth: bool = False) -> dict[str, Any]:
    """The map of one seat: each township with its extent state (or None), the units on
    the seat's board that are there or on their way there, and the open calls the seat
    has heard of there.

    :param unit_rows: the seat's unit board (rows with ``township``).
    :param incident_rows: the seat's incident board (rows with ``township`` and ``open``).
    :param extent: township id -> state, as the seat may know it.
    :param truth: the extent is the truth (a control or evaluator seat).
    """
    units: dict[str, int] = {}
    for r in unit_rows:
        if r.get("township"):
            units[r["township"]] = units.get(r["township"], 0) + 1
    calls: dict[str, int] = {}
    for r in incident_rows:
        if r.get("open") and r.get("township"):
            calls[r["township"]] = calls.get(r["township"], 0) + 1
    towns = [{**t, "state": extent.get(t["id"]), "units": units.get(t["id"], 0), "calls": calls.get(t["id"], 0)}
             for t in geo]
    return {"type": "map", "truth": truth, "townships": towns}
