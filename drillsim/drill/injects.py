"""Injects: what the controller puts into play (情况注入).

An inject is plain data (so it can be logged and replayed)::

    {"kind": "message", "text": "...", "source": "media"}   # "township": to that township only
    {"kind": "incident", "incident_kind": "flood_rescue", "place": "yuxi",
     "demand": {"boats": 1}, "on_scene": "45min", "priority": 1}
    {"kind": "breakdown", "unit": "water_rescue-2"}
    {"kind": "road_cut", "township": "shuangjiang", "text": "landslide on the S205"}
    {"kind": "road_open", "township": "shuangjiang"}
    {"kind": "in_service", "unit": "water_rescue-2"}

Planned injects (a pack's ``injects:``, the MSEL) carry a ``title`` and optionally
``at`` (due time, e.g. ``20h``: fired automatically then). An injected incident's call
always reaches the players, whatever the reporters' random call loss, unless the inject
says ``may_be_lost: true``.
"""

from __future__ import annotations

from typing import Any, Callable

from drillsim.engine.simulation import OrderRefused, Simulation
from drillsim.scenario.quantities import check_amount, digits_hint, parse_quantity, read_number
from drillsim.scenario.validation import suggest

KINDS = ("message", "incident", "breakdown", "road_cut", "road_open", "in_service")


def due_minutes(inject: dict[str, Any]) -> float | None:
    """A planned inject's due time in minutes (None: fired by hand only)."""
    at = inject.get("at")
    return None if at is None else float(parse_quantity(at, "time", allow_zero=True))


def describe(inject: dict[str, Any]) -> str:
    """One line for the controller's inject list and the review."""
    k = inject.get("kind")
    title = inject.get("title")
    body = {
        "message": lambda: f"message: {inject.get('text', '')}",
        "incident": lambda: f"incident {inject.get('incident_kind')} at {inject.get('place')} "
                            f"{inject.get('demand')}",
        "breakdown": lambda: f"breakdown of {inject.get('unit')}",
        "road_cut": lambda: f"roads cut: {inject.get('township')}",
        "road_open": lambda: f"roads open: {inject.get('township')}",
        "in_service": lambda: f"back in service: {inject.get('unit')}",
    }.get(k, lambda: str(k))()
    return f"{title} — {body}" if title else body


def apply(sim: Simulation, inject: dict[str, Any], say: Callable[[str, str], None]) -> str:
    """Carry out an inject on ``sim``; ``say(source, text)`` shows a message to players.

    :returns: what was done (for the controller).
    :raises OrderRefused: it cannot be carried out (unknown unit or place, unit already
        out of service …); nothing has changed then.
    """
    k = inject.get("kind")
    by = "controller"
    if k == "message":
        text = inject.get("text") or ""
        if not text.strip():
            raise OrderRefused("a message inject needs text")
        if inject.get("township") and inject["township"] not in sim.region.townships:
            raise OrderRefused(f"no township {inject['township']!r}"
                               + suggest(inject["township"], list(sim.region.townships)))
        if inject.get("township"):  # to that township (and the command centre)
            say(inject.get("source") or "phone", text, township=inject["township"])
        else:
            say(inject.get("source") or "phone", text)
        sim.log.log("inject", what="message", text=text)
        return f"message sent: {text}"
    if k == "incident":
        place = inject.get("place")
        if place not in sim.region.places:
            raise OrderRefused(f"no place {place!r}")
        demand = {c: float(v) for c, v in (inject.get("demand") or {}).items()}
        if not demand or any(v <= 0 for v in demand.values()):
            raise OrderRefused("an incident inject needs a demand like boats=1")
        check_demand(sim, inject.get("incident_kind") or "rescue", demand)
        try:
            minutes = float(parse_quantity(inject.get("on_scene") or "45min", "time"))
        except Exception as exc:  # a user's text: say what is wrong
            raise OrderRefused(f"on-scene time: {exc}") from None
        kind = inject.get("incident_kind") or "rescue"
        sim.log.log("inject", what="incident", kind=kind, place=place)
        extra = {"may_be_lost": True} if inject.get("may_be_lost") else {}
        inc = sim.create_incident(kind, place, demand, minutes, int(inject.get("priority", 2)),
                                  township=sim.region.places[place].township, injected=True, **extra)
        return f"incident {inc.id} created ({kind} at {place})"
    if k in ("breakdown", "in_service"):
        unit = sim.units.get(inject.get("unit") or "")
        if unit is None:
            raise OrderRefused(f"no unit {inject.get('unit')!r}")
        if k == "breakdown":
            sim.break_down(unit, inject.get("text") or "breakdown", by=by)
            return f"{unit.id} broken down"
        if unit.status != "out_of_service":
            raise OrderRefused(f"{unit.id} is not out of service")
        sim.set_in_service(unit, True, reason=inject.get("text") or "repaired")
        return f"{unit.id} back in service"
    if k == "road_cut":
        sim.close_roads(inject.get("township") or "", inject.get("text") or "", by=by)
        return f"roads to {inject.get('township')} cut"
    if k == "road_open":
        if inject.get("township") not in sim.closed_townships:
            raise OrderRefused(f"roads to {inject.get('township')} are not cut")
        sim.open_roads(inject["township"], by=by)
        return f"roads to {inject.get('township')} open"
    raise OrderRefused(f"unknown inject kind {k!r} (use one of {', '.join(KINDS)})")


