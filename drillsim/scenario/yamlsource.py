"""Strict YAML loading that remembers where every value came from.

PyYAML follows YAML 1.1, whose implicit typing surprises people who write scenarios by
hand: ``1:30`` becomes the integer 90 (sexagesimal), ``no``/``off`` become ``False``,
``010`` becomes 8, and a duplicate key silently keeps the last value. This module
composes the document with PyYAML's *safe* composer (no Python object construction)
and then builds plain Python data itself, resolving plain scalars by the **YAML 1.2
core schema**: only ``true``/``false``, ``null``/``~``, decimal/``0o``/``0x`` integers
and decimal floats are typed; everything else stays a string. Duplicate keys, non-core
tags (``!!python/object`` …), alias bombs and over-deep nesting are faults.

Every value's position is kept in :attr:`Document.positions`, keyed by its path
(a tuple of mapping keys and list indices), so validation errors can name the line.
"""

from __future__ import annotations

import os
import re
import stat
import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.yamlimport import yaml  # PyYAML, its patterns compiled when used

MappingNode, ScalarNode, SequenceNode = yaml.nodes.MappingNode, yaml.nodes.ScalarNode, yaml.nodes.SequenceNode

PathKey = tuple[Any, ...]

#: The most nodes a document may expand to (aliases count each time they are used).
MAX_NODES = 200_000
#: The deepest nesting of mappings and lists accepted.
MAX_DEPTH = 50

_PLAIN = "tag:drillsim.dev,2026:plain"
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}

# YAML 1.2 core schema, https://yaml.org/spec/1.2.2/#1032-tag-resolution
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


#: The largest whole number a document may hold (a 64-bit integer: seeds and counts are
#: stored in SQLite and handed to numpy, neither of which holds more).
MAX_INT = 2**63 - 1
#: The longest text value (the longest description shipped is under 600 characters; a
#: name of 10,000 is a mistake, and would fill every message quoting it).
MAX_TEXT = 5_000
#: The longest field name or mapping key (an id used as a key: ``overrides: {T1: …}``).
MAX_KEY = 200
#: Control characters (C0 but tab and line feed, DEL, C1) and lone surrogates: a YAML file
#: cannot hold them raw, and escaped (``"\x1b[31m"``, ``"\ud800"``) they would reach
#: terminals and file names (or fail to print at all).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


#: The first characters of every text the core schema types as other than a string (null
#: ``~ null Null NULL``, booleans, ints, floats, ``.inf``, ``.nan``): a scalar starting with
#: anything else (a letter but these, a digit-free name, Chinese, a path) is a string, read
#: without trying the patterns below one by one (a scenario, its region and plan hold
#: some 2,000 scalars)
_TYPED_START = frozenset("~nNtTfF+-.0123456789")
#: The first characters of an int (decimal, ``0o``, ``0x``)
_INT_START = frozenset("+-0123456789")


def _is_int(text: str) -> bool:
    if not text or text[0] not in _INT_START:
        return False
    return bool(_INT10.match(text) or _INT8.match(text) or _INT16.match(text))


def _too_big(text: str) -> bool:
    """Whether integer ``text`` lies beyond :data:`MAX_INT`, decided without converting
    a text of thousands of digits (Python refuses more than 4,300)."""
    digits = text.lstrip("+-")
    if digits.startswith(("0o", "0x")):
        digits = digits[2:].lstrip("0")
        return len(digits) > 22 or int(digits or "0", 8 if text.lstrip("+-")[1] == "o" else 16) > MAX_INT
    digits = digits.lstrip("0")
    return len(digits) > 19 or abs(int(digits or "0")) > MAX_INT


class _Resolver(yaml.resolver.BaseResolver):
    """Tags every plain scalar with one sentinel tag; :func:`_core_scalar` types it."""

    def resolve(self, kind, value, implicit):
        # what BaseResolver.resolve gives with the one implicit resolver below (``.*``
        # matches every text), without looking it up for each of a document's scalars
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)

    # no path resolvers here: BaseResolver's descend/ascend (called for every node) do
    # nothing but look that up
    def descend_resolver(self, current_node, current_index):
        if self.yaml_path_resolvers:  # pragma: no cover - none are added
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self):
        if self.yaml_path_resolvers:  # pragma: no cover - none are added
            super().ascend_resolver()


