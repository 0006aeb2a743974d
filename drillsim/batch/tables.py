"""The comparison of a batch's variants as terminal tables (rich).

Names come from the user (the sweep, its factors and levels, variant names, target
titles): every one goes to the console as :class:`rich.text.Text`, never as a markup
string, so ``[red]x[/red]`` or ``:100:`` in a name prints as written on any console.
"""

from __future__ import annotations

import json
from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from drillsim.batch.analysis import Comparison, Paired, RowStats, VariantStats, differs
from drillsim.report.common import num
from drillsim.report.trimmed import stdout_console

STATUS = {"pass": ("PASS", "green"), "fail": ("FAIL", "red"), "info": ("info", "cyan"),
          "not measured": ("—", "yellow"), "PASS": ("PASS", "green"), "FAIL": ("FAIL", "red"),
          "pass, not yet significant": ("pass, not yet significant", "yellow"),
          "fail, not yet significant": ("fail, not yet significant", "yellow"),
          "not judged": ("not judged", "yellow")}
#: the rule the result column follows, printed under the tables
VERDICT_RULE = ("Result: PASS only where the pass rate's 95 % Wilson interval lies at or above "
                "the required pass rate, FAIL where it lies below; otherwise \"pass/fail, not yet "
                "significant\" by the point estimate (more replications would decide); a value "
                "the same in every replication (two or more) is decided by it; \"not judged\" where replications whose run "
                "ended before the outcome (a fire still burning; \"k open\") decide it either way: "
                "a longer run.horizon decides them.")


def _status(status: str) -> Text:
    text, style = STATUS[status]
    return Text(text, style=style)


def _cells(*cells) -> list[Text]:
    """Table cells as plain text (a cell already a Text keeps its style)."""
    return [c if isinstance(c, Text) else Text(str(c)) for c in cells]


def variant_label(v: VariantStats, factors: list[str]) -> str:
    """Short name: the factor levels joined by `` / `` (a factorial sweep), else the name."""
    if factors and v.variant.levels:
        return " / ".join(v.variant.levels.get(f, "?") for f in factors)
    return v.variant.name


def _interval(ci, unit: str = "") -> str:
    if ci is None:
        return ""
    return f" [{num(ci[0])}, {num(ci[1])}]" + (f" {unit}" if unit and unit != "%" else "")


def _rate(rate, ci) -> str:
    if rate is None:
        return "—"
    text = f"{rate:.0%}"
    if ci is not None:
        text += f" [{ci[0]:.0%}, {ci[1]:.0%}]"
    return text


def _row_rate(row: RowStats) -> str:
    """A row's pass rate, and how many replications the run's end left open (``0% [0%,
    66%] (2 open)``), as the run's scorecard says it (``0% (2 open)``): the interval counts
    them as not meeting the goal, which they may yet do."""
    return _rate(row.pass_rate, row.pass_rate_ci95) + (f" ({row.not_judged} open)" if row.not_judged else "")


def _diff(d: Paired | None, unit: str = "", is_baseline: bool = False) -> str:
    if is_baseline:
        return "baseline"
    if d is None:
        return "—"
    sign = "+" if d.mean > 0 else ""
    text = f"{sign}{num(d.mean)}"
    if d.ci95 is not None:
        text += f" [{num(d.ci95[0])}, {num(d.ci95[1])}]"
    if d.significant:
        text += " *"
    return text


def _points(d: Paired) -> str:
    """A difference of two pass rates (shares 0–1) in percentage points, as the pass rates
    beside it are in %: ``-25 pp [-80, +30] pp`` (a share printed as -0.25 beside 75 %
    read as a quarter of a point)."""
    def pp(x: float) -> str:
        return f"{100 * x:+.0f}" if round(100 * x) != 0 else "0"

    text = pp(d.mean)
    if d.ci95 is not None:
        text += f" [{pp(d.ci95[0])}, {pp(d.ci95[1])}]"
    return text + " pp" + (" *" if d.significant else "")


