"""The event log: every state change of a run, time-stamped in minutes.

Scoring reads only the log, so a live drill, a batch replication or a replayed file are
scored the same way. A log can keep events in memory, stream them to sinks (a JSON
Lines file), or both.

In memory the log keeps each event as a plain tuple and hands out :class:`Event` objects
when read (:class:`EventList`): a long run keeps millions of events, and plain tuples of
plain data drop out of Python's cyclic garbage collector, which would otherwise walk
every kept event again and again as the log grows. The engine's hot path
(:meth:`EventLog.record_values`) keeps the details flat in the tuple, after a shared
``(kind, keys)`` pair, ``(t, (kind, keys), unit, incident, value, …)``, and the details
dict is built only when the event is read: a dict of three keys takes 184 bytes, its
values in the row 24.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Iterator

from drillsim.engine.stall import MAX_EVENTS_AT_ONE_INSTANT, RunawayRun


@dataclass(slots=True)
class Event:
    """One logged state change.

    :ivar t: scenario time, minutes since the scenario start.
    :ivar kind: what happened (``unit_dispatched``, ``incident_created`` …).
    :ivar unit: unit id or None.
    :ivar incident: incident id or None.
    :ivar details: plain JSON-able data (str, int, float, bool, None, lists, dicts).
    """

    t: float
    kind: str
    unit: str | None = None
    incident: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, replication: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"t": self.t, "kind": self.kind, "unit": self.unit,
                               "incident": self.incident, "details": self.details}
        if replication is not None:
            out = {"rep": replication, **out}
        return out

    def to_json(self, replication: int | None = None) -> str:
        """One JSON Lines record; keys sorted so equal logs are equal bytes."""
        return _encode(self.to_dict(replication))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return cls(float(data["t"]), data["kind"], data.get("unit"), data.get("incident"),
                   data.get("details") or {})


def _plain(value: Any) -> Any:
    # numpy scalars and other number-likes reach here; keep the log plain JSON
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"event details must be plain data, got {type(value).__name__}")


#: one encoder for every record (``json.dumps`` with these options builds a new
#: ``JSONEncoder`` per call, a fifth of the time of a short record); the same bytes
_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           allow_nan=False, default=_plain).encode

try:  # CPython's C encoder, made once: what ``_encode`` builds anew for every record
    _details_chunks = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _plain, json.encoder.encode_basestring, None, ":", ",", True, False, False)
except (AttributeError, TypeError):  # no C accelerator (another Python): the plain encoder
    _details_chunks = None
_string = json.encoder.encode_basestring
_float_repr = float.__repr__


def _line(t: Any, kind: str, unit: str | None, incident: str | None,
          details: dict[str, Any], replication: int | None = None) -> str:
    """One JSON Lines record of an event, with its newline: the bytes of
    ``_encode(Event(...).to_dict(replication)) + "\n"`` (keys sorted, no spaces, no NaN),
    written without building the record dict.

    The record's own keys come in sorted order (``details``, ``incident``, ``kind``,
    ``rep``, ``t``, ``unit``), each value written as the encoder writes it (a finite
    float by ``float.__repr__``, an int by ``repr``, a string by
    ``json.encoder.encode_basestring``, ``None`` as ``null``); the details go through
    CPython's C encoder, made once for the process rather than once per record. Anything
    else (a ``t`` that is not a finite float or an int, an id or kind that is not a
    string, a ``rep`` that is not an int, no C encoder, details that contain themselves)
    takes the plain path, so its errors are the encoder's own.

    :returns: the line, ending in ``"\n"``.
    :raises TypeError: details that are not plain data (see :func:`_plain`).
    :raises ValueError: a NaN or infinite number, or details that contain themselves.
    """
    if (((t.__class__ is float and t - t == 0.0) or t.__class__ is int) and kind.__class__ is str
            and (unit is None or unit.__class__ is str)
            and (incident is None or incident.__class__ is str)
            and (replication is None or replication.__class__ is int)
            and _details_chunks is not None):
        try:
            body = "".join(_details_chunks(details, 0))
        except RecursionError:  # details that contain themselves: the encoder's error
            body = None
        if body is not None:
            return ('{"details":' + body
                    + (',"incident":null' if incident is None else ',"incident":' + _string(incident))
                    + ',"kind":' + _string(kind)
                    + ("" if replication is None else ',"rep":' + repr(replication))
                    + ',"t":' + (_float_repr(t) if t.__class__ is float else repr(t))
                    + (',"unit":null}\n' if unit is None else ',"unit":' + _string(unit) + "}\n"))
    return Event(t, kind, unit, incident, details).to_json(replication) + "\n"


def _event(row: tuple) -> Event:
    """The :class:`Event` of a stored row: ``(t, kind, unit, incident, details)`` (the
    details dict is the event's) or ``(t, (kind, keys), unit, incident, value, …)`` (a new
    details dict each time)."""
    kind = row[1]
    if kind.__class__ is str:
        return Event(*row)
    return Event(row[0], kind[0], row[2], row[3], dict(zip(kind[1], row[4:])))


def _kind(row: tuple) -> str:
    kind = row[1]
    return kind if kind.__class__ is str else kind[0]


class EventList(Sequence):
    """The kept events of a log, read as :class:`Event` objects (a read-only sequence:
    iterate, index, slice, ``len``). Each read builds a new :class:`Event` from the
    stored tuple (see :func:`_event`)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_event(row) for row in self._rows[index]]
        return _event(self._rows[index])

    def __iter__(self) -> Iterator[Event]:
        return map(_event, self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (EventList, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"EventList({len(self._rows)} events)"


class EventLog:
    """Collects the events of one run.

    :param clock: a zero-argument callable giving the current time in minutes.
    :param keep: keep events in memory (needed to score the run from memory; a streamed
        run can be scored from its JSON Lines file instead).
    :param sinks: callables receiving each :class:`Event` as it is logged.
    :ivar events: the kept events (:class:`EventList`; empty when ``keep`` is False).
    """

    def __init__(self, clock: Callable[[], float], keep: bool = True,
                 sinks: Iterable[Callable[[Event], None]] = ()) -> None:
        self._clock = clock
        self._rows: list[tuple] = []
        self.events = EventList(self._rows)
        self._keep = keep
        self._sinks = list(sinks)
        self._subscribers: dict[str, list[Callable[[Event], None]]] = {}
        self._listened = bool(self._sinks)
        self._instant: float | None = None  # the clock of the last event, and how many more came then
        self._same = 0

    def add_sink(self, sink: Callable[[Event], None]) -> None:
        """Send every later event to ``sink`` as well."""
        self._sinks.append(sink)
        self._listened = True

    def subscribe(self, kind: str, callback: Callable[[Event], None]) -> None:
        """Call ``callback(event)`` for each later event of ``kind`` (``"*"``: all)."""
        self._subscribers.setdefault(kind, []).append(callback)
        self._listened = True

    def log(self, kind: str, /, unit: str | None = None, incident: str | None = None,
            **details: Any) -> Event:
        """Record an event at the current time and pass it on; returns it."""
        event = Event(self._clock(), kind, unit, incident, details)
        if event.t == self._instant:
            self._count_same(event.t)
        else:
            self._instant, self._same = event.t, 0
        if self._keep:
            self._rows.append((event.t, kind, unit, incident, details))
        if self._listened:
            self._pass_on(event)
        return event

    def record(self, kind: str, unit: str | None, incident: str | None,
               details: dict[str, Any]) -> None:
        """:meth:`log` for the engine's hot path: takes the details dict as it is (it
        becomes the event's) and builds no :class:`Event` unless a sink or subscriber
        will receive it."""
        t = self._clock()
        if t == self._instant:
            self._count_same(t)
        else:
            self._instant, self._same = t, 0
        if self._keep:
            self._rows.append((t, kind, unit, incident, details))
        if self._listened:
            self._pass_on(Event(t, kind, unit, incident, details))

    def record_values(self, spec: tuple[str, tuple[str, ...]], unit: str | None,
                      incident: str | None, *values: Any) -> None:
        """:meth:`record` with the kind and the keys of the details given as one pair
        ``spec = (kind, keys)`` made once and shared by every event of the kind, then the
        values of the details: kept flat in the stored row, so no details dict is built
        unless a sink or subscriber receives the event (or it is read)."""
        t = self._clock()
        if t == self._instant:  # _count_same inlined: most events share an instant
            self._same = same = self._same + 1
            if same > MAX_EVENTS_AT_ONE_INSTANT:
                self._same -= 1
                self._count_same(t)
            if t.__class__ is float and self._instant.__class__ is float:
                t = self._instant  # one float object per instant kept, not one per event
        else:
            self._instant, self._same = t, 0
        if self._keep:
            self._rows.append((t, spec, unit, incident, *values))
        if self._listened:
            self._pass_on(Event(t, spec[0], unit, incident, dict(zip(spec[1], values))))

    def _count_same(self, t: float) -> None:
        self._same += 1
        if self._same > MAX_EVENTS_AT_ONE_INSTANT:
            raise RunawayRun(f"more than {MAX_EVENTS_AT_ONE_INSTANT:,} events at scenario time "
                             f"{t:.1f} min without the clock moving: a loop of events at one "
                             "instant (a plugin or an order that sets itself off again); stopped")

    def _pass_on(self, event: Event) -> None:
        for sink in self._sinks:
            sink(event)
        subscribers = self._subscribers
        if subscribers:
            for callback in subscribers.get(event.kind, ()):
                callback(event)
            for callback in subscribers.get("*", ()):
                callback(event)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def of_kind(self, *kinds: str) -> list[Event]:
        """Events of the given kinds, in log order."""
        return [_event(row) for row in self._rows if _kind(row) in kinds]


class JsonLinesSink:
    """Writes events as JSON Lines to an open text file, one record per line.

    :param replication: stamped on each record as ``rep`` when not None.
    """

    def __init__(self, stream: IO[str], replication: int | None = None) -> None:
        self.stream = stream
        self.replication = replication

    def __call__(self, event: Event) -> None:
        self.stream.write(_line(event.t, event.kind, event.unit, event.incident, event.details,
                                self.replication))


def read_jsonl(path) -> dict[int, list[Event]]:
    """Read a JSON Lines event log back, grouped by replication (``rep``, default 0)."""
    runs: dict[int, list[Event]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                data = json.loads(line)
                runs.setdefault(int(data.get("rep", 0)), []).append(Event.from_dict(data))
    return runs
