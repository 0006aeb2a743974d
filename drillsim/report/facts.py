"""Facts pulled from an event log for reports: hazard figures, incidents, key events."""

from __future__ import annotations

from typing import Any, Sequence

from drillsim.engine.eventlog import Event
from drillsim.errors import DrillsimError

#: event kinds shown in the report's timeline of key events
KEY_EVENTS = ("warning_issued", "hazard_arrival", "hazard_receded", "evacuation_ordered",
              "reserve_short", "mutual_aid_requested", "unit_in_service", "run_ended",
              "hazard_started", "protective_action", "release_stopped", "fire_contained",
              "unit_stopped", "weather_warning", "storm_onset", "road_blocked", "road_reopened")


def hazard_figures(events: Sequence[Event]) -> dict[str, dict[str, Any]]:
    """``{hazard id: figures}`` from the ``hazard_summary`` events (a hazard that logs
    several, such as a tanker crash and its release, has their figures merged).

    :raises DrillsimError: a summary's ``figures`` is not a mapping (a plugin's fault,
        named by its hazard; the reports would otherwise fail with a traceback).
    """
    out: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.kind == "hazard_summary":
            figures = e.details.get("figures", {})
            if not isinstance(figures, dict):
                raise DrillsimError(
                    f"hazard {e.details.get('hazard', '?')!r} logged hazard_summary at scenario "
                    f"time {e.t:.1f} min with figures={figures!r}: figures is a mapping {{name: "
                    "value} such as {'area_ha': 1.2} (a fault of the plugin providing its hazard "
                    "type, see `drillsim plugins`)")
            out.setdefault(e.details.get("hazard", "?"), {}).update(figures)
    return out


def still_going_at_end(events: Sequence[Event]) -> list[str]:
    """Ids of the hazards still going when the run reached its horizon: those whose
    ``hazard_summary`` was logged at the run's end. A process cannot log at the horizon
    itself (a run covers ``[0, horizon)``), so a summary there was logged by the hazard
    type's ``finish`` for a hazard cut short (a fire not contained, a release still
    flowing, rain still falling): its figures are as of the end, not its outcome. Empty
    for a run stopped early (``finish`` is called only at the horizon)."""
    end = next((e.t for e in reversed(events) if e.kind == "run_ended"), None)
    if end is None:
        return []
    out: list[str] = []
    for e in events:
        h = e.details.get("hazard") if e.kind == "hazard_summary" else None
        if h is not None and e.t >= end and h not in out:
            out.append(h)
    return out


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


def implicit_assumptions(scenario) -> list[dict[str, Any]]:
    """Values a run rests on that the scenario's ``assumptions:`` list does not name
    because they come from elsewhere: the region file's travel model and places whose
    status is not ``verified``, and unit-type defaults the scenario did not override.

    :returns: ``[{"what", "value", "status", "source"}]`` in a stable order.
    """
    out: list[dict[str, Any]] = []
    region = scenario.region.spec
    c = region.travel.circuity
    out.append({"what": "road circuity (road km / straight-line km)", "value": c.value,
                "status": c.status, "source": "region file" + (f", {c.source}" if c.source else "")})
    used_vehicles = sorted({u.vehicle for f in scenario.forces for u in f.units if u.mode == "road"})
    for name in used_vehicles:
        v = region.travel.vehicles[name]
        if v.status != "verified":
            out.append({"what": f"road speed of {name}", "value": f"{v.speed:g} km/h",
                        "status": v.status, "source": "region file" + (f", {v.source}" if v.source else "")})
    sites = {s.id: s for s in region.sites}
    towns = {t.id: t for t in region.townships}
    for base in sorted({u.base for f in scenario.forces for u in f.units}):
        status, note = None, None
        if base in sites and sites[base].status != "verified":
            status, note = sites[base].status, sites[base].note
        elif base in towns and towns[base].coord_status != "verified":
            status, note = towns[base].coord_status, towns[base].coord_note
        if status:
            out.append({"what": f"location of {base}", "value": note or "see region file",
                        "status": status, "source": "region file"})
    for f in scenario.forces:
        utype, spec = f.unit_type, f.spec
        if spec.turnout is None and utype.turnout:
            out.append({"what": f"turnout of {f.id}", "value": f"{utype.turnout:g} min",
                        "status": "assumed", "source": f"default of unit type {utype.name}"})
        if utype.turnout_by_time and "turnout_by_time" not in spec.model_fields_set:
            bands = "; ".join(f"{start}–{end} {minutes:g} min" for start, end, minutes in utype.turnout_by_time)
            out.append({"what": f"turnout by time of day of {f.id}", "value": bands,
                        "status": "assumed", "source": f"default of unit type {utype.name}"})
        defaults = {k: v for k, v in utype.capabilities.items() if k not in spec.capabilities}
        if defaults:
            out.append({"what": f"capabilities of each {f.id} unit",
                        "value": ", ".join(f"{k} {v:g}" for k, v in sorted(defaults.items())),
                        "status": "assumed", "source": f"default of unit type {utype.name}"})
    return out


