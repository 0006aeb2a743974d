"""``--plugin-module NAME=FILE.py`` on every command that loads plugins, as one shared
option (``drillsim.cli.support.plugin_module_option``): ``plan``, ``coverage`` and
``replay`` did not take it, so a scenario using a plugin tried out without installing it
could be run but not placed against the plan nor mapped for coverage."""

from __future__ import annotations

import click
import pytest

from drillsim.cli import support
from drillsim.cli.main import main

from .conftest import invoke

MILITIA = '''\
from drillsim.api import Duration, Strict, UnitType, hookimpl


class Params(Strict):
    assembly: Duration = 30.0


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="militia_team", description="township militia squad",
                      capabilities={"people": 12}, params_model=Params))
'''


@pytest.fixture
def militia(corpus):
    """The corpus's valid scenario, with its region and plan, in ``clean/scenarios``, its
    force a plugin file's unit type."""
    import shutil

    module = corpus / "militia.py"
    module.write_text(MILITIA, encoding="utf-8")
    clean = corpus / "clean" / "scenarios"
    for name in ("valid.yaml", "regions/mini.yaml", "plans/mini.yaml"):
        (clean / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / "scenarios" / name, clean / name)
    scenario = clean / "valid.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace(
        "type: district_rescue_team", "type: militia_team"), encoding="utf-8")
    return f"militia={module}"


def test_plan_and_coverage_take_the_plugin_module(militia):
    for args in (["plan", "clean/scenarios/plans/mini.yaml", "--scenarios", "clean/scenarios"],
                 ["coverage", "clean/scenarios/valid.yaml"]):
        without = invoke(*args)
        assert without.exit_code == 2, without.output
        assert "unknown unit type 'militia_team'" in without.output
        with_it = invoke(*args, "--plugin-module", militia)
        assert with_it.exit_code == 0, with_it.output
    plan = invoke("plan", "clean/scenarios/plans/mini.yaml", "--scenarios", "clean/scenarios",
                  "--plugin-module", militia, "--json", "-")
    assert '"valid"' in plan.output


def test_replay_loads_the_plugin_module_first(corpus):
    """A broken module is named before the log is read (as ``run`` names it before the
    scenario): it was loaded."""
    log = corpus / "drill.jsonl"
    log.write_text("{}\n", encoding="utf-8")
    broken = corpus / "scenarios" / "plugins" / "params_default.py"
    result = invoke("replay", log, "--plain", "--plugin-module", f"militia={broken}")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("plugin error: plugin 'militia', hook "
                                    "drillsim_register_unit_types: unit type 'militia_team': params "
                                    "model Params, field assembly: default '30min'")
    missing = invoke("replay", log, "--plugin-module", "militia=nothere.py")
    assert missing.exit_code == 2
    assert "plugin 'militia': file 'nothere.py' not found" in missing.output


def test_every_command_that_loads_plugins_takes_the_one_option():
    """The same option (its callback, its help) everywhere --plugins is taken."""
    takers = {}
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        groups = [(None, command)]  # a group's own options (hazard's), and its commands'
        if isinstance(command, click.Group):
            groups += [(sub, command.get_command(ctx, sub)) for sub in command.list_commands(ctx)]
        for sub, cmd in groups:
            names = {p.name: p for p in cmd.params}
            if "plugins" in names:
                takers[f"{name} {sub or ''}".strip()] = names.get("plugin_modules_")
    assert {"run", "validate", "plan", "coverage", "replay", "schema", "hazard", "batch",
            "plugins"} <= set(takers)
    lacking = sorted(name for name, option in takers.items() if option is None)
    assert lacking == []
    for name, option in takers.items():
        assert option.callback is support._parse_modules, name
        assert option.help.startswith("Load a module (dotted path or .py file) as plugin NAME "
                                      "(repeatable)."), name
