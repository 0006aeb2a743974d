"""Plugins named by module instead of by installed entry point.

A plugin is normally an installed package found through the ``drillsim`` entry-point
group. Two more ways name one explicitly, as ``NAME=TARGET`` where TARGET is a dotted
module path (``my_rules.ambulance``) or a Python file (``rules/ambulance.py``):

- the user's command line: ``--plugin-module NAME=TARGET`` (repeatable);
- a scenario's ``plugins:`` list, as an entry ``{name: NAME, module: TARGET}`` (a file
  path resolves relative to the scenario and must stay in its scenario folder).

Importing a module runs its code, so a module a *scenario* names is imported only when
the user also passes ``--allow-plugin-module`` (``allow_scenario_modules=True``);
otherwise loading the scenario fails with a message that says so. A scenario file alone
never makes drillsim import anything.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from drillsim.errors import PASSES_THROUGH
from drillsim.scenario.paths import resolve_ref, scenario_root
from drillsim.scenario.yamlsource import load_yaml

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class PluginModuleError(Exception):
    """A plugin module option or reference is malformed or cannot be imported."""


def is_file_target(target: str) -> bool:
    """True if ``target`` names a Python file rather than a dotted module path."""
    return target.endswith(".py") or "/" in target or "\\" in target


def parse_module_option(text: str) -> tuple[str, str]:
    """``"NAME=TARGET"`` → ``(NAME, TARGET)``.

    :raises PluginModuleError: no ``=``, a name that is not lowercase letters, digits
        and ``_``, or a target that is neither a dotted module path nor a ``.py`` file.
    """
    name, sep, target = text.partition("=")
    name, target = name.strip(), target.strip()
    if not sep or not name or not target:
        raise PluginModuleError(f"{text!r}: write NAME=MODULE (e.g. ambulance=my_rules.ambulance) "
                                "or NAME=FILE.py")
    if not _NAME.match(name):
        raise PluginModuleError(f"{text!r}: plugin name {name!r} must be lowercase letters, digits "
                                "and _, starting with a letter")
    if not is_file_target(target) and not _DOTTED.match(target):
        raise PluginModuleError(f"{text!r}: {target!r} is neither a dotted module path nor a .py file")
    return name, target


def module_name_for(name: str, target: str) -> str:
    """The name the module is (or will be) imported under: the dotted path itself, or
    ``drillsim_module_plugin_NAME`` for a file."""
    return f"drillsim_module_plugin_{name}" if is_file_target(target) else target


def import_plugin_module(name: str, target: str) -> ModuleType:
    """Import the plugin module ``target`` (dotted path or ``.py`` file) for plugin ``name``.

    A file is imported once per process under :func:`module_name_for`; importing the same
    file again returns the same module (loading stays idempotent).

    :raises PluginModuleError: the file does not exist or the module fails to import
        (the message names the plugin, the target and the error).
    """
    try:
        if not is_file_target(target):
            return importlib.import_module(target)
        path = Path(target).resolve()
        if not path.is_file():
            raise PluginModuleError(f"plugin {name!r}: file {target!r} not found (looked for {path})")
        module_name = module_name_for(name, target)
        loaded = sys.modules.get(module_name)
        if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() == path:
            return loaded
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:  # pragma: no cover - not a Python file
            raise PluginModuleError(f"plugin {name!r}: cannot import {target!r} as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]
            raise
        return module
    except (PluginModuleError, *PASSES_THROUGH):
        raise
    except BaseException as exc:  # sys.exit() at import too
        raise PluginModuleError(f"plugin {name!r}: cannot import module {target!r}: "
                                f"{type(exc).__name__}: {exc}") from exc


def scenario_of(path: str | Path) -> Path:
    """The scenario whose ``plugins:`` list counts for ``path``: the scenario a sweep or an
    optimise spec names in its ``scenario:`` field, or ``path`` itself. A reference that
    cannot be resolved gives ``path`` (the loader reports the fault, located).
    """
    from drillsim.errors import ValidationFailed

    path = Path(path)
    try:
        doc = load_yaml(path, str(path))
        ref = doc.data.get("scenario") if isinstance(doc.data, dict) else None
        if isinstance(ref, str) and "plugins" not in doc.data:
            return Path(resolve_ref(doc, ("scenario",), ref, path.resolve(), scenario_root(path)))
    except ValidationFailed:
        pass
    return path


def scenario_plugin_modules(path: str | Path) -> dict[str, str]:
    """The ``{name: module}`` entries of a scenario's ``plugins:`` list (file targets
    resolved relative to the scenario, inside its scenario folder).

    Entries that are plain names, or malformed, are left out here: the scenario loader
    checks and reports them with their line and column.

    :raises ValidationFailed: unreadable YAML, or a file target outside the scenario
        folder or missing.
    """
    path = Path(path)
    doc = load_yaml(path, str(path))
    entries = doc.data.get("plugins") if isinstance(doc.data, dict) else None
    out: dict[str, str] = {}
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                and isinstance(entry.get("module"), str)):
            continue
        target = entry["module"]
        if is_file_target(target):
            target = str(resolve_ref(doc, ("plugins", i, "module"), target, path.resolve(),
                                     scenario_root(path)))
        out[entry["name"]] = target
    return out
