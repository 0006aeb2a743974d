"""Larson's hypercube queueing model: N units answering calls from geographical atoms,
each call sent to the first free unit on its atom's preference list.

Model (Larson 1974, "A hypercube queuing model for facility location and redistricting in
urban emergency services", *Computers & Operations Research* 1(1):67–95; Larson & Odoni,
*Urban Operations Research*, 1981, §5.4): calls arrive from atom j as a Poisson stream of
rate λ_j; a call goes to the first free unit of its atom's preference list; every unit's
holding time (travel, on scene, return) is exponential with the same mean 1/μ. When
every unit is busy the call is lost (``queue="none"``, zero line capacity) or waits in
one first-come-first-served line (``queue="infinite"``) and goes to the unit that frees
first — each unit with probability 1/N.

**Exact** (:func:`solve_exact`): the state is the set of busy units, one of the 2^N
corners of the hypercube; the balance equations of this Markov chain are solved with
scipy's sparse LU (``scipy.sparse.linalg.spsolve``), one equation replaced by Σπ = 1.
With a line, the states "all busy, k waiting" form a geometric tail
π(N + k) = π(all busy)·ρ^k, ρ = λ/(Nμ), whose flow balances the corner "all busy", so the
2^N-state chain solves both models (renormalised with the tail's mass). Sizes: 2^N
states; fine up to :data:`EXACT_MOST` units.

**Approximation** (:func:`solve_approx`; Larson 1975, "Approximating the performance of
urban emergency service systems", *Operations Research* 23(5):845–868; Larson & Odoni
§5.5): each unit's workload ρ_n from N equations instead of 2^N. The chance that the
first j units of a list are busy and the next is free is taken as
Q(N, ρ, j)·ρ_{m1}···ρ_{mj}·(1 − ρ_n), where the correction factor Q is the exact ratio of
that chance to the product in the symmetric M/M/N system,

    Q(N, ρ, j) = Σ_{k=j}^{N−1} P_k · C(N−j−1, k−j) / C(N, k)  /  (ρ^j (1 − ρ))

(P_k: the M/M/N — or, with no line, the M/M/N/N — probability of k busy; given k busy the
busy set is uniform among the C(N, k) sets). Workloads are then iterated (Larson &
Odoni, Figure 5.19), starting from ρ_n = ρ:

    V_n = Σ_j Σ_{atoms a where n is j-th} λ_a/μ · Q(N, ρ, j−1) · Π_{l<j} ρ_{m_al}
    ρ_n ← (V_n + D) / (1 + V_n),   D = λ·P_Q/(Nμ) (queued calls, shared equally; 0 with no line)
    ρ_n ← ρ_n · (Σ workloads) / Σ_m ρ_m   (λ/μ with a line; λ(1 − B)/μ with none)

until no workload moves by more than ``tolerance``. The book's three-unit example
converges to 0.5627, 0.4716, 0.4657 against the exact 0.5574, 0.4734, 0.4693 (about 1 %
error); Larson reports errors of 1–2 % as typical for workloads and other measures.

**Outputs** (both methods): per unit its workload; per atom the share of its calls served
by each unit (immediately or from the line), the share lost or delayed; the share of
calls answered by a unit other than the atom's first preference; and, when travel times
are given, the mean travel time per atom, per unit and overall. A call from the line is
taken to travel from a unit chosen at random (each 1/N) from its home position, as in
Larson & Odoni §5.4.4 — units do not wait elsewhere. The approximation's per-atom shares
of immediate dispatch are its products Q·Π ρ·(1 − ρ_n), scaled so each atom's calls sum
to the share served at once (Larson & Odoni, Problem 5.11).

Rates are per minute, times in minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np

from drillsim.planning.erlang import saturated

#: the most units :func:`solve_exact` takes (2^14 = 16,384 states)
EXACT_MOST = 14
#: the most units ``method="auto"`` solves exactly before it approximates
AUTO_EXACT = 10


@dataclass(frozen=True)
class System:
    """A hypercube model's inputs.

    :ivar units: unit names, N of them.
    :ivar atoms: atom names, J of them.
    :ivar rates: calls per minute from each atom, shape (J,).
    :ivar preference: per atom, the unit indices in dispatch order (every unit once).
    :ivar service: mean holding time 1/μ, minutes (the same for every unit).
    :ivar queue: ``"infinite"`` (one FCFS line) or ``"none"`` (calls finding every unit
        busy are lost).
    :ivar travel: minutes from each unit to each atom, shape (N, J), or None.
    """

    units: tuple[str, ...]
    atoms: tuple[str, ...]
    rates: tuple[float, ...]
    preference: tuple[tuple[int, ...], ...]
    service: float
    queue: Literal["infinite", "none"] = "infinite"
    travel: tuple[tuple[float, ...], ...] | None = None

    def __post_init__(self) -> None:
        n, j = len(self.units), len(self.atoms)
        if n < 1 or j < 1:
            raise ValueError("a hypercube model needs at least one unit and one atom")
        if len(self.rates) != j or len(self.preference) != j:
            raise ValueError("one rate and one preference list per atom")
        if any(not (math.isfinite(r) and r >= 0) for r in self.rates) or sum(self.rates) <= 0:
            raise ValueError("atom rates must be finite, ≥ 0 and not all 0")
        for a, pref in enumerate(self.preference):
            if sorted(pref) != list(range(n)):
                raise ValueError(f"atom {self.atoms[a]}: the preference list must name every "
                                 "unit exactly once")
        if not (math.isfinite(self.service) and self.service > 0):
            raise ValueError("the mean holding time must be positive")
        if self.queue not in ("infinite", "none"):
            raise ValueError("queue is 'infinite' or 'none'")
        if self.queue == "infinite" and saturated(n, self.load):
            raise ValueError(f"an offered load of {self.load:.4g} erlangs on {n} unit(s): with a "
                             "queue it grows without bound (more units, or queue: none)")
        if self.travel is not None:
            t = np.asarray(self.travel, dtype=float)
            if t.shape != (n, j) or not np.all(np.isfinite(t)) or np.any(t < 0):
                raise ValueError("travel must give finite minutes ≥ 0 for every unit and atom")

    @property
    def n(self) -> int:
        return len(self.units)

    @property
    def rate(self) -> float:
        """Total call rate λ, per minute."""
        return float(sum(self.rates))

    @property
    def load(self) -> float:
        """Offered load λ/μ, erlangs."""
        return self.rate * self.service


@dataclass
class Solution:
    """What a hypercube model gives.

    :ivar method: ``exact`` or ``approximation``.
    :ivar workload: per unit, the share of time it is busy, shape (N,).
    :ivar served: [n, j]: share of atom j's calls served by unit n (immediately or from
        the line), shape (N, J); each column sums to 1 − ``lost``.
    :ivar queued: share of calls that wait (all units busy on arrival; 0 with no line).
    :ivar lost: share of calls lost (0 with a line).
    :ivar mean_wait: minutes, over all calls (0 with no line).
    :ivar out_of_area: share of served calls answered by a unit other than their atom's
        first preference (Larson's interdistrict dispatches; queued calls count when their
        unit is not the first preference).
    :ivar iterations: the approximation's iterations (0 for exact); ``history`` its
        workloads after each.
    :ivar travel_by_atom, travel_by_unit, mean_travel: mean travel minutes of served calls
        (None without travel times).
    """

    system: System
    method: str
    workload: np.ndarray
    served: np.ndarray
    queued: float
    lost: float
    mean_wait: float
    out_of_area: float
    iterations: int = 0
    history: list[np.ndarray] = field(default_factory=list)
    travel_by_atom: np.ndarray | None = None
    travel_by_unit: np.ndarray | None = None
    mean_travel: float | None = None

    def to_dict(self) -> dict:
        """Plain data for ``--json`` (full precision)."""
        s = self.system
        out = {
            "method": self.method, "queue": s.queue, "units": list(s.units), "atoms": list(s.atoms),
            "calls_per_hour": s.rate * 60.0, "mean_holding_minutes": s.service,
            "offered_load_erlangs": s.load,
            "workload": dict(zip(s.units, map(float, self.workload))),
            "served": {a: dict(zip(s.units, map(float, self.served[:, j])))
                       for j, a in enumerate(s.atoms)},
            "queued": self.queued, "lost": self.lost, "mean_wait_minutes": self.mean_wait,
            "out_of_area": self.out_of_area,
        }
        if self.method == "approximation":
            out["iterations"] = self.iterations
        if self.mean_travel is not None:
            out["mean_travel_minutes"] = self.mean_travel
            out["travel_by_atom_minutes"] = dict(zip(s.atoms, map(float, self.travel_by_atom)))
            out["travel_by_unit_minutes"] = {u: (None if math.isnan(v) else float(v))
                                             for u, v in zip(s.units, self.travel_by_unit)}
        return out


def mmn_probabilities(n: int, load: float, queue: str) -> tuple[np.ndarray, float]:
    """P_k, k = 0..N−1 busy units, and the probability that all N are busy, of the M/M/N
    (``queue="infinite"``, load < N) or M/M/N/N (``"none"``) system of ``load`` erlangs.
    Terms a^k/k! are built by products, in logs for large N."""
    logs = np.array([k * math.log(load) - math.lgamma(k + 1) if load > 0 else (0.0 if k == 0 else -np.inf)
                     for k in range(n + 1)])
    top = logs[n]
    if queue == "infinite":
        top = top - math.log(1.0 - load / n)  # Σ_{k≥N} a^N/N! (a/N)^(k−N)
    shift = max(logs.max(), top)
    weights = np.exp(logs[:n] - shift)
    tail = math.exp(top - shift)
    total = weights.sum() + tail
    return weights / total, tail / total


def correction(n: int, load: float, queue: str) -> np.ndarray:
    """Larson's correction factors Q(N, ρ, j), j = 0..N−1 (see the module text), for the
    M/M/N system (``queue="infinite"``) or the M/M/N/N one (``"none"``), where ρ is the
    mean workload: a/N, or a(1 − B)/N with no line.

    Larson & Odoni §5.5.3: Q(3, ½, ·) = 1, 0.73684, 0.63158.
    """
    p, all_busy = mmn_probabilities(n, load, queue)
    rho = load / n if queue == "infinite" else load * (1.0 - all_busy) / n
    q = np.ones(n)
    if rho <= 0.0:
        return q
    # in logs: with many units and a light load both P_k and ρ^j underflow to 0 for large
    # k and j (200 units at 2 erlangs: 0/0), while their ratio Q stays finite
    log_p = _mmn_log_probabilities(n, load, queue)
    log_rho, log_idle = math.log(rho), math.log1p(-rho)
    for j in range(n):
        k = np.arange(j, n)
        terms = (log_p[j:] + _log_comb(n - j - 1, k - j) - _log_comb(n, k))
        q[j] = math.exp(float(np.logaddexp.reduce(terms)) - j * log_rho - log_idle)
    return q


def _log_comb(n: int, k: np.ndarray) -> np.ndarray:
    """ln C(n, k) for an array of k (0 ≤ k ≤ n), through the log-gamma function."""
    from scipy.special import gammaln

    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _mmn_log_probabilities(n: int, load: float, queue: str) -> np.ndarray:
    """ln P_k, k = 0..N−1 busy units, of :func:`mmn_probabilities`' system (``load`` > 0),
    without its underflow to 0 for large k."""
    logs = np.array([k * math.log(load) - math.lgamma(k + 1) for k in range(n + 1)])
    top = logs[n]
    if queue == "infinite":
        top = top - math.log(1.0 - load / n)
    return logs[:n] - np.logaddexp.reduce(np.append(logs[:n], top))


def solve_exact(s: System) -> Solution:
    """The hypercube model solved exactly (2^N states, sparse LU).

    :raises ValueError: more than :data:`EXACT_MOST` units.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve

    n = s.n
    if n > EXACT_MOST:
        raise ValueError(f"{n} units make 2^{n} states: the exact model takes at most "
                         f"{EXACT_MOST} units; use the approximation")
    size = 1 << n
    mu = 1.0 / s.service
    rates = np.asarray(s.rates, dtype=float)
    # first[state, j]: the unit a call from atom j goes to in `state` (−1: all busy)
    first = np.full((size, len(rates)), -1, dtype=int)
    for j, pref in enumerate(s.preference):
        for state in range(size):
            for u in pref:
                if not state >> u & 1:
                    first[state, j] = u
                    break
    rows, cols, vals = [], [], []
    for state in range(size):
        up: dict[int, float] = {}
        for j, r in enumerate(rates):
            u = first[state, j]
            if u >= 0 and r > 0:
                up[state | 1 << u] = up.get(state | 1 << u, 0.0) + r
        for target, r in up.items():
            rows.append(state)
            cols.append(target)
            vals.append(r)
        for u in range(n):
            if state >> u & 1:
                rows.append(state)
                cols.append(state & ~(1 << u))
                vals.append(mu)
    q = coo_matrix((vals, (rows, cols)), shape=(size, size)).tocsr()
    out_rate = np.asarray(q.sum(axis=1)).ravel()
    generator = (q - coo_matrix((out_rate, (range(size), range(size))), shape=(size, size))).T.tolil()
    generator[size - 1, :] = np.ones(size)     # Σ π = 1 replaces one balance equation
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    pi = np.asarray(spsolve(generator.tocsc(), rhs)).ravel()
    pi = np.clip(pi, 0.0, None)
    pi /= pi.sum()
    full = size - 1
    tail = 0.0
    if s.queue == "infinite":
        rho = s.load / n
        tail = pi[full] * rho / (1.0 - rho)
        pi, tail = pi / (1.0 + tail), tail / (1.0 + tail)
    busy = np.array([[state >> u & 1 for u in range(n)] for state in range(size)], dtype=float)
    workload = pi @ busy + tail
    # rate of calls from atom j served by unit n
    served_rate = np.zeros((n, len(rates)))
    for j, r in enumerate(rates):
        for state in range(size):
            u = first[state, j]
            if u >= 0:
                served_rate[u, j] += r * pi[state]
    all_busy = pi[full] + tail                  # chance a call finds every unit busy (PASTA)
    queued = all_busy if s.queue == "infinite" else 0.0
    lost = pi[full] if s.queue == "none" else 0.0
    if s.queue == "infinite":
        served_rate += np.outer(np.ones(n), rates) * all_busy / n
    return _finish(s, "exact", workload, served_rate, queued, lost)


