"""The drill server: one :class:`~drillsim.drill.session.DrillSession` (the simulation,
the clock, the logs) and the seats that join it over WebSockets (docs/drill-protocol.md).

Everything a seat receives is chosen here, per seat (:class:`~drillsim.drill.seats.Seats`):
messages by the routing rules, each seat numbering its own (1, 2, … with no gaps that
show what others got); unit and incident boards cut to the seat's units and the
incidents it has heard of; the truth (hidden set-up, planned injects, every incident,
notes) to the control and evaluator seats only. Orders from a player seat are checked
against its role before the session sees them; only the control seat moves the clock,
injects and ends the drill; evaluators write notes. The server never sends a
traceback: a bug is logged (sealed) in the controller log and the seat is told the
server could not carry the request out.
"""

from __future__ import annotations

import asyncio
import hmac
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from drillsim.drill import SPEEDS, commands, mapview
from drillsim.drill.drilllog import DrillLogError
from drillsim.drill.protocol import (
    CLOCK_ACTIONS,
    MAX_CLIENT_FRAME,
    PROTOCOL,
    ProtocolError,
    decode_client,
    encode,
)
from drillsim.drill.seats import Seat, Seats
from drillsim.drill.session import DrillFailed, DrillSession, FeedItem
from drillsim.engine.reporting import Message

#: wall seconds between clock steps
TICK = 0.1
#: wall seconds between board updates while the clock runs
BOARD_EVERY = 0.5
#: wall seconds a new connection has to say hello
HELLO_TIMEOUT = 10.0
#: the one refusal for a wrong seat or secret (it says neither which)
REFUSED = "seat or secret not accepted"
_NO_SEAT = "\0" * 22


@dataclass
class _Conn:
    seat: Seat
    ws: Any
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)


