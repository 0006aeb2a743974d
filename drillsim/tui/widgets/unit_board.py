"""The board of units: status, where, task, time on task."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable


class UnitBoard(DataTable):
    """One row per unit; :meth:`refresh_from` rebuilds it from the session."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("unit", "status", "where", "task", "on task")

    def refresh_from(self, session) -> None:
        rows = session.unit_rows()
        keep = self.cursor_row
        self.clear()
        for r in rows:
            on_task = "" if r["on_task"] is None else f"{int(r['on_task'])} min"
            unit = r["unit"] + (" (auto)" if r["auto"] else "")
            # cells as Text: a place named by the user is never read as markup
            self.add_row(*(Text(str(c)) for c in (unit, r["status"], r["where"][:28], r["task"], on_task)),
                         key=r["unit"])
        if rows:
            self.move_cursor(row=min(keep, len(rows) - 1))
