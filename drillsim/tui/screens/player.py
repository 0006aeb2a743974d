"""The player's screen: clock, feed, unit and incident boards, command line."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static

from drillsim.drill import SPEEDS
from drillsim.tui.widgets.clock_bar import ClockBar
from drillsim.tui.widgets.command_line import CommandLine, OrderSuggester
from drillsim.tui.widgets.incident_board import IncidentBoard
from drillsim.tui.widgets.map_panel import MapPanel
from drillsim.tui.widgets.message_feed import MessageFeed
from drillsim.tui.widgets.unit_board import UnitBoard

#: wall seconds between redraws of the boards while the clock runs (the feed and clock
#: redraw every tick; the tables are the expensive part)
BOARD_EVERY = 0.5


class PlayerScreen(Screen):
    """What the command sees. Keys work when the command line is not focused; ``:``
    or ``/`` focus it, Escape leaves it."""

    BINDINGS = [
        Binding("space", "toggle_pause", "pause/run"),
        Binding("1", "speed(0)", "1×"),
        Binding("2", "speed(1)", "10×"),
        Binding("3", "speed(2)", "60×"),
        Binding("4", "speed(3)", "600×", show=False),
        Binding("n", "next_message", "next msg"),
        Binding("colon,slash", "focus_command", "order"),
        Binding("d", "prefill('dispatch ')", "dispatch", show=False),
        Binding("r", "prefill('recall ')", "recall", show=False),
        Binding("e", "prefill('evacuate ')", "evacuate", show=False),
        Binding("u", "focus_board('units')", "units"),
        Binding("i", "focus_board('incidents')", "incidents", show=False),
        Binding("m", "toggle_map", "map"),
        Binding("f1,question_mark", "help", "help"),
        Binding("escape", "leave_command", show=False),
        Binding("ctrl+q", "app.quit", "quit"),
    ]

    #: the clock bar's title (a joined seat shows its name)
    title_text: str | None = None
    #: the command line's hint
    placeholder = "order: dispatch UNIT INCIDENT · evacuate TOWNSHIP · F1 help"

    def __init__(self, session, controller: bool = False, read_only: bool = False) -> None:
        super().__init__()
        self.session = session
        self.controller = controller
        self.read_only = read_only
        self._shown = 0
        self._version = -1
        self._drawn = 0.0
        self._ready = False  # mounted (the boards have their columns)

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clock")
        with Horizontal(id="main"):
            yield MessageFeed(id="feed", wrap=True, markup=False, min_width=40)
            with Vertical(id="boards"):
                yield Static("Units", classes="board-title")
                yield UnitBoard(id="units")
                yield Static("Incidents known to the command", classes="board-title")
                yield IncidentBoard(id="incidents")
            yield MapPanel(id="map")
        yield Static("", id="reply")
        if not self.read_only:
            yield CommandLine(placeholder=self.placeholder,
                              suggester=OrderSuggester(self.session, self.controller), id="command")
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self.refresh_view(force=True)

    def on_screen_resume(self) -> None:
        self.refresh_view(force=True)  # back from help or the controller screen

    # -- drawing ---------------------------------------------------------------------------
    def refresh_view(self, force: bool = False) -> None:
        if not self._ready:
            return  # the clock ticked between the push and the mount: on_mount draws it
        try:
            clock = self.query_one(ClockBar)
        except NoMatches:
            return  # the screen is being taken down (replaced, the app quitting): nothing to draw
        s = self.session
        clock.update_from(s, self.title_text or ("REPLAY" if self.read_only else "DRILL"))
        feed = self.query_one(MessageFeed)
        while self._shown < len(s.feed):
            feed.add_item(s, s.feed[self._shown])
            self._shown += 1
        now = time.monotonic()
        if force or (s.version != self._version and now - self._drawn >= BOARD_EVERY):
            self._version, self._drawn = s.version, now
            self.query_one(UnitBoard).refresh_from(s)
            self.query_one(IncidentBoard).refresh_from(s)
            panel = self.query_one(MapPanel)
            if panel.display:
                panel.refresh_from(s)

    def say(self, text: str, ok: bool = True) -> None:
        reply = self.query_one("#reply", Static)
        reply.update(Text(text))  # the reply may quote the order as typed: never markup
        reply.set_class(not ok, "-refused")

    # -- actions ---------------------------------------------------------------------------
    def action_toggle_pause(self) -> None:
        if not self.session.ended:
            self.app.guarded(self.session.set_paused, not self.session.paused)

    def action_speed(self, index: int) -> None:
        self.app.guarded(self.session.set_speed, SPEEDS[index])

    def action_next_message(self) -> None:
        self.app.guarded(self.session.run_until_message)

    def action_focus_command(self) -> None:
        if not self.read_only:
            self.query_one(CommandLine).focus()

    def action_focus_board(self, which: str) -> None:
        """Focus a board: the arrow keys, Page Up/Down, Home and End then move through
        it (every unit of a large drill is reachable)."""
        self.query_one(f"#{which}").focus()

    def action_toggle_map(self) -> None:
        panel = self.query_one(MapPanel)
        panel.display = not panel.display
        if panel.display:
            panel.refresh_from(self.session)

    def action_leave_command(self) -> None:
        self.set_focus(None)

    def action_prefill(self, text: str) -> None:
        if not self.read_only:
            line = self.query_one(CommandLine)
            line.value = text
            line.cursor_position = len(text)
            line.focus()

    def action_help(self) -> None:
        from drillsim.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.controller))

    def on_input_submitted(self, event: CommandLine.Submitted) -> None:
        line = event.value.strip()
        event.input.value = ""
        if not line:
            return
        if line in ("help", "?"):
            self.action_help()
            return
        reply = self.app.guarded(self.session.command, line, self.controller)
        if reply is None:
            return  # halted: the app has said why
        self.say(("✓ " if reply.ok else "✗ ") + reply.text, reply.ok)
        self.refresh_view(force=True)
