"""What every command shares: the error console, the exit-status discipline, output
checks, and the options that choose and load plugins.

Exit status: 0 success; 1 a run failed (a plugin raised, output could not be written);
2 invalid input (scenario, region or plan file; plugin configuration; usage); 130 Ctrl-C.

Besides ``--plugins`` and ``--disable-plugin``, ``run``, ``validate``, ``plugins``,
``drill`` and the commands that run replications (``batch``, ``optimise``, ``size``,
``sensitivity``) take (``plan``, ``coverage``, ``replay``, ``drill serve``,
``new-scenario``, ``schema`` and ``hazard`` the first alone, the same option):

- ``--plugin-module NAME=MODULE`` (or ``NAME=FILE.py``, repeatable): load this module
  as plugin NAME, without installing it;
- ``--allow-plugin-module``: also import the modules the scenario's ``plugins:`` list
  names (``{name: …, module: …}``; for a sweep or an optimise spec, the scenario it
  names); without it such a scenario is refused, because importing a module runs its
  code and a scenario file is data;
- ``--trace-hooks`` (or ``DRILLSIM_TRACE_HOOKS=1``, or a comma list of hook names):
  log each hook call, and which plugin answered first-result hooks, on stderr.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import click

from drillsim.engine.collector import collector_held  # noqa: F401  (the commands take it from here)
from drillsim.errors import DrillsimError, ValidationFailed

# The plugin host is imported inside the functions that load plugins: `drillsim run --help`
# and the other help screens then start in a tenth of a second.


@dataclass
class Loading:
    """What the extra loading options asked for."""

    modules: dict[str, str] = field(default_factory=dict)
    allow_scenario_modules: bool = False
    trace: bool = False


def _parse_modules(ctx, param, values) -> dict[str, str]:
    from drillsim.host import plugin_modules

    out: dict[str, str] = {}
    for text in values or ():
        try:
            name, target = plugin_modules.parse_module_option(text)
        except plugin_modules.PluginModuleError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
        if plugin_modules.is_file_target(target):
            try:
                real = Path(target).resolve()
            except (RuntimeError, OSError):  # symbolic links in a loop
                raise click.BadParameter(f"plugin {name!r}: cannot follow {target!r} (its "
                                         "symbolic links lead round in a loop)", ctx=ctx,
                                         param=param) from None
            if not real.is_file():  # said with the name given (then where it looked)
                where = "" if Path(target).is_absolute() else f" (looked for {real})"
                raise click.BadParameter(f"plugin {name!r}: file {target!r} not found{where}",
                                         ctx=ctx, param=param)
            target = str(real)
        if name in out and out[name] != target:  # the later one silently won
            raise click.BadParameter(f"two modules are named {name!r} ({out[name]} and "
                                     f"{target}); give each plugin its own name", ctx=ctx, param=param)
        out[name] = target
    return out


def plugin_module_option(also: str = "", **extra) -> Callable:
    """The one ``--plugin-module NAME=MODULE`` option (repeatable) every command that loads
    plugins takes: the command receives ``plugin_modules_``, ``{name: module or resolved
    file}`` (:func:`_parse_modules` refuses a malformed value, a missing file, one name
    given twice).

    :param also: words added to the help (``hazard``: where the option goes).
    :param extra: more of click's option settings (``hazard``: ``is_eager``)."""
    return click.option("--plugin-module", "plugin_modules_", multiple=True, metavar="NAME=MODULE",
                        callback=_parse_modules,
                        help="Load a module (dotted path or .py file) as plugin NAME "
                             f"(repeatable).{also}", **extra)


def with_plugin_modules(fn):
    """Add :func:`plugin_module_option` alone (commands that read scenarios or logs but
    import no module a scenario names: ``plan``, ``coverage``, ``replay``, ``schema``);
    the command receives it as one ``loading`` argument (None without modules), as
    :func:`with_loading_options` gives it."""
    @functools.wraps(fn)
    def command(*args, plugin_modules_, **kwargs):
        return fn(*args, loading=Loading(dict(plugin_modules_)) if plugin_modules_ else None, **kwargs)

    return plugin_module_option()(command)


_options = [
    plugin_module_option(),
    click.option("--allow-plugin-module", "allow_plugin_module", is_flag=True,
                 help="Import the plugin modules the scenario's plugins: list names "
                      "(refused otherwise: importing a module runs its code)."),
    click.option("--trace-hooks", "trace_hooks", is_flag=True,
                 help="Log every hook call and which plugin answered (stderr); or set "
                      "DRILLSIM_TRACE_HOOKS=1 or to hook names."),
]


