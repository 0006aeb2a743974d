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

Not seen by the direct loop: pluggy's call tracing and monitoring
(``PluginManager.enable_tracing`` / ``add_hookcall_monitoring``).
"""

from __future__ import annotations

from typing import Any, Callable


def first_result_caller(hook, argnames: tuple[str, ...]) -> Callable[..., Any]:
    """A function ``call(*args)`` giving the first non-None result of ``hook``.

    :param hook: a pluggy ``HookCaller`` of a ``firstresult`` hook.
    :param argnames: the hook's parameters, in the order ``call`` takes them.
    :raises ValueError: an implementation names a parameter not in ``argnames``.
    """
    impls = hook.get_hookimpls()
    if any(getattr(i, "hookwrapper", False) or getattr(i, "wrapper", False) for i in impls):
        def through_pluggy(*args):
            return hook(**dict(zip(argnames, args)))
        return through_pluggy
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
    if len(plan) == 2 and plan[0][1] is None and plan[1][1] is None:
        first, second = plan[0][0], plan[1][0]

        def call_two(*args):  # the usual case: a plugin's answer, else the host default
            result = first(*args)
            return second(*args) if result is None else result
        return call_two
    if len(plan) == 1 and plan[0][1] is None:
        return plan[0][0]

    def call(*args):
        for function, picks in plan:
            result = function(*args) if picks is None else function(*[args[i] for i in picks])
            if result is not None:
                return result
        return None

    return call
