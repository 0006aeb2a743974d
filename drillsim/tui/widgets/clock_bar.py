"""The top bar: scenario date and time, elapsed time, speed, paused or running."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ClockBar(Static):
    """Shows the session's clock; :meth:`update_from` redraws it."""

    def update_from(self, session, title: str) -> None:
        state = "ENDED" if session.ended else ("PAUSED" if session.paused else "RUNNING")
        # the title is the user's (a scenario or pack name): text, never markup
        self.update(Text(f" {title}   {session.clock_text()}  ({session.elapsed_text()})   "
                         f"speed {session.speed}×   {state}"))
        self.set_class(session.paused or session.ended, "-paused")
