"""Command-line options for loading plugins by module and tracing hooks.

``drillsim run``, ``validate`` and ``plugins`` take, besides ``--plugins`` and
``--disable-plugin``:

- ``--plugin-module NAME=MODULE`` (or ``NAME=FILE.py``, repeatable): load this module
  as plugin NAME, without installing it;
- ``--allow-plugin-module``: also import the modules the scenario's ``plugins:`` list
  names (``{name: …, module: …}``); without it such a scenario is refused, because
  importing a module runs its code and a scenario file is data;
- ``--trace-hooks`` (or ``DRILLSIM_TRACE_HOOKS=1``, or a comma list of hook names):
  log each hook call, and which plugin answered first-result hooks, on stderr.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import click

from . import hooktrace, plugin_modules


@dataclass
class Loading:
    """What the extra loading options asked for."""

    modules: dict[str, str] = field(default_factory=dict)
    allow_scenario_modules: bool = False
    trace: bool = False


def _parse_modules(ctx, param, values) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values or ():
        try:
            name, target = plugin_modules.parse_module_option(text)
        except plugin_modules.PluginModuleError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
        if plugin_modules.is_file_target(target):
            target = str(Path(target).resolve())
        out[name] = target
    return out


_options = [
    click.option("--plugin-module", "plugin_modules_", multiple=True, metavar="NAME=MODULE",
                 callback=_parse_modules,
                 help="Load a module (dotted path or .py file) as plugin NAME (repeatable)."),
    click.option("--allow-plugin-module", "allow_plugin_module", is_flag=True,
                 help="Import the plugin modules the scenario's plugins: list names "
                      "(refused otherwise: importing a module runs its code)."),
    click.option("--trace-hooks", "trace_hooks", is_flag=True,
                 help="Log every hook call and which plugin answered (stderr); or set "
                      "DRILLSIM_TRACE_HOOKS=1 or to hook names."),
]


def with_loading_options(fn):
    """Add the options above; the command receives them as one ``loading`` argument."""
    @functools.wraps(fn)
    def command(*args, plugin_modules_, allow_plugin_module, trace_hooks, **kwargs):
        loading = Loading(dict(plugin_modules_), allow_plugin_module, trace_hooks)
        return fn(*args, loading=loading, **kwargs)

    for option in reversed(_options):
        command = option(command)
    return command


def build_host(only: Iterable[str] | None, disabled: Iterable[str], loading: Loading | None = None,
               scenario: Path | None = None):
    """The plugin host for a command: installed plugins (limited by ``only``/``disabled``),
    the ``--plugin-module`` modules, the scenario's modules when allowed; traced when
    asked.

    :raises PluginError: a plugin cannot be loaded, or an unknown hook in
        ``DRILLSIM_TRACE_HOOKS``.
    :raises ValidationFailed: the scenario cannot be read to find its plugin modules.
    """
    from . import hookspecs
    from .pluginhost import PluginError, load_plugins

    loading = loading or Loading()
    try:
        traced = hooktrace.hooks_from_env(hookspecs.HOOK_STABILITY)
    except hooktrace.TraceError as exc:
        raise PluginError(str(exc)) from None
    if loading.trace and traced is None:
        traced = set(hookspecs.HOOK_STABILITY)
    if traced is not None:
        hooktrace.to_stderr(traced)
    modules = dict(loading.modules)
    if loading.allow_scenario_modules and scenario is not None:
        for name, target in plugin_modules.scenario_plugin_modules(scenario).items():
            modules.setdefault(name, target)
    host = load_plugins(only, disabled, modules)
    if traced is not None:
        tracer = hooktrace.HookTracer(host, traced).start()
        ctx = click.get_current_context(silent=True)
        if ctx is not None:  # the host is cached per process: trace this command only
            ctx.call_on_close(tracer.stop)
            ctx.call_on_close(hooktrace.stop_stderr)
    return host
