"""The batch's usage errors (exit status 2), in a module light enough for the command
line to import at start-up."""

from __future__ import annotations


class BatchSetupError(Exception):
    """An executor cannot be set up as asked (unknown executor, missing extra,
    unreachable scheduler)."""


class StoreError(Exception):
    """The database cannot be used as asked (missing, not a drillsim batch database,
    made by another sweep, exists without --resume, another batch is writing it)."""


class StoreExistsError(StoreError):
    """Something is at the path already (a database, or another file), and nobody is
    writing it: ``--resume`` goes on with a batch's database."""


class StoreMissingError(StoreError):
    """No database at the path (``--resume`` then starts the batch)."""


class StoreEmptyError(StoreError):
    """The file at the path is a SQLite database without a single table (or an empty
    file): a batch was killed while creating it, before the atomic creation of
    :meth:`~drillsim.batch.store.Store.create` existed. Nothing is in it: a new batch may
    replace it (``Store.create`` does, saying so)."""


class StoreBusyError(StoreError):
    """Another batch (another ``drillsim batch`` process) is writing the database now.

    :ivar pid: that process's id, when the system tells it (Linux ``/proc/locks``)."""

    def __init__(self, message: str, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


class StoreReadOnlyError(Exception):
    """The database file, or the folder its write-ahead log goes in, cannot be written
    (read-only, immutable). Exit status 1, as for :class:`StoreWriteError`: the batch's
    input was fine and what is stored is intact."""


class ExportError(Exception):
    """The export cannot be written as asked (unknown format, pyarrow missing)."""


class StoreWriteError(Exception):
    """Results could not be written to the database (disk full, the file or its folder
    made read-only, an I/O error). Exit status 1: the batch's input was fine. What was
    stored before is whole (each transaction is all or nothing).

    :ivar path: the database; :ivar stored: replications stored in it (None if it could
        not be read either).
    """

    def __init__(self, path, what: str, cause: BaseException, stored: int | None) -> None:
        self.path = path
        self.stored = stored
        kept = ("what was stored before stays valid" if stored is None else
                f"the {stored:,} replication(s) stored before stay valid")
        super().__init__(f"cannot write {what} to {path}: {cause}; {kept} (each is written "
                         "whole or not at all); make room or make the file writable, then run "
                         "the same command with --resume")
