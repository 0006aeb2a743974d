"""Select the best of k simulated systems: the fully sequential procedure KN of Kim &
Nelson (2001), "A fully sequential procedure for indifference-zone selection in
simulation", ACM Transactions on Modeling and Computer Simulation 11(3):251–273.

Given k systems, a confidence 1 − α, an indifference zone δ > 0 (a difference the
decision-maker does not care about) and a first stage of n0 ≥ 2 replications:

    η  = ½ [ (2α / (k − 1))^(−2/(n0 − 1)) − 1 ]                    (KN, eq. for η)
    h² = 2 η (n0 − 1)
    S²_il = sample variance of X_i − X_l over the n0 first-stage replications
    after r replications, for maximisation, system i is eliminated when, for some l,
        X̄_i(r) < X̄_l(r) − W_il(r),   W_il(r) = max(0, δ/(2r) · (h² S²_il / δ² − r))

Replications continue on the systems left until one remains (the selected system) —
by r = max_il ⌊h² S²_il / δ²⌋ + 1 at the latest, when every W is 0. The guarantee (KN,
Theorem 1, for normal output): if the best system's mean is at least δ better than every
other's, it is selected with probability at least 1 − α. Common random numbers are
allowed (the variances are of differences, which CRN makes small: that is what makes the
procedure stop early). Screening only every ``step`` replications keeps the guarantee
(the continuation region is checked at a subset of the stages; an incorrect
elimination at a checked stage is one of the full procedure's). For minimisation the
outputs are negated.

A budget (``max`` replications per system) may stop the procedure before one system is
left; the survivors are then reported, the best sample mean among them chosen, and the
guarantee does not hold — the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from drillsim.scoring.stats import mean_ci


def kn_constants(k: int, alpha: float, n0: int) -> tuple[float, float]:
    """``(η, h²)`` of procedure KN for ``k`` systems, error ``alpha``, first stage ``n0``.

    :raises ValueError: k < 2, alpha outside (0, 1), n0 < 2.
    """
    if k < 2 or not 0 < alpha < 1 or n0 < 2:
        raise ValueError("KN needs k >= 2 systems, 0 < alpha < 1 and n0 >= 2")
    eta = 0.5 * ((2 * alpha / (k - 1)) ** (-2.0 / (n0 - 1)) - 1.0)
    return eta, 2.0 * eta * (n0 - 1)


@dataclass
class Selection:
    """What KN did.

    :ivar chosen: index of the selected system; :ivar survivors: systems left when it
        stopped (one unless the budget ran out).
    :ivar eliminated: system → replications it had when eliminated.
    :ivar values: system → its outputs, replication by replication (as given, not negated).
    :ivar guaranteed: stopped with one survivor (the guarantee holds), not by the budget.
    """

    chosen: int
    survivors: list[int]
    eliminated: dict[int, int]
    values: dict[int, list[float]]
    guaranteed: bool
    eta: float
    h2: float
    runner_up: int | None = None
    difference: float | None = None
    interval: tuple[float, float] | None = None
    pairs: int = 0
    stages: list[tuple[int, list[int]]] = field(default_factory=list)

    def means(self) -> dict[int, float]:
        return {i: float(np.mean(v)) for i, v in self.values.items()}


def kn_select(k: int, sample: Callable[[list[int], int, int], dict[int, list[float]]], *,
              delta: float, confidence: float = 0.95, n0: int = 10, budget: int = 100,
              step: int = 1, maximize: bool = False) -> Selection:
    """Run procedure KN (module docstring) on ``k`` systems.

    :param sample: ``sample(systems, first, last)`` returns, for each system asked, its
        outputs of replications ``first … last − 1`` (the same replication index gives the
        same random numbers to every system: common random numbers).
    :param delta: indifference zone, in the output's unit (> 0).
    :param budget: replications per system at most (≥ n0).
    :param step: replications added to each surviving system between screenings.
    :raises ValueError: bad parameters, or ``sample`` returned the wrong number of values.
    """
    if not delta > 0:
        raise ValueError("the indifference zone must be positive")
    if budget < n0 or step < 1:
        raise ValueError("budget must be at least n0, step at least 1")
    alpha = 1.0 - confidence
    eta, h2 = kn_constants(k, alpha, n0)
    values: dict[int, list[float]] = {i: [] for i in range(k)}

    def add(systems: list[int], first: int, last: int) -> None:
        got = sample(systems, first, last)
        for i in systems:
            if len(got[i]) != last - first:
                raise ValueError(f"system {i}: {len(got[i])} values for {last - first} replications")
            values[i].extend(float(x) for x in got[i])

    sign = 1.0 if maximize else -1.0
    add(list(range(k)), 0, n0)
    x = {i: sign * np.asarray(values[i]) for i in range(k)}
    s2 = {}
    for i in range(k):
        for l in range(k):
            if i != l:
                s2[i, l] = float(np.var(x[i][:n0] - x[l][:n0], ddof=1))
    alive = list(range(k))
    eliminated: dict[int, int] = {}
    r = n0
    stages = []
    while True:
        means = {i: float(sign * np.mean(values[i][:r])) for i in alive}
        keep = []
        for i in alive:
            out = False
            for l in alive:
                if l == i:
                    continue
                w = max(0.0, delta / (2 * r) * (h2 * s2[i, l] / delta ** 2 - r))
                if means[i] < means[l] - w:
                    out = True
                    break
            if out:
                eliminated[i] = r
            else:
                keep.append(i)
        alive = keep
        stages.append((r, list(alive)))
        if len(alive) == 1 or r >= budget:
            break
        nxt = min(budget, r + step)
        add(alive, r, nxt)
        r = nxt
    means = {i: float(sign * np.mean(values[i])) for i in alive}
    chosen = max(alive, key=lambda i: (means[i], -i))
    sel = Selection(chosen, alive, eliminated, values, len(alive) == 1, eta, h2, stages=stages)
    _runner_up(sel, confidence, sign)
    return sel


def _runner_up(sel: Selection, confidence: float, sign: float) -> None:
    """The best other system over the replications it shares with the chosen one, and the
    paired-t interval of the difference (chosen − runner-up) on those replications."""
    best = None
    for i, v in sel.values.items():
        if i == sel.chosen:
            continue
        n = min(len(v), len(sel.values[sel.chosen]))
        m = sign * float(np.mean(v[:n]))
        if best is None or m > best[0]:
            best = (m, i, n)
    if best is None:
        return
    _, i, n = best
    diffs = np.asarray(sel.values[sel.chosen][:n]) - np.asarray(sel.values[i][:n])
    mean, ci = mean_ci(diffs, confidence)
    sel.runner_up, sel.difference, sel.interval, sel.pairs = i, mean, ci, n


def statement(sel: Selection, names: list[str], delta: float, confidence: float, unit: str,
              goal: str) -> str:
    """The procedure's confidence statement in words."""
    k = len(names)
    if sel.guaranteed:
        return (f"Procedure KN (Kim & Nelson 2001), {k} layouts, δ = {delta:g} {unit}: if the best "
                f"layout's mean is at least {delta:g} {unit} better than every other's, it is the "
                f"one selected with probability at least {confidence:.0%} (normal output; "
                f"common random numbers; η = {sel.eta:.4f}, h² = {sel.h2:.3f}).")
    left = ", ".join(names[i] for i in sel.survivors)
    return (f"Procedure KN stopped at its budget of {max(len(v) for v in sel.values.values())} "
            f"replications with {len(sel.survivors)} layouts left ({left}): the best sample mean "
            f"is reported, but no {confidence:.0%} statement holds — the layouts left may differ "
            f"by less than δ = {delta:g} {unit}, or need more replications to tell.")
