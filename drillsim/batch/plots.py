"""Plots of a batch comparison (matplotlib, PNG), written by ``drillsim results DB --plots DIR``:

- ``pass_rates.png``: per scorecard row with a threshold, each variant's pass rate with
  its 95 % Wilson interval, and the required pass rate;
- ``response_times_<row>.png``: per response-time row with a threshold, the distribution
  of the per-replication values of each variant (box plot) against the target line;
- ``cost_objective.png``: cost against the objective (a pass rate, targets met, or a
  mean, with 95 % intervals), the Pareto front marked — when the variants have a cost.

Figures are drawn on :class:`matplotlib.figure.Figure` objects (no pyplot state), so
this works without a display, with a CJK font for Chinese names
(:func:`drillsim.report.fonts.plot_fonts`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from drillsim.batch.analysis import Comparison
from drillsim.batch.tables import sweep_factors, variant_label
from drillsim.report.fonts import plot_fonts


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _error_bar(value: float, ci: tuple[float, float] | None) -> tuple[float, float]:
    """Lengths below and above ``value`` of its interval (0 where there is none, or where
    rounding left the value a hair outside it: matplotlib refuses negative lengths)."""
    lo, hi = ci or (value, value)
    return max(0.0, value - lo), max(0.0, hi - value)


def _order(c: Comparison) -> list:
    """Variants in their sweep order (the plots read top to bottom like the sweep)."""
    return sorted(c.variants, key=lambda v: v.variant.index)


def plot_pass_rates(c: Comparison, path: Path) -> Path | None:
    rows = [r for r in c.row_ids
            if any(r in v.rows and v.rows[r].target.comparison is not None for v in c.variants)]
    if not rows:
        return None
    variants = _order(c)
    factors = sweep_factors(c.meta)
    labels = [variant_label(v, factors) for v in variants]
    ncols = 2 if len(rows) > 1 else 1
    nrows = math.ceil(len(rows) / ncols)
    height = max(2.5, 0.28 * len(variants) + 1.2)
    fig = Figure(figsize=(6.5 * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, row_id in enumerate(rows):
        ax = axes[k // ncols][k % ncols]
        ys, xs, lo, hi = [], [], [], []
        for y, v in enumerate(variants):
            row = v.rows.get(row_id)
            if row is None or row.pass_rate is None:
                continue
            ys.append(y)
            xs.append(row.pass_rate)
            below, above = _error_bar(row.pass_rate, row.pass_rate_ci95)
            lo.append(below)
            hi.append(above)
        ax.errorbar(xs, ys, xerr=[lo, hi], fmt="o", capsize=3, color="tab:blue")
        ref = next(v.rows[row_id] for v in variants if row_id in v.rows)
        ax.axvline(ref.target.required_pass_rate, color="tab:red", linestyle="--", linewidth=1,
                   label=f"required {ref.target.required_pass_rate:.0%}")
        ax.set_xlim(-0.05, 1.05)
        ax.set_yticks(range(len(variants)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(f"{row_id}: {ref.target.title}"[:70], fontsize=9)
        ax.set_xlabel("pass rate (95 % Wilson interval)", fontsize=8)
        ax.legend(fontsize=7, loc="lower right")
    for k in range(len(rows), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    fig.suptitle(f"{c.meta['sweep_name']}: pass rate per variant", fontsize=10)
    fig.savefig(path, dpi=110)
    return path


def _horizontal_boxplot(ax, data: list[list[float]]) -> None:
    try:
        ax.boxplot(data, orientation="horizontal", showmeans=True)
    except TypeError:  # matplotlib < 3.10 names it vert=False
        ax.boxplot(data, vert=False, showmeans=True)


def plot_response_times(c: Comparison, folder: Path) -> list[Path]:
    out = []
    variants = _order(c)
    factors = sweep_factors(c.meta)
    for row_id in c.row_ids:
        ref = next((v.rows[row_id] for v in variants if row_id in v.rows), None)
        if ref is None or ref.target.metric != "response_time" or ref.target.comparison is None:
            continue
        data, labels = [], []
        for v in variants:
            row = v.rows.get(row_id)
            values = [x for x in (row.values.values() if row else []) if x is not None and math.isfinite(x)]
            data.append(values)
            labels.append(variant_label(v, factors))
        if not any(data):
            continue
        fig = Figure(figsize=(8, max(2.5, 0.3 * len(variants) + 1.4)), layout="constrained")
        ax = fig.subplots()
        _horizontal_boxplot(ax, [d if d else [math.nan] for d in data])
        ax.set_yticks(range(1, len(labels) + 1), labels)
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=7)
        ax.axvline(ref.target.threshold, color="tab:red", linestyle="--",
                   label=f"target {ref.target.comparison} {ref.target.threshold:g} {ref.target.unit}")
        ax.set_xlabel(f"{ref.target.statistic} per replication ({ref.target.unit})")
        ax.set_title(f"{row_id}: {ref.target.title}"[:90], fontsize=9)
        ax.legend(fontsize=8)
        path = folder / f"response_times_{_safe(row_id)}.png"
        fig.savefig(path, dpi=110)
        out.append(path)
    return out


def plot_cost_objective(c: Comparison, path: Path) -> Path | None:
    priced = [v for v in c.variants if v.variant.cost is not None and v.objective is not None]
    if not priced:
        return None
    factors = sweep_factors(c.meta)
    o = c.objective
    fig = Figure(figsize=(8, 5.5), layout="constrained")
    ax = fig.subplots()
    for v in priced:
        ci = v.rows[o.target].pass_rate_ci95 if o.measure == "pass_rate" else v.objective_ci95
        below, above = _error_bar(v.objective, ci)
        ax.errorbar([v.variant.cost], [v.objective], yerr=[[below], [above]],
                    fmt="o", color="tab:red" if v.pareto else "tab:gray", capsize=2,
                    markersize=7 if v.pareto else 4, alpha=1.0 if v.pareto else 0.7)
    front = sorted((v for v in priced if v.pareto), key=lambda v: v.variant.cost)
    ax.step([v.variant.cost for v in front], [v.objective for v in front], where="post",
            color="tab:red", linewidth=1.2, label="Pareto front")
    tied: dict[tuple[float, float], list[str]] = {}
    for v in front:  # variants with the same cost and objective share one label
        tied.setdefault((v.variant.cost, v.objective), []).append(variant_label(v, factors))
    for (cost, value), labels in tied.items():
        ax.annotate("\n".join(labels), (cost, value), fontsize=7, xytext=(6, -4),
                    textcoords="offset points", va="top")
    ax.set_xlabel(f"cost ({c.cost_unit})" if c.cost_unit else "cost")
    ax.set_ylabel(o.describe())
    ax.set_title(f"{c.meta['sweep_name']}: cost against the objective", fontsize=9)
    ax.legend(fontsize=8, loc="best")
    fig.savefig(path, dpi=110)
    return path


def write_plots(c: Comparison, folder: str | Path) -> list[Path]:
    """Write every plot that applies into ``folder`` (created if missing); returns the files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with matplotlib.rc_context(plot_fonts()):
        p = plot_pass_rates(c, folder / "pass_rates.png")
        if p:
            out.append(p)
        out += plot_response_times(c, folder)
        p = plot_cost_objective(c, folder / "cost_objective.png")
        if p:
            out.append(p)
    return out
