"""The ``drillsim`` command line.

Exit status: 0 success; 1 a run failed (a plugin raised, output could not be written);
2 invalid input (scenario, region or plan file; plugin configuration; usage).
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click
from rich.console import Console

from .errors import DrillsimError, ValidationFailed
from .plugin_cli import with_loading_options
from .pluginhost import PluginError, load_plugins

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _split(names: str | None) -> list[str] | None:
    if names is None:
        return None
    out = [n.strip() for n in names.split(",") if n.strip()]
    if not out:
        raise _Fail("--plugins needs at least one plugin name (see `drillsim plugins`)", 2)
    return out


def _warn(scenario) -> None:
    for w in scenario.warnings:
        err.print(f"warning: {w}", markup=False)


def _check_writable(paths) -> None:
    """Refuse before running if an output cannot be written (missing or read-only folder)."""
    import os
    import tempfile

    for path in paths:
        if path is None:
            continue
        folder = path.resolve().parent
        if not folder.is_dir():
            raise _Fail(f"{path}: folder {str(path.parent)!r} does not exist; nothing was run", 2)
        if path.is_dir():
            raise _Fail(f"{path}: is a folder; give a file name; nothing was run", 2)
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".drillsim-check-"):
                pass
        except OSError as exc:
            raise _Fail(f"{path}: cannot write in {str(path.parent) or '.'!r} "
                        f"({os.strerror(exc.errno) if exc.errno else exc}); nothing was run", 2) from None


def _host(plugins: str | None, disabled: tuple[str, ...], loading=None, scenario: Path | None = None):
    if loading is None and scenario is None:
        return load_plugins(_split(plugins), disabled)
    from .plugin_cli import build_host  # --plugin-module, --allow-plugin-module, --trace-hooks

    return build_host(_split(plugins), disabled, loading, scenario)


class _Fail(click.ClickException):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        err.print(self.format_message(), markup=False)


def _guard(fn, *args, **kwargs):
    """Run ``fn``; turn the user's mistakes into messages and exit codes, not tracebacks."""
    try:
        return fn(*args, **kwargs)
    except ValidationFailed as exc:
        raise _Fail(str(exc) + f"\n{len(set(exc.faults))} problem(s) found; nothing was run.", 2) from None
    except PluginError as exc:
        raise _Fail(f"plugin error: {exc}", 2) from None
    except DrillsimError as exc:
        raise _Fail(f"run failed: {exc}", 1) from None


plugin_options = [
    click.option("--plugins", "plugins", metavar="NAMES",
                 help="Load only these plugins (comma-separated); default: all installed, "
                      "or $DRILLSIM_PLUGINS."),
    click.option("--disable-plugin", "disabled", multiple=True, metavar="NAME",
                 help="Do not load this plugin (repeatable)."),
]


def with_plugin_options(fn):
    for option in reversed(plugin_options):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drillsim")
def main() -> None:
    """drillsim: exercise emergency plans with discrete-event simulation."""


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@with_plugin_options
@with_loading_options
def validate(scenario: Path, plugins, disabled, loading) -> None:
    """Check a scenario (and its region and plan files), or a sweep and every variant it
    expands to, without running anything."""
    from .loader import load_scenario

    if _guard(_is_sweep, scenario):
        _validate_sweep(scenario, _guard(_host, plugins, disabled, loading, scenario))
        return
    sc = _guard(lambda: load_scenario(scenario, host=_host(plugins, disabled, loading, scenario)))
    _warn(sc)
    units = sum(len(f.units) for f in sc.forces)
    click.echo(f"{scenario}: valid — {len(sc.forces)} forces ({units} units), "
               f"{len(sc.hazards)} hazard(s), {len(sc.targets)} targets, "
               f"{len(sc.assumptions)} assumptions")


def _is_sweep(path: Path) -> bool:
    """Whether ``path`` is a sweep file (it names its base ``scenario``; a scenario has no
    such field) rather than a scenario. :raises ValidationFailed: unreadable YAML."""
    from .yamlsource import load_yaml

    data = load_yaml(path).data
    return isinstance(data, dict) and "scenario" in data


def _validate_sweep(path: Path, host) -> None:
    from .batch.sweep import load_sweep

    sw = _guard(load_sweep, path, host)
    click.echo(f"{path}: valid sweep — {len(sw.variants)} variant(s) of {sw.scenario_path.name}, "
               f"{sw.replications} replication(s) each")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replications", "-n", type=click.IntRange(1, 100_000),
              help="Replications (default: the scenario's run.replications).")
@click.option("--seed", type=click.IntRange(0), help="Base seed (default: the scenario's run.seed).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the scorecard as JSON here.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the after-action report as Markdown here.")
@click.option("--events", "events_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every replication's event log here as JSON Lines.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the scorecard.")
@with_plugin_options
@with_loading_options
def run(scenario: Path, replications, seed, json_path, report_path, events_path, quiet,
        plugins, disabled, loading) -> None:
    """Run a scenario's replications and print its scorecard."""
    from .loader import load_scenario
    from .report import jsonreport, markdown, terminal
    from .report.common import write_atomic
    from .runner import run as run_scenario

    host = _guard(_host, plugins, disabled, loading, scenario)
    sc = _guard(lambda: load_scenario(scenario, host=host, seed=seed, replications=replications))
    _warn(sc)
    _check_writable((json_path, report_path, events_path))
    with ExitStack() as stack:
        events = None
        if events_path is not None:
            try:
                events = stack.enter_context(open(events_path, "w", encoding="utf-8"))
            except OSError as exc:
                raise _Fail(f"{events_path}: cannot write: {exc.strerror}", 1) from None
        outcome = _guard(run_scenario, sc, host, events_out=events)
    if not quiet:
        terminal.print_scorecard(outcome)
    for path, render in ((json_path, jsonreport.to_json), (report_path, markdown.render)):
        if path is None:
            continue
        try:
            write_atomic(path, render(outcome))
        except OSError as exc:
            raise _Fail(f"{path}: cannot write: {exc.strerror or exc}", 1) from None
    for label, path in (("scorecard", json_path), ("report", report_path), ("events", events_path)):
        if path is not None:
            err.print(f"{label} written to {path}")


@main.command(name="plugins")
@with_plugin_options
@with_loading_options
def plugins_cmd(plugins, disabled, loading) -> None:
    """List the loaded plugins, their versions and what they provide."""
    host = _guard(_host, plugins, disabled, loading)
    for info in host.describe():
        click.echo(f"{info.name}  ({info.distribution} {info.version}; module {info.module})")
        click.echo(f"  hooks:    {', '.join(sorted(set(info.hooks))) or '-'}")
        click.echo(f"  provides: {', '.join(info.provides) or '-'}")


def _register_commands() -> None:
    from .batch import commands as batch_commands  # drillsim batch, drillsim results
    from .calc_cli import hazard
    from .drill.cli import drill, replay
    from .scaffold import new_plugin

    for command in (hazard, new_plugin, drill, replay):
        main.add_command(command)
    batch_commands.register(main)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
