"""The board of units, grouped by force: status, where, task, time on task."""

from __future__ import annotations

from drillsim.tui.widgets.keyed_table import KeyedTable

#: the key prefix of a force's heading row (no unit id has it)
FORCE_ROW = "force:"


class UnitBoard(KeyedTable):
    """One row per unit, the units of a force together under a heading row naming the
    force and its number of units; :meth:`refresh_from` writes what changed. Once
    focused (``u``), the arrow keys, Page Up/Down, Home and End scroll it: every unit
    is reachable however many."""

    #: the long place last: a narrow board crops it, not the task
    COLUMNS = (("unit", "unit"), ("status", "status"), ("task", "task"), ("on_task", "on task"),
               ("where", "where"))

    def refresh_from(self, session) -> None:
        rows = session.unit_rows()
        order: dict[str, int] = {}
        for r in rows:  # forces in the order they first come; units in their order within
            order.setdefault(r.get("force", ""), len(order))
        rows = sorted(rows, key=lambda r: order[r.get("force", "")])
        count: dict[str, int] = {}
        for r in rows:
            count[r.get("force", "")] = count.get(r.get("force", ""), 0) + 1
        out, last = [], None
        for r in rows:
            force = r.get("force", "")
            if force != last and len(order) > 1:  # a heading row per force
                n = count[force]
                out.append((FORCE_ROW + force, (f"▾ {force.replace('_', ' ')} ({n})", "", "", "", "")))
            last = force
            on_task = "" if r["on_task"] is None else f"{int(r['on_task'])} min"
            unit = r["unit"] + (" (auto)" if r["auto"] else "")
            out.append((r["unit"], ("  " + unit, r["status"], r["task"], on_task, r["where"][:28])))
        self.sync(out)

    def selected_unit(self) -> str | None:
        """The unit under the cursor (None on a force's heading row)."""
        key = self.selected_key()
        return None if key is None or key.startswith(FORCE_ROW) else key

    def unit_keys(self) -> list[str]:
        """The units shown, in board order."""
        return [k for k in self._keys if not k.startswith(FORCE_ROW)]
