"""Which assumptions decide the answer: sensitivity of a scenario's targets to the
numbers listed under its ``assumptions:``.

**Factors.** Every ``applies_to`` path of an assumption that holds a number in the
scenario — a plain number (``units: 4``) or a number with a unit (``45min``, ``1/h``,
``5%``, ``1500m3/s``) — is a factor; a path naming a mapping contributes each number
inside it (mappings only, not lists: a list of townships is not one quantity). Zero,
true/false, words, lists, ``run.*`` settings and ``plan.*`` (a target's own standard) are
left out (and listed). A factor
varies over the assumption's ``range`` (written as in the scenario) or else ±50 % of
its value (``DEFAULT_SPREAD``); whole numbers stay whole (rounded), a count of units at
least 1. The unit text is kept: ``45min`` at +50 % is ``67.5min``.

**Output.** For a design point (a value for each factor), every target's value per
replication (its display unit) averaged over ``replications`` replications run with
the same seeds at every point (common random numbers).

**Methods.**

- ``oat`` (one at a time): each factor at its low and its high end, the others at the
  scenario's values; effect = mean(high) − mean(low) with its paired-t interval over the
  common replications; drawn as a tornado chart.
- ``morris``: elementary effects (Morris 1991, Technometrics 33:161–174) with μ* (Campolongo,
  Cariboni & Saltelli 2007, Environmental Modelling & Software 22:1509–1518) and its
  bootstrap interval, via SALib (``SALib.sample.morris``, ``SALib.analyze.morris``).
- ``sobol``: first-order and total indices S1, ST (Sobol' 2001; Saltelli et al. 2010,
  Computer Physics Communications 181:259–270) with bootstrap intervals, via SALib
  (``SALib.sample.sobol``, ``SALib.analyze.sobol``; N a power of 2).

Factors are ranked per target by |effect| (oat), μ* (morris) or ST (sobol); a factor
whose effect is exactly 0 (the target does not depend on it at all, over the range and
the replications run) is not among a target's top factors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from drillsim.planning.stored import (  # noqa: F401 (what a run reads, kept here too)
    deciding_most, fingerprint, headline, report_section)
from drillsim.scenario.loader import ResolvedScenario, parse_dotted
from drillsim.scenario.paths import stored_sensitivity
from drillsim.scenario.ranges import leaves_of, number_of
from drillsim.scenario.yamlsource import format_path
from drillsim.scoring.stats import mean_ci

#: default range: the scenario's value × (1 ∓ DEFAULT_SPREAD)
DEFAULT_SPREAD = 0.5


class FactorError(ValueError):
    """An assumption's range cannot be used (not two values, another unit, empty)."""


@dataclass(frozen=True)
class Factor:
    """One varied number: its scenario ``path`` (dotted), ``low``/``high`` and ``base``
    in the number's own scale (the unit text ``unit`` is appended when written back),
    ``whole`` (an integer field), the assumption it comes from (``what``)."""

    path: str
    base: float
    low: float
    high: float
    unit: str
    whole: bool
    what: str
    at_least_one: bool = False

    def text(self, x: float) -> Any:
        """The value written back into the scenario for number ``x``."""
        if self.whole:
            v = math.floor(x + 0.5)  # halves up (round() would take 0.5 to 0)
            if self.at_least_one:
                v = max(1, v)
            return f"{v}{self.unit}" if self.unit else v
        x = float(f"{x:.6g}")
        return f"{x:g}{self.unit}" if self.unit else x


def factors_of(scenario: ResolvedScenario) -> tuple[list[Factor], list[str]]:
    """The factors of a scenario's assumptions and the paths left out (with why).

    :raises FactorError: an assumption's ``range`` is malformed (names the assumption).
    """
    data = scenario.doc.data
    out: list[Factor] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for a in scenario.assumptions:
        refs = [a.applies_to] if isinstance(a.applies_to, str) else list(a.applies_to or [])
        leaves, left_out = leaves_of(data, [parse_dotted(ref) for ref in refs])
        skipped += left_out
        ranges = _ranges(a, [p for p, _ in leaves])
        for p, value in leaves:
            num = number_of(value)
            if num is None or num[0] == 0:
                why = "zero" if num is not None else (
                    "a list" if isinstance(value, list) else "not a number")
                if f"{p}: {why}" not in skipped:
                    skipped.append(f"{p}: {why}")
                continue
            if p in seen:
                continue
            seen.add(p)
            base, unit, whole = num
            if p in ranges:
                lo, hi = (_in_unit(x, unit, a.what, p) for x in ranges[p])
            else:
                lo, hi = sorted((base * (1 - DEFAULT_SPREAD), base * (1 + DEFAULT_SPREAD)))
            if not lo < hi:
                raise FactorError(f"assumption {a.what!r}: range of {p} is empty")
            out.append(Factor(p, base, lo, hi, unit, whole, a.what,
                              at_least_one=whole and p.endswith(".units")))
    return out, skipped


