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


def test_every_data_file_is_package_data():
    """A non-editable install (README's ``pip install .``) copies only the Python files and
    what ``[tool.setuptools.package-data]`` names: a data file beside the code that no
    pattern names (a ``.csv`` of fuel models, a ``.txt`` of chemicals) would be found in a
    checkout and in ``pip install -e``, and missing after ``pip install .``. Every file in
    the package folders is Python or named by a pattern."""
    from fnmatch import fnmatch

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = tool["package-data"]
    assert set(patterns) == {"*"}, "package-data for one package: extend this test"
    missing = []
    for top in ("drillsim", "plugins"):
        for path in (ROOT / top).rglob("*"):
            if (not path.is_file() or "__pycache__" in path.parts or path.suffix in (".py", ".pyc")
                    or ".egg-info" in str(path)):
                continue
            if not any(fnmatch(path.name, pattern) for pattern in patterns["*"]):
                missing.append(str(path.relative_to(ROOT)))
    assert missing == [], "add a pattern to [tool.setuptools.package-data] in pyproject.toml"
