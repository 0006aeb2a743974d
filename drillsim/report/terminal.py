"""The scorecard as a terminal table (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .common import measured, num, rate_text, target_text

STYLE = {"pass": "bold green", "fail": "bold red", "info": "cyan", "not measured": "yellow"}


def print_scorecard(outcome, console: Console | None = None) -> None:
    """Print the scorecard, then the assumptions the scenario makes."""
    console = console or Console()
    sc = outcome.scenario
    console.print(f"[bold]{sc.name}[/bold]  ({sc.path})")
    console.print(f"seed {outcome.seed}, {outcome.replications} replication(s), horizon "
                  f"{num(sc.horizon / 60, 'h')}; plan: {sc.plan.name}")
    table = Table(show_lines=False, header_style="bold")
    for col, kw in (("id", {}), ("target", {"max_width": 38}), ("plan §", {}),
                    ("measured: mean [95% CI]", {}), ("p90", {}), ("target", {}),
                    ("pass rate", {"justify": "right"}), ("result", {})):
        table.add_column(col, **kw)
    for row in outcome.rows:
        table.add_row(row.id, row.title, row.section or "—", measured(row),
                      num(row.p90, row.unit) if row.p90 is not None else "—", target_text(row),
                      rate_text(row), f"[{STYLE[row.status]}]{row.status.upper()}[/]")
    console.print(table)
    console.print("Pass rate = share of replications meeting the target; a row passes when it "
                  "reaches the required rate "
                  f"({', '.join(sorted({f'{r.required_pass_rate:.0%}' for r in outcome.rows}))}).")
    if sc.assumptions:
        console.print(f"\n[bold]Assumptions[/bold] ({len(sc.assumptions)} values not from a source):")
        for a in sc.assumptions:
            value = "" if a.value is None else f" = {a.value}"
            console.print(f"  • {a.what}{value} — {a.reason}", highlight=False)