def solve_approx(s: System, tolerance: float = 1e-9, most: int = 1000) -> Solution:
    """Larson's approximation (see the module text): N workload equations iterated from
    ρ_n = ρ until no workload moves by more than ``tolerance``.

    :raises ValueError: not converged within ``most`` iterations.
    """
    n = s.n
    load = s.load
    p, all_busy = mmn_probabilities(n, load, s.queue)
    q = correction(n, load, s.queue)
    lam = np.asarray(s.rates, dtype=float) * s.service   # per mean holding time
    carried = load if s.queue == "infinite" else load * (1.0 - all_busy)
    d = load * all_busy / n if s.queue == "infinite" else 0.0
    rho = np.full(n, carried / n)
    history = []
    for it in range(1, most + 1):
        v = np.zeros(n)
        for j, pref in enumerate(s.preference):
            prod = 1.0
            for k, u in enumerate(pref):
                v[u] += lam[j] * q[k] * prod
                prod *= rho[u]
        new = (v + d) / (1.0 + v)
        new *= carried / new.sum()
        history.append(new)
        moved = float(np.max(np.abs(new - rho)))
        rho = new
        if moved <= tolerance:
            break
    else:
        raise ValueError(f"the approximation did not settle within {most} iterations")
    served_rate = np.zeros((n, len(lam)))
    rates = np.asarray(s.rates, dtype=float)
    for j, pref in enumerate(s.preference):
        prod, col = 1.0, np.zeros(n)
        for k, u in enumerate(pref):
            col[u] = q[k] * prod * (1.0 - rho[u])
            prod *= rho[u]
        if col.sum() > 0:
            served_rate[:, j] = rates[j] * (1.0 - all_busy) * col / col.sum()
    queued = all_busy if s.queue == "infinite" else 0.0
    lost = all_busy if s.queue == "none" else 0.0
    if s.queue == "infinite":
        served_rate += np.outer(np.ones(n), rates) * all_busy / n
    sol = _finish(s, "approximation", rho, served_rate, queued, lost)
    sol.iterations = len(history)
    sol.history = history
    return sol


