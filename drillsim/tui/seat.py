"""``drillsim drill join``: one seat of a served drill, drawn with the drill's own screens.

The app holds no session: a :class:`~drillsim.drill.client.SeatView` built from the
server's messages stands in for it, so the player screen, the boards, the feed and the
controller screen draw exactly what the server sent this seat and nothing more. Orders
and clock keys become requests; the server's reply comes back as a message and is
shown on the reply line. A player seat's footer has no clock keys (the server would
refuse them: only the control cell moves the clock).
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual.app import App, ComposeResult, ScreenStackError
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from drillsim.drill.client import SeatClient, SeatRefused, SeatView
from drillsim.tui.screens.player import PlayerScreen
from drillsim.tui.screens.review import ReviewScreen
from drillsim.tui.signals import quit_on_signals, restore_signals

#: wall seconds between redraws when no message comes
REDRAW = 0.5
#: clock actions a player seat's screen does not offer
CLOCK_ACTIONS = {"toggle_pause", "speed", "next_message"}


class SeatScreen(PlayerScreen):
    """The player screen of a joined seat: its name and role in the clock bar; clock
    keys for the control seat only."""

    def __init__(self, view: SeatView) -> None:
        super().__init__(view, controller=view.role == "control")
        self.title_text = f"{view.seat.upper()} ({view.role.replace('_', ' ')})"
        if view.role == "evaluator":
            self.placeholder = "note TEXT (kept with the time and your seat) · F2 the truth"
        elif view.role == "control":
            self.placeholder = "order or inject … · release (the review to players) · F2 the truth"

    def action_help(self) -> None:
        from drillsim.tui.screens.help import HelpScreen

        view = self.session
        self.app.push_screen(HelpScreen(view.role in ("control", "evaluator"),
                                        orders=[tuple(o) for o in view.welcome.get("orders_help", [])],
                                        clock=view.role == "control"))

    def check_action(self, action: str, parameters) -> bool | None:
        if action in CLOCK_ACTIONS and self.session.role != "control":
            return False
        return True


class SignInScreen(Screen):
    """Asks for the seat and its secret (``drillsim drill join --web``: a browser has no
    terminal to prompt in; the secret never goes on a command line). A refusal is shown
    and the seat may try again; the secret field is cleared each time."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "quit")]

    def __init__(self, address: str, seat: str | None = None) -> None:
        super().__init__()
        self.address = address
        self.seat = seat

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in"):
            yield Static(Text(f"Join the drill at {self.address}"), classes="board-title")
            yield Input(value=self.seat or "", placeholder="seat (from the control cell)", id="seat")
            yield Input(placeholder="secret", password=True, id="secret")
            yield Static("", id="reply")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#secret" if self.seat else "#seat", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        seat = self.query_one("#seat", Input).value.strip()
        secret_box = self.query_one("#secret", Input)
        if event.input.id == "seat" or not secret_box.value:
            secret_box.focus()
            return
        if not seat:
            self.query_one("#seat", Input).focus()
            return
        secret, secret_box.value = secret_box.value.strip(), ""
        why = await self.app.sign_in(seat, secret)
        if why is not None:
            reply = self.query_one("#reply", Static)
            reply.update(Text("✗ " + why))
            reply.set_class(True, "-refused")


