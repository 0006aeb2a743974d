"""The command line: orders with completion of order names and ids (Tab accepts)."""

from __future__ import annotations

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from drillsim.drill import commands


class OrderSuggester(Suggester):
    """Suggests the completion of the last word from the session's vocabulary."""

    def __init__(self, session, controller: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.session = session
        self.controller = controller

    async def get_suggestion(self, value: str) -> str | None:
        return commands.complete(value, self.session.vocabulary(self.controller), self.controller)


class CommandLine(Input):
    """An Input whose Tab key takes the suggested completion."""

    BINDINGS = [Binding("tab", "complete", "complete", show=False, priority=True)]

    async def _on_key(self, event) -> None:
        # ':' or '/' pressed to reach the line while already in it: not part of an order
        if event.character in (":", "/") and not self.value:
            event.prevent_default()
            event.stop()
            return
        await super()._on_key(event)

    def action_complete(self) -> None:
        suggestion = getattr(self, "_suggestion", "")
        if suggestion and suggestion != self.value:
            self.value = suggestion + " "
            self.cursor_position = len(self.value)
