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


def _check_writable(paths, inputs=(), names=None) -> None:
    """Refuse before running if an output cannot be written (missing or read-only folder
    or file), would overwrite an input of the run, or is named twice.

    :param paths: the output files (None where not asked for).
    :param inputs: files the run reads (:attr:`ResolvedScenario.inputs`).
    :param names: the options that named ``paths``, for messages (``--json`` …).
    :raises _Fail: exit status 2, nothing run.
    """
    import os
    import tempfile

    names = list(names or [None] * len(paths))
    read = {Path(p).resolve() for p in inputs}
    seen: dict[Path, str] = {}
    for path, name in zip(paths, names):
        if path is None:
            continue
        what = f"{path} ({name})" if name else str(path)
        target = path.resolve()
        if target in read:
            raise _Fail(f"{what}: is a file this run reads; writing there would destroy it. "
                        "Name another file; nothing was run", 2)
        if target in seen:
            raise _Fail(f"{what}: {seen[target]} names the same file; give each output its own "
                        "file; nothing was run", 2)
        seen[target] = name or str(path)
        folder = target.parent
        if not folder.is_dir():
            raise _Fail(f"{path}: folder {str(path.parent)!r} does not exist; nothing was run", 2)
        if path.is_dir():
            raise _Fail(f"{path}: is a folder; give a file name; nothing was run", 2)
        # by its mode too: the superuser may write anything, but a read-only file says keep me
        if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
            raise _Fail(f"{path}: the file is read-only; nothing was run", 2)
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


class _Commands(click.Group):
    """drillsim's commands: a file the system refuses to read or write (permissions, a
    full disk, a missing folder) is a message and exit status 1, Ctrl-C exit status 130
    — never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise _Fail(f"{where}{exc.strerror or exc}", 1) from None
        except KeyboardInterrupt:
            raise _Fail("interrupted", 130) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drillsim")
def main() -> None:
    """drillsim: exercise emergency plans with discrete-event simulation."""


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@with_plugin_options
@with_loading_options
def validate(scenario: Path, plugins, disabled, loading) -> None:
    """Check a scenario (and its region and plan files), a sweep and every variant it
    expands to, or a drill pack, without running anything."""
    from .loader import document_kind, load_scenario
    from .yamlsource import load_yaml

    kind = document_kind(_guard(load_yaml, scenario).data) or "scenario"
    if kind != "scenario":
        _validate_other(scenario, kind, _guard(_host, plugins, disabled, loading, scenario))
        return
    sc = _guard(lambda: load_scenario(scenario, host=_host(plugins, disabled, loading, scenario)))
    _warn(sc)
    units = sum(len(f.units) for f in sc.forces)
    click.echo(f"{scenario}: valid — {len(sc.forces)} forces ({units} units), "
               f"{len(sc.hazards)} hazard(s), {len(sc.targets)} targets, "
               f"{len(sc.assumptions)} assumptions")


def _validate_other(path: Path, kind: str, host) -> None:
    """``validate`` for a sweep or a pack (each with its base scenario); refuses a region
    or plan file, which is checked through a scenario that names it."""
    if kind in ("region", "plan"):
        raise _Fail(f"{path}: this is a {kind} file, not a scenario; validate a scenario "
                    f"that names it ({'region:' if kind == 'region' else 'plan: file:'} "
                    f"{path.name})", 2)
    if kind == "pack":
        from .drill.packs import load_pack
        from .loader import load_scenario

        _pack, _doc, base = _guard(load_pack, path)
        _guard(lambda: load_scenario(base, host=host))
        click.echo(f"{path}: valid drill pack — base scenario {base.name}")
        return
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
    _check_writable((json_path, report_path, events_path), sc.inputs, ("--json", "--report", "--events"))
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
