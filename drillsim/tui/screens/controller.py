"""The controller's screen: the truth, the inject list, the reports that were lost."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from drillsim.tui.widgets.clock_bar import ClockBar
from drillsim.tui.widgets.command_line import CommandLine, OrderSuggester


class ControllerScreen(Screen):
    """Only reachable with ``--controller``. Orders typed here run as the controller
    (``inject …``, ``fire N``, ``end``)."""

    BINDINGS = [
        Binding("f2,escape", "back", "player screen"),
        Binding("space", "toggle_pause", "pause/run"),
        Binding("colon,slash", "focus_command", "inject"),
        Binding("ctrl+q", "app.quit", "quit"),
    ]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session
        self._version = -1
        self._ready = False  # the tables have their columns (set in on_mount)

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clock")
        with Horizontal(id="main"):
            with Vertical():
                yield Static("", id="truth")
                yield Static("Planned injects (fire N)", classes="board-title")
                yield DataTable(id="planned")
            with Vertical():
                yield Static("All incidents (the truth)", classes="board-title")
                yield DataTable(id="all-incidents")
        yield Static("", id="reply")
        yield CommandLine(placeholder="inject message TEXT · inject incident KIND PLACE boats=1 · "
                                      "inject breakdown UNIT · inject roadcut TOWNSHIP · fire N · end",
                          suggester=OrderSuggester(self.session, controller=True), id="command")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#planned", DataTable).add_columns("#", "due", "inject", "fired")
        self.query_one("#all-incidents", DataTable).add_columns("id", "ref", "kind", "where", "created", "status")
        self._ready = True
        self.refresh_view(force=True)

    def refresh_view(self, force: bool = False) -> None:
        if not self._ready:
            return  # the clock ticked between the push and the mount: on_mount draws it
        s = self.session
        self.query_one(ClockBar).update_from(s, "CONTROLLER")
        if not force and s.version == self._version:
            return
        self._version = s.version
        v = s.truth()
        lines = ["Hazard state"] + [f"  {h}" for h in v["hazard"]]
        lines.append(f"  hidden: {v['pack']} · variant {v['variant'] or '-'} · seed {v['seed']}")
        for k, value in v["choices"].items():
            lines.append(f"    {k} = {value}")
        lines.append(f"  incidents {v['incidents_total']}, heard {v['heard']}, lost reports {v['lost_reports']}"
                     + (f", roads cut: {', '.join(v['roads_cut'])}" if v["roads_cut"] else ""))
        for note in v["notes"][-5:]:
            lines.append(f"  note {note['time'][-5:]} {note['seat']}: {note['text']}")
        # names in the lines are the user's (pack, variant, places): text, never markup
        truth = Text.assemble((lines[0], "bold"), "\n" + "\n".join(lines[1:]))
        self.query_one("#truth", Static).update(truth)
        planned = self.query_one("#planned", DataTable)
        planned.clear()
        for p in v["planned"]:
            planned.add_row(*(Text(c) for c in (str(p["n"]), p["due"][-11:] if p["due"] is not None
                                                else p.get("trigger", "by hand")[:40], p["inject"][:60], "yes" if p["fired"] else "")))
        table = self.query_one("#all-incidents", DataTable)
        table.clear()
        for inc in reversed(v["incidents"]):
            table.add_row(*(Text(str(c)) for c in (inc["id"], inc["ref"] or "(unheard)", inc["kind"],
                                                   inc["where"][:24], inc["created"][-5:], inc["status"])))

    def say(self, text: str, ok: bool = True) -> None:
        reply = self.query_one("#reply", Static)
        reply.update(Text(text))  # the reply may quote the order as typed: never markup
        reply.set_class(not ok, "-refused")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_pause(self) -> None:
        if not self.session.ended:
            self.session.set_paused(not self.session.paused)
            self.refresh_view(force=True)

    def action_focus_command(self) -> None:
        self.query_one(CommandLine).focus()

    def on_input_submitted(self, event: CommandLine.Submitted) -> None:
        line = event.value.strip()
        event.input.value = ""
        if not line:
            return
        reply = self.app.guarded(self.session.command, line, True)
        if reply is None:
            return  # halted: the app has said why
        self.say(("✓ " if reply.ok else "✗ ") + reply.text, reply.ok)
