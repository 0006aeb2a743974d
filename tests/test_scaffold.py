"""``drillsim new-plugin``: the package it writes installs with ``pip install -e`` and
passes its own tests as generated.

The real ``pip install -e`` into a throwaway environment takes 20-40 s (most of it pip
fetching setuptools for the isolated build), so it is behind ``--slow``; CI's own
``pip install -e examples/drillsim-ambulance`` exercises the same packaging pattern.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.cli.scaffold import ScaffoldError, names, write_plugin
from tests.test_plugin_api import forbidden_imports


def test_names_derived_from_the_plugin_name():
    assert names("power_repair") == {"name": "power_repair", "dist": "drillsim-power-repair",
                                     "package": "drillsim_power_repair", "unit_type": "power_repair_team",
                                     "kind": "power_repair_call"}
    for bad in ("Drone", "2drones", "drone-team", ""):
        with pytest.raises(ScaffoldError, match="must be lowercase letters"):
            names(bad)


def test_the_package_layout_and_entry_point(tmp_path):
    root = write_plugin("drone", tmp_path)
    assert root == tmp_path / "drillsim-drone"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == ["README.md", "drillsim_drone/__init__.py", "pyproject.toml", "tests/test_drone.py"]
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["project"]["name"] == "drillsim-drone"
    assert project["project"]["entry-points"]["drillsim"] == {"drone": "drillsim_drone"}
    source = (root / "drillsim_drone" / "__init__.py").read_text()
    assert forbidden_imports(source) == [] and "from drillsim.api import" in source
    compile(source, "drillsim_drone/__init__.py", "exec")
    compile((root / "tests" / "test_drone.py").read_text(), "test_drone.py", "exec")


def test_the_generated_module_loads_as_a_plugin(tmp_path):
    from drillsim.host.pluginhost import PluginHost

    root = write_plugin("boat_crew", tmp_path)
    host = PluginHost(only=[], modules={"boat_crew": str(root / "drillsim_boat_crew" / "__init__.py")})
    assert host.unit_types.providers["boat_crew_team"] == "boat_crew"
    assert sorted(set(host.info["boat_crew"].hooks)) == ["drillsim_choose_units", "drillsim_register_unit_types"]


def test_the_generated_dispatch_rule_is_asked_only_in_runs_with_its_units(tmp_path):
    """Like the worked example's (docs/plugins.md 2.3), the rule is marked
    ``only_for_unit_types``: a run with no ``NAME_team`` force (any shipped scenario, once
    the plugin is installed) does not call it at every dispatch."""
    from drillsim.engine.hookcall import hook_for_run
    from drillsim.host.pluginhost import PluginHost

    root = write_plugin("boat_crew", tmp_path)
    host = PluginHost(modules={"boat_crew": str(root / "drillsim_boat_crew" / "__init__.py")})

    def asked(unit_types):
        hook = hook_for_run(host.pm, "drillsim_choose_units", frozenset(unit_types))
        return [impl.plugin_name for impl in hook.get_hookimpls()]

    assert "boat_crew" not in asked({"district_rescue_team"})
    assert "boat_crew" in asked({"district_rescue_team", "boat_crew_team"})


def test_nothing_is_overwritten(tmp_path):
    (tmp_path / "drillsim-drone").mkdir()
    (tmp_path / "drillsim-drone" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new-plugin", "drone", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists and is not empty; nothing was written" in result.output
    assert (tmp_path / "drillsim-drone" / "notes.txt").read_text() == "mine"
    result = CliRunner().invoke(main, ["new-plugin", "Drone", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "must be lowercase letters" in result.output


def test_its_own_tests_pass_with_its_entry_point_installed(tmp_path):
    """Fast stand-in for pip (the real ``pip install -e`` is the slow test below): the
    entry points the generated pyproject.toml declares, written as pip writes them into
    a .dist-info folder on the path, with the package importable; then its tests run."""
    root = write_plugin("drone", tmp_path)
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    site_dir = tmp_path / "site"
    info = site_dir / "drillsim_drone-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    groups = project["entry-points"]
    (info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) for group, eps in groups.items()))
    env = {k: v for k, v in os.environ.items() if k != "DRILLSIM_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(site_dir)])
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                           capture_output=True, text=True, env=env, cwd=root)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout


@pytest.mark.slow
def test_pip_install_e_then_its_own_tests_pass(tmp_path):
    """The real thing, in a throwaway virtual environment that sees this one's packages
    (drillsim, pytest) through a .pth file: ``pip install -e`` the generated package (its
    entry point lands in the throwaway environment only), then run its tests there."""
    result = CliRunner().invoke(main, ["new-plugin", "drone", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "drillsim-drone"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    here = [p for p in site.getsitepackages() if os.path.isdir(p)]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in here)
    (Path(target) / "_drillsim_parent.pth").write_text(lines)
    env = {k: v for k, v in os.environ.items() if k not in ("DRILLSIM_PLUGINS", "PYTHONPATH")}
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "-e", str(root)],
                         capture_output=True, text=True, env=env)
    assert pip.returncode == 0, pip.stderr
    found = subprocess.run([str(python), "-c", "import sys; from drillsim.cli.main import main; sys.exit(main())", "plugins", "--plugins", "drone"],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "drone  (drillsim-drone 0.1.0; module drillsim_drone)" in found.stdout
    assert "unit type: drone_team" in found.stdout
    tests = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                           capture_output=True, text=True, env=env, cwd=root)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout


@pytest.mark.parametrize("name, says", [
    ("aviation", "plugin name 'aviation' is taken by the installed plugin 'drillsim_plugins.aviation'; "
                 "two plugins of one name are refused, so choose another name"),
    ("township_rescue", "plugin name 'township_rescue' would make the unit type 'township_rescue_team', "
                        "which the installed plugin 'rescue_teams' provides; choose another name"),
])
def test_a_name_that_clashes_with_an_installed_plugin_is_refused(tmp_path, name, says):
    """Written as asked, the package installed and then made every command fail ("two
    different plugins are named 'aviation'", or the unit type registered by both)."""
    result = CliRunner().invoke(main, ["new-plugin", name, "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert f"Error: {says}" in result.output.splitlines()
    assert not any(tmp_path.iterdir())
