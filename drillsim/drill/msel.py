"""The master scenario events list (MSEL): triggers, expected player actions and the
exercise objectives a pack's injects test (HSEEP-style).

A planned inject fires by one trigger (or only by the controller's hand)::

    at: 16h                                        # at a scenario time (since the start)
    unless: {action: evacuate mixin, by: 5h}       # at 5h, only if no such order was given by then
    after: {inject: levee_breach, delay: 30min}    # 30 min after another inject fired
    after: {event: hazard_arrival, township: mixin, delay: 10min}   # after a simulation event

``if_not`` is another name for ``unless``. Times are scenario durations since the start
(the pack may draw the start, so clock times would not be the same drill to drill).

**Expected actions** are written in a small vocabulary matched against the orders the
players actually gave (carried out, not refused)::

    evacuate [TOWNSHIP]        shelter [TOWNSHIP]        supplies [TOWNSHIP]   (none: any township)
    dispatch UNIT|FORCE [to this|INJECT|TOWNSHIP|PLACE]   (``this``: the incident this inject made)
    air [this|INJECT|TOWNSHIP|PLACE]                      standby UNIT|FORCE [at TOWNSHIP|PLACE]
    recall UNIT|FORCE          aid [FORCE]

**Objectives** (``objectives:`` of the pack) name the exercise objective, the core
capability it tests — one of the 32 of the US National Preparedness Goal (FEMA, 2nd
edition, September 2015, Table 1), the list HSEEP (FEMA, Homeland Security Exercise and
Evaluation Program, January 2020, section 2) evaluates exercises against — the actions
expected of the team and, optionally, the time they are due by.

Everything here is plain data and pure functions; the session holds a :class:`Schedule`
and the review calls :func:`decisions`. Triggers are evaluated on the simulation's own
events and the orders' scenario times, so a replayed or resumed drill fires the same
injects at the same times.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Iterable

from pydantic import AliasChoices, BeforeValidator, Field, model_validator

from drillsim.scenario.quantities import parse_quantity
from drillsim.scenario.validation import Strict, Words, suggest

#: the 32 core capabilities of the National Preparedness Goal (FEMA, 2nd ed., 2015, Table 1)
CORE_CAPABILITIES = (
    "Planning", "Public Information and Warning", "Operational Coordination",
    "Forensics and Attribution", "Intelligence and Information Sharing", "Interdiction and Disruption",
    "Screening, Search, and Detection", "Access Control and Identity Verification", "Cybersecurity",
    "Physical Protective Measures", "Risk Management for Protection Programs and Activities",
    "Supply Chain Integrity and Security", "Community Resilience", "Long-term Vulnerability Reduction",
    "Risk and Disaster Resilience Assessment", "Threats and Hazards Identification",
    "Critical Transportation", "Environmental Response/Health and Safety", "Fatality Management Services",
    "Fire Management and Suppression", "Infrastructure Systems", "Logistics and Supply Chain Management",
    "Mass Care Services", "Mass Search and Rescue Operations",
    "On-scene Security, Protection, and Law Enforcement", "Operational Communications",
    "Public Health, Healthcare, and Emergency Medical Services", "Situational Assessment",
    "Economic Recovery", "Health and Social Services", "Housing", "Natural and Cultural Resources",
)

#: simulation events an inject may follow (``after: {event: …}``); ``township`` filters
#: on the event's township (or one of its townships). Each is something the players
#: could know of when it happens: ``flood_seen`` (the command learns a township has
#: flooded), ``weather_warning`` (a public warning issued), ``storm_onset`` (the heavy
#: rain begins where people are), ``fire_reported`` (the fire reported to the command),
#: ``fire_attack_began`` (the first crews working the fire). Left out as not safe for
#: players: ``flood_peak`` and ``flood_outcome``, logged at a township's crest — the
#: crest is known only in hindsight, from the fall after it, so an inject on either tells
#: the players the water has stopped rising; ``flood_outcome`` is besides the model's
#: hidden count of the people affected and the deaths expected.
TRIGGER_EVENTS = ("hazard_started", "warning_issued", "hazard_arrival", "plume_advice",
                  "protective_action", "release_stopped", "landslide", "road_blocked",
                  "road_closed", "unit_breakdown", "fire_contained", "fire_controlled",
                  "flashover", "relocation_needed", "shelter_overflow", "reserve_short",
                  "mutual_aid_requested", "incident_created", "flood_seen", "weather_warning",
                  "storm_onset", "fire_reported", "fire_attack_began")

#: trigger events that name no township (plugins/nowcast.py, plugins/forest_fire): a
#: ``township:`` filter on one would never fire, so it is refused
TOWNSHIPLESS_EVENTS = ("weather_warning", "storm_onset", "fire_reported", "fire_attack_began")

#: the action verbs and what each takes: (what it names, the word before a target, the target)
VERBS = {
    "evacuate": ("township?", None, None), "shelter": ("township?", None, None),
    "supplies": ("township?", None, None), "dispatch": ("who", "to", "target"),
    "air": (None, None, "target"), "standby": ("who", "at", "where"),
    "recall": ("who", None, None), "aid": ("force?", None, None),
}

#: the shortest time an inject may follow a simulation event, minutes: the session fires
#: injects between simulation steps, so while an event trigger is armed it runs in steps
#: no longer than its delay (:meth:`Schedule.step_limit`), and the inject fires exactly
#: ``delay`` after the event, live and replayed alike
MIN_EVENT_DELAY = 1.0


def _no_bare_number(value: Any) -> Any:
    """A bare number where a duration is written gets the scenario fields' message
    ("a duration needs a unit: write e.g. 90min, 12h, 2d, not the bare number 10"),
    not "expected text" (quoting the number would fail later anyway)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        parse_quantity(value, "time", allow_zero=True)  # raises the unit message
    return value


