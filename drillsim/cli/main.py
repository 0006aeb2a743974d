"""The ``drillsim`` command line: the root group and its commands, one module a group.

Exit status: 0 success; 1 a run failed (a plugin raised, output could not be written);
2 invalid input (scenario, region or plan file; plugin configuration; usage); 130 Ctrl-C.
The shared helpers are in :mod:`drillsim.cli.support`.
"""

from __future__ import annotations

import importlib
import io
import sys

import click

#: every command: name -> (module, attribute, the one line ``drillsim --help`` shows).
#: Modules are imported only when their command runs, so ``drillsim --help`` and
#: ``drillsim run --help`` do not pay for the engine, the drill or the batch runner;
#: tests/test_cli_lazy.py checks each line against the command's own help.
COMMANDS = {
    "calc": ("drillsim.cli.calc", "calc",
             "Queueing screens before simulating: Erlang B, Erlang C, Larson's hypercube."),
    "coverage": ("drillsim.cli.coverage", "coverage",
                 "Travel time from each force's nearest unit to every township and place, "
                 "against the scenario's response-time targets."),
    "batch": ("drillsim.cli.batch", "batch",
              "Run every variant of a sweep, replication by replication, into a database."),
    "drill": ("drillsim.cli.drill", "drill",
              "Run a double-blind drill of a scenario or a pack in the terminal."),
    "hazard": ("drillsim.cli.hazard", "hazard",
               "Compute a hazard model's result for given inputs (units in the text: 7m/s, 20%)."),
    "new-plugin": ("drillsim.cli.scaffold", "new_plugin",
                   "Write a ready plugin package drillsim-NAME (installs with pip install -e; "
                   "passes its own tests)."),
    "new-scenario": ("drillsim.cli.reference", "new_scenario",
                     "Write a minimal, valid, commented scenario NAME.yaml to start from."),
    "optimise": ("drillsim.cli.optimise", "optimise",
                 "Choose k sites for a force to cover the most people within a time, or the "
                 "least mean travel time."),
    "plan": ("drillsim.cli.plan", "plan",
             "The plan's items and which scenario scores each (target row) or why not, with "
             "the counts."),
    "plugins": ("drillsim.cli.plugins", "plugins_cmd",
                "List the loaded plugins, their versions and what they provide."),
    "replay": ("drillsim.cli.drill", "replay",
               "Play a logged drill back (orders and injects at their times) at any speed."),
    "results": ("drillsim.cli.batch", "results",
                "Compare the variants of a batch database: ranking, intervals, paired differences."),
    "run": ("drillsim.cli.run", "run", "Run a scenario's replications and print its scorecard."),
    "sensitivity": ("drillsim.cli.sensitivity", "sensitivity",
                    "Which assumed numbers of a scenario decide its targets: one at a time, Morris "
                    "or Sobol."),
    "size": ("drillsim.cli.size", "size",
             "The smallest number of units (or team size, or reserve) meeting a target with 95 % "
             "confidence."),
    "schema": ("drillsim.cli.reference", "schema",
               "Print the JSON Schema of a file kind (scenario, plan, region, sweep, pack, "
               "optimise, hypercube), with the loaded plugins' params, for editors: drillsim "
               "schema scenario > scenario.schema.json."),
    "validate": ("drillsim.cli.run", "validate",
                 "Check a scenario (and its region and plan files), a sweep and every variant it "
                 "expands to, a drill pack, an optimise or a hypercube spec, without running "
                 "anything."),
}