def _objective_text(c: Comparison, v: VariantStats) -> str:
    o = c.objective
    if v.objective is None:
        return "not measured"
    if o.measure == "pass_rate":
        row = v.rows[o.target]
        return _row_rate(row)
    unit = "" if o.measure == "targets_failed" else v.rows[o.target].target.unit
    return num(v.objective, unit) + _interval(v.objective_ci95)


def print_comparison(c: Comparison, console: Console | None = None,
                     only: list[str] | None = None, all_rows: bool = False) -> None:
    """Print the ranking by objective, then one table per scorecard row with a threshold
    that differs between the variants (every such row with ``all_rows``; the rows named in
    ``only`` whatever they are); the rows the same in every variant are listed in one line
    each with their common result."""
    console = console or stdout_console(markup=False, emoji=False, highlight=False)
    meta = c.meta
    factors = sweep_factors(meta)
    console.print(Text.assemble((meta['sweep_name'], "bold"), f"  ({meta['sweep_file']})"))
    crn = "common random numbers" if meta.get("common_random_numbers") == "true" else \
        "independent random numbers per variant"
    console.print(Text(f"{len(c.variants)} variants × {meta['replications']} replications, base seed "
                       f"{meta['seed']}, {crn}; {c.done:,} of {c.expected:,} replications stored"
                       + (f", {c.failed:,} failed" if c.failed else "")))
    if c.done + c.failed < c.expected:
        console.print(Text("incomplete: run the batch again with --resume to finish it", style="yellow"))
    console.print(Text(f"Objective: {c.objective.describe()}"))

    priced = any(v.variant.cost is not None for v in c.variants)
    table = Table(title="Variants ranked by the objective", header_style="bold", title_justify="left")
    table.add_column("#", justify="right", overflow="fold")
    if factors:
        for f in factors:
            table.add_column(Text(f), overflow="fold")
    else:
        table.add_column("variant", overflow="fold")
    table.add_column("objective [95% CI]", overflow="fold")
    table.add_column(_diff_header("Δ vs baseline", c), overflow="fold")
    if priced:
        table.add_column(Text(f"cost{f' ({c.cost_unit})' if c.cost_unit else ''}"), justify="right", overflow="fold")
        table.add_column("Pareto", overflow="fold")
    if c.failed:
        table.add_column("failed", justify="right", overflow="fold")
    for v in c.variants:
        cells = [str(v.rank)]
        cells += [v.variant.levels.get(f, "?") for f in factors] if factors else [v.variant.name]
        diff = _diff(v.objective_diff, is_baseline=v.variant.index == c.baseline)
        if c.objective.measure == "mean" and v.objective_diff is not None:
            unit = v.rows[c.objective.target].target.unit
            diff = diff.replace(" *", "") + f" {unit}" + (" *" if v.objective_diff.significant else "")
        elif c.objective.measure == "pass_rate" and v.objective_diff is not None:
            diff = _points(v.objective_diff)
        cells += [_objective_text(c, v), diff]
        if priced:
            cells += [num(v.variant.cost) if v.variant.cost is not None else "—",
                      "yes" if v.pareto else ""]
        if c.failed:
            cells.append(Text(str(len(v.failures)), style="red") if v.failures else "0")
        table.add_row(*_cells(*cells))
    console.print(table)
    if c.failed:
        _print_failures(c, factors, console)

    if only:
        shown = [r for r in c.row_ids if (r in only or r.split("/")[0] in only)]
        same: list[str] = []
    else:
        scored = [r for r in c.row_ids if _has_threshold(c, r)]
        same = [] if all_rows or len(c.variants) < 2 else [r for r in scored if not differs(c, r)]
        shown = [r for r in scored if r not in same]
    for row_id in shown:
        _print_row_table(c, row_id, factors, console)
    if same:
        _print_same_rows(c, same, console)
    hidden = len(c.row_ids) - len(shown) - len(same)
    if hidden and not only:
        console.print(Text(f"{hidden} information row(s) without a threshold not shown "
                           "(--target ID shows them)."))
    console.print(Text(interval_rule(c) + " " + VERDICT_RULE))


