"""The drill log: JSON Lines, one record per line, each flushed and fsynced at once.

A drill writes two files:

- the **player log** (``PATH``): every message shown, every order given and its reply,
  the clock (``clock`` records as it runs, speed and pause changes), the end — and,
  only after the end, the ``reveal``. It never holds the seed, the variant, the pack's
  path or anything else of the hidden set-up before the reveal.
- the **controller log** (``PATH`` with ``.controller.jsonl``): the hidden set-up
  (seed, what the pack drew), every inject, every report that never reached the
  players. It is **sealed**: its first line is a plain header (format, key-derivation
  parameters, salt); every other line is a Fernet token (AES-128-CBC with an
  HMAC-SHA256, from the ``cryptography`` package) of one record, under a key derived
  from the **control secret** with scrypt (RFC 7914; n=2**14, r=8, p=1, the
  interactive-login figures of the RFC's section 2). A player who can read the file
  cannot read it, nor resume or replay the drill, without the secret; and a changed
  line fails its HMAC.

Each record has ``rec`` (its type), ``t`` (scenario minutes), ``wall`` (Unix time,
seconds) and ``chain``: the SHA-256 of the previous line of the same file (of the
empty string for the first record), so a deleted, reordered or edited line breaks the
chain and :func:`read_records` refuses the file. Orders carry ``act`` (1, 2, … in the
player log); injects carry ``seq`` (1, 2, … in the controller log) and ``after``, the
number of orders given before them, so a resumed drill replays both in the order they
were given while the player log shows no gap where the controller acted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from drillsim.errors import DrillsimError

FORMAT = "drillsim-drill-log/2"
#: scrypt parameters of the control key (RFC 7914 section 2: n=2**14, r=8, p=1)
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def controller_path(path: str | Path) -> Path:
    """``drill.jsonl`` → ``drill.controller.jsonl`` (beside it)."""
    p = Path(path)
    stem = p.name[:-len(".jsonl")] if p.name.endswith(".jsonl") else p.name
    return p.with_name(stem + ".controller.jsonl")


def log_kind(path: str | Path) -> str | None:
    """What a file is by its first line, wherever it lies and whatever its name (a drill
    log copied without its controller log is still one): ``"player"`` (a player log,
    whose first record has this module's ``format``), ``"controller"`` (a sealed
    controller log's header), or None (anything else, or unreadable).

    Reads at most the first 4 KiB."""
    try:
        with open(path, "rb") as fh:
            first = fh.readline(4096)
        data = json.loads(first)
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and isinstance(data.get("format"), str)
            and data["format"].startswith(FORMAT.rsplit("/", 1)[0] + "/")):
        return None
    return "controller" if data.get("rec") == "sealed" else "player"


class DrillLogError(DrillsimError):
    """The drill log cannot be opened or written (read-only folder, disk full). What was
    written before stays valid: each record is fsynced, a torn last line is cut on
    resume."""


class SecretRefused(DrillsimError):
    """The control secret given does not open this controller log (or none was given):
    ``path`` and what is wrong (``detail``); ``str()`` is ``path: detail``."""

    def __init__(self, path: str | Path, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path, self.detail = str(path), detail


class TamperedLog(DrillsimError):
    """A drill log's hash chain or a sealed record's HMAC does not hold: a line was
    changed, removed or reordered after it was written."""


class _AtLine(Exception):
    """A fault at one line of a drill log: ``path``, ``line`` (1-based) and what is wrong
    (``detail``); ``str()`` is ``path:line: detail``."""

    def __init__(self, path: str | Path, line: int, detail: str) -> None:
        super().__init__(f"{path}:{line}: {detail}")
        self.path, self.line, self.detail = str(path), line, detail


class BadLogLine(_AtLine, ValueError):
    """A line of a drill log that is no record drillsim writes (see :class:`_AtLine`)."""


class TamperedLine(_AtLine, TamperedLog):
    """:class:`TamperedLog` at a known line (see :class:`_AtLine`)."""


def _lines(path: Path) -> list[str]:
    """The file's lines as text (split at each newline, the last one after the final
    newline ``''``); a line that is not UTF-8 is refused naming it, unless it is the last
    line with no newline after it (a crash's torn write: kept as it is, to be skipped).

    :raises BadLogLine: bytes that are not UTF-8 on a line before the last.
    :raises OSError: the file cannot be read.
    """
    raw = path.read_bytes().split(b"\n")
    out = []
    for i, line in enumerate(raw):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            if i == len(raw) - 1:  # torn: skipped as a torn line is
                out.append(line.decode("utf-8", "replace"))
                continue
            raise BadLogLine(path, i + 1, f"not UTF-8 text (byte 0x{line[exc.start]:02x} at column "
                                          f"{exc.start + 1}); drillsim writes its logs in UTF-8") from None
    return out


def new_secret_file(path: str | Path) -> str:
    """Make a new control secret (128 bits, :func:`secrets.token_urlsafe`) and write it
    to ``path`` (a new file, owner-only); returns it.

    :raises DrillLogError: the file exists or cannot be written.
    """
    import secrets

    secret = secrets.token_urlsafe(16)
    write_secret_file(path, secret)
    return secret


def write_secret_file(path: str | Path, secret: str) -> None:
    """Write ``secret`` to ``path``, a new file readable by its owner only (mode 0600).

    :raises DrillLogError: the file exists or cannot be written.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secret + "\n")
    except OSError as exc:
        raise DrillLogError(f"{path}: cannot write the secret: {exc.strerror}") from None


