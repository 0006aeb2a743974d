"""The top bar: scenario date and time, elapsed time, speed, paused or running."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class ClockBar(Widget):
    """Shows the session's clock; :meth:`update_from` redraws it.

    One line, its height fixed by the stylesheet: a new time repaints this line only
    (a ``Static.update`` would lay the whole screen out again, every tick)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._text = Text("")

    def render(self) -> Text:
        return self._text

    def update_from(self, session, title: str) -> None:
        state = "ENDED" if session.ended else ("PAUSED" if session.paused else "RUNNING")
        # the title is the user's (a scenario or pack name): text, never markup
        text = (f" {title}   {session.clock_text()}  ({session.elapsed_text()})   "
                f"speed {session.speed}×   {state}")
        if text != self._text.plain:
            self._text = Text(text)
            self.refresh()
        self.set_class(session.paused or session.ended, "-paused")
