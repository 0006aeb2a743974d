"""The board of incidents the command knows of: what, where, demand, units, status."""

from __future__ import annotations

from drillsim.tui.widgets.keyed_table import KeyedTable


class IncidentBoard(KeyedTable):
    """Open incidents first, then done ones; :meth:`refresh_from` writes what changed."""

    COLUMNS = (("ref", "ref"), ("what", "what"), ("where", "where"), ("heard", "heard"),
               ("needs", "needs"), ("units", "units"), ("status", "status"))

    def refresh_from(self, session) -> None:
        rows = session.incident_rows()
        rows = [r for r in rows if r["open"]] + [r for r in rows if not r["open"]]
        self.sync([(r["ref"], (r["ref"], r["kind"], r["where"][:22], session.clock_text(r["heard"])[-5:],
                               r["demand"], r["units"][:30], r["status"])) for r in rows])

    def selected_ref(self) -> str | None:
        return self.selected_key()