def _ranges(a, leaves: list[str]) -> dict[str, list]:
    if a.range is None:
        return {}
    if isinstance(a.range, list):
        if len(leaves) != 1:
            raise FactorError(f"assumption {a.what!r}: a [low, high] range needs applies_to to "
                              f"name one number; it names {len(leaves)}: give range as "
                              "{path: [low, high]}")
        pairs = {leaves[0]: a.range}
    else:
        pairs = {}
        for ref, pair in a.range.items():
            p = format_path(parse_dotted(ref))
            if p not in leaves:
                raise FactorError(f"assumption {a.what!r}: range names {ref}, which is not "
                                  f"among what it applies to ({', '.join(leaves)})")
            pairs[p] = pair
    for p, pair in pairs.items():
        if len(pair) != 2:
            raise FactorError(f"assumption {a.what!r}: the range of {p} must be [low, high]")
    return pairs


def _in_unit(x: Any, unit: str, what: str, path: str) -> float:
    num = number_of(x)
    if num is None or num[1] != unit:
        raise FactorError(f"assumption {what!r}: range value {x!r} for {path} must be a number "
                          f"written like the scenario's value (unit {unit or 'none'!r})")
    return num[0]


# ---------------------------------------------------------------- designs
@dataclass
class Effect:
    """One factor's effect on one target: ``value`` (oat: high − low; morris: μ*; sobol:
    ST), its ``interval``, and for oat the low/high means, for morris σ, for sobol S1
    with its interval."""

    factor: str
    value: float
    interval: tuple[float, float] | None
    low: float | None = None
    high: float | None = None
    extra: dict[str, float] = field(default_factory=dict)
    #: computed from a bound: at a design point it rests on, a replication ended before
    #: the target was decided, and the run's end stood for its value (:func:`mark_bounds`)
    bounded: bool = False


@dataclass
class Sensitivity:
    """Per target, the factors' effects, ranked (largest first)."""

    method: str
    factors: list[Factor]
    skipped: list[str]
    replications: int
    points: int
    base: dict[str, float | None]
    effects: dict[str, list[Effect]]

    def top(self, target: str, n: int = 3) -> list[str]:
        """The ``n`` factors with the largest effect on ``target``, leaving out those with
        none: an effect of 0 to the 6 decimals the JSON keeps (a difference of float noise,
        1e-15 min, was kept and written as ``-0.0``)."""
        return [e.factor for e in self.effects[target] if round(e.value, 6) != 0][:n]


def design(method: str, factors: list[Factor], samples: int, seed: int) -> np.ndarray:
    """The design points (rows: points; columns: factors, in factor units).

    oat: the base point, then each factor low and high in turn (2F + 1 rows). morris:
    ``samples`` trajectories of F + 1 points on 4 levels. sobol: Saltelli's scheme, N =
    ``samples`` (a power of 2), N (F + 2) points (no second-order indices).
    """
    base = np.array([f.base for f in factors])
    if method == "oat":
        rows = [base]
        for i, f in enumerate(factors):
            for end in (f.low, f.high):
                row = base.copy()
                row[i] = end
                rows.append(row)
        return np.array(rows)
    problem = salib_problem(factors)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=4, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    raise ValueError(f"unknown method {method!r}")


