"""Standard output for rich, with no spaces left at the ends of lines in a file or a pipe.

rich pads a table's title and a grid's last column to their width, and keeps the space
a wrapped line broke at: on a terminal nobody sees it, but a scorecard written to a file
then carries trailing spaces (a diff of two runs shows them, an editor flags them).
"""

from __future__ import annotations

import sys
from typing import IO, Any


class TrimmedLines:
    """A text stream passing what is written on to ``stream`` a line at a time, each
    line's trailing spaces dropped. A line not yet ended is held until it is (a space
    written before more text on the same line is kept), or written on :meth:`flush` when
    it does not end in a space; anything else goes to ``stream`` itself."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._held = ""

    def write(self, text: str) -> int:
        lines = (self._held + text).split("\n")
        self._held = lines.pop()
        if lines:
            self._stream.write("\n".join(line.rstrip(" ") for line in lines) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._held and not self._held.endswith(" "):
            self._stream.write(self._held)
            self._held = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:  # encoding, fileno …: the stream's own
        return getattr(self._stream, name)


def stdout_console(**kwargs):
    """A rich ``Console`` on standard output (``kwargs`` as rich's): through
    :class:`TrimmedLines` when standard output is a file or a pipe."""
    from rich.console import Console

    if not sys.stdout.isatty():
        kwargs.setdefault("file", TrimmedLines(sys.stdout))
    return Console(**kwargs)
