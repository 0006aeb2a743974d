"""One replication of a scenario on a SimPy environment.

The :class:`Simulation` owns the clock, the units, the incident queue, the reserves,
the random streams and the event log. Plugins drive it through its public methods
(``create_incident``, ``dispatch``, ``recall``, ``process``, ``timeout``, ``rng``,
``log``); they never touch the SimPy environment's internals.

Time unit: minutes since the scenario start.

Dispatch: whenever an incident is created or a unit becomes free, a dispatch pass walks
the queue in (priority, call time) order and asks the ``drillsim_choose_units`` hook
which free units to send. A partly covered incident stays queued for the rest.
"""

from __future__ import annotations

import bisect
from heapq import heappush
import datetime as dt
import inspect
import math
from functools import lru_cache, partial
from types import MappingProxyType
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterable

import simpy
from simpy.core import NORMAL as _NORMAL, URGENT as _URGENT
from simpy.events import PENDING, Event as _Event, Timeout as _Timeout

from drillsim.engine import access as access_rules
from drillsim.engine import stall
from drillsim.engine import units as unit_state
from drillsim.engine.collector import full_collections_deferred
from drillsim.engine.eventlog import Event, EventLog
from drillsim.engine.hookcall import PLUGGY_LOOP as _PLUGGY_LOOP
from drillsim.engine.hookcall import (
    all_results_caller,
    answering_plugin,
    first_result_caller,
    hook_for_run,
)
from drillsim.engine.incidents import NONE_UNREACHABLE as _NONE_UNREACHABLE, Incident
from drillsim.engine.reserves import Reserve
from drillsim.engine.response import Response
from drillsim.engine.shelters import Shelters
from drillsim.engine.stall import RunawayRun
from drillsim.engine.stash import Stash
from drillsim.engine.streams import RandomStreams
from drillsim.engine.units import Force, Unit
from drillsim.engine.watchdog import ClockStuck, EventTimeLimit, Watchdog, limit_from_env
from drillsim.errors import PASSES_THROUGH, DrillsimError, brief
from drillsim.scenario.region import Place

if TYPE_CHECKING:  # pragma: no cover
    from drillsim.host.pluginhost import PluginHost
    from drillsim.scenario.loader import ResolvedScenario


# the kinds and detail keys of the events logged on the hot path (EventLog.record_values)
_DISPATCHED = ("unit_dispatched", ("force", "origin", "by"))
_QUEUED = ("incident_queued", ("kind", "unmet"))
_COMPLETED = ("incident_completed", ("kind", "units"))
_COMPLETED_WHY = ("incident_completed", ("kind", "units", "reason"))
_ALL4 = (0, 1, 2, 3)
_DISPATCHABLE = unit_state.DISPATCHABLE
#: up to this many free units a dispatch asks each whether it can serve, beyond it takes
#: them from the units able to serve such an incident (:meth:`Simulation.able_units`):
#: the shared lists' lookup costs about as much as asking 5 units (an M/M/5 queue's
#: instruction count per call was 1 % higher without this)
_FEW_FREE = 6
_CREATED = ("township", "kind", "place", "demand", "on_scene", "priority")
_CREATED_PLAIN = ("incident_created", _CREATED)  # with no hazard details
#: the details of every incident created without any (read-only, shared)
_NO_DETAILS = MappingProxyType({})
_INF = math.inf
_status = attrgetter("status")
_new_event = object.__new__  # what simpy's events are made with (they define no __new__)


def _queue_key(incident: Incident) -> tuple:
    """An incident's place in the queue (``Incident.sort_key``): priority, then creation."""
    return (incident.priority, incident.created, incident.seq)