def _measured_in(row: RowStats, v: VariantStats) -> str:
    """`` (in 3 of 20)`` when the row was measured in fewer replications than the variant
    ran (the others had nothing to measure: no call of that kind): its mean, interval and
    pass rate are over those it measured; '' when it measured every one."""
    ran = len(v.replications)
    return f" (in {row.n} of {ran})" if row.n < ran else ""


def _diff_header(what: str, c: Comparison) -> str:
    """The header of a column of differences with the baseline: ``[95% CI]`` for one
    comparison, ``[simultaneous 95% CI]`` for several (:func:`interval_rule`)."""
    return f"{what} [95% CI]" if c.comparisons == 1 else f"{what} [simultaneous 95% CI]"


def interval_rule(c: Comparison) -> str:
    """What the intervals under the tables are: 95 % t-intervals of means, Wilson
    intervals of pass rates, and paired-t intervals of the differences with the
    baseline (Welch's without common random numbers), simultaneous over the k − 1 comparisons by Bonferroni when there are
    several (Law, *Simulation Modeling and Analysis*, 5th ed., §10.3.1)."""
    text = "Intervals are 95 %: t-intervals for means, Wilson for pass rates; differences "
    text += ("are paired (replication r of a variant minus replication r of the baseline), "
             "t-intervals" if c.paired else
             "of means, Welch's t-intervals (independent random numbers: replication r of a "
             "variant and of the baseline are unrelated, so not paired; Law 5th ed. §10.2.2)")
    if c.comparisons > 1:
        text += (f" simultaneous over the {c.comparisons} variants compared with the "
                 f"baseline (Bonferroni: each at {100 * (1 - 0.05 / c.comparisons):.4g} %, so "
                 f"that all {c.comparisons} of a row hold together with 95 % confidence)")
    text += ". * = the difference's interval excludes 0."
    single = [v for v in c.variants if 0 < len(v.replications) < 2]
    if single:
        text += (" One replication gives no interval of a mean or a difference (a t-interval "
                 "needs at least 2): run more replications (--resume with a larger -n).")
    return text


def _print_same_rows(c: Comparison, same: list[str], console: Console) -> None:
    """One line per row identical in every variant: its value and result (from the
    baseline, which has the same numbers as every other variant)."""
    base = c.by_index().get(c.baseline) or c.variants[0]
    console.print(Text(f"{len(same)} row(s) the same in every variant, replication by "
                       "replication (not tabled; --all-rows tables them):", style="bold"))
    for row_id in same:
        row = base.rows[row_id]
        unit = row.target.unit
        if row.mean is None:
            value = "not measured"
        elif row.ci95 is None or row.ci95[0] == row.ci95[1]:
            value = num(row.mean, unit) + " in every replication"
        else:
            value = num(row.mean) + _interval(row.ci95, unit)
        console.print(Text.assemble(f"  {row_id}  {row.target.title}: {value}; pass rate "
                                    f"{_row_rate(row)} against "
                                    f"{row.target.required_pass_rate:.0%} required: ",
                                    _status(row.verdict)))


def _print_failures(c: Comparison, factors: list[str], console: Console) -> None:
    """Per variant with failures: how many and of which kind, which replications, and
    the first one's error (``--failures`` lists every one in full)."""
    table = Table(title=f"Failed replications ({c.failed:,}; left out of every statistic; "
                        "`drillsim results DB --failures` lists every error)",
                  header_style="bold", title_justify="left")
    table.add_column(Text(" / ".join(factors) if factors else "variant"), overflow="fold")
    table.add_column("failed", justify="right", overflow="fold")
    table.add_column("replications", overflow="fold")
    table.add_column("first error", overflow="fold")
    for v in sorted(c.variants, key=lambda v: v.variant.index):
        if not v.failures:
            continue
        kinds = Counter(f.kind for f in v.failures)
        count = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        first = v.failures[0]
        table.add_row(*_cells(variant_label(v, factors), count,
                              _replication_list([f.replication for f in v.failures]),
                              f"replication {first.replication}: {_shorten(first.error)}"))
    console.print(table)
    console.print(Text("Run them again with `drillsim batch SWEEP --resume --retry-failed`."))