class SeatReviewScreen(ReviewScreen):
    """The review, with Escape back to the drill (the control seat releases it to the
    players from there: ``release``)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "back to the drill")]


class SeatApp(App):
    """One seat joined to ``address`` (``HOST:PORT``, or ``wss://HOST:PORT`` with ``ssl``
    the client's TLS context).

    :ivar refused: why the server refused the seat (the app then exits at once).
    """

    CSS_PATH = "drill.tcss"
    TITLE = "drillsim drill join"

    def __init__(self, address: str, seat: str | None, secret: str | None, ssl=None,
                 client: SeatClient | None = None) -> None:
        """:param client: a client already joined (its ``welcome`` received), as
        ``drillsim drill join`` gives it, so a refusal never starts the screen."""
        super().__init__()
        self.address = address
        self._ssl = ssl
        self.seat = seat
        self._secret = secret
        self.client = client or SeatClient()
        self.view: SeatView | None = None
        self.refused: str | None = None
        self.review_shown = False
        self._sending: set[asyncio.Task] = set()
        self._signals: list[tuple[int, object]] = []

    def on_stop_signal(self, signum: int) -> None:
        """SIGTERM or SIGHUP (:mod:`drillsim.tui.signals`): leave the drill as Ctrl-Q
        does (the server keeps the seat's feed; join again to go on)."""
        self.exit()

    def on_unmount(self) -> None:
        restore_signals(self._signals)

    async def on_mount(self) -> None:
        self._signals = quit_on_signals(self)
        if self.client.welcome is not None:  # joined before the screen started
            self._joined(self.client.welcome)
            return
        if self.seat is None or self._secret is None:  # asked on screen (a browser seat)
            self.push_screen(SignInScreen(self.address, self.seat))
            return
        try:
            welcome = await self.client.connect(self.address, self.seat, self._secret, ssl=self._ssl)
        except SeatRefused as exc:
            self.refused = str(exc)
            self.exit(return_code=2)
            return
        self._joined(welcome)

    async def sign_in(self, seat: str, secret: str) -> str | None:
        """Join as ``seat`` with ``secret`` typed on the sign-in screen; returns why not
        (the screen shows it and asks again), None once joined."""
        self.seat = seat
        try:
            welcome = await self.client.connect(self.address, seat, secret, ssl=self._ssl)
        except SeatRefused as exc:
            self.client = SeatClient()
            return str(exc)
        self.pop_screen()
        self._joined(welcome)
        return None

    def _joined(self, welcome: dict) -> None:
        self._secret = ""
        self.view = SeatView(welcome, send=self._send)
        if self.view.role in ("control", "evaluator"):
            self.bind("f2", "truth", description="truth")
        self.push_screen(SeatScreen(self.view))
        self.run_worker(self._receive(), exclusive=True)
        # the boards redraw at most every 0.5 s: a last change that came sooner is drawn here
        self.set_interval(REDRAW, self.after_step)

    def _send(self, kind: str, **fields) -> None:
        task = asyncio.get_running_loop().create_task(self.client.send(kind, **fields))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _receive(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            while True:
                message = await self.client.recv(timeout=None)
                self.view.apply(message)
                kind = message.get("type")
                screen = self._top()
                if kind == "reply" and hasattr(screen, "say"):
                    screen.say(("✓ " if message["ok"] else "✗ ") + message["text"], message["ok"])
                elif kind == "error":
                    self.notify(message["text"], severity="error")
                elif kind == "halted":
                    self.notify(message["text"], severity="error", timeout=3600)
                if hasattr(screen, "refresh_view"):
                    screen.refresh_view()
                if kind == "review" and not self.review_shown:
                    self.show_review(message)
        except ConnectionClosed:
            self.view.halted = "the drill server closed the connection"
            self.notify("the drill server closed the connection (ctrl+q quits)", severity="error", timeout=3600)

    def guarded(self, action, *args):
        """What the screens call to act: here every action is a request to the server."""
        if self.view is None or self.view.halted:
            if self.view is not None:
                self.notify(self.view.halted, severity="error")
            return None
        return action(*args)

    def after_step(self) -> None:
        screen = self._top()
        if hasattr(screen, "refresh_view"):
            screen.refresh_view()

    def _top(self):
        """The screen shown, or None while the app shuts down."""
        try:
            return self.screen
        except ScreenStackError:
            return None

    def show_review(self, message: dict) -> None:
        self.review_shown = True
        self.push_screen(SeatReviewScreen(message.get("markdown") or "", message.get("written") or []))

    def _handle_exception(self, error: Exception) -> None:
        """A bug in the client: one line, not Textual's traceback with every frame's
        local variables (they hold the seat's secret)."""
        self._return_code = 1
        if self._exception is None:  # Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        self.exit(return_code=1, message=f"the drill client crashed ({type(error).__name__}: {error}); "
                                         "join again to go on (the drill goes on at the server)")

    def action_truth(self) -> None:
        from drillsim.tui.screens.controller import ControllerScreen

        if self.view is not None and self.view.role in ("control", "evaluator") and \
                not isinstance(self.screen, ControllerScreen):
            self.push_screen(ControllerScreen(self.view))
