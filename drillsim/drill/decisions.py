"""The team's decisions against the MSEL, for the after-action review (HSEEP-style).

For each expected action — of a planned inject (its ``expect`` and its ``unless``
action) or of an objective — it finds the first order the players gave that is that
action (:func:`drillsim.drill.msel.matches`; carried-out orders only), when the
information that called for it reached the command (the inject's message delivered, its
call heard, or the unit board showing a breakdown), and so the time from information to
decision. An action due by a time (the objective's ``by``, the ``unless`` trigger's
``by``) and taken after it is *late*; one never taken is *missed* — unless an inject
made it impossible: a ``dispatch``/``standby``/``recall`` of a unit or force (``air``: of
any aircraft) whose every unit an inject put out of service (``breakdown``), or could
not reach the target
because an inject cut the roads of its township (``road_cut``; a road unit based
outside it), for the whole time the action was expected (from when its information
reached the command, or its inject fired, to when it was due or the drill ended), is
*not possible* and names the inject: the players are not blamed for it. Only actions
taken are credited: inaction is never a strength.

HSEEP (FEMA, January 2020), section 5 "Evaluation": evaluators compare the players'
actions with the expected actions of each objective and capability target, and note
the time each was taken; this module does that from the drill's own records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drillsim.drill import msel


@dataclass
class Decision:
    """One expected action and what the team did about it (times in scenario minutes).

    :ivar source: what expected it (the inject's title, or ``objective``).
    :ivar info_t: when the information reached the command (None: none reached it —
        an ``unless`` inject not needed, an objective without an inject, a lost call).
    :ivar decided_t: the first order that is the action (None: never given).
    :ivar due_t: the time it was due by (None: no deadline).
    :ivar status: ``in time``, ``late``, ``missed``, ``not possible`` (an inject took away
        what it needs: ``blocked_by`` says which) or ``not prompted`` (its inject never
        fired, and nothing was due).
    :ivar blocked_by: for ``not possible``, the inject(s) that made it so, in words.
    """

    objective: str | None
    objective_title: str | None
    capability: str | None
    action: str
    source: str
    trigger: str
    info_t: float | None
    info_what: str
    decided_t: float | None
    order: str | None
    seat: str | None
    due_t: float | None
    status: str
    blocked_by: str | None = None

    @property
    def lag(self) -> float | None:
        """Information → decision, minutes (negative: decided before the information came)."""
        if self.info_t is None or self.decided_t is None:
            return None
        return self.decided_t - self.info_t


def information(session, rec) -> tuple[float | None, str]:
    """When an inject carried out (:class:`~drillsim.drill.session.InjectRecord`) reached
    the command, and how: (scenario minute or None, a few words)."""
    inj = rec.inject
    kind = inj.get("kind")
    later = [m for m in session.messages if m.t >= rec.t]
    if kind == "message":
        m = next((m for m in later if m.category == "inject" and m.text == inj.get("text")), None)
        return (m.t, f"message from {m.source}") if m else (None, "message never delivered")
    if kind == "incident":
        heard = session.heard_at.get(rec.incident) if rec.incident else None
        if heard is None:
            return None, "the call never reached the command"
        return heard, f"call {session.refs.get(rec.incident, '')}".strip()
    if kind in ("breakdown", "in_service"):
        m = next((m for m in later if m.unit == inj.get("unit")), None)
        return (m.t, f"message from {m.source}") if m else (rec.t, "the unit board")
    m = next((m for m in later if m.township == inj.get("township")), None)
    return (m.t, f"message from {m.source}") if m else (rec.t, "roads shown cut on the board")


def _minutes(text: str | None) -> float | None:
    return None if text is None else msel._minutes(text)


class TakenAway:
    """What injects took away during a drill, as spans of scenario minutes: units put out
    of service (``breakdown`` until ``in_service``) and townships whose roads were cut
    (``road_cut`` until ``road_open``), each span with the inject that began it."""

    def __init__(self, session) -> None:
        self.session = session
        self.units: dict[str, list[list]] = {}      # unit -> [[from, to, record]]
        self.roads: dict[str, list[list]] = {}      # township -> [[from, to, record]]
        for r in session.injects:
            if not r.ok:
                continue
            kind = r.inject.get("kind")
            key = r.inject.get("unit") if kind in ("breakdown", "in_service") else r.inject.get("township")
            spans = self.units if kind in ("breakdown", "in_service") else self.roads
            if kind in ("breakdown", "road_cut"):
                spans.setdefault(key, []).append([r.t, float("inf"), r])
            elif kind in ("in_service", "road_open") and spans.get(key) and spans[key][-1][1] == float("inf"):
                spans[key][-1][1] = r.t

    @staticmethod
    def _over(spans: list[list], start: float, end: float):
        """The inject record whose span covers all of [start, end], else None."""
        return next((rec for t0, t1, rec in spans if t0 <= start and t1 >= end), None)

    def _words(self, rec) -> str:
        inj = rec.inject
        what = inj.get("title") or inj.get("text") or inj.get("kind")
        return f"inject '{what}' at {self.session.clock_text(rec.t)[5:]}: {rec.result}"

    def blocking(self, action: msel.Action, world: msel.World, this_incident: str | None,
                 start: float, end: float) -> str | None:
        """Why ``action`` could not be carried out at any time of [start, end] because of
        injects (the injects in words), or None when it could (or injects do not say)."""
        sim = self.session.sim
        if action.verb == "air":   # any aircraft: a road cut keeps none from flying
            units = [u for u in sim.units.values() if u.mode == "air"]
        elif action.verb not in ("dispatch", "standby", "recall") or action.subject is None:
            return None
        else:
            units = ([sim.units[action.subject]] if action.subject in sim.units
                     else [u for u in sim.units.values() if u.force.id == action.subject])
        if not units:
            return None
        town = self._target_township(action, world, this_incident) if action.verb == "dispatch" else None
        cut = self._over(self.roads.get(town, []), start, end) if town is not None else None
        why = []
        for u in units:
            broken = self._over(self.units.get(u.id, []), start, end)
            if broken is not None:
                why.append(broken)
            elif cut is not None and u.mode == "road" and u.base.township != town:
                why.append(cut)
            else:
                return None  # this unit could have done it
        return "; ".join(dict.fromkeys(self._words(rec) for rec in why))

    def _target_township(self, action: msel.Action, world: msel.World, this_incident: str | None) -> str | None:
        sim = self.session.sim
        target = action.target
        if target is None:
            return None
        incident = this_incident if target == "this" else world.inject_incident(target)
        if incident is not None:
            return world.incident_at(incident)[0] or self._incident_township(incident)
        if target in sim.region.townships:
            return target
        place = sim.region.places.get(target)
        return place.township if place is not None else None

    def _incident_township(self, incident: str) -> str | None:
        """An incident's township from the log (one completed is gone from the engine)."""
        return next((e.details.get("township") for e in self.session.sim.log.events
                     if e.kind == "incident_created" and e.incident == incident), None)


def score(session) -> list[Decision]:
    """Every expected action of the drill's MSEL and objectives, in pack order."""
    orders = session.order_views()
    world = session.world()
    taken = TakenAway(session)
    objectives = {o["id"]: o for o in session.drawn.objectives}
    fired = {}
    for r in session.injects:
        if r.ok and r.planned is not None:
            fired.setdefault(r.planned, r)
    out: list[Decision] = []
    covered: set[tuple[str | None, str]] = set()
    for n, inj in enumerate(session.planned):
        wanted = msel.expected_of(inj)
        if not wanted:
            continue
        obj = objectives.get(inj.get("objective") or "")
        unless = inj.get("unless") or inj.get("if_not")
        rec = fired.get(n)
        due = _minutes(unless["by"]) if unless else _minutes(obj.get("by")) if obj else None
        info_t, info_what = information(session, rec) if rec is not None else (None, "inject not fired")
        for text in wanted:
            action = msel.parse_action(text)
            hit = msel.first_match(action, orders, world, rec.incident if rec is not None else None)
            if hit is None:
                status = "not prompted" if rec is None and (due is None or due > session.now) else "missed"
            elif due is not None and hit.t > due:
                status = "late"
            else:
                status = "in time"
            if rec is None and unless and hit is not None and hit.t <= due:
                info_what = "not needed: the action came first"
            blocked = None
            if status == "missed":
                start = info_t if info_t is not None else rec.t if rec is not None else 0.0
                end = max(start, due if due is not None else session.now)
                blocked = taken.blocking(action, world, rec.incident if rec is not None else None, start, end)
                if blocked is not None:
                    status = "not possible"
            out.append(Decision(inj.get("objective"), obj.get("title") if obj else None,
                                inj.get("capability") or (obj.get("capability") if obj else None), text,
                                inj.get("title", ""), msel.describe_trigger(inj), info_t, info_what,
                                hit.t if hit else None, hit.text if hit else None, hit.seat if hit else None,
                                due, status, blocked))
            covered.add((inj.get("objective"), text))
    for oid, obj in objectives.items():
        due = _minutes(obj.get("by"))
        for text in obj.get("expect") or []:
            if (oid, text) in covered:
                continue
            action = msel.parse_action(text)
            hit = msel.first_match(action, orders, world)
            status = ("missed" if hit is None else "late" if due is not None and hit.t > due else "in time")
            blocked = None
            if status == "missed":
                blocked = taken.blocking(action, world, None, 0.0, due if due is not None else session.now)
                if blocked is not None:
                    status = "not possible"
            out.append(Decision(oid, obj["title"], obj["capability"], text, "objective",
                                f"due by {obj['by']}" if obj.get("by") else "during the drill", None,
                                "", hit.t if hit else None, hit.text if hit else None,
                                hit.seat if hit else None, due, status, blocked))
    return out


def objective_results(session, rows: list[Decision]) -> list[dict[str, Any]]:
    """Per objective: met (every expected action in time), partly met, or not met. An
    action expected by several injects counts once, in time only if in time for each."""
    out = []
    for obj in session.drawn.objectives:
        every = [r for r in rows if r.objective == obj["id"]]
        by_action: dict[str, list[Decision]] = {}
        for r in every:
            if r.status not in ("not prompted", "not possible"):  # neither is the team's to do
                by_action.setdefault(r.action, []).append(r)
        mine = list(by_action.values())
        done = sum(all(r.status == "in time" for r in group) for group in mine)
        result = ("not tested: injects made its actions impossible"
                  if every and not mine and all(r.status == "not possible" for r in every)
                  else "not tested: its injects were not fired" if every and not mine
                  else "no action expected" if not mine else "met" if done == len(mine)
                  else "not met" if done == 0 else "partly met")
        out.append({"id": obj["id"], "title": obj["title"], "capability": obj["capability"],
                    "result": result, "in_time": done, "expected": len(mine)})
    return out


def duration(minutes: float) -> str:
    """``25 min`` under two hours, else ``2.3 h``."""
    m = abs(minutes)
    return f"{m:.0f} min" if m < 120 else f"{m / 60:.1f} h"


def lag_text(row: Decision) -> str:
    """Information → decision in words (a table cell)."""
    lag = row.lag
    if lag is None:
        return "—"
    return f"{duration(lag)} before the information" if lag < 0 else duration(lag)
