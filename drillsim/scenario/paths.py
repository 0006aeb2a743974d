"""Where files named inside other files may be.

A file a scenario, sweep or region names (region, plan, base scenario, road graph)
resolves relative to the naming file and must stay inside the *scenario root*: the
nearest ancestor folder named ``scenarios`` of the file given on the command line, or
that file's own folder. Absolute paths and ``..`` paths that leave the root are refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from drillsim.errors import ValidationFailed
from drillsim.scenario.yamlsource import Document


def _shown(path: Path, whole: bool = False) -> str:
    """A path as the user would name it: relative to the working folder when inside it,
    else its last part (the whole absolute path with ``whole=True``)."""
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path) if whole else path.name


def scenario_root(path: Path) -> Path:
    """The folder references must stay in: the nearest ancestor named ``scenarios``,
    else the file's own folder."""
    for parent in path.resolve().parents:
        if parent.name == "scenarios":
            return parent
    return path.resolve().parent


def resolve_ref(doc: Document, where: tuple, ref: str, base: Path, root: Path) -> Path:
    """Resolve a file reference relative to ``base``'s folder, inside ``root``.

    :raises ValidationFailed: absolute paths, paths leaving the root, missing files,
        files behind a folder that cannot be read.
    """
    if Path(ref).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", ref):
        raise ValidationFailed([doc.fault(where, f"{ref!r}: give a path relative to this file, "
                                                 "not an absolute path")])
    target = (base.parent / ref).resolve()
    if not target.is_relative_to(root):
        raise ValidationFailed([doc.fault(where, f"{ref!r} points outside the scenario folder "
                                                 f"{_shown(root)!r}; refused")])
    try:
        target.stat()
    except PermissionError:
        raise ValidationFailed([doc.fault(where, f"{ref!r}: cannot read (permission denied on "
                                                 "a folder on the way)")]) from None
    except OSError:
        pass  # missing: said below
    if target.is_dir():
        raise ValidationFailed([doc.fault(where, f"{ref!r} is a folder; name a file in it")])
    if not target.is_file():
        raise ValidationFailed([doc.fault(where, f"file {ref!r} not found (looked for {_shown(target, whole=True)})")])
    return target


