"""The feed of messages as the command receives them, and of orders given."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import RichLog

STYLE = {"warning": "bold red", "gauge": "cyan", "township": "yellow", "call": "bold magenta",
         "unit": "green", "order": "bold white", "inject": "bold yellow", "info": "white"}


class MessageFeed(RichLog):
    """Appends one line per feed item: time, source, [incident], text.

    A line added changes only this widget's scrollable height: the scrollbar (always
    shown, ``overflow-y: scroll`` in the stylesheet) is updated and the feed repainted,
    without laying the whole screen out again (RichLog's ``virtual_size`` would, for
    every line: most of a frame at 600×, with the boards repainted too)."""

    virtual_size = Reactive(Size(0, 0), layout=False, repaint=True)

    def watch_virtual_size(self, size: Size) -> None:
        self._scroll_update(size)

    def add_item(self, session, item) -> None:
        line = Text()
        line.append(session.clock_text(item.t)[-5:] + " ", style="dim")
        line.append(f"{item.source}: ", style=STYLE.get(item.category, ""))
        if item.ref:
            line.append(f"[{item.ref}] ", style="bold")
        line.append(item.text)
        self.write(line)
