"""The drill's order language: parsing and completion (no user interface here).

One order per line, words separated by spaces::

    dispatch UNIT [UNIT ...] INCIDENT     send units to an incident (alias: d, send)
    recall UNIT                           call a unit back (from a task or a stand-by post)
    standby UNIT PLACE                    move a free unit to stand by at a place (alias: move)
    evacuate TOWNSHIP                     order the evacuation of a township (alias: evac)
    shelter TOWNSHIP                      open an emergency shelter
    supplies TOWNSHIP PEOPLE              release relocation supplies for PEOPLE people
    air INCIDENT                          request aviation (the nearest free helicopter)
    aid FORCE                             request mutual aid from a neighbouring district
    auto on|off FORCE|all                 automatic dispatch for a force (default: off)
    end                                   end the drill (reveal and review)

The controller also has::

    inject message [@TOWNSHIP] TEXT...    a message to the players (@mixin: to that township only)
    inject incident KIND PLACE CAP=N [ON_SCENE]   a new incident (e.g. flood_rescue mixin boats=1 45min)
    inject breakdown UNIT                 a unit breaks down where it is
    inject roadcut TOWNSHIP / inject roadopen TOWNSHIP
    fire N                                fire planned inject N
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CommandSpec:
    """One order: its name, aliases, argument kinds and one line of help.

    Argument kinds: ``unit``, ``units`` (one or more units), ``incident``, ``township``,
    ``place``, ``force``, ``aidforce``, ``people`` (a whole number), ``onoff``,
    ``autoforce`` (a force id or ``all``), ``text`` (the rest of the line), ``inject``
    (an inject kind), ``planned`` (a planned inject number), ``word``.
    """

    name: str
    args: tuple[str, ...]
    help: str
    aliases: tuple[str, ...] = ()
    controller: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("dispatch", ("units", "incident"), "send units to an incident", ("d", "send")),
    CommandSpec("recall", ("unit",), "call a unit back from its task or stand-by post", ("r",)),
    CommandSpec("standby", ("unit", "place"), "move a free unit to stand by at a place", ("move",)),
    CommandSpec("evacuate", ("township",), "order the evacuation of a township", ("evac",)),
    CommandSpec("shelter", ("township",), "open an emergency shelter in a township"),
    CommandSpec("supplies", ("township", "people"), "release relocation supplies for N people"),
    CommandSpec("air", ("incident",), "request aviation: the nearest free helicopter"),
    CommandSpec("aid", ("aidforce",), "request mutual aid from a neighbouring district"),
    CommandSpec("auto", ("onoff", "autoforce"), "automatic dispatch on/off for a force or all"),
    CommandSpec("end", (), "end the drill: reveal the scenario and write the review"),
    CommandSpec("inject", ("inject", "text"), "controller: inject a message, incident, "
                "breakdown, roadcut or roadopen", controller=True),
    CommandSpec("fire", ("planned",), "controller: fire planned inject N", controller=True),
)

INJECT_KINDS = ("message", "incident", "breakdown", "roadcut", "roadopen", "inservice")

#: how an argument kind is written in a usage line and the help screen, where its
#: name alone would not say what to type (``auto ONOFF AUTOFORCE`` said nothing)
SHOWN = {"aidforce": "FORCE", "onoff": "on|off", "autoforce": "FORCE|all", "planned": "N",
         "inject": "KIND"}


def usage(spec: CommandSpec) -> str:
    """The order as typed, its arguments named as the player writes them
    (``auto on|off FORCE|all``, ``aid FORCE``, ``fire N``)."""
    return " ".join([spec.name] + [SHOWN.get(a, a.upper()) for a in spec.args])


class CommandError(ValueError):
    """A line that is not a valid order (unknown word, missing argument)."""


@dataclass
class Vocabulary:
    """The words each argument kind may take right now (ids the players may use)."""

    units: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    forces: list[str] = field(default_factory=list)
    aid_forces: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    incident_kinds: list[str] = field(default_factory=list)

    def words(self, kind: str) -> list[str]:
        return {
            "unit": self.units, "units": self.units + self.incidents, "incident": self.incidents,
            "township": self.townships, "place": self.places, "force": self.forces,
            "aidforce": self.aid_forces, "onoff": ["on", "off"],
            "autoforce": ["all"] + self.forces, "inject": list(INJECT_KINDS),
            "planned": self.planned,
        }.get(kind, [])


@dataclass
class Parsed:
    """A parsed order: the command and its arguments as words."""

    spec: CommandSpec
    args: list[str]


def lookup(word: str, controller: bool = False) -> CommandSpec:
    """The command named ``word`` (or an alias).

    :raises CommandError: unknown, or controller-only for a player.
    """
    w = word.lower()
    for spec in COMMANDS:
        if w == spec.name or w in spec.aliases:
            if spec.controller and not controller:
                break
            return spec
    names = [c.name for c in COMMANDS if controller or not c.controller]
    from drillsim.scenario.validation import suggest

    raise CommandError(f"unknown order {word!r}{suggest(w, names)}; orders: {', '.join(names)}")


def parse(line: str, controller: bool = False) -> Parsed:
    """Split an order line into its command and argument words, checking the count.

    :raises CommandError: empty line, unknown order, wrong number of arguments.
    """
    words = line.split()
    if not words:
        raise CommandError("type an order, e.g. dispatch water_rescue-1 C1 (F1 for help)")
    spec = lookup(words[0], controller)
    args = words[1:]
    wrong = f"usage: {usage(spec)}"
    if spec.name == "inject":
        wrong += f" (KIND: {', '.join(INJECT_KINDS)})"
    if spec.args and spec.args[-1] == "text":
        if len(args) < len(spec.args) - 1 + (0 if spec.name == "inject" else 1):
            raise CommandError(wrong)
        return Parsed(spec, args)
    if spec.args and spec.args[0] == "units":
        if len(args) < 2:
            raise CommandError(wrong)
        return Parsed(spec, args)
    if len(args) != len(spec.args):
        raise CommandError(wrong)
    return Parsed(spec, args)


def complete(line: str, vocab: Vocabulary, controller: bool = False) -> str | None:
    """The line with its last word completed (the first candidate, in vocabulary order,
    that starts with what was typed), or None if nothing fits.

    Completes the order name for the first word, then each argument by its kind.
    """
    if not line or line.endswith(" "):
        return None
    words = line.split(" ")
    head, last = words[:-1], words[-1]
    low = last.lower()
    if not head:
        names = [c.name for c in COMMANDS if controller or not c.controller]
        options = names
    else:
        try:
            spec = lookup(head[0], controller)
        except CommandError:
            return None
        position = len([w for w in head[1:] if w])
        if not spec.args:
            return None
        if spec.args[0] == "units":
            kind = "units"
        elif spec.name == "inject" and position >= 1:
            kind = _inject_arg(head[1] if len(head) > 1 else "", position)
        else:
            kind = spec.args[min(position, len(spec.args) - 1)] if position < len(spec.args) else None
        if kind is None:
            return None
        options = vocab.words(kind)
    for option in options:
        if option.lower().startswith(low) and option.lower() != low:
            return " ".join(head + [option])
    return None


def _inject_arg(kind: str, position: int) -> str | None:
    if kind == "breakdown" or kind == "inservice":
        return "unit" if position == 1 else None
    if kind in ("roadcut", "roadopen"):
        return "township" if position == 1 else None
    if kind == "incident":
        return {1: "word", 2: "place"}.get(position)
    return None


def held_why(events, force: str) -> str:
    """Why a free unit of ``force`` may not be sent now, from the run's log: the text of
    the force's last ``daylight`` event if it grounds the force (the aviation plugin's
    daylight rule), else a general reason."""
    last = next((e for e in reversed(events) if e.kind == "daylight" and e.details.get("force") == force), None)
    if last is not None and last.details.get("grounded"):
        return str(last.details.get("what", "grounded"))
    return "held by the scenario's rules for sending it"


def help_lines(controller: bool = False) -> list[tuple[str, str]]:
    """``[(usage, what it does)]`` for the help screen."""
    out = []
    for c in COMMANDS:
        if c.controller and not controller:
            continue
        line = usage(c)
        if c.aliases:
            line += f"   (also: {', '.join(c.aliases)})"
        out.append((line, c.help))
    return out