class _Commands(click.Group):
    """drillsim's commands, imported when used (:data:`COMMANDS`): a file the system
    refuses to read or write (permissions, a full disk, a missing folder) is a message and
    exit status 1, a plugin that breaks when first used exit status 2, Ctrl-C exit status
    130 — never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, *args, **kwargs):
        """The command line; a help screen or usage message that standard output cannot
        take (``drillsim --help > /dev/full``: printed before any command runs) is one
        line too, exit status 1, not a traceback (click handles a closed pipe itself,
        not a full disk)."""
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:
            fail = _os_failure(exc)
            fail.show()
            sys.exit(fail.exit_code)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _refuse_empty(args)
        _refuse_undecodable(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            raise _os_failure(exc) from None
        except KeyboardInterrupt:
            from drillsim.cli.support import Fail

            _stop_forkserver()
            raise Fail("interrupted", 130) from None
        except click.ClickException as exc:
            if exc.exit_code == 130:  # interrupted, said by the command (a batch: what is kept)
                _stop_forkserver()
            raise
        except SystemExit as exc:
            if not _rich_broken_pipe(exc):
                raise
            # rich's console ends the process quietly (exit 1) when the reader stops
            # early (``drillsim run … | head -1``): the one line every output says then
            import errno
            import os

            from drillsim.cli.support import STDOUT, output_error

            raise output_error(STDOUT, BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))) from None
        except Exception as exc:
            # a plugin that breaks when first used (a deferred registration that cannot
            # be imported, asked for by any command): one line, as when the host loads
            host = sys.modules.get("drillsim.host.pluginhost")
            if host is None or not isinstance(exc, host.PluginError):
                raise
            from drillsim.cli.support import plugin_failure

            raise plugin_failure(exc) from None


def _os_failure(exc: OSError):
    """The message (exit status 1) for a file the system refused to read or write,
    naming it when the error does, or standard output when it was being written there
    (``drillsim run … > /dev/full`` said only "No space left on device")."""
    from drillsim.cli.support import STDOUT, Fail, output_error

    if not exc.filename and _writing_stdout(exc):
        return output_error(STDOUT, exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return Fail(f"{where}{exc.strerror or exc}", 1)


def _rich_broken_pipe(exc: SystemExit) -> bool:
    """Whether ``exc`` is rich's answer to a closed standard output: its
    ``Console.on_broken_pipe`` points standard output at the null device and raises
    ``SystemExit(1)`` with nothing said (rich 13-14), seen here by the frame that raised it."""
    tb = exc.__traceback__
    if tb is None or exc.code != 1:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return code.co_name == "on_broken_pipe" and "rich" in code.co_filename


def _writing_stdout(exc: BaseException) -> bool:
    """Whether ``exc`` was raised writing standard output: the innermost frame that
    raised it (a write never names its file) holds standard output's stream — rich's
    console writing its ``file``, ``click.echo`` its ``file`` — by the file descriptor
    the stream writes to."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    try:
        out = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
    except (OSError, ValueError):
        out = 1
    for value in tb.tb_frame.f_locals.values():
        for stream in (value, getattr(value, "file", None)):  # a stream, or rich's Console
            if isinstance(stream, io.IOBase) or hasattr(stream, "buffer"):
                try:
                    if stream.fileno() == out:
                        return True
                except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
                    continue
    return False


def _refuse_undecodable(args: list[str]) -> None:
    """Refuse (exit 2) a command-line argument with bytes that are not UTF-8 (a file
    named in another encoding, or typed under another locale: Python hands them on as
    lone surrogates, ``'v\\udcff.yaml'``). drillsim writes the names it is given into its
    reports, logs and databases as UTF-8: ``run v$'\\xff'.yaml --json out.json`` ran the
    replications, then failed writing the JSON with a traceback (UnicodeEncodeError).

    :raises Fail: naming the argument, its bad bytes shown as ``\\xff``.
    """
    for arg in args:
        bad = next((ord(ch) - 0xDC00 for ch in arg if "\udc80" <= ch <= "\udcff"), None)
        if bad is None:
            continue
        from drillsim.cli.support import Fail

        shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise Fail(f"'{shown}': not UTF-8 text (byte 0x{bad:02x}); drillsim writes the names it is "
                   "given into its reports, logs and databases as UTF-8: rename the file or folder "
                   "in UTF-8 (or run under a UTF-8 locale); nothing was run", 2)