#: a duration as written in a pack (`14h`, `30min`), kept as text and read by the checks
DurationText = Annotated[str, BeforeValidator(_no_bare_number)]


class Unless(Strict):
    """Fire at ``by`` only if the players had not taken ``action`` by then."""

    action: str
    """The expected action (`evacuate mixin`)."""
    by: DurationText
    """Scenario time (since the start, with a unit) it is checked at and the inject fires."""


class After(Strict):
    """Fire ``delay`` after another planned inject fired or after a simulation event."""

    inject: str | None = None
    """The `id` of the planned inject this one follows."""
    event: str | None = None
    """A simulation event kind (`hazard_arrival`, `warning_issued`, …)."""
    township: str | None = None
    """Only an event in this township."""
    delay: DurationText = "0min"
    """Time after it, with a unit (at least 1min after an event)."""

    @model_validator(mode="after")
    def _one(self):
        if (self.inject is None) == (self.event is None):
            raise ValueError("give either inject: ID or event: KIND")
        if self.township is not None and self.event is None:
            raise ValueError("township: filters an event; an inject trigger takes none")
        return self


class Objective(Strict):
    """An exercise objective: what the team must achieve, the core capability it tests."""

    id: str
    """Short id injects refer to (`O1`)."""
    title: Words
    """The objective, in one line."""
    capability: str
    """The core capability tested (National Preparedness Goal: `Critical Transportation`, …)."""
    expect: list[str] = []
    """Expected actions (`evacuate mixin`, `dispatch water_rescue to zitong`)."""
    by: DurationText | None = None
    """Scenario time the expected actions are due by (since the start, with a unit)."""


class MselFields(Strict):
    """The MSEL fields of a planned inject (mixed into it)."""

    id: str | None = None
    """Short id other injects' `after:` refer to."""
    unless: Unless | None = Field(default=None, validation_alias=AliasChoices("unless", "if_not"))
    """Fire at `by` unless the players took `action` by then (also `if_not`)."""
    after: After | None = None
    """Fire after another inject or a simulation event."""
    expect: list[str] = []
    """The actions expected of the players after this inject."""
    objective: str | None = None
    """The objective (`id` of `objectives:`) it tests."""
    capability: str | None = None
    """The core capability it tests (default: its objective's)."""


# ------------------------------------------------------------------ actions
@dataclass(frozen=True)
class Action:
    """A parsed expected action: ``verb`` and up to two words (``who``/``township``, ``target``)."""

    text: str
    verb: str
    subject: str | None = None
    target: str | None = None