def with_loading_options(fn):
    """Add the options above; the command receives them as one ``loading`` argument."""
    @functools.wraps(fn)
    def command(*args, plugin_modules_, allow_plugin_module, trace_hooks, **kwargs):
        loading = Loading(dict(plugin_modules_), allow_plugin_module, trace_hooks)
        return fn(*args, loading=loading, **kwargs)

    for option in reversed(_options):
        command = option(command)
    return command


def _build_host(only: Iterable[str] | None, disabled: Iterable[str], loading: Loading | None = None,
               scenario: Path | None = None):
    """The plugin host for a command: installed plugins (limited by ``only``/``disabled``),
    the ``--plugin-module`` modules, the scenario's modules when allowed; traced when
    asked.

    :raises PluginError: a plugin cannot be loaded, an unknown hook in
        ``DRILLSIM_TRACE_HOOKS``, or a ``--plugin-module`` name also given to
        ``--disable-plugin``.
    :raises ValidationFailed: the scenario cannot be read to find its plugin modules.
    """
    from drillsim.host import hookspecs, hooktrace, plugin_modules
    from drillsim.host.pluginhost import PluginError, load_plugins

    loading = loading or Loading()
    try:
        traced = hooktrace.hooks_from_env(hookspecs.HOOK_STABILITY)
    except hooktrace.TraceError as exc:
        raise PluginError(str(exc)) from None
    if loading.trace and traced is None:
        traced = set(hookspecs.HOOK_STABILITY)
    if traced is not None:
        hooktrace.to_stderr(traced)
    both = sorted(set(loading.modules) & set(disabled))
    if both:  # the module would be left out with the installed plugin, without a word
        name = both[0]
        raise PluginError(f"--plugin-module {name}={loading.modules[name]} and --disable-plugin "
                          f"{name} name the same plugin, so the module would not be loaded "
                          f"either; to load it in place of the installed plugin, give it another "
                          f"name: --disable-plugin {name} --plugin-module {name}_dev="
                          f"{loading.modules[name]}")
    modules = dict(loading.modules)
    if loading.allow_scenario_modules and scenario is not None:
        for name, target in plugin_modules.scenario_plugin_modules(
                plugin_modules.scenario_of(scenario)).items():
            modules.setdefault(name, target)
    host = load_plugins(only, disabled, modules)
    if traced is not None:
        tracer = hooktrace.HookTracer(host, traced).start()
        ctx = click.get_current_context(silent=True)
        if ctx is not None:  # the host is cached per process: trace this command only
            ctx.call_on_close(tracer.stop)
            ctx.call_on_close(hooktrace.stop_stderr)
    return host


#: The one console every message to the user goes through (faults, warnings, notes on
#: stderr). It never interprets the text: no markup (``[red]`` in a name stays), no emoji
#: codes (``file.yaml:100:12`` must not become ``file.yaml💯12``), no highlighting.
class _ErrorConsole:
    """The rich console of :data:`err`, made (and rich imported: about 0.1 s) the first
    time something is printed: a help screen or a quiet run prints nothing there."""

    _console = None

    def __getattr__(self, name: str):
        console = _ErrorConsole._console
        if console is None:
            from rich.console import Console

            console = _ErrorConsole._console = Console(stderr=True, soft_wrap=True, markup=False,
                                                       emoji=False, highlight=False)
        return getattr(console, name)


err = _ErrorConsole()


#: The longest line a message prints: a line quoting a 5,000-character value keeps its
#: start (file:line:column: field: …) and its end (what to do), not the middle.
MAX_LINE = 1000


def say(text: str) -> None:
    """Print one message for the user on stderr, exactly as written (see :data:`err`),
    each line cut to :data:`MAX_LINE` characters."""
    err.print("\n".join(_bounded(line) for line in str(text).split("\n")),
              markup=False, emoji=False, highlight=False)


def _bounded(line: str, head: int = 700, tail: int = 200) -> str:
    if len(line) <= MAX_LINE:
        return line
    return f"{line[:head]} … ({len(line) - head - tail:,} characters not shown) … {line[-tail:]}"


def split_names(names: str | None) -> list[str] | None:
    """The plugin names of ``--plugins a,b`` (None when not given).

    :raises Fail: the option names no plugin (exit status 2).
    """
    if names is None:
        return None
    out = [n.strip() for n in names.split(",") if n.strip()]
    if not out:
        raise Fail("--plugins needs at least one plugin name (see `drillsim plugins`)", 2)
    return out


