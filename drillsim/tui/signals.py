"""Quit a full-screen view cleanly when the process is asked to stop.

Textual reads Ctrl-C as a key; ``kill PID`` (SIGTERM: a shutdown, a supervisor) and a
closed terminal window or a dropped SSH session (SIGHUP) would otherwise end the
process at once: the terminal left in the drill's full screen (no cursor, mouse
reporting on), no line saying how to continue, and a drill's clock since its last
``clock`` record (up to :data:`~drillsim.drill.session.CLOCK_EVERY` wall seconds) not in
its log. With :func:`quit_on_signals` either signal quits the app as Ctrl-Q does.
"""

from __future__ import annotations

import asyncio
import signal

#: the signals that quit the app (those a platform lacks are skipped)
SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


def quit_on_signals(app) -> list[tuple[int, object]]:
    """From now on, SIGTERM and SIGHUP call ``app.on_stop_signal(signum)`` in the app's
    event loop (between two of its steps, never inside an order). Call it from the app's
    ``on_mount``; :func:`restore_signals` at unmount.

    :returns: the signals handled, each with its handler before (none where the loop
        cannot: not the main thread, Windows).
    """
    loop = asyncio.get_running_loop()
    done = []
    for signum in SIGNALS:
        before = signal.getsignal(signum)
        try:
            loop.add_signal_handler(signum, app.on_stop_signal, signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread; Windows
            continue
        done.append((signum, before))
    return done


def restore_signals(handled: list[tuple[int, object]]) -> None:
    """Give the signals :func:`quit_on_signals` took back the handlers they had."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    for signum, before in handled:
        if loop is not None:
            loop.remove_signal_handler(signum)
        signal.signal(signum, before if before is not None else signal.SIG_DFL)
    handled.clear()
