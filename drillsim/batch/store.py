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

Whatever runs at once, the database is never lost:

- It is made whole under a temporary name in the same folder
  (``.NAME.PID-XXXX.creating``) and then hard-linked to its name only if nothing is
  there yet (``os.link`` fails on an existing name: atomic and exclusive). Two batches
  started at once on one ``--db``: one creates it, the other is refused; neither removes
  a file it did not make. A batch killed while creating leaves no file at the name (only
  its temporary file, which the next creation in that folder removes).
- The batch that writes a database holds an exclusive lock on it (``flock`` on the
  database file, dropped by the system when the process ends, ``kill -9`` included), so a
  second batch on it (``--resume`` or not) is refused with
  :class:`~drillsim.batch.errors.StoreBusyError` naming the writer's process.
  ``drillsim results`` takes no lock: it reads while a batch writes, and leaves the
  folder as it found it (no ``-wal`` or ``-shm`` files of its own: :meth:`Store._connect_read_only`).
- A file at the name that holds no table at all (a batch killed while creating it
  with a drillsim older than this module) and that nobody is writing is replaced by a
  new batch, which says so (:attr:`Store.replaced`).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import platform
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, get_args, get_type_hints

from drillsim.batch.errors import (StoreBusyError, StoreEmptyError, StoreError,
                                  StoreExistsError, StoreMissingError, StoreReadOnlyError,
                                  StoreWriteError)
from drillsim.batch.sweep import ObjectiveSpec, Sweep, Variant
from drillsim.batch.worker import Result
from drillsim.host.registry import Metric
from drillsim.scenario.schema import Comparison, Statistic

try:
    import fcntl
except ImportError:  # pragma: no cover  (Windows: no advisory locks; batches are not guarded)
    fcntl = None

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

    def left_open(self, value: float | None, met: bool | None) -> bool:
        """Whether the run's end left one replication's outcome on this row open: a value
        measured against a goal but not judged (``met`` None), because the value is a
        bound the true one could pass or miss from (a fire still burning at the horizon:
        :func:`drillsim.scoring.scorecard.judge`). A row without a goal is never open."""
        return value is not None and self.comparison is not None and met is None