def warn(scenario) -> None:
    """Print a loaded scenario's warnings on stderr."""
    for w in scenario.warnings:
        say(f"warning: {w}")


class _StandardOutput(type(Path())):
    """The type of :data:`STDOUT`: a path only so that code handed an output path can
    carry it; :func:`is_stdout` tells it from a file named ``-`` (``./-``)."""


#: what an output option (:class:`OutputFile`) holds when given as exactly ``-``
STDOUT = _StandardOutput("-")


def is_stdout(path) -> bool:
    """Whether an output option's value is standard output (given as ``-``)."""
    return isinstance(path, _StandardOutput)


class OutputFile(click.Path):
    """An option naming a file to write. Exactly ``-`` is standard output (:data:`STDOUT`)
    where the output is text a pipe can take; elsewhere ``-`` is refused, saying why (it
    used to make a file named ``-``). ``./-`` names a file called ``-``.

    :param no_stdout: what the output is, when it cannot go to standard output ("a
        SQLite database", "a PNG image"): ``-`` is then refused (exit status 2).
    :param suffixes: the file name endings the writer can make (lower case, ``.png``),
        checked before anything runs: a plot's format follows its name, and an unknown
        one failed only once the work was done.
    :param why: why the name must end so, for the message.
    """

    def __init__(self, no_stdout: str | None = None, suffixes: tuple[str, ...] = (),
                 why: str = "the format follows the name") -> None:
        super().__init__(dir_okay=False, path_type=Path)
        self.no_stdout = no_stdout
        self.suffixes = suffixes
        self.why = why

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value == "-":
            if self.no_stdout:
                self.fail(f"'-' (standard output) cannot take {self.no_stdout}; name a file "
                          "(./- for a file called -)", param, ctx)
            return STDOUT
        path = super().convert(value, param, ctx)
        suffix = Path(path).suffix.lower()
        if self.suffixes and suffix not in self.suffixes:
            self.fail(f"{str(value)!r}: name a file ending {' or '.join(self.suffixes)} "
                      f"({self.why})", param, ctx)
        if suffix in YAML_SUFFIXES and not os.path.lexists(path):
            # (an existing one is refused as a file drillsim reads: kept_file)
            self.fail(f"{str(value)!r}: name a file not ending {suffix}: no drillsim output is "
                      "YAML, and a .yaml or .yml file is read as a scenario, plan or other input "
                      "(plan --scenarios reads every one in a folder)", param, ctx)
        return path


#: the file name endings of YAML files: scenarios, regions, plans, sweeps, packs, seats;
#: no output is given one (:class:`OutputFile`), and none replaces one (:func:`kept_file`)
YAML_SUFFIXES = (".yaml", ".yml")


#: plots and maps (matplotlib chooses the format by the file name's ending)
IMAGE = {"no_stdout": "an image", "suffixes": (".png", ".pdf")}
#: a drill's after-action review: Markdown, so its name can never be one of the YAML or
#: JSON Lines files a drill reads (a pack's scenario two folders up, its region, plan)
REVIEW = {"no_stdout": "the review (Markdown, and HTML beside it)", "suffixes": (".md", ".markdown"),
          "why": "the review is Markdown; its HTML copy goes beside it"}


class OutputFolder(click.Path):
    """An option naming a folder to write files into; ``-`` is refused (a user means
    standard output by it, which cannot take a folder of files), ``./-`` is a folder
    called ``-``."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value == "-":
            self.fail("'-' (standard output) cannot take a folder of files; name a folder "
                      "(./- for a folder called -)", param, ctx)
        name = os.fspath(value).rstrip("/").rsplit("/", 1)[-1] if isinstance(value, (str, os.PathLike)) else ""
        if name not in ("", ".", "..") and name.endswith((" ", ".")):
            # as for a file (output_name_problem): Windows drops them, "plots." is plots there
            self.fail(f"{str(value)!r}: the folder name ends in a space or a dot, which Windows drops "
                      "(it would write into a folder of another name); leave it out", param, ctx)
        path = super().convert(value, param, ctx)
        # click refuses a regular file only: a device (/dev/null) or a pipe passed
        if os.path.exists(path) and not os.path.isdir(path):
            self.fail(f"{str(value)!r} is not a folder; name a folder (it is made if it does "
                      "not exist)", param, ctx)
        from drillsim.report.common import file_in_the_way

        blocking = file_in_the_way(Path(path))
        if blocking is not None:  # (sensitivity --plot ran every replication, then failed)
            self.fail(f"{str(value)!r}: {str(blocking)!r} is a file, not a folder: no folder can be "
                      "made under it", param, ctx)
        return path


def output_error(path: Path, exc: OSError) -> "Fail":
    """The message (exit status 1) for an output that could not be written: a file, or
    standard output closed by its reader (``| head``): what is still buffered for it, and
    Python's own flush at exit, then go to the null device instead of failing again."""
    if is_stdout(path):
        # what is still buffered for it cannot be written either: to the null device,
        # or Python's flush at exit fails again ("Exception ignored …")
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        if isinstance(exc, BrokenPipeError):
            return Fail("standard output was closed before everything was written (the "
                        "reader stopped)", 1)
        return Fail(f"standard output: cannot write: {exc.strerror or exc}", 1)
    return Fail(f"{path}: cannot write: {exc.strerror or exc}", 1)


