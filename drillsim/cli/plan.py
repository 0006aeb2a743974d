"""``drillsim plan PLAN_FILE``: the plan-coverage table — each plan item, which scenario
scores it with which target row, or why not — and the counts.

The work is :mod:`drillsim.planning.plan_coverage`; this module prints the table (rich,
80 columns when not on a terminal) and writes ``--json``. Exit status 2 for bad input
(a missing file, a file that is not a plan file, an invalid scenario).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from drillsim.cli.support import (OutputFile, check_writable, guard, host_for, is_stdout, say,
                                  with_plugin_modules, with_plugin_options, write_output)

#: how the table writes the plan's status of an item
PLAN_STATUS = {"existing_2021": "2021", "to_build_by_2025": "by 2025", "ongoing": "ongoing"}


def coverage_table(cov):
    """The rich table of a :class:`~drillsim.planning.plan_coverage.PlanCoverage`."""
    from rich.table import Table

    from drillsim.planning.plan_coverage import rows_text

    table = Table(title=f"{cov.plan.name}: plan items and what scores them",
                  caption="plan: 2021 existing when issued, by 2025 to be built, ongoing; "
                          "scored: a target row that can fail names the item; * its goal "
                          "is not a number the plan sets",
                  show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("plan item (section)", ratio=3)
    table.add_column("plan")
    table.add_column("status")
    table.add_column("scored by (scenario target) / why not", ratio=4, overflow="fold")
    for ic in cov.items:
        item = ic.item
        if ic.status == "scored":
            why = rows_text(ic.scored_by)
        elif ic.partly_by:
            why = f"{ic.reason} ({rows_text(ic.partly_by)})" if ic.item.partly else \
                f"{rows_text(ic.partly_by)}: {ic.reason}"
        else:
            why = ic.reason
        table.add_row(item.id.lstrip("P"), f"{item.title} ({item.section})",
                      PLAN_STATUS[item.status], ic.status, why)
    return table


@click.command()
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scenarios", "folders", multiple=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="A folder of scenario files (repeatable); default: the folder above the "
                   "plan file's plans/.")
@click.option("--json", "json_path", metavar="PATH", type=OutputFile(),
              help="Write the items, the rows scoring them and the counts as JSON here (- for "
                   "standard output, instead of the table).")
@with_plugin_options
@with_plugin_modules
def plan(plan_file: Path, folders, json_path, plugins, disabled, loading) -> None:
    """The plan's items and which scenario scores each (target row) or why not, with the counts."""
    from drillsim.report.trimmed import stdout_console

    from drillsim.planning.plan_coverage import plan_coverage

    if json_path is not None and not is_stdout(json_path):
        # refuse before the work and the table, like run: exit 2, nothing written; what
        # is read: the plan, and the scenarios of the folders with the region and plan
        # files they name (every YAML file in them and one folder below: writing over one
        # destroyed it)
        from drillsim.planning.plan_coverage import default_scenario_folder

        roots = [Path(f) for f in folders] or [default_scenario_folder(plan_file)]
        read = [plan_file, *(p for root in roots if root.is_dir()
                             for pattern in ("*.yaml", "*.yml", "*/*.yaml", "*/*.yml")
                             for p in root.glob(pattern))]
        check_writable((Path(json_path),), read, ("--json",))
    host = guard(host_for, plugins, disabled, loading)
    cov = guard(plan_coverage, plan_file, host, list(folders) or None)
    data = json.dumps(cov.to_json(), ensure_ascii=False, indent=1) + "\n"
    if is_stdout(json_path):
        write_output(json_path, data)
        return
    out = stdout_console(highlight=False, width=None if sys.stdout.isatty() else 80)
    out.print(coverage_table(cov))
    counts = cov.counts()
    out.print(f"{len(cov.items)} items: {counts['scored']} scored, {counts['partly']} partly, "
              f"{counts['not modelled']} not modelled ({len(cov.scenarios)} scenarios: "
              f"{', '.join(cov.scenarios) or 'none'})")
    scored = [i for i in cov.items if i.status == "scored"]
    theirs = [i.item.id for i in scored if not i.against_plan_number]
    if theirs:  # a scenario's standard is not a plan target
        out.print(f"of the {len(scored)} scored, {len(scored) - len(theirs)} against a number "
                  f"the plan sets, {len(theirs)} only against a scenario's standard or "
                  f"drillsim's reading (rows marked *): {', '.join(theirs)}")
    for note in cov.notes:
        say(f"note: {note}")
    if json_path is not None:
        write_output(json_path, data, "plan coverage")
