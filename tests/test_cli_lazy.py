"""The command line imports a command's module only when that command is used, and the
one line ``drillsim --help`` shows for each command is the command's own first sentence."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import click
import pytest

from drillsim.cli.main import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_line_is_the_commands_own(name):
    module, attribute, line = COMMANDS[name]
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command) and command.name == name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        first = click.utils.make_default_short_help(command.help or "", 10_000)
    assert line == first


def test_every_command_is_listed():
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    assert all(main.get_command(ctx, name) is not None for name in COMMANDS)
    assert main.get_command(ctx, "nonsense") is None


@pytest.mark.parametrize("args, absent", [
    (["--help"], ["drillsim.cli.run", "drillsim.host.pluginhost", "drillsim.engine.simulation", "rich"]),
    (["run", "--help"], ["drillsim.host.pluginhost", "drillsim.engine.simulation", "drillsim.drill.session",
                         "drillsim.batch.executor", "scipy", "numpy", "pydantic", "rich"]),
    (["drill", "--help"], ["drillsim.drill.session", "drillsim.engine.simulation", "textual"]),
])
def test_help_imports_nothing_it_does_not_show(args, absent):
    code = ("import sys\nfrom drillsim.cli.main import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            f"print([m for m in {absent!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