def _finish(s: System, method: str, workload: np.ndarray, served_rate: np.ndarray,
            queued: float, lost: float) -> Solution:
    """Shares, waits, out-of-area dispatches and travel from the served rates."""
    n = s.n
    rates = np.asarray(s.rates, dtype=float)
    served = np.divide(served_rate, rates, out=np.zeros_like(served_rate), where=rates > 0)
    wait = 0.0
    if s.queue == "infinite" and queued > 0:
        wait = queued * s.service / (n - s.load)    # Erlang C: C / (Nμ − λ)
    firsts = np.array([pref[0] for pref in s.preference])
    own = sum(served_rate[firsts[j], j] for j in range(len(rates)))
    total = served_rate.sum()
    out = 1.0 - own / total if total > 0 else 0.0
    sol = Solution(s, method, np.asarray(workload, dtype=float), served, queued, lost, wait, out)
    if s.travel is not None:
        t = np.asarray(s.travel, dtype=float)
        # immediate dispatches travel t[n, j]; a queued call's unit is at random (1/N)
        if s.queue == "infinite":
            immediate = served_rate - np.outer(np.ones(n), rates) * queued / n
            queued_travel = t.mean(axis=0)                       # per atom
            per_atom = ((immediate * t).sum(axis=0) + rates * queued * queued_travel)
        else:
            per_atom = (served_rate * t).sum(axis=0)
        carried_by_atom = served_rate.sum(axis=0)
        sol.travel_by_atom = np.divide(per_atom, carried_by_atom, out=np.zeros_like(per_atom),
                                       where=carried_by_atom > 0)
        by_unit = served_rate.sum(axis=1)
        sol.travel_by_unit = np.divide((served_rate * t).sum(axis=1), by_unit,
                                       out=np.full(n, np.nan), where=by_unit > 0)
        sol.mean_travel = float(per_atom.sum() / carried_by_atom.sum())
    return sol


def solve(s: System, method: Literal["auto", "exact", "approx"] = "auto") -> Solution:
    """Solve ``s`` exactly, by the approximation, or (``auto``) exactly up to
    :data:`AUTO_EXACT` units and approximately above."""
    if method == "exact" or (method == "auto" and s.n <= AUTO_EXACT):
        return solve_exact(s)
    return solve_approx(s)


def preference_by_travel(travel: Sequence[Sequence[float]]) -> list[tuple[int, ...]]:
    """Per atom, the units nearest first (ties by unit order), from travel[n][j]."""
    t = np.asarray(travel, dtype=float)
    return [tuple(int(u) for u in np.argsort(t[:, j], kind="stable")) for j in range(t.shape[1])]
