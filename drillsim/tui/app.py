"""The drill app: steps the session from the UI loop and shows its screens.

The clock: a timer every :data:`TICK` seconds advances the session by the wall time
that passed times the speed (at 60× a tick is 0.1 scenario minutes: a few hundred
microseconds of simulation), so the interface never waits on the engine. Tests pass
``autoplay=False`` and drive the clock themselves with :meth:`DrillApp.step`.
"""

from __future__ import annotations

import time

from textual.app import App

from drillsim.drill.drilllog import DrillLogError
from drillsim.drill.session import DrillFailed
from drillsim.tui.screens.player import PlayerScreen
from drillsim.tui.signals import quit_on_signals, restore_signals

TICK = 0.1


class DrillApp(App):
    """A drill (or a replay) of one :class:`~drillsim.drill.session.DrillSession`.

    :param controller: offer the controller screen (F2).
    :param review_path: where to write the after-action review (Markdown; HTML beside).
    :param autoplay: run the clock from a timer (False in tests).
    :param read_only: a replay: no orders, the clock only.
    """

    CSS_PATH = "drill.tcss"
    TITLE = "drillsim drill"

    def __init__(self, session, *, controller: bool = False, review_path: str | None = None,
                 autoplay: bool = True, read_only: bool = False) -> None:
        super().__init__()
        self.session = session
        self.controller = controller
        self.review_path = review_path
        self.autoplay = autoplay
        self.read_only = read_only
        self.review = None
        self.halted: str | None = None
        #: the traceback of a crash (never shown on screen: it carries hidden state)
        self.crashed: str | None = None
        self._clock = None
        self._last = time.monotonic()
        #: the signal that stopped the drill (SIGTERM, SIGHUP), else None
        self.stopped_by: str | None = None
        self._signals: list[tuple[int, object]] = []
        if controller:
            self.bind("f2", "controller", description="controller")

    def on_mount(self) -> None:
        self._signals = quit_on_signals(self)
        self.push_screen(PlayerScreen(self.session, self.controller, self.read_only))
        if self.autoplay:
            self._last = time.monotonic()
            self._clock = self.set_interval(TICK, self._tick)

    def on_unmount(self) -> None:
        restore_signals(self._signals)

    def on_stop_signal(self, signum: int) -> None:
        """SIGTERM or SIGHUP (:mod:`drillsim.tui.signals`): quit as Ctrl-Q does; the
        session writes its clock when it is closed, so ``--resume`` goes on from here."""
        import signal

        self.stopped_by = signal.Signals(signum).name
        self.exit()

    # -- the clock -------------------------------------------------------------------------
    def _tick(self) -> None:
        now = time.monotonic()
        wall, self._last = now - self._last, now
        if not self.session.ended and not self.halted:
            # a stalled terminal does not jump hours
            self.guarded(self.session.tick, min(wall, 1.0))

    def step(self, minutes: float) -> None:
        """Advance the scenario by ``minutes`` (tests; also used by 'next message')."""
        self.guarded(self.session.advance, minutes)

    def guarded(self, action, *args):
        """Do something that moves the drill (clock, order); if the drill log cannot be
        written, stop the drill and say so (what was logged stays valid and resumable); if
        the engine fails (:class:`~drillsim.drill.session.DrillFailed`), close the app with
        return code 1 and the reason. Returns the action's result, or None when halted."""
        if self.halted:
            self.notify(self.halted, severity="error", timeout=30)
            return None
        try:
            result = action(*args)
        except DrillLogError as exc:
            self.halt(str(exc))
            return None
        except DrillFailed as exc:  # the engine failed: nothing more can happen in this drill
            self.halt(str(exc))
            self.exit(return_code=1, message=str(exc))
            return None
        self.after_step()
        return result

    def halt(self, reason: str) -> None:
        """Stop the clock and refuse further orders, showing why."""
        self.halted = reason
        if self._clock is not None:
            self._clock.stop()
        screen = self.screen
        if hasattr(screen, "say"):
            screen.say("✗ " + reason, ok=False)
        self.notify(reason, severity="error", timeout=3600)

    def after_step(self) -> None:
        """Redraw after the clock moved or an order was given; show the review at the end."""
        screen = self.screen
        if hasattr(screen, "refresh_view"):
            screen.refresh_view()
        if self.session.ended and self.review is None:
            self.show_review()

    def show_review(self) -> None:
        """Reveal the scenario, run the baseline, write the review, show it."""
        from drillsim.drill import aar
        from drillsim.tui.screens.review import ReviewScreen

        self.review = aar.build(self.session)
        written = []
        if self.review_path:
            try:
                written = aar.write(self.review, self.review_path)
            except OSError as exc:
                self.notify(f"cannot write the review: {exc}", severity="error")
        self.session.write_reveal(written[0] if written else None)
        self.push_screen(ReviewScreen(aar.render(self.session, self.review, timeline=False), written))

    # -- a crash (a bug) -------------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """An unhandled exception: Textual would print a traceback with the local
        variables of every frame (the seed, the variant, the true crest). The player's
        screen gets one line; the traceback goes to the sealed controller log."""
        import traceback

        self._return_code = 1
        if self._exception is None:  # Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        self.crashed = "".join(traceback.format_exception(error))
        log = getattr(self.session, "log", None)
        if log is not None:
            try:
                log.controller.append({"rec": "crash", "t": self.session.now, "traceback": self.crashed})
            except Exception:  # noqa: BLE001 - the log itself failing: nothing more to keep
                pass
        self.exit(return_code=1, message=f"the drill crashed ({type(error).__name__}, a bug in "
                                         "drillsim or a plugin); the traceback is in the controller log")

    def action_controller(self) -> None:
        from drillsim.tui.screens.controller import ControllerScreen

        if self.controller and not isinstance(self.screen, ControllerScreen):
            self.push_screen(ControllerScreen(self.session))
