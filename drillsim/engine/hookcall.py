"""Calling first-result hooks on the engine's hot path.

A replication asks the ``drillsim_travel_time`` and ``drillsim_choose_units`` hooks
several times per incident. pluggy's general call path (``HookCaller.__call__`` →
``_hookexec`` → ``_multicall``, with its wrapper and exception machinery) costs a few
microseconds each time, a large share of a run. When every implementation of a hook is
a plain one (no ``wrapper``/``hookwrapper``), pluggy's answer is simply: call the
implementations in its order — ``reversed(hook.get_hookimpls())``, which already puts
``tryfirst`` first and ``trylast`` last — each with the arguments it names, and stop at
the first result that is not None. :func:`first_result_caller` builds that loop once per
replication; with a wrapper present it calls through pluggy unchanged.

While pluggy's calls are monitored (``add_hookcall_monitoring``, which drillsim's hook
tracing uses), every call goes through pluggy, so tracing sees it.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable

try:  # pluggy's own call loop; a monitored manager (tracing) has replaced it
    from pluggy._callers import _multicall as _PLUGGY_LOOP
except ImportError:  # pragma: no cover - another pluggy layout: always call through pluggy
    _PLUGGY_LOOP = None


def first_result_caller(hook, argnames: tuple[str, ...], pm=None) -> Callable[..., Any]:
    """A function ``call(*args)`` giving the first non-None result of ``hook``.

    :param hook: a pluggy ``HookCaller`` of a ``firstresult`` hook.
    :param argnames: the hook's parameters, in the order ``call`` takes them.
    :param pm: the ``PluginManager``: while its calls are monitored (hook tracing,
        ``add_hookcall_monitoring``), ``call`` goes through pluggy so they are seen.
    :raises ValueError: an implementation names a parameter not in ``argnames``.
    """
    def through_pluggy(*args):
        return hook(**dict(zip(argnames, args)))

    impls = hook.get_hookimpls()
    if any(getattr(i, "hookwrapper", False) or getattr(i, "wrapper", False) for i in impls):
        return through_pluggy
    if pm is not None and (_PLUGGY_LOOP is None or pm._inner_hookexec is not _PLUGGY_LOOP):
        return through_pluggy  # traced now: stay with pluggy
    everything = tuple(range(len(argnames)))
    plan = []
    for impl in reversed(impls):
        unknown = [n for n in impl.argnames if n not in argnames]
        if unknown:
            raise ValueError(f"plugin {impl.plugin_name!r}: {hook.name} takes no "
                             f"parameter {', '.join(unknown)}")
        picks = tuple(argnames.index(n) for n in impl.argnames)
        plan.append((impl.function, None if picks == everything else picks))
    plan = tuple(plan)
    if len(plan) == 2 and plan[1][1] is None and (plan[0][1] is None or len(plan[0][1]) > 1):
        # the common shape (a plugin's answer, else drillsim's default), unrolled
        first, second = plan[0][0], plan[1][0]
        if plan[0][1] is None:
            def call_two(*args):
                if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
                    return through_pluggy(*args)  # tracing was switched on since
                result = first(*args)
                return second(*args) if result is None else result
        else:
            pick = itemgetter(*plan[0][1])  # the arguments the plugin takes (two or more)

            def call_two(*args):
                if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
                    return through_pluggy(*args)  # tracing was switched on since
                result = first(*pick(args))
                return second(*args) if result is None else result

        return call_two

    def call(*args):
        if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
            return through_pluggy(*args)  # tracing was switched on since
        for function, picks in plan:
            result = function(*args) if picks is None else function(*[args[i] for i in picks])
            if result is not None:
                return result
        return None

    return call


def answering_plugin(hook, argnames: tuple[str, ...], args: tuple) -> str | None:
    """The name of the plugin whose implementation gives ``hook``'s first non-None result
    (or raises) for ``args``, found by calling the implementations again one at a time in
    pluggy's order; None if none answers.

    Only for a message once a run has failed: the calls are made again, with whatever
    side effects they have.
    """
    kwargs = dict(zip(argnames, args))
    for impl in reversed(hook.get_hookimpls()):
        if getattr(impl, "hookwrapper", False) or getattr(impl, "wrapper", False):
            continue
        try:
            result = impl.function(*[kwargs[n] for n in impl.argnames])
        except Exception:
            return impl.plugin_name
        if result is not None:
            return impl.plugin_name
    return None