def log_write_error(exc: BaseException) -> OSError | None:
    """The error writing the streamed event log (a full disk, a closed pipe) that the
    engine reported as a plugin's failure (:class:`~drillsim.errors.PluginFailed` wraps
    whatever a simulation process raised, and the log is written from within them); None
    when the failure is something else. Read from where it was raised (the log's module),
    so nothing is added to the path every event takes (SimPy hands on a process's
    exception as a copy caused by the original: the chain is followed)."""
    cause = exc.__cause__
    first = cause if isinstance(cause, OSError) else None
    seen = 0
    while isinstance(cause, OSError) and seen < 10:
        tb = cause.__traceback__
        while tb is not None:
            if tb.tb_frame.f_globals.get("__name__") == "drillsim.engine.eventlog":
                return first
            tb = tb.tb_next
        cause, seen = cause.__cause__, seen + 1
    return None


def write_output(path: Path, text: str, what: str | None = None) -> None:
    """Write an output file whole (never half-written: temp file + rename), or to
    standard output when ``path`` is :data:`STDOUT`; with ``what``, a file written is
    told on stderr ("coverage written to PATH").

    :raises Fail: the file cannot be written, or standard output is closed (exit status 1).
    """
    from drillsim.report.common import write_atomic

    try:
        if is_stdout(path):
            with _standard_output() as out:
                out.write(text)
        else:
            write_atomic(path, text)
    except OSError as exc:
        raise output_error(path, exc) from None
    if what is not None and not is_stdout(path):
        err.print(f"{what} written to {path}")


@contextlib.contextmanager
def open_output(path: Path, keep_on=()) -> Iterator:
    """A text stream for an output written as it is made (an event log): standard output
    for :data:`STDOUT`, else :func:`drillsim.report.common.open_atomic` (see ``keep_on``
    there).

    :raises Fail: the file cannot be made (exit status 1).
    """
    if is_stdout(path):
        with _standard_output() as out:
            yield out
        return
    from drillsim.report.common import open_atomic

    try:
        stream = open_atomic(path, keep_on=keep_on)
        fh = stream.__enter__()
    except OSError as exc:
        raise output_error(path, exc) from None
    with contextlib.ExitStack() as stack:
        stack.push(stream.__exit__)
        yield fh


