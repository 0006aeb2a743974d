"""``drillsim hazard NAME --option value …``: a hazard model's result for given inputs.

Calculators come from plugins (``drillsim_register_calculators``); this module turns
each into a click command: it reads every option as the user writes it in scenario
files (``--wind 7m/s``, ``--slope 20%``), calls the model, and prints a table or JSON.
A bad input or an input outside the model's range exits with status 2 and a message.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import click

from drillsim.cli.support import IMAGE, OutputFile, plugin_module_option

from drillsim.errors import PASSES_THROUGH, brief
from drillsim.host.registry import CalcOption, Calculator
from drillsim.scenario.quantities import (
    QUANTITY_KINDS,
    digits_hint,
    parse_angle,
    parse_fraction,
    parse_percent,
    parse_quantity,
    parse_slope,
    read_number,
    read_whole,
)

#: The largest series file read, bytes (a CSV of one number per line: millions of steps).
MAX_SERIES_BYTES = 4 * 1024 * 1024
#: Whole-number options beyond this size are refused: no calculator input needs more, and
#: a count of 10**400 would overflow the arithmetic or loop for ever.
MAX_INTEGER = 1_000_000


def read_series(text: str) -> list[float]:
    """``"93,137,208"`` or a CSV/text file with one number per line (or comma-separated).

    The file is read through the one checked reader
    (:func:`drillsim.scenario.yamlsource.read_text`): a regular file of at most
    :data:`MAX_SERIES_BYTES`, never a pipe or a device (or a link to one).

    Blank lines opening or closing a file and commas ending a line are passed over; an
    empty step (``1,2,,3``, a blank line amid the numbers) is refused, not dropped: every
    later step would move one earlier.

    :raises ValueError: empty, an empty step, not numbers, file unreadable, not a regular
        file, too large.
    """
    from drillsim.scenario.validation import (
        ValidationFailed,
        path_problem,
        quote_name,
        read_text,
    )

    source = text
    if "," not in text and text.strip().lower().endswith((".csv", ".txt")):
        problem = path_problem(text)
        if problem is not None:
            raise ValueError(f"{quote_name(text)}: {problem}")
        try:
            source = read_text(Path(text), text, limit=MAX_SERIES_BYTES,
                               what="a CSV or text file of numbers")
        except ValidationFailed as exc:
            fault = exc.faults[0]
            where = f":{fault.line}:{fault.column}" if fault.line else ""
            raise ValueError(f"cannot read {quote_name(text)}{where}: {fault.message}") from None
    rows = [(number, [c.strip() for c in line.rstrip().rstrip(",").split(",")])
            for number, line in enumerate(source.splitlines(), 1)]
    while rows and rows[-1][1] == [""]:
        rows.pop()  # blank lines closing the file
    while rows and rows[0][1] == [""]:
        rows.pop(0)
    items: list[str] = []
    for number, cells in rows:
        if "" in cells:  # "1,2,,3" or a blank line amid the numbers: a step left out
            at = f" ({quote_name(text)}, line {number})" if source is not text else ""
            raise ValueError(f"step {len(items) + cells.index('') + 1} of the series is empty{at}; "
                             "give every step a value (0 for none)")
        items.extend(cells)
    if not items:
        raise ValueError("the series is empty")
    out = []
    for item in items:
        try:
            value = read_number(item)
        except ValueError:
            raise ValueError(f"{quote_name(item)} in the series is not a number{digits_hint(item)}") from None
        if not math.isfinite(value):
            raise ValueError(f"{quote_name(item)} in the series is not a finite number")
        out.append(value)
    return out


def _integer(text: str) -> int:
    """A whole-number option, at most :data:`MAX_INTEGER` in size.

    :raises ValueError: not a whole number, or too large (decided before converting a
        text of thousands of digits).
    """
    from drillsim.scenario.validation import quote_name

    digits = text.strip().lstrip("+-").lstrip("0")
    if re.fullmatch(r"[+-]?[0-9]+", text.strip()) and len(digits) > len(str(MAX_INTEGER)):
        value = None
    else:
        try:
            value = read_whole(text)
        except ValueError:
            raise ValueError(f"{quote_name(text)} is not a whole number{digits_hint(text)}") from None
    if value is None or abs(value) > MAX_INTEGER:
        raise ValueError(f"{quote_name(text)} is too large: give a whole number of at most "
                         f"{MAX_INTEGER:,}")
    return value


def convert(option: CalcOption, text: str) -> Any:
    """One option's text → the value ``compute`` receives (engine units).

    :raises ValueError: with a message for the user.
    """
    kind = option.kind
    if kind in QUANTITY_KINDS:
        return parse_quantity(text, kind, allow_zero=True)  # the kind's range: RANGES
    if kind == "fraction":
        if text.strip().endswith("%"):
            return parse_fraction(text.strip())
        try:
            share = read_number(text)
        except ValueError:
            raise ValueError(f"{_quoted(text)} is not a share such as 30% or 0.3{digits_hint(text)}") from None
        return parse_fraction(share)
    if kind == "percent":
        return parse_percent(text)
    if kind == "slope":
        return parse_slope(text)
    if kind == "angle":
        return parse_angle(text)
    if kind == "number":
        try:
            value = read_number(text)
        except ValueError as exc:
            if "beyond any number" in str(exc):  # digits past any float: 1e400
                raise ValueError(f"{_quoted(text)} is beyond any number drillsim takes (it reads "
                                 "as infinity)") from None
            raise ValueError(f"{_quoted(text)} is not a plain number{digits_hint(text)}") from None
        if not math.isfinite(value):
            raise ValueError(f"{_quoted(text)} is not a finite number")
        return value
    if kind == "integer":
        return _integer(text)
    if kind == "series":
        return read_series(text)
    if kind == "choice" and text not in option.choices:
        from drillsim.scenario.validation import suggest

        raise ValueError(f"{_quoted(text)} is not one of {', '.join(option.choices)}"
                         f"{suggest(text, option.choices)}")
    if kind == "text":
        bad = next((c for c in text if ord(c) < 32 or ord(c) == 127), None)
        if bad is not None:
            raise ValueError(f"{_quoted(text)} contains the control character {bad!r}; write it without")
        if len(text) > 1000:
            raise ValueError(f"{_quoted(text)} is too long (more than 1,000 characters)")
    return text


def _quoted(text: str) -> str:
    from drillsim.scenario.validation import quote_name

    return quote_name(text)


def _param_type(option: CalcOption):
    class Converted(click.ParamType):
        name = option.kind

        def convert(self, value, param, ctx):
            if not isinstance(value, str):
                return value
            try:
                return convert(option, value)
            except ValueError as exc:
                self.fail(str(exc), param, ctx)

    return Converted()


def _command(calc: Calculator) -> click.Command:
    # no default given at all where there is none: click 8.3+ takes an explicit
    # ``default=None`` as a value, and a required option left out then reached the
    # calculator as None (a TypeError from its arithmetic instead of "Missing option")
    params = [
        click.Option([f"--{opt.name.replace('_', '-')}", opt.name], type=_param_type(opt),
                     required=opt.required, show_default=opt.default is not None, help=opt.help,
                     **({} if opt.default is None else {"default": opt.default}))
        for opt in calc.options
    ]
    params.append(click.Option(["--json", "as_json"], is_flag=True, help="Print the result as JSON."))
    if calc.plot is not None:
        params.append(click.Option(["--plot", "plot_path"], type=OutputFile(**IMAGE),
                                   help="Draw the result on the region's map (PNG)."))
        params.append(click.Option(["--region", "region_path"], type=click.Path(dir_okay=False, path_type=Path),
                                   default=Path("scenarios/regions/tongnan.yaml"), show_default=True,
                                   help="Region file for the map."))

    def callback(as_json: bool, plot_path: Path | None = None, region_path: Path | None = None, **values):
        region = None
        if plot_path is None and calc.plot is not None:
            _refuse_map_options(calc)
        if plot_path is not None:  # the map's inputs and output are checked before any work
            from drillsim.cli.support import Fail, check_writable, guard

            missing = [f"--{n.replace('_', '-')}" for n in calc.plot_needs if values.get(n) is None]
            if missing:
                raise Fail(f"{calc.name}: --plot needs {' and '.join(missing)} (what the map "
                           "draws depends on it); nothing was computed", 2)
            from drillsim.scenario.region import load_region
            from drillsim.scenario.validation import file_problem, quote_name

            problem = file_problem(region_path)
            if problem == "file not found":
                raise Fail(f"--region: no region file {quote_name(str(region_path))} here; run "
                           "from the drillsim folder or give --region FILE", 2)
            if problem is not None:
                raise Fail(f"--region: {quote_name(str(region_path))}: {problem}", 2)
            region = guard(load_region, region_path, str(region_path))
            check_writable([plot_path], [region_path], ["--plot"])
        try:
            result = calc.compute(**values)
        except (ValueError, ArithmeticError) as exc:  # OverflowError, ZeroDivisionError too
            raise click.UsageError(f"{calc.name}: {exc}") from None
        except PASSES_THROUGH:
            raise
        except BaseException as exc:  # noqa: BLE001  (a fault in the calculator's plugin; sys.exit() too)
            from drillsim.cli.support import Fail

            raise Fail(f"{calc.name}: the calculator failed ({type(exc).__name__}: "
                       f"{str(exc)[:300]}): a fault in the plugin that provides it", 1) from None
        problem = result_problem(result)
        if problem is not None:
            from drillsim.cli.support import Fail

            raise Fail(f"{calc.name}: the calculator {problem}: a fault in the plugin that "
                       "provides it", 1)
        if as_json:
            click.echo(json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False))
        else:
            _print_summary(calc, result, values, _defaults_used(calc, plot_path is not None))
        if plot_path is not None:
            try:
                _plot(calc, result, values, plot_path, region)
            except ValueError as exc:
                raise click.UsageError(f"{calc.name}: {exc}") from None

    return click.Command(calc.name, params=params, callback=callback, help=calc.description,
                         short_help=calc.description.split(". ")[0][:60])


def _refuse_map_options(calc: Calculator) -> None:
    """Without ``--plot``, an option that only serves the map (its help says "for
    --plot", and ``--region``) was read and then ignored without a word (``hazard fire
    --at guxi``: no ignition point anywhere in the result): refused, exit status 2.

    :raises Fail: such an option was given.
    """
    from click.core import ParameterSource

    from drillsim.cli.support import Fail

    ctx = click.get_current_context()
    names = [o.name for o in calc.options if "--plot" in o.help] + ["region_path"]
    given = [("--region" if n == "region_path" else f"--{n.replace('_', '-')}") for n in names
             if ctx.get_parameter_source(n) not in (None, ParameterSource.DEFAULT)]
    if given:
        raise Fail(f"{calc.name}: {' and '.join(given)} only "
                   f"serve{'s' if len(given) == 1 else ''} the map: add --plot FILE.png, or leave "
                   f"{'it' if len(given) == 1 else 'them'} out; nothing was computed", 2)


def _defaults_used(calc: Calculator, plotting: bool) -> list[str]:
    """The options left at their default, as ``--x 1km`` (said under the result, so a
    reader knows, e.g., which point a concentration is for); options whose help says
    they are for ``--plot`` only when plotting."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    return [f"--{o.name.replace('_', '-')} {o.default}" for o in calc.options
            if o.default is not None and ctx.get_parameter_source(o.name) == ParameterSource.DEFAULT
            and (plotting or "--plot" not in o.help)]


