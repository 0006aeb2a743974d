"""Trace hook calls: which hook was called, with what, which plugins were asked, and
which plugin answered a first-result hook.

Switched on by ``--trace-hooks`` or the environment variable ``DRILLSIM_TRACE_HOOKS``
(``1``/``all``: every hook; or comma-separated hook names: only those). Lines go to the
``drillsim.hooks`` logger (the command line prints them on stderr), one per call::

    hooks: t=12.0min drillsim_choose_units(incident=I3 critical_casualty@east, unmet={als: 1, patients: 1}, candidates=[als-1, bls-2]) -> [als-1]: answered by 'ambulance' (asked ambulance)

A line is written when the call returns, so the calls a hook implementation makes
inside another (the default dispatch asks for travel times) come before it.
Registration hooks run once at load time; the host logs what each plugin registered
on the same logger.

How: pluggy's ``add_hookcall_monitoring`` gives each call's hook name and arguments;
to know which plugin answered, each hook implementation's function is wrapped (while
tracing) to note that it was asked and whether it returned something. Wrapping does
not change what is called, in which order, or with what.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable, Iterable

ENV_TRACE = "DRILLSIM_TRACE_HOOKS"
#: the logger hook calls are traced to (``log``: the :class:`logging.Logger`, made when
#: first asked for; the logging module is imported only when something is traced)
LOGGER = "drillsim.hooks"


def __getattr__(name: str):
    if name == "log":
        import logging

        return logging.getLogger(LOGGER)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TraceError(ValueError):
    """An unknown hook name in ``DRILLSIM_TRACE_HOOKS``."""


def hooks_from_env(known: Iterable[str], value: str | None = None) -> set[str] | None:
    """The hooks ``DRILLSIM_TRACE_HOOKS`` asks to trace: None (off), or a set of names.

    :raises TraceError: a name that is not a hook (the message lists the hooks).
    """
    text = os.environ.get(ENV_TRACE, "") if value is None else value
    text = text.strip()
    if not text or text.lower() in ("0", "no", "false", "off"):
        return None
    known = sorted(known)
    if text.lower() in ("1", "yes", "true", "on", "all"):
        return set(known)
    names = {n.strip() for n in text.split(",") if n.strip()}
    unknown = sorted(names - set(known))
    if unknown:
        raise TraceError(f"{ENV_TRACE}: unknown hook(s) {', '.join(unknown)}; use 1 for all, or "
                         f"some of: {', '.join(known)}")
    return names


def tracing() -> bool:
    """Whether ``drillsim.hooks`` lines are being written (DEBUG enabled on its logger);
    without the logging module imported nothing can be, and nothing is imported to say
    so."""
    logging = sys.modules.get("logging")
    return logging is not None and logging.getLogger(LOGGER).isEnabledFor(logging.DEBUG)


def to_stderr(hooks: Iterable[str] | None = None, level: int | None = None) -> None:
    """Print ``drillsim.hooks`` lines about ``hooks`` (None: all) on stderr as
    ``hooks: …`` (one handler per process), at ``level`` (default ``logging.DEBUG``)."""
    import logging

    log = logging.getLogger(LOGGER)
    level = logging.DEBUG if level is None else level
    for handler in [h for h in log.handlers if getattr(h, "_drillsim_trace", False)]:
        log.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("hooks: %(message)s"))
    handler._drillsim_trace = True  # type: ignore[attr-defined]
    if hooks is not None:
        wanted = set(hooks)
        handler.addFilter(lambda record: getattr(record, "hook", None) in wanted)
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False


def stop_stderr() -> None:
    """Remove the handler :func:`to_stderr` added."""
    import logging

    log = logging.getLogger(LOGGER)
    for handler in [h for h in log.handlers if getattr(h, "_drillsim_trace", False)]:
        log.removeHandler(handler)


def _short(value: Any, depth: int = 0) -> str:
    """A short, stable text for a hook argument or result."""
    kind = type(value).__name__
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value) if isinstance(value, str) and depth == 0 else str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if kind == "Incident":
        return f"{value.id} {value.kind}@{value.place.id}"
    if kind == "Unit":
        return value.id
    if kind == "Place":
        return value.id
    if kind == "Event":
        return f"{value.kind}@{value.t:.1f}"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "{" + ", ".join(f"{k}: {_short(v, depth + 1)}" for k, v in items) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_short(v, depth + 1) for v in value]
        if len(items) > 8:
            items = items[:8] + [f"… {len(value)} in all"]
        return "[" + ", ".join(items) + "]"
    return kind


class HookTracer:
    """Traces the run-time hook calls of one plugin host.

    :param host: a :class:`~drillsim.host.pluginhost.PluginHost`.
    :param hooks: names of the hooks to trace (None: all).
    :param emit: ``emit(line, hook_name)`` writes a line (default: the ``drillsim.hooks``
        logger at DEBUG).

    Use :meth:`start` and :meth:`stop` (or ``with HookTracer(host):``).
    """

    def __init__(self, host, hooks: Iterable[str] | None = None,
                 emit: Callable[[str, str], None] | None = None) -> None:
        self.host = host
        self.hooks = None if hooks is None else set(hooks)
        if emit is None:
            import logging

            log = logging.getLogger(LOGGER)
            emit = lambda line, hook: log.debug("%s", line, extra={"hook": hook})
        self.emit = emit
        self._calls: list[dict] = []  # a stack: hooks call hooks (dispatch asks travel time)
        self._undo: Callable[[], None] | None = None
        self._wrapped: list[tuple[Any, Callable]] = []

    # -- switching on and off ------------------------------------------------------------
    def start(self) -> "HookTracer":
        if self._undo is not None:
            return self
        for name in self._traced_names():
            for impl in getattr(self.host.pm.hook, name).get_hookimpls():
                if impl.wrapper or impl.hookwrapper:
                    continue  # a wrapper's generator protocol is pluggy's business
                self._wrapped.append((impl, impl.function))
                impl.function = self._recording(impl.plugin_name, impl.function)
        self._undo = self.host.pm.add_hookcall_monitoring(self._before, self._after)
        return self

    def stop(self) -> None:
        if self._undo is None:
            return
        self._undo()
        self._undo = None
        for impl, function in self._wrapped:
            impl.function = function
        self._wrapped.clear()

    def __enter__(self) -> "HookTracer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _traced_names(self) -> list[str]:
        names = [n for n in dir(self.host.pm.hook) if n.startswith("drillsim_")]
        return sorted(n for n in names if self.hooks is None or n in self.hooks)

    # -- recording -------------------------------------------------------------------------
    def _recording(self, plugin: str, function: Callable) -> Callable:
        calls = self._calls

        @functools.wraps(function)
        def recorded(*args):
            frame = calls[-1] if calls else None
            if frame is not None:
                frame["asked"].append(plugin)
            result = function(*args)
            if frame is not None and result is not None and frame["answered"] is None:
                frame["answered"] = plugin
            return result

        return recorded

    def _before(self, hook_name: str, hook_impls, kwargs) -> None:
        self._calls.append({"asked": [], "answered": None})

    def _after(self, outcome, hook_name: str, hook_impls, kwargs) -> None:
        frame = self._calls.pop()
        if self.hooks is not None and hook_name not in self.hooks:
            return
        caller = getattr(self.host.pm.hook, hook_name)
        first = bool(caller.spec and caller.spec.opts.get("firstresult"))
        sim = kwargs.get("sim")
        when = f"t={sim.now:.1f}min " if sim is not None and hasattr(sim, "now") else ""
        args = ", ".join(f"{k}={_short(v)}" for k, v in kwargs.items() if k != "sim")
        asked = ", ".join(repr(p) for p in frame["asked"]) or "nobody"
        if outcome.exception is not None:
            tail = f" raised {type(outcome.exception).__name__} (asked {asked})"
        elif first:
            result = outcome.get_result()
            if frame["answered"] is None:
                tail = f" -> None: no plugin answered (asked {asked})"
            else:
                tail = f" -> {_short(result, 1)}: answered by {frame['answered']!r} (asked {asked})"
        else:
            tail = f": called {asked}"
        self.emit(f"{when}{hook_name}({args}){tail}", hook_name)
