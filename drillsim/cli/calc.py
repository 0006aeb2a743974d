"""``drillsim calc erlang-b|erlang-c|hypercube``: the queueing screens, analytic and
instant, to run before simulating (:mod:`drillsim.planning.erlang`,
:mod:`drillsim.planning.hypercube`). Quantities carry their units as in scenario files
(``--rate 4.5/h --service 40min``); ``--json`` prints every value at full precision. Bad
input exits with status 2 and a message.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from drillsim.cli.support import Fail, Number, WholeNumber, guard


class _Quantity(click.ParamType):
    """An option read like a scenario field: ``4.5/h``, ``40min``, ``5%``."""

    def __init__(self, kind: str, allow_zero: bool = False) -> None:
        self.kind = kind
        self.name = kind
        self.allow_zero = allow_zero

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        from drillsim.scenario.quantities import parse_fraction, parse_quantity, read_number

        try:
            if self.kind == "fraction":
                text = value.strip()
                try:
                    return parse_fraction(read_number(text) if not text.endswith("%") else text)
                except ValueError:  # not a number: the share parser's own words
                    return parse_fraction(text)
            return parse_quantity(value, self.kind, allow_zero=self.allow_zero)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


RATE = _Quantity("rate")
DURATION = _Quantity("time")
DURATION0 = _Quantity("time", allow_zero=True)
SHARE = _Quantity("fraction")
#: the most units a table lists when --units is not given
TABLE_MOST = 40


def _load(rate: float | None, service: float | None, load: float | None) -> tuple[float, float | None]:
    """The offered load in erlangs from ``--rate`` × ``--service`` or ``--load``."""
    if load is not None:
        if rate is not None or service is not None:
            raise Fail("give --load, or --rate and --service, not both", 2)
        if not (math.isfinite(load) and 0 <= load <= 100_000):
            raise Fail(f"--load {load:g}: give an offered load from 0 to 100,000 erlangs", 2)
        return load, None
    if rate is None or service is None:
        raise Fail("give --rate (calls per time, e.g. 4.5/h) and --service (mean time a unit "
                   "is held per call, e.g. 40min), or --load ERLANGS", 2)
    a = rate * service
    if a > 100_000:
        raise Fail(f"--rate × --service = {a:,.0f} erlangs; at most 100,000", 2)
    return a, rate


def _units_list(units: int | None, first: int, done) -> list[int]:
    """``[units]``, or a table from ``first`` until ``done(n)`` or :data:`TABLE_MOST` rows."""
    if units is not None:
        return [units]
    out = []
    for n in range(first, first + TABLE_MOST):
        out.append(n)
        if done(n):
            break
    return out


def _console():
    from drillsim.report.trimmed import stdout_console

    return stdout_console(emoji=False, markup=False, highlight=False)


def _pct(p: float) -> str:
    from drillsim.scenario.quantities import format_number

    if p == 0:
        return "0 %"
    return f"{format_number(p * 100, 3)} %" if p >= 1e-5 else f"{p:.2e}"


def _minutes(m: float) -> str:
    """Minutes as :func:`_pct` writes a share: below 0.001 min in scientific notation (a
    200-unit hypercube's mean wait of 8e-317 min was written with 316 zeros)."""
    from drillsim.scenario.quantities import format_number

    if m == 0 or m >= 1e-3:
        return f"{format_number(m, 3)} min"
    return f"{m:.2e} min"


def _header(title: str, a: float, rate: float | None, service: float | None) -> str:
    from drillsim.scenario.quantities import format_number

    if rate is None:
        return f"{title}: offered load {format_number(a, 4)} erlangs"
    return (f"{title}: {format_number(rate * 60, 4)} calls/h × {format_number(service, 4)} min "
            f"held per call = {format_number(a, 4)} erlangs offered")


@click.group()
def calc() -> None:
    """Queueing screens before simulating: Erlang B, Erlang C, Larson's hypercube."""


@calc.command("erlang-b")
@click.option("--rate", type=RATE, help="Calls per time, e.g. 4.5/h.")
@click.option("--service", type=DURATION, help="Mean time a unit is held per call, e.g. 40min.")
@click.option("--load", type=Number(), help="Offered load in erlangs (instead of --rate and --service).")
@click.option("--units", type=WholeNumber(0, 10_000), help="Units (default: a table of counts).")
@click.option("--max-blocking", type=SHARE,
              help="Also find the fewest units with at most this share of calls blocked, e.g. 1%.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def erlang_b_cmd(rate, service, load, units, max_blocking, as_json) -> None:
    """Erlang B: the share of calls that find every unit busy when there is no queue (a
    blocked call is lost or goes to mutual aid), M/M/N/N."""
    from drillsim.planning.erlang import as_dict, erlang_b, loss, smallest_units

    a, lam = _load(rate, service, load)
    results = [loss(n, a, lam) for n in _units_list(
        units, max(1, math.floor(a * 0.5)),
        lambda n: erlang_b(n, a) < min(0.001, max_blocking or 1))]
    fewest = None
    if max_blocking is not None and max_blocking <= 0:
        raise Fail("--max-blocking 0 %: no number of units blocks no call at all; give a share "
                   "above 0, e.g. 1%", 2)
    if max_blocking is not None:
        try:
            fewest = smallest_units(a, blocking=max_blocking)
        except ValueError as exc:
            raise Fail(f"--max-blocking {_pct(max_blocking)}: {exc}", 2) from None
    if as_json:
        click.echo(json.dumps({"model": "erlang_b", "offered_load_erlangs": a,
                               "calls_per_hour": None if lam is None else lam * 60,
                               "mean_holding_minutes": service,
                               "results": [as_dict(r) for r in results],
                               "max_blocking": max_blocking, "fewest_units": fewest},
                              indent=2, allow_nan=False))
        return
    from rich.table import Table
    from rich.text import Text

    out = _console()
    out.print(Text(_header("Erlang B (no queue: a call finding every unit busy is blocked)", a, lam,
                           service), style="bold"))
    table = Table(header_style="bold")
    for col in ("units", "blocked (B)", "units busy on average", "each unit busy"):
        table.add_column(col, justify="right")
    if lam is not None:
        table.add_column("calls blocked per day", justify="right")
    for r in results:
        row = [str(r.units), _pct(r.blocking), f"{r.carried:.3g}", _pct(r.utilisation)]
        if lam is not None:
            row.append(f"{r.lost_per_hour * 24:.3g}")
        table.add_row(*row)
    out.print(table)
    if fewest is not None:
        out.print(Text(f"Fewest units with at most {_pct(max_blocking)} blocked: {fewest} "
                       f"(B = {_pct(erlang_b(fewest, a))})"))
    out.print(Text("B(0) = 1, B(n) = a·B(n−1) / (n + a·B(n−1)); holds for any holding-time "
                   "distribution with this mean. --json gives every value.", style="dim"))


@calc.command("erlang-c")
@click.option("--rate", type=RATE, help="Calls per time, e.g. 4.5/h.")
@click.option("--service", type=DURATION, help="Mean time a unit is held per call, e.g. 40min.")
@click.option("--load", type=Number(), help="Offered load in erlangs (with --service for waits; "
                                          "instead of --rate).")
@click.option("--units", type=WholeNumber(1, 10_000), help="Units (default: a table of counts).")
@click.option("--wait", "waits", type=DURATION0, multiple=True,
              help="Also give P(wait > T) for this time, e.g. 10min (repeatable).")
@click.option("--max-waiting", type=SHARE,
              help="Also find the fewest units with at most this share of calls waiting, e.g. 20%; "
                   "with one --wait, at most this share waiting longer than it.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def erlang_c_cmd(rate, service, load, units, waits, max_waiting, as_json) -> None:
    """Erlang C: with a queue (first come, first served), the chance a call waits for a
    unit, the mean wait and P(wait > T), M/M/N."""
    from drillsim.planning.erlang import (
        as_dict,
        delay,
        erlang_c,
        fewest_keeping_up,
        saturated,
        smallest_units,
    )

    if load is not None and service is not None and rate is None:
        a, lam = load, None
        if not (math.isfinite(load) and 0 <= load <= 100_000):
            raise Fail(f"--load {load:g}: give an offered load from 0 to 100,000 erlangs", 2)
    else:
        a, lam = _load(rate, service, load)
    hold = service if service is not None else 1.0  # --load alone: times in mean holding times
    if waits and service is None:
        # (a --wait of 10min was read as 10 mean holding times: the wait tail in the wrong unit)
        raise Fail(f"--wait {waits[0]:g}min needs --service (the mean holding time, e.g. 40min): "
                   "with --load alone the queue's time unit is the mean holding time, not minutes", 2)
    if units is not None and saturated(units, a):
        raise Fail(f"--units {units}: an offered load of {a:.4g} erlangs needs more than {units} "
                   "unit(s): with a queue, it grows without bound", 2)
    if max_waiting is not None and len(waits) > 1:
        raise Fail("--max-waiting takes at most one --wait", 2)
    first = fewest_keeping_up(a)
    results = [delay(n, a, hold, list(waits)) for n in _units_list(
        units, first, lambda n: erlang_c(n, a) < min(0.001, max_waiting or 1))]
    fewest = None
    if max_waiting is not None and max_waiting <= 0:
        raise Fail("--max-waiting 0 %: with a queue some calls always wait; give a share above "
                   "0, e.g. 10%", 2)
    if max_waiting is not None:
        try:
            fewest = (smallest_units(a, wait=(waits[0], max_waiting, hold)) if waits
                      else smallest_units(a, wait_probability=max_waiting))
        except ValueError as exc:
            raise Fail(f"--max-waiting {_pct(max_waiting)}: {exc}", 2) from None
    unit_word = "min" if service is not None else "mean holding times"
    if as_json:
        click.echo(json.dumps({"model": "erlang_c", "offered_load_erlangs": a,
                               "calls_per_hour": None if lam is None else lam * 60,
                               "mean_holding_minutes": service,
                               "results": [as_dict(r) for r in results],
                               "max_waiting": max_waiting, "fewest_units": fewest},
                              indent=2, allow_nan=False))
        return
    from rich.table import Table
    from rich.text import Text

    out = _console()
    out.print(Text(_header("Erlang C (a queue: first come, first served)", a, lam, service),
                   style="bold"))
    table = Table(header_style="bold")
    for col in ("units", "calls waiting (C)", f"mean wait ({unit_word})",
                f"mean wait of those waiting ({unit_word})", "each unit busy",
                *[f"P(wait > {t:g} {unit_word})" for t in waits]):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(str(r.units), _pct(r.wait_probability), f"{r.mean_wait:.3g}",
                      f"{r.mean_wait_if_waiting:.3g}", _pct(r.utilisation),
                      *[_pct(r.wait_over[t]) for t in waits])
    out.print(table)
    if fewest is not None:
        what = (f"waiting longer than {waits[0]:g} {unit_word}" if waits else "waiting")
        out.print(Text(f"Fewest units with at most {_pct(max_waiting)} of calls {what}: {fewest}"))
    out.print(Text("C = N·B / (N − a(1 − B)); mean wait C / (Nμ − λ); P(W > t) = C·exp(−(Nμ − λ)t); "
                   "exponential holding times assumed. --json gives every value.", style="dim"))


@calc.command("hypercube")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(["auto", "exact", "approx"]), default="auto",
              show_default=True,
              help="exact: the 2^N-state Markov chain (up to 14 units); approx: Larson's 1975 "
                   "approximation; auto: exact up to 10 units.")
@click.option("--rate", type=RATE, help="Replace the spec's total call rate, e.g. 3/h.")
@click.option("--service", type=DURATION, help="Replace the spec's mean holding time, e.g. 45min.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def hypercube_cmd(spec: Path, method, rate, service, as_json) -> None:
    """Larson's hypercube model: per unit its workload, per atom the share each unit
    serves, out-of-area dispatches, waits or losses, mean travel when the spec gives travel
    times."""
    from drillsim.planning.hypercube import EXACT_MOST, solve
    from drillsim.planning.hypercube_spec import OverrideRefused, load_system

    try:
        file, system = guard(load_system, spec, rate, service)
    except OverrideRefused as exc:
        raise Fail(str(exc), 2) from None
    if method == "exact" and system.n > EXACT_MOST:
        raise Fail(f"--method exact: {system.n} units make 2^{system.n} states; at most "
                   f"{EXACT_MOST} (use --method approx)", 2)
    try:
        sol = solve(system, method)
    except ValueError as exc:
        raise Fail(f"{spec}: {exc}", 1) from None
    if as_json:
        click.echo(json.dumps({"model": "hypercube", "name": file.name, **sol.to_dict()},
                              indent=2, ensure_ascii=False, allow_nan=False))
        return
    _print_hypercube(file.name, sol)


def _print_hypercube(name: str, sol) -> None:
    from rich.table import Table
    from rich.text import Text

    from drillsim.scenario.quantities import format_number

    s = sol.system
    out = _console()
    how = ("exact (2^%d states)" % s.n if sol.method == "exact"
           else f"Larson's approximation ({sol.iterations} iterations)")
    out.print(Text(f"Hypercube model, {how}: {name}", style="bold"))
    line = {"infinite": "calls finding every unit busy wait in one line",
            "none": "calls finding every unit busy are lost"}[s.queue]
    out.print(Text(f"{format_number(s.rate * 60, 4)} calls/h × {format_number(s.service, 4)} min "
                   f"held = {format_number(s.load, 4)} erlangs on {s.n} units; {line}."))
    units = Table(title="Units", header_style="bold", title_justify="left")
    for col in ("unit", "workload (share of time busy)"):
        units.add_column(col, justify="right" if col != "unit" else "left")
    if sol.mean_travel is not None:
        units.add_column("mean travel of its calls", justify="right")
    for n, u in enumerate(s.units):
        row = [Text(u), _pct(sol.workload[n])]
        if sol.mean_travel is not None:
            t = sol.travel_by_unit[n]
            row.append("—" if math.isnan(t) else _minutes(t))
        units.add_row(*row)
    out.print(units)
    atoms = Table(title="Atoms: share of each atom's calls served by each unit",
                  header_style="bold", title_justify="left")
    atoms.add_column("atom")
    atoms.add_column("share of calls", justify="right")
    for u in s.units:
        atoms.add_column(Text(u), justify="right")
    if sol.mean_travel is not None:
        atoms.add_column("mean travel", justify="right")
    total = s.rate
    for j, a in enumerate(s.atoms):
        row = [Text(a), _pct(s.rates[j] / total), *[_pct(sol.served[n, j]) for n in range(s.n)]]
        if sol.mean_travel is not None:
            row.append(_minutes(sol.travel_by_atom[j]))
        atoms.add_row(*row)
    out.print(atoms)
    facts = [f"answered by a unit other than the atom's first choice: {_pct(sol.out_of_area)}"]
    if s.queue == "infinite":
        facts.append(f"calls that wait: {_pct(sol.queued)}, mean wait {_minutes(sol.mean_wait)}")
    else:
        facts.append(f"calls lost (every unit busy): {_pct(sol.lost)}")
    if sol.mean_travel is not None:
        facts.append(f"mean travel: {_minutes(sol.mean_travel)}")
    out.print(Text("; ".join(facts) + "."))
    out.print(Text("Larson (1974) exact; Larson (1975) approximation, typically within 1–2 % "
                   "of exact. --json gives every value.", style="dim"))
