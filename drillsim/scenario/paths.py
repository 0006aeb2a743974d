"""Where files named inside other files may be.

A file a scenario, sweep, drill pack or region names (region, plan, base scenario, road
graph, a plugin module file) resolves relative to the naming file and must stay inside
the *scenario root*: the nearest ancestor folder named ``scenarios`` of the file given on
the command line, or that file's own folder. Absolute paths and ``..`` paths that leave
the root are refused, and so is anything but a regular file of sensible size (a pipe, a
device, a link to one): :func:`resolve_ref` is the one place every reference is checked,
before anything is read; the file is then read with
:func:`drillsim.scenario.yamlsource.read_bytes`, which checks again.
"""

from __future__ import annotations

import re
from pathlib import Path

from drillsim.errors import ValidationFailed
from drillsim.scenario.yamlsource import (
    Document,
    cut_name,
    file_problem,
    path_problem,
    quote_name,
)


def _shown(path: Path, whole: bool = False) -> str:
    """A path as the user would name it: relative to the working folder when inside it,
    else its last part (the whole absolute path with ``whole=True``)."""
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path) if whole else path.name


def stored_sensitivity(scenario_path) -> Path:
    """Where a scenario's stored sensitivity result lives, for ``drillsim run`` to find
    without being told: ``sensitivity/<scenario name>.json`` beside the scenario (here,
    not in :mod:`drillsim.planning.sensitivity`, so that a quiet run can keep it out of
    its outputs without importing that module: 20 M instructions)."""
    path = Path(scenario_path)
    return path.parent / "sensitivity" / f"{path.stem}.json"


def scenario_root(path: Path) -> Path:
    """The folder references must stay in: the nearest ancestor named ``scenarios``,
    else the file's own folder."""
    for parent in path.resolve().parents:
        if parent.name == "scenarios":
            return parent
    return path.resolve().parent


def resolve_ref(doc: Document, where: tuple, ref: str, base: Path, root: Path, *,
                limit: int | None = None, what: str = "a YAML file") -> Path:
    """Resolve a file reference relative to ``base``'s folder, inside ``root``.

    :param limit: the largest file accepted, bytes (default
        :data:`~drillsim.scenario.yamlsource.MAX_FILE_BYTES`).
    :param what: what to name instead of a pipe or device, for the message.
    :raises ValidationFailed: located at ``where``: not text, a control character or a
        name too long, absolute paths, paths leaving the root, missing files, folders,
        files that are not regular files (pipes, devices, links to them), files too
        large, files behind a folder that cannot be read.
    """
    if not isinstance(ref, str) or not ref.strip():
        raise ValidationFailed([doc.fault(where, "give a file name (a path relative to this file)")])
    shown = quote_name(ref)
    problem = path_problem(ref)
    if problem is not None:
        raise ValidationFailed([doc.fault(where, f"{shown}: {problem}")])
    if Path(ref).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", ref):
        raise ValidationFailed([doc.fault(where, f"{shown}: give a path relative to this file, "
                                                 "not an absolute path")])
    try:
        target = (base.parent / ref).resolve()  # links followed: a link may not leave either
    except (OSError, RuntimeError, ValueError):
        raise ValidationFailed([doc.fault(where, f"{shown}: cannot follow this path (a link "
                                                 "loop?)")]) from None
    if not target.is_relative_to(root):
        raise ValidationFailed([doc.fault(where, f"{shown} points outside the scenario folder "
                                                 f"{_shown(root)!r}; refused (the scenario folder "
                                                 "is the nearest folder named 'scenarios' above "
                                                 "this file, else its own folder: keep the files "
                                                 "it names inside it)")])
    problem = file_problem(target, limit=limit, what=what)
    if problem == "file not found":
        raise ValidationFailed([doc.fault(where, f"file {shown} not found (looked for "
                                                 f"{cut_name(_shown(target, whole=True))})")])
    if problem == "is a folder, not a file":
        raise ValidationFailed([doc.fault(where, f"{shown} is a folder; name a file in it")])
    if problem == "cannot read: permission denied":
        raise ValidationFailed([doc.fault(where, f"{shown}: cannot read (permission denied on "
                                                 "a folder on the way)")])
    if problem is not None:
        raise ValidationFailed([doc.fault(where, f"{shown}: {problem}")])
    return target
