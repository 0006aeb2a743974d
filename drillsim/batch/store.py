"""The results of a batch in a SQLite database (stdlib :mod:`sqlite3`).

Tables:

- ``meta`` (key, value): the sweep (name, file, SHA-256 of its text), base seed,
  common random numbers, objective, replications asked for, factors, cost unit,
  versions, creation time.
- ``variants``: one row per variant: index, name, factor levels, overrides, seed, cost,
  whether it is the baseline, the fully resolved configuration
  (:meth:`~drillsim.scenario.loader.ResolvedScenario.configuration`) with its SHA-256, and the
  package versions.
- ``targets``: per variant, each scored target: title, plan section, metric, unit,
  statistic, comparison, threshold (display unit), required pass rate.
- ``replications``: one row per finished (variant, replication), with its event count.
- ``results``: one row per variant × replication × scorecard row: the replication's
  value (display unit; NULL when there was nothing to measure) and whether it met the
  threshold (NULL for rows without one).
- ``failures``: one row per failed (variant, replication): the kind (``plugin failed``,
  ``stalled``, ``error``), the message and the worker that ran it. A failed replication
  has no ``replications`` or ``results`` rows; run again and succeeding, its failure row
  goes in the same transaction as its results arrive.

A replication's rows are written in one transaction with its ``replications`` row (a
chunk of replications shares one transaction), so a writer killed at any moment leaves
whole replications only; ``--resume`` runs the (variant, replication) pairs that have
neither a ``replications`` nor (unless failures are retried) a ``failures`` row. The
database runs in WAL mode, so ``drillsim results`` can read it while a batch writes.

A write that fails (disk full, the file or its folder made read-only) raises
:class:`~drillsim.batch.errors.StoreWriteError` naming the file; the transaction is
rolled back, so what was stored before stays whole and valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from drillsim.batch.errors import StoreError, StoreWriteError
from drillsim.batch.sweep import Sweep, Variant
from drillsim.batch.worker import Result

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE variants (
    variant INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    levels TEXT NOT NULL,
    overrides TEXT NOT NULL,
    seed INTEGER NOT NULL,
    cost REAL,
    baseline INTEGER NOT NULL,
    configuration TEXT NOT NULL,
    configuration_sha256 TEXT NOT NULL,
    versions TEXT NOT NULL
);
CREATE TABLE targets (
    variant INTEGER NOT NULL REFERENCES variants(variant),
    target TEXT NOT NULL,
    title TEXT NOT NULL,
    section TEXT,
    metric TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    statistic TEXT NOT NULL,
    comparison TEXT,
    threshold REAL,
    required_pass_rate REAL NOT NULL,
    by_label INTEGER NOT NULL,
    position INTEGER NOT NULL,
    floor REAL,
    ceiling REAL,
    PRIMARY KEY (variant, target)
);
CREATE TABLE replications (
    variant INTEGER NOT NULL REFERENCES variants(variant),
    replication INTEGER NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (variant, replication)
);
CREATE TABLE results (
    variant INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    target TEXT NOT NULL,
    value REAL,
    met INTEGER,
    PRIMARY KEY (variant, replication, target),
    FOREIGN KEY (variant, replication) REFERENCES replications(variant, replication)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failures (
    variant INTEGER NOT NULL REFERENCES variants(variant),
    replication INTEGER NOT NULL,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    worker TEXT,
    PRIMARY KEY (variant, replication)
);
"""
#: the failures table (added after the first databases were made: created when missing)
_FAILURES = _SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS failures"):].strip().rstrip(";")


@dataclass(frozen=True)
class Failure:
    """A row of ``failures``: a replication that failed, and why."""

    variant: int
    replication: int
    kind: str
    error: str
    worker: str | None


@dataclass(frozen=True)
class StoredVariant:
    """A row of ``variants`` (configuration left out; see :meth:`Store.configuration`)."""

    index: int
    name: str
    levels: dict[str, str]
    overrides: dict[str, Any]
    seed: int
    cost: float | None
    baseline: bool


@dataclass(frozen=True)
class StoredTarget:
    """A row of ``targets``."""

    id: str
    title: str
    section: str | None
    metric: str
    quantity: str
    unit: str
    statistic: str
    comparison: str | None
    threshold: float | None
    required_pass_rate: float
    by_label: bool
    position: int
    #: least and greatest values the metric can take (display unit), for intervals
    floor: float | None = None
    ceiling: float | None = None


