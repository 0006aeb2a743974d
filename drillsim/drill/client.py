"""A seat's side of the drill protocol (docs/drill-protocol.md).

:class:`SeatClient` connects, says hello and exchanges messages (the tests drive it
directly; ``drillsim drill join`` runs it under the Textual client). :class:`SeatView`
is what the seat knows, built only from what the server sent: it answers the questions
the drill widgets ask of a session (``clock_text``, ``unit_rows``, ``incident_rows``,
``vocabulary``, ``feed``), so the same widgets draw a joined seat.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any, Callable

from drillsim.drill import commands
from drillsim.drill.protocol import MAX_SERVER_FRAME, PROTOCOL, encode
from drillsim.drill.session import FeedItem
from drillsim.errors import DrillsimError


class SeatRefused(DrillsimError):
    """The server refused the seat (wrong seat or secret, another protocol version) or
    could not be reached."""


def check_address(address: str) -> str:
    """Check a drill server's address before anything is started: ``HOST:PORT``,
    ``ws://HOST:PORT`` or ``wss://HOST:PORT`` (with or without the final ``/``; an IPv6 host in brackets, ``[::1]:8765``),
    the port a whole number from 1 to 65535.

    :returns: the address unchanged.
    :raises SeatRefused: the address is not of that form, with what to write.
    """
    rest = address
    for scheme in ("ws://", "wss://"):
        if address.startswith(scheme):
            rest = address[len(scheme):]
            rest = rest[:-1] if rest.endswith("/") else rest  # ws://HOST:PORT/ as the protocol names it
            break
    else:
        if "://" in address:
            raise SeatRefused(f"{address!r} is not a drill server's address: give HOST:PORT "
                              "(or wss://HOST:PORT for a server over TLS)")
    host, colon, port = rest.rpartition(":")
    if not colon or not host or host.endswith(":") and not host.startswith("["):
        raise SeatRefused(f"{address!r} names no port: give HOST:PORT (e.g. 127.0.0.1:8765)")
    if host.startswith("[") != host.endswith("]") or "/" in host or " " in host or not _encodable(host):
        raise SeatRefused(f"{host!r} is not a host name or address: give HOST:PORT (e.g. 127.0.0.1:8765)")
    if not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise SeatRefused(f"port {port!r} of {address!r} is not a port: give HOST:PORT with a port "
                          "from 1 to 65535")
    return address


def _encodable(host: str) -> bool:
    """Whether a host name can be looked up at all (IDNA: no byte that is not text, no
    label over 63 characters, at most 253 in all); the lookup raised UnicodeError."""
    try:
        host.strip("[]").encode("idna")
    except UnicodeError:
        return False
    return True


class SeatClient:
    """One seat's connection.

    ``received`` keeps every message, ``frames`` every frame's text as it came (what a
    test scans for hidden values).
    """

    def __init__(self) -> None:
        self.ws = None
        self.welcome: dict[str, Any] | None = None
        self.received: list[dict[str, Any]] = []
        self.frames: list[str] = []
        self._unread: list[dict[str, Any]] = []
        self._ids = 0

    async def connect(self, address: str, seat: str, secret: str, timeout: float = 10.0,
                      ssl=None) -> dict[str, Any]:
        """Connect to ``address`` (``HOST:PORT``, ``ws://HOST:PORT``, or ``wss://HOST:PORT``
        for TLS) as ``seat``.

        :param ssl: for ``wss://``, the :class:`ssl.SSLContext` checking the server
            (:func:`drillsim.drill.tls.client_context`; default: the system's authorities).
        :returns: the server's welcome.
        :raises SeatRefused: refused, the server cannot be reached, or its certificate
            is not trusted (nothing, the secret least, is sent then).
        """
        import ssl as _ssl

        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

        check_address(address)
        uri = address if "://" in address else f"ws://{address}"
        tls = {"ssl": ssl} if uri.startswith("wss://") and ssl is not None else {}
        try:
            self.ws = await asyncio.wait_for(connect(uri, max_size=MAX_SERVER_FRAME, open_timeout=timeout, **tls),
                                             timeout)
            await self.ws.send(encode({"type": "hello", "protocol": PROTOCOL, "seat": seat, "secret": secret}))
            first = await asyncio.wait_for(self._recv(), timeout)
        except _ssl.SSLCertVerificationError as exc:
            raise SeatRefused(f"cannot join the drill at {address}: the server's certificate is not "
                              f"trusted ({exc.verify_message}); give its authority with --cafile") from None
        except _ssl.SSLError as exc:
            raise SeatRefused(f"cannot join the drill at {address}: TLS failed ({exc.reason or exc}); "
                              "is it a wss:// server?") from None
        except (OSError, asyncio.TimeoutError, InvalidHandshake, InvalidURI, ConnectionClosed) as exc:
            why = "timed out" if isinstance(exc, asyncio.TimeoutError) else (
                getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)
            raise SeatRefused(f"cannot join the drill at {address}: {why}") from None
        if first.get("type") != "welcome":
            await self.close()
            raise SeatRefused(f"the drill server refused seat {seat!r}: {first.get('text', 'no reason given')}")
        self.welcome = first
        return first

    async def _recv(self) -> dict[str, Any]:
        text = await self.ws.recv()
        self.frames.append(text)
        message = json.loads(text)
        self.received.append(message)
        return message

    async def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next message (one read before and kept by :meth:`wait_for` first).

        :raises asyncio.TimeoutError: nothing within ``timeout`` seconds.
        :raises websockets.exceptions.ConnectionClosed: the server closed the connection.
        """
        if self._unread:
            return self._unread.pop(0)
        return await asyncio.wait_for(self._recv(), timeout)

    async def wait_for(self, match: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        """Read until a message ``match``es; messages read on the way stay unread for
        :meth:`recv` (and all are in :attr:`received`).

        :raises asyncio.TimeoutError: none within ``timeout`` seconds.
        """
        for n, message in enumerate(self._unread):
            if match(message):
                del self._unread[n]
                return message
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await asyncio.wait_for(self._recv(), max(0.0, deadline - loop.time()))
            if match(message):
                return message
            self._unread.append(message)

    async def send(self, kind: str, **fields) -> int:
        """Send a request; returns its id (the reply carries it)."""
        self._ids += 1
        await self.ws.send(encode({"type": kind, "id": self._ids, **fields}))
        return self._ids

    async def ask(self, kind: str, timeout: float = 10.0, **fields) -> dict[str, Any]:
        """Send a request and wait for its reply."""
        rid = await self.send(kind, **fields)
        return await self.wait_for(lambda m: m.get("type") == "reply" and m.get("id") == rid, timeout)

    async def order(self, line: str, timeout: float = 10.0) -> dict[str, Any]:
        return await self.ask("order", timeout, line=line)

    async def clock(self, action: str, timeout: float = 10.0, **fields) -> dict[str, Any]:
        return await self.ask("clock", timeout, action=action, **fields)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


class SeatView:
    """What a joined seat knows, from the server's messages only (:meth:`apply` each).

    Offers what the drill widgets read of a session: ``now``, ``speed``, ``paused``,
    ``ended``, ``version``, ``feed``, :meth:`clock_text`, :meth:`elapsed_text`,
    :meth:`unit_rows`, :meth:`incident_rows`, :meth:`map_state`, :meth:`vocabulary`, :meth:`truth`. The
    requests a screen makes (:meth:`command`, :meth:`set_paused`, :meth:`set_speed`,
    :meth:`run_until_message`) go to ``send`` (kind, fields) and return None: the reply
    comes later as a message.
    """

    def __init__(self, welcome: dict[str, Any], send: Callable[..., Any] | None = None) -> None:
        self.welcome = welcome
        self.seat = welcome["seat"]
        self.role = welcome["role"]
        self.start = dt.datetime.fromisoformat(welcome["start"])
        self.send = send or (lambda kind, **fields: None)
        self.now = 0.0
        self.speed = 60
        self.paused = True
        self.ended = False
        self.halted: str | None = None
        self.version = 0
        self.feed: list[FeedItem] = []
        self.notes: list[dict[str, Any]] = []
        self.review: dict[str, Any] | None = None
        self._units: list[dict] = []
        self._incidents: list[dict] = []
        self._truth: dict[str, Any] | None = None
        self._map: dict[str, Any] = {"type": "map", "truth": False, "townships": []}

    # -- applying the server's messages ----------------------------------------------------
    def apply(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if kind == "clock":
            self.now, self.speed, self.paused, self.ended = m["t"], m["speed"], m["paused"], m["ended"]
            self.halted = m.get("halted")
        elif kind == "message":
            source = m["source"]
            if "to" in m:  # the control cell sees who received it
                source += f" → {', '.join(m['to']) or 'nobody'}"
            self.feed.append(FeedItem(m["t"], m["category"], source, m["text"], m.get("ref")))
        elif kind == "order":
            who = "you" if m["seat"] == self.seat else m["seat"]
            self.feed.append(FeedItem(m["t"], "order", who, f"{m['line']} — {m['reply']}" if m["ok"]
                                      else f"{m['line']} — REFUSED: {m['reply']}"))
        elif kind == "note":
            self.notes.append(m)
            self.feed.append(FeedItem(m["t"], "info", f"note ({m['seat']})", m["text"]))
        elif kind == "units":
            self._units = m["rows"]
        elif kind == "incidents":
            self._incidents = m["rows"]
        elif kind == "truth":
            self._truth = m
        elif kind == "map":
            self._map = m
        elif kind == "ended":
            self.ended = True
            self.feed.append(FeedItem(self.now, "info", "control", f"the drill has ended ({m.get('reason')})"))
        elif kind == "review":
            self.review = m
        elif kind == "halted":
            self.halted = m["text"]
        self.version += 1

    # -- what the widgets read -------------------------------------------------------------
    def clock_text(self, t: float | None = None) -> str:
        when = self.start + dt.timedelta(minutes=self.now if t is None else t)
        return f"{when:%Y-%m-%d %H:%M}"

    def elapsed_text(self, t: float | None = None) -> str:
        m = int(self.now if t is None else t)
        return f"+{m // 1440}d {m % 1440 // 60:02d}:{m % 60:02d}" if m >= 1440 else f"+{m // 60:02d}:{m % 60:02d}"

    def unit_rows(self) -> list[dict]:
        return self._units

    def incident_rows(self) -> list[dict]:
        return self._incidents

    def map_state(self, truth: bool = False) -> dict[str, Any]:
        """The map as the server last sent it (the truth for control and evaluator seats,
        the townships' reports to this seat for a player)."""
        return self._map

    def truth(self) -> dict[str, Any]:
        """The truth as the server last sent it (control and evaluator seats only)."""
        return self._truth or {"hazard": [], "pack": "", "variant": None, "seed": "", "choices": {},
                               "incidents_total": 0, "heard": 0, "lost_reports": 0, "roads_cut": [],
                               "planned": [], "incidents": [], "notes": []}

    def vocabulary(self, controller: bool = False) -> commands.Vocabulary:
        v = self.welcome.get("vocabulary", {})
        return commands.Vocabulary(
            units=list(v.get("units", [])),
            incidents=[r["ref"] for r in self._incidents if r.get("open")],
            townships=list(v.get("townships", [])), places=list(v.get("places", [])),
            forces=list(v.get("forces", [])), aid_forces=list(v.get("aid_forces", [])),
            planned=list(v.get("planned", [])))

    # -- requests (the reply comes back as a message) --------------------------------------
    def command(self, line: str, controller: bool = False, *_args) -> None:
        self.send("order", line=line)

    def set_paused(self, paused: bool) -> None:
        self.send("clock", action="pause" if paused else "run")

    def set_speed(self, speed: int) -> None:
        self.send("clock", action="speed", speed=speed)

    def run_until_message(self, *_args) -> None:
        self.send("clock", action="next")