def configuration_sha256(configuration: dict[str, Any]) -> str:
    """SHA-256 of a resolved configuration, leaving out where the scenario file was
    (the same sweep resumed from another folder is the same batch)."""
    body = {k: v for k, v in configuration.items() if k != "scenario_file"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _sorted_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


class ConfigurationText:
    """A variant's resolved configuration as the store writes it: its JSON text (as
    :func:`_json` gives it) and :func:`configuration_sha256`, the same characters, with
    the part every variant of a sweep shares encoded once: the region (one object for
    all of them, :mod:`drillsim.scenario.shared`), 31 KB of the flood sweep's 72 KB per
    variant. A top-level mapping's JSON is its members' JSON joined (``{"k": v, …}``, the
    separators :func:`json.dumps` uses), so the whole is made of the parts."""

    def __init__(self) -> None:
        #: id of a region object -> (the object, its JSON, its JSON with sorted keys)
        self._regions: dict[int, tuple[Any, str, str]] = {}

    def of(self, scenario) -> tuple[dict[str, Any], str, str]:
        """(configuration, its JSON, its SHA-256) of a resolved scenario (not copied:
        serialised at once)."""
        config = scenario.configuration(copied=False)
        region = self._regions.get(id(scenario.region))
        if region is None or region[0] is not scenario.region:
            region = (scenario.region, _json(config["region"]), _sorted_json(config["region"]))
            self._regions[id(scenario.region)] = region
        text = "{" + ", ".join(f"{_json(k)}: {region[1] if k == 'region' else _json(v)}"
                               for k, v in config.items()) + "}"
        body = sorted(((k, v) for k, v in config.items() if k != "scenario_file"), key=lambda kv: kv[0])
        hashed = "{" + ", ".join(f"{_json(k)}: {region[2] if k == 'region' else _sorted_json(v)}"
                                 for k, v in body) + "}"
        return config, text, hashlib.sha256(hashed.encode("utf-8")).hexdigest()


class Store:
    """A batch's database. Use :meth:`create` or :meth:`open`; close with :meth:`close`
    (or use as a context manager; :meth:`discard` removes a database this process made).

    :ivar created: this process created the database (:meth:`create`).
    :ivar replaced: a message when :meth:`create` replaced a file that held no table.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, lock: int | None = None,
                 created: bool = False) -> None:
        self.conn = conn
        self.path = path
        #: False while no failure is recorded: successes need not clear one
        self._failures_recorded = True
        #: the file descriptor that holds the writer's lock (None: read-only, or no locks)
        self._lock = lock
        self.created = created
        self.replaced: str | None = None

    # ------------------------------------------------------------------ opening
    @staticmethod
    def _connect(path: Path, wal: bool = True) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            if wal:
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL" if wal else "PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
        return conn

    @classmethod
    def create(cls, path: str | Path, sweep: Sweep, replications: int) -> "Store":
        """A new database for ``sweep`` at ``path``, made whole under a temporary name in
        the same folder and linked to ``path`` only if nothing is there (see the module
        docstring): ``path`` never holds a half-made database, and of two batches creating
        it at once one wins and the other removes only its own temporary file. The
        returned store holds the writer's lock until :meth:`close`.

        A file at ``path`` that holds no table and that no batch is writing is replaced
        (:attr:`replaced` says so).

        :raises StoreBusyError: another batch is writing ``path`` (it may have created it
            a moment ago).
        :raises StoreExistsError: a database or another file is at ``path``.
        :raises StoreError: its folder does not exist; the database cannot be made there
            (read-only folder, disk full).
        """
        path = Path(path)
        if path.is_symlink() and not path.exists():
            raise StoreError(f"{path} is a symbolic link to nothing; give another --db")
        folder = path.resolve().parent
        if not folder.is_dir():
            from drillsim.report.common import file_in_the_way

            blocking = file_in_the_way(path)
            if blocking is not None:
                raise StoreError(f"{path}: {str(blocking)!r} is a file, not a folder")
            raise StoreError(f"{path}: folder {str(path.parent)!r} does not exist")
        if path.exists():
            # refuse before making anything (and fast) unless it is an empty leftover
            _check_replaceable(path)
        _remove_leftovers(path)
        try:
            tmp, lock = _temporary(path)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise StoreError(f"{path}: cannot create the database: the folder "
                                 f"{str(path.parent)!r} is not writable ({exc.strerror}); give "
                                 "another --db") from None
            raise StoreError(f"{path}: cannot create the database ({exc.strerror}); give "
                             "another --db") from None
        try:
            cls._build(tmp, sweep, replications)
            lock, replaced = _put_in_place(tmp, lock, path)
        except sqlite3.Error as exc:
            _remove_files(tmp)
            os.close(lock)
            raise StoreError(f"{path}: cannot create the database ({exc}); is there room on "
                             f"the disk, and is the folder {str(path.parent)!r} writable? "
                             "Give another --db") from None
        except OSError as exc:
            _remove_files(tmp)
            os.close(lock)
            raise StoreError(f"{path}: cannot create the database ({exc.strerror}); is there "
                             f"room on the disk, and is the folder {str(path.parent)!r} "
                             "writable? Give another --db") from None
        except BaseException:
            _remove_files(tmp)
            os.close(lock)
            raise
        try:
            conn = cls._connect(path)
        except sqlite3.Error as exc:
            if _same_file(lock, path):  # ours, and the lock still held: nobody else's
                _remove_files(path)
            os.close(lock)
            raise StoreError(f"{path}: cannot open the database just created ({exc}); is there "
                             "room on the disk? Give another --db") from None
        store = cls(conn, path, lock, created=True)
        store._failures_recorded = False
        store.replaced = replaced
        return store

    @classmethod
    def _build(cls, tmp: Path, sweep: Sweep, replications: int) -> None:
        """Write the tables and the sweep into the empty file ``tmp``, committed and
        closed (rollback journal: once committed, the file alone holds it all).

        :raises sqlite3.Error: disk full, I/O error."""
        builder = cls(cls._connect(tmp, wal=False), tmp)
        try:
            with builder.transaction():
                # one statement at a time: executescript() would commit the transaction
                for statement in _SCHEMA.strip().split(";"):
                    if statement.strip():
                        builder.conn.execute(statement)
                builder._write_sweep(sweep, replications)
        finally:
            builder.conn.close()

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> "Store":
        """An existing batch database.

        To write (``read_only=False``) it takes the writer's lock: one batch at a time.

        :param read_only: only to read results: works in a read-only folder or file, and
            while a batch writes.
        :raises StoreMissingError: nothing at ``path``.
        :raises StoreBusyError: another batch is writing it (not with ``read_only``).
        :raises StoreReadOnlyError: it, or its folder, cannot be written (not with
            ``read_only``).
        :raises StoreEmptyError: a database without a single table (a creation killed by
            an older drillsim): a new batch may replace it.
        :raises StoreError: not SQLite, or not made by ``drillsim batch``.
        """
        path = Path(path)
        if not path.is_file():
            if path.exists():  # a folder, a device, a pipe: something, but no database file
                raise StoreError(f"{path}: not a file (a folder, a device or a pipe); a batch "
                                 "database is a file")
            raise StoreMissingError(f"{path}: no such database")
        lock = None
        if not read_only:
            reason = _read_only(path)
            if reason:
                raise StoreReadOnlyError(reason)
            lock = _lock_existing(path)
            if lock is None:
                raise StoreMissingError(f"{path}: no such database")
        conn = None
        try:
            try:
                # write-ahead log only once it is known to be ours: a foreign database
                # stays exactly as it was
                conn = (cls._connect_read_only(path) if read_only else
                        cls._connect(path, wal=False))
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            except sqlite3.DatabaseError as exc:
                if not read_only and _is_read_only_error(exc):
                    raise StoreReadOnlyError(_read_only(path, force=True)) from None
                if conn is not None and _holds_no_table(conn):
                    raise StoreEmptyError(
                        f"{path} is empty or holds no tables (what a batch killed while creating "
                        "its database leaves): nothing was stored. Run the batch again: it "
                        "replaces the file") from None
                raise StoreError(f"{path}: not a drillsim batch database ({exc})") from None
            if row is None:
                raise StoreError(f"{path}: not a drillsim batch database")
            if row[0] != SCHEMA_VERSION:
                raise StoreError(f"{path}: made by another drillsim version (schema {row[0]}, "
                                 f"this one reads {SCHEMA_VERSION})")
            damage = _damage(conn)
            if damage is not None:
                raise StoreError(f"{path}: a damaged drillsim batch database ({damage}); it cannot "
                                 "be read or resumed: run the batch again into a new --db")
            if not read_only:
                try:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute("PRAGMA synchronous=NORMAL")
                    conn.execute(_FAILURES)
                except sqlite3.OperationalError as exc:
                    if _is_read_only_error(exc):
                        raise StoreReadOnlyError(_read_only(path, force=True)) from None
                    raise
        except BaseException:
            # the connection first: closing the lock's descriptor would drop SQLite's
            # POSIX locks on the file in this process (they are per process and file)
            if conn is not None:
                conn.close()
            if lock is not None:
                os.close(lock)
            raise
        return cls(conn, path, lock)

    @staticmethod
    def _connect_read_only(path: Path) -> sqlite3.Connection:
        """A connection that only reads, leaving the folder as it found it.

        A reader of a WAL database needs its ``-wal`` and ``-shm`` files: SQLite makes them
        when they are not there, and only a connection that may write removes them when
        it closes last (a ``mode=ro`` one left them beside the database after every
        ``drillsim results``). So when neither is there (no batch writing it) and the
        database and its folder can be written, the connection is opened for writing
        with ``PRAGMA query_only`` (SQLite refuses every write) and removes them as it
        closes, unless a batch has opened the database meanwhile. Otherwise (a batch
        writing, files already there, a read-only file or folder) it opens ``mode=ro``.
        """
        resolved = path.resolve()
        uri = resolved.as_uri()
        if not any(Path(f"{resolved}{end}").exists() for end in ("-wal", "-shm")) and \
                os.access(resolved, os.W_OK) and os.access(resolved.parent, os.W_OK | os.X_OK):
            conn = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=30, isolation_level=None)
            try:
                conn.execute("PRAGMA query_only=ON")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException as exc:
                conn.close()
                if not isinstance(exc, sqlite3.OperationalError):
                    raise  # not a database: the caller says so
                # (cannot be opened so: read as below)
            else:
                return conn
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
        """Close the database and let go of the writer's lock (idempotent)."""
        # the connection first: closing the lock's descriptor while SQLite has the file
        # open would drop SQLite's POSIX locks on it in this process
        self.conn.close()
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def discard(self) -> None:
        """Close, and remove the database (with its -wal and -shm) if this process
        created it (:meth:`create`) and the file at its path is still that database:
        a batch that stored nothing leaves no file. Removes nothing it did not make."""
        self.conn.close()
        lock, self._lock = self._lock, None
        try:
            if self.created and (lock is None or _same_file(lock, self.path)):
                # still holding the lock: no other batch can be using these files
                _remove_files(self.path)
        finally:
            if lock is not None:
                os.close(lock)

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
            # the file itself, not the name as typed: `results` is read from any folder
            "sweep_file": str(Path(sweep.path).resolve()),
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
        texts = ConfigurationText()
        for v in sweep.variants:
            self._write_variant(v, v.index == sweep.baseline, texts)

    def _write_variant(self, v: Variant, baseline: bool, texts: ConfigurationText) -> None:
        sc = v.scenario
        _, config, sha = texts.of(sc)
        versions = dict(sc.versions)
        versions["python"] = platform.python_version()
        self.conn.execute(
            "INSERT INTO variants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (v.index, v.name, _json(v.levels), _json(v.overrides), v.seed, v.cost, int(baseline),
             config, sha, _json(versions)))
        self.conn.executemany(
            "INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(v.index, t.id, t.title, t.section, t.metric.name, t.metric.quantity, t.unit,
              t.statistic, t.comparison, t.display(t.threshold), t.required_pass_rate,
              int(t.by_label), k, t.display(t.metric.floor),
              t.display(1.0) if t.metric.quantity == "share" else None)
             for k, t in enumerate(sc.targets)])

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
        texts = ConfigurationText()
        for v in sweep.variants:
            name, seed, sha = stored.get(v.index, (None, None, None))
            if name != v.name or seed != v.seed:
                raise StoreError(f"{self.path}: variant {v.index} is {name!r} (seed {seed}) there "
                                 f"but {v.name!r} (seed {v.seed}) in the sweep; give another --db")
            config, _, now = texts.of(v.scenario)
            if sha != now:
                changed = self._changed_parts(v.index, config)
                what = (f": its {', '.join(changed)} changed" if changed else
                        " (the scenario, its region or plan file, the plugins or a package "
                        "version changed)")
                raise StoreError(f"{self.path}: variant {v.name!r} resolves to a different "
                                 f"configuration now{what}; give another --db")

    def _changed_parts(self, variant: int, config: dict[str, Any]) -> list[str]:
        """The parts of a variant's configuration (``plugins``, ``versions``, ``region`` …)
        that differ from the one stored; [] when that cannot be told."""
        try:
            row = self.conn.execute("SELECT configuration FROM variants WHERE variant = ?",
                                    (variant,)).fetchone()
            stored = json.loads(row[0])
            return sorted(k for k in set(stored) | set(config) if k != "scenario_file"
                          and _sorted_json(stored.get(k)) != _sorted_json(config.get(k)))
        except (TypeError, ValueError, sqlite3.Error):
            return []

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