def parse_action(text: str) -> Action:
    """``"dispatch water_rescue to this"`` → ``Action("…", "dispatch", "water_rescue", "this")``.

    :raises ValueError: an unknown verb (with "did you mean") or a wrong number of words.
    """
    words = str(text).split()
    if not words:
        raise ValueError("an empty action")
    verb = words[0].lower()
    if verb not in VERBS:
        raise ValueError(f"unknown action {verb!r}" + suggest(verb, list(VERBS))
                         + f" (actions: {', '.join(VERBS)})")
    subject_kind, link, target_kind = VERBS[verb]
    rest = words[1:]
    subject = target = None
    if subject_kind is not None:
        if rest and rest[0] != link:
            subject, rest = rest[0], rest[1:]
        elif not subject_kind.endswith("?"):
            raise ValueError(f"{verb!r} needs a {subject_kind.replace('who', 'unit or force')}: "
                             f"e.g. {_EXAMPLES[verb]!r}")
    if target_kind is not None and rest:
        if link is not None:
            if rest[0] != link:
                raise ValueError(f"write {verb!r} … {link} TARGET, e.g. {_EXAMPLES[verb]!r}")
            rest = rest[1:]
        if len(rest) != 1:
            raise ValueError(f"one target after {verb!r}, e.g. {_EXAMPLES[verb]!r}")
        target, rest = rest[0], []
    if rest:
        raise ValueError(f"too many words for {verb!r}: e.g. {_EXAMPLES[verb]!r}")
    return Action(" ".join(words), verb, subject, target)


_EXAMPLES = {"evacuate": "evacuate mixin", "shelter": "shelter mixin", "supplies": "supplies mixin",
             "dispatch": "dispatch water_rescue to this", "air": "air this",
             "standby": "standby water_rescue-1 at yuxi", "recall": "recall water_rescue-1",
             "aid": "aid"}


@dataclass
class Names:
    """The ids an action may name (from the scenario), and the pack's incident injects."""

    townships: list[str]
    places: list[str]
    units: list[str]
    forces: list[str]
    incident_injects: list[str]


def action_faults(text: str, names: Names, this_ok: bool) -> Iterable[str]:
    """The faults of one expected action (messages with "did you mean")."""
    try:
        a = parse_action(text)
    except ValueError as exc:
        yield str(exc)
        return
    kind = (VERBS[a.verb][0] or "").rstrip("?")
    if a.subject is None:
        pass
    elif kind == "township" and a.subject not in names.townships:
        yield f"{a.text!r}: unknown township {a.subject!r}" + suggest(a.subject, names.townships)
    elif kind == "who" and a.subject not in names.units and a.subject not in names.forces:
        yield f"{a.text!r}: no unit or force {a.subject!r}" + suggest(a.subject, names.forces + names.units)
    if a.target is not None:
        known = names.townships + names.places + names.incident_injects + (["this"] if this_ok else [])
        if a.target == "this" and not this_ok:
            yield f"{a.text!r}: 'this' is the incident an incident inject makes; this is not one"
        elif a.target not in known:
            yield f"{a.text!r}: unknown target {a.target!r} (a township, place, incident inject's " \
                  "id" + (" or this" if this_ok else "") + ")" + suggest(a.target, known)


def capability_fault(name: str) -> str | None:
    """None for a core capability (case as written), else the message with "did you mean"."""
    if name in CORE_CAPABILITIES:
        return None
    exact = [c for c in CORE_CAPABILITIES if c.lower() == name.lower()]
    if exact:
        return f"write the core capability as {exact[0]!r}"
    return (f"{name!r} is not a core capability of the National Preparedness Goal"
            + suggest(name, CORE_CAPABILITIES))


@dataclass
class OrderView:
    """What matching needs of an order: scenario minute, command, engine unit ids, incident, township."""

    t: float
    command: str
    units: list[str]
    incident: str | None
    township: str | None
    text: str = ""
    seat: str | None = None


@dataclass
class World:
    """Look-ups matching needs: a unit's force, an incident's (township, place id), and the
    incident a planned inject (by id) created."""

    force_of: Callable[[str], str | None]
    incident_at: Callable[[str], tuple[str | None, str | None]]
    inject_incident: Callable[[str], str | None]


def matches(action: Action, order: OrderView, world: World, this_incident: str | None = None) -> bool:
    """True if the carried-out ``order`` is the expected ``action``."""
    if order.command != action.verb:
        return False
    if action.verb in ("evacuate", "shelter", "supplies"):
        return action.subject is None or order.township == action.subject
    if action.verb == "aid":
        return action.subject is None or action.subject in order.text.split()[1:]
    if action.subject is not None and not any(
            u == action.subject or world.force_of(u) == action.subject for u in order.units):
        return False
    if action.target is None:
        return True
    if action.verb == "standby":
        return order.township == action.target or (action.target in order.text.split()[2:])
    if order.incident is None:
        return False
    if action.target == "this":
        return this_incident is not None and order.incident == this_incident
    made = world.inject_incident(action.target)
    if made is not None:
        return order.incident == made
    township, place = world.incident_at(order.incident)
    return action.target in (township, place)


