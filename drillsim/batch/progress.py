"""A progress bar for a running batch (rich): replications done of total, the rate
(replications per second), elapsed time and time left; before the first replication,
a spinner saying which start-up step is under way (checking the sweep's variants, opening
the database, starting the workers), so a batch says something from its first second."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    SpinnerColumn,
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


class _Only(ProgressColumn):
    """A column drawn only for the start-up step (``step``) or only for the replications."""

    def __init__(self, column: ProgressColumn, step: bool) -> None:
        super().__init__()
        self.column, self.step = column, step

    def render(self, task: Task) -> Text:
        if bool(task.fields.get("step")) != self.step:
            return Text("")
        return self.column.render(task)


class BatchProgress:
    """``with BatchProgress() as bar: bar.step("checking …"); bar.start(done, total);
    bar.update(done, total)``.

    :param console: where to draw (default: stderr).
    :param enabled: False draws nothing. Nothing is drawn either when the console is not a
        terminal (a file, a pipe): there the display would print only its last frame when
        it stops, a blank line before an error message or the batch's summary.
    """

    def __init__(self, console: Console | None = None, enabled: bool = True) -> None:
        self.done_column = DoneColumn()
        console = console or Console(stderr=True)
        enabled = enabled and console.is_terminal
        self.progress = Progress(
            _Only(SpinnerColumn(), step=True), TextColumn("{task.description}"),
            _Only(BarColumn(), step=False), _Only(self.done_column, step=False),
            _Only(RateColumn(), step=False), TimeElapsedColumn(),
            _Only(TextColumn("left"), step=False), _Only(TimeRemainingColumn(), step=False),
            console=console, disable=not enabled)
        self.task = None
        self.setup = None

    def __enter__(self) -> "BatchProgress":
        self.progress.__enter__()
        return self

    def step(self, text: str) -> None:
        """Say which start-up step is under way (a spinner and the time since the start)."""
        if self.setup is None:
            self.setup = self.progress.add_task(text, total=None, step=True)
        else:
            self.progress.update(self.setup, description=text)

    def __exit__(self, *exc) -> None:
        # a start-up step still showing (the batch stopped before its first replication)
        # goes: a console that is not a terminal prints the last frame when it stops
        if self.setup is not None:
            self.progress.remove_task(self.setup)
            self.setup = None
        self.progress.__exit__(*exc)

    def start(self, done: int, total: int) -> None:
        """Workers are ready; ``done`` of ``total`` were stored before."""
        self.done_column.offset = done
        if self.setup is not None:
            self.progress.remove_task(self.setup)
            self.setup = None
        self.task = self.progress.add_task("replications", total=total - done)

    def update(self, done: int, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=done - self.done_column.offset)
