"""Plots of a batch comparison (matplotlib, PNG), written by ``drillsim results DB --plots DIR``:

- ``pass_rates.png``: per scorecard row with a threshold, each variant's pass rate with
  its 95 % Wilson interval, coloured by what the interval supports (PASS, not yet
  significant, FAIL: :func:`drillsim.batch.analysis.verdict`), and the required pass rate;
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
import textwrap
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from drillsim.batch.analysis import Comparison
from drillsim.batch.tables import sweep_factors, variant_label
from drillsim.report.common import save_figure
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


#: marker colour per result (legend text → (verdicts, colour)): the interval decides
VERDICT_MARKERS = {
    "PASS (interval at or above the required rate, or the same value in every replication, two or more)": (("PASS",), "tab:green"),
    "not yet significant": (("pass, not yet significant", "fail, not yet significant"), "tab:orange"),
    "FAIL (interval below the required rate)": (("FAIL",), "tab:red"),
}

#: inches per variant in a panel, and the most panels side by side (a 36-variant,
#: 8-target sweep fits about 15 × 15 inches: one page at 110 dpi, not a 5,000-px strip)
ROW_INCHES = 0.17
PANEL_COLUMNS = 4


def _labels(c: Comparison, variants: list) -> tuple[list[str], str, int | None]:
    """Variant labels (factor levels, the baseline marked), the axis title naming the
    factors, and the baseline's position."""
    factors = sweep_factors(c.meta)
    labels, base = [], None
    for y, v in enumerate(variants):
        label = variant_label(v, factors)
        if v.variant.index == c.baseline:
            label, base = f"{label}  (baseline)", y
        labels.append(label)
    title = " / ".join(factors) if factors else "variant"
    return labels, title, base


def _mark_baseline(ax, base: int | None, at: float | None = None) -> None:
    """A light band across the baseline's row (drawn at ``at``, default ``base``), its
    tick label (the ``base``-th) in bold."""
    if base is None:
        return
    y = base if at is None else at
    ax.axhspan(y - 0.5, y + 0.5, color="0.88", zorder=0)
    ticks = ax.get_yticklabels()
    if base < len(ticks):
        ticks[base].set_fontweight("bold")


def plot_pass_rates(c: Comparison, path: Path) -> Path | None:
    """Write :func:`pass_rates_figure` to ``path`` (None: no row has a threshold)."""
    fig = pass_rates_figure(c)
    if fig is None:
        return None
    save_figure(fig, path, dpi=110)
    return path


