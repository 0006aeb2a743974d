"""The team's decisions against the MSEL, for the after-action review (HSEEP-style).

For each expected action — of a planned inject (its ``expect`` and its ``unless``
action) or of an objective — it finds the first order the players gave that is that
action (:func:`drillsim.drill.msel.matches`; carried-out orders only), when the
information that called for it reached the command (the inject's message delivered, its
call heard, or the unit board showing a breakdown), and so the time from information to
decision. An action due by a time (the objective's ``by``, the ``unless`` trigger's
``by``) and taken after it is *late*; one never taken is *missed*. Only actions taken
are credited: inaction is never a strength.

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
    :ivar status: ``in time``, ``late``, ``missed`` or ``not prompted`` (its inject never fired,
        and nothing was due).
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


def score(session) -> list[Decision]:
    """Every expected action of the drill's MSEL and objectives, in pack order."""
    orders = session.order_views()
    world = session.world()
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
            out.append(Decision(inj.get("objective"), obj.get("title") if obj else None,
                                inj.get("capability") or (obj.get("capability") if obj else None), text,
                                inj.get("title", ""), msel.describe_trigger(inj), info_t, info_what,
                                hit.t if hit else None, hit.text if hit else None, hit.seat if hit else None,
                                due, status))
            covered.add((inj.get("objective"), text))
    for oid, obj in objectives.items():
        due = _minutes(obj.get("by"))
        for text in obj.get("expect") or []:
            if (oid, text) in covered:
                continue
            hit = msel.first_match(msel.parse_action(text), orders, world)
            status = ("missed" if hit is None else "late" if due is not None and hit.t > due else "in time")
            out.append(Decision(oid, obj["title"], obj["capability"], text, "objective",
                                f"due by {obj['by']}" if obj.get("by") else "during the drill", None,
                                "", hit.t if hit else None, hit.text if hit else None,
                                hit.seat if hit else None, due, status))
    return out


def objective_results(session, rows: list[Decision]) -> list[dict[str, Any]]:
    """Per objective: met (every expected action in time), partly met, or not met. An
    action expected by several injects counts once, in time only if in time for each."""
    out = []
    for obj in session.drawn.objectives:
        every = [r for r in rows if r.objective == obj["id"]]
        by_action: dict[str, list[Decision]] = {}
        for r in every:
            if r.status != "not prompted":
                by_action.setdefault(r.action, []).append(r)
        mine = list(by_action.values())
        done = sum(all(r.status == "in time" for r in group) for group in mine)
        result = ("not tested: its injects were not fired" if every and not mine
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
