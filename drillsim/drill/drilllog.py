"""The drill log: JSON Lines, one record per line, each flushed and fsynced at once.

A drill writes two files:

- the **player log** (``PATH``): every message shown, every order given and its reply,
  the clock (``clock`` records as it runs, speed and pause changes), the end — and,
  only after the end, the ``reveal``. It never holds the seed, the variant or its
  parameters before the reveal.
- the **controller log** (``PATH`` with ``.controller.jsonl``): the hidden set-up
  (seed, what the pack drew), every inject, every report that never reached the
  players. Written with owner-only permissions; players are not given it.

Each record has ``rec`` (its type), ``t`` (scenario minutes), ``wall`` (Unix time,
seconds); orders and injects also have ``act``, one counter over both files, so a
resumed drill replays them in the order they were given.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from drillsim.errors import DrillsimError

FORMAT = "drillsim-drill-log/1"


def controller_path(path: str | Path) -> Path:
    """``drill.jsonl`` → ``drill.controller.jsonl`` (beside it)."""
    p = Path(path)
    stem = p.name[:-len(".jsonl")] if p.name.endswith(".jsonl") else p.name
    return p.with_name(stem + ".controller.jsonl")


class DrillLogError(DrillsimError):
    """The drill log cannot be opened or written (read-only folder, disk full). What was
    written before stays valid: each record is fsynced, a torn last line is cut on
    resume."""


class LogFile:
    """An append-only JSON Lines file; each :meth:`append` is durable when it returns
    (flush + ``os.fsync``).

    :raises DrillLogError: the file cannot be opened or written.
    """

    def __init__(self, path: str | Path, private: bool = False) -> None:
        self.path = Path(path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        try:
            fd = os.open(self.path, flags, 0o600 if private else 0o644)
        except OSError as exc:
            raise DrillLogError(f"cannot open the drill log {self.path}: {exc.strerror}") from None
        self._fh = os.fdopen(fd, "a", encoding="utf-8")

    def append(self, record: dict[str, Any]) -> None:
        record.setdefault("wall", round(time.time(), 3))
        try:
            self._fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise DrillLogError(
                f"cannot write the drill log {self.path}: {exc.strerror or exc}. Everything "
                f"before this is in the log and valid; the drill is stopped. Free space (or "
                f"fix the folder), then continue with: drillsim drill --resume {self.path}") from None

    def close(self) -> None:
        if not self._fh.closed:
            try:
                self._fh.close()
            except OSError:
                pass  # the failed write was reported when it happened


class DrillLog:
    """The two files of one drill (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.player = LogFile(path)
        self.controller = LogFile(controller_path(path), private=True)

    def close(self) -> None:
        self.player.close()
        self.controller.close()


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Every complete record of a log file; a last line cut short by a crash is skipped.

    :raises OSError: the file cannot be read. :raises ValueError: a bad line before the last.
    """
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    out = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            if i >= len(lines) - 2:  # the torn last line of a crash
                break
            raise ValueError(f"{path}:{i + 1}: not a drill log record") from None
    return out


def repair_tail(path: str | Path) -> None:
    """Cut a torn last line (no newline at the end after a crash) so appends start clean."""
    p = Path(path)
    if not p.exists():
        return
    data = p.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(p, "r+b") as fh:
            fh.truncate(cut)