def result_problem(result: Any) -> str | None:
    """What is wrong with a calculator's result, or None: it must be what
    :class:`~drillsim.host.registry.Calculator` says ``compute`` returns, a dict of flat
    results keyed by name — finite numbers, text, true/false, or lists of those (a value
    it cannot give is an error it raises, not None or NaN)."""
    if not isinstance(result, dict):
        return f"returned {brief(result)}, not a dict of named results"
    for key, value in result.items():
        if not isinstance(key, str):
            return f"returned the result name {brief(key)}, not text"
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, float) and not math.isfinite(item):
                return f"returned {key} = {brief(value)}, not a finite number"
            if not isinstance(item, (int, float, str)):  # (bool is an int)
                return (f"returned {key} = {brief(value)}; a result is a number, text, "
                        "true/false or a list of those")
    return None


def plain_rows(result: dict) -> list[tuple[str, str]]:
    """A result without a calculator ``summary``: each key in words, numbers to 3
    significant figures, a list as its length and range (``--json`` has every value)."""
    from drillsim.scenario.quantities import format_number

    rows = []
    for key, value in result.items():
        if isinstance(value, list):
            nums = [v for v in value if isinstance(v, (int, float)) and not isinstance(v, bool)]
            text = (f"{len(value)} values, {format_number(min(nums))} to {format_number(max(nums))}"
                    if nums else f"{len(value)} values")
        else:
            text = format_number(value) if isinstance(value, float) else str(value)
        rows.append((key.replace("_", " "), text))
    return rows


