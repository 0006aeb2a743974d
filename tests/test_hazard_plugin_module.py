"""``drillsim hazard --plugin-module NAME=FILE.py``: a plugin author tries a calculator
before installing the plugin (the group's plugin options, read before ``--help``)."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner

from drillsim.cli.main import main

CALCULATOR = textwrap.dedent('''\
    from drillsim.api import CalcOption, Calculator, hookimpl

    @hookimpl
    def drillsim_register_calculators(register):
        register(Calculator("walk_time", "Minutes to walk a distance.",
                            (CalcOption("distance", "length", "distance", required=True),),
                            lambda distance: {"minutes": distance / 5.0 * 60}))
''')


def _plugin(tmp_path):
    path = tmp_path / "walking.py"
    path.write_text(CALCULATOR, encoding="utf-8")
    return f"walking={path}"


def test_a_calculator_from_a_plugin_file_runs_and_is_listed(tmp_path):
    module = _plugin(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["hazard", "--plugin-module", module, "walk_time",
                                  "--distance", "2.5km", "--json"])
    assert result.exit_code == 0, result.output
    assert '"minutes": 30.0' in result.output  # 2.5 km at 5 km/h, by hand
    listed = runner.invoke(main, ["hazard", "--plugin-module", module, "--help"])
    assert listed.exit_code == 0
    assert "walk_time" in listed.output and "plume" in listed.output


def test_without_the_module_the_calculator_is_unknown_and_a_missing_file_is_named(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["hazard", "walk_time", "--distance", "1km"])
    assert result.exit_code == 2
    assert "No such command 'walk_time'" in result.output
    missing = runner.invoke(main, ["hazard", "--plugin-module", "walking=nothere.py", "walk_time"])
    assert missing.exit_code == 2
    assert "plugin 'walking': file 'nothere.py' not found" in missing.output


def test_the_group_honours_disable_plugin(tmp_path):
    # (before, the group loaded every installed plugin whatever was asked)
    result = CliRunner().invoke(main, ["hazard", "--disable-plugin", "toxic_release", "plume",
                                       "--help"])
    assert result.exit_code == 2
    assert "No such command 'plume'" in result.output
    listed = CliRunner().invoke(main, ["hazard", "--disable-plugin", "toxic_release", "--help"])
    assert "plume" not in listed.output and "route" in listed.output
