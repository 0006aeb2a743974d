"""The scorecard as a terminal table (rich).

Rows with a threshold come first, one line each; information rows that are broken down
by force or township (units committed …) follow as one compact table, labels down the
side, so a wide scenario stays readable at 80 columns.

Everything the user wrote (scenario, plan and target names, labels, assumptions) goes to
the console as :class:`rich.text.Text`, never as a markup string: ``[red]x[/red]`` and
``:100:`` in a name print as written, whatever console the caller passes.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from drillsim.report.common import measured, num, rate_text, target_text
from drillsim.report.facts import implicit_assumptions

STYLE = {"pass": "bold green", "fail": "bold red", "info": "cyan", "not measured": "yellow"}


def _split(rows):
    main, pivot = [], {}
    for row in rows:
        if row.status == "info" and "/" in row.id:
            base, label = row.id.split("/", 1)
            pivot.setdefault(base, {})[label] = row
        else:
            main.append(row)
    return main, pivot


def plain_console(**kwargs) -> Console:
    """A console that reads no markup and no emoji codes in strings (user text stays as
    written), and highlights nothing."""
    return Console(markup=False, emoji=False, highlight=False, **kwargs)


def print_scorecard(outcome, console: Console | None = None) -> None:
    """Print the scorecard, then the assumptions the scenario makes."""
    console = console or plain_console()
    sc = outcome.scenario
    console.print(Text.assemble((sc.name, "bold"), f"  ({sc.path})"))
    console.print(Text(f"seed {outcome.seed}, {outcome.replications} replication(s), horizon "
                       f"{num(sc.horizon / 60, 'h')}; plan: {sc.plan.name}"))
    main, pivot = _split(outcome.rows)
    wide = console.width >= 120
    table = Table(header_style="bold", expand=False)
    table.add_column("id", no_wrap=True)
    table.add_column("target (plan §)" if wide else "target", ratio=3)
    table.add_column("measured [95% CI]", ratio=2)
    table.add_column("goal", ratio=1)
    table.add_column("pass", justify="right", no_wrap=True)
    table.add_column("result", no_wrap=True)
    for row in main:
        what = row.title + (f" ({row.section})" if row.section and wide else "")
        value = measured(row)
        if wide and row.p90 is not None and row.statistic != "p90":
            value += f"; p90 of all {num(row.p90, row.unit)}"
        reps = f"{rate_text(row)}"
        if row.n and row.n < outcome.replications:
            reps += f" of {row.n}/{outcome.replications}"
        table.add_row(Text(row.id), Text(what), Text(value), Text(target_text(row)), Text(reps),
                      Text(row.status.upper(), style=STYLE[row.status]))
    console.print(table)
    console.print(Text("measured = the target's statistic per replication, averaged over replications; "
                       "pass = share of replications meeting the goal (x of n/N: measured in n of N); "
                       "a row passes at "
                       f"{', '.join(sorted({f'{r.required_pass_rate:.0%}' for r in outcome.rows}))}."))
    if pivot:
        info = Table(title="Information (mean over replications)", header_style="bold")
        info.add_column("")
        labels: list[str] = []
        for base, by_label in pivot.items():
            first = next(iter(by_label.values()))
            info.add_column(Text(f"{base}: {first.title.split(':')[0]}"))
            labels += [label for label in by_label if label not in labels]
        for label in labels:
            info.add_row(Text(label), *[Text(measured(by[label]) if label in by else "—")
                                        for by in pivot.values()])
        console.print(info)
    if sc.assumptions:
        console.print(Text.assemble("\n", ("Assumptions", "bold"),
                                    f" ({len(sc.assumptions)} values not from a source):"))
        for a in sc.assumptions:
            value = "" if a.value is None else f" = {a.value}"
            console.print(Text(f"  • {a.what}{value} — {a.reason}"))
    implicit = implicit_assumptions(sc)
    if implicit:
        console.print(Text.assemble("\n", ("Also assumed", "bold"),
                                    f" ({len(implicit)} values from the region file and the "
                                    "plugins' defaults):"))
        for a in implicit:
            console.print(Text(f"  • {a['what']} = {a['value']} ({a['status']}; {a['source']})"))
