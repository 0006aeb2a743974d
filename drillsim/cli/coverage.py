"""``drillsim coverage SCENARIO …``: travel times from each force's nearest unit to every
township and place of interest, the plan's standard, the population share covered, a map.

The work is :mod:`drillsim.planning.coverage`; this module reads options, prints the
table (rich) and writes ``--json`` and ``--map``. Exit status 2 for bad input.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import click

from drillsim.cli.support import (Fail, IMAGE, OutputFile, check_writable, err, guard, host_for, is_stdout, warn,
                                  with_plugin_modules, with_plugin_options, write_output)


def parse_minutes(value: str | None, option: str) -> float | None:
    """``"15min"``, ``"1.5h"`` → minutes (None stays None).

    :raises Fail: not a duration with a unit (exit status 2, naming the option).
    """
    if value is None:
        return None
    from drillsim.scenario.quantities import parse_quantity

    try:
        return parse_quantity(value, "time", allow_zero=True)
    except ValueError as exc:
        raise Fail(f"{option} {value!r}: {exc}", 2) from None


def _weights_note(sc) -> str:
    """What the population column is: the region's ``population_weight``, a relative
    weight to split totals by, with the statuses the region gives it (the Tongnan
    region's are GeoNames figures, approximate, not a census count)."""
    statuses: dict[str, int] = {}
    for t in sc.region.spec.townships:
        if t.population_weight is not None:
            key = t.population_status or "status not given"
            statuses[key] = statuses.get(key, 0) + 1
    told = ", ".join(f"{n} township{'s' if n != 1 else ''} {k}" for k, n in sorted(statuses.items()))
    return ("population weight: the region file's population_weight of each township, a relative "
            "weight for splitting totals, not a census count" + (f" ({told})" if told else ""))


def _cell(minutes: float, standard, reach) -> str:
    if math.isinf(minutes):
        return "—"
    mark = "" if standard is None else (" ✓" if standard.met(standard.of(reach)) else " ✗")
    return f"{minutes:.1f}{mark}"


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", "forces", multiple=True, metavar="ID",
              help="Only this force (repeatable; default: every force with units).")
@click.option("--within", metavar="TIME", help="Report the population share whose nearest unit "
              "travels at most this long (15min, 1h).")
@click.option("--at", "at", metavar="TIME", help="Take the roads as the scenario's hazards leave "
              "them at this scenario time (12h): replication 0 is run to it first.")
@click.option("--map", "map_path", type=OutputFile(**IMAGE),
              help="Draw a map of the nearest-unit travel times into PATH.png.")
@click.option("--json", "json_path", type=OutputFile(),
              help="Write the travel times, standards and shares as JSON here (- for standard "
                   "output, instead of the table).")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the table.")
@with_plugin_options
@with_plugin_modules
def coverage(scenario: Path, forces, within, at, map_path, json_path, quiet, plugins,
             disabled, loading) -> None:
    """Travel time from each force's nearest unit to every township and place, against the scenario's response-time targets."""
    from drillsim.report.trimmed import stdout_console
    from rich.table import Table

    from drillsim.planning.coverage import coverage as compute
    from drillsim.scenario.loader import load_scenario

    within_min = parse_minutes(within, "--within")
    at_min = parse_minutes(at, "--at")
    host = guard(host_for, plugins, disabled, loading, scenario)
    sc = guard(lambda: load_scenario(scenario, host=host))
    warn(sc)
    check_writable((map_path, json_path), sc.inputs, ("--map", "--json"))
    if at_min is not None and at_min >= sc.horizon:
        raise Fail(f"--at {at}: at or after the end of the run (horizon {sc.horizon:g} min)", 2)
    try:
        cov = guard(compute, sc, host, list(forces) or None, at_min, within_min)
    except KeyError as exc:
        raise Fail(f"--force: {exc.args[0]}", 2) from None
    if not quiet and not is_stdout(json_path):  # - : the JSON takes the table's place
        out = stdout_console(highlight=False, width=None if sys.stdout.isatty() else 200)
        table = Table(title=f"{sc.name}: travel minutes of the nearest unit"
                      + (f" (roads at {at_min:g} min)" if at_min else ""),
                      caption="✓/✗: the force's standard met/not met (turnout + travel, free unit "
                              "at its base); —: no unit can reach it")
        table.add_column("place")
        table.add_column("population weight", justify="right")
        for fc in cov.forces:
            table.add_column(fc.force, justify="right")
        for p in cov.places:
            weight = cov.population.get(p.id)
            row = [p.name if p.id in cov.population else f"{p.name} [{p.kind}]",
                   "" if weight is None else f"{weight:,}"]
            row += [_cell(fc.reach[p.id].travel, fc.standard, fc.reach[p.id]) for fc in cov.forces]
            table.add_row(*row)
        out.print(table)
        towns = [p for p in cov.places if p.id in cov.population]
        for fc in cov.forces:
            line = f"{fc.force}: "
            if fc.standard is not None:
                met = sum(fc.standard.met(fc.standard.of(fc.reach[p.id])) for p in towns)
                line += (f"standard {fc.standard.target} {fc.standard.minutes:g} min "
                         f"({fc.standard.measure}) met at {met} of {len(towns)} townships")
            else:
                line += "no response-time standard in the scenario"
            if within_min is not None:
                share, people, total, _ = cov.population_covered(within_min, [fc.force])
                line += (f"; population weight within {within_min:g} min: {share:.1%} "
                         f"({people:,} of {total:,})")
            out.print(line)
        if within_min is not None:
            share, people, total, unknown = cov.population_covered(within_min)
            out.print(f"nearest unit of any force shown within {within_min:g} min: {share:.1%} of "
                      f"the population weight ({people:,} of {total:,}"
                      + (f"; no weight for {', '.join(unknown)}" if unknown else "") + ")")
        out.print(_weights_note(sc))
    if json_path is not None:
        write_output(json_path, json.dumps(cov.to_json(), ensure_ascii=False, indent=1) + "\n", "coverage")
    if map_path is not None:
        from drillsim.planning.coverage_map import write_map

        try:
            write_map(cov, map_path, sc.region)
        except OSError as exc:
            raise Fail(f"{map_path}: cannot write: {exc.strerror or exc}", 1) from None
        err.print(f"map written to {map_path}")