# ---------------------------------------------------------------------- checking what is read
#: meta keys a batch writes and how each must read: (key, check) — ``int`` a whole
#: number, ``json`` JSON text, ``objective`` the objective's JSON object
_META = (("sweep_name", None), ("sweep_file", None), ("scenario", None), ("seed", "int"),
         ("replications", "int"), ("common_random_numbers", "json"), ("objective", "objective"),
         ("factors", "json"))


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int, int]]:
    """(name, declared type, not null, primary key position) of each column of ``table``."""
    return [(name, kind, notnull, pk) for _, name, kind, notnull, _, pk in
            conn.execute(f"PRAGMA table_info({table})")]


@lru_cache(maxsize=1)
def _expected_columns() -> dict[str, list[tuple[str, str, int, int]]]:
    """The columns of every table :data:`_SCHEMA` makes (an in-memory copy, read back)."""
    mem = sqlite3.connect(":memory:")
    try:
        mem.executescript(_SCHEMA)
        tables = [r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: _columns(mem, t) for t in tables}
    finally:
        mem.close()


#: results whose value is no number or whose ``met`` is no whole number: the rows
#: ``typeof(value) NOT IN ('real', 'integer', 'null') OR typeof(met) NOT IN ('integer',
#: 'null')`` selects, by comparisons SQLite makes without building ``typeof``'s text for
#: each row (a third of the time at 1,000,000 results). In SQLite's order a number or
#: NULL is below any text and a blob above it (sqlite.org/datatype3.html, section 4.1),
#: so ``x >= ''`` holds exactly for text and blobs (NULL compares as NULL); a REAL
#: ``met`` is never integral (the column's INTEGER affinity stores an integral real as
#: an integer, section 3), so it differs from its CAST to INTEGER (a huge one or an
#: infinity is clamped to the 64-bit range, and differs too)
_NOT_A_NUMBER = ("SELECT COUNT(*) FROM results WHERE value >= '' OR met >= '' "
                 "OR met <> CAST(met AS INTEGER)")