def first_match(action: Action, orders: list[OrderView], world: World,
                this_incident: str | None = None) -> OrderView | None:
    """The first order (by time) that is ``action``, or None."""
    return next((o for o in orders if matches(action, o, world, this_incident)), None)


# ------------------------------------------------------------------ triggers at run time
def _minutes(text: str) -> float:
    return float(parse_quantity(text, "time", allow_zero=True))


class Schedule:
    """When each planned inject is due: ``at`` and ``unless`` at their times, ``after`` an
    inject once that inject fired, ``after`` an event once the event happened (each fires
    once). The session pops due injects in time order and asks :meth:`wanted` before it
    fires an ``unless`` inject.

    :param planned: the pack's planned injects (plain dicts).
    :param subscribe: ``subscribe(kind, callback(event))`` of the simulation's event log.
    """

    def __init__(self, planned: list[dict[str, Any]], subscribe: Callable[[str, Callable], None]) -> None:
        self.planned = planned
        self.due: list[tuple[float, int]] = []
        self.followers: dict[str, list[int]] = {}
        self.watching: dict[int, tuple[str, str | None, float]] = {}
        for n, inj in enumerate(planned):
            if inj.get("at") is not None:
                self._add(_minutes(inj["at"]), n)
            unless = inj.get("unless") or inj.get("if_not")
            if unless:
                self._add(_minutes(unless["by"]), n)
            after = inj.get("after")
            if after and after.get("inject"):
                self.followers.setdefault(after["inject"], []).append(n)
            elif after and after.get("event"):
                self.watching[n] = (after["event"], after.get("township"), _minutes(after.get("delay") or "0min"))
        for kind in sorted({w[0] for w in self.watching.values()}):
            subscribe(kind, self._on_event)
        self._armed()

    def _add(self, t: float, n: int) -> None:
        bisect.insort(self.due, (t, n))

    def next_due(self) -> float:
        """The scenario minute of the next due inject (inf: none)."""
        return self.due[0][0] if self.due else math.inf

    def pop(self) -> tuple[float, int]:
        """The next due (minute, inject index), removed."""
        return self.due.pop(0)

    def fired(self, n: int, t: float) -> None:
        """Planned inject ``n`` fired at minute ``t``: those that follow it become due."""
        for k in self.followers.get(self.planned[n].get("id") or "", []):
            self._add(t + _minutes(self.planned[k]["after"].get("delay") or "0min"), k)

    def _on_event(self, event) -> None:
        for n, (kind, township, delay) in list(self.watching.items()):
            if event.kind != kind:
                continue
            towns = {event.details.get("township")} | set(event.details.get("townships") or [])
            if township is None or township in towns:
                del self.watching[n]
                self._add(event.t + delay, n)
        self._armed()

    def _armed(self) -> None:
        """:attr:`armed_step`, worked out when the armed triggers change."""
        #: :meth:`step_limit` less ``now``: the shortest armed delay (at least
        #: MIN_EVENT_DELAY), inf when none is armed (read every clock tick of a drill)
        self.armed_step = (max(MIN_EVENT_DELAY, min(d for _, _, d in self.watching.values()))
                           if self.watching else math.inf)

    def step_limit(self, now: float) -> float:
        """How far the simulation may run in one go while an event trigger is armed (its
        inject must fire exactly ``delay`` after the event): ``now`` + the shortest armed
        delay, inf when none is armed."""
        return now + self.armed_step  # (inf + now: inf)

    def wanted(self, n: int, orders: list[OrderView], world: World) -> bool:
        """False for an ``unless`` inject whose action the players took by its time."""
        unless = self.planned[n].get("unless") or self.planned[n].get("if_not")
        if not unless:
            return True
        by = _minutes(unless["by"])
        return first_match(parse_action(unless["action"]), [o for o in orders if o.t <= by], world) is None


def expected_of(inject: dict[str, Any]) -> list[str]:
    """The actions an inject expects: its ``expect`` and its ``unless`` action (once each)."""
    out = list(inject.get("expect") or [])
    unless = inject.get("unless") or inject.get("if_not")
    if unless and unless["action"] not in out:
        out.insert(0, unless["action"])
    return out


