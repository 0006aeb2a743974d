"""A drill session: one player-driven simulation of a hidden scenario.

The session owns the :class:`~drillsim.engine.simulation.Simulation` (in player mode:
no automatic dispatch, no automatic evacuation or mutual-aid decisions), the reporters
that turn its events into messages, the players' orders, the controller's injects and
the drill log. It advances the simulation in small slices of scenario time
(:meth:`advance`), so a user interface can step it from its own loop and never wait
long: one slice at 60× real time is a fraction of a scenario minute.

Player-facing references: incidents are shown as ``C1``, ``C2`` … in the order the
players first hear of them, never by the engine's ids (which would give away how many
calls were lost).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from drillsim.drill import commands, injects, mapview, msel, reach
from drillsim.drill.drilllog import (
    FORMAT,
    BadLogLine,
    DrillLog,
    DrillLogError,
    SecretRefused,
    TamperedLine,
    TamperedLog,
    controller_path,
    read_records,
    repair_tail,
)
from drillsim.drill.packs import (
    DrawnScenario,
    check_pack,
    draw,
    is_pack,
    plain_scenario,
    shown,
)
from drillsim.engine.eventlog import Event
from drillsim.engine.reporting import (
    Gap,
    Message,
    ReportChannel,
    attach,
    demand_text,
    reporters_for,
)
from drillsim.engine.simulation import OrderRefused, Simulation
from drillsim.errors import DrillsimError, Fault, ValidationFailed, cause_traceback
from drillsim.host.pluginhost import PluginHost, load_plugins
from drillsim.scenario.loader import ResolvedScenario, load_scenario
from drillsim.scenario.quantities import read_whole
from drillsim.scenario.validation import suggest

#: speeds offered to players: scenario minutes per wall minute
#: wall seconds between ``clock`` records in the log (how much a crash can lose)
CLOCK_EVERY = 2.0


@dataclass
class Reply:
    """The answer to an order: carried out (``ok``) or refused, and why."""

    ok: bool
    text: str


@dataclass
class FeedItem:
    """A line of the players' feed: a message received or an order given."""

    t: float
    category: str
    source: str
    text: str
    ref: str | None = None


@dataclass
class OrderRecord:
    """An order as the review needs it (engine ids kept for working out its effect)."""

    act: int
    t: float
    text: str
    ok: bool
    reply: str
    command: str = ""
    units: list[str] = field(default_factory=list)
    incident: str | None = None
    township: str | None = None
    #: the seat that gave it (a served drill; None in one terminal)
    seat: str | None = None


@dataclass
class NoteRecord:
    """An evaluator's (or the control cell's) note: scenario minute, seat, text."""

    t: float
    seat: str
    text: str


@dataclass
class InjectRecord:
    """An inject carried out: ``seq`` counts injects (the controller's own counter),
    ``after`` the orders given before it (so the two interleave on replay)."""

    seq: int
    t: float
    inject: dict[str, Any]
    ok: bool
    result: str
    after: int = 0
    #: the planned inject's index (None: an ad-hoc inject)
    planned: int | None = None
    #: the engine id of the incident it created (incident injects)
    incident: str | None = None


class DrillFailed(DrillsimError):
    """The drill stopped because the engine failed (a plugin raised, a runaway run): the
    message says when and why. It is logged, and the drill cannot be resumed past it."""


_BLAME = re.compile(r"^(plugin '[^']*' (?:failed in (?:a simulation process|[a-z_]+)|did not "
                    r"return within [0-9.]+ s))")


def failure_blame(message: str) -> str | None:
    """The part of an engine failure's message that names the plugin and where it failed
    (``plugin 'x' failed in drillsim_event``), without the time and the reason; None when
    the message blames no plugin. (The engine's messages start that way:
    :class:`~drillsim.engine.simulation.PluginFailed`.)"""
    found = _BLAME.match(message)
    return found.group(1) if found else None


