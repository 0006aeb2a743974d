"""Seats of a served drill: who sits where, what each seat sees and what it may order.

A drill server (:mod:`drillsim.drill.server`) has one **control** seat (the truth, the
injects, the clock), optional **evaluator** seats (the truth read-only, notes) and
**player** seats by role:

- ``command_centre``: the district picture — every message the players receive, every
  unit, every incident heard of; it orders the units no other player seat holds.
- ``township``: its own township — the reports and calls from it, the warnings, its own
  units (by default the township's own team: the units a ``per_township`` force, or one
  working only in its own township, bases there);
  it may evacuate and open shelters in its township only.
- ``force``: its own units (``forces:`` lists force or unit ids) — their radio traffic,
  the calls those units can serve (the switchboard passes on what a unit could answer),
  the warnings.

This module is the security boundary's rule book (no network here): :class:`Router`
says which seats receive a message; :meth:`Seats.check_order` refuses an order naming a
unit, an incident or a township outside the seat's role, before the session sees it, so
a refusal never quotes anything the seat does not already know.

A seats file (``drillsim drill serve PACK --seats seats.yaml``)::

    seats:
      - {name: control, role: control}              # secret: optional (printed if absent)
      - {name: evaluator, role: evaluator}
      - {name: command, role: command_centre}
      - {name: water, role: force, forces: [water_rescue, blue_sky, snow_leopard]}
      - {name: mixin, role: township, township: mixin}
"""

from __future__ import annotations

import hmac
import secrets as _secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from drillsim.drill import commands
from drillsim.engine.reporting import Message
from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.validation import Collector, Strict, suggest, validate
from drillsim.scenario.yamlsource import Document, load_yaml

ROLES = ("control", "evaluator", "command_centre", "township", "force")
PLAYER_ROLES = ("command_centre", "township", "force")
#: orders a player seat may give (``end``, ``inject`` and ``fire`` are the control cell's)
PLAYER_ORDERS = ("dispatch", "recall", "standby", "evacuate", "shelter", "supplies", "air", "aid", "auto")
DEFAULT_ORDERS = {
    "command_centre": PLAYER_ORDERS,
    "township": ("dispatch", "recall", "standby", "evacuate", "shelter"),
    "force": ("dispatch", "recall", "standby", "air", "auto"),
}
#: shortest secret a seats file may give (22 URL-safe characters is 128 bits)
MIN_SECRET = 16


class SeatSpec(Strict):
    """One seat in a seats file."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    """Seat name, what ``drillsim drill join --seat NAME`` gives (lowercase letters, digits, _ and -)."""
    role: Literal["control", "evaluator", "command_centre", "township", "force"]
    """control, evaluator, command_centre, township or force."""
    secret: str | None = Field(default=None, min_length=MIN_SECRET, max_length=200)
    """The seat's secret (at least 16 characters); absent: serve makes one and prints it once."""
    township: str | None = None
    """A township seat's township id."""
    forces: list[str] = []
    """Force or unit ids the seat holds (a force seat; a township seat's own team by default)."""
    orders: list[Literal["dispatch", "recall", "standby", "evacuate", "shelter", "supplies", "air",
                         "aid", "auto"]] | None = None
    """Orders the seat may give (default by role)."""

    @model_validator(mode="after")
    def _by_role(self):
        if self.role == "township" and not self.township:
            raise ValueError("a township seat needs township: ID")
        if self.role != "township" and self.township:
            raise ValueError(f"township: is for township seats, not {self.role}")
        if self.role == "force" and not self.forces:
            raise ValueError("a force seat needs forces: [FORCE or UNIT ids]")
        if self.role in ("control", "evaluator") and (self.forces or self.orders):
            raise ValueError(f"a {self.role} seat holds no units and gives no player orders")
        return self


class SeatsFile(Strict):
    """A seats file: ``seats: [...]``, exactly one of them the control seat."""

    seats: list[SeatSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_control(self):
        names = [s.name for s in self.seats]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"seat names must differ: {', '.join(twice)} given twice")
        control = [s.name for s in self.seats if s.role == "control"]
        if len(control) != 1:
            raise ValueError(f"exactly one seat has role: control (found {len(control)})")
        return self


def default_seats() -> SeatsFile:
    """No seats file: the control seat and one command centre holding every unit."""
    return SeatsFile(seats=[SeatSpec(name="control", role="control"),
                            SeatSpec(name="command", role="command_centre")])


def load_seats(path: str | Path) -> tuple[SeatsFile, Document]:
    """Read and validate a seats file (its shape; the ids are checked against the
    scenario by :meth:`Seats.build`).

    :raises ValidationFailed: faults located in the file.
    """
    doc = load_yaml(Path(path), str(path))
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.fault((), "a seats file is a mapping: seats: [{name: ..., role: ...}]")])
    _refuse_twice(doc)
    return validate(SeatsFile, doc), doc


