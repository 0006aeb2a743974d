"""The feed of messages as the command receives them, and of orders given."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

STYLE = {"warning": "bold red", "gauge": "cyan", "township": "yellow", "call": "bold magenta",
         "unit": "green", "order": "bold white", "inject": "bold yellow", "info": "white"}


class MessageFeed(RichLog):
    """Appends one line per feed item: time, source, [incident], text."""

    def add_item(self, session, item) -> None:
        line = Text()
        line.append(session.clock_text(item.t)[-5:] + " ", style="dim")
        line.append(f"{item.source}: ", style=STYLE.get(item.category, ""))
        if item.ref:
            line.append(f"[{item.ref}] ", style="bold")
        line.append(item.text)
        self.write(line)
