"""Finding, loading and checking plugins.

Plugins are Python modules advertised in the ``drillsim`` entry-point group; drillsim's
own forces and hazards are found the same way. Loading is idempotent (one entry point
seen twice registers once), can be limited to named plugins (``DRILLSIM_PLUGINS`` or
``--plugins``), and checks every hook implementation against the specs before any run.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import sys
from importlib import metadata
from types import ModuleType
from typing import Any, Callable, Iterable

import pluggy

from drillsim import __version__
from drillsim.errors import PASSES_THROUGH
from drillsim.host import hookspecs, plugin_modules, plugincheck
from drillsim.host.registry import (Calculator, Deferred, HazardType, Metric, RegistrationError, Registry,
                                    UnitType, check_params_model)

ENTRY_POINT_GROUP = "drillsim"
#: Comma-separated plugin names: load only these (the host's defaults always load).
ENV_ONLY = "DRILLSIM_PLUGINS"
#: The host's own plugin (default dispatch, road travel, the core metrics), imported by
#: module name like every plugin: it uses the engine and scoring, which sit above the host.
DEFAULTS_NAME = "drillsim.defaults"


def _trace(message: str, *args: Any, hook: str) -> None:
    """A ``drillsim.hooks`` debug line (drillsim.host.hooktrace prints them when asked).
    Without the logging module imported no handler can be listening: nothing to do, and
    nothing imported for it."""
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.getLogger("drillsim.hooks").debug(message, *args, extra={"hook": hook})


class PluginError(Exception):
    """A plugin could not be loaded or broke a rule of the plugin API (load time)."""


def call_registration(impl, hook: str, register: Callable[[Any], None]) -> None:
    """Call one plugin's registration hook (``impl``, a pluggy hook implementation of
    ``hook``) with ``register``.

    :raises PluginError: what ``register`` raised, or the hook's own failure, named with
        the plugin and the hook; also a hook that returns something (``return [MY_TYPE]``,
        or ``yield MY_TYPE``, as other plugin systems' hooks do): drillsim reads only what
        is handed to ``register``, so what it returned would be lost without a word."""
    try:
        returned = impl.function(register=register)
    except (PluginError, *PASSES_THROUGH):
        raise
    except BaseException as exc:  # sys.exit() in a plugin too
        raise PluginError(f"plugin {impl.plugin_name!r} failed in {hook}: "
                          f"{type(exc).__name__}: {exc}") from exc
    if returned is not None:
        shown = _brief(returned)
        raise PluginError(f"plugin {impl.plugin_name!r}, hook {hook}: it returned {shown}, "
                          "which drillsim does not read; a registration hook returns nothing "
                          "and hands each item to register: register(ITEM) once per item")


def _brief(value: Any) -> str:
    """A registration hook's answer in a few words: records by kind and name
    (``[UnitType('drone_team')]``), anything else by its repr, cut at 120 characters."""
    def one(item: Any) -> str:
        name = getattr(item, "name", None)
        return f"{type(item).__name__}({name!r})" if isinstance(name, str) else repr(item)

    if isinstance(value, (list, tuple)):
        items = [one(item) for item in value[:3]] + (["…"] if len(value) > 3 else [])
        shown = "[" + ", ".join(items) + "]"
    else:
        shown = one(value)
    return shown if len(shown) <= 120 else shown[:119] + "…"


class PluginInfo:
    """What ``drillsim plugins`` shows for one plugin.

    :ivar distribution: the distribution that installed it (``"?"`` if not known);
        for an entry-point plugin read from the package's metadata when first asked
        (reading it for all 17 plugins at every start-up took about 25 ms, and a run
        asks only for the plugins its scenario uses).
    :ivar version: its version, read likewise.
    """

    __slots__ = ("name", "module", "_origin", "_entry_point", "hooks", "provides")

    def __init__(self, name: str, module: str, distribution: str | None = None,
                 version: str | None = None, hooks: list[str] | None = None,
                 provides: list[str] | None = None, *,
                 entry_point: metadata.EntryPoint | None = None) -> None:
        self.name = name
        self.module = module
        self._origin = None if entry_point is not None else (distribution or "?", version or "?")
        self._entry_point = entry_point
        self.hooks = [] if hooks is None else hooks
        self.provides = [] if provides is None else provides

    def _read_origin(self) -> tuple[str, str]:
        if self._origin is None:
            self._origin = _dist_of(self._entry_point)
        return self._origin

    @property
    def distribution(self) -> str:
        return self._read_origin()[0]

    @property
    def version(self) -> str:
        return self._read_origin()[1]

    def __repr__(self) -> str:
        return (f"PluginInfo(name={self.name!r}, module={self.module!r}, "
                f"distribution={self.distribution!r}, version={self.version!r}, "
                f"hooks={self.hooks!r}, provides={self.provides!r})")


def _entry_points() -> list[metadata.EntryPoint]:
    """The installed plugins' entry points (group ``drillsim``), sorted by name and value.

    Read in one pass over the installed distributions (about 17 ms), once per host.
    The same pass tells whether any distribution advertises a pydantic plugin (group
    ``pydantic``): when none does, pydantic is told so (:func:`_no_pydantic_plugins`)
    instead of reading every distribution's entry points again when it builds its first
    validator.
    """
    everything = metadata.entry_points()
    if not everything.select(group="pydantic"):
        _no_pydantic_plugins()
    return sorted(everything.select(group=ENTRY_POINT_GROUP), key=lambda ep: (ep.name, ep.value))


def misplaced_hint(name: str) -> str:
    """Why plugin ``name``, not found in the entry-point group ``drillsim``, may still be
    installed: ``"; the distribution drillsim-x 0.1.0 declares it in the entry-point group
    'drilsim', …"`` when a distribution declares an entry point of that name in a group
    whose name is close to ``drillsim`` (a misspelt ``[project.entry-points.drilsim]``),
    else ``""``. Read only when a plugin is missing (one more pass over the installed
    distributions' entry points)."""
    import difflib

    for ep in metadata.entry_points().select(name=name):
        group = ep.group
        if group == ENTRY_POINT_GROUP:
            continue
        close = ENTRY_POINT_GROUP in group.lower() or \
            difflib.SequenceMatcher(None, group.lower(), ENTRY_POINT_GROUP).ratio() >= 0.75
        if close:
            dist = _from_package(ep).removeprefix(" from ")
            return (f"; {'the distribution ' + dist if dist else 'a distribution'} declares it in "
                    f"the entry-point group {group!r}, which drillsim does not read: name the group "
                    f"{ENTRY_POINT_GROUP!r} ([project.entry-points.{ENTRY_POINT_GROUP}] in its "
                    "pyproject.toml) and pip install it again")
    return ""


def _no_pydantic_plugins() -> None:
    """Tell pydantic that no pydantic plugin is installed, as its loader would find
    (``pydantic.plugin._loader.get_plugins`` scans every distribution's entry points
    for the group ``pydantic`` once per process, about 17 ms): its cache of plugins set
    to the empty one it would build. Nothing is done where that cache is not found or
    already filled (another pydantic)."""
    try:
        from pydantic.plugin import _loader
    except ImportError:  # pragma: no cover - another pydantic layout
        return
    if getattr(_loader, "_plugins", False) is None and not getattr(_loader, "_loading_plugins", True):
        _loader._plugins = {}


def _dist_of(ep: metadata.EntryPoint) -> tuple[str, str]:
    """(distribution name, version) of the package advertising ``ep``, ("?", "?") if not
    known."""
    dist = getattr(ep, "dist", None)
    if dist is None:
        return ("?", "?")
    # as dist.metadata["Name"] and dist.version say, from the metadata's headers only:
    # dist.metadata parses the whole file with the email parser, README included (the
    # long description), each time it is asked: 0.1 s of every start-up for 17 plugins
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    return _name_version(text.split("\n\n", 1)[0])


def _from_package(ep: metadata.EntryPoint) -> str:
    """``" from pkg 1.0"``, the package advertising ``ep``, for messages; "" when it is
    not known."""
    name, version = _dist_of(ep)
    return "" if (name, version) == ("?", "?") else f" from {name} {version}"


@functools.lru_cache(maxsize=64)
def _name_version(headers: str) -> tuple[str, str]:
    from email.parser import HeaderParser

    message = HeaderParser().parsestr(headers + "\n")
    return (message.get("Name", "?"), message.get("Version", "?"))


class PluginHost:
    """A pluggy manager with drillsim's hook specs, defaults and loaded plugins.

    :param only: names of the entry-point plugins to load (None: all installed, or the
        names in ``$DRILLSIM_PLUGINS`` when set).
    :param disabled: names never to load.
    :param modules: extra plugins named by module, ``{name: "package.module"}`` or
        ``{name: "path/to/file.py"}`` (``--plugin-module``; a scenario's ``plugins:``
        entries when allowed; see :mod:`drillsim.host.plugin_modules`).
    :raises PluginError: a plugin that fails to import, a name given by two different
        distributions, unknown hook names, bad registrations.
    """

    #: the name the host's own plugin is registered under (:data:`DEFAULTS_NAME`)
    DEFAULTS_NAME = DEFAULTS_NAME

    def __init__(self, only: Iterable[str] | None = None, disabled: Iterable[str] = (),
                 modules: dict[str, str] | None = None) -> None:
        if only is None:
            only = only_from_env()
        self.only = None if only is None else sorted(set(only))
        self.disabled = set(disabled)
        self.pm = pluggy.PluginManager("drillsim")
        self.pm.add_hookspecs(hookspecs)
        self.info: dict[str, PluginInfo] = {}
        #: the plugins named by module, as registered: ``{name: dotted path or .py file}``
        #: (what a batch sends its workers, :mod:`drillsim.batch.worker`)
        self.modules: dict[str, str] = {}
        #: what loading found doubtful but not wrong (printed by the command line)
        self.warnings: list[str] = []
        self._register(importlib.import_module(DEFAULTS_NAME), DEFAULTS_NAME, "drillsim", __version__)
        self._load_entry_points()
        for name, module_path in sorted((modules or {}).items()):
            self._register_module(name, module_path)
        self._check_hooks()
        self.unit_types = Registry("unit type", kind=UnitType, error=PluginError)
        self.hazard_types = Registry("hazard type", kind=HazardType, error=PluginError)
        self.metrics = Registry("metric", kind=Metric, error=PluginError)
        self.calculators = Registry("calculator", kind=Calculator, error=PluginError)
        self._collect()
        self._check_unit_type_marks()

    # -- loading ---------------------------------------------------------------------------
    def _load_entry_points(self) -> None:
        seen: dict[str, metadata.EntryPoint] = {}
        installed = _entry_points()
        #: every installed plugin's name, loaded or left out (a scenario needing one left
        #: out is told why)
        self.installed = frozenset(ep.name for ep in installed)
        for ep in installed:
            if ep.name in self.disabled or (self.only is not None and ep.name not in self.only):
                continue
            if ep.name in seen:
                if seen[ep.name].value == ep.value:
                    continue  # the same plugin found twice (e.g. two paths): register once
                raise PluginError(f"two different plugins are named {ep.name!r}: "
                                  f"{seen[ep.name].value}{_from_package(seen[ep.name])} and "
                                  f"{ep.value}{_from_package(ep)}; "
                                  "uninstall one or disable it with --disable-plugin")
            seen[ep.name] = ep
        unknown = sorted(self.disabled - {ep.name for ep in installed})
        if unknown:
            raise PluginError(f"--disable-plugin: no installed plugin is named {', '.join(unknown)} "
                              f"(the host's own defaults cannot be disabled)")
        missing = sorted(set(self.only or ()) - set(seen) - self.disabled)
        if missing:
            known = sorted({ep.name for ep in installed})
            raise PluginError(f"plugin(s) not installed: {', '.join(missing)}; installed: "
                              f"{', '.join(known) or 'none'}" + "".join(map(misplaced_hint, missing)))
        for name, ep in seen.items():
            try:
                module = ep.load()
            except PASSES_THROUGH:
                raise
            except BaseException as exc:  # sys.exit() at import too
                origin = _from_package(ep)
                raise PluginError(f"plugin {name!r} ({ep.value}{',' + origin if origin else ''}) "
                                  f"failed to import: {type(exc).__name__}: {exc}; fix the "
                                  f"package (its entry point in the drillsim group names the "
                                  f"module), or leave it out: --disable-plugin {name}") from exc
            self._register(module, name, entry_point=ep)

    def _register_module(self, name: str, target: str) -> None:
        """Register a plugin named by module (``--plugin-module``, a scenario's
        ``plugins:`` entry): once, unless disabled; a different plugin already loaded
        under the name is an error naming both."""
        if name in self.disabled:
            return
        wanted = plugin_modules.module_name_for(name, target)
        have = self.info.get(name)
        if have is not None:
            if have.module == wanted:
                return  # the same plugin named twice: register once
            raise PluginError(f"two different plugins are named {name!r}: {have.module} from "
                              f"{have.distribution} {have.version} and {target} (named by module); "
                              f"rename one, or disable the installed one with --disable-plugin {name}")
        self._register(_import(name, target), name, "(module)", target)  # "version": where it came from
        self.modules[name] = target

    def _register(self, module: ModuleType, name: str, dist: str | None = None,
                  version: str | None = None, entry_point: metadata.EntryPoint | None = None) -> None:
        if self.pm.get_plugin(name) is not None or self.pm.is_registered(module):
            return
        _refuse_rule_breakers(self.pm, module, name)
        try:
            self.pm.register(module, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {name!r}: {exc}; check the hook's parameters against "
                              "drillsim.host.hookspecs") from exc
        self.info[name] = PluginInfo(name, module.__name__, dist, version, entry_point=entry_point)

    def _check_hooks(self) -> None:
        specs = {n for n in dir(hookspecs) if n.startswith("drillsim_")}
        for name, plugin in self.pm.list_name_plugin():
            for attr in dir(plugin):
                if attr in specs or attr.startswith("_"):
                    continue
                if attr.startswith("drillsim_"):
                    unknown = callable(getattr(plugin, attr))
                elif name in self.info and self.builtin(name):
                    continue  # drillsim's own: pluggy's check_pending below is enough
                else:  # marked @hookimpl, but not named like any hook ("choose_units")
                    opts = self.pm.parse_hookimpl_opts(plugin, attr)
                    unknown = opts is not None and not opts.get("optionalhook")
                if unknown:
                    from drillsim.scenario.validation import suggest

                    raise PluginError(f"plugin {name!r} implements unknown hook {attr!r}"
                                      f"{suggest(attr, sorted(specs))} (see drillsim.host.hookspecs)")
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {exc.plugin_name if hasattr(exc, 'plugin_name') else '?'}: "
                              f"{exc}") from exc
        for hook_name in specs:
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                self.info[impl.plugin_name].hooks.append(hook_name)
        # a plugin named by module that implements no hook does nothing (``os`` for a
        # mistyped module path imports fine): say so rather than load it without a word
        for name, target in self.modules.items():
            plugin = self.pm.get_plugin(name)
            if name in self.info and not self.info[name].hooks and not any(
                    callable(getattr(plugin, attr, None)) for attr in specs):  # (said below)
                self.warnings.append(
                    f"plugin {name!r} (module {target}) implements no drillsim hook, so it "
                    "does nothing; check the module path (its hooks are functions marked "
                    "@hookimpl, from drillsim.api)")
        # likewise an installed plugin whose entry point names something that holds no
        # hook: a function or class (`x = "pkg:drillsim_register_unit_types"`), a submodule
        for name, info in self.info.items():
            ep = info._entry_point
            plugin = self.pm.get_plugin(name)
            if ep is None or info.hooks or any(callable(getattr(plugin, attr, None)) for attr in specs):
                continue
            what = "" if inspect.ismodule(plugin) else f" names a {type(plugin).__name__}, not a module, and"
            self.warnings.append(
                f"plugin {name!r} (entry point {name} = \"{ep.value}\"{_from_package(ep)}){what} "
                "implements no drillsim hook, so it does nothing; an entry point names the "
                f"module that holds the hooks ({name} = \"{ep.value.split(':')[0]}\", if that "
                "is the module)")
        # a hook function without @hookimpl is silently never called by pluggy: say so
        for name, plugin in self.pm.list_name_plugin():
            for attr in sorted(specs):
                value = getattr(plugin, attr, None)
                if name in self.info and value is not None and attr not in self.info[name].hooks \
                        and not inspect.isroutine(value):
                    # a class marked @hookimpl (pluggy takes only functions) was said to be
                    # marked by "the pluggy project 'drillsim', not of 'drillsim'"; a value
                    # (drillsim_run_started = 5) was passed over without a word
                    kind = "class" if isinstance(value, type) else type(value).__name__
                    self.warnings.append(
                        f"plugin {name!r}: {attr} is {'an' if kind[0] in 'aeiou' else 'a'} {kind}, not a function, so it is never "
                        f"called; a hook is a function (def {attr}(…)) marked @hookimpl, from "
                        "drillsim.api")
                    continue
                if name in self.info and callable(value) and attr not in self.info[name].hooks:
                    # a marker of another pluggy project (HookimplMarker("drilsim")) sets
                    # "<project>_impl" on the function: pluggy looks for "drillsim_impl"
                    others = sorted(key[:-len("_impl")] for key in getattr(getattr(plugin, attr), "__dict__", {})
                                    if key.endswith("_impl"))
                    self.warnings.append(
                        f"plugin {name!r}: {attr} " + (
                            f"is marked by a hookimpl of the pluggy project {others[0]!r} "
                            "(pluggy.HookimplMarker), not of 'drillsim', so it is never called; "
                            "import hookimpl from drillsim.api" if others else
                            "has no @hookimpl marker, so it is never called; put @hookimpl "
                            "(from drillsim.api) above it"))

    def _collect(self) -> None:
        for hook, registry, kind, check in (
            ("drillsim_register_unit_types", self.unit_types, UnitType, "check_self"),
            ("drillsim_register_hazard_types", self.hazard_types, HazardType, "check_self"),
            ("drillsim_register_metrics", self.metrics, Metric, "check_self"),
            ("drillsim_register_calculators", self.calculators, Calculator, "check_self"),
        ):
            for impl in getattr(self.pm.hook, hook).get_hookimpls():  # registration order
                plugin = impl.plugin_name

                def register(item, _plugin=plugin, _registry=registry, _kind=kind, _check=check):
                    # a Deferred: its record is imported and checked when first asked for
                    if not isinstance(item, (_kind, Deferred)):
                        raise PluginError(f"plugin {_plugin!r} registered {item!r} through "
                                          f"{hook}; expected a drillsim.api.{_kind.__name__} "
                                          "(or a drillsim.api.Deferred naming one)")
                    try:
                        getattr(item, _check)()
                        if not isinstance(item, Deferred) and not self.builtin(_plugin):
                            check_params_model(item, _registry.what)
                        _registry.add(item, _plugin)
                    except RegistrationError as exc:
                        # a name clash with a built-in plugin is the other plugin's to fix,
                        # whichever registered first
                        other = _registry.providers.get(getattr(item, "name", None))
                        blamed = (other if other not in (None, _plugin) and self.builtin(_plugin)
                                  and not self.builtin(other) else _plugin)
                        raise PluginError(f"plugin {blamed!r}, hook {hook}: {exc}") from exc
                    self.info[_plugin].provides.append(f"{registry.what}: {item.name}")
                    _trace("%s <- %r registered %s %r", hook, _plugin, registry.what, item.name,
                           hook=hook)

                call_registration(impl, hook, register)

    def _check_unit_type_marks(self) -> None:
        """Refuse an ``@only_for_unit_types`` mark naming a unit type no loaded plugin
        registers (a misspelt name would leave the hook uncalled in every run). With
        installed plugins left out (``--plugins``, ``--disable-plugin``,
        ``$DRILLSIM_PLUGINS``) the type may be one of theirs: a warning then.

        :raises PluginError: one line per marked implementation naming unknown types.
        """
        problems = [p for name in self.info
                    for p in plugincheck.unit_type_mark_problems(self.pm, set(self.unit_types.items), name)]
        if not problems:
            return
        left_out = sorted(self.installed - set(self.info))
        if not left_out:
            raise PluginError("\n".join(problems))
        self.warnings.extend(f"{p} (or a unit type of a plugin left out: {', '.join(left_out)})"
                             for p in problems)

    def builtin(self, plugin: str) -> bool:
        """Whether ``plugin`` is drillsim's own: its params models and metrics are checked
        by drillsim's tests (``tests/test_plugin_mistakes.py``), a third-party plugin's at
        load time and as its metrics answer."""
        module = self.info[plugin].module
        return module == DEFAULTS_NAME or module.startswith("drillsim_plugins")

    @staticmethod
    def misplaced_hint(name: str) -> str:
        """:func:`misplaced_hint`: where a plugin not found may be declared instead."""
        return misplaced_hint(name)

    def left_out_provider(self, registry: str, name: str) -> str | None:
        """The installed plugin that registers ``name`` in ``registry`` (``"unit_types"``,
        ``"hazard_types"``, ``"metrics"``) and that this host's selection (``--plugins``,
        ``$DRILLSIM_PLUGINS``, ``--disable-plugin``) leaves out; None when there is none,
        or nothing was left out. Read only when a scenario names something no loaded
        plugin provides: it loads every installed plugin once more (once per process),
        and an installed plugin that cannot load makes the answer None.
        """
        if self.only is None and not self.disabled:
            return None
        key = (None, (), ())  # every installed plugin, as load_plugins() with nothing narrowed
        every = _HOSTS.get(key)
        if every is None:
            try:
                every = _HOSTS[key] = PluginHost(None, (), None)
            except Exception:  # noqa: BLE001 (a broken installed plugin: only a hint is lost)
                return None
        records = getattr(every, registry)
        if name not in records:
            return None
        provider = records.providers[name]
        return None if provider in self.info else provider

    # -- use ---------------------------------------------------------------------------------
    @property
    def hook(self):
        """pluggy's hook relay (``host.hook.drillsim_choose_units(...)``)."""
        return self.pm.hook

    def blame(self, exc: BaseException) -> str | None:
        """The plugin whose code raised ``exc``: the innermost traceback frame that is a
        hook implementation or lies in a plugin's module (None if no plugin code ran)."""
        codes = {}
        for hook_name in dir(self.pm.hook):
            hook = getattr(self.pm.hook, hook_name)
            if hook_name.startswith("drillsim_") and hasattr(hook, "get_hookimpls"):
                for impl in hook.get_hookimpls():
                    # unwrap: a hook tracer may have wrapped the function (drillsim.host.hooktrace)
                    codes[inspect.unwrap(impl.function).__code__] = impl.plugin_name
        modules = {info.module: name for name, info in self.info.items() if name != DEFAULTS_NAME}
        found = None
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            module = tb.tb_frame.f_globals.get("__name__", "")
            if code in codes:
                found = codes[code]
            else:
                for prefix, name in modules.items():
                    if module == prefix or module.startswith(prefix + "."):
                        found = name
            tb = tb.tb_next
        return found

    def plugin_of_module(self, module: str) -> str | None:
        """The plugin whose code lives in ``module`` (a module name: the plugin's own or
        one below it), None for drillsim's own defaults or any other module."""
        for name, info in self.info.items():
            if name != DEFAULTS_NAME and (module == info.module or module.startswith(info.module + ".")):
                return name
        return None

    def origin(self, name: str) -> str:
        """Where plugin ``name`` comes from, for messages: ``"drillsim-ambulance 0.1.0"``
        (its distribution and version), or ``"module rules/x.py"``."""
        info = self.info[name]
        if name in self.modules:
            return f"module {self.modules[name]}"
        return f"{info.distribution} {info.version}"

    def names(self) -> list[str]:
        """Names of the loaded entry-point plugins (without the host's defaults), sorted."""
        return sorted(n for n in self.info if n != DEFAULTS_NAME)

    def describe(self) -> list[PluginInfo]:
        return [self.info[n] for n in sorted(self.info)]


def _refuse_rule_breakers(pm: pluggy.PluginManager, module: ModuleType, name: str) -> None:
    """Refuse, before registering, a plugin written for another plugin API or whose hook
    implementations pluggy would call wrongly (see :mod:`drillsim.host.plugincheck`)."""
    problem = plugincheck.api_version_problem(module, name, hookspecs.API_VERSION)
    problems = ([problem] if problem else []) + plugincheck.hook_problems(pm, module, name)
    if problems:
        raise PluginError("\n".join(problems))


def _import(name: str, module_path: str) -> ModuleType:
    try:
        return plugin_modules.import_plugin_module(name, module_path)
    except plugin_modules.PluginModuleError as exc:
        raise PluginError(str(exc)) from exc


_HOSTS: dict[tuple, PluginHost] = {}


def only_from_env() -> list[str] | None:
    """The plugin names ``$DRILLSIM_PLUGINS`` limits loading to (comma-separated); None
    when it is unset or empty.

    :raises PluginError: it holds commas and spaces only (it would load no plugin at all,
        and every scenario would then fail on its unit and hazard types).
    """
    text = os.environ.get(ENV_ONLY)
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise PluginError(f"${ENV_ONLY}={text!r} names no plugin: unset it, or name the "
                          "plugins to load, comma-separated (see `drillsim plugins`)")
    return names


def load_plugins(only: Iterable[str] | None = None, disabled: Iterable[str] = (),
                 modules: dict[str, str] | None = None) -> PluginHost:
    """The plugin host for this selection, built once per process (idempotent)."""
    if only is None:
        only = only_from_env()
    key = (None if only is None else tuple(sorted(set(only))), tuple(sorted(set(disabled))),
           tuple(sorted((modules or {}).items())))
    host = _HOSTS.get(key)
    if host is None:
        host = _HOSTS[key] = PluginHost(only, disabled, modules)
    return host
