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
:func:`all_results_caller` does the same for a hook that collects every answer
(``drillsim_travel_restriction``, asked on each trip once a hazard restricts travel):
pluggy's answer there is the list of the results that are not None, in the same order.

While pluggy's calls are monitored (``add_hookcall_monitoring``, which drillsim's hook
tracing uses), every call goes through pluggy, so tracing sees it.

An implementation marked with :func:`only_for_unit_types` (the aviation plugin's travel
time and daylight filter: helicopters only) is left out of a run with no force of those
unit types: :func:`hook_for_run` gives the hook without it (pluggy's
``subset_hook_caller``), which the callers above are then built from.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable

from drillsim.host.plugincheck import UNIT_TYPES_MARK  # the attribute only_for_unit_types sets

try:  # pluggy's own call loop; a monitored manager (tracing) has replaced it
    from pluggy._callers import _multicall as _PLUGGY_LOOP
except ImportError:  # pragma: no cover - another pluggy layout: always call through pluggy
    _PLUGGY_LOOP = None
#: pluggy's call loop: a manager whose ``_inner_hookexec`` is something else is traced
PLUGGY_LOOP = _PLUGGY_LOOP


def only_for_unit_types(*names: str) -> Callable[[Callable], Callable]:
    """Mark a hook implementation whose answer has no effect (None) in a run with no force
    of any of the unit types ``names``: such a run leaves it uncalled on the engine's hot
    path (``drillsim_travel_time``, ``drillsim_choose_units``,
    ``drillsim_filter_candidates``, ``drillsim_travel_restriction``). Above or below
    ``@hookimpl``::

        @hookimpl
        @only_for_unit_types("helicopter")
        def drillsim_travel_time(sim, unit, origin, destination): ...

    :param names: unit type names (``UnitType.name``), one or more.
    :returns: the decorator; it returns the function itself, marked.
    :raises ValueError: no name, or a name that is not text.
    """
    if not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"only_for_unit_types{names!r}: give one or more unit type names (text)")

    def mark(function: Callable) -> Callable:
        setattr(function, UNIT_TYPES_MARK, frozenset(names))
        return function

    return mark


def hook_for_run(pm, name: str, unit_types: frozenset[str] | set[str]):
    """The hook ``name`` of ``pm`` for a run whose forces are of ``unit_types``: the hook
    itself, or, when some implementation is marked :func:`only_for_unit_types` with none
    of them, pluggy's ``subset_hook_caller`` without those plugins (a plugin has one
    implementation of a hook: the others are called as before, in the same order)."""
    hook = getattr(pm.hook, name)
    idle = []
    for impl in hook.get_hookimpls():
        marked = getattr(impl.function, UNIT_TYPES_MARK, None)
        if marked is not None and not marked & unit_types:
            idle.append(impl.plugin)
    return pm.subset_hook_caller(name, idle) if idle else hook


def first_result_caller(hook, argnames: tuple[str, ...], pm=None) -> Callable[..., Any]:
    """A function ``call(*args)`` giving the first non-None result of ``hook``.

    :param hook: a pluggy ``HookCaller`` of a ``firstresult`` hook.
    :param argnames: the hook's parameters, in the order ``call`` takes them.
    :param pm: the ``PluginManager``: while its calls are monitored (hook tracing,
        ``add_hookcall_monitoring``), ``call`` goes through pluggy so they are seen.
    :raises ValueError: an implementation names a parameter not in ``argnames``.
    """
    through_pluggy = _through_pluggy(hook, argnames)
    plan = _plan(hook, argnames, pm)
    if plan is None:
        return through_pluggy
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

    if len(plan) == 1 and plan[0][1] is None:
        only = plan[0][0]  # one implementation taking every argument: its answer

        def call_one(*args):
            if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
                return through_pluggy(*args)  # tracing was switched on since
            return only(*args)

        call_one.only = only  # for a caller that checks the tracing itself (PLUGGY_LOOP)
        return call_one

    def call(*args):
        if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
            return through_pluggy(*args)  # tracing was switched on since
        for function, picks in plan:
            result = function(*args) if picks is None else function(*[args[i] for i in picks])
            if result is not None:
                return result
        return None

    return call


def all_results_caller(hook, argnames: tuple[str, ...], pm=None) -> Callable[..., list]:
    """A function ``call(*args)`` giving what calling ``hook`` through pluggy gives: the
    list of its implementations' results that are not None, in pluggy's order.

    :param hook: a pluggy ``HookCaller`` of a hook that is not ``firstresult``.
    :param argnames: the hook's parameters, in the order ``call`` takes them.
    :param pm: the ``PluginManager``: while its calls are monitored (hook tracing),
        ``call`` goes through pluggy so they are seen.
    :raises ValueError: an implementation names a parameter not in ``argnames``.
    """
    through_pluggy = _through_pluggy(hook, argnames)
    plan = _plan(hook, argnames, pm)
    if plan is None:
        return through_pluggy
    if not plan:
        def call_none(*args):
            if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
                return through_pluggy(*args)  # tracing was switched on since
            return []

        return call_none
    functions = tuple(function for function, _ in plan)
    if all(picks is None for _, picks in plan):  # each takes every argument (the usual)
        def call_all(*args):
            if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
                return through_pluggy(*args)  # tracing was switched on since
            results = []
            for function in functions:
                result = function(*args)
                if result is not None:
                    results.append(result)
            return results

        return call_all

    def call(*args):
        if pm is not None and pm._inner_hookexec is not _PLUGGY_LOOP:
            return through_pluggy(*args)  # tracing was switched on since
        results = []
        for function, picks in plan:
            result = function(*args) if picks is None else function(*[args[i] for i in picks])
            if result is not None:
                results.append(result)
        return results

    return call


def _through_pluggy(hook, argnames: tuple[str, ...]) -> Callable[..., Any]:
    """``call(*args)`` calling ``hook`` through pluggy, the arguments named by ``argnames``."""
    def through_pluggy(*args):
        return hook(**dict(zip(argnames, args)))

    return through_pluggy


def _plan(hook, argnames: tuple[str, ...], pm) -> tuple | None:
    """``hook``'s implementations in pluggy's calling order, each as (function, the
    indices in ``argnames`` of the arguments it takes, or None for all of them in
    order); None when the calls must go through pluggy (a wrapper implementation, or
    pluggy's calls monitored now, or a pluggy whose call loop is not known here).

    :raises ValueError: an implementation names a parameter not in ``argnames``.
    """
    impls = hook.get_hookimpls()
    if any(getattr(i, "hookwrapper", False) or getattr(i, "wrapper", False) for i in impls):
        return None
    if pm is not None and (_PLUGGY_LOOP is None or pm._inner_hookexec is not _PLUGGY_LOOP):
        return None  # traced now: stay with pluggy
    everything = tuple(range(len(argnames)))
    plan = []
    for impl in reversed(impls):
        unknown = [n for n in impl.argnames if n not in argnames]
        if unknown:
            raise ValueError(f"plugin {impl.plugin_name!r}: {hook.name} takes no "
                             f"parameter {', '.join(unknown)}")
        picks = tuple(argnames.index(n) for n in impl.argnames)
        plan.append((impl.function, None if picks == everything else picks))
    return tuple(plan)


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