_Resolver.yaml_implicit_resolvers = {}
_Resolver.add_implicit_resolver(_PLAIN, re.compile(r".*", re.S), None)


class _Composer(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


try:  # libyaml's parser and composer, where PyYAML was built with it
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None


if _CParser is not None:
    class _CComposer(_CParser, _Resolver):
        """The same composition as :class:`_Composer` by libyaml (C): node for node and
        mark for mark the same tree, several times faster (about 0.2 s of CPU less for
        the flood scenario with its region and plan). Its error messages are worded
        differently, so a document it refuses is composed again by :class:`_Composer`,
        whose message the user sees."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _Resolver.__init__(self)


def _compose_fast(text: str):
    """The document's root node by libyaml, or None when libyaml is missing or refuses
    the text (then :class:`_Composer` composes it and says why)."""
    if _CParser is None:  # pragma: no cover
        return None
    try:
        loader = _CComposer(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001  (any refusal — syntax, encoding, depth: the pure composer decides)
        return None


def _core_scalar(text: str) -> Any:
    """Type a plain scalar by the YAML 1.2 core schema."""
    if text and text[0] not in _TYPED_START:
        return text
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text[0] in "tT"
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


@dataclass
class Document:
    """A loaded YAML document: plain data plus where each value was written.

    ``positions[path]`` is the (line, column) of the value at ``path`` (1-based);
    ``key_positions[path]`` is that of the mapping key that introduced it;
    ``raw[path]`` is the source text of every typed (non-string) scalar, so a message
    can say "you wrote 010".
    """

    path: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    raw: dict[PathKey, str] = field(default_factory=dict)

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path`` (its key with ``key=True``), else its nearest ancestor's."""
        path = tuple(path)
        while True:
            table = self.key_positions if key else self.positions
            if path in table:
                return table[path]
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def fault(self, path: PathKey, message: str, *, key: bool = False) -> Fault:
        """A :class:`Fault` located at ``path`` in this document."""
        line, col = self.where(path, key=key)
        return Fault(self.path, line, col, format_path(path), message)


def format_path(path: PathKey) -> str:
    """``("forces", 2, "base")`` → ``"forces[2].base"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0
        self.faults: list[Fault] = []

    def _mark(self, node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, node, path: PathKey, message: str) -> None:
        line, col = self._mark(node)
        self.faults.append(Fault(self.doc.path, line, col, format_path(path), message))

    def build(self, node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(node, f"document expands to more than {MAX_NODES:,} values "
                                "(YAML aliases repeated many times?); refused")
        if depth > MAX_DEPTH:
            raise _TooBig(node, f"document nested more than {MAX_DEPTH} levels deep; refused")
        mark = node.start_mark  # self._mark(node), inlined: this runs for every node
        self.doc.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        tag = node.tag
        if tag != _PLAIN and tag not in _ALLOWED_TAGS:
            self._fail(node, path, f"YAML tag {tag!r} is not allowed: drillsim reads plain "
                                   "data only (maps, lists, text, numbers, true/false)")
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        raise AssertionError(f"unknown YAML node {node!r}")  # pragma: no cover

    def _text_ok(self, node, path: PathKey, text: str, limit: int, what: str) -> bool:
        """Refuse (located) control characters and text longer than ``limit``."""
        bad = _CONTROL.search(text)
        if bad is not None:
            kind = "a lone surrogate" if bad.group() >= "\ud800" else "the control character"
            shown = f" {quote_name(text[:40])}" if what == "the field name" else ""
            self._fail(node, path, f"{what}{shown} contains {kind} {bad.group()!r} "
                                   f"(at character {bad.start() + 1}); remove it")
            return False
        if len(text) > limit:
            self._fail(node, path, f"{what} is too long: {len(text):,} characters (at most "
                                   f"{limit:,}), starting {text[:40]!r}; shorten it")
            return False
        return True

    def _scalar(self, node: ScalarNode, path: PathKey) -> Any:
        tag = node.tag
        if tag in (_PLAIN, _CORE + "int") and _is_int(node.value) and _too_big(node.value):
            shown = node.value if len(node.value) <= 24 else \
                f"{node.value[:20]}… ({len(node.value.lstrip('+-')):,} digits)"
            self._fail(node, path, f"{shown} is too large a whole number (more than {MAX_INT:,} "
                                   "in size); check for extra digits")
            return None
        if not self._text_ok(node, path, node.value, MAX_TEXT, "the text"):
            return None
        if tag == _PLAIN:
            value = _core_scalar(node.value)
        elif tag == _CORE + "str":
            return node.value
        elif tag == _CORE + "null":
            value = None
        else:
            value = _core_scalar(node.value)
            kind = tag.rsplit(":", 1)[-1]
            ok = {"int": int, "float": (int, float), "bool": bool}[kind]
            if not isinstance(value, ok) or (kind == "int" and isinstance(value, bool)):
                self._fail(node, path, f"{node.value!r} is not a valid !!{kind}")
                return None
            if kind == "float":
                value = float(value)
        if not isinstance(value, str):
            self.doc.raw[path] = node.value
        return value

    def _mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        key_positions = self.doc.key_positions
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._fail(key_node, path, "a mapping key must be a plain name, not a list or map")
                continue
            key = key_node.value
            if not self._text_ok(key_node, path, key, MAX_KEY, "the field name"):
                continue
            if key == "<<" and key_node.tag == _PLAIN:
                self._fail(key_node, path, "YAML merge keys ('<<') are not supported; "
                                           "write the fields out")
                continue
            if key in first_seen:
                self._fail(key_node, path + (key,),
                           f"duplicate key {key!r} (first given on line {first_seen[key]})")
                continue
            mark = key_node.start_mark
            first_seen[key] = mark.line + 1
            key_path = path + (key,)
            key_positions[key_path] = (mark.line + 1, mark.column + 1)
            out[key] = self.build(value_node, key_path, depth + 1)
        return out


class _TooBig(Exception):
    def __init__(self, node, message: str) -> None:
        super().__init__(message)
        self.node = node


#: The largest file read, in bytes: the shipped scenario, region and plan files are all
#: under 100 KiB; a file far larger is a mistake (a log, a data dump, ``/dev/zero``), and
#: reading and parsing it would take minutes and gigabytes.
MAX_FILE_BYTES = 8 * 1024 * 1024

#: How long a file name or path quoted in a message may be before it is cut short.
_SHOWN_CHARS = 80


def quote_name(text: str) -> str:
    """``repr`` of a name or path for a message, cut short when long (a 10,000-character
    name must not fill the terminal) and with control characters escaped."""
    text = str(text)
    if len(text) > _SHOWN_CHARS:
        return repr(text[:_SHOWN_CHARS]) + f"… ({len(text):,} characters)"
    return repr(text)


def cut_name(text: str) -> str:
    """A name or path for a message, unquoted, cut short when long."""
    text = str(text)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + f"… ({len(text):,} characters)"


def path_problem(text: str) -> str | None:
    """Why ``text`` cannot be a file name at all (a control character, far too long),
    else None. Checked before the name reaches the operating system, whose errors for
    these (``embedded null byte``, ``File name too long``) are not messages."""
    bad = next((c for c in text if ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        return (f"the file name contains the control character {bad!r}; "
                "write the name without it")
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return "the file name contains a character no file name can hold (a lone surrogate)"
    size = len(text.encode("utf-8", "replace"))
    if size > 4096 or any(len(part.encode("utf-8", "replace")) > 255
                          for part in re.split(r"[\\/]", text)):
        return ("the file name is too long (more than 255 bytes in one part, or 4,096 in "
                "all); give a shorter name")
    return None


def file_problem(path: Path, *, limit: int | None = None, what: str = "a YAML file") -> str | None:
    """Why ``path`` must not be read, checked on the file itself before it is opened,
    else None: not found, a folder, not a regular file (a pipe, a device, a link to
    one: opening a pipe waits for a writer, reading a device never ends), larger than
    ``limit`` bytes (default :data:`MAX_FILE_BYTES`), or cannot be looked at."""
    limit = MAX_FILE_BYTES if limit is None else limit
    problem = path_problem(str(path))
    if problem is not None:
        return problem
    try:
        info = path.stat()  # follows links: a link to /dev/zero is a device
    except FileNotFoundError:
        return "file not found"
    except PermissionError:
        return "cannot read: permission denied"
    except (OSError, ValueError) as exc:
        return f"cannot read: {getattr(exc, 'strerror', None) or type(exc).__name__}"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return f"not a regular file (a pipe, a device …); name {what}"
    if info.st_size > limit:
        return _too_large(limit, what)
    return None


def _too_large(limit: int, what: str) -> str:
    size = f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit:,} bytes"
    return (f"larger than {size}: not a drillsim document" if what == "a YAML file"
            else f"larger than {size}; name {what}")


def read_bytes(path: Path, shown: str, *, limit: int | None = None,
               what: str = "a YAML file") -> bytes:
    """Read a user's file: the one checked reader every file the product reads goes
    through. Only a regular file is read (checked before opening and again on the open
    file, which is opened without waiting, so a pipe swapped in cannot hang it), and at
    most ``limit`` bytes (default :data:`MAX_FILE_BYTES`).

    :param shown: the name used in messages; :param what: what the user should name
        instead (``a YAML file``, ``a CSV or text file``).
    :raises ValidationFailed: see :func:`file_problem`; unreadable.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    problem = file_problem(path, limit=limit, what=what)
    if problem is not None:
        raise ValidationFailed([Fault(shown, 0, 0, "", problem)])
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ValidationFailed([Fault(shown, 0, 0, "", f"cannot read: {exc.strerror}")]) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the check above
            raise ValidationFailed([Fault(shown, 0, 0, "", f"not a regular file (a pipe, a "
                                                           f"device …); name {what}")])
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ValidationFailed([Fault(shown, 0, 0, "", f"cannot read: {exc.strerror}")]) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew after the check
        raise ValidationFailed([Fault(shown, 0, 0, "", _too_large(limit, what))])
    return data


#: the texts read inside :func:`read_once` (None outside it), by absolute path and limit
_READ_ONCE: ContextVar[dict | None] = ContextVar("drillsim_read_once", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within the block, :func:`read_text` reads each file from disk once and hands the
    same text to every later reader (``validate`` finds a file's kind, then its loader
    reads it; a pack's loader reads its base scenario more than once): one consistent
    view of a file that is being edited, and no second read of a slow disk. Failures are
    not kept (read again, they are said again). Nested (``validate`` of a sweep, whose
    loader reads once too), the outer block's texts are the ones used."""
    if _READ_ONCE.get() is not None:
        yield
        return
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def read_text(path: Path, shown: str, *, limit: int | None = None,
              what: str = "a YAML file") -> str:
    """Read a file as UTF-8 through :func:`read_bytes` (once per file inside
    :func:`read_once`).

    :raises ValidationFailed: missing, a folder, not a regular file (a pipe, a device),
        larger than :data:`MAX_FILE_BYTES`, unreadable, or not UTF-8 (naming the bad byte).
    """
    once = _READ_ONCE.get()
    if once is None:
        return _decoded(read_bytes(Path(path), shown, limit=limit, what=what), shown)
    key = (os.path.abspath(path), limit)
    if key not in once:
        once[key] = _decoded(read_bytes(Path(path), shown, limit=limit, what=what), shown)
    return once[key]


def _decoded(data: bytes, shown: str) -> str:
    """UTF-8 text (a byte-order mark dropped).

    :raises ValidationFailed: not UTF-8, naming the line and column of the bad byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ValidationFailed([Fault(shown, line, col, "",
                                      f"not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                      "save the file as UTF-8")]) from None


def parse_yaml(text: str, shown: str) -> Document:
    """Parse YAML text into a :class:`Document` (see the module doc for the rules).

    :param text: the document text.
    :param shown: the file name to put in faults.
    :raises ValidationFailed: syntax errors, an empty document, several documents,
        duplicate keys, disallowed tags, alias bombs, nesting deeper than
        :data:`MAX_DEPTH`.
    """
    doc = Document(shown, None)
    try:
        node = _compose_fast(text)
        if node is None:
            loader = _Composer(text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or exc.context or "YAML syntax error"
        if "expected a single document" in str(exc.context or ""):
            problem = "more than one YAML document ('---') in the file; keep one"
        elif "'\\t'" in problem:  # PyYAML: "found character '\t' that cannot start any token"
            problem = "a tab character: YAML indents with spaces, never tabs; replace it by spaces"
        raise ValidationFailed([Fault(shown, line, col, "", f"YAML syntax error: {problem}")]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise ValidationFailed([Fault(shown, line, col, "", f"character {char!r} is not "
                                      "allowed in a YAML file (control character?); remove it")]) from None
    except yaml.YAMLError as exc:
        raise ValidationFailed([Fault(shown, 0, 0, "", f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ValidationFailed([Fault(shown, 1, 1, "",
                                      f"document nested more than {MAX_DEPTH} levels deep; refused")]) from None
    if node is None:
        raise ValidationFailed([Fault(shown, 1, 1, "", "the file is empty")])
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, (), 0)
    except _TooBig as exc:
        line, col = (exc.node.start_mark.line + 1, exc.node.start_mark.column + 1)
        raise ValidationFailed([Fault(shown, line, col, "", str(exc))]) from None
    except RecursionError:
        raise ValidationFailed([Fault(shown, 1, 1, "",
                                      f"document nested more than {MAX_DEPTH} levels deep; refused")]) from None
    if builder.faults:
        raise ValidationFailed(builder.faults)
    return doc


def copy_data(data: Any) -> Any:
    """A deep copy of parsed document data (dicts, lists and immutable scalars only, as
    :func:`parse_yaml` builds them; no value is shared between two places, since an
    alias is built anew where it is used): what :func:`copy.deepcopy` gives, about five
    times faster (a sweep's worker copies the scenario, region and plan for every
    variant it loads)."""
    kind = type(data)
    if kind is dict:
        return {key: copy_data(value) for key, value in data.items()}
    if kind is list:
        return [copy_data(value) for value in data]
    return data


def load_yaml(path: str | Path, shown: str | None = None) -> Document:
    """Read and parse a YAML file; see :func:`parse_yaml`.

    :param shown: the name used in messages (defaults to ``path`` as given).
    """
    path = Path(path)
    shown = shown if shown is not None else str(path)
    return _parse_cached(read_text(path, shown), shown)


#: Parsed documents by (shown name, text): a batch loads the same scenario, region and
#: plan files once per variant, and pure-Python parsing is most of a load's time.
_PARSED: OrderedDict[tuple[str, str], Document] = OrderedDict()
_PARSED_MAX = 32
_PARSED_LOCK = threading.Lock()


def _parse_cached(text: str, shown: str) -> Document:
    """:func:`parse_yaml`, remembering the last documents parsed. Each caller gets its
    own copy of the data (the loader applies overrides to it)."""
    key = (shown, text)
    with _PARSED_LOCK:
        doc = _PARSED.get(key)
        if doc is not None:
            _PARSED.move_to_end(key)
    if doc is None:
        doc = parse_yaml(text, shown)
        with _PARSED_LOCK:
            _PARSED[key] = doc
            if len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
    return Document(doc.path, copy_data(doc.data), dict(doc.positions),
                    dict(doc.key_positions), dict(doc.raw))