def days_table(events: Sequence[Event], start, horizon: float) -> list[dict[str, Any]]:
    """People in shelters and relocation supplies, one row per local calendar day of the
    run (``start`` is the scenario's timezone-aware start): ``date``, ``sheltered_end``
    (people in shelters at the day's end or the run's), ``sheltered_peak``,
    ``person_days`` (the day's shelter occupancy integrated over the day, people × days),
    ``overflow`` (people who found no place that day), ``drawn`` and ``restocked``
    (relocation supplies, in the reserve's measure). Empty when the run placed no one in
    a shelter and drew nothing from a reserve. Reads ``shelter_assigned``,
    ``shelter_left``, ``shelter_overflow``, ``reserve_drawn``, ``reserve_restocked``."""
    import datetime as dt

    kinds = ("shelter_assigned", "shelter_left", "shelter_overflow", "reserve_drawn", "reserve_restocked")
    relevant = [e for e in events if e.kind in kinds]
    if not relevant:
        return []
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = (start - midnight).total_seconds() / 60.0  # minutes from the first midnight
    days = int((horizon + offset) // 1440) + (1 if (horizon + offset) % 1440 else 0)
    rows = [{"date": (midnight + dt.timedelta(days=d)).date().isoformat(), "sheltered_end": 0.0,
             "sheltered_peak": 0.0, "person_days": 0.0, "overflow": 0.0, "drawn": 0.0,
             "restocked": 0.0} for d in range(days)]

    def day_of(t: float) -> int:
        return min(days - 1, int((t + offset) // 1440))

    occupied, last = 0.0, 0.0
    for e in sorted(relevant, key=lambda e: e.t):
        _accrue(rows, occupied, last, e.t, offset)
        last = e.t
        row = rows[day_of(e.t)]
        if e.kind == "shelter_assigned":
            occupied += e.details["people"]
        elif e.kind == "shelter_left":
            occupied -= e.details["people"]
        elif e.kind == "shelter_overflow":
            row["overflow"] += e.details["people"]
        elif e.kind == "reserve_drawn":
            row["drawn"] += e.details["amount"]
        else:
            row["restocked"] += e.details["amount"]
        row["sheltered_peak"] = max(row["sheltered_peak"], occupied)
    _accrue(rows, occupied, last, horizon, offset)
    for d, row in enumerate(rows):
        row["sheltered_end"] = _occupied_at(relevant, min(horizon, (d + 1) * 1440 - offset))
    return rows


def _accrue(rows: list[dict[str, Any]], occupied: float, t0: float, t1: float, offset: float) -> None:
    """Add ``occupied`` people × the days from ``t0`` to ``t1`` (minutes) to each day's
    person-days; a day's peak is at least what was there all along."""
    t = t0
    while t < t1 and occupied > 0:
        d = min(len(rows) - 1, int((t + offset) // 1440))
        end = min(t1, (d + 1) * 1440 - offset)
        if end <= t:
            break
        rows[d]["person_days"] += occupied * (end - t) / 1440.0
        rows[d]["sheltered_peak"] = max(rows[d]["sheltered_peak"], occupied)
        t = end


def _occupied_at(events: Sequence[Event], t: float) -> float:
    """People in shelters at scenario time ``t`` (events at ``t`` counted)."""
    total = 0.0
    for e in events:
        if e.t > t:
            break
        if e.kind == "shelter_assigned":
            total += e.details["people"]
        elif e.kind == "shelter_left":
            total -= e.details["people"]
    return total


def hazard_of_kind(scenario) -> dict[str, str]:
    """``{incident kind: hazard id}`` for the kinds exactly one of the scenario's hazards
    makes (its type's ``incident_kinds``); a kind two hazards share is left out."""
    seen: dict[str, set[str]] = {}
    for h in scenario.hazards:
        if h.type.incident_kinds is None:
            continue
        for kind in h.type.incident_kinds(h.params):
            seen.setdefault(kind, set()).add(h.id)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def waits_between_hazards(events: Sequence[Event], hazards: dict[str, str],
                          min_wait: float = 1.0) -> list[dict[str, Any]]:
    """Incidents of one hazard whose units came late because they were committed to another
    hazard's incidents when the call came: the cause of a compound delay, from the log.

    :param hazards: ``{incident kind: hazard id}`` (:func:`hazard_of_kind`); an incident's own
        ``hazard`` detail wins.
    :param min_wait: minutes from the call to the first dispatch below which an incident is
        not listed.
    :returns: one dict per such incident: ``id``, ``kind``, ``hazard``, ``call``, ``wait``
        (call → first dispatch, min), ``unit`` (the first sent), ``busy_with`` (that unit's
        incident at the call: ``id``, ``kind``, ``hazard``, ``township``), ``freed`` (when it
        cleared it), ``arrival``, ``sent_busy`` (how many of the units sent to it were busy
        with the other hazard at the call) and ``sent`` (units sent).
    """
    info: dict[str, dict[str, Any]] = {}
    current: dict[str, str | None] = {}
    at_call: dict[str, dict[str, str | None]] = {}
    first: dict[str, tuple[float, str]] = {}
    sent: dict[str, list[str]] = {}
    cleared: dict[str, list[tuple[float, str]]] = {}
    arrived: dict[tuple[str, str], float] = {}
    for e in events:
        if e.kind == "incident_created":
            d = e.details
            kind = d.get("kind")
            info[e.incident] = {"id": e.incident, "kind": kind, "hazard": d.get("hazard") or hazards.get(kind),
                                "township": d.get("township"), "call": e.t}
            at_call[e.incident] = dict(current)
        elif e.kind == "unit_dispatched":
            current[e.unit] = e.incident
            if e.incident in info:
                first.setdefault(e.incident, (e.t, e.unit))
                sent.setdefault(e.incident, []).append(e.unit)
        elif e.kind in ("unit_cleared", "unit_released"):
            if current.get(e.unit) == e.incident:
                current[e.unit] = None
            cleared.setdefault(e.unit, []).append((e.t, e.incident))
        elif e.kind == "unit_arrived":
            arrived.setdefault((e.incident, e.unit), e.t)
    out = []
    for iid, (t, unit) in first.items():
        me = info[iid]
        busy = at_call[iid].get(unit)
        other = info.get(busy) if busy else None
        if t - me["call"] < min_wait or other is None or other["hazard"] == me["hazard"]:
            continue
        freed = max((c for c, inc in cleared.get(unit, []) if inc == busy and c <= t), default=None)
        units = sent[iid]
        n_busy = sum(1 for u in units if at_call[iid].get(u) in info
                     and info[at_call[iid][u]]["hazard"] not in (None, me["hazard"]))
        out.append({**me, "wait": t - me["call"], "unit": unit, "busy_with": other, "freed": freed,
                    "arrival": arrived.get((iid, unit)), "sent_busy": n_busy, "sent": len(units)})
    return out
