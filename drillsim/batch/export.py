"""The tidy table of a batch — one row per variant × replication × scorecard row —
written as CSV (stdlib) or Parquet (pyarrow, the optional ``parquet`` extra).

Columns: ``variant`` (index), ``variant_name``, one column per factor (its level),
``baseline``, ``cost``, ``seed``, ``replication``, ``target`` (scorecard row id),
``value`` (display unit, empty when nothing was measured), ``unit``, ``met`` (empty for
rows without a threshold, and where the run ended before the outcome decided it: a
fire still burning against "contained within 24 h"), ``open`` (True where the run's end
left the outcome open: ``value`` is then not the final figure but a bound — the
containment time so far, say — and ``met`` is empty; False where the outcome was
judged; empty for rows without a threshold or with nothing measured), ``statistic``,
``comparison``, ``threshold``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from drillsim.batch.errors import ExportError
from drillsim.batch.store import Store, StoredTarget


def tidy_rows(store: Store) -> tuple[list[str], list[dict[str, Any]]]:
    """(column names, rows) of the tidy table, sorted by variant, replication, target."""
    factors = json.loads(store.meta().get("factors", "[]"))
    variants = {v.index: v for v in store.variants()}
    targets = store.targets()
    columns = (["variant", "variant_name"] + factors
               + ["baseline", "cost", "seed", "replication", "target", "value", "unit", "met",
                  "open", "statistic", "comparison", "threshold"])
    rows = []
    for v, r, row_id, value, met in store.results():
        var = variants[v]
        t = targets[v][row_id.split("/", 1)[0]]
        row = {"variant": v, "variant_name": var.name}
        row.update({f: var.levels.get(f) for f in factors})
        row.update({"baseline": var.baseline, "cost": var.cost, "seed": var.seed,
                    "replication": r, "target": row_id, "value": value, "unit": t.unit,
                    "met": met, "open": _open(t, value, met),
                    "statistic": t.statistic, "comparison": t.comparison,
                    "threshold": t.threshold})
        rows.append(row)
    return columns, rows


def _open(target: StoredTarget, value: float | None, met: bool | None) -> bool | None:
    """The ``open`` column: None where there is nothing to judge (no goal, no value)."""
    if value is None or target.comparison is None:
        return None
    return target.left_open(value, met)


def check_export_path(path: str | Path) -> None:
    """Whether :func:`export` can write ``path``, checked before any work.

    :raises ExportError: another suffix, a missing folder, or Parquet without pyarrow.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ExportError(f"{path}: export to .csv or .parquet")
    if not path.resolve().parent.is_dir():
        from drillsim.report.common import file_in_the_way

        blocking = file_in_the_way(path)
        if blocking is not None:
            raise ExportError(f"{path}: {str(blocking)!r} is a file, not a folder")
        raise ExportError(f"{path}: folder {str(path.parent)!r} does not exist")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ExportError("Parquet needs pyarrow: pip install 'drillsim[parquet]' "
                              "(or export to .csv)") from None


def export(store: Store, path: str | Path) -> int:
    """Write the tidy table to ``path`` (``.csv`` or ``.parquet``); returns the row count.

    :raises ExportError: see :func:`check_export_path`.
    """
    path = Path(path)
    check_export_path(path)
    suffix = path.suffix.lower()
    columns, rows = tidy_rows(store)
    from drillsim.report.common import open_atomic

    # whole or not at all (a temporary file renamed into place), as every output: a
    # full disk half-way leaves no partial table, and an earlier export stays
    if suffix == ".csv":
        with open_atomic(path) as out:
            writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)
    import pyarrow as pa
    import pyarrow.parquet as pq

    factors = columns[2:columns.index("baseline")]
    schema = pa.schema(
        [("variant", pa.int64()), ("variant_name", pa.string())]
        + [(f, pa.string()) for f in factors]
        + [("baseline", pa.bool_()), ("cost", pa.float64()), ("seed", pa.int64()),
           ("replication", pa.int64()), ("target", pa.string()), ("value", pa.float64()),
           ("unit", pa.string()), ("met", pa.bool_()), ("open", pa.bool_()),
           ("statistic", pa.string()),
           ("comparison", pa.string()), ("threshold", pa.float64())])
    table = pa.Table.from_pylist(rows, schema=schema)
    with open_atomic(path, binary=True) as out:
        pq.write_table(table, out)
    return len(rows)