def configuration_sha256(configuration: dict[str, Any]) -> str:
    """SHA-256 of a resolved configuration, leaving out where the scenario file was
    (the same sweep resumed from another folder is the same batch)."""
    body = {k: v for k, v in configuration.items() if k != "scenario_file"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class Store:
    """A batch's database. Use :meth:`create` or :meth:`open`; close with :meth:`close`
    (or use as a context manager)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        #: False while no failure is recorded: successes need not clear one
        self._failures_recorded = True

    # ------------------------------------------------------------------ opening
    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @classmethod
    def create(cls, path: str | Path, sweep: Sweep, replications: int) -> "Store":
        """A new database for ``sweep``; refuses to touch an existing file.

        :raises StoreError: the file exists or its folder does not.
        """
        path = Path(path)
        if path.exists():
            raise StoreError(f"{path} exists: add --resume to finish that batch, or give "
                             "another --db")
        if not path.resolve().parent.is_dir():
            raise StoreError(f"{path}: folder {str(path.parent)!r} does not exist")
        try:
            store = cls(cls._connect(path), path)
        except sqlite3.Error as exc:
            _remove(path)
            raise StoreError(f"{path}: cannot create the database ({exc}); is the folder "
                             f"{str(path.parent)!r} writable? Give another --db") from None
        try:
            with store.transaction():
                # one statement at a time: executescript() would commit the transaction
                for statement in _SCHEMA.strip().split(";"):
                    if statement.strip():
                        store.conn.execute(statement)
                store._write_sweep(sweep, replications)
            store._failures_recorded = False
        except sqlite3.Error as exc:
            store.close()
            _remove(path)
            raise StoreError(f"{path}: cannot create the database ({exc}); is there room on "
                             f"the disk, and is the folder {str(path.parent)!r} writable? "
                             "Give another --db") from None
        return store

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> "Store":
        """An existing batch database.

        :param read_only: only to read results: works in a read-only folder or file.
        :raises StoreError: missing, not SQLite, or not made by ``drillsim batch``.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such database")
        try:
            conn = cls._connect_read_only(path) if read_only else cls._connect(path)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a drillsim batch database ({exc})") from None
        if row is None:
            conn.close()
            raise StoreError(f"{path}: not a drillsim batch database")
        if row[0] != SCHEMA_VERSION:
            conn.close()
            raise StoreError(f"{path}: made by another drillsim version (schema {row[0]}, "
                             f"this one reads {SCHEMA_VERSION})")
        if not read_only:
            try:
                conn.execute(_FAILURES)
            except sqlite3.OperationalError:
                pass  # a read-only database made before failures were recorded: it has none
        return cls(conn, path)

    @staticmethod
    def _connect_read_only(path: Path) -> sqlite3.Connection:
        uri = path.resolve().as_uri()
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # a WAL database in a folder we cannot write (no -shm file can be made): read it
            # as it is on disk, which is whole once the batch that wrote it has ended
            conn.close()
            conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
        return conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception (the commit's
        own failure included)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite rolled back itself (a failed commit) or cannot: nothing is kept
            raise

    # ------------------------------------------------------------------ writing
    def _write_sweep(self, sweep: Sweep, replications: int) -> None:
        from drillsim import __version__

        meta = {
            "schema": SCHEMA_VERSION,
            "sweep_name": sweep.name,
            "sweep_file": sweep.path,
            "sweep_sha256": sweep.sha256,
            "scenario": str(sweep.scenario_path),
            "seed": str(sweep.seed),
            "common_random_numbers": _json(sweep.crn),
            "objective": _json({"measure": sweep.objective.measure, "target": sweep.objective.target,
                                "goal": sweep.objective.goal}),
            "replications": str(replications),
            "factors": _json(sweep.factors),
            "cost_unit": sweep.spec.cost_unit or "",
            "plugins": _json(sweep.plugins),
            "drillsim_version": __version__,
            "python": platform.python_version(),
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        self.conn.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        for v in sweep.variants:
            self._write_variant(v, v.index == sweep.baseline)

    def _write_variant(self, v: Variant, baseline: bool) -> None:
        sc = v.scenario
        config = sc.configuration()
        versions = dict(sc.versions)
        versions["python"] = platform.python_version()
        self.conn.execute(
            "INSERT INTO variants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (v.index, v.name, _json(v.levels), _json(v.overrides), v.seed, v.cost, int(baseline),
             _json(config), configuration_sha256(config), _json(versions)))
        for k, t in enumerate(sc.targets):
            self.conn.execute(
                "INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (v.index, t.id, t.title, t.section, t.metric.name, t.metric.quantity, t.unit,
                 t.statistic, t.comparison, t.display(t.threshold), t.required_pass_rate,
                 int(t.by_label), k, t.display(t.metric.floor),
                 t.display(1.0) if t.metric.quantity == "share" else None))

    def check_matches(self, sweep: Sweep) -> None:
        """Refuse to resume a batch made from a different sweep or scenario.

        :raises StoreError: naming the first difference.
        """
        stored = {row[0]: row[1:] for row in self.conn.execute(
            "SELECT variant, name, seed, configuration_sha256 FROM variants")}
        if len(stored) != len(sweep.variants):
            raise StoreError(f"{self.path} holds {len(stored)} variants, the sweep now has "
                             f"{len(sweep.variants)}: it was made from another sweep; give "
                             "another --db")
        for v in sweep.variants:
            name, seed, sha = stored.get(v.index, (None, None, None))
            if name != v.name or seed != v.seed:
                raise StoreError(f"{self.path}: variant {v.index} is {name!r} (seed {seed}) there "
                                 f"but {v.name!r} (seed {v.seed}) in the sweep; give another --db")
            if sha != configuration_sha256(v.scenario.configuration()):
                raise StoreError(f"{self.path}: variant {v.name!r} resolves to a different "
                                 "configuration now (the scenario, its region or plan file, or a "
                                 "package version changed); give another --db")

    @contextmanager
    def writing(self, what: str) -> Iterator[None]:
        """A write transaction whose SQLite failure (disk full, read-only file or folder,
        I/O error) becomes :class:`StoreWriteError` naming the file; rolled back."""
        try:
            with self.transaction():
                yield
        except sqlite3.Error as exc:
            raise StoreWriteError(self.path, what, exc, self._stored_safely()) from None

    def _stored_safely(self) -> int | None:
        try:
            return self.replication_count()
        except sqlite3.Error:
            return None

    def set_replications(self, n: int) -> None:
        """Record the number of replications asked for.

        :raises StoreWriteError: the database cannot be written."""
        with self.writing("the number of replications"):
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'replications'", (str(n),))

    def add(self, result: Result) -> None:
        """Store one finished (or failed) replication, all its rows in one transaction.

        :raises StoreWriteError: the database cannot be written (nothing of it stored)."""
        self.add_many([result])

    def add_many(self, results: list[Result]) -> None:
        """Store finished (or failed) replications in one transaction: all or none.

        A replication that succeeds removes its earlier failure row (a retried one).

        :raises StoreWriteError: the database cannot be written (none of them stored).
        """
        ok = [r for r in results if not r.failed]
        failed = [r for r in results if r.failed]
        with self.writing(f"{len(results)} replication(s)"):
            if ok:
                self.conn.executemany("INSERT INTO replications VALUES (?, ?, ?)",
                                      [(r.variant, r.replication, r.events) for r in ok])
                self.conn.executemany(
                    "INSERT INTO results VALUES (?, ?, ?, ?, ?)",
                    [(r.variant, r.replication, target, value, None if met is None else int(met))
                     for r in ok for target, value, met in r.values])
                if self._failures_recorded:
                    self.conn.executemany("DELETE FROM failures WHERE variant = ? AND "
                                          "replication = ?", [(r.variant, r.replication) for r in ok])
            if failed:
                self._failures_recorded = True
                self.conn.executemany(
                    "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?)",
                    [(r.variant, r.replication, r.failure, r.error or "", r.worker) for r in failed])

    # ------------------------------------------------------------------ reading
    def done(self, failed: bool = False) -> set[tuple[int, int]]:
        """The (variant, replication) pairs already stored; with ``failed``, the
        recorded failures too (a resumed batch does not run them again)."""
        done = set(self.conn.execute("SELECT variant, replication FROM replications"))
        if failed:
            done |= {(f.variant, f.replication) for f in self.failures()}
        return done

    def failures(self) -> list[Failure]:
        """The failed replications, by variant and replication."""
        try:
            rows = self.conn.execute("SELECT variant, replication, kind, error, worker "
                                     "FROM failures ORDER BY variant, replication").fetchall()
        except sqlite3.OperationalError:  # an old read-only database without the table
            return []
        return [Failure(*row) for row in rows]

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def variants(self) -> list[StoredVariant]:
        return [StoredVariant(i, name, json.loads(levels), json.loads(overrides), seed, cost,
                              bool(base))
                for i, name, levels, overrides, seed, cost, base in self.conn.execute(
                    "SELECT variant, name, levels, overrides, seed, cost, baseline FROM variants "
                    "ORDER BY variant")]

    def configuration(self, variant: int) -> dict[str, Any]:
        """The resolved configuration a variant ran with."""
        row = self.conn.execute("SELECT configuration FROM variants WHERE variant = ?",
                                (variant,)).fetchone()
        return json.loads(row[0])

    def targets(self) -> dict[int, dict[str, StoredTarget]]:
        """``{variant: {target id: target}}`` in scorecard order."""
        out: dict[int, dict[str, StoredTarget]] = {}
        for row in self.conn.execute(
                "SELECT variant, target, title, section, metric, quantity, unit, statistic, "
                "comparison, threshold, required_pass_rate, by_label, position, floor, ceiling "
                "FROM targets ORDER BY variant, position"):
            out.setdefault(row[0], {})[row[1]] = StoredTarget(*row[1:11], bool(row[11]), row[12],
                                                              row[13], row[14])
        return out

    def results(self) -> list[tuple[int, int, str, float | None, bool | None]]:
        """Every row of ``results``: (variant, replication, row id, value, met), sorted."""
        return [(v, r, t, value, None if met is None else bool(met))
                for v, r, t, value, met in self.conn.execute(
                    "SELECT variant, replication, target, value, met FROM results "
                    "ORDER BY variant, replication, target")]

    def replication_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0]


def _remove(path: Path) -> None:
    """Remove a database this process just failed to create (and its WAL files)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass
