"""Reporting: how engine events reach the players, late or not at all.

In a drill the players never see the event log. Each event passes through the
*reporters* — plugins registered with the ``drillsim_register_reporters`` hook — in
order: hazard reporters first (those whose ``hazard_types`` match a hazard of the
scenario), then the built-in :data:`DEFAULT_REPORTER`. A reporter's handler returns True
when it has dealt with an event (reported it now, later, or dropped it), and the event
then goes no further; an event nobody handles is not shown at all, so nothing hidden
(seeds, hazard summaries) can leak by accident.

Handlers send messages through a :class:`ReportChannel`: ``send(text, delay=…)``
schedules the message on the simulation clock (a SimPy process, so delays are exact and
replay identically), ``drop(event, why)`` records a gap for the controller and the
after-action review, and ``rng(name)`` gives the reporter its own random stream from
the simulation's seed (common random numbers: it never disturbs the hazard's streams).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from pydantic import BaseModel

from drillsim.engine.eventlog import Event

if TYPE_CHECKING:  # pragma: no cover
    from drillsim.engine.simulation import Simulation

#: message categories a reporter may use (the feed colours them)
CATEGORIES = ("warning", "gauge", "township", "call", "unit", "order", "inject", "info")


@dataclass
class Message:
    """One message as a player receives it.

    :ivar seq: 1, 2, … in delivery order.
    :ivar t: scenario minutes when it is received.
    :ivar origin_t: scenario minutes of the event it reports.
    :ivar category: one of :data:`CATEGORIES`.
    :ivar source: who reports (``Xiaoheba gauge``, ``Yuxi township``, ``119 switchboard``).
    :ivar incident: the engine incident it is about (never shown; the session shows the
        player's own reference for it).
    """

    seq: int
    t: float
    origin_t: float
    category: str
    source: str
    text: str
    incident: str | None = None
    unit: str | None = None
    township: str | None = None


@dataclass(frozen=True)
class Reporter:
    """A reporter a plugin provides.

    :ivar name: lowercase id (``flood_reports``); packs give its params under
        ``reporting: {name: {...}}``.
    :ivar description: one line.
    :ivar make: ``make(channel, params) -> handler``; ``handler(event) -> bool`` (True:
        dealt with). Called once per drill, before the simulation starts.
    :ivar hazard_types: attach only to scenarios with one of these hazard types (empty:
        always).
    :ivar params_model: pydantic model for the params (None: no params).
    """

    name: str
    description: str
    make: Callable[["ReportChannel", Any], Callable[[Event], bool | None]]
    hazard_types: tuple[str, ...] = ()
    params_model: type[BaseModel] | None = None


@dataclass
class Gap:
    """A report that never reached the players (shown to the controller and in the
    review). ``t``: scenario minutes of the event."""

    t: float
    reporter: str
    text: str
    incident: str | None = None


class ReportChannel:
    """What a reporter's handler may use.

    :param sim: the simulation (read its state; do not change it).
    :param reporter: the reporter's name (prefix of its random streams).
    :param deliver: called with each :class:`Message` when it is received.
    :param lose: called with each :class:`Gap`.
    """

    def __init__(self, sim: "Simulation", reporter: str, deliver: Callable[[Message], None],
                 lose: Callable[[Gap], None], counter: list[int]) -> None:
        self.sim = sim
        self.reporter = reporter
        self._deliver = deliver
        self._lose = lose
        self._counter = counter
        #: incident point id -> the first incident (in creation order) at it, of the first
        #: ``_indexed`` incidents of the run (:meth:`place_name`)
        self._points: dict[str, Any] = {}
        self._indexed = 0

    def rng(self, name: str):
        """This reporter's random stream ``name`` (seeded from the drill's seed)."""
        return self.sim.rng(f"report.{self.reporter}.{name}")

    def send(self, text: str, *, category: str, source: str, delay: float = 0.0,
             incident: str | None = None, unit: str | None = None,
             township: str | None = None) -> None:
        """Have the players receive ``text`` ``delay`` minutes from now.

        :raises ValueError: unknown category or negative delay.
        """
        if category not in CATEGORIES:
            raise ValueError(f"unknown message category {category!r} (use one of {', '.join(CATEGORIES)})")
        if not delay >= 0:
            raise ValueError(f"a report delay must be >= 0 minutes, got {delay!r}")
        origin = self.sim.now

        def emit():
            self._counter[0] += 1
            self._deliver(Message(self._counter[0], self.sim.now, origin, category, source, text,
                                  incident, unit, township))

        if delay <= 0:
            emit()
            return

        def later():
            yield self.sim.timeout(delay)
            emit()

        self.sim.process(later())

    def drop(self, text: str, incident: str | None = None, *, category: str = "call",
             source: str = "switchboard") -> None:
        """Record that a report never reached the players — unless it is about an
        incident the controller injected (``injected`` in its details) without
        ``may_be_lost``: a planned inject is never lost to a reporter's random gaps, so
        it is delivered now (as ``category`` from ``source``) instead."""
        inc = self.sim.incidents.get(incident) if incident is not None else None
        if inc is not None and inc.details.get("injected") and not inc.details.get("may_be_lost"):
            self.send(text, category=category, source=source, incident=incident,
                      township=inc.place.township)
            return
        self._lose(Gap(self.sim.now, self.reporter, text, incident))

    # helpers for texts ------------------------------------------------------------------
    def place_name(self, place_id: str | None) -> str:
        """A place's display name (region places and incident points)."""
        if place_id is None:
            return "?"
        places = self.sim.region.places
        place = places.get(place_id)
        if place is not None:
            return place.name
        # an incident's own point: name its township only (its number would tell the
        # players how many calls from there they never heard)
        incidents = self.sim.incidents
        if not self.sim._forget_finished:  # (incidents are only ever added: index them once)
            points = self._points
            if len(incidents) > self._indexed:
                for inc in itertools.islice(incidents.values(), self._indexed, None):
                    points.setdefault(inc.place.id, inc)
                self._indexed = len(incidents)
            inc = points.get(place_id)
            if inc is None:
                return place_id
            if inc.place.township in places:
                return places[inc.place.township].name
        for inc in incidents.values():  # (a later incident at the same point may have one)
            if inc.place.id == place_id and inc.place.township in places:
                return places[inc.place.township].name
        return place_id

    def township_name(self, township: str | None) -> str:
        t = self.sim.region.townships.get(township or "")
        return t.name_pinyin if t is not None else (township or "?")