def _refuse_empty(args: list[str]) -> None:
    """Refuse (exit 2) an empty value on the command line (``--scheduler ''``,
    ``--dir=``, a file argument ``''``), usually a shell variable that was not set: no
    drillsim option or argument takes one, and some read it as not given (``--scheduler
    ''`` ran the batch on this machine), or as the current folder (``--dir ''``).

    :raises Fail: naming the option.
    """
    for n, arg in enumerate(args):
        if arg == "--":
            return
        option = None
        if arg == "":
            before = args[n - 1] if n else ""
            option = before if before.startswith("-") and "=" not in before else None
            what = f"{option} ''" if option else "''"
        elif arg.startswith("--") and arg.endswith("=") and len(arg) > 3:
            option, what = arg[:-1], arg
        else:
            continue
        if option and not _known_option(args, option):
            continue  # click says "No such option" (the value is not the fault)
        from drillsim.cli.support import Fail

        command = f"drillsim {args[0]} --help" if args and args[0] in COMMANDS else "drillsim --help"
        if option:
            raise Fail(f"{what}: an empty value (an unset shell variable?); give one, or leave "
                       f"the option out ({command})", 2)
        raise Fail(f"{what}: an empty argument (an unset shell variable?); give a value, or "
                   f"leave it out ({command})", 2)


def _known_option(args: list[str], option: str) -> bool:
    """Whether ``option`` is an option of the command ``args`` name (or of a group on the
    way to it: ``drillsim hazard --plugin-module … fire``); True when that cannot be told."""
    try:
        command: click.Command | None = main
        names: set[str] = set()
        rest = list(args)
        while command is not None:
            for param in command.params:
                names.update(getattr(param, "opts", ()))
                names.update(getattr(param, "secondary_opts", ()))
            if not isinstance(command, click.Group):
                break
            name = next((a for a in rest if not a.startswith("-")), None)
            if name is None:
                break
            rest = rest[rest.index(name) + 1:]
            with click.Context(command) as ctx:
                command = command.get_command(ctx, name)
        return option in names or option in ("-h", "--help")
    except Exception:  # noqa: BLE001 (a command that cannot be looked up here: assume so)
        return True


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drillsim")
def main() -> None:
    """drillsim: exercise emergency plans with discrete-event simulation."""
    _sane_terminal()
    _check_environment()


def _check_environment() -> None:
    """Refuse (exit 2) before any command runs a setting in the environment that is not
    what it must be: ``DRILLSIM_EVENT_TIME_LIMIT`` not a number of seconds (it was
    silently replaced by the default, or ``nan`` turned the watchdog off). The plugin
    settings (``DRILLSIM_PLUGINS``, ``DRILLSIM_TRACE_HOOKS``) are checked where the
    plugins load."""
    import os

    text = os.environ.get("DRILLSIM_EVENT_TIME_LIMIT", "")
    if text:
        from drillsim.engine.watchdog import env_limit_problem

        problem = env_limit_problem(text)
        if problem:
            from drillsim.cli.support import Fail

            raise Fail(problem, 2)


def _sane_terminal() -> None:
    """What every command prints survives the terminal's settings: a ``COLUMNS`` that is
    not a positive whole number is ignored, as ``ls`` does (rich drew nothing at all at
    ``COLUMNS=0``); a standard output or error that cannot encode every character (an
    ASCII locale, ``PYTHONIOENCODING=ascii``) prints ``?`` for a character it lacks
    (a place name in Chinese, ``·``) instead of failing with ``UnicodeEncodeError``."""
    import os

    columns = os.environ.get("COLUMNS")
    if columns is not None and not (columns.strip().isascii() and columns.strip().isdigit() and int(columns) > 0):
        del os.environ["COLUMNS"]
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a stream that cannot be reconfigured: as it is
                pass

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def _stop_forkserver() -> None:
    """On Ctrl-C, end a batch's fork server at once (it would outlive the command while
    it imports: :func:`drillsim.batch.forkserver.stop_forkserver`); nothing when no
    command started one (the module is not imported then)."""
    import sys

    if "drillsim.batch.forkserver" in sys.modules:
        sys.modules["drillsim.batch.forkserver"].stop_forkserver()
