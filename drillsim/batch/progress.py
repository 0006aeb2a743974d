"""A progress bar for a running batch (rich): replications done of total, the rate
(replications per second), elapsed time and time left."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Replications per second over the recent past (rich's speed estimate)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("— rep/s" if speed is None else f"{speed:,.1f} rep/s")


class DoneColumn(ProgressColumn):
    """``done/total``, counting replications stored before this run (``offset``), which
    the bar's rate and time left leave out."""

    def __init__(self) -> None:
        super().__init__()
        self.offset = 0

    def render(self, task: Task) -> Text:
        total = "?" if task.total is None else f"{int(task.total) + self.offset:,}"
        return Text(f"{int(task.completed) + self.offset:,}/{total}")


class BatchProgress:
    """``with BatchProgress() as bar: bar.start(done, total); bar.update(done, total)``.

    :param console: where to draw (default: stderr).
    :param enabled: False draws nothing.
    """

    def __init__(self, console: Console | None = None, enabled: bool = True) -> None:
        self.done_column = DoneColumn()
        self.progress = Progress(
            TextColumn("replications"), BarColumn(), self.done_column, RateColumn(),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=console or Console(stderr=True), disable=not enabled)
        self.task = None

    def __enter__(self) -> "BatchProgress":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def start(self, done: int, total: int) -> None:
        """Workers are ready; ``done`` of ``total`` were stored before."""
        self.done_column.offset = done
        self.task = self.progress.add_task("batch", total=total - done)

    def update(self, done: int, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=done - self.done_column.offset)
