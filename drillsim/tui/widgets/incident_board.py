"""The board of incidents the command knows of: what, where, demand, units, status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable


class IncidentBoard(DataTable):
    """Open incidents first, then done ones; :meth:`refresh_from` rebuilds it."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("ref", "what", "where", "heard", "needs", "units", "status")

    def refresh_from(self, session) -> None:
        rows = session.incident_rows()
        rows = [r for r in rows if r["open"]] + [r for r in rows if not r["open"]]
        keep = self.cursor_row
        self.clear()
        for r in rows:
            # cells as Text: a place or kind named by the user is never read as markup
            cells = (r["ref"], r["kind"], r["where"][:22], session.clock_text(r["heard"])[-5:],
                     r["demand"], r["units"][:30], r["status"])
            self.add_row(*(Text(str(c)) for c in cells), key=r["ref"])
        if rows:
            self.move_cursor(row=min(keep, len(rows) - 1))

    def selected_ref(self) -> str | None:
        if self.row_count == 0:
            return None
        return str(self.get_row_at(self.cursor_row)[0])
