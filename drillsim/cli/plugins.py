"""``drillsim plugins``: the loaded plugins, their versions and what they provide."""

from __future__ import annotations

import click

from drillsim.cli.support import guard, host_for, with_loading_options, with_plugin_options


@click.command(name="plugins")
@with_plugin_options
@with_loading_options
def plugins_cmd(plugins, disabled, loading) -> None:
    """List the loaded plugins, their versions and what they provide."""
    host = guard(host_for, plugins, disabled, loading)
    for info in host.describe():
        click.echo(f"{info.name}  ({info.distribution} {info.version}; module {info.module})")
        click.echo(f"  hooks:    {', '.join(sorted(set(info.hooks))) or '-'}")
        click.echo(f"  provides: {', '.join(info.provides) or '-'}")
