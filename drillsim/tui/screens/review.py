"""The reveal and review screen shown when the drill ends."""

from __future__ import annotations

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static


class ReviewScreen(Screen):
    """The hidden scenario revealed, the scorecard against the automatic baseline, the
    counterfactual; the full review (with the timeline) is in the written file."""

    BINDINGS = [Binding("ctrl+q,q", "app.quit", "quit")]

    def __init__(self, markdown: str, written: list[str]) -> None:
        super().__init__()
        self.markdown = markdown
        self.written = written

    def compose(self) -> ComposeResult:
        where = ", ".join(self.written) if self.written else "(not written: no --review path)"
        yield Static(f" DRILL ENDED — review written to {where}", id="clock")
        with VerticalScroll(id="review-box"):
            # Rich renders the review's tables at once (Textual's Markdown widget is slow
            # on a scorecard of dozens of rows)
            yield Static(Markdown(self.markdown), id="review")
        yield Footer()
