"""The help screen: keys and orders."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from drillsim.drill.commands import help_lines

KEYS = [
    ("space", "pause / run the clock"),
    ("1 2 3 4", "speed 1×, 10×, 60×, 600× (scenario minutes per real minute)"),
    ("n", "fast-forward to the next message"),
    (": or /", "type an order (Tab completes, Enter gives it, Escape leaves)"),
    ("d  r  e", "start a dispatch / recall / evacuate order"),
    ("u  i", "go to the unit board (grouped by force) / the incident board: arrows, PgUp/PgDn, Home/End"),
    ("m", "show / hide the map (townships, your units, calls heard, water as reported)"),
    ("F1 or ?", "this help"),
    ("ctrl+q", "quit (the drill log is kept; --resume LOG continues it)"),
]


class HelpScreen(ModalScreen):
    """Lists the keys and the orders; any of Escape, F1, q closes it."""

    BINDINGS = [Binding("escape,f1,q,question_mark", "dismiss", "close")]

    def __init__(self, controller: bool = False, orders: list[tuple[str, str]] | None = None,
                 clock: bool = True) -> None:
        super().__init__()
        self.controller = controller
        self.orders = orders
        self.clock = clock

    def compose(self) -> ComposeResult:
        keys = KEYS if self.clock else [k for k in KEYS if k[0] not in ("space", "1 2 3 4", "n")]
        keys = keys + ([("F2", "controller screen (the truth, injects)")] if self.controller else [])
        lines = ["[b]Keys[/b]"] + [f"  [b]{k:<10}[/b] {v}" for k, v in keys]
        lines += ["", "[b]Orders[/b] (type at the command line)"]
        orders = self.orders if self.orders is not None else help_lines(self.controller)
        lines += [f"  [b]{escape(usage)}[/b]\n      {escape(what)}" for usage, what in orders]
        lines += ["", "Incidents are C1, C2 … in the order the command heard of them. Units are named "
                  "by their ids on the unit board. Orders that cannot be carried out are refused "
                  "with the reason and change nothing.", "", "[dim]Escape closes this help.[/dim]"]
        with VerticalScroll(id="help-box"):
            yield Static("\n".join(lines), id="help-text")