def _refuse_twice(doc: Document) -> None:
    """A seat name or a seat's force given twice, at the second one (the name was
    refused at the file's first line; a force listed twice passed without a word).

    :raises ValidationFailed: each one given twice, located."""
    seats = doc.data.get("seats")
    if not isinstance(seats, list):
        return  # the schema says what it takes
    faults = []
    first: dict[str, int] = {}
    for i, seat in enumerate(seats):
        if not isinstance(seat, dict):
            continue
        name = seat.get("name")
        if isinstance(name, str):
            if name in first:
                faults.append(doc.fault(("seats", i, "name"), f"seat {name!r} is given twice (first at "
                                                              f"seats[{first[name]}])"))
            else:
                first[name] = i
        forces = seat.get("forces")
        if isinstance(forces, list):
            for k, ref in enumerate(forces):
                if isinstance(ref, str) and ref in forces[:k]:
                    faults.append(doc.fault(("seats", i, "forces", k), f"{ref!r} is given twice (first at "
                                                                        f"forces[{forces.index(ref)}])"))
    if faults:
        raise ValidationFailed(faults)


@dataclass
class Seat:
    """A seat as the server uses it.

    :ivar units: unit ids it holds (control and evaluators: none; they see all).
    :ivar forces: force ids all of whose units it holds (``auto`` works per force).
    :ivar orders: order names it may give.
    """

    name: str
    role: str
    secret: str
    township: str | None = None
    units: frozenset[str] = frozenset()
    forces: frozenset[str] = frozenset()
    orders: frozenset[str] = frozenset()
    #: the secret was made by the server (print it once)
    made: bool = False

    @property
    def truth(self) -> bool:
        """Sees the truth (control and evaluators)."""
        return self.role in ("control", "evaluator")

    @property
    def player(self) -> bool:
        return self.role in PLAYER_ROLES

    def opens(self, secret: str) -> bool:
        """The given secret is this seat's (constant time: :func:`hmac.compare_digest`)."""
        return hmac.compare_digest(secret.encode("utf-8"), self.secret.encode("utf-8"))