def _digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


class Sealer:
    """Seals and opens controller records with a key derived from the control secret.

    :param secret: the control secret (any text; ``serve`` and ``drill`` make 22
        URL-safe characters, 128 bits, with :func:`secrets.token_urlsafe`).
    :param salt: 16 random bytes kept in the file's header.
    """

    def __init__(self, secret: str, salt: bytes) -> None:
        from cryptography.fernet import Fernet

        key = hashlib.scrypt(secret.encode("utf-8"), salt=salt, dklen=32, maxmem=64 * 1024 * 1024,
                             **SCRYPT)
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """:raises ValueError: the token was not sealed with this key, or was changed."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError):
            raise ValueError("does not open with this key") from None


class LogFile:
    """An append-only JSON Lines file; each :meth:`append` is durable when it returns
    (flush + ``os.fsync``) and chained to the line before (``chain``).

    :param sealer: seal each record (the controller log); the header line is written
        when the file is new.
    :raises DrillLogError: the file cannot be opened or written.
    """

    def __init__(self, path: str | Path, private: bool = False, sealer: Sealer | None = None,
                 header: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.sealer = sealer
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        try:
            fd = os.open(self.path, flags, 0o600 if private else 0o644)
        except OSError as exc:
            raise DrillLogError(f"cannot open the drill log {self.path}: {exc.strerror}") from None
        self._fh = os.fdopen(fd, "a", encoding="utf-8")
        self._last = _digest(b"")
        lines = [ln for ln in self.path.read_bytes().split(b"\n") if ln.strip()]
        if lines:
            records = lines[1:] if sealer is not None else lines
            self._last = _digest(records[-1]) if records else _digest(b"")
        elif header is not None:
            self._write(json.dumps(header, sort_keys=True))

    def append(self, record: dict[str, Any]) -> None:
        record.setdefault("wall", round(time.time(), 3))
        record["chain"] = self._last
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False)
        if self.sealer is not None:
            line = self.sealer.seal(line)
        self._write(line)
        self._last = _digest(line.encode("utf-8"))

    def _write(self, line: str) -> None:
        try:
            self._fh.write(line + "\n")
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


def _header(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline()
        data = json.loads(first)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("rec") == "sealed" else None


def sealer_for(path: str | Path, secret: str | None) -> Sealer:
    """The sealer of an existing controller log for ``secret``.

    :raises SecretRefused: no secret, or the secret does not open the log.
    :raises TamperedLog: not a sealed controller log.
    """
    path = Path(path)
    head = _header(path)
    if head is None:
        raise TamperedLog(f"{path}: not a sealed drillsim controller log (no header line)")
    if not secret:
        raise SecretRefused(path, "it is sealed: give the control secret (--secret-file FILE or "
                            "the DRILLSIM_CONTROL_SECRET variable)")
    sealer = Sealer(secret, base64.b64decode(head["salt"]))
    lines = _lines(path)
    first = next((i for i in range(1, len(lines)) if lines[i].strip()), None)
    if first is not None:
        try:
            sealer.open(lines[first])
        except ValueError:
            if first == len(lines) - 1:  # no newline after it: its write was cut short
                raise TamperedLine(path, first + 1, "the drill's set-up record is cut short (the drill "
                                                    "stopped while writing it): there is no drill "
                                                    "here to replay or resume") from None
            raise SecretRefused(path, "this control secret does not open the controller log") from None
    return sealer


class DrillLog:
    """The two files of one drill (see the module docstring).

    :param secret: the control secret sealing the controller log.
    :raises SecretRefused: an existing controller log the secret does not open.
    """

    def __init__(self, path: str | Path, secret: str) -> None:
        cpath = controller_path(path)
        if cpath.exists() and cpath.stat().st_size:
            sealer, header = sealer_for(cpath, secret), None
        else:
            salt = os.urandom(16)
            sealer = Sealer(secret, salt)
            header = {"rec": "sealed", "format": FORMAT, "kdf": "scrypt", **SCRYPT,
                      "cipher": "fernet", "salt": base64.b64encode(salt).decode("ascii")}
        self.player = LogFile(path)
        self.controller = LogFile(cpath, private=True, sealer=sealer, header=header)

    def close(self) -> None:
        self.player.close()
        self.controller.close()


#: the fields a resume or a replay reads from each kind of record, and what each holds:
#: ``number`` a finite number, ``whole`` a whole number, ``text`` text. The player log is
#: not sealed: a hand edit of its last line keeps the hash chain (the chain covers the
#: lines before) and raised TypeError or KeyError in the resume.
RECORD_FIELDS: dict[str, dict[str, str]] = {
    "order": {"t": "number", "act": "whole", "text": "text"},
    "message": {"t": "number", "seq": "whole", "text": "text"},
    "speed": {"speed": "number"},
    "skip": {"from": "number", "t": "number"},
    "clock": {"t": "number"},
}


def _field_problem(record: dict[str, Any]) -> str | None:
    """What is wrong with a record's fields (:data:`RECORD_FIELDS`; ``t`` and ``wall``
    numbers in any record; ``chain``, the hash of the line before, text in every one:
    :meth:`LogFile.append` writes it on each, so a record without it was written by
    hand — on the last line, where no later line's chain covers the edit, it was
    accepted), or None."""
    import math

    wanted = {"t": "number", "wall": "number"}
    needed = {"chain": "text", **RECORD_FIELDS.get(record["rec"], {})}
    for name, kind in {**wanted, **needed}.items():
        if name not in record:
            if name in needed:
                return f"no {name!r}"
            continue
        value = record[name]
        if kind == "text":
            ok = isinstance(value, str)
        else:
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
                  and math.isfinite(value) and (kind == "number" or float(value).is_integer()))
        if not ok:
            return f"{name!r} is {str(value)[:40]!r}, not {'a' if kind == 'text' else 'a finite'} {kind}"
    return None


def read_records(path: str | Path, secret: str | None = None) -> list[dict[str, Any]]:
    """Every complete record of a log file (a sealed controller log is opened with
    ``secret``), its hash chain checked; a last line cut short by a crash is skipped.

    :raises OSError: the file cannot be read.
    :raises BadLogLine: a bad line before the last (no JSON record, not UTF-8, a field
        of the wrong kind).
    :raises TamperedLine: the chain is broken or a sealed line was changed.
    :raises SecretRefused: a sealed log without the right secret.
    """
    path = Path(path)
    sealer = sealer_for(path, secret) if _header(path) is not None else None
    lines = _lines(path)
    out = []
    last = _digest(b"")
    start = 1 if sealer is not None else 0
    for i, line in enumerate(lines[start:], start):
        if not line.strip():
            continue
        torn = i == len(lines) - 1  # no newline after it: cut short by a crash
        text = line
        if sealer is not None:
            try:
                text = sealer.open(line)
            except ValueError:
                if torn:
                    break
                raise TamperedLine(path, i + 1, "this sealed record was changed after it was "
                                                "written") from None
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            if torn:  # the torn last line of a crash
                break
            if text.startswith("\ufeff"):
                raise BadLogLine(path, i + 1, "starts with a byte-order mark (an editor saved the "
                                              "file): drillsim writes its logs without one") from None
            raise BadLogLine(path, i + 1, "not a drill log record") from None
        if not isinstance(record, dict) or not isinstance(record.get("rec"), str):
            # JSON, but no record ([1, 2], "text", {} …): it raised AttributeError below
            raise BadLogLine(path, i + 1, "not a drill log record (a JSON object with its "
                                          "kind in \"rec\")")
        problem = _field_problem(record)
        if problem is not None:
            raise BadLogLine(path, i + 1, f"{record['rec']} record: {problem}")
        if record["chain"] != last:
            raise TamperedLine(path, i + 1, "the hash chain breaks here: a line before it was "
                                            "changed, removed or moved")
        last = _digest(line.encode("utf-8"))
        out.append(record)
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