#: (variant, replication) pairs of results with no replication row: the pairs are read
#: off the results' primary key by SQLite's skip-ahead DISTINCT (one look-up per
#: replication, not per result: a tenth of the time at 20 targets a replication)
_OF_NO_REPLICATION = ("SELECT COUNT(*) FROM (SELECT DISTINCT variant, replication FROM results) r "
                      "WHERE NOT EXISTS (SELECT 1 FROM replications p WHERE p.variant = r.variant "
                      "AND p.replication = r.replication)")
#: the rows of such pairs (for the message, only once some are found)
_ROWS_OF_NO_REPLICATION = ("SELECT COUNT(*) FROM results r WHERE NOT EXISTS (SELECT 1 FROM "
                           "replications p WHERE p.variant = r.variant AND p.replication = r.replication)")


#: the objective's measures and goals, as :class:`drillsim.batch.sweep.ObjectiveSpec`
#: takes them (its goal is ``Literal[...] | None``: a stored objective has one)
_OBJECTIVE = get_type_hints(ObjectiveSpec)
_MEASURES = get_args(_OBJECTIVE["measure"])
_GOALS = get_args(get_args(_OBJECTIVE["goal"])[0])
#: what a batch writes into the targets' text columns that name a kind (the plan
#: schema's Comparison and Statistic, the metric registry's quantity)
_TARGET_WORDS = {"comparison": get_args(Comparison), "statistic": get_args(Statistic),
                 "quantity": get_args(get_type_hints(Metric)["quantity"])}