def check_demand(sim: Simulation, kind: str, demand: dict[str, float]) -> None:
    """Refuse an injected incident nobody could serve or nobody meant: a kind a letter
    or two off one the scenario knows (``flod_rescue``), a capability no unit has
    (``boat`` for ``boats``), or one only units that do not serve ``kind`` have.

    :raises OrderRefused: naming the word and the nearest known one ("did you mean").
    """
    from drillsim.scenario.namecheck import known_kinds

    units = sim._unit_list
    every = sorted({c for u in units for c, v in u.capabilities.items() if v > 0})
    kinds = sorted({k for u in units if u.serves for k in u.serves}
                   | known_kinds(sim.scenario.spec, sim.host)[0] | {"rescue"})
    if kind not in kinds and suggest(kind, kinds):
        # a new kind is allowed (a building collapse in a flood), one a letter off a known one is not
        raise OrderRefused(f"unknown incident kind {kind!r}" + suggest(kind, kinds))
    for cap in demand:
        if cap not in every:
            raise OrderRefused(f"no unit brings {cap!r}" + suggest(cap, every)
                               + f" (capabilities: {', '.join(every)})")
        if not any(u.capabilities.get(cap, 0) > 0 and (u.serves is None or kind in u.serves)
                   for u in units):
            raise OrderRefused(f"no unit that brings {cap} serves {kind!r} incidents"
                               + suggest(kind, kinds) + (f" (kinds served: {', '.join(kinds)})" if kinds else ""))


def parse_line(words: list[str]) -> dict[str, Any]:
    """An inject typed by the controller (``inject`` already removed) → inject data.

    :raises OrderRefused: not a valid inject line.
    """
    if not words:
        raise OrderRefused("inject what? message, incident, breakdown, roadcut, roadopen, inservice")
    k, rest = words[0].lower(), words[1:]
    if k == "message":
        if rest and rest[0].startswith("@"):  # inject message @mixin TEXT: to that township
            return {"kind": "message", "text": " ".join(rest[1:]), "source": "phone",
                    "township": rest[0][1:]}
        return {"kind": "message", "text": " ".join(rest), "source": "phone"}
    if k in ("breakdown", "inservice"):
        if len(rest) != 1:
            raise OrderRefused(f"usage: inject {k} UNIT")
        return {"kind": "breakdown" if k == "breakdown" else "in_service", "unit": rest[0]}
    if k in ("roadcut", "roadopen"):
        if not rest:
            raise OrderRefused(f"usage: inject {k} TOWNSHIP [REASON...]")
        return {"kind": "road_cut" if k == "roadcut" else "road_open", "township": rest[0],
                "text": " ".join(rest[1:])}
    if k == "incident":
        if len(rest) < 3:
            raise OrderRefused("usage: inject incident KIND PLACE CAP=N [CAP=N ...] [ON_SCENE]")
        demand, on_scene = {}, "45min"
        for w in rest[2:]:
            if "=" in w:
                cap, _, n = w.partition("=")
                try:
                    number = read_number(n)  # the digits 0-9 (float() took '１', 'nan')
                except ValueError:
                    raise OrderRefused(f"{w!r}: write CAP=N, e.g. boats=1{digits_hint(n)}") from None
                try:
                    demand[cap] = check_amount(number)
                except ValueError as exc:
                    raise OrderRefused(f"{w!r}: write CAP=N, e.g. boats=1 ({exc})") from None
            else:
                on_scene = w
        return {"kind": "incident", "incident_kind": rest[0], "place": rest[1], "demand": demand,
                "on_scene": on_scene}
    raise OrderRefused(f"unknown inject {k!r}: message, incident, breakdown, roadcut, roadopen, inservice")
