"""The ``drillsim`` command line: the root group and its commands, one module a group.

Exit status: 0 success; 1 a run failed (a plugin raised, output could not be written);
2 invalid input (scenario, region or plan file; plugin configuration; usage); 130 Ctrl-C.
The shared helpers are in :mod:`drillsim.cli.support`.
"""

from __future__ import annotations

import sys

import click

from drillsim.cli import batch, drill, hazard, plugins, run, scaffold
from drillsim.cli.support import Fail


class _Commands(click.Group):
    """drillsim's commands: a file the system refuses to read or write (permissions, a
    full disk, a missing folder) is a message and exit status 1, Ctrl-C exit status 130
    — never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise Fail(f"{where}{exc.strerror or exc}", 1) from None
        except KeyboardInterrupt:
            raise Fail("interrupted", 130) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drillsim")
def main() -> None:
    """drillsim: exercise emergency plans with discrete-event simulation."""


for _command in (run.validate, run.run, plugins.plugins_cmd, hazard.hazard, scaffold.new_plugin,
                 drill.drill, drill.replay, batch.batch, batch.results):
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