def demand_text(demand: dict[str, float]) -> str:
    """``{"boats": 1, "people": 40}`` → ``"1 boat, 40 rescuers"`` (``aerial`` is said
    as helicopters)."""
    parts = []
    for cap, amount in demand.items():
        n = int(amount) if float(amount).is_integer() else amount
        cap = {"aerial": "helicopters", "people": "rescuers"}.get(cap, cap)
        word = cap[:-1] if n == 1 and cap.endswith("s") else cap
        parts.append(f"{n} {word}")
    return ", ".join(parts)


# ------------------------------------------------------------------ the default reporter
def _default(channel: ReportChannel, params: Any) -> Callable[[Event], bool | None]:
    """Unit status (by radio, at once), calls for help and other incidents (at once),
    warnings, orders carried out, reserves, mutual aid. Everything else is not shown."""

    def unit_text(e: Event, what: str) -> None:
        channel.send(what, category="unit", source=e.unit, unit=e.unit,
                     incident=e.incident)

    def handle(e: Event) -> bool | None:
        k, d = e.kind, e.details
        if k == "incident_created":
            place = channel.place_name(d.get("place"))
            channel.send(f"{d.get('kind', 'incident').replace('_', ' ')} at {place}: needs "
                         f"{demand_text(d.get('demand', {}))}", category="call",
                         source="command centre", incident=e.incident, township=d.get("township"))
        elif k == "unit_dispatched":
            by = "" if d.get("by") == "player" else f" ({d.get('by')})"
            unit_text(e, f"dispatched{by}")
        elif k == "unit_arrived":
            unit_text(e, f"on scene at {channel.place_name(d.get('place'))}")
        elif k == "unit_cleared":
            unit_text(e, "task complete, clearing")
        elif k == "unit_returned":
            unit_text(e, f"available at {channel.place_name(d.get('place'))}")
        elif k == "unit_released":
            cause = d.get("cause")
            why = {"unreachable": "cannot reach the scene", "recall": "recalled",
                   "incident_completed": "stood down, task done by others"}.get(cause, cause)
            unit_text(e, f"left the task: {why}")
        elif k == "unit_standby":
            unit_text(e, f"moving to stand by at {channel.place_name(d.get('place'))}")
        elif k == "unit_breakdown":
            unit_text(e, f"out of action: {d.get('reason') or 'breakdown'}")
        elif k == "unit_in_service":
            unit_text(e, f"in service at {channel.place_name(d.get('place'))}")
        elif k == "incident_completed":
            channel.send(f"{d.get('kind', 'incident').replace('_', ' ')} completed", category="unit",
                         source="units on scene", incident=e.incident)
        elif k == "warning_issued":
            towns = ", ".join(channel.township_name(t) for t in d.get("townships", []))
            channel.send(f"warning issued for {towns}", category="warning", source="warning service")
        elif k == "reserve_drawn":
            channel.send(f"{d['reserve'].replace('_', ' ')}: {d['amount']:,.0f} {d.get('measure', '')} "
                         f"released to {channel.township_name(d.get('township'))} from "
                         f"{channel.township_name(d['source']) if d['source'] != 'district' else 'district'} "
                         f"stock ({d['left']:,.0f} left there)", category="order", source="supplies depot")
        elif k == "reserve_short":
            channel.send(f"{d['reserve'].replace('_', ' ')}: {d['amount']:,.0f} {d.get('measure', '')} "
                         f"could not be supplied to {channel.township_name(d.get('township'))}: stock exhausted",
                         category="order", source="supplies depot")
        elif k == "mutual_aid_requested":
            channel.send(f"mutual aid from {d.get('origin') or d.get('force')}: {d.get('units')} unit(s) "
                         f"on their way, expected in {d.get('arrives_in', 0) / 60:g} h",
                         category="order", source="mutual aid")
        elif k == "shelter_opened":
            channel.send(f"emergency shelter open in {channel.township_name(d.get('township'))}",
                         category="order", source="civil affairs")
        elif k in ("road_closed", "road_opened"):
            state = "cut" if k == "road_closed" else "open again"
            channel.send(f"roads to {channel.township_name(d.get('township'))} {state}"
                         + (f": {d['reason']}" if d.get("reason") else ""),
                         category="township", source="traffic police")
        else:
            return None
        return True

    return handle


