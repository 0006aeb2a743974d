"""``python -m drillsim.reference.write [ROOT]``: write docs/scenarios.md and
docs/schemas/*.schema.json under the project root from the models, with the built-in
plugins only (what tests/test_reference.py compares against)."""

from __future__ import annotations

import sys
from pathlib import Path


def shipped(root: Path) -> dict[Path, str]:
    """``{path: text}`` of every generated reference file."""
    from drillsim.host.pluginhost import load_plugins
    from drillsim.reference.jsonschema import SCHEMA_DIR, dumps, schema
    from drillsim.reference.kinds import KINDS, builtin_plugin_names
    from drillsim.reference.markdown import render

    host = load_plugins(only=builtin_plugin_names())
    out = {root / "docs" / "scenarios.md": render(host, root)}
    for kind in KINDS:
        out[root / SCHEMA_DIR / f"{kind}.schema.json"] = dumps(schema(kind, host))
    return out


def main(argv: list[str]) -> None:
    root = Path(argv[0]) if argv else Path.cwd()
    for path, text in shipped(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
