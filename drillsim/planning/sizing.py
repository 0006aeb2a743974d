"""How many is enough: the smallest count (units of a force, a team's size, a reserve)
for which a target is met at its required pass rate with a stated confidence.

Each count of a sweep ``low, low + step, … high`` is a scenario variant (an override of
``path``: ``forces.<id>.units`` by default), run for the same replications with the same
seed — common random numbers, so the curve's ups and downs are the count's, not the
random calls'. Per count: the pass rate x/n over the replications that measured the
target, and its one-sided lower confidence bound, the Clopper–Pearson bound

    p_L = B⁻¹(1 − c; x, n − x + 1)    (B⁻¹: the inverse regularised incomplete beta function;
                                        p_L = 0 for x = 0)

(Clopper & Pearson 1934, Biometrika 26:404–413; for x = n it is (1 − c)^(1/n)). A count
*meets the target with confidence c* when p_L ≥ the required pass rate; the answer is the
smallest such count. The bound needs n ≥ ln(1 − c) / ln(required) replications even when
every one passes (29 for 90 % at 95 %): :func:`replications_needed`.

The curve's means (the target's value per replication, averaged) come with their t
interval for the plot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from drillsim.scoring.stats import mean_ci, wilson


def lower_bound(passes: int, n: int, confidence: float = 0.95) -> float:
    """One-sided Clopper–Pearson lower confidence bound of a proportion (0 for no passes).

    :raises ValueError: n < 1, passes outside [0, n], confidence outside (0, 1).
    """
    if n < 1 or not 0 <= passes <= n or not 0 < confidence < 1:
        raise ValueError("need n >= 1, 0 <= passes <= n and 0 < confidence < 1")
    if passes == 0:
        return 0.0
    from scipy.special import betaincinv

    return float(betaincinv(passes, n - passes + 1, 1.0 - confidence))


def replications_needed(required: float, confidence: float = 0.95) -> int:
    """The fewest replications whose all-pass lower bound reaches ``required``:
    ⌈ln(1 − c) / ln(required)⌉ (1 for required 0)."""
    if required <= 0:
        return 1
    if required >= 1:
        raise ValueError("a required pass rate of 100 % cannot be shown with any confidence "
                         "below 100 % by a finite number of replications")
    return math.ceil(math.log(1 - confidence) / math.log(required) - 1e-12)


@dataclass
class Point:
    """One count of the sweep: replications measured, passes, the pass rate with its
    Wilson 95 % interval and its lower bound, the target's mean value with its interval."""

    count: float
    measured: int
    passes: int
    pass_rate: float | None
    pass_ci: tuple[float, float] | None
    lower: float
    mean: float | None
    mean_ci: tuple[float, float] | None
    meets: bool


@dataclass
class Sizing:
    """The curve and the answer (``smallest``: the smallest count that meets the target
    with the confidence; None if none in the sweep)."""

    target: str
    path: str
    required: float
    confidence: float
    replications: int
    points: list[Point]
    smallest: float | None

    @property
    def monotone(self) -> bool:
        """Every count above the smallest meets the target too (else the answer is fragile)."""
        if self.smallest is None:
            return True
        return all(p.meets for p in self.points if p.count >= self.smallest)


def size_curve(counts: list[float], measure: Callable[[int], list[tuple[float | None, bool | None]]],
               target: str, path: str, required: float, confidence: float,
               replications: int) -> Sizing:
    """Build the curve from per-count outcomes.

    :param measure: ``measure(i)`` → per replication of count ``counts[i]``, the target's
        ``(value, met)`` (None, None where it measured nothing).
    """
    points = []
    for i, count in enumerate(counts):
        outcomes = [(v, m) for v, m in measure(i) if m is not None]
        n = len(outcomes)
        passes = sum(1 for _, m in outcomes if m)
        values = [v for v, _ in outcomes if v is not None]
        mean, ci = mean_ci(values, 0.95) if values else (None, None)
        low = lower_bound(passes, n, confidence) if n else 0.0
        points.append(Point(count, n, passes, passes / n if n else None, wilson(passes, n),
                            low, mean, ci, n > 0 and low >= required - 1e-12))
    smallest = next((p.count for p in points if p.meets), None)
    return Sizing(target, path, required, confidence, replications, points, smallest)


def write_plot(s: Sizing, path, title: str) -> None:
    """The curve as a PNG: pass rate with its Wilson interval, the lower bound, the
    required rate; the answer marked.

    :raises OSError: the file cannot be written.
    """
    import matplotlib
    from matplotlib.figure import Figure

    from drillsim.report.fonts import plot_fonts

    with matplotlib.rc_context(plot_fonts()):
        fig = Figure(figsize=(7.5, 4.8), layout="constrained")
        ax = fig.subplots()
        xs = [p.count for p in s.points if p.pass_rate is not None]
        rates = [p.pass_rate for p in s.points if p.pass_rate is not None]
        below = [max(0.0, p.pass_rate - p.pass_ci[0]) for p in s.points if p.pass_rate is not None]
        above = [max(0.0, p.pass_ci[1] - p.pass_rate) for p in s.points if p.pass_rate is not None]
        ax.errorbar(xs, rates, yerr=[below, above], fmt="o-", capsize=3, label="pass rate (95 % Wilson)")
        ax.plot([p.count for p in s.points], [p.lower for p in s.points], "v--", color="tab:gray",
                label=f"{s.confidence:.0%} lower bound (Clopper–Pearson)")
        ax.axhline(s.required, color="tab:red", linewidth=1, label=f"required {s.required:.0%}")
        if s.smallest is not None:
            ax.axvline(s.smallest, color="tab:green", linewidth=1, linestyle=":",
                       label=f"smallest meeting it: {s.smallest:g}")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel(s.path)
        ax.set_ylabel(f"{s.target} pass rate")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8, loc="lower right")
        from drillsim.report.common import save_figure

        save_figure(fig, path, dpi=110, metadata={"Software": None})