class DrillServer:
    """Serves one drill session to its seats.

    :param session: the drill (paused; the server runs its clock).
    :param seats: the seats (:meth:`Seats.build` against ``session.sim``).
    :param review_path: where the after-action review is written when the drill ends.
    :param clock: wall clock in seconds (tests may pass their own).
    :param tick: wall seconds between clock steps.
    """

    def __init__(self, session: DrillSession, seats: Seats, *, review_path: str | None = None,
                 clock: Callable[[], float] = time.monotonic, tick: float = TICK) -> None:
        self.session = session
        self.seats = seats
        self.review_path = review_path
        self.clock = clock
        self.tick = tick
        self.conns: dict[str, _Conn] = {}
        self.history: dict[str, list[dict]] = {s.name: [] for s in seats}
        self.count: dict[str, int] = {s.name: 0 for s in seats}
        self.heard: dict[str, set[str]] = {s.name: set() for s in seats}
        #: seat -> township -> extent state, from the township reports routed to it
        self.reported: dict[str, dict[str, str]] = {s.name: {} for s in seats}
        self._geography = mapview.geography(session.sim.region)
        self.halted: str | None = None
        self.review: dict[str, Any] | None = None
        self.released = False
        self._sent: dict[tuple[str, str], str] = {}   # (seat, board) -> last JSON sent
        self._boards_at = 0.0
        self._server = None
        self._clock_task: asyncio.Task | None = None
        self._ending: asyncio.Task | None = None
        self.port: int | None = None
        # a resumed drill: each seat's feed as it was (messages and its orders, in time order)
        past = [(m.t, 0, n, m) for n, m in enumerate(session.messages)]
        past += [(o.t, 1, n, o) for n, o in enumerate(session.orders) if o.seat in self.history]
        for _t, kind, _n, item in sorted(past, key=lambda x: x[:3]):
            if kind == 0:
                ref = session.refs.get(item.incident) if item.incident else None
                self._route(item, FeedItem(item.t, item.category, item.source, item.text, ref))
            else:
                self._order_seen(self.seats[item.seat], item.text, item.ok, item.reply, item.t)
        session.message_listeners.append(self._route)

    # ------------------------------------------------------------------ running
    async def start(self, host: str = "127.0.0.1", port: int = 0, ssl=None) -> int:
        """Listen on ``host:port`` (0: a free port) and run the clock; returns the port.

        :param ssl: a server :class:`ssl.SSLContext` (:func:`drillsim.drill.tls.server_context`):
            seats then join over ``wss://``.
        """
        from websockets.asyncio.server import serve

        self._server = await serve(self._handle, host, port, max_size=MAX_CLIENT_FRAME,
                                   ping_interval=20, ping_timeout=20, ssl=ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        self._clock_task = asyncio.create_task(self._run_clock())
        return self.port

    async def stop(self) -> None:
        """Stop the clock, close every seat's connection and the listening socket."""
        if self._clock_task is not None:
            self._clock_task.cancel()
        if self._ending is not None:  # a review being written is finished first
            await asyncio.gather(self._ending, return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _run_clock(self) -> None:
        last = self.clock()
        while True:
            await asyncio.sleep(self.tick)
            now = self.clock()
            wall, last = min(now - last, 1.0), now  # a stalled server does not jump hours
            s = self.session
            if not s.paused and not s.ended and not self.halted:
                self._do(s.tick, wall)
                self._after(boards=False)

    # ------------------------------------------------------------------ routing
    def _route(self, message: Message, item: FeedItem) -> None:
        audience = self.seats.audience(message)
        for name in audience:
            seat = self.seats[name]
            self.count[name] += 1
            out = {"type": "message", "n": self.count[name], "t": message.t, "category": message.category,
                   "source": message.source, "text": message.text, "ref": item.ref}
            if seat.truth:  # the control cell sees where it came from and who got it
                out.update({"seq": message.seq, "origin_t": message.origin_t, "incident": message.incident,
                            "unit": message.unit, "township": message.township,
                            "to": [n for n in audience if self.seats[n].player]})
            if item.ref:
                self.heard[name].add(item.ref)
            if message.category == "township" and message.township:
                state = mapview.report_state(message.text)
                if state is not None:
                    self.reported[name][message.township] = state
            self._send(name, out, keep=True)

    def _send(self, name: str, message: dict, keep: bool = False) -> None:
        if keep:
            self.history[name].append(message)
        conn = self.conns.get(name)
        if conn is not None:
            conn.queue.put_nowait(encode(message))

    def _to_truth(self, message: dict, keep: bool = True) -> None:
        for seat in self.seats:
            if seat.truth:
                self._send(seat.name, message, keep)

    # ------------------------------------------------------------------ state sent to seats
    def _clock_state(self) -> dict:
        s = self.session
        return {"type": "clock", "t": s.now, "speed": s.speed, "paused": s.paused, "ended": s.ended,
                **({"halted": self._public_halt()} if self.halted else {})}

    def _public_halt(self) -> str:
        return "the drill is halted; the control cell has the reason"

    def _boards(self, seat: Seat) -> list[dict]:
        s = self.session
        units = [r for r in s.unit_rows() if self.seats.sees_unit(seat, r["unit"])]
        incidents = s.incident_rows()
        if not (seat.truth or seat.role == "command_centre"):
            incidents = [r for r in incidents if r["ref"] in self.heard[seat.name]]
        out = [{"type": "units", "rows": units}, {"type": "incidents", "rows": incidents},
               mapview.map_state(self._geography, units, incidents,
                                 s.extent if seat.truth else self.reported[seat.name], seat.truth)]
        if seat.truth:
            out.append({"type": "truth", **s.truth()})
        return out

    def _after(self, boards: bool = True) -> None:
        """After the clock moved or an order: the clock to every seat, the boards that
        changed (at most every :data:`BOARD_EVERY` s unless ``boards``), the review at
        the end."""
        now = self.clock()
        send_boards = boards or now - self._boards_at >= BOARD_EVERY
        if send_boards:
            self._boards_at = now
        state = encode(self._clock_state())
        for name, conn in self.conns.items():
            if self._sent.get((name, "clock")) != state:
                self._sent[(name, "clock")] = state
                conn.queue.put_nowait(state)
            if send_boards:
                self._send_boards(conn.seat)
        if self.session.ended and self._ending is None and not self.halted:
            self._ending = asyncio.get_running_loop().create_task(self._end())

    def _send_boards(self, seat: Seat) -> None:
        conn = self.conns.get(seat.name)
        if conn is None:
            return
        for board in self._boards(seat):
            text = encode(board)
            if self._sent.get((seat.name, board["type"])) != text:
                self._sent[(seat.name, board["type"])] = text
                conn.queue.put_nowait(text)

    async def _end(self) -> None:
        """The drill ended: every seat is told; the review (the baseline run takes
        seconds: in a thread, the server answering meanwhile) is written and given to
        the control cell and evaluators (players get it when control gives ``release``)."""
        from drillsim.drill import aar

        s = self.session
        for seat in self.seats:
            self._send(seat.name, {"type": "ended", "reason": s.end_reason}, keep=True)
        review = {"type": "review", "reason": s.end_reason, "markdown": "", "written": []}
        try:
            built = await asyncio.to_thread(aar.build, s, self.seats)
            written = aar.write(built, self.review_path) if self.review_path else []
            s.write_reveal(written[0] if written else None)
            review.update(markdown=aar.render(s, built, timeline=False), written=written)
        except Exception:  # noqa: BLE001 - a failing review must not take the server down
            self._bug("the review")
        self.review = review
        self._to_truth(review)

    # ------------------------------------------------------------------ doing things
    def _do(self, action, *args):
        """Run a session action; a failing log or engine halts the drill (every seat is
        told, players without the reason)."""
        if self.halted:
            return None
        try:
            return action(*args)
        except (DrillLogError, DrillFailed) as exc:
            self.halted = str(exc)
            self.session.paused = True
            self._to_truth({"type": "halted", "text": self.halted})
            for seat in self.seats:
                if seat.player:
                    self._send(seat.name, {"type": "halted", "text": self._public_halt()}, keep=True)
            return None

    def _bug(self, what: str) -> None:
        """An unexpected exception (a bug): the traceback to the sealed controller log, a
        line to the control cell; nothing of it to players."""
        text = traceback.format_exc()
        log = self.session.log
        if log is not None:
            try:
                log.controller.append({"rec": "crash", "t": self.session.now, "traceback": text})
            except Exception:  # noqa: BLE001 - the log itself failing: nothing more to keep
                pass
        self._to_truth({"type": "error", "text": f"server error in {what}: "
                                                 f"{text.strip().splitlines()[-1]}"}, keep=False)

    def request(self, seat: Seat, message: dict) -> dict:
        """Carry out one request from ``seat``; returns the reply (``type: reply``)."""
        rid = message.get("id")
        try:
            ok, text = self._carry_out(seat, message)
        except Exception:  # noqa: BLE001 - a bug: logged sealed, the seat told nothing of it
            self._bug(f"a request from {seat.name}")
            ok, text = False, "the server could not carry that out; the control cell has been told"
        self._after()
        return {"type": "reply", "id": rid, "ok": ok, "text": text}

    def _carry_out(self, seat: Seat, message: dict) -> tuple[bool, str]:
        s = self.session
        kind = message["type"]
        if kind == "clock":
            return self._clock_request(seat, message)
        if kind == "note":
            return self._note(seat, message["text"])
        line = " ".join(message["line"].lstrip(":/").split())
        if seat.truth and line.split(" ", 1)[0].lower() == "note":
            return self._note(seat, line[4:])
        if seat.role == "evaluator":
            return False, "an evaluator writes notes (note TEXT); the orders are the players'"
        if self.halted:
            return False, self.halted if seat.truth else self._public_halt()
        if seat.role == "control":
            if line.lower() == "release":
                return self._release()
            reply = self._do(s.command, line, True, None, seat.name)
            if reply is None:
                return False, self.halted or "not carried out"
            self._order_seen(seat, line, reply.ok, reply.text)
            return reply.ok, reply.text
        if s.ended:
            return False, "the drill has ended"
        try:
            lines = self.seats.check_order(seat, line, self.heard[seat.name])
        except commands.CommandError as exc:
            return False, str(exc)
        replies = []
        ok = True
        for one in lines:
            reply = self._do(s.command, one, False, None, seat.name)
            if reply is None:
                return False, self._public_halt()
            ok = ok and reply.ok
            replies.append(reply.text if reply.ok else f"{one}: {reply.text}" if len(lines) > 1 else reply.text)
            self._order_seen(seat, one, reply.ok, reply.text)
        return ok, "; ".join(replies)

    def _order_seen(self, seat: Seat, line: str, ok: bool, reply: str, t: float | None = None) -> None:
        """The order as a feed line to the seat that gave it and to the truth seats."""
        out = {"type": "order", "seat": seat.name, "t": self.session.now if t is None else t, "line": line,
               "ok": ok, "reply": reply}
        if not seat.truth:
            self._send(seat.name, out, keep=True)
        self._to_truth(out)

    def _clock_request(self, seat: Seat, message: dict) -> tuple[bool, str]:
        if seat.role != "control":
            return False, "only the control cell moves the clock"
        s = self.session
        action = message["action"]
        if action not in CLOCK_ACTIONS:
            return False, f"clock actions: {', '.join(CLOCK_ACTIONS)}"
        if s.ended:
            return False, "the drill has ended"
        if self.halted:
            return False, self.halted
        if action in ("pause", "run"):
            self._do(s.set_paused, action == "pause")
            return True, "paused" if action == "pause" else "running"
        if action == "speed":
            speed = message.get("speed")
            if speed not in SPEEDS:
                return False, f"speeds: {', '.join(map(str, SPEEDS))}"
            self._do(s.set_speed, speed)
            return True, f"speed {speed}×"
        if action == "next":
            heard = self._do(s.run_until_message)
            self._do(s.log_clock)
            return True, "next message" if heard else "no message within 24 h"
        minutes = message.get("minutes")
        if not isinstance(minutes, (int, float)) or isinstance(minutes, bool) or not 0 < minutes <= 7 * 1440:
            return False, "advance: give minutes, more than 0 and at most 7 days (10080)"
        self._do(s.jump, float(minutes))
        self._do(s.log_clock)
        return True, f"advanced to {s.clock_text()}"

    def _note(self, seat: Seat, text: str) -> tuple[bool, str]:
        if not seat.truth:
            return False, "notes are for the control cell and evaluators"
        try:
            rec = self.session.note(seat.name, text)
        except ValueError:
            return False, "usage: note TEXT"
        except DrillLogError as exc:
            return False, str(exc)
        self._to_truth({"type": "note", "t": rec.t, "seat": rec.seat, "text": rec.text})
        return True, f"note kept at {self.session.clock_text(rec.t)}"

    def _release(self) -> tuple[bool, str]:
        if self.review is None:
            return False, ("the review is still being written" if self.session.ended
                           else "the review is released after the drill ends")
        if not self.released:
            self.released = True
            for seat in self.seats:
                if seat.player:
                    self._send(seat.name, self.review, keep=True)
        return True, "review released to the players"

    # ------------------------------------------------------------------ one connection
    async def _handle(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            seat = await self._hello(ws)
        except (ConnectionClosed, asyncio.TimeoutError):
            return
        if seat is None:
            return
        old = self.conns.get(seat.name)
        conn = _Conn(seat, ws)
        self.conns[seat.name] = conn
        for key in [k for k in self._sent if k[0] == seat.name]:
            del self._sent[key]
        if old is not None:  # the same seat joined again: the newer connection wins
            old.queue.put_nowait(None)
        writer = asyncio.create_task(self._write(conn))
        conn.queue.put_nowait(encode(self._welcome(seat)))
        for item in self.history[seat.name]:
            conn.queue.put_nowait(encode(item))
        self._after()
        try:
            async for raw in ws:
                try:
                    message = decode_client(raw)
                except ProtocolError as exc:
                    conn.queue.put_nowait(encode({"type": "error", "text": str(exc)}))
                    continue
                if message["type"] == "hello":
                    conn.queue.put_nowait(encode({"type": "error", "text": "already joined"}))
                    continue
                conn.queue.put_nowait(encode(self.request(seat, message)))
        except ConnectionClosed:
            pass
        finally:
            if self.conns.get(seat.name) is conn:
                del self.conns[seat.name]
            conn.queue.put_nowait(None)
            await asyncio.gather(writer, return_exceptions=True)

    async def _hello(self, ws) -> Seat | None:
        raw = await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT)
        try:
            hello = decode_client(raw)
            if hello["type"] != "hello":
                raise ProtocolError("say hello first")
            if hello["protocol"] != PROTOCOL:
                raise ProtocolError(f"this server speaks {PROTOCOL}; the client sent another version")
        except ProtocolError as exc:
            await ws.send(encode({"type": "refused", "text": str(exc)}))
            await ws.close(1008, "refused")
            return None
        seat = self.seats.get(hello["seat"])
        if seat is None:  # the same constant-time work as for a seat: the answer says neither which
            hmac.compare_digest(hello["secret"].encode("utf-8"), _NO_SEAT.encode("utf-8"))
            ok = False
        else:
            ok = seat.opens(hello["secret"])
        if not ok:
            await ws.send(encode({"type": "refused", "text": REFUSED}))
            await ws.close(1008, "refused")
            return None
        return seat

    def _welcome(self, seat: Seat) -> dict:
        s = self.session
        sim = s.sim
        me = self.seats.describe(seat)
        aid = sim.orders.get("mutual_aid")
        vocab = {"units": list(sim.units) if seat.truth or seat.role == "command_centre" else me["units"],
                 "townships": [seat.township] if seat.role == "township" else list(sim.region.townships),
                 "places": list(sim.region.townships) + [x.id for x in sim.region.spec.sites],
                 "forces": list(sim.forces) if seat.role == "control" else me["forces"],
                 "aid_forces": list(getattr(aid[0], "forces", {})) if aid and (
                     seat.role == "control" or "aid" in seat.orders) else [],
                 "planned": [str(n + 1) for n in range(len(s.planned))] if seat.role == "control" else []}
        return {"type": "welcome", "protocol": PROTOCOL, **me, "start": s.start.isoformat(),
                "speeds": list(SPEEDS), "vocabulary": vocab,
                "orders_help": _orders_help(seat)}

    @staticmethod
    async def _write(conn: _Conn) -> None:
        from websockets.exceptions import ConnectionClosed

        while True:
            text = await conn.queue.get()
            if text is None:
                try:
                    await conn.ws.close()
                except ConnectionClosed:
                    pass
                return
            try:
                await conn.ws.send(text)
            except ConnectionClosed:
                return


NOTE_HELP = ["note TEXT", "a note for the review, kept with the scenario time and your seat (players never see it)"]


def _orders_help(seat: Seat) -> list[list[str]]:
    """``[usage, what]`` of the orders this seat may give (its help screen)."""
    if seat.role == "evaluator":
        return [NOTE_HELP]
    if seat.role == "control":
        return ([list(h) for h in commands.help_lines(True)] + [NOTE_HELP]
                + [["release", "after the end: give the review to the player seats"]])
    return [list(h) for h in commands.help_lines(False) if h[0].split()[0] in seat.orders]


def seats_summary(seats: Seats) -> list[str]:
    """One line per seat for ``serve`` to print: name, role, what it holds."""
    out = []
    for seat in seats:
        n = len(seat.units)
        held = (f"township {seat.township}, " if seat.township else "") + (
            f"{n} unit{'s' if n != 1 else ''}" if seat.player else "the truth")
        out.append(f"{seat.name:<14} {seat.role:<15} {held}")
    return out