@contextlib.contextmanager
def _standard_output() -> Iterator:
    """Standard output as UTF-8 text with ``\\n`` line ends whatever the locale (the same
    bytes as the file an output option would write), flushed at the end and left open.

    :raises Fail: the reader stopped early (``| head``), exit status 1.
    """
    import io

    sys.stdout.flush()  # whatever was printed before comes first
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stand-in (a test's): write the text as it is
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError as exc:
            raise output_error(STDOUT, exc) from None
        return
    # unbuffered (python -u, PYTHONUNBUFFERED) stdout's buffer is the raw file, whose
    # write may take only part of what it is given (64 KiB into a pipe): a text layer
    # straight on it drops the rest without a word; a buffered writer writes it all
    buffered = io.BufferedWriter(binary) if isinstance(binary, io.RawIOBase) else None
    out = io.TextIOWrapper(buffered or binary, encoding="utf-8", newline="\n", write_through=False)
    try:
        yield out
        out.flush()
    except BrokenPipeError as exc:
        raise output_error(STDOUT, exc) from None
    finally:
        out.detach()  # flushes (to the null device after a broken pipe); stdout stays open
        if buffered is not None:
            with contextlib.suppress(OSError, ValueError):
                buffered.detach()


#: endings of source and project files (code, packaging, docs sources), which no drillsim
#: output has: an output option naming one is a slip (``--json setup.py``)
_SOURCE_SUFFIXES = frozenset((".py", ".pyi", ".pyx", ".toml", ".cfg", ".ini", ".rst", ".sh",
                              ".ipynb", ".lock", ".c", ".h", ".js", ".ts"))
#: the options whose output is Markdown: only they may replace a Markdown file
_MARKDOWN_OPTIONS = frozenset(("--report", "--review"))


def kept_file(path: Path) -> str | None:
    """What an existing file is, when it is one drillsim ships or reads and no output may
    replace (None otherwise, or when nothing is there):

    - a YAML file: scenarios, regions, plans, sweeps, packs, seats and the chemical
      table are YAML, and no drillsim output is;
    - a stored sensitivity result (``sensitivity/NAME.json`` beside scenario
      ``NAME.yaml``: ``run`` reads it for its note), which only ``drillsim sensitivity``
      of that scenario writes;
    - a batch database (SQLite), a drill log or its controller log: the work of a whole
      batch or drill (a log known by its first line, also when copied alone or renamed,
      or by the other log beside it);
    - a file of drillsim itself or of its built-in plugins (the installed package);
    - a source or project file (``.py``, ``.toml``, ``.cfg`` …): no output is one.
    """
    try:
        if not path.is_file():
            return None
        real = path.resolve()
    except OSError:
        return None
    if real.suffix.lower() in YAML_SUFFIXES:
        return "a YAML file (a scenario, region, plan, sweep, pack or seats file): no output replaces one"
    if real.parent.name == "sensitivity" and real.suffix == ".json":
        from drillsim.scenario.paths import stored_sensitivity as stored_path

        for ending in (".yaml", ".yml"):
            scenario = real.parent.parent / (real.stem + ending)
            if scenario.is_file() and stored_path(scenario).resolve() == real:
                return (f"the stored sensitivity result of {scenario.name} (run reads it); only "
                        "drillsim sensitivity of that scenario replaces it")
    from drillsim.drill.drilllog import controller_path, log_kind

    if controller_path(real).is_file() and controller_path(real) != real:
        return "a drill log (its controller log is beside it)"
    kind = log_kind(real)  # a log copied alone, or renamed: known by its first line
    if kind == "player":
        return "a drill log (a drill's player log)"
    if kind == "controller":
        return "a drill's controller log"
    if real.name.endswith(".controller.jsonl"):
        main = real.with_name(real.name[:-len(".controller.jsonl")] + ".jsonl")
        if main.is_file():
            return "a drill's controller log"
    try:
        with open(real, "rb") as fh:
            if fh.read(16) == b"SQLite format 3\x00":
                return "a database (a batch's results)"
    except OSError:
        pass
    import drillsim

    for package in (Path(drillsim.__file__).resolve().parent, _plugins_folder()):
        if package is not None and real.is_relative_to(package):
            return "a file of drillsim itself"
    if real.suffix.lower() in _SOURCE_SUFFIXES:
        return (f"a source or project file ({real.suffix}): no drillsim output is one, so none "
                "replaces it")
    return None


def _plugins_folder() -> Path | None:
    """The folder of the built-in plugins' package (``plugins``), without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("plugins")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def resolved(path, what: str | None = None) -> Path:
    """``path`` with its symbolic links followed (:meth:`Path.resolve`), or exit status 2
    when they lead round in a loop (Python raised RuntimeError, a traceback).

    :param what: the name shown (``out.json (--json)``; default: the path).
    :raises Fail: exit status 2.
    """
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as exc:
        why = getattr(exc, "strerror", None) or "its symbolic links lead round in a loop"
        raise Fail(f"{what or path}: cannot follow it ({why.lower()}); give another name; "
                   "nothing was run", 2) from None


def output_name_problem(path) -> str | None:
    """Why ``path`` cannot be an output's name (a control character, too long, a space or
    a dot at its end), else
    None: said before anything runs, not as ``File name too long`` once the work is done.
    An output is written as a temporary file beside it (``.NAME.xxxxxxxx``) then renamed,
    so its own name has 10 bytes less than the system's 255."""
    from drillsim.scenario.yamlsource import path_problem

    problem = path_problem(str(path))
    name = Path(path).name
    if problem is None and len(os.fsencode(name)) > 245:
        problem = ("the file name is too long (more than 245 bytes: it is written as a "
                   "temporary file beside it, then renamed); give a shorter name")
    if problem is None and name not in (".", "..") and name.endswith((" ", ".")):
        # Windows drops them: "out.yaml." is out.yaml there, "run.json " another file's name
        problem = ("the file name ends in a space or a dot, which Windows drops (it would "
                   "write a file of another name); leave it out")
    return problem