def _print_summary(calc: Calculator, result: dict, values: dict, defaults: list[str]) -> None:
    from drillsim.report.trimmed import stdout_console
    from rich.table import Table
    from rich.text import Text

    rows = calc.summary(result, values) if calc.summary is not None else plain_rows(result)
    table = Table(header_style="bold")
    table.add_column("quantity")
    table.add_column("value")
    for label, text in rows:
        table.add_row(Text(label), Text(text))
    # results may quote the user's text (a place, a chemical): never read as markup or emoji
    console = stdout_console(emoji=False, markup=False, highlight=False)
    console.print(Text(calc.description.split(". ")[0], style="bold"))
    console.print(table)
    if defaults:
        console.print(Text("Defaults used: " + ", ".join(defaults) + " (see --help).", style="dim"))
    console.print(Text("--json gives every value at full precision.", style="dim"))


def _plot(calc: Calculator, result: dict, values: dict, path: Path, region) -> None:
    import matplotlib
    from matplotlib.figure import Figure

    from drillsim.report.fonts import plot_fonts

    with matplotlib.rc_context(plot_fonts()):  # Chinese names in the region draw as text
        fig = Figure(figsize=(10, 8))
        _draw_map(fig.subplots(), calc, result, values, region)
        from drillsim.report.common import save_figure

        save_figure(fig, path, dpi=120, bbox_inches="tight")
    click.echo(f"map written to {path}", err=True)


