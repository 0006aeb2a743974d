"""The distribution ships every package: pyproject's explicit list names each folder with
an __init__.py under drillsim/ and plugins/ (plugins/ installs as drillsim_plugins)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_package_folder_is_listed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in (("drillsim", "drillsim"), ("plugins", "drillsim_plugins")):
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name,) + rel))
    assert found == listed


def test_entry_points_name_existing_modules():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for name, target in project["entry-points"]["drillsim"].items():
        rel = target.replace("drillsim_plugins", "plugins").replace(".", "/")
        assert (ROOT / f"{rel}.py").exists() or (ROOT / rel / "__init__.py").exists(), name