def check_writable(paths, inputs=(), names=None, may_replace=()) -> None:
    """Refuse before running if an output cannot be written (missing or read-only folder
    or file), would overwrite an input of the run or a file drillsim ships or reads
    (:func:`kept_file`), or is named twice (standard output, ``-``, included).

    :param paths: the output files (None where not asked for; :data:`STDOUT` for ``-``).
    :param inputs: files the run reads (:attr:`ResolvedScenario.inputs`).
    :param names: the options that named ``paths``, for messages (``--json`` …).
    :param may_replace: kept files this command is the one to write (``sensitivity``:
        its scenario's stored result).
    :raises Fail: exit status 2, nothing run.
    """
    names = list(names or [None] * len(paths))
    read = {Path(p).resolve() for p in inputs}
    read_ids = {i for i in map(_identity, inputs) if i is not None}
    seen: dict[Path, str] = {}
    places: dict[tuple[int, int], str] = {}  # (device, inode) -> the option writing there
    piped: str | None = None
    for path, name in zip(paths, names):
        if path is None:
            continue
        if is_stdout(path):
            if piped is not None:
                raise Fail(f"- ({name}): {piped} writes to standard output already; give one "
                           "of them a file; nothing was run", 2)
            piped = name or "-"
            _same_place(places, _stdout_identity(), f"- ({name})" if name else "-", name, path)
            continue
        what = f"{path} ({name})" if name else str(path)
        problem = output_name_problem(path)
        if problem:
            raise Fail(f"{what}: {problem}; nothing was run", 2)
        target = resolved(path, what)
        if target in read or _identity(path) in read_ids - {None}:
            raise Fail(f"{what}: is a file this run reads; writing there would destroy it. "
                       "Name another file; nothing was run", 2)
        from drillsim.report.common import is_special

        if is_special(path):  # /dev/null, a named pipe: written into, not replaced
            _same_place(places, _identity(path), what, name, path)
            if not os.access(path, os.W_OK):
                raise Fail(f"{path}: cannot write there (permission denied); nothing was run", 2)
            continue
        if target in seen:
            raise Fail(f"{what}: {seen[target]} names the same file; give each output its own "
                       "file; nothing was run", 2)
        seen[target] = name or str(path)
        kept = kept_file(path)
        if kept is not None and target not in {Path(p).resolve() for p in may_replace}:
            raise Fail(f"{what}: is {kept}. Name another file; nothing was run", 2)
        if name is not None and name not in _MARKDOWN_OPTIONS and target.suffix.lower() in \
                (".md", ".markdown") and target.is_file():
            raise Fail(f"{what}: is a Markdown document, which only a report (--report, "
                       "--review) replaces. Name another file; nothing was run", 2)
        # the same file by another name (a hard link; /dev/stdout beside -, above)
        _same_place(places, _identity(path), what, name, path)
        folder = target.parent
        if not folder.is_dir():
            # a symbolic link is written through: the folder missing is its target's
            missing = folder if path.is_symlink() else path.parent
            from drillsim.report.common import file_in_the_way

            blocking = file_in_the_way(missing / "x")
            if blocking is not None:  # (it said "folder 'scenario.yaml' does not exist")
                raise Fail(f"{path}: {str(blocking)!r} is a file, not a folder; nothing was run", 2)
            raise Fail(f"{path}: folder {str(missing)!r} does not exist"
                       f"{' (where the link points)' if path.is_symlink() else ''}; nothing was run", 2)
        if path.is_dir():
            raise Fail(f"{path}: is a folder; give a file name; nothing was run", 2)
        # by its mode too: the superuser may write anything, but a read-only file says keep me
        if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
            raise Fail(f"{path}: the file is read-only; nothing was run", 2)
        import tempfile  # (only when an output is named: it imports shutil, random, bz2, lzma)

        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".drillsim-check-"):
                pass
        except OSError as exc:
            raise Fail(f"{path}: cannot write in {str(path.parent) or '.'!r} "
                       f"({os.strerror(exc.errno) if exc.errno else exc}); nothing was run", 2) from None


