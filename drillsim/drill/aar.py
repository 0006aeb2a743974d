"""The after-action review (复盘) of a drill: Markdown (and HTML).

It holds, in order: the hidden scenario revealed; the scorecard of the players' run
against the plan, side by side with the **automatic baseline** — the same scenario, the
same seed and so the same random streams (common random numbers), the same injects at
the same times, but every force dispatched by the engine's automatic policy and the
plugins taking the command's decisions (evacuation orders, mutual aid) themselves;
what each order did; the counterfactual by township ("the automatic baseline reached
Shuangjiang 23 minutes earlier"); strengths and areas for improvement from the
scorecard rows; and the timeline of messages, orders and injects.

The baseline sees every incident at once (no reporters); the players only what
reached them. The review says so, as the difference is part of the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from drillsim.drill import decisions as decisions_mod
from drillsim.drill import injects as injects_mod
from drillsim.drill.reach import CHECK_EVERY, DEFAULT_ANSWER_MIN, answer_standard, held_text
from drillsim.engine.eventlog import Event
from drillsim.engine.simulation import OrderRefused, Simulation
from drillsim.report.common import (NOT_PLAN, goal_from_plan, num, row_title, shortfall, where_text,
                                    write_atomic)
from drillsim.report.facts import still_going_at_end
from drillsim.report.figures import figure_rows
from drillsim.scoring import scorecard


@dataclass
class Review:
    """Everything the review shows (also used by the TUI's reveal screen)."""

    reveal: dict[str, Any]
    player_rows: list[scorecard.Row]
    baseline_rows: list[scorecard.Row]
    townships: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    strengths: list[str]
    improvements: list[str]
    markdown: str = ""
    #: each expected action of the MSEL and the objectives, and what the team did
    decisions: list[decisions_mod.Decision] | None = None
    #: per objective: met, partly met, not met
    objectives: list[dict[str, Any]] | None = None
    #: calls heard and not answered within the response standard (:func:`unanswered_calls`)
    unanswered: list[dict[str, Any]] | None = None
    #: calls the command heard (the denominator of ``unanswered``)
    heard: int = 0
    #: calls heard less than their standard before the end, still open: not judged
    not_due: int = 0
    #: target id -> why a met row was met by doing nothing (:func:`met_by_inaction`)
    idle_passes: dict[str, str] | None = None


def run_baseline(session) -> list[Event]:
    """The counterfactual: the drill's scenario and seed with automatic dispatch and
    automatic decisions, the same units out of service and the same successful injects at
    the same scenario times, run to the time the drill ended."""
    sim = Simulation(session.scenario, session.host, seed=session.seed, auto_dispatch=True)
    sim.start()
    for uid in session.drawn.out_of_service:
        sim.set_in_service(sim.units[uid], False, reason="unavailable")
    end = session.now
    for rec in sorted((r for r in session.injects if r.ok), key=lambda r: (r.t, r.seq)):
        if rec.t > sim.now:
            sim.run(until=rec.t)
        try:
            injects_mod.apply(sim, rec.inject, lambda source, text, **_: None)
        except OrderRefused:
            pass  # e.g. the unit broken down in the drill is already out in the baseline
    if end > sim.now:
        sim.run(until=end)
    if end < sim.horizon:
        sim.finish()
    return sim.log.events


def first_arrivals(events: Sequence[Event]) -> dict[str, float]:
    """Per township, the scenario minute the first unit arrived at any of its incidents."""
    town: dict[str, str] = {}
    out: dict[str, float] = {}
    for e in events:
        if e.kind == "incident_created":
            town[e.incident] = e.details.get("township")
        elif e.kind == "unit_arrived" and town.get(e.incident):
            out.setdefault(town[e.incident], e.t)
    return out


def rescue_times(events: Sequence[Event], kinds: set[str]) -> dict[str, list[float]]:
    """Per township, call → first unit on scene (minutes) of each rescue incident reached."""
    made: dict[str, tuple[float, str]] = {}
    out: dict[str, list[float]] = {}
    done: set[str] = set()
    for e in events:
        if e.kind == "incident_created" and e.details.get("kind") in kinds:
            made[e.incident] = (e.t, e.details.get("township"))
        elif e.kind == "unit_arrived" and e.incident in made and e.incident not in done:
            done.add(e.incident)
            t0, tid = made[e.incident]
            out.setdefault(tid, []).append(e.t - t0)
    return out


def evacuation_done(events: Sequence[Event]) -> dict[str, float]:
    """Per township, when its evacuation incident was completed."""
    kind: dict[str, str] = {}
    out: dict[str, float] = {}
    for e in events:
        if e.kind == "incident_created" and e.details.get("kind") == "evacuation":
            kind[e.incident] = e.details.get("township")
        elif e.kind == "incident_completed" and e.incident in kind:
            out[kind[e.incident]] = e.t
    return out


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def compare_townships(session, player: Sequence[Event], baseline: Sequence[Event]) -> list[dict[str, Any]]:
    """The counterfactual by township: first unit on scene, mean rescue response,
    evacuation completed, in the drill and in the baseline."""
    kinds = {"flood_rescue", "aerial_rescue", "rescue"}
    pa, ba = first_arrivals(player), first_arrivals(baseline)
    pr, br = rescue_times(player, kinds), rescue_times(baseline, kinds)
    pe, be = evacuation_done(player), evacuation_done(baseline)
    towns = [t for t in session.sim.region.townships if t in set(pa) | set(ba) | set(pe) | set(be)]
    water = {}
    for e in player:
        if e.kind == "hazard_arrival" and e.details.get("level") == "impact":
            water.setdefault(e.details.get("township"), e.t)
    pc, bc = rescue_calls(player, kinds), rescue_calls(baseline, kinds)
    rows = []
    for tid in towns:
        rows.append({"township": tid, "name": session.sim.region.townships[tid].name_pinyin,
                     "name_zh": getattr(session.sim.region.townships[tid], "name_zh", None),
                     "first_player": pa.get(tid), "first_baseline": ba.get(tid),
                     "rescue_player": _mean(pr.get(tid, [])), "rescue_baseline": _mean(br.get(tid, [])),
                     "reached_player": len(pr.get(tid, [])), "reached_baseline": len(br.get(tid, [])),
                     "evac_player": pe.get(tid), "evac_baseline": be.get(tid),
                     "water": water.get(tid), "calls_player": pc.get(tid, 0), "calls_baseline": bc.get(tid, 0)})
    return rows


def rescue_calls(events: Sequence[Event], kinds: set[str]) -> dict[str, int]:
    """Per township, how many rescue incidents (calls for help) the run made."""
    out: dict[str, int] = {}
    for e in events:
        if e.kind == "incident_created" and e.details.get("kind") in kinds:
            tid = e.details.get("township")
            out[tid] = out.get(tid, 0) + 1
    return out


def _against_water(done: float | None, water: float, what: str = "it") -> str:
    if done is None:
        return f"never finished {what}"
    h = abs(water - done) / 60
    return f"finished {what} {h:.1f} h {'before' if done <= water else 'after'} the water"


def sentence(row: dict[str, Any], clock) -> str | None:
    """One line of the counterfactual for a township, or None if nothing to compare."""
    name = row["name"]
    water = row.get("water")
    if water is not None and (row.get("evac_player") is not None or row.get("evac_baseline") is not None):
        # what matters is the evacuation against the water, and the calls that followed
        evacuation = f"{name}'s evacuation"
        text = (f"The automatic baseline {_against_water(row['evac_baseline'], water, evacuation)}; "
                f"the team {_against_water(row['evac_player'], water)}")
        cp, cb = row.get("calls_player", 0), row.get("calls_baseline", 0)
        if cp != cb:
            text += f"; {cp} rescue calls followed instead of {cb}"
        return text + "."
    p, b = row["first_player"], row["first_baseline"]
    if p is None and b is None:
        return None
    if p is None:
        return f"The automatic baseline reached {name} at {clock(b)}; the drill never did."
    if b is None:
        return f"The drill reached {name} at {clock(p)}; the automatic baseline never did."
    d = round(p - b)
    if d > 0:
        return f"The automatic baseline reached {name} {d} minutes earlier ({clock(b)} against {clock(p)})."
    if d < 0:
        return f"The players reached {name} {-d} minutes before the automatic baseline ({clock(p)} against {clock(b)})."
    return f"The players and the automatic baseline reached {name} at the same time ({clock(p)})."


def order_effects(session) -> list[dict[str, Any]]:
    """What each order did, read from the drill's event log."""
    events = session.sim.log.events
    out = []
    for o in session.orders:
        effect = "" if o.ok else f"refused: {o.reply}"
        if o.ok and o.command in ("dispatch", "air") and o.incident:
            arrived = [e for e in events if e.kind == "unit_arrived" and e.incident == o.incident
                       and e.unit in o.units and e.t >= o.t]
            done = next((e for e in events if e.kind == "incident_completed" and e.incident == o.incident), None)
            parts = [f"{e.unit} on scene after {e.t - o.t:.0f} min" for e in arrived]
            left = [u for u in o.units if u not in {e.unit for e in arrived}]
            parts += [f"{u} did not arrive" for u in left]
            if done is not None:
                parts.append(f"incident done at {session.clock_text(done.t)[-5:]}")
            effect = "; ".join(parts)
        elif o.ok and o.command == "evacuate" and o.township:
            done = evacuation_done(events).get(o.township)
            flood = next((e.t for e in events if e.kind == "hazard_arrival" and e.details.get("township") == o.township
                          and e.details.get("level") == "impact"), None)
            effect = "evacuation " + (f"finished at {session.clock_text(done)}" if done is not None else "not finished")
            if flood is not None:
                effect += f"; water arrived {session.clock_text(flood)}"
                if done is not None:
                    m = flood - done
                    effect += f" ({abs(m) / 60:.1f} h {'before' if m < 0 else 'after'} the evacuation ended)"
        elif o.ok:
            effect = o.reply
        out.append({"time": session.clock_text(o.t), "order": o.text, "ok": o.ok, "effect": effect,
                    "seat": o.seat})
    return out

def _capable(sim, incident) -> list:
    """The units that could serve ``incident`` (its kind, its area, a capability it
    needs: :meth:`~drillsim.engine.units.Unit.can_serve`)."""
    return [u for u in sim._unit_list if u.can_serve(incident, incident.demand)]


def who_could_send(session, incident, seats=None) -> str:
    """The seats (or, in one terminal, the forces) holding a unit that could have gone to
    the call while it waited within its standard (free, able to serve it, allowed and
    able to reach it: :mod:`drillsim.drill.reach`), and when the first was seen so; a
    seat that gave no order in the whole drill is said so. When none could, why: the
    call is then not the team's to answer (:func:`could_go`)."""
    watch = session.calls.verdict(incident.id)
    if watch is None:  # not a call the command heard
        units = _capable(session.sim, incident)
    else:
        if not watch.could:
            return "no unit could go while it waited: " + held_text(watch)
        units = [session.sim.units[u] for u in watch.could]
    if not units:
        return "no unit in the scenario has what it needs"
    since = ""
    if watch is not None:
        first = min(watch.could.values())
        since = f", free and able to reach it at {session.clock_text(first)[11:]}"
    if seats is None:
        forces = sorted({u.force.id for u in units})
        return "the command (" + ", ".join(forces) + ")" + since
    gave = {o.seat for o in session.orders if o.seat}
    out = []
    for seat in seats:
        if not getattr(seat, "player", False):
            continue
        mine = [u for u in units if u.id in seat.units]
        if mine:
            forces = sorted({u.force.id for u in mine})
            idle = "" if seat.name in gave else "; gave no order"
            out.append(f"{seat.name} ({seat.role.replace('_', ' ')}: {', '.join(forces)}{idle})")
    return (", ".join(out) + since) if out else "no player seat holds such a unit"


def could_go(session, incident_id: str) -> bool:
    """Whether some unit was seen able to go to a heard call while it waited within its
    standard (:mod:`drillsim.drill.reach`); a call no unit could reach (roads cut by an
    inject, every boat busy, helicopters grounded at night) is not the team's failure."""
    watch = session.calls.verdict(incident_id)
    return watch is None or bool(watch.could)


def _call_waits(session):
    """Each call heard that asked for units, in the order heard: ``(iid, incident, heard,
    answered, how, waited, closed)`` (scenario minutes; ``answered`` None: never;
    ``closed``: the call completed or was lost by the end of the drill)."""
    ordered: dict[str, float] = {}
    for o in session.orders:
        if o.ok and o.command in ("dispatch", "air") and o.incident:
            ordered.setdefault(o.incident, o.t)
    sent: dict[str, float] = {}
    closed: dict[str, float] = {}
    for e in session.sim.log.events:
        if e.kind == "unit_dispatched" and e.incident:
            sent.setdefault(e.incident, e.t)
        elif e.kind in ("incident_completed", "incident_lost") and e.incident:
            closed.setdefault(e.incident, e.t)
    for iid, heard in sorted(session.heard_at.items(), key=lambda kv: (kv[1], kv[0])):
        inc = session.sim.incidents.get(iid)
        if inc is None or not inc.demand:
            continue
        by_order, by_auto = ordered.get(iid), sent.get(iid)
        if by_order is not None and (by_auto is None or by_order <= by_auto):
            answered, how = by_order, "ordered"
        elif by_auto is not None:
            answered, how = by_auto, "automatic dispatch (switched on by the team)"
        else:
            answered, how = None, "never"
        end = answered if answered is not None else min(closed.get(iid, session.now), session.now)
        yield iid, inc, heard, answered, how, max(0.0, end - heard), iid in closed


def unanswered_calls(session, seats=None) -> list[dict[str, Any]]:
    """Calls that reached the command and had no unit sent within the response standard
    (:func:`answer_standard`), in the order heard.

    A call is answered by the first carried-out ``dispatch``/``air`` order to it, or by
    the first unit automatic dispatch sent (``auto on`` is the team's decision, said as
    such). Its wait runs from the minute it was heard to that answer, or, unanswered, to
    the call's end (completed or lost) or the end of the drill. Each row: ``ref``,
    ``kind``, ``township``, ``heard`` and ``answered`` (scenario minutes; answered None:
    never), ``waited`` (minutes), ``standard`` (minutes), ``rule``, ``how`` and ``who``
    (:func:`who_could_send`)."""
    out = []
    for iid, inc, heard, answered, how, waited, _closed in _call_waits(session):
        standard, rule = answer_standard(session.scenario, inc.kind)
        if waited <= standard:
            continue
        out.append({"ref": session.refs.get(iid, iid), "kind": inc.kind, "township": inc.place.township,
                    "heard": heard, "answered": answered, "waited": waited, "standard": standard,
                    "rule": rule, "how": how, "who": who_could_send(session, inc, seats),
                    "could_go": could_go(session, iid)})
    return out


def calls_not_yet_due(session) -> int:
    """Calls heard less than their response standard before the drill ended, still open
    and not answered: they cannot be judged answered or not, so the review does not
    count them among the calls it judges."""
    return sum(1 for _iid, inc, _heard, answered, _how, waited, closed in _call_waits(session)
               if answered is None and not closed
               and waited <= answer_standard(session.scenario, inc.kind)[0])


def met_by_inaction(session, rows: list[scorecard.Row]) -> dict[str, str]:
    """The met rows whose value comes from none of the activity they measure, by what
    their metric says makes it (:attr:`~drillsim.host.registry.Metric.made_by`, so a
    plugin's metric is judged as the built-in ones): an ``evacuation`` row (relocation,
    supplies, shelter) when no evacuation was ordered and none was made; a ``dispatch``
    row (response, commitment) when no unit was dispatched (by order or automatic
    dispatch) -- of the forces the row measures, when its target names some (``params:
    {forces: [...]}``: a district team's row is not earned by sending a boat). A row
    counting only what was requested of a reserve (:data:`COUNTS_ONLY_REQUESTED`: the need
    beyond the township stocks, the shortfall, the person-days beyond the stock) when the
    townships reported a need for relocation supplies that nobody requested.

    A row of one label (``ID/label`` of a ``by_label`` target) is judged on its label
    alone when the metric labels by township or by force: a township's evacuation row
    is not earned by evacuating another township, a township's response row by a
    dispatch elsewhere, one force's row by another force's dispatch. Other labels (a
    plugin's own, or ``district`` over all townships) are judged on the whole drill.
    ``{row id: why}``."""
    events = session.sim.log.events
    moved = {"evacuation", "relocation"}
    evacuated_in = {o.township for o in session.orders if o.ok and o.command == "evacuate"}
    township_of: dict[str, str | None] = {}
    for e in events:
        if e.kind == "incident_created":
            township_of[e.incident] = e.details.get("township")
            if e.details.get("kind") in moved:
                evacuated_in.add(e.details.get("township"))
    evacuated = bool(evacuated_in)
    dispatches = [(e.details.get("force"), township_of.get(e.incident))
                  for e in events if e.kind == "unit_dispatched"]
    sent = {force for force, _town in dispatches}
    dispatched = bool(sent) or any(o.ok and o.command in ("dispatch", "air") for o in session.orders)
    targets = {t.id: t for t in session.scenario.targets}
    townships = session.sim.region.townships
    needed, requested = reserve_need_and_requests(events)
    unrequested = {r: n - requested.get(r, 0.0) for r, n in needed.items()}
    out = {}
    for r in rows:
        target_id, _, label = r.id.partition("/")  # (a row by label is "ID/label")
        target = targets.get(target_id)
        if r.status != "pass" or target is None:
            continue
        made_by, by = target.metric.made_by, target.metric.label if label else None
        if by == "township" and label not in townships:
            by = None  # a label over townships ("district"): judged on the whole drill
        forces = getattr(target.params, "forces", None)
        if made_by == "evacuation":
            if by == "township":
                if label not in evacuated_in:
                    out[r.id] = f"met because nothing was done: no evacuation was ordered in {label}"
            elif not evacuated:
                out[r.id] = "met because nothing was done: no evacuation was ordered"
        elif made_by == "dispatch":
            if by == "force":
                if label not in sent:
                    out[r.id] = f"met because nothing was done: no unit of {label} was dispatched"
            elif by == "township":
                if not any(town == label and (not forces or force in forces) for force, town in dispatches):
                    whose = f"of {', '.join(forces)} " if forces else ""
                    out[r.id] = f"met because nothing was done: no unit {whose}was dispatched to {label}"
            elif forces and not sent & set(forces):
                out[r.id] = ("met because nothing was done: no unit of "
                             f"{', '.join(forces)} was dispatched")
            elif not forces and not dispatched:
                out[r.id] = "met because nothing was done: no unit was dispatched"
        reserve = getattr(target.params, "reserve", None)
        if (r.id not in out and target.metric.name in COUNTS_ONLY_REQUESTED and reserve
                and unrequested.get(reserve, 0) > 0):
            out[r.id] = (f"met only because relocation supplies were not requested: the townships "
                         f"reported {needed[reserve]:,.0f} people needing them, {requested.get(reserve, 0):,.0f} "
                         "were requested")
    return out


#: metrics that count only what was requested from a reserve: in a drill the evacuations
#: the players order report their need for relocation supplies (``relocation_needed``)
#: and the players release them; a need never requested is neither drawn nor short, so
#: these rows pass without a person being supplied
COUNTS_ONLY_REQUESTED = frozenset({"reserve_need_beyond_local", "reserve_shortfall",
                                   "relocation_person_days_beyond_stock"})


def reserve_need_and_requests(events: Sequence[Event]) -> tuple[dict[str, float], dict[str, float]]:
    """``({reserve: need reported}, {reserve: amount requested})``: the townships'
    ``relocation_needed`` reports and the requests made of each reserve
    (``reserve_requested``, whether or not the stock could meet them)."""
    needed: dict[str, float] = {}
    requested: dict[str, float] = {}
    for e in events:
        if e.kind == "relocation_needed":
            r = e.details.get("reserve")
            needed[r] = needed.get(r, 0.0) + e.details.get("amount", 0)
        elif e.kind == "reserve_requested":
            r = e.details.get("reserve")
            requested[r] = requested.get(r, 0.0) + e.details.get("amount", 0)
    return needed, requested


def _value(row: scorecard.Row | None) -> str:
    if row is None or row.mean is None:
        return "not measured"
    return num(row.mean, row.unit)


def _status(row: scorecard.Row | None) -> str:
    return "—" if row is None else {"pass": "PASS", "fail": "FAIL"}.get(row.status, row.status)


def strengths_and_improvements(player: list[scorecard.Row], baseline: list[scorecard.Row],
                               acted: bool = True, sc=None):
    """From the scorecard rows: missed targets are areas for improvement (a row where the
    baseline passed and the players failed is said so). A met target is no strength of
    the team's: it may be met by the plan, or by doing nothing (no evacuation, so no
    relocation shortfall); strengths are the team's decisions
    (:func:`decision_findings`). With ``acted`` False (no order was carried out) that is
    said as an area for improvement. A missed target says how far from its goal and,
    for a row over places, where (``at Mixin Zhen 米心镇``), with ``sc`` (the scenario) to
    name the place. Returns (strengths, improvements): strengths empty."""
    base = {r.id: r for r in baseline}
    good, better = [], []
    if not acted:
        better.append("no order was carried out: nothing the team decided can be credited, "
                      "and every target met was met without the team")
    for r in player:
        b = base.get(r.id)
        title = row_title(sc, r) if sc is not None else r.title
        text = f"{r.id} {title}: {_value(r)} (target {r.comparison or ''} {num(r.threshold, r.unit)})"
        if r.status == "fail":
            where = where_text(sc, r) if sc is not None else (f" at {r.worst}" if r.worst else "")
            short = shortfall(r)
            text = (f"{r.id} {title}: {_value(r)}" + where
                    + f" (target {r.comparison or ''} {num(r.threshold, r.unit)}" + (f", {short}" if short else "") + ")")
            extra = f"; the automatic baseline met it ({_value(b)})" if b is not None and b.status == "pass" else ""
            better.append(text + extra)
        elif r.status == "not measured" and b is not None and b.status in ("pass", "fail"):
            better.append(f"{r.id} {title}: not measured in the drill (nothing was done that it "
                          f"counts); the automatic baseline measured {_value(b)}")
    return good, better


def _moves_finished(events: Sequence[Event], township: str, since: float) -> bool | None:
    """Whether the evacuation (or relocation) incidents an order made in ``township`` at or
    after minute ``since`` were all completed; None when it made none."""
    made = {e.incident for e in events if e.kind == "incident_created" and e.t >= since
            and e.details.get("township") == township and e.details.get("kind") in ("evacuation", "relocation")}
    if not made:
        return None
    return made <= {e.incident for e in events if e.kind == "incident_completed"}


def decision_findings(session, rows: list[decisions_mod.Decision]) -> tuple[list[str], list[str]]:
    """Strengths (expected actions taken in time, with the time from information to
    decision) and areas for improvement (actions missed or late). Only actions taken are
    credited."""
    clock = lambda t: session.clock_text(t)[5:]  # noqa: E731
    good, better = [], []
    groups: dict[tuple, list[decisions_mod.Decision]] = {}
    for r in rows:  # an action several injects expect is said once (in time only if in time for each)
        groups.setdefault((r.objective, r.action), []).append(r)
    picked = []
    for group in groups.values():
        worst = [r for r in group if r.status in ("missed", "late")]
        told = [r for r in group if r.lag is not None and r.status == "in time"]
        picked.append(worst[0] if worst else told[0] if told else group[0])
    events = session.sim.log.events
    for r in picked:
        who = f"{r.objective} ({r.capability})" if r.objective else (r.capability or r.source)
        words = r.action.split()
        if r.status == "in time" and words[0] == "evacuate" and len(words) == 2 and \
                _moves_finished(events, words[1], r.decided_t) is False:
            # the order was given; carrying it out (rescuers to the evacuation) is a decision too
            better.append(f"{who}: `{r.action}` was ordered at {clock(r.decided_t)} but the evacuation "
                          "never finished (it needs rescuers sent to it)")
        after = ""
        if r.lag is not None:
            after = (f", {decisions_mod.duration(r.lag)} after the {r.info_what} at {clock(r.info_t)}"
                     if r.lag >= 0 else f", {decisions_mod.duration(r.lag)} before the {r.info_what} came")
        if r.status == "in time":
            good.append(f"{who}: `{r.action}` ordered at {clock(r.decided_t)}{after}")
        elif r.status == "late":
            better.append(f"{who}: `{r.action}` ordered at {clock(r.decided_t)}, "
                          f"{decisions_mod.duration(r.decided_t - r.due_t)} after it was due "
                          f"({clock(r.due_t)}){after}")
        elif r.status == "missed":
            prompt = (f" (prompted by '{r.source}', {r.info_what} at {clock(r.info_t)})"
                      if r.info_t is not None else "")
            better.append(f"{who}: `{r.action}` was never ordered{prompt}")
    return good, better


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    esc = lambda x: str(x).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return lines


def build(session, seats=None) -> Review:
    """Build the review of an ended drill (runs the automatic baseline).

    :param seats: a served drill's :class:`~drillsim.drill.seats.Seats` (to name the
        seats that could have answered a call), or None in one terminal."""
    sc = session.scenario
    player_events = session.sim.log.events
    baseline_events = run_baseline(session)
    prow = scorecard.build(sc, [scorecard.observe(sc, player_events)])
    brow = scorecard.build(sc, [scorecard.observe(sc, baseline_events)])
    reveal = session.reveal()
    towns = compare_townships(session, player_events, baseline_events)
    orders = order_effects(session)
    acted = any(o.ok and o.command not in ("end", "auto") for o in session.orders)
    good, better = strengths_and_improvements(prow, brow, acted, sc)
    rows = decisions_mod.score(session)
    dgood, dbetter = decision_findings(session, rows)
    good, better = dgood + good, dbetter + better
    needed = sum(e.details.get("amount", 0) for e in player_events if e.kind == "relocation_needed")
    released = sum(e.details.get("amount", 0) for e in player_events if e.kind == "reserve_drawn")
    if needed > released:
        # the need and shortfall rows count what was requested: say what the townships asked for
        better.append(f"relocation supplies: the townships reported {needed:,.0f} people needing them; "
                      f"{released:,.0f} were released (the rows of the need beyond the township stocks, "
                      "the shortfall and the person-days count only what was requested; the stock rows "
                      "count what is held)")
    idle = met_by_inaction(session, prow)
    if idle:
        by_why: dict[str, list[str]] = {}
        for rid, why in idle.items():
            by_why.setdefault(why, []).append(rid)
        for why, ids in by_why.items():
            better.append(f"{', '.join(ids)}: {why} (not credited)")
    missed = unanswered_calls(session, seats)
    not_due = calls_not_yet_due(session)
    judged = len(session.heard_at) - not_due
    blamed = [c for c in missed if c["could_go"]]  # a call no unit could reach is not the team's
    if blamed:
        worst = max(blamed, key=lambda c: c["waited"])
        better.append(f"{len(blamed)} of {judged} calls heard had no unit sent within the "
                      f"response standard while a unit could have gone; the longest, {worst['ref']}, waited "
                      f"{decisions_mod.duration(worst['waited'])} (could have sent: {worst['who']})")
    review = Review(reveal, prow, brow, towns, orders, good, better, decisions=rows,
                    objectives=decisions_mod.objective_results(session, rows), unanswered=missed,
                    heard=judged, not_due=not_due, idle_passes=idle)
    review.markdown = render(session, review)
    return review


#: calls listed in the review's table of calls not answered (the rest are counted)
MAX_CALL_ROWS = 30


def summary(session, review: Review) -> list[str]:
    """The review's opening lines: orders, objectives, calls heard and not answered, and
    targets met only by doing nothing."""
    done = sum(1 for o in session.orders if o.ok and o.command not in ("end",))
    out = [f"orders carried out: {done} (refused: {sum(1 for o in session.orders if not o.ok)})"]
    if review.objectives:
        counts: dict[str, int] = {}
        for o in review.objectives:
            counts[o["result"]] = counts.get(o["result"], 0) + 1
        out.append("objectives: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    calls = review.unanswered or []
    line = f"calls heard and not answered: {len(calls)} of {review.heard} had no unit sent within the standard"
    if review.not_due:
        one = review.not_due == 1
        line += (f" ({review.not_due} more heard less than {'its' if one else 'their'} standard "
                 f"before the end and still open: not yet due, not counted)")
    held = sum(1 for c in calls if not c.get("could_go", True))
    if held:
        line += (f"; for {held} of them no unit could go while they waited (every unit able to serve "
                 "them busy, out of service, grounded or unable to reach them): not the team's")
    if calls:
        worst = max(calls, key=lambda c: c["waited"])
        line += f" (longest wait {decisions_mod.duration(worst['waited'])}, {worst['ref']})"
        auto = sum(1 for c in calls if c["answered"] is not None and c["how"].startswith("automatic"))
        if auto:
            line += f"; {auto} of them answered late by automatic dispatch"
    out.append(line)
    if review.idle_passes:
        out.append("targets met because nothing was done (not credited): " + ", ".join(review.idle_passes))
    return out


def _summary_hazard(session) -> str | None:
    """The id of the hazard whose ``hazard_summary`` the reveal shows (the first logged)."""
    return next((e.details.get("hazard") for e in session.sim.log.events if e.kind == "hazard_summary"), None)


def render(session, review: Review, timeline: bool = True) -> str:
    """The review as Markdown (``timeline=False``: without the timeline, for a screen)."""
    clock = lambda t: session.clock_text(t)[5:] if t is not None else "—"  # noqa: E731
    rv = review.reveal
    md = [f"# After-action review: {rv['scenario']}", "",
          f"Drill from {session.clock_text(0)} to {session.clock_text(session.now)} "
          f"({session.elapsed_text()} of scenario time); ended: {session.end_reason}.", ""]
    md += ["## Summary", ""] + [f"- {line}" for line in summary(session, review)] + ["", "## The hidden scenario", ""]
    md.append(f"- pack: {rv['pack']}; variant: {rv['variant'] or '(plain scenario)'}; seed: {rv['seed']}")
    for k, v in rv["choices"].items():
        md.append(f"- drawn: `{k}` = {v}")
    fig = rv["hazard"]
    if fig:
        hid = _summary_hazard(session)
        going = hid in still_going_at_end(session.sim.log.events)
        md.append("- hazard" + (f" (still going when the drill ended at {clock(session.now)}: its figures as of "
                                "then, not its outcome)" if going else "")
                  + ": " + "; ".join(f"{label} {value}" for label, value
                                     in figure_rows(fig, session.scenario, hid)))
    md.append(f"- incidents: {rv['incidents']}, of which the command heard of {rv['heard']}; "
              f"reports that never came through: {rv['lost_reports']}")
    for n in rv["never_heard"][:20]:
        md.append(f"  - never heard: {n['kind']} near {n['place']} at {clock(n['created'])}")
    md += ["", "## Scorecard: the players against the plan, and the automatic baseline", "",
           "One run each (the drill, and the same scenario and random streams with automatic "
           "dispatch and decisions). The baseline sees every call at once; the players only "
           "what the reports brought them. A threshold marked *not a plan number* is a "
           "scenario's standard or drillsim's reading of the plan, not a number the plan sets.", ""]
    base = {r.id: r for r in review.baseline_rows}
    idle = review.idle_passes or {}
    md += _table(["target", "plan §", "threshold", "players", "", "automatic baseline", ""],
                 [[f"{r.id} {row_title(session.scenario, r)}", r.section or "—",
                   f"{r.comparison} {num(r.threshold, r.unit)}"
                   + (f" ({NOT_PLAN})" if goal_from_plan(r) is False else "")
                   if r.comparison else "(information)",
                   _value(r), _status(r) + (f" ({idle[r.id]})" if r.id in idle else ""),
                   _value(base.get(r.id)), _status(base.get(r.id))]
                  for r in review.player_rows])
    if idle:
        md += ["", "A row marked *met because nothing was done* takes its value from none of the activity "
               "it measures (no evacuation for the relocation, supply and shelter rows; no dispatch for the "
               "response rows): it is no strength of the team's."]
    if review.decisions:
        md += ["", "## Objectives and the team's decisions", "",
               "Each action the exercise expected of the team, the first order that was that "
               "action, and the time from the information reaching the command to that order.", ""]
        md += _table(["objective", "core capability", "expected action", "prompted by", "information",
                      "order", "information → decision", "result"],
                     [[f"{d.objective} {d.objective_title}" if d.objective else "—", d.capability or "—",
                       f"`{d.action}`", f"{d.source} ({d.trigger})",
                       f"{clock(d.info_t)} {d.info_what}" if d.info_t is not None else d.info_what or "—",
                       (f"{clock(d.decided_t)} `{d.order}`" + (f" ({d.seat})" if d.seat else ""))
                       if d.decided_t is not None else "never", decisions_mod.lag_text(d),
                       f"not possible ({d.blocked_by})" if d.status == "not possible" else d.status]
                      for d in review.decisions])
        md.append("")
        for o in review.objectives or []:
            md.append(f"- {o['id']} {o['title']} ({o['capability']}): **{o['result']}**"
                      + (f" — {o['in_time']} of {o['expected']} expected actions in time" if o["expected"] else ""))
    md += ["", "## Calls heard and not answered", ""]
    md += ["Each call that reached the command with no unit sent to it within the response standard "
           "(the scenario's call-to-scene target for that kind of call, held to the order alone; "
           f"else a unit within {DEFAULT_ANSWER_MIN:g} min), how long it waited (to the order, or "
           "unanswered to its end or the end of the drill) and who held a unit that could go: free, "
           "able to serve it, allowed to go and able to reach it, checked when the call was heard and "
           f"every {CHECK_EVERY:g} scenario minutes while it waited within its standard, named at the "
           "first check that found one (else why none could: then the wait is not the team's). Automatic dispatch counts as the team's: they "
           "switched it on.", ""]
    calls = review.unanswered or []
    if calls:
        md += _table(["call", "kind", "township", "heard", "waited", "standard", "answered", "could have sent"],
                     [[c["ref"], c["kind"], c["township"], clock(c["heard"]), decisions_mod.duration(c["waited"]),
                       c["rule"], f"{clock(c['answered'])} ({c['how']})" if c["answered"] is not None else "never",
                       c["who"]] for c in calls[:MAX_CALL_ROWS]])
        if len(calls) > MAX_CALL_ROWS:
            md += ["", f"… and {len(calls) - MAX_CALL_ROWS} more."]
    else:
        md.append(f"- none: every one of the {review.heard} calls heard had a unit sent within its standard")
    md += ["", "## The exercise clock", ""]
    md += [f"- {line}" for line in session.pace.lines()]
    md += ["", "## Counterfactual by township", ""]
    sentences = [s for s in (sentence(r, clock) for r in review.townships) if s]
    md += [f"- {s}" for s in sentences] or ["- no unit reached any township in either run"]
    md.append("")
    md += _table(["township", "first on scene: players", "baseline", "rescue response (mean): players",
                  "baseline", "water arrived", "evacuation done: players", "baseline", "rescue calls: players",
                  "baseline"],
                 [[f"{r['name']} {r.get('name_zh') or ''}".strip(), clock(r["first_player"]), clock(r["first_baseline"]),
                   num(r["rescue_player"], "min") + f" ({r['reached_player']})" if r["rescue_player"] is not None else "—",
                   num(r["rescue_baseline"], "min") + f" ({r['reached_baseline']})" if r["rescue_baseline"] is not None else "—",
                   clock(r.get("water")), clock(r["evac_player"]), clock(r["evac_baseline"]),
                   r.get("calls_player", 0), r.get("calls_baseline", 0)] for r in review.townships])
    md += ["", "## Orders and their effect", ""]
    if any(o.get("seat") for o in review.orders):  # a served drill: which seat gave each
        md += _table(["time", "seat", "order", "", "effect"],
                     [[o["time"], o["seat"] or "", f"`{o['order']}`", "done" if o["ok"] else "refused",
                       o["effect"]] for o in review.orders])
    else:
        md += _table(["time", "order", "", "effect"],
                     [[o["time"], f"`{o['order']}`", "done" if o["ok"] else "refused", o["effect"]]
                      for o in review.orders]) if review.orders else ["No orders were given."]
    if session.notes:
        md += ["", "## Evaluator notes", ""]
        md += _table(["time", "seat", "note"], [[session.clock_text(n.t), n.seat, n.text] for n in session.notes])
    md += ["", "## Strengths", ""]
    md += ["Expected actions the team took in time (a target met is not credited: the plan, or "
           "doing nothing, can meet it).", ""]
    md += [f"- {s}" for s in review.strengths] or ["- none credited to the team"]
    md += ["", "## Areas for improvement", ""]
    md += [f"- {s}" for s in review.improvements] or ["- every measured target was met"]
    if not timeline:
        return "\n".join(md) + "\n"
    md += ["", "## Timeline", ""]
    items = [(f.t, 0, f"{f.category}", f.source, (f"[{f.ref}] " if f.ref else "") + f.text) for f in session.feed
             if f.category != "order"]
    items += [(o.t, 1, "order", o.seat or "players", f"`{o.text}` — {'done' if o.ok else 'refused'}: {o.reply}")
              for o in session.orders]
    items += [(i.t, 2, "inject", "controller", injects_mod.describe(i.inject) + ("" if i.ok else f" (failed: {i.result})"))
              for i in session.injects]
    items.sort(key=lambda x: (x[0], x[1]))
    md += _table(["time", "what", "from", "text"],
                 [[session.clock_text(t), c, s, txt] for t, _, c, s, txt in items])
    return "\n".join(md) + "\n"


def write(review: Review, path: str, html: bool = True) -> list[str]:
    """Write the review as Markdown at ``path`` and, with ``html``, as HTML beside it
    (markdown-it-py). Returns the paths written.

    :raises OSError: cannot write.
    """
    write_atomic(path, review.markdown)
    written = [path]
    if html:
        from markdown_it import MarkdownIt

        body = MarkdownIt("commonmark").enable("table").render(review.markdown)
        page = ("<!doctype html><html><head><meta charset='utf-8'><title>After-action review</title>"
                "<style>body{font-family:sans-serif;max-width:70em;margin:auto}"
                "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style>"
                f"</head><body>{body}</body></html>\n")
        html_path = str(path)[:-3] + ".html" if str(path).endswith(".md") else str(path) + ".html"
        write_atomic(html_path, page)
        written.append(html_path)
    return written