def salib_problem(factors: list[Factor]) -> dict:
    """SALib's problem description: names and [low, high] bounds."""
    return {"num_vars": len(factors), "names": [f.path for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def analyse(method: str, factors: list[Factor], X: np.ndarray,
            outputs: dict[str, list[list[float] | None]], replications: int, samples: int,
            seed: int, confidence: float = 0.95) -> Sensitivity:
    """Effects per target from the outputs (``outputs[target][point]`` = the target's value
    per replication at that point, None where a replication measured nothing).

    A point's output is the mean over the replications that measured the target. In oat
    a factor's effect is the mean paired difference (high − low) over the replications
    that measured the target at both ends (at least two, else the factor is not ranked
    for it); morris and sobol need an output at every point, else the target is reported
    with no effects.
    """
    effects: dict[str, list[Effect]] = {}
    base: dict[str, float | None] = {}
    for target, per_point in outputs.items():
        # a point's output: the mean over the replications that measured the target
        means = []
        for v in per_point:
            got = [x for x in (v or []) if x is not None]
            means.append(float(np.mean(got)) if got else None)
        base[target] = means[0] if method == "oat" else None
        found: list[Effect] = []
        if method == "oat":
            for i, f in enumerate(factors):
                lo, hi = per_point[1 + 2 * i], per_point[2 + 2 * i]
                pairs = [(a, b) for a, b in zip(lo, hi) if a is not None and b is not None]
                if len(pairs) < 2:
                    continue
                a, b = np.array(pairs).T
                diff, ci = mean_ci(b - a, confidence)
                found.append(Effect(f.path, diff, ci, float(a.mean()), float(b.mean()),
                                    extra={"pairs": float(len(pairs))}))
            found.sort(key=lambda e: (-abs(e.value), e.factor))
        elif all(m is not None for m in means):
            Y = np.array(means)
            problem = salib_problem(factors)
            if method == "morris":
                from SALib.analyze import morris

                with np.errstate(divide="ignore", invalid="ignore"):  # (a constant Y: below)
                    res = morris.analyze(problem, X, Y, conf_level=confidence, num_levels=4, seed=seed)
                for i, f in enumerate(factors):
                    mu, conf = float(res["mu_star"][i]), float(res["mu_star_conf"][i])
                    found.append(Effect(f.path, mu, (mu - conf, mu + conf),
                                        extra={"sigma": float(res["sigma"][i]), "mu": float(res["mu"][i])}))
            else:
                from SALib.analyze import sobol

                # a target the same at every point has no variance to share out: SALib's
                # indices come out NaN (read as "depends on none"), and numpy said so on
                # stderr in its own words ("RuntimeWarning: invalid value encountered in divide")
                with np.errstate(divide="ignore", invalid="ignore"):
                    res = sobol.analyze(problem, Y, calc_second_order=False, conf_level=confidence,
                                        seed=seed)
                for i, f in enumerate(factors):
                    st, conf = float(res["ST"][i]), float(res["ST_conf"][i])
                    found.append(Effect(f.path, st, (st - conf, st + conf),
                                        extra={"S1": float(res["S1"][i]),
                                               "S1_conf": float(res["S1_conf"][i])}))
            found.sort(key=lambda e: (-(0.0 if math.isnan(e.value) else e.value), e.factor))
        effects[target] = found
    return Sensitivity(method, factors, [], replications, len(X), base, effects)


def run(method: str, factors: list[Factor], targets: list[str],
        evaluate: Callable[[list[dict[str, Any]]], dict[str, list[list[float | None]]]],
        replications: int, samples: int, seed: int, confidence: float = 0.95) -> Sensitivity:
    """Build the design, evaluate every point (``evaluate(overrides per point)`` →
    ``{target: [per point: values per replication]}``) and analyse it."""
    X = design(method, factors, samples, seed)
    points = [{f.path: f.text(x) for f, x in zip(factors, row)} for row in X]
    outputs = evaluate(points)
    # (a whole-number factor runs at the rounded value; the analysis keeps the design's)
    return analyse(method, factors, X, {t: outputs[t] for t in targets}, replications,
                   samples, seed, confidence)


def mark_bounds(s: Sensitivity, open_points: dict[str, set[int]]) -> None:
    """Flag the effects computed from a bound (:attr:`Effect.bounded`).

    ``open_points[target]``: the design points where some replication's run ended before
    the target was decided (a value measured against a goal but not judged: the first
    appliance from the existing stations that never came, a fire still burning); its value
    there is the run's end, a bound the true value lies beyond. In oat a factor's effect
    rests on its low and high points (``1 + 2i``, ``2 + 2i``, in the order of
    :attr:`Sensitivity.factors`); in morris and sobol every effect rests on every point.
    (The chlorine leak's F1-now read "pumps 1 → 3: −448.6 min", as if 470 min at one pump
    were a response time: there no existing station's appliance came before the run ended.)
    """
    index = {f.path: i for i, f in enumerate(s.factors)}
    for target, points in open_points.items():
        if not points:
            continue
        for e in s.effects.get(target, ()):
            if s.method != "oat":
                e.bounded = True
            else:
                i = index[e.factor]
                e.bounded = 1 + 2 * i in points or 2 + 2 * i in points


def write_tornado(s: Sensitivity, target: str, unit: str, path, title: str) -> None:
    """A tornado chart of an oat analysis: per factor, the target's mean at the low and
    the high end around the base value, largest swing on top.

    :raises OSError: the file cannot be written.
    """
    import matplotlib
    from matplotlib.figure import Figure

    from drillsim.report.fonts import plot_fonts

    effects = s.effects[target]
    base = s.base[target]
    with matplotlib.rc_context(plot_fonts()):
        fig = Figure(figsize=(8, 1.2 + 0.35 * max(1, len(effects))), layout="constrained")
        ax = fig.subplots()
        for k, e in enumerate(reversed(effects)):
            ax.barh(k, e.low - base, left=base, color="tab:blue", height=0.6)
            ax.barh(k, e.high - base, left=base, color="tab:orange", height=0.6)
        ax.set_yticks(range(len(effects)), [e.factor for e in reversed(effects)], fontsize=7)
        ax.axvline(base, color="black", linewidth=0.8)
        ax.set_xlabel(f"{target} mean ({unit}); blue: factor at its low end, orange: high end")
        ax.set_title(title, fontsize=9)
        from drillsim.report.common import save_figure

        save_figure(fig, path, dpi=110, metadata={"Software": None})


#: where a scenario's stored result lives (:func:`drillsim.scenario.paths.stored_sensitivity`)
stored_path = stored_sensitivity