def print_failures(c: Comparison, console: Console) -> None:
    """Every failed replication with its full error, in sweep order."""
    factors = sweep_factors(c.meta)
    if not c.failed:
        console.print(Text("No replication failed."))
        return
    for v in sorted(c.variants, key=lambda v: v.variant.index):
        for f in v.failures:
            console.print(Text(f"{variant_label(v, factors)}, replication {f.replication} "
                               f"({f.kind}, on {f.worker or 'an unknown worker'}):", style="bold"))
            console.print(Text("  " + f.error.strip().replace("\n", "\n  ")), soft_wrap=True)


def _shorten(text: str, most: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


def _replication_list(reps: list[int], most: int = 8) -> str:
    text = ", ".join(str(r) for r in reps[:most])
    return text + (f" … ({len(reps) - most} more)" if len(reps) > most else "")


def sweep_factors(meta: dict[str, str]) -> list[str]:
    """The sweep's factor names (dotted paths or level names) stored in a batch's meta."""
    return json.loads(meta.get("factors", "[]"))


def _has_threshold(c: Comparison, row_id: str) -> bool:
    return any(row_id in v.rows and v.rows[row_id].target.comparison is not None
               for v in c.variants)


def _target_text(row: RowStats) -> str:
    t = row.target
    if t.comparison is None:
        return f"{t.statistic}, no threshold"
    return f"{t.statistic} {t.comparison} {num(t.threshold, t.unit)}"


def _print_row_table(c: Comparison, row_id: str, factors: list[str], console: Console) -> None:
    by_index = c.by_index()
    base = by_index.get(c.baseline)
    ref = (base.rows.get(row_id) if base else None) or next(
        v.rows[row_id] for v in c.variants if row_id in v.rows)
    t = ref.target
    thresholds = {(v.rows[row_id].target.comparison, v.rows[row_id].target.threshold)
                  for v in c.variants if row_id in v.rows}
    title = f"{row_id}  {t.title}"
    if t.section:
        title += f"  (plan {t.section})"
    title += f" — {_target_text(ref)}, unit {t.unit}"
    table = Table(title=Text(title, style="italic"), header_style="bold", title_justify="left")
    table.add_column(Text(" / ".join(factors) if factors else "variant"), no_wrap=True, overflow="fold")
    table.add_column("mean [95% CI]", overflow="fold")
    if len(thresholds) > 1:
        table.add_column("target", overflow="fold")
    table.add_column(f"pass rate [95% CI], {t.required_pass_rate:.0%} required", overflow="fold")
    table.add_column("result", overflow="fold")
    table.add_column(_diff_header("Δ mean vs baseline", c), overflow="fold")
    for v in sorted(c.variants, key=lambda v: v.variant.index):  # sweep order
        row = v.rows.get(row_id)
        if row is None:
            continue
        label = variant_label(v, factors)
        if v.variant.index == c.baseline:
            label = Text.assemble(label, ("  (baseline)", "bold"))
        cells = [label,
                 (num(row.mean) + _interval(row.ci95) + _measured_in(row, v))
                 if row.mean is not None else "not measured"]
        if len(thresholds) > 1:
            cells.append(_target_text(row))
        cells += [_row_rate(row), _status(row.verdict),
                  _diff(row.diff, is_baseline=v.variant.index == c.baseline)]
        table.add_row(*_cells(*cells))
    console.print(table)