@lru_cache(maxsize=256)
def _created_keys(details: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """The kind and keys of an ``incident_created`` event whose hazard details have the keys
    ``details`` (township first, the details, then the engine's fields, as the dict
    ``{"township": …, **details, "kind": …, …}`` orders them); None when a detail has
    the name of one of those fields (the dict's rules then decide which value stays)."""
    if set(details) & set(_CREATED):
        return None
    return ("incident_created", (_CREATED[0], *details, *_CREATED[1:]))


#: what a plugin's call lets through: Ctrl-C, a closed generator, the watchdog's time limit
#: (:meth:`Simulation.run` reports it); anything else it raises fails the run
_PASSES = (*PASSES_THROUGH, EventTimeLimit)

class PluginFailed(DrillsimError):
    """A plugin raised during a run. Names the plugin, the hook and the scenario time."""


class OrderRefused(ValueError):
    """An order that cannot be carried out (unit busy, reserve exhausted …); the message
    says why for the player. Raised before anything is changed."""


class Simulation:
    """One replication.

    :param scenario: the resolved scenario (see :mod:`drillsim.scenario.loader`).
    :param host: the plugin host.
    :param replication: replication index (0-based), for the random streams.
    :param seed: base seed (default: the scenario's).
    :param sinks: callables receiving each event as it is logged.
    :param keep_events: keep the log in memory (needed to score from memory). False for a
        long streamed run: events go only to ``sinks``, and finished incidents are
        forgotten too (``incidents`` then holds the open ones), so memory does not grow
        with the run's length.
    :param auto_dispatch: dispatch automatically for every force (False in a
        player-driven drill, where players give the orders; see :meth:`set_auto_dispatch`).
    :param auto_orders: plugins take the command's other decisions themselves
        (evacuation orders, mutual-aid requests); default: the same as ``auto_dispatch``.
        When False they register them as orders (:meth:`register_order`) for players.
    """

    def __init__(self, scenario: "ResolvedScenario", host: "PluginHost", replication: int = 0,
                 seed: int | None = None, sinks: Iterable[Callable[[Event], None]] = (),
                 keep_events: bool = True, auto_dispatch: bool = True,
                 auto_orders: bool | None = None) -> None:
        self.scenario = scenario
        self.region = scenario.region
        self.host = host
        self.replication = replication
        self.seed = scenario.seed if seed is None else seed
        self.env = simpy.Environment()
        # env.now without a Python call (SimPy's `now` property returns `_now`): read
        # several times per incident, by the engine and for every logged event
        self._clock = partial(attrgetter("_now"), self.env)
        self.streams = RandomStreams(self.seed, replication)
        self.log = EventLog(self._clock, keep=keep_events, sinks=sinks)
        self.horizon = scenario.horizon
        self.max_queued = scenario.spec.run.max_queued
        self._hook = host.hook
        # the hooks asked on every dispatch or trip, without the implementations marked
        # for unit types no force of this run has (hookcall.only_for_unit_types)
        used = frozenset(f.unit_type.name for f in scenario.forces)
        hot = {name: hook_for_run(host.pm, name, used) for name in (
            "drillsim_choose_units", "drillsim_travel_time", "drillsim_filter_candidates",
            "drillsim_travel_restriction")}
        # the first-result hooks asked on every dispatch, called without pluggy's overhead
        self._choose_units = first_result_caller(
            hot["drillsim_choose_units"], ("sim", "incident", "unmet", "candidates"), host.pm)
        self._travel_time = first_result_caller(
            hot["drillsim_travel_time"], ("sim", "unit", "origin", "destination"), host.pm)
        # its one implementation (drillsim's road model, in most runs), called without the
        # caller's layer while nothing traces pluggy's calls (see travel_time)
        self._travel_only = getattr(self._travel_time, "only", None)
        self._choose_only = getattr(self._choose_units, "only", None)  # likewise
        self._pm = host.pm
        if self._hook.drillsim_event.get_hookimpls():
            hook = self._hook.drillsim_event
            self.log.add_sink(lambda e: self._call(hook, "drillsim_event", sim=self, event=e))
        self.forces: dict[str, Force] = {}
        self.units: dict[str, Unit] = {}
        self._unit_list: list[Unit] = []
        self._build_units()
        #: (kind, township, capabilities asked for) -> the units able to serve such an
        #: incident, whatever their state (:meth:`able_units`)
        self._able: dict[tuple, list[Unit]] = {}
        self._auto_forces: set[str] = set(self.forces) if auto_dispatch else set()
        #: the units of the auto-dispatched forces, in scenario order (with _auto_forces)
        self._auto_units: tuple[Unit, ...] = tuple(self._unit_list) if auto_dispatch else ()
        #: which incidents automatic dispatch may act on (None: all). A drill sets it to
        #: "the command has heard of it", so a player's automatic dispatch never acts on
        #: a call the switchboard has not delivered (or never will).
        self.dispatch_known: Callable[[Incident], bool] | None = None
        self.incidents: dict[str, Incident] = {}
        self._incident_count = 0
        #: the demand given to the last incident created, as items, and its checked dict
        self._last_demand: tuple[tuple, dict[str, float]] = ((), {})
        self._forget_finished = not keep_events
        self.queue: list[Incident] = []
        self._queue_keys: list[tuple] = []
        self._unlogged = 0  # queued incidents whose incident_queued is not logged yet
        #: incidents queued before their incident_queued was logged (a superset of the
        #: unlogged ones in the queue): a busy pass logs them without reading the queue
        self._fresh: list[Incident] = []
        self.reserves: dict[str, Reserve] = {
            r.id: Reserve(r.id, r.unit, r.holdings, self.log) for r in scenario.reserves}
        for r in scenario.reserves:
            delay = getattr(r.spec, "restock_after", None)
            if delay is not None:
                self.reserves[r.id].on_draw = partial(self._schedule_restock, self.reserves[r.id], delay)
        self.hazards = scenario.hazards
        #: the ``drillsim_travel_time`` hook's own ``math.inf`` answers (unreachable, not a
        #: hazard's closure): unit id -> ``[origin, destination, trips]``, the first such
        #: trip and how many (:meth:`unreachable_answers`)
        self._unreachable: dict[str, list] = {}
        self._stopped = False
        self._started = False
        #: ``(callback, where)`` to call at the horizon, in the order registered (:meth:`at_horizon`)
        self._at_horizon: list[tuple[Callable[[], None], str]] = []
        #: the unit task (:class:`~drillsim.engine.response.Response`) whose step runs now
        self._running: Response | None = None
        #: unit -> ``[unit.id]``, the ``units`` of the ``incident_completed`` events of the
        #: incidents it completed alone (read-only, shared: ~90 bytes less per such event)
        self._alone: dict[Unit, list[str]] = {}
        #: an event processed already: what a completed incident's ``done`` becomes
        self._processed = self.env.event()
        self._processed._ok = True
        self._processed._value = None
        self._processed.callbacks = None
        #: processes started through :meth:`process` (plugins' and hazards'), for the
        #: stall check at the end of a run
        self.plugin_processes: list[simpy.Process] = []
        #: seconds of wall time one event may take (see drillsim.engine.watchdog)
        self.event_time_limit = limit_from_env()
        self.auto_orders = auto_dispatch if auto_orders is None else auto_orders
        self.orders: dict[str, tuple[Callable[..., Any], str]] = {}
        self.closed_townships: dict[str, str] = {}
        self.home_bases: dict[str, Place] = {u.id: u.base for u in self._unit_list}
        self._restrict = hot["drillsim_travel_restriction"]
        # asked on every trip once a hazard restricts travel: called as pluggy would,
        # without its overhead (every implementation, in its order; the answers not None)
        self._restrictions = all_results_caller(
            self._restrict, ("sim", "unit", "origin", "destination"), host.pm)
        self._filter = hot["drillsim_filter_candidates"]
        # its plain implementations in pluggy's order, with the arguments each takes
        # (fixed for the run, like the first-result hooks above)
        picks = {"sim": 0, "incident": 1, "unmet": 2, "candidates": 3}
        self._filter_plan = tuple(
            (impl.function, tuple(picks[n] for n in impl.argnames), impl.plugin_name)
            for impl in reversed(self._filter.get_hookimpls())
            if not (getattr(impl, "hookwrapper", False) or getattr(impl, "wrapper", False)))
        self._access_live = False   # no hazard has restricted anything yet (see access_changed)
        self._trip_factor: dict[str, float] = {}
        self._access_event = self.env.event()
        # (incident kind, township) -> capabilities some unit of the run may bring there
        self._reachable_capabilities: dict[tuple[str, str | None], set[str]] = {}
        #: per-run state of plugins, by key (see drillsim.engine.stash)
        self.stash = Stash()
        self._shelters: Shelters | None = None

    # ------------------------------------------------------------------ public API
    @property
    def now(self) -> float:
        """Current scenario time, minutes."""
        return self.env.now

    def local_time(self, minutes: float | None = None) -> dt.datetime:
        """Wall-clock time at scenario time ``minutes`` (default: now) in the scenario's
        time zone: its ``start:`` (a timezone-aware datetime, the UTC offset written
        there) plus that many minutes. For rules by time of day (daylight-only flying,
        night shifts): ``sim.local_time().hour``."""
        return self.scenario.start + dt.timedelta(minutes=self.env.now if minutes is None else minutes)

    def turnout(self, unit: Unit) -> float:
        """Minutes from dispatch to leaving the base for ``unit`` if dispatched now: its
        force's ``turnout_by_time`` band (or its unit type's) holding the local clock time (:meth:`local_time`),
        else its ``turnout``."""
        bands = unit.force.turnout_bands
        if not bands:
            return unit.turnout
        t = self.local_time()
        return unit_state.band_turnout(bands, t.hour * 60 + t.minute + (t.second + t.microsecond / 1e6) / 60,
                                       unit.turnout)

    @property
    def shelters(self) -> Shelters:
        """The region's emergency shelters (:class:`~drillsim.engine.shelters.Shelters`),
        made at the first use: ``sim.shelters.admit(township, people, place)`` places
        evacuees nearest first, ``sim.shelters.release(township)`` sends them home."""
        if self._shelters is None:
            self._shelters = Shelters(self.region, self.log)
        return self._shelters

    def rng(self, name: str):
        """The numpy ``Generator`` for the named random stream of this replication."""
        return self.streams.get(name)

    def timeout(self, minutes: float, value: Any = None):
        """A SimPy event that fires after ``minutes``.

        :raises ValueError: ``minutes`` negative, NaN or no number. SimPy refuses a negative delay
            but schedules NaN, which broke the event queue's order: the run failed much
            later, in the engine, with another process blamed."""
        try:
            wrong = not minutes >= 0
        except TypeError:  # text, None …: SimPy's own TypeError named no method
            wrong = True
        if wrong:
            raise ValueError(f"sim.timeout({minutes!r}): the minutes to wait must be a number, "
                             "0 or more")
        # env.timeout(minutes, value) inlined (Timeout.__init__ and env.schedule): the
        # same event, scheduled with the same key; plugins' processes wait on it often
        env = self.env
        event = _new_event(_Timeout)
        event.env = env
        event.callbacks = []
        event._value = value
        event._delay = minutes
        event._ok = True
        heappush(env._queue, (env._now + minutes, _NORMAL, next(env._eid), event))
        return event

    def event(self):
        """A new SimPy event to ``succeed()`` later."""
        return self.env.event()

    def process(self, generator: Generator) -> simpy.Process:
        """Start a SimPy process (a generator yielding events)."""
        process = self.env.process(generator)
        self.plugin_processes.append(process)
        return process

    def units_of(self, force_id: str) -> list[Unit]:
        """The units of one force, in order."""
        return list(self.forces[force_id].units)

    def create_incident(self, kind: str, place: Place | str, demand: dict[str, float],
                        on_scene: float, priority: int = 3, *, queue: bool = True,
                        **details: Any) -> Incident:
        """Open an incident now and queue it for dispatch.

        :param kind: a word for what it is (``flood_rescue``, ``evacuation`` …).
        :param place: a Place or a place id of the region.
        :param demand: ``{capability: amount > 0}``.
        :param on_scene: minutes of work at full demand (> 0).
        :param priority: 1 (most urgent) … 9.
        :param queue: False: if free units cannot cover the whole demand at once, the
            incident is *lost* (``incident_lost``; e.g. handed to another service)
            and nobody is sent — the Erlang B (loss) discipline.
        :raises ValueError: empty or non-positive demand, work that is not a positive
            number of minutes, a priority that is not a whole number, unknown place.
        :raises TypeError: a demand that is not a mapping.
        """
        if isinstance(place, str):
            try:
                place = self.region.places[place]
            except KeyError:
                raise ValueError(self._unknown_place(place)) from None
        try:
            given = tuple(demand.items())
        except AttributeError:
            raise TypeError(f"incident demand must be a mapping {{capability: amount}} such as "
                            f"{{'people': 4}}, got {demand!r}") from None
        if given == self._last_demand[0]:
            # the demand of the last incident again (a hazard's usual case): its dict is
            # shared (nothing changes an incident's demand), ~120 bytes less per incident
            demand = self._last_demand[1]
        else:
            demand = {}
            for cap, amount in given:  # a loop: a comprehension costs a call on this path
                if amount:
                    demand[cap] = float(amount)
            if not demand or min(demand.values()) < 0:
                raise ValueError(f"incident demand must name positive amounts, got {demand!r}")
            self._last_demand = (given, demand)
        try:
            bad = not on_scene > 0 or math.isinf(on_scene)
        except TypeError:  # text ('2h'), None: no number of minutes
            bad = True
        if bad:
            raise ValueError(f"incident on-scene work must be a positive number of minutes "
                             f"(120.0 for 2 h), got {on_scene!r}")
        try:
            rank = int(priority)  # (the log keeps the priority as given, as before)
        except (TypeError, ValueError):
            raise ValueError(f"incident priority must be a whole number, 1 (most urgent) to 9, "
                             f"got {priority!r}") from None
        self._incident_count = seq = self._incident_count + 1
        done = _new_event(_Event)  # simpy.Event(self.env), its __init__ inlined
        done.env = self.env
        done.callbacks = []
        incident = Incident(f"I{seq}", seq, kind, place, demand, float(on_scene), rank,
                            self._clock(), details or _NO_DETAILS, done)
        self.incidents[incident.id] = incident
        keys = _created_keys(tuple(details)) if details else _CREATED_PLAIN
        if keys:
            self.log.record_values(keys, None, incident.id, place.township,
                                   *details.values(), kind, place.id, demand, on_scene, priority)
        else:  # a detail named like one of the engine's fields: the dict decides
            fields = {"township": place.township, **details, "kind": kind, "place": place.id,
                      "demand": demand, "on_scene": on_scene, "priority": priority}
            self.log.record("incident_created", None, incident.id, fields)
        known = self._reachable_capabilities.get((kind, place.township))  # _unservable's table
        missing = self._unservable(incident) if known is None or not known.issuperset(demand) else None
        if missing:
            reason = (f"no unit of the scenario can bring {', '.join(missing)} to {kind!r} "
                      f"incidents at {place.id}")
            self.log.record("incident_unservable", None, incident.id,
                            {"kind": kind, "place": place.id, "needs": missing, "reason": reason})
        self._enqueue(incident)
        if len(self.queue) > self.max_queued:
            raise RunawayRun(f"more than {self.max_queued:,} incidents wait for units at scenario "
                             f"time {self._clock():.1f} min: they arrive faster than the units can "
                             "serve them, and the run would fill the memory; stopped (if this is "
                             "meant, raise run.max_queued)")
        if queue:
            self.dispatch_pass()
        else:
            if self.dispatch_known is None or self.dispatch_known(incident):
                self._dispatch_one(incident, [u for u in self._unit_list if self._auto(u)], whole=True)
            if incident.in_queue:
                self._dequeue(incident)
                incident.completed = True
                self.log.record("incident_lost", None, incident.id,
                                {"kind": kind, "unmet": incident.unmet()})
                if self._forget_finished:
                    del self.incidents[incident.id]
        return incident

    def dispatch(self, unit: Unit, incident: Incident, *, by: str = "auto") -> None:
        """Send ``unit`` to ``incident`` now.

        :param by: who gave the order (``auto`` for the dispatch policy, a player id …).
        :raises ValueError: the unit is not free, or the incident is complete.
        :raises TypeError: ids given for the unit or the incident (``'team-1'``, ``'I3'``).
        """
        try:
            status = unit.status
            completed = incident.completed
        except AttributeError:
            raise TypeError(_ids_for_objects("dispatch", unit, incident)) from None
        if status not in unit_state.DISPATCHABLE:
            raise ValueError(f"unit {unit.id} is {status.replace('_', ' ')}, not free")
        if completed:
            raise ValueError(f"incident {incident.id} is already complete")
        redirected = status == unit_state.RETURNING
        old = unit.process
        if redirected and old is not None and old.is_alive and old is not self._running:
            old.interrupt("redispatch")
        origin = unit.location if unit._trip is None else unit.position(self._clock())
        unit.status = unit_state.DISPATCHED
        unit.incident = incident
        incident.assigned.append(unit)
        if incident.in_queue and not incident.unmet():
            self._dequeue(incident)
        self.log.record_values(_DISPATCHED, unit.id, incident.id,
                               unit.force.id, origin.id, by)
        unit.process = Response(self, unit, incident, origin, not redirected)

    def recall(self, unit: Unit, *, by: str = "auto") -> None:
        """Order a dispatched unit back to base; its incident re-queues what it lacks.

        :raises ValueError: the unit is on no task.
        :raises TypeError: an id given for the unit."""
        if isinstance(unit, str):
            raise TypeError(_ids_for_objects("recall", unit))
        if unit.incident is None or unit.process is None or not unit.process.is_alive:
            raise ValueError(f"unit {unit.id} is not on a task")
        self.log.log("unit_recalled", unit=unit.id, incident=unit.incident.id, by=by)
        self._interrupt(unit.process, "recall")

    def set_in_service(self, unit: Unit, in_service: bool, reason: str = "") -> None:
        """Put a free unit out of service (broken down, stood down for the night, not yet
        activated) or back in service. Free means available or returning (what
        :data:`~drillsim.engine.units.DISPATCHABLE` says): a returning unit stops where it
        is, at this instant (``unit_out_of_service`` is logged when its return process
        takes the order, at the same scenario time). A unit back in service away from its
        base returns there. To stop a busy unit (dispatched, travelling, on scene) use
        :meth:`break_down` (with a reason) or :meth:`recall`.

        :raises ValueError: taking a busy unit out of service."""
        if in_service:
            if unit.status != unit_state.OUT_OF_SERVICE:
                return
            unit.status = unit_state.AVAILABLE
            self.log.log("unit_in_service", unit=unit.id, force=unit.force.id, reason=reason,
                         place=unit.location.id)
            if unit.location is not unit.base:  # broke down away from its post: go back
                unit.process = Response(self, unit)
            self.dispatch_pass()
        else:
            if unit.status == unit_state.RETURNING and unit.process is not None and unit.process.is_alive:
                self._interrupt(unit.process, ("out_of_service", reason),
                                otherwise=lambda: self._out_of_service(unit, reason))
                return
            if unit.status not in (unit_state.AVAILABLE, unit_state.OUT_OF_SERVICE,
                                   unit_state.RETURNING):
                raise ValueError(f"unit {unit.id} is {unit.status}; only a free unit (available "
                                 "or returning) can be taken out of service; stop a busy one "
                                 "with sim.break_down(unit, reason) or sim.recall(unit)")
            if unit.status != unit_state.OUT_OF_SERVICE:
                unit.status = unit_state.OUT_OF_SERVICE
                self.log.log("unit_out_of_service", unit=unit.id, force=unit.force.id, reason=reason)

    def move(self, unit: Unit, place: Place | str, *, by: str = "auto") -> None:
        """Send a free unit to stand by at ``place``: it travels there (available for
        dispatch on the way), waits there, and returns there after its next tasks; moving
        it to its home base ends the stand-by.

        :raises OrderRefused: the unit is not free, or cannot reach the place.
        """
        if isinstance(place, str):
            place = self.region.place(place)
        if not unit.dispatchable:
            raise OrderRefused(f"unit {unit.id} is {unit.status.replace('_', ' ')}, not free")
        origin = unit.position(self.env.now)
        if math.isinf(self.travel_time(unit, origin, place)):
            raise OrderRefused(f"unit {unit.id} cannot reach {place.name} from where it is")
        old = unit.process
        if old is not None and old.is_alive and old is not self._running:
            old.interrupt("redispatch")
        unit.base = place
        self.log.log("unit_standby", unit=unit.id, force=unit.force.id, place=place.id,
                     origin=origin.id, by=by)
        unit.process = Response(self, unit)

    def break_down(self, unit: Unit, reason: str = "breakdown", *, by: str = "auto") -> None:
        """Put a unit out of service where it is now, whatever it is doing (a breakdown
        inject); its incident re-queues what it lacks. :meth:`set_in_service` restores it
        (it then returns from where it broke down)."""
        if unit.status == unit_state.OUT_OF_SERVICE:
            raise OrderRefused(f"unit {unit.id} is already out of service")
        self.log.log("unit_breakdown", unit=unit.id, force=unit.force.id, reason=reason, by=by)
        proc = unit.process
        if proc is not None and proc.is_alive:
            self._interrupt(proc, "breakdown", otherwise=lambda: self._out_of_service(unit, reason))
        else:
            self._out_of_service(unit, reason)

    def _out_of_service(self, unit: Unit, reason: str) -> None:
        """A unit with no process running breaks down: out of service where it is."""
        if unit.status == unit_state.OUT_OF_SERVICE:
            return
        unit.location = unit.position(self.env.now)
        unit._trip = None
        unit.status = unit_state.OUT_OF_SERVICE
        self.log.log("unit_out_of_service", unit=unit.id, force=unit.force.id, reason=reason)

    def close_roads(self, township: str, reason: str = "", *, by: str = "auto") -> None:
        """Cut the roads into and out of a township: road trips that start or end there
        (and not both) are closed until :meth:`open_roads`, like a hazard's closure (units
        on such a trip are stopped; see :meth:`access_changed`)."""
        if township not in self.region.townships:
            raise OrderRefused(f"no township {township!r}")
        self.closed_townships[township] = reason
        self.log.log("road_closed", township=township, reason=reason, by=by)
        self.access_changed(f"roads of {township} cut")

    def open_roads(self, township: str, *, by: str = "auto") -> None:
        """Reopen the roads of a township closed by :meth:`close_roads`."""
        if self.closed_townships.pop(township, None) is not None:
            self.log.log("road_opened", township=township, by=by)
            self.access_changed(f"roads of {township} reopened")

    def register_order(self, name: str, handler: Callable[..., Any], help: str = "") -> None:
        """Offer players an order a plugin carries out (``evacuate``, ``mutual_aid`` …).

        :param handler: ``handler(by=..., **args)``; raises :class:`OrderRefused` (before
            changing anything) when the order cannot be carried out; may return a short
            text saying what was done.

        A name registered again (two hazards both offering ``evacuate``) chains: the
        order goes to the handlers in the order they were registered until one carries
        it out; when every one refuses, their reasons are given together. The help text
        stays the first's.
        """
        if name not in self.orders:
            self.orders[name] = (handler, help)
            return
        earlier, first_help = self.orders[name]

        def chained(**args: Any) -> Any:
            try:
                return earlier(**args)
            except OrderRefused as refused:
                try:
                    return handler(**args)
                except OrderRefused as also:
                    why = [str(refused)] + [m for m in [str(also)] if m != str(refused)]
                    raise OrderRefused("; ".join(why)) from None

        self.orders[name] = (chained, first_help)

    def order(self, name: str, *, by: str = "player", **args: Any) -> Any:
        """Carry out a registered order (its handler logs what it does, e.g. ``evacuation_ordered``).

        :raises OrderRefused: unknown order, or the handler refused it (nothing logged).
        """
        if name not in self.orders:
            raise OrderRefused(f"no order {name!r} in this scenario"
                               f" (have: {', '.join(sorted(self.orders)) or 'none'})")
        handler = self.orders[name][0]
        return handler(by=by, **args)

    def travel_time(self, unit: Unit, origin: Place, destination: Place) -> float:
        """Minutes for ``unit`` from ``origin`` to ``destination`` now: the travel-time
        hook's answer with the restrictions of :meth:`access` applied (``math.inf`` if
        closed)."""
        try:
            only = self._travel_only
            if only is not None and self._pm._inner_hookexec is _PLUGGY_LOOP:
                minutes = only(self, unit, origin, destination)
            else:
                minutes = self._travel_time(self, unit, origin, destination)
        except (PluginFailed, simpy.Interrupt, *_PASSES):
            raise
        except BaseException as exc:  # sys.exit() in a plugin too
            raise self._failure(exc, "drillsim_travel_time") from exc
        if minutes.__class__ is float and 0.0 <= minutes < _INF:
            # the usual answer, a finite float of 0 or more: what the checks below make of
            # it, without them (a float subclass such as numpy's takes the long way)
            if minutes and self._access_live:
                minutes = self.access(unit, origin, destination).apply(minutes)
            return minutes
        try:
            # (True and False are numbers to Python: a test's answer, not minutes)
            bad = minutes is None or minutes is True or minutes is False or not (minutes >= 0)
            if not bad:
                # as a float here, not later: an int beyond a float's range (10**400) failed
                # in whichever code next used it (the dispatch rule ranking by it was blamed)
                minutes = float(minutes)
        except (TypeError, ValueError, OverflowError):  # not a number ('10', a list, 10**400)
            bad = True
        if bad:
            trip = f"unit {unit.id} ({origin.id} → {destination.id})"
            if minutes is None:
                raise PluginFailed(f"at scenario time {self.env.now:.1f} min: no plugin gave a "
                                   f"travel time for {trip}" + self._no_travel_hint(unit))
            raise self._nonsense("drillsim_travel_time", (self, unit, origin, destination),
                                 f"gave the travel time {brief(minutes)} for {trip} "
                                 "(minutes must be a number, 0 or more; math.inf when unreachable)")
        if minutes > 0 and math.isfinite(minutes):
            minutes = self.access(unit, origin, destination).apply(minutes)
        elif minutes:  # math.inf from the hook itself: noted for the run's warning
            seen = self._unreachable.get(unit.id)
            if seen is None:
                self._unreachable[unit.id] = [origin, destination, 1]
            else:
                seen[2] += 1
        return minutes

    def unreachable_answers(self) -> dict[str, tuple[str, str, str, str, int]]:
        """The units the ``drillsim_travel_time`` hook itself called unreachable
        (``math.inf``) at least once in this replication (a hazard's closures not
        counted): unit id -> (the plugin that answered, the unit's force id, the first
        such trip's origin and destination ids, how many such trips). Asks the hook again, once per unit, to
        name the plugin (:func:`~drillsim.engine.hookcall.answering_plugin`): call it
        after the run, never during it (a plugin's answer may draw random numbers)."""
        caller = self._hook.drillsim_travel_time
        names = tuple(caller.spec.argnames)
        out = {}
        for unit_id, (origin, destination, trips) in self._unreachable.items():
            unit = self.units[unit_id]
            plugin = answering_plugin(caller, names, (self, unit, origin, destination))
            out[unit_id] = (plugin or "(unknown)", unit.force.id, origin.id, destination.id, trips)
        return out

    def access(self, unit: Unit, origin: Place, destination: Place) -> access_rules.Access:
        """The combined restriction on a trip now: the hazards' (``drillsim_travel_restriction``)
        and the road cuts of :meth:`close_roads`. Until something first calls
        :meth:`access_changed` every trip is open."""
        if not self._access_live:
            return access_rules.OPEN
        try:  # self._call inlined: this runs on every trip
            answers = self._restrictions(self, unit, origin, destination)
        except (PluginFailed, RunawayRun, simpy.Interrupt, *_PASSES):
            raise
        except BaseException as exc:  # sys.exit() in a plugin too
            raise self._failure(exc, "drillsim_travel_restriction") from exc
        cut = self.closed_townships
        if cut and unit.mode == "road" and origin.township != destination.township \
                and (origin.township in cut or destination.township in cut):
            answers = [*answers, access_rules.Restriction(closed=True, reason="roads cut")]
        bad = next((a for a in answers if not isinstance(a, access_rules.Restriction)), None)
        if bad is not None:  # pluggy drops None: anything else left is a plugin's nonsense
            raise self._bad_restriction(bad, (self, unit, origin, destination))
        return access_rules.combine(answers)

    def allowed(self, incident: Incident, units: Iterable[Unit]) -> list[Unit]:
        """The ``units`` (free ones able to serve ``incident``) that the scenario's rules
        let go to it now: those every ``drillsim_filter_candidates`` answer keeps (daylight
        flying …), as automatic dispatch applies them; for orders given by hand."""
        units = list(units)
        if not self._filter_plan or not units:
            return units
        return self._filtered(incident, incident.unmet() or dict(incident.demand), units)

    def _filtered(self, incident: Incident, unmet: dict[str, float], candidates: list[Unit]) -> list[Unit]:
        """The candidates every ``drillsim_filter_candidates`` answer keeps (in their
        order); an answer naming a unit that is not a candidate fails the run, naming its
        plugin."""
        keep = None
        for function, picks, plugin_name in self._filter_plan:
            args = (self, incident, unmet, list(candidates))
            try:  # self._call inlined: this runs on every dispatch
                answer = function(*args) if picks == _ALL4 else function(*[args[i] for i in picks])
            except (PluginFailed, RunawayRun, simpy.Interrupt, *_PASSES):
                raise
            except BaseException as exc:  # sys.exit() in a plugin too
                raise self._failure(exc, "drillsim_filter_candidates") from exc
            if answer is None:
                continue
            if not answer and answer.__class__ is list:
                keep = set()  # none may go (nothing in the answer to check); the others are asked
                continue
            strangers = [u for u in answer if u not in candidates] if isinstance(answer, (list, tuple)) else None
            if strangers is None or strangers:
                what = (repr(answer) if strangers is None else _strangers(strangers, self.units, as_list=True)
                        + ("" if _ids(strangers, self.units) else ", not among the candidates"))
                raise PluginFailed(
                    f"plugin {plugin_name!r} failed in drillsim_filter_candidates at "
                    f"scenario time {self.env.now:.1f} min: it returned {what}; return a "
                    "list of the candidates, or None")
            keep = set(answer) if keep is None else keep & set(answer)
        if keep is None:
            return candidates
        return [u for u in candidates if u in keep] if keep else []

    def _bad_restriction(self, answer, args: tuple) -> PluginFailed:
        """The run's failure when a ``drillsim_travel_restriction`` answer is neither a
        ``Restriction`` nor None: names the plugin that gave it (its implementations are
        called again one at a time, in pluggy's order, only to say who)."""
        kwargs = dict(zip(("sim", "unit", "origin", "destination"), args))
        plugin = "(unknown)"
        for impl in reversed(self._restrict.get_hookimpls()):
            if getattr(impl, "hookwrapper", False) or getattr(impl, "wrapper", False):
                continue
            result = impl.function(*[kwargs[n] for n in impl.argnames])
            if result is not None and not isinstance(result, access_rules.Restriction):
                plugin = impl.plugin_name
                break
        return PluginFailed(f"plugin {plugin!r} failed in drillsim_travel_restriction at scenario "
                            f"time {self.env.now:.1f} min: it returned {answer!r}; return a "
                            "drillsim.api.Restriction, or None for no effect")

    def access_changed(self, reason: str = "") -> None:
        """A hazard's closures changed: check units on the road again (re-route or stop
        them), let units waiting for a way home try again, and forget which incidents
        units found unreachable. Called by hazard plugins, also when they first restrict
        anything (until then the engine does not ask them)."""
        self._access_live = True
        self.log.log("access_changed", reason=reason)
        for incident in self.incidents.values():
            incident.unreachable = _NONE_UNREACHABLE
        for unit in self._unit_list:
            if unit.status == unit_state.TRAVELLING and unit.process is not None and unit.process.is_alive \
                    and unit.process is not self._running:
                unit.process.interrupt("access")
        waiting, self._access_event = self._access_event, self.env.event()
        waiting.succeed()
        self.dispatch_pass()

    def complete_incident(self, incident: Incident, reason: str = "") -> None:
        """End an incident now although its work is not done (the hazard says it is over:
        a fire contained, a release stopped by other means). Units on scene clear, units
        on the way turn back. Does nothing if it is already complete."""
        if incident.completed:
            return
        incident.worker = None  # voids the planned completion
        self._finish(incident, reason)

    def set_auto_dispatch(self, on: bool, forces: Iterable[str] | None = None) -> None:
        """Switch automatic dispatch on or off, for all forces or only the named ones
        (a player in a drill gives orders by hand unless they switch it on)."""
        ids = set(self.forces) if forces is None else set(forces)
        self._auto_forces = auto = (self._auto_forces | ids) if on else (self._auto_forces - ids)
        self._auto_units = tuple(u for u in self._unit_list if u.force.id in auto)
        self.dispatch_pass()

    def _auto(self, unit: Unit) -> bool:
        return unit.status in unit_state.DISPATCHABLE and unit.force.id in self._auto_forces

    def dispatch_pass(self) -> None:
        """Send free units of auto-dispatched forces to queued incidents, most urgent first."""
        queue = self.queue
        if not queue:
            return
        units = self._auto_units
        # [u for u in units if u.status in DISPATCHABLE], in C: no bytecode per unit
        free = list(compress(units, map(_DISPATCHABLE.__contains__, map(_status, units))))
        if not free:
            # nobody to send (a busy system's usual case): only log the incidents newly
            # queued, in queue order, as the full pass below would
            fresh = self._fresh
            if self._unlogged and len(fresh) == 1:
                # (the usual: the incident just created) what the loop below does for it
                incident = fresh[0]
                if incident.in_queue and not incident.queued_logged:
                    self._note_queued(incident)
                if fresh:  # (not cleared by the last unlogged one's note)
                    self._fresh = [i for i in fresh if i.in_queue and not i.queued_logged]
            elif self._unlogged:
                # those in the queue, in its order (the same key), without copying the
                # queue: an overloaded run's queue of 10**5 was copied for every call
                fresh = sorted((i for i in self._fresh if i.in_queue and not i.queued_logged),
                               key=_queue_key)
                for incident in fresh:  # (a subscriber to the log may change the queue)
                    if not incident.queued_logged:
                        self._note_queued(incident)
                        if not self._unlogged:
                            break
                self._fresh = [i for i in self._fresh if i.in_queue and not i.queued_logged]
            return
        known = self.dispatch_known
        if len(queue) == 1:  # the common case: nothing to share between incidents
            incident = queue[0]
            if known is None or known(incident):
                self._dispatch_one(incident, free)
            if incident.in_queue and not incident.queued_logged:
                self._note_queued(incident)
            return
        # (kind, township, unmet capabilities) no free unit can serve: within a pass the
        # free units only get fewer, so the next incident alike is skipped unasked (a
        # long queue of incidents nobody free can take would otherwise cost a scan each)
        hopeless: set[tuple] | None = None
        # (kind, township, unmet capabilities) -> the free units that can serve such an
        # incident: incidents alike in a long queue are matched against the units once,
        # until a dispatch takes units out of ``free``
        able_by: dict[tuple, list[Unit]] | None = None
        # both are only what the pass has worked out already (the same answers as working
        # it out again): they start after the first incident asked, as a pass most often
        # ends there (its one free unit sent)
        for incident in list(queue):
            if known is not None and not known(incident):
                pass  # not known to the command: automatic dispatch cannot act on it
            elif free:
                if hopeless is None:
                    self._dispatch_one(incident, free)
                    hopeless, able_by = set(), {}
                else:
                    # its likeness here, not in the call: most incidents of a long queue
                    # are alike one no free unit can serve, and end at this check
                    unmet = incident.unmet() if incident.assigned else incident.demand
                    alike = (incident.kind, incident.place.township, frozenset(unmet))
                    if alike not in hopeless:
                        self._dispatch_one(incident, free, False, hopeless, able_by, alike, unmet)
            elif not self._unlogged:
                break  # nobody left to send and nothing left to log: skip the rest of the queue
            if incident.in_queue and not incident.queued_logged:
                self._note_queued(incident)

    def _dispatch_one(self, incident: Incident, free: list[Unit], whole: bool = False,
                      hopeless: set[tuple] | None = None,
                      able_by: dict[tuple, list[Unit]] | None = None,
                      alike: tuple = (), unmet: dict[str, float] | None = None) -> None:
        """Ask the choose-units hook for ``incident`` among ``free`` (removing those sent).
        With ``whole``, send nobody unless the choice covers the whole demand.
        ``hopeless``, ``able_by``: see :meth:`dispatch_pass` (read and extended here);
        with them, ``alike`` (the incident's kind, township and unmet capabilities, not
        in ``hopeless``) and ``unmet`` (its ``unmet()``, or its demand itself when no unit
        is assigned), as the pass worked them out."""
        if hopeless is None:
            unmet = incident.unmet()
        else:
            if unmet is incident.demand:
                unmet = unmet.copy()  # (what unmet() gives: the hooks get a dict of their own)
        unreachable = incident.unreachable
        if able_by is not None and hopeless is not None:
            able = able_by.get(alike)
            if able is None:
                able = able_by[alike] = self._able_among(alike, incident, unmet, free)
            able = list(able)  # the hooks get a list of their own
        elif len(free) <= _FEW_FREE:
            able = [u for u in free if u.can_serve(incident, unmet)]
        else:
            able = self._able_among((incident.kind, incident.place.township, frozenset(unmet)),
                                    incident, unmet, free)
        if not able and hopeless is not None:
            hopeless.add(alike)
        candidates = [u for u in able if u.id not in unreachable] if unreachable else able
        if not candidates:
            return
        if self._filter_plan:
            candidates = self._filtered(incident, unmet, candidates)
            if not candidates:
                return
        try:
            only = self._choose_only
            if only is not None and self._pm._inner_hookexec is _PLUGGY_LOOP:
                chosen = only(self, incident, unmet, candidates) or []
            else:
                chosen = self._choose_units(self, incident, unmet, candidates) or []
        except (PluginFailed, simpy.Interrupt, *_PASSES):
            raise
        except BaseException as exc:  # sys.exit() in a plugin too
            raise self._failure(exc, "drillsim_choose_units") from exc
        if chosen.__class__ is not list and not isinstance(chosen, (list, tuple)):
            raise self._nonsense("drillsim_choose_units", (self, incident, unmet, candidates),
                                 f"returned {chosen!r}; return a list of units taken from the "
                                 "candidates, or None")
        if len(chosen) > 1 and len(set(chosen)) < len(chosen):  # one unit cannot go twice
            twice = next(u for i, u in enumerate(chosen) if u in chosen[:i])
            raise self._nonsense("drillsim_choose_units", (self, incident, unmet, candidates),
                                 f"returned {getattr(twice, 'id', twice)!r} twice; name each unit once")
        for unit in chosen:
            if unit not in candidates:
                raise self._nonsense("drillsim_choose_units", (self, incident, unmet, candidates),
                                     f"returned {_strangers([unit], self.units)}" + (
                                         "; return a list of units taken from the candidates, or None"
                                         if _ids([unit], self.units) else
                                         f", which is not among the free units that can serve {incident.id}"))
        if whole:
            cover = {c: sum(u.capabilities.get(c, 0.0) for u in chosen) for c in unmet}
            if any(cover[c] < need for c, need in unmet.items()):
                return
        for unit in chosen:
            self.dispatch(unit, incident)
            free.remove(unit)
        if chosen and able_by:
            able_by.clear()

    def able_units(self, incident: Incident, unmet: dict[str, float]) -> list[Unit]:
        """Every unit that can serve ``incident`` for ``unmet`` (:meth:`Unit.can_serve`),
        whatever its state, in scenario order: worked out once for all incidents of one
        kind and township asking for the same capabilities, which is all ``can_serve``
        reads of them (of the units, it reads what is fixed once they are built). The
        list is shared: do not change it."""
        return self._able_among((incident.kind, incident.place.township, frozenset(unmet)), incident, unmet)

    def _able_among(self, key: tuple, incident: Incident, unmet: dict[str, float],
                    free: list[Unit] | None = None) -> list[Unit]:
        """:meth:`able_units` (``key``: its kind, township and capabilities) — or, given
        ``free`` (a list of units in scenario order), those of ``free`` that can serve,
        as ``[u for u in free if u.can_serve(incident, unmet)]`` gives them (a new list;
        for a few free units, that is how)."""
        if free is not None and len(free) <= _FEW_FREE:
            return [u for u in free if u.can_serve(incident, unmet)]
        able = self._able.get(key)
        if able is None:
            able = self._able[key] = [u for u in self._unit_list if u.can_serve(incident, unmet)]
        if free is None:
            return able
        if not able:
            return []
        among: list[Unit] | set[Unit] = free
        if len(able) > 2:  # (for one or two, a look along the free units costs less than a set)
            among = set(free)
        return [u for u in able if u in among]

    def stop(self) -> None:
        """End the run at the current time (a controller ending a drill)."""
        self._stopped = True

    def _schedule_restock(self, reserve: Reserve, delay: float, holder: str, amount: float) -> None:
        """Replace a draw ``delay`` minutes later (the scenario's ``restock_after``)."""
        def restock():
            yield self.env.timeout(delay)
            reserve.restock(holder, amount)
        self.env.process(restock())

    # ------------------------------------------------------------------ running
    def start(self) -> None:
        """Place units, let plugins start their processes, start the hazards."""
        self._started = True
        self.log.log("run_started", replication=self.replication, seed=self.seed,
                     horizon=self.horizon, units=len(self._unit_list))
        for reserve in self.reserves.values():
            # the stock each holder starts with: the stock standards (T3, T4) read it
            self.log.log("reserve_held", reserve=reserve.id, holdings=dict(reserve.initial),
                         measure=reserve.unit)
        with self._outside_events():
            self._call(self._hook.drillsim_run_started, "drillsim_run_started", sim=self)
            for force in self.forces.values():
                if force.type.start is not None:
                    self._call(force.type.start, f"{force.type.name}.start", self, force)
            for hazard in self.hazards:
                if hazard.type.finish is not None:  # API 1.1's form of sim.at_horizon
                    self._at_horizon.append((partial(hazard.type.finish, self, hazard),
                                             f"{hazard.type.name}.finish"))
                self._call(hazard.type.start, f"{hazard.type.name}.start", self, hazard)

    def _outside_events(self) -> Any:
        """The watchdog over plugin code called outside SimPy's events (the start of a
        run: ``drillsim_run_started``, a unit or hazard type's ``start``; its end:
        ``drillsim_run_finished``), as over the events themselves: a plugin that does
        not return within the limit fails the run (a loop there hung the run for ever).

        :raises PluginFailed: the limit passed, naming the plugin."""
        return _Guarded(self)

    def run(self, until: float | None = None) -> "Simulation":
        """Run to the horizon (or ``until`` minutes); returns self."""
        if not self._started:
            self.start()
        end = self.horizon if until is None or until > self.horizon else until
        queue = self.env._queue  # (SimPy's peek(), inlined: a drill asks it every tick)
        try:
            if end > self.env._now and (not queue or queue[0][0] > end):
                # nothing happens before ``end`` (most of a drill's ticks): the clock moves
                # there without a run; the events' order is untouched (a run would only
                # have spent one stop event's sequence number)
                self.env._now = end
            elif end > self.env.now:
                with full_collections_deferred(defer=not self._forget_finished), \
                        Watchdog(self._clock, self.log.__len__, self.event_time_limit):
                    self._step_to(end)
        except (PluginFailed, RunawayRun):
            raise
        except ClockStuck:
            raise RunawayRun(f"the clock has stood at scenario time {self.env.now:.1f} min for "
                             f"{self.event_time_limit:g} s of wall time while events kept coming "
                             f"({len(self.log):,} logged in all): a loop of events at one instant "
                             "(a plugin or an order that sets itself off again); stopped") from None
        except EventTimeLimit as exc:
            raise PluginFailed(f"plugin {self._blame(exc)} did not return within "
                               f"{self.event_time_limit:g} s (wall clock) at scenario time "
                               f"{self.env.now:.1f} min: stopped") from None
        except PASSES_THROUGH:
            raise
        except BaseException as exc:  # a plugin's process raised inside SimPy (sys.exit() too)
            if type(exc) is RuntimeError and "Invalid yield value" in str(exc):
                raise self._bad_yield(exc) from exc
            raise PluginFailed(f"plugin {self._blame(exc)} failed in a simulation process "
                               f"at scenario time {self.env.now:.1f} min: "
                               f"{type(exc).__name__}: {exc}") from exc
        if end >= self.horizon:
            self.finish()
        return self

    def _step_to(self, end: float) -> None:
        """Process the events before ``end`` and move the clock there, as SimPy's
        ``env.run(until=end)`` followed by a step taking its stop event out of the queue
        does: the stop event is scheduled at ``now + (end - now)``, URGENT, with the next
        event id, so the events processed are those ahead of that key (the earlier
        instants; at that instant those of priority below URGENT, and the URGENT ones
        scheduled before the run began). Without the stop event's making, scheduling,
        raising and scheduling again (about 7 µs, once every tick of a drill); the ids it
        would take only number the events after it, whose order they keep."""
        env = self.env
        at = end if isinstance(end, int) else float(end)
        stop = (env._now + (at - env._now), _URGENT, next(env._eid))
        queue, step = env._queue, env.step
        while queue and queue[0] < stop:
            step()
        env._now = stop[0]

    def at_horizon(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when the run reaches its horizon (or a drill is ended), at
        that time, before ``run_ended`` is logged, in the order registered.

        For what a process cannot log itself: a run covers ``[0, horizon)``, so an event
        at the horizon never fires, and a hazard still going then (a fire not contained,
        a road still closed) logs its state and ``hazard_summary`` here. Guarded by the
        same time limit as ``start``; a failure fails the run naming the plugin.

        :raises TypeError: ``callback`` is not callable, or needs arguments (the run then
            fails naming the plugin that called, as for ``sim.timeout``).
        """
        if not callable(callback):
            raise TypeError(f"sim.at_horizon({callback!r}): give a function of no arguments "
                            "to call at the horizon")
        name = getattr(callback, "__name__", type(callback).__name__)
        try:  # refused now, naming the plugin, not at the end of the run
            inspect.signature(callback).bind()
        except TypeError:
            raise TypeError(f"sim.at_horizon({name}): {name}{inspect.signature(callback)} needs "
                            "arguments, but it is called with none; give a function of no "
                            "arguments (a closure, or functools.partial(f, ...))") from None
        except ValueError:  # pragma: no cover - no signature to read (a builtin): as before
            pass
        self._at_horizon.append((callback, f"sim.at_horizon({name})"))

    def finish(self) -> None:
        """Call what plugins registered with :meth:`at_horizon`, log the end of the run
        (open incidents, units still out) and notify plugins (``drillsim_run_finished``).

        :raises RunStalled: every process was blocked before the horizon
            (:mod:`drillsim.engine.stall`); ``run_stalled`` is logged first.
        """
        stall.check(self)
        if self._at_horizon:
            with self._outside_events():
                for callback, where in self._at_horizon:
                    self._call(callback, where)
        open_incidents = [i.id for i in self.incidents.values() if not i.completed]
        self.log.log("run_ended", open_incidents=len(open_incidents),
                     queued=[i.id for i in self.queue])
        with self._outside_events():
            self._call(self._hook.drillsim_run_finished, "drillsim_run_finished", sim=self)

    # ------------------------------------------------------------------ internals
    def _build_units(self) -> None:
        for fr in self.scenario.forces:
            force = Force(fr.id, fr.unit_type, fr.params, fr.spec, turnout_bands=fr.turnout_bands)
            self.forces[fr.id] = force
            for plan in fr.units:
                unit = Unit(plan.id, force, len(self._unit_list), dict(plan.capabilities),
                            self.region.place(plan.base), plan.vehicle, plan.mode, plan.turnout,
                            plan.serves, plan.area)
                force.units.append(unit)
                self.units[unit.id] = unit
                self._unit_list.append(unit)

    def _enqueue(self, incident: Incident) -> None:
        key = (incident.priority, incident.created, incident.seq)  # Incident.sort_key
        i = bisect.bisect(self._queue_keys, key)
        self._queue_keys.insert(i, key)
        self.queue.insert(i, incident)
        incident.in_queue = True
        if not incident.queued_logged:
            self._unlogged += 1
            self._fresh.append(incident)

    def _dequeue(self, incident: Incident) -> None:
        i = bisect.bisect_left(self._queue_keys, (incident.priority, incident.created, incident.seq))
        del self._queue_keys[i]
        del self.queue[i]
        incident.in_queue = False
        if not incident.queued_logged:
            self._unlogged -= 1
            if not self._unlogged:
                self._fresh.clear()

    def _note_queued(self, incident: Incident) -> None:
        if not incident.queued_logged:
            incident.queued_logged = True
            if incident.in_queue:
                self._unlogged -= 1
                if not self._unlogged:
                    self._fresh.clear()
            # nothing assigned yet: the unmet demand is the demand (the same dict, kept once)
            self.log.record_values(_QUEUED, None, incident.id, incident.kind,
                                   incident.unmet() if incident.assigned else incident.demand)

    def _stand_down(self, unit: Unit, reason: str = "breakdown") -> None:
        """A unit broken down (or taken out of service on its way home): out of service
        where it is."""
        unit.location = unit.position(self.env.now)
        unit._trip = None
        unit.status = unit_state.OUT_OF_SERVICE
        unit.process = None
        self.log.log("unit_out_of_service", unit=unit.id, force=unit.force.id, reason=reason)

    def _stopped_on_way_home(self, unit: Unit, cause) -> None:
        """A returning unit's process was interrupted: a breakdown or an out-of-service
        order stands it down where it is; anything else (a new task, a new post) has
        taken it over."""
        if cause == "breakdown":
            self._stand_down(unit)
        elif isinstance(cause, tuple) and cause[0] == "out_of_service":
            self._stand_down(unit, cause[1])

    def _leave(self, unit: Unit, incident: Incident, cause: str) -> None:
        """A unit leaves an unfinished incident: its demand goes back in the queue."""
        if unit in incident.present:
            incident.present.remove(unit)
            self._work_changed(incident)
        if unit in incident.assigned:
            incident.assigned.remove(unit)
        if not incident.completed and not incident.in_queue and incident.unmet():
            self._enqueue(incident)
        self.log.log("unit_released", unit=unit.id, incident=incident.id, cause=cause)

    def _work_changed(self, incident: Incident) -> None:
        now = self._clock()
        if incident.completed:
            return
        if incident.rate:  # (idle so far: progress_at(now) is the progress as it stands)
            incident.progress = min(1.0, incident.progress + incident.rate * (now - incident.progress_time))
        incident.progress_time = now
        incident.rate = incident.staffing() / incident.on_scene
        # (re)plan the completion; a newer plan voids this one
        rate = incident.rate
        if rate > 0:
            # the timer's value is the incident (nobody else sees the timer); made as
            # env.timeout(delay, incident) makes it, inlined (see :meth:`timeout`)
            env = self.env
            delay = (1.0 - incident.progress) / rate
            timer = _new_event(_Timeout)
            timer.env = env
            timer.callbacks = [self._complete]
            timer._value = incident
            timer._delay = delay
            timer._ok = True
            heappush(env._queue, (env._now + delay, _NORMAL, next(env._eid), timer))
            incident.worker = timer
        else:
            incident.worker = None  # idle until the staffing changes

    def _complete(self, timer: simpy.Timeout) -> None:
        incident = timer._value
        if incident.worker is not timer:
            return  # re-planned (or ended by complete_incident) since
        self._finish(incident, at_once=True)

    def _finish(self, incident: Incident, reason: str = "", at_once: bool = False) -> None:
        """Complete ``incident`` now. ``at_once``: called as the last thing a step does
        (the completion timer's callback), so when nothing else is scheduled at this
        instant its ``done`` event is processed here rather than by the next step: its
        callbacks, in order, as SimPy's next step would (the step saved, the order of
        everything the same). The incident then keeps the run's one processed event
        (:attr:`_processed`) instead of its own: the same to anyone who waits for it
        later, and ~100 bytes less per incident kept."""
        incident.progress = 1.0
        incident.progress_time = self._clock()
        incident.completed = True
        if incident.in_queue:
            self._dequeue(incident)
        incident.worker = None
        present = incident.present
        if len(present) == 1:  # one list per unit for the incidents it completed alone
            units = self._alone.get(present[0])
            if units is None:
                units = self._alone[present[0]] = [present[0].id]
        else:
            units = [u.id for u in present]
        if reason:
            self.log.record_values(_COMPLETED_WHY, None, incident.id, incident.kind, units, reason)
        else:
            self.log.record_values(_COMPLETED, None, incident.id, incident.kind, units)
        if len(incident.assigned) != len(incident.present):  # (present is part of assigned)
            for unit in list(incident.assigned):
                if unit not in incident.present and unit.process is not None and unit.process.is_alive:
                    self._interrupt(unit.process, "incident_completed")
        done = incident.done
        if at_once and done._value is PENDING:
            queue = self.env._queue
            if not queue or queue[0][0] > self.env._now:
                if self._forget_finished:
                    self.incidents.pop(incident.id, None)
                # done processed here (see above)
                done._ok = True
                done._value = None
                callbacks, done.callbacks = done.callbacks, None
                incident.done = self._processed
                for callback in callbacks:
                    callback(done)
                return
        done.succeed()
        if self._forget_finished:
            self.incidents.pop(incident.id, None)

    def _interrupt(self, process: Response, cause: str | tuple, otherwise: Callable[[], None] | None = None) -> None:
        """Interrupt a unit's task. From inside that very task (a hook or an event
        subscriber it set off) it is refused, as SimPy refuses a process interrupting
        itself, so the interrupt then comes right after the current step, at the same
        instant: by then the task waits again, or has ended and ``otherwise`` is called
        instead (if given)."""
        if process is not self._running:
            process.interrupt(cause)
            return

        def deferred(_event) -> None:
            if process.is_alive:
                process.interrupt(cause)
            elif otherwise is not None:
                otherwise()

        self.env.timeout(0).callbacks.append(deferred)

    def _unservable(self, incident: Incident) -> list[str]:
        """The capabilities ``incident`` demands that no unit of the run may ever bring to
        it (by what units carry, the incident kinds they serve and their area): such demand
        waits to the end of the run. Units out of service count: they may come back."""
        key = (incident.kind, incident.place.township)
        known = self._reachable_capabilities.get(key)
        if known is None:
            known = {cap for u in self._unit_list
                     if (u.serves is None or incident.kind in u.serves)
                     and not (u.area == "home" and incident.place.township != u.home)
                     for cap, amount in u.capabilities.items() if amount > 0}
            self._reachable_capabilities[key] = known
        if known.issuperset(incident.demand):
            return []
        return sorted(cap for cap in incident.demand if cap not in known)

    def _factor(self, unit: Unit, origin: Place, destination: Place, minutes: float) -> float:
        """The slow-down factor a trip was planned with (1 when nothing restricts it)."""
        return self.access(unit, origin, destination).factor if minutes > 0 else 1.0

    def _reroute(self, unit: Unit, incident: Incident) -> float:
        """Access changed while ``unit`` travels to ``incident``: the remaining minutes
        from where it is (``inf``: its way is closed and it stops there)."""
        now = self.env.now
        origin, dest, start, minutes = unit._trip
        here = unit.position(now)
        left = max(0.0, start + minutes - now)
        rule = self.access(unit, here, dest)
        old = self._trip_factor.get(unit.id, 1.0)
        if rule.closed:
            unit._trip = None
            unit.location = here
            self.log.log("unit_stopped", unit=unit.id, incident=incident.id, place=here.id,
                         reason="; ".join(rule.reasons))
            return math.inf
        if rule.factor == old:
            return left
        left = left / old * rule.factor
        unit._trip = (here, dest, now, left)
        self._trip_factor[unit.id] = rule.factor
        self.log.log("unit_rerouted", unit=unit.id, incident=incident.id, travel=left,
                     factor=rule.factor, reason="; ".join(rule.reasons))
        return left

    def _blame(self, exc: BaseException) -> str:
        name = self.host.blame(exc)
        # SimPy re-raises a process's failure as a copy caused by it: look there too
        cause = exc.__cause__
        while not name and cause is not None:
            name, cause = self.host.blame(cause), cause.__cause__
        return repr(name) if name else "'drillsim' (engine)"

    def _call(self, fn, where: str, *args, **kwargs):
        """Call a hook or plugin function; wrap its failure with plugin, hook and time."""
        try:
            return fn(*args, **kwargs)
        except (PluginFailed, RunawayRun, simpy.Interrupt, *_PASSES):
            raise
        except BaseException as exc:  # sys.exit() in a plugin too
            raise self._failure(exc, where) from exc

    def _unknown_place(self, place: Any) -> str:
        """Why ``place`` names no place of the region, with "did you mean"."""
        from drillsim.scenario.validation import suggest

        return (f"unknown place {place!r}: a place is a Place or the id of a township or site "
                f"of the region{suggest(str(place), list(self.region.places))}")

    def _bad_yield(self, exc: RuntimeError) -> PluginFailed:
        """The run's failure when a process yielded something that is not an event
        (``yield 5`` for ``yield sim.timeout(5)``): SimPy's message is a multi-line
        traceback of the generator and names no plugin. The process is still SimPy's
        active one: its generator's frame says where, and whose module it is."""
        process = self.env.active_process
        frame = getattr(getattr(process, "_generator", None), "gi_frame", None)
        plugin = where = None
        if frame is not None:
            plugin = self.host.plugin_of_module(frame.f_globals.get("__name__", ""))
            where = f" ({frame.f_code.co_filename}, line {frame.f_lineno})"
        value = str(exc).rsplit("Invalid yield value ", 1)[-1]
        return PluginFailed(f"plugin {plugin or '(unknown)'!r} failed in a simulation process at "
                            f"scenario time {self.env.now:.1f} min: it yielded {value}, which is "
                            f"not an event{where or ''}; yield sim.timeout(minutes), sim.event() "
                            "or another SimPy event")

    def _no_travel_hint(self, unit: Unit) -> str:
        """Why no travel-time hook answered for ``unit``: an air unit whose plugin gives no
        air travel (drillsim's road model answers for road units only)."""
        if unit.mode != "air":
            return ""
        kind = unit.force.type.name
        plugin = getattr(self.host, "unit_types", None)
        plugin = plugin.providers.get(kind) if plugin is not None else None
        by = f", from plugin {plugin!r}," if plugin else ""
        return (f": its unit type {kind!r}{by} moves by air (mode='air'), and drillsim's road "
                "model answers for road units only: answer drillsim_travel_time for its units "
                "in that plugin, or give the type mode='road' and a vehicle")

    def _nonsense(self, hook: str, args: tuple, what: str) -> PluginFailed:
        """The run's failure when ``hook`` answered ``args`` with nonsense: names the
        plugin that answered (see :func:`~drillsim.engine.hookcall.answering_plugin`)."""
        caller = getattr(self._hook, hook)
        plugin = answering_plugin(caller, tuple(caller.spec.argnames), args)
        return PluginFailed(f"plugin {plugin or '(unknown)'!r} failed in {hook} at scenario "
                            f"time {self.env.now:.1f} min: it {what}")

    def _failure(self, exc: BaseException, where: str) -> PluginFailed:
        plugin = self._blame(exc)
        error = PluginFailed(f"plugin {plugin} failed in {where} at scenario time "
                             f"{self.env.now:.1f} min: {type(exc).__name__}: {exc}")
        error.__cause__ = exc
        return error


def _ids_for_objects(method: str, unit: Any, incident: Any = None) -> str:
    """``sim.dispatch('team-1', 'I3')``'s error: the objects are due, and where to find
    them by id."""
    given = ", ".join(repr(getattr(x, "id", x)) if isinstance(x, str) else type(x).__name__
                      for x in ((unit,) if incident is None else (unit, incident)))
    return (f"sim.{method}({given}): give the "
            f"{'Unit itself' if incident is None else 'Unit and the Incident themselves'}, "
            "not an id or anything else (sim.units[unit_id]"
            f"{'' if incident is None else ', sim.incidents[incident_id]'})")


def _ids(answer: list, units: dict) -> bool:
    """Whether a dispatch hook's ``answer`` is unit ids (text) where units were due."""
    return all(isinstance(u, str) and u in units for u in answer)


def _strangers(units: list, known: dict, as_list: bool = False) -> str:
    """What a dispatch hook answered that is not a candidate, for its error: units by id
    (the first five); ids of the run's units given as text are said to be ids, not units."""
    shown = [getattr(u, "id", u) for u in units[:5]]
    text = ", ".join(map(repr, shown)) + (f" … ({len(units)} in all)" if len(units) > 5 else "")
    if _ids(units, known):
        return (f"the unit id{'s' if len(units) > 1 else ''} {text} (text), not the units "
                "themselves (unit.id is that text)")
    return f"[{text}]" if as_list or len(units) > 1 else text


class _Guarded:
    """:meth:`Simulation._outside_events`: a :class:`Watchdog` whose
    :class:`EventTimeLimit` becomes the run's :class:`PluginFailed`."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.dog = Watchdog(sim._clock, lambda: len(sim.log), sim.event_time_limit)

    def __enter__(self) -> None:
        self.dog.__enter__()

    def __exit__(self, kind, exc, tb) -> bool:
        self.dog.__exit__(kind, exc, tb)
        if exc is not None and isinstance(exc, EventTimeLimit):
            sim = self.sim
            raise PluginFailed(f"plugin {sim._blame(exc)} did not return within "
                               f"{sim.event_time_limit:g} s (wall clock) at scenario time "
                               f"{sim.env.now:.1f} min: stopped") from None
        return False

