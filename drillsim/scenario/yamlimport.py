"""PyYAML, imported with its regular expressions compiled when first used.

PyYAML compiles ten regular expressions as its modules are imported (the implicit
resolvers' eight, the constructor's timestamp and the reader's check for characters YAML does
not allow). One of them, ``yaml.reader.Reader.NON_PRINTABLE``, a negated character class
reaching U+10FFFF, costs about 58 M machine instructions (about 20 ms) to compile in
CPython 3.11's ``re`` — more than the rest of PyYAML's import — at every start-up of a
command that reads a file (a known PyYAML cost: yaml/pyyaml#301 and #124, both open,
propose to build it at run time). drillsim parses with libyaml, which checks the
characters in C, and tags plain scalars itself (:mod:`drillsim.scenario.yamlsource`), so
a run uses none of them; PyYAML's pure-Python reader, used for a refused file's message,
compiles the check when it first runs it. The patterns and their results are PyYAML's
own: only the moment of compiling moves.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType


class LazyPattern:
    """A regular expression compiled (:func:`re.compile`) the first time any of its
    attributes (``match``, ``search``, ``pattern`` …) is read; then the compiled pattern's
    own."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern | None = None

    @property
    def compiled(self) -> bool:
        """Whether the pattern has been compiled yet."""
        return self._compiled is not None

    def __getattr__(self, name: str):
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r}, {self._args[1]!r})"


def import_yaml() -> ModuleType:
    """``import yaml``, with the patterns PyYAML's own modules compile as they are
    imported made :class:`LazyPattern` (any other module's ``re.compile`` meanwhile is
    left as it is). Where PyYAML is already imported, it is returned as it is."""
    if "yaml" in sys.modules:
        return sys.modules["yaml"]
    compile_now = re.compile

    def compile_later(pattern, flags=0):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == "yaml" or caller.startswith("yaml."):
            return LazyPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_later
    try:
        import yaml
    finally:
        re.compile = compile_now
    return yaml


yaml = import_yaml()
