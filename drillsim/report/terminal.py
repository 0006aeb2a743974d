"""The scorecard on the terminal (rich), ending with the verdict.

Order, so that what matters is what stays on the screen: the header, the targets (one
entry each), a legend, then — only with ``verbose`` — the information rows broken down
by force or township and the assumptions, and last the **verdict**: targets met and
missed, the worst misses with the place that decides them.

At 120 columns and more the targets are one table row each; below that each target is a
title line with its figures underneath, so nothing wraps into towers at 80 columns. Text
that does not fit is wrapped (folded), never cut: no figure is dropped at any width.
Written to a file or a pipe (:func:`output_console`) the table gets the width it needs,
so each target is one line holding its measured value, p90, goal and pass rate, while the
prose around it is wrapped at :data:`PROSE` columns. The
90th percentile is shown at every width (``p90``); for a row over places it is the worst
place's (see :mod:`drillsim.scoring.scorecard`).

Everything the user wrote (scenario, plan and target names, labels, assumptions) goes to
the console as :class:`rich.text.Text`, never as a markup string: ``[red]x[/red]`` and
``:100:`` in a name print as written, whatever console the caller passes.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from drillsim.report.common import (cut_off_text, design_text, goal_from_plan, goal_split, goal_text, interval_note,
                                    measured, num, place_name, rate_text, row_title, shortfall, where_text)
from drillsim.report.facts import implicit_assumptions, still_going_at_end
from drillsim.report.trimmed import stdout_console

STYLE = {"pass": "bold green", "fail": "bold red", "info": "cyan", "not measured": "yellow",
         "not judged": "yellow"}
#: the widest console at which targets are listed rather than tabled
WIDE = 120
#: misses named in the verdict
WORST_SHOWN = 3
#: the console width given to a file or pipe: the table takes what it needs of it (its
#: natural width, one line per target), so this only bounds a pathological title
PIPED = 1000
#: where prose (notes, legend, verdict) wraps when the console is :data:`PIPED` wide
PROSE = 100


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
    return stdout_console(markup=False, emoji=False, highlight=False, **kwargs)


def output_console() -> tuple[Console, int | None]:
    """The console for the scorecard on standard output, and the width prose wraps at.

    A terminal, or ``COLUMNS`` set: that width (``(console, None)``). A file or a pipe
    (``drillsim run … > out.txt``, ``| less``) with no ``COLUMNS``: rich would fall back
    to 80 columns; instead the console is :data:`PIPED` wide, so the targets are one table
    row each with all their figures, and prose wraps at :data:`PROSE`.
    """
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return plain_console(), None
    return plain_console(width=PIPED), PROSE


def _where(sc, row) -> str:
    return where_text(sc, row)


def _p90(sc, row) -> str:
    if row.p90 is None:
        return "—"
    return num(row.p90, row.unit) + (f" ({place_name(sc, row.worst)})" if row.worst else "")


def _reps(row, replications: int) -> str:
    text = rate_text(row)
    if row.n and row.n < replications:
        text += f" of {row.n}/{replications}"
    if getattr(row, "not_judged", 0):  # replications the run's end left open
        text += f" ({row.not_judged} open)"
    return text


def _met_in(row, replications: int) -> str:
    """``met in 9 of 20 replications`` (``… of 9 measured, of 20`` when some had nothing
    to measure)."""
    met = round(row.pass_rate * row.n)
    text = f"met in {met} of {row.n}"
    return text + (f" measured (of {replications})" if row.n < replications else " replication" if row.n == 1 else " replications")


def _status(row) -> Text:
    return Text(row.status.upper(), style=STYLE[row.status])


def _wide_table(outcome, main) -> Table:
    sc = outcome.scenario
    table = Table(header_style="bold", expand=False)
    for name, kw in (("id", {"no_wrap": True}), ("target (plan §)", {"ratio": 3}),
                     ("measured [95% CI]", {"ratio": 2}), ("p90", {"ratio": 1}),
                     ("goal", {"ratio": 1}), ("pass", {"justify": "right", "no_wrap": True}),
                     ("result", {"no_wrap": True})):
        table.add_column(name, overflow="fold", **kw)
    for row in main:
        what = Text(row_title(sc, row) + (f" ({row.section})" if row.section else ""))
        if design_text(row):
            what.append("\n" + design_text(row), style="dim")
        if cut_off_text(sc, row):
            what.append("\n" + cut_off_text(sc, row), style="yellow")
        table.add_row(Text(row.id), what, Text(measured(row) + _where(sc, row)),
                      Text(_p90(sc, row)), Text(goal_text(row)),
                      Text(_reps(row, outcome.replications)), _status(row))
    return table


def _narrow_list(outcome, main) -> Table:
    """Each target as its title and, beneath, its figures; columns: result, id, text."""
    sc = outcome.scenario
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for row in main:
        text = Text(row_title(sc, row), style="bold")
        figures = f"{measured(row)}{_where(sc, row)}"
        if row.p90 is not None:
            figures += f" · p90 {num(row.p90, row.unit)}"
        figures += f" · goal {goal_text(row)}"
        if row.pass_rate is not None:
            figures += f" · {_met_in(row, outcome.replications)}"
        text.append("\n" + figures, style="")
        if design_text(row):
            text.append("\n" + design_text(row), style="dim")
        if cut_off_text(sc, row):
            text.append("\n" + cut_off_text(sc, row), style="yellow")
        grid.add_row(_status(row), Text(row.id), text)
    return grid


def _legend(outcome, wide: bool) -> str:
    rates = ", ".join(sorted({f"{r.required_pass_rate:.0%}" for r in outcome.rows}))
    open_ = "; k open: the run ended before k were decided" if any(
        getattr(r, "not_judged", 0) for r in outcome.rows) else ""
    share = (f"pass = share of replications meeting the goal (x of n/N: measured in n of N{open_})"
             if wide else "met in = replications meeting the goal")
    why = interval_note(outcome.rows, outcome.replications)
    return ("measured = the target's statistic per replication, mean over replications "
            f"[95% CI]{f' ({why})' if why else ''}; p90 = 90th percentile of all observations, or, for a row over places "
            f"(\"at …\", or \"worst on average …\" when the worst place varies by replication), of "
            f"that place's replications; {share}; a row passes when at "
            f"least {rates} of replications meet its goal"
            + ("; a goal marked (not a plan number) is a scenario's standard or drillsim's "
               "reading of the plan, its source in the report (--report) and the JSON (--json)."
               if any(goal_from_plan(r) is False for r in outcome.rows) else "."))


def _miss(row) -> tuple[bool, float, float]:
    """How badly a row misses, for ordering the verdict: a number the plan sets before a
    scenario's standard or drillsim's reading (a planner answers for the plan's numbers
    first), then the share of replications failing, then the gap between mean and
    threshold relative to the larger of the two (0 to 1, defined for a threshold of 0)."""
    gap = 0.0
    if row.mean is not None and row.threshold is not None:
        gap = abs(row.mean - row.threshold) / max(abs(row.mean), abs(row.threshold), 1e-12)
    return (bool(goal_from_plan(row)), 1 - (row.pass_rate or 0.0), gap)


def verdict_lines(outcome) -> list:
    """The verdict: targets met and missed, not measured, and the worst misses (up to
    :data:`WORST_SHOWN`: the plan's own numbers first, then by share of replications
    failing, then by the gap to the threshold relative to it) with the measured value,
    the place that decides it and how far it is from the goal."""
    sc = outcome.scenario
    scored = [r for r in outcome.rows if r.comparison is not None]
    failed = [r for r in scored if r.status == "fail"]
    passed = [r for r in scored if r.status == "pass"]
    unmeasured = [r for r in scored if r.status == "not measured"]
    unjudged = [r for r in scored if r.status == "not judged"]
    head = Text("Verdict: ", style="bold")
    head.append(f"{len(passed)} of {len(scored)} targets met", style="green" if passed else "")
    head.append(", ")
    head.append(f"{len(failed)} missed", style="bold red" if failed else "")
    if failed:
        head.append(f" ({', '.join(r.id for r in failed)})")
    if unmeasured:
        head.append(f", {len(unmeasured)} not measured ({', '.join(r.id for r in unmeasured)})")
    if unjudged:
        head.append(f", {len(unjudged)} not judged: the run ended first "
                    f"({', '.join(r.id for r in unjudged)})", style="yellow")
    head.append(".")
    lines = [head]
    split = goal_split(outcome.rows)
    if split:  # a scenario's standard is not a plan target: say which goals are the plan's
        apart = Table.grid(padding=(0, 1))
        apart.add_column(no_wrap=True)
        apart.add_column(overflow="fold")
        apart.add_row(Text(" "), Text(f"Of these, {split}."))
        lines.append(apart)
    worst = sorted(failed, key=_miss, reverse=True)[:WORST_SHOWN]
    if worst:
        lines.append(Text("Worst misses:" if len(worst) > 1 else "The miss:"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for row in worst:
            why = design_text(row)
            grid.add_row(Text(f"  {row.id}", style="bold red"),
                         Text(f"{row_title(sc, row)}: {num(row.mean, row.unit)}{_where(sc, row)} against "
                              f"{goal_text(row)}" + (f", {short}" if (short := shortfall(row)) else "")
                              + f"; {_met_in(row, outcome.replications)}"
                              + (f" ({why})" if why else "")))
        lines.append(grid)
    going = still_going_at_end(getattr(outcome, "first_events", None) or ())
    if scored and len(passed) == len(scored):
        lines.append(Text("Every target with a goal is met" + (", as far as the run went (cut short: below)."
                                                                if going else "."), style="green"))
    if going:   # a row passing on a hazard cut short passed on what happened by the end only
        lines.append(Text(f"Cut short: {', '.join(going)} still going when the run ended at the horizon "
                          f"({num(sc.horizon / 60, 'h')}, replication 0): what it did by then is counted, not "
                          "its outcome; lengthen run.horizon to see it end.", style="yellow"))
    return lines


def print_scorecard(outcome, console: Console | None = None, verbose: bool = False,
                    notes: list[str] | None = None, prose_width: int | None = None) -> None:
    """Print the scorecard: header (with ``notes``, lines the caller adds, such as which
    assumed values decide the results), targets, legend, (``verbose``: usage tables and
    the assumptions), and the verdict last. Everything also stays in the JSON and Markdown
    reports whatever ``verbose`` says. ``prose_width`` (columns): where the lines around
    the targets table wrap, when narrower than the console (see :func:`output_console`)."""
    console = console or plain_console()
    sc = outcome.scenario

    def say(text) -> None:
        console.print(text, width=prose_width)

    say(Text(sc.name, style="bold"))
    say(Text(str(sc.path)))
    say(Text(f"seed {outcome.seed} · {outcome.replications} replication"
             f"{'s' if outcome.replications != 1 else ''} · horizon "
             f"{num(sc.horizon / 60, 'h')}"))
    say(Text(f"plan: {sc.plan.name}"))
    for line in notes or ():
        say(Text(line))
    main, pivot = _split(outcome.rows)
    wide = console.width >= WIDE
    console.print(_wide_table(outcome, main) if wide else _narrow_list(outcome, main))
    say(Text(_legend(outcome, wide), style="dim"))
    hidden = []
    if pivot and verbose:
        info = Table(title="Information (mean over replications)", header_style="bold")
        info.add_column("")
        labels: list[str] = []
        # one line per place: a label's note ("tianjia (warned after arrival)") goes with
        # its value, not into a second line for the same township
        cells: dict[str, dict[str, str]] = {}
        for base, by_label in pivot.items():
            first = next(iter(by_label.values()))
            info.add_column(Text(f"{base}: {first.title.split(':')[0]}"))
            for label, row in by_label.items():
                key, _, note = label.partition(" ")
                if not note.startswith("("):  # a name with spaces, not an id and a note
                    key, note = label, ""
                labels += [key] if key not in labels else []
                cells.setdefault(base, {})[key] = measured(row) + (f" {note}" if note else "")
        for key in labels:
            info.add_row(Text(place_name(sc, key) or key), *[Text(cells[base].get(key, "—")) for base in pivot])
        console.print(info)
    elif pivot:
        hidden.append(f"information rows {', '.join(pivot)} ({sum(map(len, pivot.values()))} values)")
    implicit = implicit_assumptions(sc)
    if verbose:
        if sc.assumptions:
            console.print(Text(f"\nAssumptions ({len(sc.assumptions)} values not from a source):",
                               style="bold"))
            for a in sc.assumptions:
                value = "" if a.value is None else f" = {a.value}"
                say(Text(f"  • {a.what}{value} — {a.reason}"))
        if implicit:
            console.print(Text(f"\nAlso assumed ({len(implicit)} values from the region file "
                               "and the plugins' defaults):", style="bold"))
            for a in implicit:
                say(Text(f"  • {a['what']} = {a['value']} ({a['status']}; {a['source']})"))
    elif sc.assumptions or implicit:
        hidden.append(f"{len(sc.assumptions) + len(implicit)} assumptions")
    if hidden:
        say(Text(f"Not shown: {'; '.join(hidden)} — add --verbose, or see the "
                 "report (--report) and the JSON (--json).", style="dim"))
    console.print()
    for line in verdict_lines(outcome):
        say(line)