def _stops_on_failure(method):
    """Run a session method that moves the engine; if the engine fails, log where and why,
    stop the drill for good and raise :class:`DrillFailed` (no traceback for players)."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if self.failed is not None:
            raise DrillFailed(self.failed_public)
        try:
            return method(self, *args, **kwargs)
        except DrillFailed:
            raise
        except DrillsimError as exc:
            self.failed = (f"the drill stopped at {self.clock_text()} (scenario minute "
                           f"{self.now:.1f}): {exc}")
            # what a player may read: the engine's reason can name hidden values
            self.failed_public = (f"the drill stopped at {self.clock_text()}: the simulation "
                                  "failed; the reason is in the controller log")
            self.paused = True
            self.failed_blame = failure_blame(str(exc))
            self.failed_traceback = cause_traceback(exc)
            if self.log is not None and not self._replaying:
                self.log.controller.append({"rec": "failed", "t": self.now, "error": str(exc),
                                            "traceback": self.failed_traceback})
                self.log.player.append({"rec": "drill_failed", "t": self.now})
            raise DrillFailed(self.failed_public) from None
    return guarded


class DrillSession:
    """One drill.

    :param drawn: the hidden scenario (from a pack or a plain scenario file).
    :param seed: the drill's seed (the pack draw and every random stream).
    :param host: plugin host (default: the installed plugins).
    :param log_path: where to write the drill log (None: no log).
    :param secret: the control secret sealing the controller log (default: a new
        random one, :attr:`secret`, for the caller to hand to the control cell).
    :param clock: wall clock in seconds (tests pass their own).
    :raises ValidationFailed: invalid scenario, pack or reporter params.
    """

    def __init__(self, drawn: DrawnScenario, seed: int, *, host: PluginHost | None = None,
                 log_path: str | Path | None = None, secret: str | None = None,
                 clock: Callable[[], float] = time.time, _resuming: bool = False) -> None:
        self.drawn = drawn
        self.seed = int(seed)
        self.host = host or load_plugins()
        self.clock = clock
        # loaded by the name the user knows (messages print it), not the absolute path kept
        self.scenario: ResolvedScenario = load_scenario(drawn.given or shown(drawn.scenario_path), host=self.host,
                                                        overrides=drawn.overrides or None, seed=self.seed)
        self.sim = Simulation(self.scenario, self.host, seed=self.seed, auto_dispatch=False)
        self.start: dt.datetime = self.scenario.start
        self.horizon = self.scenario.horizon
        self.speed = 60
        self.paused = True
        self.ended = False
        self.end_reason: str | None = None
        #: why the engine stopped the drill for good (:class:`DrillFailed`), else None
        self.failed: str | None = None
        self.failed_public: str | None = None
        #: which plugin failed, and where ("plugin 'x' failed in drillsim_event"), without
        #: the reason (which may name hidden values), for the line after the drill; None
        #: when the engine names no plugin
        self.failed_blame: str | None = None
        #: the Python traceback of what failed (a plugin's own frames), for ``--traceback``
        self.failed_traceback: str | None = None
        self.secret = secret or secrets.token_urlsafe(16)
        self.feed: list[FeedItem] = []
        self.messages: list[Message] = []
        self.gaps: list[Gap] = []
        self.orders: list[OrderRecord] = []
        self.injects: list[InjectRecord] = []
        self.refs: dict[str, str] = {}            # engine incident id -> C1 …
        self.by_ref: dict[str, str] = {}          # C1 … -> engine incident id
        self.heard_at: dict[str, float] = {}      # engine incident id -> first message time
        self.task_since: dict[str, float] = {}    # unit -> dispatch time
        self.shelters: dict[str, float] = {}      # township -> opened at
        self.listeners: list[Callable[[FeedItem], None]] = []
        #: called with each :class:`Message` delivered and its feed item (a drill server
        #: routes them to the seats)
        self.message_listeners: list[Callable[[Message, FeedItem], None]] = []
        self.notes: list[NoteRecord] = []
        self.version = 0                           # bumped on every visible change
        #: township -> hazard state, the truth (engine events) and as reported to the
        #: players (township reports received): :mod:`drillsim.drill.mapview`
        self.extent: dict[str, str] = {}
        self.reported: dict[str, str] = {}
        self._act = 0                              # orders given (the player log's counter)
        self._inject_seq = 0                       # injects carried out (the controller's)
        self._replaying = False
        self._log_skip_seq = 0                     # on resume: messages already in the log
        self._logged: dict[int, dict] = {}         # … those messages, to check the replay
        self.diverged: str | None = None           # the first replayed message unlike its record
        self._log_skip_gaps = 0                    # … and lost reports
        self._last_clock_wall = 0.0
        #: log records an order or inject being carried out made (its messages, lost
        #: reports), written after the order's or inject's own record: see :meth:`_cause_first`
        self._held: list[tuple[Any, dict]] | None = None
        self._closed = False
        self._fired: set[int] = set()
        self._script: list[dict] = []
        self.replay_until: float | None = None
        self.planned = [dict(i) for i in drawn.injects]
        #: when each planned inject is due (times, triggers on actions, injects and events)
        self.schedule = msel.Schedule(self.planned, self.sim.log.subscribe)
        self._muted = False                        # a replay: planned injects fire from the script
        #: how the clock went: wall seconds paused, scenario minutes run by speed and skipped
        self.pace = msel.Pace()
        self._count_pace = True                    # False in a replay: its pace is the drill's
        reporters = reporters_for(self.host, {h.type.name for h in self.scenario.hazards})
        try:
            self.reporting = attach(self.sim, reporters, drawn.reporting, self._deliver, self._lose)
        except ValueError as exc:
            raise ValidationFailed([Fault(drawn.pack, 0, 0, "reporting", str(exc))]) from None
        self._inject_channel: ReportChannel | None = None
        self.sim.log.subscribe("unit_dispatched", self._on_dispatch)
        #: unit -> why it was last put out of service (the review says why no unit could go)
        self.out_of_service_why: dict[str, str] = {}
        self.sim.log.subscribe("unit_out_of_service", self._on_out_of_service)
        #: the calls heard, checked for a unit able to go while they wait (the review's evidence)
        self.calls = reach.CallWatcher(self.sim, self.out_of_service_why)
        for kind in ("hazard_arrival", "hazard_receded"):
            self.sim.log.subscribe(kind, self._on_extent)
        # automatic dispatch acts only on calls the command has heard of: the incidents of
        # ``refs``, asked without a Python call (a dispatch pass asks it of every queued call)
        self._known: set[Any] = set()
        self.sim.dispatch_known = self._known.__contains__
        self.sim.register_order("shelter", self._shelter, "shelter TOWNSHIP")
        self.sim.start()
        for uid in drawn.out_of_service:
            unit = self.sim.units.get(uid)
            if unit is None:
                raise ValidationFailed([Fault(drawn.pack, 0, 0, "out_of_service",
                                              f"no unit {uid!r} in the scenario"
                                              + suggest(uid, list(self.sim.units)))])
            self.sim.set_in_service(unit, False, reason="unavailable")
        self.log: DrillLog | None = None
        if log_path is not None:
            self.log = DrillLog(log_path, self.secret)
            if not _resuming:
                self._write_start()

    # ------------------------------------------------------------------ construction
    @classmethod
    def open(cls, source: str | Path, seed: int | None = None, **kwargs) -> "DrillSession":
        """A drill of a pack (drawn with ``seed``) or a plain scenario file. Without a
        seed one is drawn from the operating system, so nobody knows it in advance.

        :raises ValidationFailed: an invalid pack or scenario.
        """
        source = Path(source)
        if not source.exists():
            raise ValidationFailed([Fault(str(source), 0, 0, "", "no such file or folder")])
        seed = secrets.randbits(31) if seed is None else seed
        if is_pack(source):  # what validate refuses, a drill refuses the same way, up front
            kwargs["host"] = kwargs.get("host") or load_plugins()
            check_pack(source, kwargs["host"])
        drawn = draw(source, seed) if is_pack(source) else plain_scenario(source)
        return cls(drawn, seed, **kwargs)

    @classmethod
    def resume(cls, log_path: str | Path, secret: str | None, *, host: PluginHost | None = None,
               clock: Callable[[], float] = time.time, keep_logging: bool = True) -> "DrillSession":
        """Rebuild a drill from its log (after a crash or kill -9): the same hidden
        scenario and seed, every order and inject replayed at its scenario time, up to the
        last time logged; then it goes on (appending to the same log).

        Only the control cell can: the set-up is in the sealed controller log, opened
        with the control ``secret``.

        :raises ValidationFailed: the log is missing, unreadable, tampered with, not a drill
            log, or the secret does not open it.
        :raises DrillFailed: the drill had stopped on an engine failure.
        """
        log_path = Path(log_path)
        player, control, setup = _read_log_pair(log_path, secret, repair=True)
        failed = next((r for r in control if r.get("rec") == "failed"), None)
        if failed is not None:
            raise DrillFailed(f"this drill stopped at scenario minute {failed['t']:.1f} because "
                              f"{failed['error']}; it cannot be resumed past that point (the same "
                              f"failure would happen again). Play it back with: drillsim replay "
                              f"{log_path}")
        drawn = DrawnScenario.from_dict(setup["drawn"])
        session = cls(drawn, setup["seed"], host=host, clock=clock, secret=secret,
                      log_path=log_path if keep_logging else None, _resuming=True)
        session.replay_records(player, control)
        if session.log is not None:
            session.log.player.append({"rec": "resumed", "t": session.now})
        return session

    def replay_records(self, player: list[dict], control: list[dict], until: float | None = None) -> None:
        """Re-run orders and injects from log records at their scenario times, up to the
        last time logged (or ``until``), without logging them again."""
        last_t = max([r.get("t", 0.0) for r in player + control if "t" in r] + [0.0])
        if until is not None:
            last_t = min(last_t, until)
        self._log_skip_seq = max([r["seq"] for r in player if r.get("rec") == "message"] + [0])
        self._log_skip_gaps = sum(1 for r in control if r.get("rec") == "lost")
        self.load_script(player, control)
        self.notes = [NoteRecord(r["t"], r["seat"], r["text"]) for r in control
                      if r.get("rec") == "note" and r.get("t", 0.0) <= last_t]
        self._replaying = True
        self._logged = {r["seq"]: r for r in player if r.get("rec") == "message"}
        try:
            self.advance_to(last_t)
            speed = [r for r in player if r.get("rec") == "speed"]
            if speed:
                self.speed = speed[-1]["speed"]
            self.pace.from_records(player)
        finally:
            self._replaying = False
            self._muted = False  # planned injects not yet due fire live again
        if self.diverged:
            raise ValidationFailed([Fault(str(self.log.player.path if self.log else "drill log"), 0, 0, "",
                                          f"the replay does not match the log: {self.diverged}; "
                                          f"{_NOT_THIS_DRILL} (refusing to go on from a different "
                                          "drill)")])
        end = next((r for r in player if r.get("rec") == "drill_ended"), None)
        if end is not None and until is None and not self.ended:
            self.end(end.get("reason", "ended"), _log=False)

    def load_script(self, player: list[dict], control: list[dict]) -> None:
        """Take a drill's orders and injects from its log records as a script: each is
        carried out when the clock reaches its scenario time (a resume or a replay).
        Planned injects then fire only from the script."""
        orders = [r for r in player if r.get("rec") == "order"]
        injected = [r for r in control if r.get("rec") == "inject"]
        # an inject given after n orders comes after order n and before order n+1
        self._script = sorted(orders + injected, key=lambda r: (r["act"], 0, 0) if r["rec"] == "order"
                              else (r["after"], 1, r["seq"]))
        self._muted = True

    @classmethod
    def replayer(cls, log_path: str | Path, secret: str | None, *,
                 host: PluginHost | None = None) -> "DrillSession":
        """A session that plays a logged drill back from the start (nothing is written):
        advance it at any speed; the logged orders and injects happen at their times.
        Needs the control ``secret`` (the set-up is sealed in the controller log).

        :raises ValidationFailed: the log is missing, not a drill log, or not opened by
            the secret.
        """
        player, control, setup = _read_log_pair(Path(log_path), secret)
        # the players' log must be the drill the controller log's set-up makes: a player
        # log beside another drill's controller log (another seed, pack or scenario, or
        # a copy put back beside the wrong one) played a drill that never happened
        # without a word. Checked as a resume checks it, by running the drill through
        # the logged orders and injects, before anything is shown
        check = cls(DrawnScenario.from_dict(setup["drawn"]), setup["seed"], host=host)
        try:
            check.replay_records(player, control)
        except DrillFailed:  # the drill stopped on a failure: its playback stops there too
            pass
        except ValidationFailed:
            pass  # check.diverged says it, below
        if check.diverged is not None:
            raise ValidationFailed([Fault(str(log_path), 0, 0, "", (
                f"the replay does not match the log: {check.diverged}; {_NOT_THIS_DRILL} "
                "(nothing was played)"))])
        session = cls(DrawnScenario.from_dict(setup["drawn"]), setup["seed"], host=host)
        session.load_script(player, control)
        # the review of a replay tells the drill's clock, not the replay's
        session.pace.from_records(player)
        session._count_pace = False
        ended = next((r for r in player if r.get("rec") == "drill_ended"), None)
        session.replay_until = ended["t"] if ended else max(
            [r.get("t", 0.0) for r in player + control if "t" in r] + [0.0])
        return session

    def start_log(self, log_path: str | Path, secret: str | None = None) -> None:
        """Start the drill log now (a session opened without one: a drill server checks
        its seats against the simulation, ``drill play`` the terminal, before anything
        is written).

        :param secret: the control secret sealing the controller log (default: the one
            the session was opened with, or made).

        :raises DrillLogError: the log cannot be written.
        :raises RuntimeError: the session already has a log.
        """
        if self.log is not None:
            raise RuntimeError("this drill already has a log")
        if secret is not None:
            self.secret = secret
        self.log = DrillLog(log_path, self.secret)
        self._write_start()

    def _write_start(self) -> None:
        assert self.log is not None
        self.log.controller.append({"rec": "setup", "format": FORMAT, "seed": self.seed,
                                    "drawn": self.drawn.to_dict(), "t": 0.0})
        # no pack path or name: the pack lists every variant and planned inject
        self.log.player.append({"rec": "drill_started", "format": FORMAT, "t": 0.0,
                                "start": self.start.isoformat(), "horizon": self.horizon})

    # ------------------------------------------------------------------ the clock
    @property
    def now(self) -> float:
        """Scenario minutes since the start."""
        return self.sim.now

    def clock_text(self, t: float | None = None) -> str:
        """Scenario date and time, ``2020-08-16 09:30``."""
        when = self.start + dt.timedelta(minutes=self.now if t is None else t)
        return f"{when:%Y-%m-%d %H:%M}"

    def elapsed_text(self, t: float | None = None) -> str:
        m = int(self.now if t is None else t)
        return f"+{m // 1440}d {m % 1440 // 60:02d}:{m % 60:02d}" if m >= 1440 else f"+{m // 60:02d}:{m % 60:02d}"

    def tick(self, wall_seconds: float) -> None:
        """Advance by ``wall_seconds`` of real time at the current speed (nothing when
        paused or ended)."""
        if self.paused or self.ended or wall_seconds <= 0:
            return
        # SimPy's clock read as the engine reads it (``_now``, without its property's call:
        # the tick runs 10 times a second, and most ticks do nothing else)
        env = self.sim.env
        t0 = env._now
        try:
            self.advance_to(t0 + wall_seconds * self.speed / 60.0)  # (what advance() does)
        finally:
            if self._count_pace:
                self.pace.ran(self.speed, env._now - t0)

    def advance(self, minutes: float) -> None:
        """Advance the simulation by ``minutes`` of scenario time (planned injects fire
        when due; the drill ends at the horizon)."""
        if self.ended:
            return
        self.advance_to(self.sim.env.now + minutes)  # (advance_to stops at the horizon)

    @_stops_on_failure
    def advance_to(self, t: float) -> None:
        """Run the simulation to scenario minute ``t`` (at most the horizon); planned
        injects due and scripted orders (a resume or a replay) happen at their times."""
        # (comparisons rather than min(): this runs every tick)
        if t > self.horizon:
            t = self.horizon
        if self.replay_until is not None and t > self.replay_until:
            t = self.replay_until
        schedule, env = self.schedule, self.sim.env
        while not self.ended:
            # schedule.next_due() and .step_limit(now), read without the calls (every tick)
            due = schedule.due[0][0] if schedule.due else math.inf
            step = self._script[0]["t"] if self._script else math.inf
            limit = env._now + schedule.armed_step  # an armed event trigger: small steps
            if limit < due and limit < step and limit < t:
                self._run(limit)
                continue
            if due > t and step > t:
                break
            if due <= step:
                at, n = self.schedule.pop()
                self._run(at)
                if not self._muted and n not in self._fired and self.schedule.wanted(
                        n, self.order_views(), self.world()):
                    self.fire(self.planned[n], planned=n)
            else:
                r = self._script.pop(0)
                self._run(r["t"])
                if r["rec"] == "order":
                    self.command(r["text"], controller=r.get("controller", False), _act=r["act"],
                                 seat=r.get("seat"))
                else:
                    self.fire(r["inject"], _seq=r["seq"], planned=r.get("planned"))
        if t > env._now:  # self._run(t), inlined: every tick ends here
            self.sim.run(until=float(t))
            self.version += 1
        now = env._now
        if not self.ended and (now >= self.horizon or (
                self.replay_until is not None and now >= self.replay_until and not self._replaying)):
            if not self._replaying:
                self.end("horizon reached" if now >= self.horizon else "end of the recorded drill")
        if self.log is not None and not self._replaying:
            wall = self.clock()
            if wall - self._last_clock_wall >= CLOCK_EVERY:
                self._last_clock_wall = wall
                self.log.player.append({"rec": "clock", "t": self.now})

    def log_clock(self) -> None:
        """Write the clock to the log now (after a jump of the clock: a resume then goes
        on from here, not from the last ``clock`` record)."""
        if self.log is not None and not self._replaying:
            self._last_clock_wall = self.clock()
            self.log.player.append({"rec": "clock", "t": self.now})

    def _run(self, t: float) -> None:
        if t <= self.sim.env.now:
            return
        # (the calls waiting are checked on the scenario clock's grid by events of their
        # own, whatever the slices: reach.CallWatcher)
        self.sim.run(until=float(t))  # float: the clock reads the same live and replayed
        self.version += 1

    def _settle(self) -> None:
        """Carry out what an order set going at this instant (interrupts, dispatch
        passes) so the boards show its effect at once; the clock does not move. Done the
        same way live and in a replay, so it changes no result."""
        env = self.sim.env
        while env.peek() == env.now:
            env.step()
        self.version += 1

    def jump(self, minutes: float) -> None:
        """Fast-forward ``minutes`` of scenario time at once (the control cell's ``advance``):
        the same as :meth:`advance`, counted and logged as a skip for the review."""
        t0 = self.now
        try:
            self.advance(minutes)
        finally:
            if self._count_pace:
                self.pace.skipped(t0, self.now)
            if self.log is not None and not self._replaying and self.now > t0:
                self.log.player.append({"rec": "skip", "t": self.now, "from": t0})

    def run_until_message(self, limit: float = 24 * 60.0, step: float = 1.0) -> bool:
        """Fast-forward until the next message arrives (at most ``limit`` minutes, in
        ``step``-minute slices); True if one did."""
        seen, t0 = len(self.messages), self.now
        end = min(self.now + limit, self.horizon)
        try:
            while self.now < end and len(self.messages) == seen and not self.ended:
                self.advance_to(min(self.now + step, end))
        finally:
            if self._count_pace:
                self.pace.skipped(t0, self.now)
            if self.log is not None and not self._replaying and self.now > t0:
                self.log.player.append({"rec": "skip", "t": self.now, "from": t0})
        return len(self.messages) > seen

    def set_speed(self, speed: int) -> None:
        self.speed = speed
        self.version += 1
        if self.log is not None and not self._replaying:
            self.log.player.append({"rec": "speed", "t": self.now, "speed": speed})

    def set_paused(self, paused: bool) -> None:
        wall = self.clock()
        if paused != self.paused and self._count_pace:
            self.pace.paused(paused, wall)
        self.paused = paused
        self.version += 1
        if self.log is not None and not self._replaying:  # the session's clock: a resume sums the pauses alike
            self.log.player.append({"rec": "pause" if paused else "run", "t": self.now, "wall": round(wall, 3)})

    # ------------------------------------------------------------------ messages
    def _deliver(self, message: Message) -> None:
        if message.incident is not None and message.incident not in self.refs:
            ref = f"C{len(self.refs) + 1}"
            self.refs[message.incident] = ref
            self.by_ref[ref] = message.incident
            self.heard_at[message.incident] = message.t
            incident = self.sim.incidents.get(message.incident)
            if incident is not None:
                self._known.add(incident)
            if incident is not None and incident.in_queue and self.sim._auto_forces:
                self.sim.dispatch_pass()  # now known: automatic dispatch may act on it
            if incident is not None:
                self.calls.heard(incident)
        self.messages.append(message)
        if message.category == "township" and message.township:
            state = mapview.report_state(message.text)
            if state is not None:
                self.reported[message.township] = state
        logged = self._logged.get(message.seq)
        if logged is not None and self.diverged is None and (
                logged.get("text") != message.text or abs(logged.get("t", 0.0) - message.t) > 1e-6):
            self.diverged = (f"message {message.seq} was {logged.get('text')!r} at minute "
                             f"{logged.get('t', 0.0):.1f}, the replay gives {message.text!r} at "
                             f"{message.t:.1f}")
        item = FeedItem(message.t, message.category, message.source, message.text,
                        self.refs.get(message.incident) if message.incident else None)
        self._add(item)
        for listener in self.message_listeners:
            listener(message, item)
        if self.log is not None and message.seq > self._log_skip_seq:  # a resume logs each once
            self._write(self.log.player, {"rec": "message", "seq": message.seq, "t": message.t,
                                          "category": message.category, "source": message.source,
                                          "text": message.text, "ref": item.ref})

    def _lose(self, gap: Gap) -> None:
        self.gaps.append(gap)
        if self.log is not None and len(self.gaps) > self._log_skip_gaps:  # a resume logs each once
            self._write(self.log.controller, {"rec": "lost", "t": gap.t, "reporter": gap.reporter,
                                              "text": gap.text, "incident": gap.incident})

    def _write(self, log, record: dict) -> None:
        """Append ``record`` to ``log`` (the player or the controller log) now, or, while an
        order or inject is being carried out, once its own record is written."""
        if self._held is not None:
            self._held.append((log, record))
        else:
            log.append(record)

    @contextlib.contextmanager
    def _cause_first(self):
        """Hold the log records of what an order or inject makes happen at once (a call
        it creates, a message it sends, a report lost) until the order's or inject's own
        record is written, at the end of the ``with`` block: the cause is logged before its
        effects. A drill killed between the two then leaves neither, or the cause alone
        (which a resume carries out again, logging the effects); an effect logged without
        its cause would be missing from the replay, and the drill could not be resumed
        (\"the replay does not match the log\"). If the block fails, what it held is
        dropped with it (the order was not logged either). Nested blocks share the
        outermost one's hold."""
        if self._held is not None:
            yield
            return
        self._held = []
        try:
            yield
            held = self._held
        finally:
            self._held = None
        for log, record in held:
            log.append(record)

    def _add(self, item: FeedItem) -> None:
        self.feed.append(item)
        self.version += 1
        for listener in self.listeners:
            listener(item)

    def _on_dispatch(self, event: Event) -> None:
        self.task_since[event.unit] = event.t

    def _on_out_of_service(self, event: Event) -> None:
        self.out_of_service_why[event.unit] = event.details.get("reason") or ""

    def _on_extent(self, event: Event) -> None:
        township = event.details.get("township")
        state = mapview.event_state(event.kind, event.details)
        if township and state is not None:
            self.extent[township] = state

    def _say(self, source: str, text: str, township: str | None = None) -> None:
        if self._inject_channel is None:
            self._inject_channel = ReportChannel(self.sim, "inject", self._deliver, self._lose,
                                                 self.reporting.counter)
        self._inject_channel.send(text, category="inject", source=source, township=township)

    # ------------------------------------------------------------------ what players see
    def known_incidents(self) -> list[tuple[str, Any]]:
        """``[(C-ref, Incident)]`` the players have heard of, in that order."""
        return [(ref, self.sim.incidents[iid]) for ref, iid in self.by_ref.items()]

    def unit_rows(self) -> list[dict[str, Any]]:
        """The unit board: id, force, status, location, task, minutes on task."""
        rows = []
        for unit in self.sim._unit_list:
            pos = unit.position(self.now)
            town = pos.township
            if unit._trip is not None:
                where = f"→ {self.place_label(unit._trip[1])}"
                town = unit._trip[1].township
            else:
                where = self.place_label(pos) if pos.kind != "en_route" else "en route"
            task = ""
            since = None
            if unit.incident is not None:
                task = self.refs.get(unit.incident.id, "?")
                since = self.task_since.get(unit.id)
            elif unit.base is not self.sim.home_bases[unit.id]:
                task = "standby"
            rows.append({"unit": unit.id, "force": unit.force.id,
                         "status": unit.status.replace("_", " "), "where": where, "task": task,
                         "on_task": None if since is None else self.now - since,
                         "auto": unit.force.id in self.sim._auto_forces, "township": town})
        return rows

    def incident_rows(self) -> list[dict[str, Any]]:
        """The incident board: what the players know of each open incident."""
        rows = []
        for ref, inc in self.known_incidents():
            status = {"completed": "done", "working": "units working", "queued": "waiting",
                      "assigned": "units en route"}[inc.status]
            if not inc.completed and not inc.assigned:
                status = "waiting"
            rows.append({"ref": ref, "kind": inc.kind.replace("_", " "), "where": self.place_label(inc.place),
                         "heard": self.heard_at.get(inc.id, inc.created),
                         "demand": demand_text(inc.demand),
                         "units": " ".join(u.id for u in inc.assigned), "status": status,
                         "open": not inc.completed, "township": inc.place.township})
        return rows

    def map_state(self, truth: bool = False) -> dict[str, Any]:
        """The compact map (:func:`drillsim.drill.mapview.map_state`): the players' (the
        extent as the townships reported it) or, with ``truth``, the control cell's."""
        if not hasattr(self, "_geography"):
            self._geography = mapview.geography(self.sim.region)
        return mapview.map_state(self._geography, self.unit_rows(), self.incident_rows(),
                                 self.extent if truth else self.reported, truth)

    def place_label(self, place) -> str:
        """A place as players see it: an incident's own point by its township's name (its
        number would tell how many calls from there were never heard)."""
        if place.id in self.sim.region.places:
            return place.name
        town = self.sim.region.places.get(place.township or "")
        return f"near {town.name}" if town is not None else place.name

    def vocabulary(self, controller: bool = False) -> commands.Vocabulary:
        """The ids orders may name now (for completion)."""
        r = self.sim.region
        aid = self.sim.orders.get("mutual_aid")
        v = commands.Vocabulary(
            units=list(self.sim.units),
            incidents=[ref for ref, inc in self.known_incidents() if not inc.completed],
            townships=list(r.townships), places=list(r.townships) + [s.id for s in r.spec.sites],
            forces=list(self.sim.forces),
            aid_forces=list(getattr(aid[0], "forces", {})) if aid else [],
            planned=[str(n + 1) for n in range(len(self.planned))])
        return v

    # ------------------------------------------------------------------ orders
    @_stops_on_failure
    def command(self, line: str, controller: bool = False, _act: int | None = None,
                seat: str | None = None) -> Reply:
        """Carry out one order line; an order that cannot be carried out changes
        nothing and gets a reply saying why. Every order is logged (with ``seat``, the
        seat that gave it, in a served drill)."""
        line = " ".join(line.lstrip(":/").split())
        if self.ended and _act is None:
            return Reply(False, "the drill has ended")
        try:
            parsed = commands.parse(line, controller)
        except commands.CommandError as exc:
            return Reply(False, str(exc))  # not an order: not logged
        if parsed.spec.name == "inject":
            try:
                inject = injects.parse_line(parsed.args)
            except OrderRefused as exc:
                return Reply(False, str(exc))
            rec = self.fire(inject)
            return Reply(rec.ok, rec.result)
        if parsed.spec.name == "fire":
            return self._fire_planned(parsed.args[0])
        act = self._next_act(_act)
        record = OrderRecord(act, self.now, line, False, "", parsed.spec.name, seat=seat)
        with self._cause_first():
            try:
                text = self._carry_out(parsed, record)
                record.ok, record.reply = True, text
            except OrderRefused as exc:
                record.reply = str(exc)
            self.orders.append(record)
            if record.ok:
                self._settle()
            self._add(FeedItem(self.now, "order", "you", f"{line} — {record.reply}"
                               if record.ok else f"{line} — REFUSED: {record.reply}"))
            if self.log is not None and not self._replaying:
                self.log.player.append({"rec": "order", "act": act, "t": self.now, "text": line,
                                        "ok": record.ok, "reply": record.reply, "controller": controller,
                                        **({"seat": seat} if seat else {})})
        if parsed.spec.name == "end" and record.ok:
            self.end("ended by order", _log=not self._replaying)
        return Reply(record.ok, record.reply)

    def _next_act(self, given: int | None) -> int:
        """The act number of a new order or inject (a replayed one keeps its own)."""
        if given is not None:
            self._act = max(self._act, given)
            return given
        self._act += 1
        return self._act

    def _unit(self, uid: str):
        unit = self.sim.units.get(uid)
        if unit is None:
            raise OrderRefused(f"no unit {uid!r}" + suggest(uid, list(self.sim.units)))
        return unit

    def _incident(self, ref: str):
        iid = self.by_ref.get(ref.upper())
        if iid is None:
            raise OrderRefused(f"no incident {ref!r} known to the command"
                               + (f" (known: {', '.join(self.by_ref)})" if self.by_ref else ""))
        return self.sim.incidents[iid]

    def _township(self, tid: str) -> str:
        if tid not in self.sim.region.townships:
            raise OrderRefused(f"no township {tid!r}" + suggest(tid, list(self.sim.region.townships)))
        return tid

    def _why_not_free(self, unit) -> str:
        where = f" ({self.refs.get(unit.incident.id, 'a task')})" if unit.incident is not None else ""
        if unit.status == "out_of_service":
            why = self.out_of_service_why.get(unit.id) or ""
            aid = self.sim.orders.get("mutual_aid")
            if why == "mutual aid not requested" and aid and unit.force.id in getattr(aid[0], "forces", {}):
                why += f": order aid {unit.force.id}"
            where = f" ({why})" if why else ""
        return f"{unit.id} is {unit.status.replace('_', ' ')}{where}, not free"

    def _why_unreachable(self, unit, place) -> str:
        """Why ``unit`` cannot reach ``place`` now, as its crew would say it: the
        hazards' and road cuts' reasons (without the hazard's id), or ''."""
        hazards = {h.id for h in self.scenario.hazards}
        reasons = []
        for r in self.sim.access(unit, unit.position(self.now), place).reasons:
            head, sep, rest = r.partition(": ")
            r = rest if sep and head in hazards else r
            if r and r not in reasons:
                reasons.append(r)
        return "; ".join(reasons)

    def _check_dispatch(self, unit, incident) -> float:
        """Refuse (OrderRefused) unless ``unit`` can go to ``incident`` now; returns its
        estimated travel minutes."""
        ref = self.refs.get(incident.id, incident.id)
        if incident.completed:
            raise OrderRefused(f"{ref} is already done")
        if not unit.dispatchable:
            raise OrderRefused(self._why_not_free(unit) + (" — recall it first" if unit.incident else ""))
        if unit in incident.assigned:
            raise OrderRefused(f"{unit.id} is already assigned to {ref}")
        if unit.serves is not None and incident.kind not in unit.serves:
            raise OrderRefused(f"{unit.id} is not tasked for {incident.kind.replace('_', ' ')} "
                               f"(only {', '.join(sorted(unit.serves))})")
        if unit.area == "home" and incident.place.township != unit.home:
            raise OrderRefused(f"{unit.id} works only in its own township ({unit.home})")
        if not any(unit.capabilities.get(c, 0) > 0 for c in incident.demand):
            raise OrderRefused(f"{ref} needs {', '.join(incident.demand)}; {unit.id} brings "
                               f"{', '.join(c for c, v in unit.capabilities.items() if v)}")
        minutes = self.sim.travel_time(unit, unit.position(self.now), incident.place)
        if math.isinf(minutes):
            if unit.mode == "air":
                raise OrderRefused(f"no landing site within reach of {ref} ({self.place_label(incident.place)})")
            t = incident.place.township
            why = self._why_unreachable(unit, incident.place)
            if t in self.sim.closed_townships:
                why = f"roads to {t} are cut"
            raise OrderRefused(f"{unit.id} cannot reach {ref}" + (f": {why}" if why else ""))
        return minutes

    def _carry_out(self, parsed: commands.Parsed, record: OrderRecord) -> str:
        name, args = parsed.spec.name, parsed.args
        sim = self.sim
        if name == "dispatch":
            incident = self._incident(args[-1])
            units = [self._unit(u) for u in args[:-1]]
            if len({u.id for u in units}) != len(units):
                raise OrderRefused("a unit is named twice")
            eta = [self._check_dispatch(u, incident) for u in units]
            for u in units:
                sim.dispatch(u, incident, by="player")
            record.units, record.incident = [u.id for u in units], incident.id
            return ", ".join(f"{u.id} to {args[-1].upper()} (travel ≈ {m:.0f} min)"
                             for u, m in zip(units, eta))
        if name == "air":
            incident = self._incident(args[0])
            air = [u for u in sim._unit_list if u.mode == "air"]
            if not air:
                raise OrderRefused("no aviation in this scenario")
            free = [u for u in air if u.dispatchable]
            if not free:
                raise OrderRefused("no helicopter free: " + "; ".join(self._why_not_free(u) for u in air))
            # the scenario's rules on who may go now (daylight flying …), as automatic dispatch applies them
            allowed = sim.allowed(incident, free)
            if not allowed:
                raise OrderRefused("no helicopter may take off now: " + "; ".join(
                    f"{u.id}: {commands.held_why(sim.log.events, u.force.id)}" for u in free))
            free = allowed
            options, last = [], None
            for u in free:
                try:
                    options.append((self._check_dispatch(u, incident), u.index, u))
                except OrderRefused as exc:
                    last = exc
            if not options:
                raise last
            minutes, _, unit = min(options, key=lambda o: o[:2])
            sim.dispatch(unit, incident, by="player")
            record.units, record.incident = [unit.id], incident.id
            return f"{unit.id} tasked to {args[0].upper()} (flight ≈ {minutes:.0f} min)"
        if name == "recall":
            unit = self._unit(args[0])
            if unit.incident is not None and unit.process is not None and unit.process.is_alive:
                record.units, record.incident = [unit.id], unit.incident.id
                sim.recall(unit, by="player")
                return f"{unit.id} recalled"
            home = sim.home_bases[unit.id]
            if unit.base is not home and unit.dispatchable:
                sim.move(unit, home, by="player")
                record.units = [unit.id]
                return f"{unit.id} back to {home.name}"
            raise OrderRefused(f"{unit.id} is not on a task or a stand-by post")
        if name == "standby":
            unit = self._unit(args[0])
            if args[1] not in sim.region.places:
                raise OrderRefused(f"no place {args[1]!r}" + suggest(args[1], list(sim.region.places)))
            if not unit.dispatchable:
                raise OrderRefused(self._why_not_free(unit))
            sim.move(unit, args[1], by="player")
            record.units, record.township = [unit.id], sim.region.places[args[1]].township
            return f"{unit.id} to stand by at {sim.region.places[args[1]].name}"
        if name == "evacuate":
            tid = self._township(args[0])
            record.township = tid
            return str(sim.order("evacuate", township=tid, by="player"))
        if name == "shelter":
            tid = self._township(args[0])
            record.township = tid
            return str(sim.order("shelter", township=tid, by="player"))
        if name == "supplies":
            tid = self._township(args[0])
            record.township = tid
            try:
                amount = read_whole(args[1])
            except ValueError:
                raise OrderRefused(f"{args[1]!r}: give the number of people, e.g. 500") from None
            if amount <= 0:
                raise OrderRefused("give a number of people above 0")
            if not sim.reserves:
                raise OrderRefused("no reserves in this scenario")
            reserve = next(iter(sim.reserves.values()))
            have = reserve.available(tid) + reserve.available("district")
            if have <= 0:
                raise OrderRefused(f"reserve exhausted: no {reserve.id.replace('_', ' ')} left for {tid} "
                                   "or at district level")
            got = reserve.draw(tid, amount, purpose="relocation")
            return (f"{got:,.0f} released for {tid}" if got >= amount else
                    f"only {got:,.0f} of {amount:,} released for {tid}: stock exhausted")
        if name == "aid":
            if "mutual_aid" not in sim.orders:  # (the player typed aid: not the engine's order name)
                raise OrderRefused("no mutual aid in this scenario")
            return str(sim.order("mutual_aid", force=args[0], by="player"))
        if name == "auto":
            on = args[0].lower()
            if on not in ("on", "off"):
                raise OrderRefused("usage: auto on|off FORCE|all")
            forces = None if args[1] == "all" else [args[1]]
            if forces and forces[0] not in sim.forces:
                raise OrderRefused(f"no force {args[1]!r}" + suggest(args[1], list(sim.forces)))
            sim.set_auto_dispatch(on == "on", forces)
            return f"automatic dispatch {on} for {args[1]}"
        if name == "end":
            return "drill ended"
        raise OrderRefused(f"order {name!r} is not available here")

    def _shelter(self, township: str, by: str = "player") -> str:
        if township in self.shelters:
            raise OrderRefused(f"a shelter is already open in {township} "
                               f"(since {self.clock_text(self.shelters[township])})")
        self.shelters[township] = self.now
        self.sim.log.log("shelter_opened", township=township, by=by)
        return f"shelter opened in {township}"

    # ------------------------------------------------------------------ injects
    def _fire_planned(self, which: str) -> Reply:
        try:
            n = read_whole(which) - 1  # the digits 0-9 (int() took '１')
            inject = self.planned[n]
            if n < 0:
                raise IndexError
        except (ValueError, IndexError):
            return Reply(False, f"no planned inject {which!r} (1–{len(self.planned)})")
        if n in self._fired:
            return Reply(False, f"planned inject {which} was already fired")
        rec = self.fire(inject, planned=n)
        return Reply(rec.ok, rec.result)

    @_stops_on_failure
    def fire(self, inject: dict[str, Any], _seq: int | None = None, planned: int | None = None) -> InjectRecord:
        """Carry out a controller's inject now (logged to the controller log, numbered
        by the controller's own counter: the player log shows no gap for it)."""
        self._inject_seq = seq = max(self._inject_seq + 1, _seq or 0)
        known = len(self.sim.incidents)
        with self._cause_first():
            try:
                result = injects.apply(self.sim, inject, self._say)
                ok = True
            except OrderRefused as exc:
                result, ok = str(exc), False
            made = list(self.sim.incidents)[known:] if inject.get("kind") == "incident" and ok else []
            if planned is not None and ok:
                self._fired.add(planned)
                self.schedule.fired(planned, self.now)
            if ok:
                self._settle()
            rec = InjectRecord(seq, self.now, dict(inject), ok, result, after=self._act, planned=planned,
                               incident=made[0] if made else None)
            self.injects.append(rec)
            self.version += 1
            if self.log is not None and not self._replaying:
                self.log.controller.append({"rec": "inject", "seq": seq, "after": self._act, "t": self.now,
                                            "inject": inject, "ok": ok, "result": result, "planned": planned})
        return rec

    # ------------------------------------------------------------------ evaluation
    def order_views(self) -> list[msel.OrderView]:
        """The orders carried out, as the MSEL's action matching reads them."""
        return [msel.OrderView(o.t, o.command, o.units, o.incident, o.township, o.text, o.seat)
                for o in self.orders if o.ok]

    def world(self) -> msel.World:
        """The look-ups the MSEL's action matching needs, on this drill's simulation."""
        sim = self.sim

        def incident_at(iid: str):
            inc = sim.incidents.get(iid)
            return (None, None) if inc is None else (inc.place.township, inc.place.id)

        def inject_incident(ident: str):
            return next((r.incident for r in self.injects if r.ok and r.planned is not None
                         and self.planned[r.planned].get("id") == ident), None)

        return msel.World(lambda u: sim.units[u].force.id if u in sim.units else None,
                          incident_at, inject_incident)

    def note(self, seat: str, text: str) -> NoteRecord:
        """Keep an evaluator's note, stamped with the scenario time and the seat, in the
        sealed controller log (players never read it) and for the review.

        :raises ValueError: an empty note.
        """
        text = " ".join(text.split())
        if not text:
            raise ValueError("an empty note")
        rec = NoteRecord(self.now, seat, text)
        self.notes.append(rec)
        if self.log is not None and not self._replaying:
            self.log.controller.append({"rec": "note", "t": rec.t, "seat": seat, "text": text})
        return rec

    def _against_warning(self, reading: dict) -> str:
        """A gauge reading against its hazard's warning stage, as a flood controller says
        it: ``; 5.10 m above the warning stage (超警; 警戒水位 238.00 m)``; empty for a
        hazard whose params name no gauge with a warning stage."""
        hazard = next((h for h in self.sim.hazards if h.id == reading.get("hazard")), None)
        warning = getattr(getattr(getattr(hazard, "params", None), "gauge", None), "warning_stage", None)
        if warning is None:
            return ""
        over = reading["stage"] - warning
        words = (f"{over:.2f} m above the warning stage (超警" if over > 0 else
                 f"{-over:.2f} m below the warning stage (")
        return f"; {words}; 警戒水位 {warning:.2f} m)"

    def truth(self) -> dict[str, Any]:
        """What the control cell (and evaluators) see: the hazard's state, the hidden
        set-up, the planned injects and every incident, heard or not (plain data: the
        controller screen draws it, a drill server sends it to control seats only)."""
        sim = self.sim
        hazard = []
        for e in reversed(sim.log.events):
            if e.kind == "gauge_reading":
                hazard.append(f"gauge {e.details['gauge']}: {e.details['stage']} m, "
                              f"{e.details['discharge']:,.0f} m³/s" + self._against_warning(e.details))
                break
        summary = next((e.details for e in sim.log.events if e.kind == "hazard_summary"), None)
        f = summary.get("figures") if summary else None
        if isinstance(f, dict):  # (a plugin's summary may carry none, or no mapping)
            if "gauge_peak_stage_m" in f:
                hazard.append(f"peak {f.get('gauge_peak_stage_m', 0):.2f} m at "
                              f"{self.clock_text(f.get('gauge_peak_time_min', 0))}; warning at "
                              f"{self.clock_text(f['warning_time_min']) if f.get('warning_time_min') is not None else 'none'}")
        planned = []
        for n, inj in enumerate(self.planned):
            due = injects.due_minutes(inj)
            planned.append({"n": n + 1, "due": None if due is None else self.clock_text(due),
                            "trigger": msel.describe_trigger(inj),
                            "inject": injects.describe(inj), "fired": n in self._fired})
        incidents = [{"id": inc.id, "ref": self.refs.get(inc.id), "kind": inc.kind, "where": inc.place.name,
                      "created": self.clock_text(inc.created), "status": inc.status}
                     for inc in list(sim.incidents.values())[-200:]]
        return {"hazard": hazard, "pack": self.drawn.pack_name, "variant": self.drawn.variant,
                "seed": self.seed, "choices": {k: str(v) for k, v in self.drawn.choices.items()},
                "incidents_total": len(sim.incidents), "heard": len(self.refs), "lost_reports": len(self.gaps),
                "roads_cut": list(sim.closed_townships), "planned": planned, "incidents": incidents,
                "notes": [{"t": n.t, "time": self.clock_text(n.t), "seat": n.seat, "text": n.text}
                          for n in self.notes]}

    # ------------------------------------------------------------------ the end
    @_stops_on_failure
    def end(self, reason: str, _log: bool = True) -> None:
        """End the drill now (horizon reached or ended by the controller)."""
        if self.ended:
            return
        self.ended = True
        self.end_reason = reason
        self.paused = True
        if self.now < self.horizon:
            self.calls.withdraw()  # the run's end sees only the run's own events
            self.sim.finish()
        self.version += 1
        if self.log is not None and _log:
            self.log.player.append({"rec": "drill_ended", "t": self.now, "reason": reason})

    def reveal(self) -> dict[str, Any]:
        """The hidden scenario, for after the end: what was drawn, the seed, the truth
        of the hazard, the incidents the players never heard of.

        :raises RuntimeError: the drill has not ended.
        """
        if not self.ended:
            raise RuntimeError("the scenario is revealed only after the drill ends")
        summary = next((e.details for e in self.sim.log.events if e.kind == "hazard_summary"), {})
        unheard = [i for i in self.sim.incidents.values() if i.id not in self.refs]
        return {"scenario": self.scenario.name, "pack": self.drawn.pack_name, "variant": self.drawn.variant,
                "choices": self.drawn.choices, "seed": self.seed,
                "out_of_service": self.drawn.out_of_service,
                "hazard": figures if isinstance(figures := summary.get("figures"), dict) else {},
                "incidents": len(self.sim.incidents), "heard": len(self.refs),
                "never_heard": [{"id": i.id, "kind": i.kind, "place": i.place.name,
                                 "created": i.created} for i in unheard],
                "lost_reports": len(self.gaps)}

    def write_reveal(self, review_path: str | None = None) -> None:
        if self.log is not None:
            self.log.player.append({"rec": "reveal", "t": self.now, "reveal": self.reveal(),
                                    "review": review_path})

    def close(self) -> None:
        """Close the drill log; a drill not yet ended first logs its clock, so a resume
        goes on from where it was left (quit, or stopped by a signal), not from the last
        ``clock`` record (up to :data:`CLOCK_EVERY` wall seconds before)."""
        if self.log is not None and not self._closed:
            self._closed = True
            if not self.ended and self.failed is None and self.now > 0:
                try:
                    self.log_clock()
                except DrillLogError:  # the log had failed: that was said when it did
                    pass
            self.log.close()


#: why a replay would not show the logged drill
_NOT_THIS_DRILL = ("the controller log beside it is another drill's (another seed, pack or "
                   "scenario), or the log or the installed plugins changed since the drill")


def check_log_pair(log_path: Path) -> Path:
    """The controller log beside a drill log, both there as files: checked before the
    control secret is asked for (a file that is no drill log gets that said, not a
    request for a secret).

    :raises ValidationFailed: the drill log or its controller log is missing.
    """
    cpath = controller_path(log_path)
    if not log_path.is_file():
        raise ValidationFailed([Fault(str(log_path), 0, 0, "", "drill log not found")])
    if not cpath.is_file():
        raise ValidationFailed([Fault(str(log_path), 0, 0, "", f"not a drill log: a drill log has "
                                                               f"its controller log {cpath.name} "
                                                               "beside it, and there is none")])
    return cpath


def _read_log_pair(log_path: Path, secret: str | None, repair: bool = False) -> tuple[list, list, dict]:
    """(player records, controller records, set-up record) of a drill log and the
    sealed controller log beside it (opened with ``secret``); with ``repair``, a torn
    last line (a crash mid-write) is cut off first.

    :raises ValidationFailed: either file missing, unreadable, tampered with, not a
        drill log, or the secret does not open the controller log.
    """
    cpath = check_log_pair(log_path)
    if repair:
        for p in (log_path, cpath):
            repair_tail(p)
    try:
        player, control = read_records(log_path), read_records(cpath, secret)
    except (BadLogLine, TamperedLine) as exc:  # the file and line the message names, once
        raise ValidationFailed([Fault(exc.path, exc.line, 1, "", exc.detail)]) from None
    except SecretRefused as exc:  # the file named once (was "d.jsonl: d.controller.jsonl: …")
        raise ValidationFailed([Fault(exc.path, 0, 0, "", exc.detail)]) from None
    except (TamperedLog, ValueError) as exc:
        raise ValidationFailed([Fault(str(log_path), 0, 0, "", str(exc))]) from None
    setup = next((r for r in control if r.get("rec") == "setup"), None)
    if setup is None and not control:  # the sealed header alone: a resume cut a torn set-up
        raise ValidationFailed([Fault(str(cpath), 1, 1, "", "holds no record after its header: the "
                                      "drill stopped before its set-up was written; there is no "
                                      "drill here to replay or resume")])
    if setup is None or setup.get("format") != FORMAT:
        raise ValidationFailed([Fault(str(cpath), 1, 1, "", "not a drillsim drill log (no set-up record)")])
    return player, control, setup