# ------------------------------------------------------------------ checks at load
def msel_faults(objectives: list[Objective], injects: list, names: Names, horizon: float,
                unless_key: Callable[[int], str] = lambda i: "unless") -> Iterable[tuple[tuple, str]]:
    """(path in the pack, message) for each fault of the objectives and the injects' MSEL
    fields: unknown capabilities, actions, townships, units, targets, objective and
    inject ids (each with "did you mean"), duplicate ids, more than one trigger, a
    trigger time at or after the horizon, an inject following itself or a later circle.

    :param injects: the pack's :class:`~drillsim.drill.packs.PlannedInject` list.
    :param horizon: the shortest horizon of the pack's variants, minutes.
    """
    names = Names(names.townships, names.places, names.units, names.forces,
                  [i.id for i in injects if i.id and i.kind == "incident"])
    obj_ids = [o.id for o in objectives]
    for i, o in enumerate(objectives):
        if o.id in obj_ids[:i]:
            yield ("objectives", i, "id"), f"objective id {o.id!r} is used twice"
        why = capability_fault(o.capability)
        if why:
            yield ("objectives", i, "capability"), why
        for k, text in enumerate(o.expect):
            for message in action_faults(text, names, this_ok=False):
                yield ("objectives", i, "expect", k), message
        if o.by is not None:
            yield from _time_faults(("objectives", i, "by"), o.by, horizon, "it could never be met in the drill")
    ids = [i.id for i in injects]
    for i, inj in enumerate(injects):
        where = ("injects", i)
        if inj.id is not None and inj.id in ids[:i]:
            yield where + ("id",), f"inject id {inj.id!r} is used twice"
        triggers = [name for name, v in (("at", inj.at), (unless_key(i), inj.unless), ("after", inj.after))
                    if v is not None]
        if len(triggers) > 1:
            yield where + (triggers[1],), (f"one trigger per inject: it has {' and '.join(triggers)} "
                                           "(write two injects)")
        this_ok = inj.kind == "incident"
        for k, text in enumerate(inj.expect):
            for message in action_faults(text, names, this_ok):
                yield where + ("expect", k), message
        if inj.unless is not None:
            for message in action_faults(inj.unless.action, names, this_ok=False):
                yield where + (unless_key(i), "action"), message
            yield from _time_faults(where + (unless_key(i), "by"), inj.unless.by, horizon)
        if inj.after is not None:
            a = inj.after
            yield from _time_faults(where + ("after", "delay"), a.delay, horizon)
            if a.inject is not None:
                known = [x for x in ids if x]
                if a.inject == inj.id:
                    yield where + ("after", "inject"), "an inject cannot follow itself"
                elif a.inject not in known:
                    yield where + ("after", "inject"), (f"no planned inject with id {a.inject!r}"
                                                        + suggest(a.inject, known))
            else:
                if a.event not in TRIGGER_EVENTS:
                    yield where + ("after", "event"), (f"unknown event {a.event!r}" + suggest(a.event, TRIGGER_EVENTS)
                                                       + f" (events: {', '.join(TRIGGER_EVENTS)})")
                if a.township is not None and a.event in TOWNSHIPLESS_EVENTS:
                    yield where + ("after", "township"), (f"event {a.event!r} names no township: "
                                                          "a township filter on it would never fire")
                elif a.township is not None and a.township not in names.townships:
                    yield where + ("after", "township"), (f"unknown township {a.township!r}"
                                                          + suggest(a.township, names.townships))
                try:
                    if _minutes(a.delay) < MIN_EVENT_DELAY:
                        yield where + ("after", "delay"), (f"an inject follows an event by at least "
                                                           f"{MIN_EVENT_DELAY:g}min (it is fired between "
                                                           f"simulation steps), not {a.delay}")
                except ValueError:
                    pass
        if inj.objective is not None and inj.objective not in obj_ids and len(set(obj_ids)) == len(obj_ids):
            # (with a duplicate objective id, only the duplicate is reported: it is the likely cause)
            yield where + ("objective",), (f"no objective {inj.objective!r} in objectives: (have: "
                                           f"{', '.join(obj_ids) or 'none'})" + suggest(inj.objective, obj_ids))
        if inj.capability is not None:
            why = capability_fault(inj.capability)
            if why:
                yield where + ("capability",), why
    yield from _circle_faults(injects)