DEFAULT_REPORTER = Reporter(
    name="default_reports",
    description="unit status by radio, calls and incidents, warnings, orders carried out (all at once)",
    make=_default,
)


# ------------------------------------------------------------------ wiring
def reporters_for(host, hazard_types: set[str]) -> list[Reporter]:
    """The reporters a drill of a scenario with ``hazard_types`` uses, in order: the
    plugins' (registration order, matching ones only), then :data:`DEFAULT_REPORTER`.

    :raises PluginError: a plugin registered something that is not a Reporter, or two
        reporters share a name.
    """
    from drillsim.host.pluginhost import PluginError, call_registration
    from drillsim.host.registry import RegistrationError, check_params_model

    found: list[Reporter] = []
    for impl in host.hook.drillsim_register_reporters.get_hookimpls():
        def register(item, _plugin=impl.plugin_name):
            if not isinstance(item, Reporter):
                raise PluginError(f"plugin {_plugin!r} registered {item!r} through "
                                  "drillsim_register_reporters; expected a drillsim.api.Reporter")
            if any(r.name == item.name for r in found):
                raise PluginError(f"plugin {_plugin!r}: reporter {item.name!r} is registered twice")
            if not host.builtin(_plugin):
                try:
                    check_params_model(item, "reporter")
                except RegistrationError as exc:
                    raise PluginError(f"plugin {_plugin!r}, hook drillsim_register_reporters: "
                                      f"{exc}") from None
            found.append(item)

        call_registration(impl, "drillsim_register_reporters", register)
    chosen = [r for r in found if not r.hazard_types or set(r.hazard_types) & hazard_types]
    return chosen + [DEFAULT_REPORTER]


@dataclass
class Reporting:
    """The reporters attached to one simulation, feeding ``deliver`` and ``lose``."""

    handlers: list[tuple[str, Callable[[Event], bool | None]]] = field(default_factory=list)
    #: messages numbered so far (shared by every channel of this drill)
    counter: list[int] = field(default_factory=lambda: [0])

    def __call__(self, event: Event) -> None:
        for _name, handler in self.handlers:
            if handler(event):
                return


def attach(sim: "Simulation", reporters: list[Reporter], params: dict[str, dict[str, Any]],
           deliver: Callable[[Message], None], lose: Callable[[Gap], None]) -> Reporting:
    """Make each reporter's handler and subscribe them to every event of ``sim``.

    :param params: ``{reporter name: params}`` (a pack's ``reporting:``), validated
        by each reporter's ``params_model``.
    :raises ValueError: params for a reporter that takes none, or invalid params.
    """
    reporting = Reporting()
    counter = reporting.counter
    names = {r.name for r in reporters}
    for name in params:
        if name not in names:
            raise ValueError(f"reporting: no reporter {name!r} for this scenario "
                             f"(have: {', '.join(sorted(names))})")
    for r in reporters:
        raw = params.get(r.name, {})
        if r.params_model is not None:
            p = r.params_model.model_validate(raw)
        elif raw:
            raise ValueError(f"reporting.{r.name}: this reporter takes no params")
        else:
            p = None
        channel = ReportChannel(sim, r.name, deliver, lose, counter)
        reporting.handlers.append((r.name, r.make(channel, p)))
    sim.log.subscribe("*", reporting)
    return reporting
