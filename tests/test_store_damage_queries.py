"""The batch database's damage checks, made cheaper (drillsim.batch.store), select what
the plain SQL did: every combination of stored types below is classified by hand
(a value must be a real, an integer or NULL; ``met`` an integer or NULL), and the new
query must count exactly the rows the old ``typeof`` query counts. SQLite's own rules:
sqlite.org/datatype3.html (affinity, section 3; comparison order, section 4.1).
"""

from __future__ import annotations

import itertools
import sqlite3

from drillsim.batch.store import _NOT_A_NUMBER, _OF_NO_REPLICATION, _ROWS_OF_NO_REPLICATION, _SCHEMA

OLD_NOT_A_NUMBER = ("SELECT COUNT(*) FROM results WHERE typeof(value) NOT IN ('real', 'integer', 'null') "
                    "OR typeof(met) NOT IN ('integer', 'null')")

#: (stored value, is it a number or NULL?) for ``value`` and for ``met``
VALUES = [(1.5, True), (2, True), (None, True), (-0.0, True), (1e308, True), ("abc", False),
          ("", False), ("1.5", True), (b"\x00", False), (b"", False)]   # '1.5': REAL affinity makes it 1.5
METS = [(0, True), (1, True), (5, True), (None, True), (1.0, True),   # 1.0: INTEGER affinity makes it 1
        (0.5, False), (1e300, False), (float("inf"), False), (-2.5, False), ("x", False),
        ("", False), ("1", True), (b"\x01", False)]                    # '1': made the integer 1


def _db():
    conn = sqlite3.connect(":memory:")
    conn.executescript(_SCHEMA)
    return conn


def test_the_number_check_counts_the_rows_the_typeof_check_counted():
    conn = _db()
    conn.execute("INSERT INTO variants VALUES (0, 'v', '{}', '{}', 1, NULL, 1, '{}', '', '{}')")
    conn.execute("INSERT INTO replications VALUES (0, 0, 1)")
    bad = 0
    for k, ((value, v_ok), (met, m_ok)) in enumerate(itertools.product(VALUES, METS)):
        conn.execute("INSERT INTO results VALUES (0, 0, ?, ?, ?)", (f"T{k}", value, met))
        bad += not (v_ok and m_ok)
    # 10 values (6 numbers or NULL) x 13 mets (6 whole or NULL): 130 - 6 * 6 = 94 rows damaged
    assert bad == 130 - 6 * 6 == 94
    assert conn.execute(OLD_NOT_A_NUMBER).fetchone()[0] == bad
    assert conn.execute(_NOT_A_NUMBER).fetchone()[0] == bad


def test_results_of_no_replication_are_found_by_replication_and_counted_by_row():
    conn = _db()
    conn.execute("INSERT INTO variants VALUES (0, 'v', '{}', '{}', 1, NULL, 1, '{}', '', '{}')")
    conn.execute("INSERT INTO replications VALUES (0, 0, 1)")
    rows = [(0, 0, "A"), (0, 0, "B"), (0, 1, "A"), (0, 1, "B"), (0, 1, "C"), (7, 0, "A")]
    conn.executemany("INSERT INTO results VALUES (?, ?, ?, 1.0, 1)", rows)
    # stored replication: (0, 0) only; (0, 1) and (7, 0) are missing: 2 pairs, 4 rows
    assert conn.execute(_OF_NO_REPLICATION).fetchone()[0] == 2
    assert conn.execute(_ROWS_OF_NO_REPLICATION).fetchone()[0] == 4
    assert "SCAN" in " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + _OF_NO_REPLICATION))
