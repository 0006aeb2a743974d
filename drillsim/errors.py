"""Validation faults and the exception that carries them.

A *fault* is one thing wrong in one input file, located by line and column and by the
dotted field path inside the document. Loading collects every fault it can find before
giving up, so a user fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Fault:
    """One problem in an input file.

    ``line`` and ``column`` are 1-based (0 when unknown: then ``str()`` names only the
    file); ``field`` is the dotted path
    inside the document (``forces[2].base``), empty for the whole document.
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        # a fault with no place in the file (file not found, unreadable) is not
        # given a false "line 0"
        where = (f"{self.file}:{self.line}:{self.column}" if self.line
                 else self.file)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class ValidationFailed(Exception):
    """Raised when an input file (scenario, region, plan, sweep) is invalid.

    Carries every fault found; ``str()`` gives one line per fault in the form
    ``path:line:column: field.path: what is wrong``. The CLI prints them and exits 2.
    """

    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(f) for f in sorted(set(self.faults)))


#: What plugin code may raise that is not its fault and goes on up: Ctrl-C and a generator
#: being closed. Anything else it raises — ``SystemExit`` from ``sys.exit()`` in a hook or
#: at import, a class of its own derived from ``BaseException`` — is the plugin failing,
#: reported like an ``Exception`` (it ended the command with exit status 3 and no word, or
#: with a traceback). Use as ``except PASSES_THROUGH: raise`` before ``except BaseException``.
PASSES_THROUGH: tuple[type[BaseException], ...] = (KeyboardInterrupt, GeneratorExit)


class DrillsimError(Exception):
    """An error during a run that is not a user's input mistake but must be reported
    without a traceback (a plugin failing, a stalled run). The CLI exits 1."""


def cause_traceback(exc: BaseException) -> str:
    """The Python traceback to show for a failed run (``--traceback``): that of the
    innermost cause under ``exc``'s chain of :class:`DrillsimError` wrappers — a plugin's
    own exception when a plugin failed (the engine wraps it in ``PluginFailed``, which
    the engine may wrap again where another plugin's process called it), from the frame
    that called the plugin down to where it raised; ``exc``'s own when nothing wraps.
    """
    import traceback

    cause = exc
    while isinstance(cause, DrillsimError) and cause.__cause__ is not None:
        cause = cause.__cause__
    return "".join(traceback.format_exception(type(cause), cause, cause.__traceback__)).rstrip()


def brief(value: object, most: int = 80) -> str:
    """``repr(value)`` cut to ``most`` characters with "…", for a one-line message about
    what a plugin returned (it may return the whole event log by mistake)."""
    text = repr(value)
    return text if len(text) <= most else text[:most - 1] + "…"