@lru_cache(maxsize=1)
def _typed_checks() -> tuple[tuple[str, str, str], ...]:
    """(table, SQL counting its bad rows, message with ``{}`` for the count) for every column a
    batch writes as a number, outside ``results`` (checked by :data:`_NOT_A_NUMBER`):
    a text or a blob (``x >= ''``, SQLite's order: section 4.1 of sqlite.org/datatype3.html),
    in an INTEGER column a number that is not whole, in a REAL column an infinity; the
    0/1 flags; a pass rate outside 0–1; a comparison, statistic or quantity that is none
    a batch writes. A hand edit such as ``UPDATE targets SET threshold = 'abc'`` passed
    the checks of tables and columns and raised TypeError in the tables (abs() of a
    text), and ``comparison = '=>'`` showed as a threshold nobody set. These tables
    hold a row per variant, target or replication: a pass each costs little beside
    the results'."""
    checks = []
    for table, columns in _expected_columns().items():
        if table == "results":
            continue
        for name, kind, _, _ in columns:
            if kind == "INTEGER":
                checks.append((table, f"SELECT COUNT(*) FROM {table} WHERE {name} >= '' "
                               f"OR {name} <> CAST({name} AS INTEGER)",
                               f"table {table!r}: {{}} value(s) of {name!r} that are no whole number"))
            elif kind == "REAL":
                checks.append((table, f"SELECT COUNT(*) FROM {table} WHERE {name} >= '' "
                               f"OR abs({name}) > 1.7976931348623157e308",
                               f"table {table!r}: {{}} value(s) of {name!r} that are no finite number"))
    for table, name in (("variants", "baseline"), ("targets", "by_label")):
        checks.append((table, f"SELECT COUNT(*) FROM {table} WHERE {name} NOT IN (0, 1)",
                       f"table {table!r}: {{}} value(s) of {name!r} that are neither 0 nor 1"))
    checks.append(("targets", "SELECT COUNT(*) FROM targets WHERE NOT required_pass_rate BETWEEN 0 AND 1",
                   "table 'targets': {} value(s) of 'required_pass_rate' outside 0–1"))
    for name, words in _TARGET_WORDS.items():
        listed = ", ".join(f"'{w}'" for w in words)
        checks.append(("targets", f"SELECT COUNT(*) FROM targets WHERE {name} NOT IN ({listed})",
                       f"table 'targets': {{}} value(s) of {name!r} that are none of {', '.join(words)}"))
    return tuple(checks)