def pass_rates_figure(c: Comparison) -> Figure | None:
    """Pass rate per variant with its 95 % Wilson interval, one panel per target row (up
    to :data:`PANEL_COLUMNS` side by side, sharing the variant axis), the required pass
    rate as a dashed line, the baseline marked, the factors named on the variant axis and
    the legend above the panels, outside the data."""
    rows = [r for r in c.row_ids
            if any(r in v.rows and v.rows[r].target.comparison is not None for v in c.variants)]
    if not rows:
        return None
    variants = _order(c)
    labels, axis_title, base = _labels(c, variants)
    ncols = min(PANEL_COLUMNS, len(rows))
    nrows = math.ceil(len(rows) / ncols)
    height = max(2.0, ROW_INCHES * len(variants) + 0.9)
    label_inches = min(3.5, 0.065 * max(len(t) for t in labels) + 0.6)
    fig = Figure(figsize=(label_inches + 3.0 * ncols, height * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    handles = {}
    for k, row_id in enumerate(rows):
        ax = axes[k // ncols][k % ncols]
        ys, xs, lo, hi, verdicts = [], [], [], [], []
        for y, v in enumerate(variants):
            row = v.rows.get(row_id)
            if row is None or row.pass_rate is None:
                continue
            ys.append(y)
            xs.append(row.pass_rate)
            verdicts.append(row.verdict)
            below, above = _error_bar(row.pass_rate, row.pass_rate_ci95)
            lo.append(below)
            hi.append(above)
        handles["pass rate, 95 % Wilson interval"] = ax.errorbar(
            xs, ys, xerr=[lo, hi], fmt="o", markersize=3, capsize=2, color="tab:blue")
        for label, (words, colour) in VERDICT_MARKERS.items():
            at = [(x, y) for x, y, w in zip(xs, ys, verdicts) if w in words]
            if at:
                handles[label] = ax.scatter([x for x, _ in at], [y for _, y in at], s=16,
                                            color=colour, zorder=3)
        ref = next(v.rows[row_id] for v in variants if row_id in v.rows)
        handles["required pass rate"] = ax.axvline(
            ref.target.required_pass_rate, color="tab:red", linestyle="--", linewidth=1)
        ax.set_xlim(-0.05, 1.05)
        ax.set_yticks(range(len(variants)), labels, fontsize=6.5)
        ax.set_ylim(len(variants) - 0.5, -0.5)
        _mark_baseline(ax, base)
        lines = textwrap.wrap(f"{row_id}: {ref.target.title}", 40)  # two lines at most
        ax.set_title("\n".join(lines[:2]) + ("…" if len(lines) > 2 else ""), fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        if k % ncols == 0:
            ax.set_ylabel(axis_title, fontsize=7.5)
        if k // ncols == nrows - 1 or k + ncols >= len(rows):
            ax.set_xlabel("pass rate", fontsize=7.5)
    for k in range(len(rows), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    fig.suptitle(f"{c.meta['sweep_name']}: pass rate per variant", fontsize=10)
    fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncols=3,
               fontsize=7.5, frameon=False)
    return fig


def _horizontal_boxplot(ax, data: list[list[float]]) -> None:
    try:
        ax.boxplot(data, orientation="horizontal", showmeans=True)
    except TypeError:  # matplotlib < 3.10 names it vert=False
        ax.boxplot(data, vert=False, showmeans=True)


def plot_response_times(c: Comparison, folder: Path) -> list[Path]:
    out = []
    variants = _order(c)
    for row_id in c.row_ids:
        ref = next((v.rows[row_id] for v in variants if row_id in v.rows), None)
        if ref is None or ref.target.metric != "response_time" or ref.target.comparison is None:
            continue
        data = []
        for v in variants:
            row = v.rows.get(row_id)
            values = [x for x in (row.values.values() if row else []) if x is not None and math.isfinite(x)]
            data.append(values)
        labels, axis_title, base = _labels(c, variants)
        if not any(data):
            continue
        fig = Figure(figsize=(8, max(2.5, 0.2 * len(variants) + 1.6)), layout="constrained")
        ax = fig.subplots()
        _horizontal_boxplot(ax, [d if d else [math.nan] for d in data])
        # the boxes sit at 1 … n: shift the baseline band to match
        ax.set_yticks(range(1, len(labels) + 1), labels)
        ax.set_ylim(len(labels) + 0.5, 0.5)
        _mark_baseline(ax, base, None if base is None else base + 1)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_ylabel(axis_title, fontsize=8)
        line = ax.axvline(ref.target.threshold, color="tab:red", linestyle="--")
        ax.set_xlabel(f"{ref.target.statistic} per replication ({ref.target.unit})")
        ax.set_title(f"{row_id}: {ref.target.title}"[:90], fontsize=9)
        fig.legend([line], [f"target {ref.target.comparison} {ref.target.threshold:g} {ref.target.unit}"],
                   loc="outside upper right", fontsize=8, frameon=False)
        path = folder / f"response_times_{_safe(row_id)}.png"
        save_figure(fig, path, dpi=110)
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
    base = next((v for v in priced if v.variant.index == c.baseline), None)
    if base is not None:
        ax.plot([base.variant.cost], [base.objective], marker="s", markersize=11, fillstyle="none",
                color="black", linestyle="none", label=f"baseline ({variant_label(base, factors)})")
    ax.margins(x=0.08, y=0.12)  # room for the labels of points at the edges
    ax.set_xlabel(f"cost ({c.cost_unit})" if c.cost_unit else "cost")
    ax.set_ylabel(o.describe())
    ax.set_title(f"{c.meta['sweep_name']}: cost against the objective", fontsize=9)
    fig.legend(loc="outside upper right", fontsize=8, frameon=False)
    save_figure(fig, path, dpi=110)
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
