"""The batch's usage errors (exit status 2), in a module light enough for the command
line to import at start-up."""

from __future__ import annotations


class BatchSetupError(Exception):
    """An executor cannot be set up as asked (unknown executor, missing extra,
    unreachable scheduler)."""


class StoreError(Exception):
    """The database cannot be used as asked (missing, not a drillsim batch database,
    made by another sweep, exists without --resume)."""


class ExportError(Exception):
    """The export cannot be written as asked (unknown format, pyarrow missing)."""