def _damage(conn: sqlite3.Connection) -> str | None:
    """What is wrong in a database whose ``meta`` says it is drillsim's (schema
    :data:`SCHEMA_VERSION`), or None: a table missing or of other columns, a meta value
    that does not read as a batch writes it, a stored value that is no number, a result
    or target of no stored replication or variant, levels that are no JSON, no variant,
    not exactly one baseline, an objective of no stored target.
    A hand edit, another program or a damaged disk leaves such a file; reading it raised
    KeyError, JSONDecodeError or sqlite3's "no such table" (tracebacks) or compared
    against no baseline without a word. One pass over each table, in SQL."""
    try:
        for table, columns in _expected_columns().items():
            have = _columns(conn, table)
            if not have and table == "failures":
                continue  # an older database: created when it is next written
            if not have:
                return f"no table {table!r}"
            if have != columns:
                return f"table {table!r} has other columns than a batch makes"
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        for key, kind in _META:
            if key not in meta:
                return f"meta has no {key!r}"
            value = meta[key]
            try:
                if kind == "int":
                    int(value)
                elif kind is not None:
                    read = json.loads(value)
                    if kind == "objective" and not (isinstance(read, dict)
                                                    and {"measure", "target", "goal"} <= set(read)):
                        raise ValueError
                    if key == "factors" and not (isinstance(read, list)
                                                 and all(isinstance(f, str) for f in read)):
                        raise ValueError
            except (ValueError, TypeError):
                return f"meta {key!r} reads {value[:40]!r}, not what a batch writes"
        checks = (
            (_NOT_A_NUMBER, "results hold {} value(s) that are no number"),
            (_OF_NO_REPLICATION, "results hold {} row(s) of no stored replication"),
            ("SELECT COUNT(*) FROM replications p WHERE NOT EXISTS (SELECT 1 FROM variants v "
             "WHERE v.variant = p.variant)", "replications hold {} row(s) of no stored variant"),
            ("SELECT COUNT(*) FROM targets t WHERE NOT EXISTS (SELECT 1 FROM variants v "
             "WHERE v.variant = t.variant)", "targets hold {} row(s) of no stored variant"),
        )
        for sql, what in checks:
            count = conn.execute(sql).fetchone()[0]
            if count:
                if sql is _OF_NO_REPLICATION:  # counted by replication: now count the rows
                    count = conn.execute(_ROWS_OF_NO_REPLICATION).fetchone()[0]
                return what.format(f"{count:,}")
        for table, sql, what in _typed_checks():
            if table == "failures" and not _columns(conn, table):
                continue  # an older database (above)
            count = conn.execute(sql).fetchone()[0]
            if count:
                return what.format(f"{count:,}")
        for key, low in (("replications", 1), ("seed", 0)):
            if int(meta[key]) < low:
                return f"meta {key!r} reads {meta[key][:40]!r}, not what a batch writes"
        baselines = 0
        for name, levels, overrides, base in conn.execute(
                "SELECT name, levels, overrides, baseline FROM variants"):
            try:
                levels, overrides = json.loads(levels), json.loads(overrides)
            except (ValueError, TypeError):
                return f"variant {str(name)[:40]!r}: its levels or overrides are not JSON"
            if not (isinstance(levels, dict) and isinstance(overrides, dict)
                    and all(isinstance(x, str) for x in levels.values())):
                return (f"variant {str(name)[:40]!r}: its levels or overrides are not what a "
                        "batch writes (a JSON object of the factors' levels as text, of paths)")
            baselines += bool(base)
        if not conn.execute("SELECT COUNT(*) FROM variants").fetchone()[0]:
            return "no variant: a batch stores every variant of its sweep before it runs one"
        if baselines != 1:
            return f"{baselines} variants are marked the baseline, not one"
        objective = json.loads(meta["objective"])
        if (objective["measure"] not in _MEASURES or objective["goal"] not in _GOALS
                or (objective["measure"] != "targets_failed" and not isinstance(objective["target"], str))):
            return f"meta 'objective' reads {meta['objective'][:60]!r}, not what a batch writes"
        if objective["measure"] != "targets_failed" and not conn.execute(
                "SELECT 1 FROM targets WHERE target = ? LIMIT 1", (objective["target"],)).fetchone():
            return f"the objective's target {str(objective['target'])[:40]!r} is no stored target"
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------------- creating, locking
_SIDECARS = ("-wal", "-shm", "-journal")


