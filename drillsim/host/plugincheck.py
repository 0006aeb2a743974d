"""Load-time checks of a plugin against the plugin API, with messages that say the fix.

pluggy validates a hook implementation only partly, and in its own words: it calls an
implementation with the parameters it *names*; it never fills ``*args`` or
``**kwargs``; and before pluggy 1.7 it silently never passes a parameter that has a
default value (pytest-dev/pluggy#442; 1.7 passes it), so such a plugin would behave
differently with the pluggy versions drillsim accepts. :func:`hook_problems` refuses all of these before the plugin is registered,
naming the plugin, the hook, the spec's parameters and what to change;
:func:`api_version_problem` refuses a plugin written for a plugin API this drillsim
does not provide.
"""

from __future__ import annotations

import functools
import inspect
from types import ModuleType
from typing import Any

import pluggy

from drillsim.host import hookspecs

#: Module attribute in which a plugin may state the plugin API version it was written for.
API_ATTRIBUTE = "DRILLSIM_API"

#: the attribute ``drillsim.api.only_for_unit_types`` sets on an implementation's function
UNIT_TYPES_MARK = "drillsim_only_for_unit_types"

#: the hooks whose implementations ``only_for_unit_types`` leaves out of a run with no
#: force of the marked unit types (:func:`drillsim.engine.hookcall.hook_for_run`); on any
#: other hook the mark would do nothing, so it is refused
UNIT_TYPE_HOOKS = ("drillsim_choose_units", "drillsim_filter_candidates",
                   "drillsim_travel_restriction", "drillsim_travel_time")


def spec_parameters(hook_name: str) -> list[str]:
    """The parameter names of a hook spec, in order (``[]`` for an unknown hook)."""
    return list(_spec_parameters(hook_name))


@functools.lru_cache(maxsize=None)  # the specs do not change: asked once per implementation
def _spec_parameters(hook_name: str) -> tuple[str, ...]:
    spec = getattr(hookspecs, hook_name, None)
    if spec is None or not callable(spec):
        return ()
    return tuple(inspect.signature(spec).parameters)


def hook_problems(pm: pluggy.PluginManager, plugin: Any, name: str) -> list[str]:
    """Every rule of the plugin API the hook implementations of ``plugin`` break.

    :param pm: the plugin manager whose specs apply (it is not changed).
    :param plugin: a module or object with ``@hookimpl`` functions.
    :param name: the plugin's name, for the messages.
    :return: one message per problem (empty if none), each naming plugin, hook, the
        spec's parameters and the fix. Unknown hook names are left to the host, which
        suggests the nearest known name.
    """
    problems = []
    for attr in sorted(dir(plugin)):
        if not attr.startswith("drillsim_"):
            continue
        if pm.parse_hookimpl_opts(plugin, attr) is None:
            continue  # not marked with @hookimpl: not a hook implementation
        params = _spec_parameters(attr)
        if not params:
            continue  # unknown hook: reported with a "did you mean" by the host
        function = getattr(plugin, attr)
        if attr not in UNIT_TYPE_HOOKS and getattr(function, UNIT_TYPES_MARK, None) is not None:
            problems.append(f"plugin {name!r}, hook {attr}: it is marked @only_for_unit_types, "
                            f"which leaves an implementation out of a run only on "
                            f"{', '.join(UNIT_TYPE_HOOKS)}; on {attr} it would change "
                            "nothing: remove the mark (or test the unit in the hook)")
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):  # pragma: no cover
            continue
        if all(p.kind is p.POSITIONAL_OR_KEYWORD and p.name in params and p.default is p.empty
               for p in signature.parameters.values()):
            continue  # the usual: nothing to say (the messages below are built only when needed)
        shown = f"({', '.join(params)})"
        where = f"plugin {name!r}, hook {attr}: {function.__name__}{signature}"
        for p in signature.parameters.values():
            if p.kind is p.VAR_POSITIONAL or p.kind is p.VAR_KEYWORD:
                problems.append(f"{where}: takes {'*' if p.kind is p.VAR_POSITIONAL else '**'}"
                                f"{p.name}, which pluggy never fills; name the parameters you "
                                f"need from {shown} instead")
            elif p.kind is p.KEYWORD_ONLY:
                problems.append(f"{where}: parameter {p.name!r} is keyword-only, and pluggy "
                                f"never passes keyword-only parameters; make it an ordinary "
                                f"parameter (drop the '*' before it)")
            elif p.name not in params:
                problems.append(f"{where}: parameter {p.name!r} is not a parameter of the "
                                f"hook, which has {shown}; rename it or remove it (accept "
                                f"any subset of these names, in any order)")
            elif p.default is not p.empty:
                problems.append(f"{where}: parameter {p.name!r} has a default value "
                                f"({p.default!r}); pluggy before 1.7 never passes a parameter "
                                f"that has a default, so there it would always be "
                                f"{p.default!r}. Remove the default")
    return problems