def _time_faults(where: tuple, text: str, horizon: float,
                 why: str = "it would never fire") -> Iterable[tuple[tuple, str]]:
    try:
        t = _minutes(text)
    except ValueError as exc:
        yield where, str(exc)
        return
    if t >= horizon:
        yield where, f"{text} is at or after the end of the drill (horizon {horizon:g} min): {why}"


def _circle_faults(injects: list) -> Iterable[tuple[tuple, str]]:
    """An ``after: {inject: …}`` circle (a follows b follows a) would never fire."""
    follows = {i.id: i.after.inject for i in injects if i.id and i.after is not None and i.after.inject}
    for n, inj in enumerate(injects):
        seen, cur = [], inj.id
        while cur in follows and cur not in seen:
            seen.append(cur)
            cur = follows[cur]
        if cur is not None and cur == inj.id and len(seen) > 1:
            yield ("injects", n, "after", "inject"), (f"injects follow each other in a circle "
                                                      f"({' → '.join(seen + [cur])}): none would fire")


def describe_trigger(inject: dict[str, Any]) -> str:
    """One line saying when a planned inject fires (for the controller and the review)."""
    if inject.get("at") is not None:
        return f"at {inject['at']}"
    unless = inject.get("unless") or inject.get("if_not")
    if unless:
        return f"at {unless['by']} unless `{unless['action']}` by then"
    after = inject.get("after")
    if after:
        delay = after.get("delay") or "0min"
        if after.get("inject"):
            return f"{delay} after inject {after['inject']}"
        where = f" in {after['township']}" if after.get("township") else ""
        return f"{delay} after {after['event']}{where}"
    return "by the controller's hand"


# ------------------------------------------------------------------ the clock's account
class Pace:
    """How the exercise clock went, for the review: scenario minutes run at each speed
    (scenario minutes per wall minute), minutes skipped (fast-forward to the next
    message), wall seconds paused and how often. Pauses count from the first start."""

    def __init__(self) -> None:
        self.by_speed = {}
        self.skipped_min = self.paused_s = 0.0
        self.skips = self.pauses = 0
        self._since, self._started = None, False

    def ran(self, speed: int, minutes: float) -> None:
        if minutes > 0:
            self.by_speed[speed] = self.by_speed.get(speed, 0.0) + minutes

    def skipped(self, t0: float, t1: float) -> None:
        if t1 > t0:
            self.skipped_min += t1 - t0
            self.skips += 1

    def paused(self, paused: bool, wall: float) -> None:
        if paused and self._started:
            self._since = wall
            self.pauses += 1
        elif not paused:
            if self._since is not None:
                self.paused_s += max(0.0, wall - self._since)
            self._since, self._started = None, True

    def from_records(self, records: list[dict[str, Any]]) -> None:
        """Rebuild from a drill's player log (a resumed drill): ``speed``, ``pause``,
        ``run``, ``skip`` and every record's scenario minute ``t`` and ``wall`` time."""
        self.__init__()
        skips = [(r["from"], r["t"]) for r in records if r.get("rec") == "skip"]

        def not_skipped(a: float, b: float) -> float:  # minutes of [a, b] outside every skip
            return (b - a) - sum(max(0.0, min(b, hi) - max(a, lo)) for lo, hi in skips)

        speed, running, last = 60, False, 0.0
        for r in records:
            t = r.get("t")
            if r.get("rec") == "skip":
                self.skipped(r["from"], r["t"])
            if t is not None and t > last:
                if running:
                    self.ran(speed, not_skipped(last, t))
            if t is not None:
                last = max(last, t)
            if r.get("rec") == "speed":
                speed = r["speed"]
            elif r.get("rec") in ("pause", "run"):
                running = r["rec"] == "run"
                self.paused(not running, r.get("wall", 0.0))

    def lines(self) -> list[str]:
        """What the review says of the clock."""
        out = []
        run = ", ".join(f"{m / 60:.1f} h at {s}×" for s, m in sorted(self.by_speed.items()))
        if run:
            out.append(f"scenario time run by the clock: {run}")
        out.append(f"fast-forwarded (to the next message, or by the control cell): {self.skipped_min / 60:.1f} h "
                   f"of scenario time in {self.skips} skip{'s' if self.skips != 1 else ''}")
        out.append(f"paused: {self.paused_s / 60:.1f} min of wall time in {self.pauses} "
                   f"pause{'s' if self.pauses != 1 else ''}")
        return out
