"""A table redrawn by difference: only the cells that changed are written.

Rebuilding a :class:`~textual.widgets.DataTable` (``clear`` and ``add_row`` for every
row) lays out and repaints the whole table; on a drill's boards at 600× that is most of
a frame. :meth:`KeyedTable.sync` compares the new rows with the shown ones by key and
updates only the cells that differ; rows are rebuilt only when rows come, go or change
order (a new incident heard, one done).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable


class KeyedTable(DataTable):
    """A DataTable whose rows have keys and whose cells are plain text.

    :cvar COLUMNS: ``(key, label)`` of each column.
    """

    COLUMNS: tuple[tuple[str, str], ...] = ()
    #: Home and End go to the first and last row (a row cursor has no columns to go to)
    BINDINGS = [Binding("home", "scroll_top", "first row", show=False),
                Binding("end", "scroll_bottom", "last row", show=False)]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)
        self._shown: list[tuple[str, tuple[str, ...]]] = []
        #: full rebuilds and cells written since mounted (what a test and the bench read)
        self.rebuilds = 0
        self.cells_written = 0

    def sync(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        """Show ``rows``, ``[(key, cells)]`` in order, each cell a string (shown as
        text, never markup: places and kinds are named by users)."""
        rows = [(key, tuple(str(c) for c in cells)) for key, cells in rows]
        if [k for k, _ in rows] == [k for k, _ in self._shown]:
            columns = [key for key, _ in self.COLUMNS]
            for (key, cells), (_, old) in zip(rows, self._shown):
                for column, new, was in zip(columns, cells, old):
                    if new != was:
                        self.update_cell(key, column, Text(new))
                        self.cells_written += 1
            self._shown = rows
            return
        keep = self.cursor_row
        self.clear()
        for key, cells in rows:
            self.add_row(*(Text(c) for c in cells), key=key)
        self._shown = rows
        self.rebuilds += 1
        self.cells_written += sum(len(c) for _, c in rows)
        if rows:
            self.move_cursor(row=min(keep, len(rows) - 1))

    def selected_key(self) -> str | None:
        """The key of the row under the cursor (None: no rows)."""
        if not self._shown:
            return None
        return self._shown[min(self.cursor_row, len(self._shown) - 1)][0]