def _remove_files(path: Path) -> None:
    """Remove a database file this process made, and SQLite's files beside it."""
    for suffix in ("", *_SIDECARS):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass


def _try_lock(fd: int) -> bool:
    """Take the writer's lock (``flock``, exclusive) on an open file without waiting.
    False if another process, or another open of the file, holds it. ``flock`` locks are
    apart from SQLite's own (POSIX byte-range) locks, and the system drops them when the
    process ends however it ends."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
            return True  # a file system without locks: as before locks, unguarded
        raise
    return True


def _same_file(fd: int, path: Path) -> bool:
    """Is the file open as ``fd`` still the one named ``path``? (A lock taken on a file
    that was meanwhile removed or replaced locks nothing anyone else will open.)"""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _holder(fd: int) -> int | None:
    """The process holding the ``flock`` on the file open as ``fd`` (Linux
    ``/proc/locks``), or None when the system does not tell."""
    try:
        st = os.fstat(fd)
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    by_inode = []
    for line in lines:
        # "3: FLOCK  ADVISORY  WRITE 4711 08:01:1234567 0 EOF"; waiters have "->" first
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[4].isdigit():
            if parts[5] == device:
                return int(parts[4])
            if parts[5].rsplit(":", 1)[-1] == str(st.st_ino):
                by_inode.append(int(parts[4]))
    # overlay file systems show the device of the layer below: the inode alone, if unique
    return by_inode[0] if len(set(by_inode)) == 1 else None


def _busy(path: Path, fd: int) -> StoreBusyError:
    pid = _holder(fd)
    who = f" (process {pid})" if pid is not None and pid != os.getpid() else ""
    return StoreBusyError(f"another batch is writing {path}{who}: wait until it ends, then "
                          "add --resume to go on with what it left, or give another --db", pid)


def _lock_existing(path: Path) -> int | None:
    """Open ``path`` and take the writer's lock on it; the descriptor (kept open while
    the lock is needed), or None if nothing is at ``path`` any more.

    :raises StoreBusyError: another batch holds the lock.
    :raises StoreError: the file cannot be opened."""
    for _ in range(5):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{path}: cannot open it ({exc.strerror})") from None
        if not _try_lock(fd):
            error = _busy(path, fd)
            os.close(fd)
            raise error
        if _same_file(fd, path):
            return fd
        os.close(fd)  # replaced while we locked it: lock what is there now
    raise StoreError(f"{path} keeps being replaced by another process; give another --db")


def _holds_no_table(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    except sqlite3.Error:
        return False


def _empty_database(path: Path) -> bool:
    """True if ``path`` is an empty file or a SQLite database without a single table
    (its write-ahead log, if any, read too). Call with the writer's lock held."""
    try:
        if path.stat().st_size == 0:
            return True
    except OSError:
        return False
    try:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        return _holds_no_table(conn)
    finally:
        conn.close()


def _check_replaceable(path: Path) -> None:
    """Refuse a ``path`` that holds something: another batch is writing it, or it is a
    database (or any file) that is not empty.

    :raises StoreBusyError: another batch is writing it.
    :raises StoreExistsError: it holds something."""
    lock = _lock_existing(path)
    if lock is None:
        return
    try:
        if not _empty_database(path):
            raise StoreExistsError(f"{path} exists: add --resume to finish that batch, or give "
                             "another --db")
    finally:
        os.close(lock)


def _temporary(path: Path) -> tuple[Path, int]:
    """A new empty file beside ``path`` (``.NAME.PID-XXXX.creating``), locked; its
    path and the locked descriptor.

    :raises OSError: the folder cannot be written."""
    for _ in range(5):
        tmp = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.creating"
        # O_EXCL: a new file of our own; the mode as for any new file (umask applies)
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        # locked at once, and checked: a leftover sweep (_remove_leftovers) that took
        # the name away between the two steps makes us take another
        if _try_lock(fd) and _same_file(fd, tmp):
            return tmp, fd
        os.close(fd)
    raise OSError(errno.EBUSY, "no new file could be locked there")


