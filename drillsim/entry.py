"""The ``drillsim`` console script: the command line, with Ctrl-C while Python is still
importing it (a second or so) ending quietly (exit status 130) like Ctrl-C later on."""

from __future__ import annotations

import sys


def main() -> None:
    """Import and run :func:`drillsim.cli.main.main`."""
    import gc

    # the command line's modules (click, drillsim's commands) imported with the cyclic
    # collector held back and then frozen out of its sight: none of it is garbage (as
    # drillsim.cli.support.collector_held does for what a command loads; about a tenth
    # of ``drillsim --help``'s instructions)
    was = gc.isenabled()
    gc.disable()
    try:
        from drillsim.cli.main import main as commands
        gc.freeze()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        if was:
            gc.enable()
    commands()