class Seats:
    """The seats of one drill, their units resolved against the simulation.

    Use :meth:`build`. ``seats[name]`` gives a :class:`Seat`.
    """

    def __init__(self, seats: list[Seat], sim) -> None:
        self._seats = {s.name: s for s in seats}
        self.sim = sim

    def __getitem__(self, name: str) -> Seat:
        return self._seats[name]

    def __iter__(self):
        return iter(self._seats.values())

    def get(self, name: str) -> Seat | None:
        return self._seats.get(name)

    @classmethod
    def build(cls, spec: SeatsFile, sim, doc: Document | None = None) -> "Seats":
        """Resolve each seat's units and orders against ``sim`` (a drill's
        :class:`~drillsim.engine.simulation.Simulation`); make a secret for each seat
        the file gives none.

        :raises ValidationFailed: an unknown township, force or unit (with "did you
            mean"), a unit held by two player seats; located in ``doc`` when given.
        """
        faults = Collector()

        def fault(path: tuple, message: str) -> None:
            faults.add(doc.fault(path, message) if doc is not None else
                       Fault("seats", 0, 0, ".".join(str(p) for p in path), message))

        by_force: dict[str, list[str]] = {}
        for unit in sim._unit_list:
            by_force.setdefault(unit.force.id, []).append(unit.id)
        held: dict[str, str] = {}
        seats: list[Seat] = []
        for i, s in enumerate(spec.seats):
            units: list[str] = []
            if s.role == "township":
                if s.township not in sim.region.townships:
                    fault(("seats", i, "township"), f"unknown township {s.township!r}"
                          + suggest(s.township, list(sim.region.townships)))
                elif not s.forces:  # its own team: the unit a per-township force bases there
                    units = [u.id for u in sim._unit_list if u.home == s.township
                             and (u.area == "home" or getattr(u.force.spec, "per_township", False))]
            for k, ref in enumerate(s.forces):
                if ref in by_force:
                    units += by_force[ref]
                elif ref in sim.units:
                    units.append(ref)
                else:
                    fault(("seats", i, "forces", k), f"no force or unit {ref!r} in the scenario"
                          + suggest(ref, list(by_force) + list(sim.units)))
            for uid in units:
                if uid in held and held[uid] != s.name:
                    fault(("seats", i, "forces"), f"{uid} is already held by seat {held[uid]!r}")
                held[uid] = s.name
            secret, made = (s.secret, False) if s.secret else (_secrets.token_urlsafe(16), True)
            orders = frozenset(s.orders if s.orders is not None else DEFAULT_ORDERS.get(s.role, ()))
            seats.append(Seat(s.name, s.role, secret, s.township, frozenset(units), frozenset(), orders, made))
        faults.raise_if_any()
        for seat in seats:  # the command centre holds every unit no other player seat holds
            if seat.role == "command_centre":
                seat.units = frozenset(u.id for u in sim._unit_list if held.get(u.id, seat.name) == seat.name)
        air = {u.id for u in sim._unit_list if u.mode == "air"}
        for seat, s in zip(seats, spec.seats):
            seat.forces = frozenset(f for f, uids in by_force.items() if uids and set(uids) <= seat.units)
            if s.orders is None:  # by default no order the seat could never give
                if not (air and air <= seat.units):
                    seat.orders -= {"air"}
                if not seat.forces:
                    seat.orders -= {"auto"}
        return cls(seats, sim)

    # ------------------------------------------------------------------ what a seat sees
    def audience(self, message: Message) -> list[str]:
        """The seats that receive ``message``: control and evaluators always; the
        command centre always; a township seat its township's reports and calls and
        the warnings; a force seat its units' radio, the calls they can serve and the
        warnings. A unit's radio reaches only the seats holding it (and the command
        centre)."""
        return [s.name for s in self if s.truth or self._sees(s, message)]

    def _sees(self, seat: Seat, m: Message) -> bool:
        if seat.role == "command_centre":
            return True
        if m.unit is not None:
            return m.unit in seat.units
        if m.category == "warning":
            return True  # a public warning
        incident = self.sim.incidents.get(m.incident) if m.incident is not None else None
        if incident is not None:
            if seat.role == "township":
                return incident.place.township == seat.township
            return any(self._can_serve(uid, incident) for uid in seat.units)
        if m.township is not None:
            return seat.role == "township" and m.township == seat.township
        return False

    def _can_serve(self, uid: str, incident) -> bool:
        unit = self.sim.units[uid]
        if unit.serves is not None and incident.kind not in unit.serves:
            return False
        return any(unit.capabilities.get(c, 0) > 0 for c in incident.demand)

    def sees_unit(self, seat: Seat, uid: str) -> bool:
        """Is the unit on the seat's board (the truth seats and the command centre see all)."""
        return seat.truth or seat.role == "command_centre" or uid in seat.units

    # ------------------------------------------------------------------ what a seat may order
    def check_order(self, seat: Seat, line: str, heard: set[str]) -> list[str]:
        """The order lines to carry out for a player seat's ``line`` (``auto on all``
        becomes one line per force it holds), after checking every unit, incident and
        township it names is the seat's.

        :param heard: the incident references (``C3``) this seat has received.
        :raises commands.CommandError: refused; the text names only what the seat knows.
        """
        parsed = commands.parse(line, controller=False)
        name, args = parsed.spec.name, parsed.args
        if name not in seat.orders:
            allowed = ", ".join(o for o in PLAYER_ORDERS if o in seat.orders) or "none"
            raise commands.CommandError(f"{name!r} is not an order for seat {seat.name} "
                                        f"({seat.role.replace('_', ' ')}; its orders: {allowed})")

        def own_unit(uid: str) -> None:
            if uid not in seat.units:
                raise commands.CommandError(f"{uid} is not one of this seat's units")

        def known(ref: str) -> None:
            if ref.upper() not in heard:
                raise commands.CommandError(f"no incident {ref!r} known to this seat")

        if name == "dispatch":
            for uid in args[:-1]:
                own_unit(uid)
            known(args[-1])
        elif name in ("recall", "standby"):
            own_unit(args[0])
        elif name == "air":
            known(args[0])
            air = [u.id for u in self.sim._unit_list if u.mode == "air"]
            if not air or not set(air) <= seat.units:
                raise commands.CommandError("aviation is not this seat's to task")
        elif name in ("evacuate", "shelter", "supplies") and seat.role == "township":
            if args[0] != seat.township:
                raise commands.CommandError(f"this seat orders for {seat.township} only")
        elif name == "auto":
            if args[1] == "all":
                if not seat.forces:
                    raise commands.CommandError("this seat holds no whole force to hand to automatic dispatch")
                return [f"auto {args[0]} {f}" for f in sorted(seat.forces)]
            if args[1] not in seat.forces:
                raise commands.CommandError(f"{args[1]} is not a force this seat holds whole"
                                            + (f" (yours: {', '.join(sorted(seat.forces))})" if seat.forces else ""))
        return [" ".join([name, *args])]

    def describe(self, seat: Seat) -> dict[str, Any]:
        """What the seat is told of itself when it joins."""
        return {"seat": seat.name, "role": seat.role, "township": seat.township,
                "units": [u.id for u in self.sim._unit_list if u.id in seat.units],
                "forces": sorted(seat.forces), "orders": [o for o in PLAYER_ORDERS if o in seat.orders]}