def unit_type_mark_problems(pm: pluggy.PluginManager, unit_types, name: str) -> list[str]:
    """Every unit type named by an ``@only_for_unit_types`` mark of ``name``'s hook
    implementations that no loaded plugin registers: such an implementation would never
    be called (a misspelt type silently switches the hook off).

    :param pm: the plugin manager, plugins registered.
    :param unit_types: the unit type names registered (a container of text).
    :param name: the plugin whose implementations are checked.
    :return: one message per implementation naming the plugin, the hook, the unknown
        names (with "did you mean") and the fix; empty if none.
    """
    from drillsim.scenario.validation import suggest  # (only for a message)

    plugin = pm.get_plugin(name)
    problems = []
    for hook in UNIT_TYPE_HOOKS:
        function = getattr(plugin, hook, None)
        marked = getattr(function, UNIT_TYPES_MARK, None)
        if marked is None or pm.parse_hookimpl_opts(plugin, hook) is None:
            continue
        unknown = sorted(n for n in marked if n not in unit_types)
        if unknown:
            hints = "".join(suggest(n, sorted(unit_types)) for n in unknown[:1])
            problems.append(
                f"plugin {name!r}, hook {hook}: @only_for_unit_types names "
                f"{', '.join(map(repr, unknown))}, which no loaded plugin registers as a unit "
                f"type, so it would never be called for it{hints or '; name a unit type'} "
                "(`drillsim plugins` lists them)")
    return problems
def _parse_version(text: str) -> tuple[int, int] | None:
    parts = str(text).strip().split(".")
    if len(parts) not in (1, 2) or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]) if len(parts) == 2 else 0


def api_version_problem(module: ModuleType | Any, name: str, provided: str) -> str | None:
    """Why drillsim cannot run a plugin written for the API version it states, or None.

    A plugin states the version in ``DRILLSIM_API = "MAJOR.MINOR"`` (optional). It can
    run when its major version equals this drillsim's and its minor version is not
    newer (see :data:`drillsim.api.API_VERSION`).
    """
    wanted = getattr(module, API_ATTRIBUTE, None)
    if wanted is None:
        return None
    have = _parse_version(provided)
    if not isinstance(wanted, str):  # 1.10 as a number is 1.1: a version is text
        return (f"plugin {name!r}: {API_ATTRIBUTE} = {wanted!r} is not a version "
                f"string; write it in quotes, e.g. {API_ATTRIBUTE} = \"{provided}\"")
    want = _parse_version(wanted)
    if want is None:
        return (f"plugin {name!r}: {API_ATTRIBUTE} = {wanted!r} is not a version; write "
                f"e.g. {API_ATTRIBUTE} = \"{provided}\"")
    if want[0] != have[0] or want > have:
        newer = want > have
        fix = ("upgrade drillsim (pip install -U drillsim)" if newer else
               f"install a release of the plugin written for API {have[0]}.x")
        return (f"plugin {name!r} was written for drillsim plugin API {wanted}, but this "
                f"drillsim provides API {provided}; {fix}, or disable the plugin with "
                f"--disable-plugin {name}")
    return None
