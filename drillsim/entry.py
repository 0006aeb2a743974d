"""The ``drillsim`` console script: the command line, with Ctrl-C while Python is still
importing it (a second or so) ending quietly (exit status 130) like Ctrl-C later on."""

from __future__ import annotations

import sys


def main() -> None:
    """Import and run :func:`drillsim.cli.main.main`, with the collector held back
    while the command line's modules (click, drillsim's commands) are imported: none of
    it is garbage (:func:`drillsim.engine.collector.collector_held`)."""
    from drillsim.engine.collector import collector_held

    try:
        with collector_held():
            from drillsim.cli.main import main as commands
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    commands()