def _identity(path) -> tuple[int, int] | None:
    """(device, inode) of what ``path`` names now, through links (None if nothing is
    there yet): two names of one file, or a device such as ``/dev/stdout``, compare equal."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _stdout_identity() -> tuple[int, int] | None:
    """(device, inode) of what standard output is (a terminal, a pipe, a file); None
    when it has no file (a test's stand-in)."""
    try:
        st = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io_unsupported()):
        return None
    return st.st_dev, st.st_ino


def io_unsupported() -> type[BaseException]:
    import io

    return io.UnsupportedOperation


def _same_place(places: dict, place: tuple[int, int] | None, what: str, name: str | None,
                path) -> None:
    """Refuse (exit 2) a second output writing where another already does (two names of
    one file, standard output as ``-`` and as ``/dev/stdout``): the two would be written
    into each other. The null device takes any number of outputs."""
    if place is None or place == _identity(os.devnull):
        return
    shown = "standard output" if is_stdout(path) else str(path)
    if place in places:
        other = places[place]
        raise Fail(f"{what}: {other} writes to the same place by another name; give each "
                   "output its own file; nothing was run", 2)
    places[place] = f"{name} ({shown})" if name else shown


def host_for(plugins: str | None, disabled: tuple[str, ...], loading=None, scenario: Path | None = None):
    """The plugin host a command's options ask for (``--plugins``, ``--disable-plugin`` and,
    where the command has them, the loading options of :func:`with_loading_options`).

    :raises PluginError: a plugin cannot be loaded.
    """
    from drillsim.host.pluginhost import load_plugins

    if loading is None and scenario is None:
        host = load_plugins(split_names(plugins), disabled)
    else:
        host = _build_host(split_names(plugins), disabled, loading, scenario)
    for line in host.warnings:
        if line not in _WARNED:  # the host is cached per process: say it once
            _WARNED.add(line)
            err.print(f"warning: {line}")
    return host


_WARNED: set[str] = set()


#: young objects allocated, less those freed, between two young collections while a
#: command runs replications (Python's default: 700)
YOUNG_THRESHOLD = 20_000


#: the environment variable OpenBLAS (numpy's matrix library) reads for its thread count
BLAS_THREADS = "OPENBLAS_NUM_THREADS"


def one_blas_thread() -> None:
    """Ask numpy's OpenBLAS for no worker threads (``OPENBLAS_NUM_THREADS=1``), unless
    the environment already says how many; call it before numpy is imported. Loaded,
    OpenBLAS starts a worker thread per CPU, which busy-waits for work before it sleeps:
    ``python -c 'import numpy'`` takes 0.24 s of CPU with them and 0.10 s without (2
    CPUs; valgrind: 450 M instructions against 396 M), CPU a run's forked copy
    (:mod:`drillsim.scoring.forked`) and other work want. A scenario run does no matrix
    algebra (no BLAS call): the results are the same."""
    os.environ.setdefault(BLAS_THREADS, "1")


@contextlib.contextmanager
def young_collections_spaced() -> Iterator[None]:
    """Python's young-generation collections spaced out while a command runs its
    replications: a replication makes and drops objects by the hundred thousand (events,
    incidents, SimPy events), and at the default threshold the collector stops every
    700 allocations to walk the young ones, about 1 % of a flood run's instructions
    (valgrind: 2,899 M with the collector as it is, 2,866 M without it, 2,865 M with
    this threshold). Cyclic garbage still goes, 20,000 objects later at most. The
    thresholds are restored on leaving."""
    saved = gc.get_threshold()
    gc.set_threshold(max(saved[0], YOUNG_THRESHOLD), *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)


class WholeNumber(click.IntRange):
    """An integer option with bounds, refused in plain words (click's own type says
    "'x' is not a valid integer range")."""

    name = "whole number"

    def convert(self, value, param, ctx):
        # thousands of digits: not "not a valid whole number" (it is one), nor echoed whole
        digits = value.strip().lstrip("+-") if isinstance(value, str) else ""
        if digits.isdigit() and digits.isascii() and len(digits) > 100:
            self.fail(f"{digits[:20]}… ({len(digits):,} digits) is too large a whole number; "
                      "check for extra digits", param, ctx)
        if isinstance(value, str):  # the digits 0-9 only: int() takes '１２３' and '1_000' too
            from drillsim.scenario.quantities import read_whole

            try:
                value = read_whole(value)
            except ValueError as exc:
                if _python_reads(int, value):  # else click's own words ("not a valid …")
                    self.fail(str(exc), param, ctx)
        return super().convert(value, param, ctx)


def _python_reads(kind: type, text: str) -> bool:
    """Whether ``kind(text)`` (int or float) takes a text drillsim refuses as a number."""
    try:
        kind(text)
    except (ValueError, OverflowError):
        return False
    return True


#: a ``--seed``: as large as a scenario's ``run.seed`` may be (a signed 64-bit whole
#: number, :data:`drillsim.scenario.yamlsource.MAX_INT`: SQLite stores it, numpy seeds from it)
SEED = WholeNumber(0, 2**63 - 1)


class Number(click.FloatRange):
    """A real-number option with bounds, refused in plain words: the digits 0-9 only
    (``float()`` takes '１.５', '1_0', 'nan' and 'inf' too; NaN passed every bound)."""

    name = "number"

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            from drillsim.scenario.quantities import read_number

            try:
                value = read_number(value)
            except ValueError as exc:
                if _python_reads(float, value):  # else click's own words ("not a valid …")
                    self.fail(f"{exc} (a finite number such as 12 or 0.5)"
                              if "write the digits" not in str(exc) else str(exc), param, ctx)
        return super().convert(value, param, ctx)

    def _describe_range(self) -> str:
        # click writes "[x<=None]" in the help of a range with neither bound
        if self.min is None and self.max is None:
            return ""
        return super()._describe_range()


class Fail(click.ClickException):
    """A user's mistake or a failed run: the message on stderr and this exit status."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        say(self.format_message())


def plugin_failure(exc: BaseException) -> Fail:
    """The one message (exit status 2) for a plugin that cannot be loaded or breaks when
    first used, whether a command's :func:`guard` or the root group catches it."""
    return Fail(f"plugin error: {exc}", 2)


def guard(fn, *args, **kwargs):
    """Run ``fn``; turn the user's mistakes into messages and exit codes, not tracebacks."""
    from drillsim.host.pluginhost import PluginError

    try:
        return fn(*args, **kwargs)
    except ValidationFailed as exc:
        raise Fail(str(exc) + f"\n{len(set(exc.faults))} problem(s) found; nothing was run.", 2) from None
    except PluginError as exc:
        raise plugin_failure(exc) from None
    except DrillsimError as exc:
        raise Fail(f"run failed: {exc}", 1) from None


plugin_options = [
    click.option("--plugins", "plugins", metavar="NAMES",
                 help="Load only these plugins (comma-separated); default: all installed, "
                      "or $DRILLSIM_PLUGINS."),
    click.option("--disable-plugin", "disabled", multiple=True, metavar="NAME",
                 help="Do not load this plugin (repeatable)."),
]


def with_executor_options(workers_help: str = "Worker processes") -> Callable:
    """Add ``--workers``, ``--executor`` and ``--scheduler`` (the commands that run
    replications on an executor: batch, optimise, size, sensitivity); the command
    receives ``workers``, ``executor`` and ``scheduler`` for
    :func:`drillsim.batch.executor_choice.make_executor`.

    :param workers_help: the start of ``--workers``' help ("Worker processes for the check").
    """
    options = [
        click.option("--workers", "-w", type=WholeNumber(0, 4096),
                     help=f"{workers_help} (default: one per CPU); 0 runs in this process."),
        click.option("--executor", type=click.Choice(["local", "dask"]),
                     help="local: a process pool on this machine (default); dask: a Dask cluster."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Address of a running Dask scheduler (tcp://host:8786); implies "
                          "--executor dask. Without it, --executor dask starts a local cluster."),
    ]

    def decorate(fn):
        @functools.wraps(fn)
        def command(*args, **kwargs):
            _warn_oversubscribed(kwargs.get("workers"), kwargs.get("scheduler"))
            return fn(*args, **kwargs)

        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def _warn_oversubscribed(workers: int | None, scheduler: str | None) -> None:
    """One warning line on stderr when ``--workers`` asks for more worker processes on
    this machine than it has CPUs (the local pool and a local Dask cluster alike): they
    share the CPUs, so the batch is no faster, and each worker is a process importing
    drillsim (about 100 MB). Not for ``--scheduler``: that cluster's workers are its own.
    The hard limit (4096) is the option's range."""
    cpus = os.cpu_count() or 1
    if workers and not scheduler and workers > cpus:
        say(f"warning: --workers {workers} is more than this machine's {cpus} CPU(s): the "
            "workers share them (no faster, and about 100 MB of memory each)")


def with_plugin_options(fn):
    """Add ``--plugins`` and ``--disable-plugin``; the command receives ``plugins`` and
    ``disabled``."""
    for option in reversed(plugin_options):
        fn = option(fn)
    return fn