def _draw_map(ax, calc: Calculator, result: dict, values: dict, region) -> None:
    from drillsim.report.basemap import draw_region, finish

    labels = draw_region(ax, region)
    calc.plot(ax, region, result, values)
    ax.set_title(f"{calc.name}: {region.spec.name}")
    finish(ax, region, labels)


class HazardGroup(click.Group):
    """The ``hazard`` group: one subcommand per calculator of the loaded plugins (those
    the group's ``--plugins``, ``--disable-plugin`` and ``--plugin-module`` ask for)."""

    def _calculators(self, ctx):
        from drillsim.cli.support import Loading, guard, host_for

        params = ctx.params if ctx is not None else {}
        modules = params.get("plugin_modules_") or {}
        host = guard(host_for, params.get("plugins"), tuple(params.get("disabled") or ()),
                     Loading(dict(modules)) if modules else None)
        return host.calculators

    def list_commands(self, ctx):
        return self._calculators(ctx).names()

    def get_command(self, ctx, name):
        calculators = self._calculators(ctx)
        if name not in calculators:
            return None
        _check_defaults(calculators[name], calculators.providers[name])
        return _command(calculators[name])


def _check_defaults(calc: Calculator, plugin: str) -> None:
    """Every option's default must read as the option's kind: a default the plugin got
    wrong was reported as the user's bad ``--option`` although they never gave it.

    :raises Fail: naming the plugin, the calculator and the option (exit status 2)."""
    for opt in calc.options:
        if opt.default is None:
            continue
        try:
            convert(opt, str(opt.default))
        except ValueError as exc:
            from drillsim.cli.support import Fail

            raise Fail(f"plugin error: plugin {plugin!r}, calculator {calc.name!r}: the default of "
                       f"--{opt.name.replace('_', '-')}, {opt.default!r}, is refused: {exc}; the "
                       f"default is written as a user would type it (e.g. '40km/h')", 2) from None


@click.group(cls=HazardGroup)
# eager, as --help is: read before it when given before it, so the help lists the
# calculators of the plugins these options load
@click.option("--plugins", "plugins", metavar="NAMES", is_eager=True,
              help="Load only these plugins (comma-separated); default: all installed, "
                   "or $DRILLSIM_PLUGINS.")
@click.option("--disable-plugin", "disabled", multiple=True, metavar="NAME", is_eager=True,
              help="Do not load this plugin (repeatable).")
@plugin_module_option(" These options go before the calculator's name.", is_eager=True)
def hazard(plugins, disabled, plugin_modules_) -> None:
    """Compute a hazard model's result for given inputs (units in the text: 7m/s, 20%)."""