def _remove_leftovers(path: Path) -> None:
    """Remove the temporary files of creations of ``path`` that were killed (those no
    process holds locked). Best effort: a leftover that cannot be removed stays."""
    prefix = f".{path.name}."
    try:
        names = [p for p in path.parent.iterdir() if p.name.startswith(prefix)
                 and p.name.endswith(".creating")]
    except OSError:
        return
    for tmp in names:
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except OSError:
            continue
        try:
            # locked while removed, so that its maker, if alive, sees it gone (_temporary)
            if _try_lock(fd) and _same_file(fd, tmp):
                _remove_files(tmp)
        finally:
            os.close(fd)


def _put_in_place(tmp: Path, lock: int, path: Path) -> tuple[int, str | None]:
    """Give the finished database ``tmp`` (locked by ``lock``) the name ``path`` if
    nothing is there, or if what is there holds no table and nobody is writing it. The
    descriptor holding the lock on the database now at ``path``, and a message if a
    file was replaced.

    :raises StoreBusyError: another batch is writing ``path``.
    :raises StoreExistsError: something else is at ``path``.
    :raises OSError: neither a link nor a copy can be made."""
    for _ in range(5):
        try:
            os.link(tmp, path)  # fails if anything is at path: exclusive and atomic
        except FileExistsError:
            pass
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK,
                                 errno.EXDEV):
                raise
            claimed = _put_in_place_by_copy(tmp, lock, path)
            if claimed is not None:
                return claimed, None
        else:
            _remove_files(tmp)  # the other name of the same file; nothing of tmp is left
            return lock, None
        old = _lock_existing(path)  # raises StoreBusyError
        if old is None:
            continue  # gone meanwhile: link again
        try:
            if not _empty_database(path):
                raise StoreExistsError(f"{path} exists: add --resume to finish that batch, or give "
                                 "another --db")
            for suffix in _SIDECARS:  # the empty database's: nothing committed in them
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.replace(tmp, path)
        finally:
            os.close(old)
        return lock, (f"{path} was empty or held no tables (what a batch killed while creating "
                      "its database leaves): replaced it with a new database")
    raise StoreError(f"{path} keeps appearing and disappearing (another process?); give "
                     "another --db")


def _put_in_place_by_copy(tmp: Path, lock: int, path: Path) -> int | None:
    """Where the file system has no hard links: claim ``path`` with an exclusive create,
    lock it, copy ``tmp`` into it. The new lock's descriptor (``lock`` closed), or None
    if something is at ``path`` (then as for a link that failed)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return None
    try:
        if not _try_lock(fd):  # pragma: no cover  (a reader cannot lock it; a writer waits)
            raise _busy(path, fd)
        with open(tmp, "rb") as source:
            while block := source.read(1 << 20):
                os.write(fd, block)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        Path(path).unlink(missing_ok=True)
        raise
    _remove_files(tmp)
    os.close(lock)
    return fd


# ---------------------------------------------------------------------- read-only
def _is_read_only_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text


def _read_only(path: Path, force: bool = False) -> str | None:
    """Why the database at ``path`` cannot be written (its file, or its folder, where
    the write-ahead log goes, is read-only), or None. By the mode bits too: the superuser
    may write anything, but a read-only file says keep me. With ``force`` (SQLite said
    read-only) a message even when neither looks read-only."""
    resolved = path.resolve()
    folder = resolved.parent
    try:
        if not os.access(resolved, os.W_OK) or not resolved.stat().st_mode & 0o222:
            return (f"{path}: the database file is read-only, so the batch cannot go on: "
                    f"make it writable (chmod u+w; chattr -i if it is immutable) and run the "
                    f"same command again; `drillsim results {path}` reads it as it is")
        if not os.access(folder, os.W_OK | os.X_OK) or not folder.stat().st_mode & 0o222:
            return (f"{path}: its folder {str(folder)!r} is read-only, and the batch keeps its "
                    "write-ahead log (-wal, -shm) there: make the folder writable and run the "
                    f"same command again; `drillsim results {path}` reads it as it is")
    except OSError:
        pass
    if force:
        return (f"{path}: the database cannot be written (SQLite: read-only); make the file "
                "and its folder writable and run the same command again; `drillsim results "
                f"{path}` reads it as it is")
    return None
