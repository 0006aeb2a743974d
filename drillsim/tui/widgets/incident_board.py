"""The board of incidents the command knows of: what, where, demand, units, status."""

from __future__ import annotations

from drillsim.tui.widgets.keyed_table import KeyedTable


class IncidentBoard(KeyedTable):
    """The incidents in the order the command heard of them (C1, C2, …: a new one is a
    row added at the end, the table is not rebuilt), a done one marked ``done``;
    :meth:`refresh_from` writes what changed."""

    #: the long list of units last: a narrow board crops it, not the status
    COLUMNS = (("ref", "ref"), ("what", "what"), ("where", "where"), ("heard", "heard"),
               ("needs", "needs"), ("status", "status"), ("units", "units"))

    def refresh_from(self, session) -> None:
        rows = session.incident_rows()
        self.sync([(r["ref"], (r["ref"], r["kind"], r["where"][:22], session.clock_text(r["heard"])[-5:],
                               r["demand"], r["status"], r["units"][:30])) for r in rows])

    def selected_ref(self) -> str | None:
        return self.selected_key()
