"""Fireline production and containment arithmetic.

Line production rates come from the shipped ``production_rates.yaml`` (NWCG Incident
Response Pocket Guide, sustained rates of 20-person crews by fuel model, chains/h); a crew
of another size is scaled in proportion to its people (an assumption a scenario states).
Containment is the classic perimeter race: a fire is contained when the held line built
since attack began reaches the fire's perimeter, and the head is calm enough for the
crews to close it (flame length under their limit, Andrews & Rothermel 1982, INT-131).

The planning arithmetic (time for one crew, crews for a target time) is the NWCG Fire
Fighter Math's (section 9.8, Production Rates).

Scope: the race is the simplest containment model, and a pessimistic one, whichever end
the crews start from: the whole perimeter keeps growing until the line closes it. In
Fried & Fried's (1996, "Simulating wildfire containment with realistic tactics", *Forest
Science* 42) model, which BehavePlus' CONTAIN module implements, the edge already lined
stops, and line built from the head stops the head. For Behave's own CONTAIN test
(firelab/behave, testBehave.cpp, testContainModule: 1 acre at report, head spread 5
ch/h, length-to-width 3, one resource of 20 ch/h arriving 2 h after the report, head
attack), CONTAIN closes the fire with 39.5 chains of line at 9.4 acres; the race, with
the same ellipse (Anderson 1983) and rate, needs 86 chains and about 4.3 h, at 39 acres.
The shipped Baolong fire without its helicopter (crews anchored at the rear, arriving
0.43, 0.56 and 0.97 h after ignition) closes by the race at 2.37 h and 6.4 ha, by Fried
& Fried's rear attack with the same crews and spread at 1.70 h and 1.9 ha: the
scenario's containment times and burned areas are upper bounds. :func:`flank_attack`
computes Fried & Fried's containment (head or rear attack, crews joining at their times)
for a fire of steady shape and spread, reproducing that CONTAIN test; the fire
calculator uses it (``drillsim hazard fire --attack T --production P``); the
``forest_fire`` scenario, whose weather, spread and crews change as it burns, keeps the
race.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

import yaml

M_PER_CHAIN = 20.1168


@lru_cache(maxsize=1)
def production_table() -> dict:
    """The shipped production-rate table (``production_rates.yaml``) as loaded."""
    text = resources.files(__package__).joinpath("production_rates.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def crew_rate_m_h(crew_type: str, fuel_model: int, condition: str = "all", crew_size: float = 20) -> float:
    """Sustained line production of one crew, metres per hour.

    :param crew_type: ``type1`` or ``type2`` (NWCG crew types).
    :param fuel_model: Anderson (1982) fuel model number 1–13 (the table's rows).
    :param condition: the row's specific condition (``all``, ``grass``, ``conifers`` …).
    :param crew_size: people in the crew; the table is for 20 and is scaled in proportion.
    :raises ValueError: unknown crew type, fuel model or condition; crew size not positive.
    """
    table = production_table()
    if crew_type not in table["crew_types"]:
        raise ValueError(f"unknown crew type {crew_type!r}; the table has {', '.join(table['crew_types'])}")
    row = table["rates"].get(int(fuel_model))
    if row is None:
        raise ValueError(f"no production rates for fuel model {fuel_model}; the table covers Anderson models 1-13")
    if condition not in row:
        raise ValueError(f"fuel model {fuel_model} has no condition {condition!r}; it has {', '.join(row)}")
    if not crew_size > 0:
        raise ValueError(f"crew size must be positive, got {crew_size}")
    chains = row[condition][table["crew_types"].index(crew_type)]
    return chains * M_PER_CHAIN * crew_size / table["crew_size"]


def hours_to_build(line_length: float, rate_per_crew: float, crews: int = 1) -> float:
    """Hours for ``crews`` crews to build ``line_length`` of line at ``rate_per_crew``
    (any length unit per hour, the same as the line's). NWCG Fire Fighter Math 9.8.

    :raises ValueError: a non-positive rate or crew count, a negative length.
    """
    if not rate_per_crew > 0 or crews < 1 or line_length < 0:
        raise ValueError("rate and crews must be positive and the line length non-negative")
    return line_length / (rate_per_crew * crews)


def crews_needed(line_length: float, rate_per_crew: float, hours: float) -> int:
    """Whole crews needed to build ``line_length`` within ``hours`` (NWCG Fire Fighter
    Math 9.8, step 4: round up).

    :raises ValueError: non-positive rate or hours, negative length.
    """
    if not rate_per_crew > 0 or not hours > 0 or line_length < 0:
        raise ValueError("rate and hours must be positive and the line length non-negative")
    return math.ceil(line_length / (rate_per_crew * hours) - 1e-12)


def flame_length_limit(resource: str) -> float:
    """Flame length (m) up to which ``hand_crew`` or ``aircraft`` work the fire edge
    directly (Andrews & Rothermel 1982).

    :raises ValueError: unknown resource kind.
    """
    limits = production_table()["flame_length_limits_m"]
    if resource not in limits:
        raise ValueError(f"unknown resource kind {resource!r}; known: {', '.join(limits)}")
    return float(limits[resource])


def _edge_speed_root(u: float, eps: float, p: float, forward: bool) -> float | None:
    """ω = h·du/dh of a line builder on the edge of a self-similar elliptical fire.

    The fire's edge is P(u, h) = h·(X(u), Y(u)), ignition at the origin (a focus), head
    at distance h on the x axis: X = (cos u + ε)/(1 + ε), Y = a·sin u, a = √((1−ε)/(1+ε)).
    The edge point of fixed u moves at R·P/h (the fire grows at the head rate R); a
    builder held on the edge moves at R·P/h + u̇·∂P/∂u, and its ground speed is the line
    production r, so with p = r/R and ω = h·u̇/R (derived here from that geometry):

        (X'² + Y'²) ω² + 2 (X X' + Y Y') ω + (X² + Y²) − p² = 0

    ``forward``: the root with u increasing (from the head, u = 0, to the rear, u = π);
    else u decreasing (from the rear to the head). None when the builder cannot hold the
    edge (the fire outruns it there)."""
    a = math.sqrt((1.0 - eps) / (1.0 + eps))
    c, s = math.cos(u), math.sin(u)
    x, y = (c + eps) / (1.0 + eps), a * s
    xp, yp = -s / (1.0 + eps), a * c
    qa = xp * xp + yp * yp
    qb = 2.0 * (x * xp + y * yp)
    qc = x * x + y * y - p * p
    disc = qb * qb - 4.0 * qa * qc
    if disc < 0.0:
        return None
    root = (-qb + math.sqrt(disc)) / (2.0 * qa) if forward else (-qb - math.sqrt(disc)) / (2.0 * qa)
    if (root <= 0.0) if forward else (root >= 0.0):
        return None
    return root


def flank_attack(head_m: float, ros_m_min: float, lb: float, crews: list[tuple[float, float]],
                 tactic: str = "head", limit_min: float = 7 * 24 * 60.0, steps: int = 4000) -> dict:
    """Containment of a free-burning elliptical fire by line built along both flanks at
    once, from the head (``head``) or from the rear (``rear``), the line held where it is
    built: Fried & Fried's (1996) containment geometry, as BehavePlus' CONTAIN computes it
    for a two-flank attack with no gap between line and edge. Derived here from the
    ellipse (:func:`_edge_speed_root`): on one flank the builder's angle u obeys
    du/d(ln h) = ω(u; ε, r/R), where h is the head's distance from the ignition; the
    production of the crews on scene is split equally between the two flanks. The head
    attack is checked against Behave's CONTAIN test (tests/test_fire_growth.py); the rear
    attack, the same equation's other root, only against its limits (no spread: the
    ellipse's perimeter; a line no faster than the head on each flank never closes). A
    crew too slow to hold the edge where it starts ends the attack (not contained), even
    if faster crews would join later.

    :param head_m: distance of the head from the ignition point when the first crew
        starts (m); the fire is an ellipse of length-to-breadth ``lb`` with the ignition
        at its rear focus (Anderson 1983), growing at the head rate ``ros_m_min``.
    :param crews: ``[(start, rate)]``: minutes after the first start at which each crew
        begins (the first 0), and its line production, m/h (both flanks together).
    :param limit_min: give up after this long (minutes after the first start).
    :returns: ``{"contained", "minutes" (first start to containment, or to the limit),
        "line_m" (both flanks), "area_m2" (inside the line at containment; when not
        contained, swept by the line so far), "head_m"}``;
        when not contained, ``reason`` says why (the fire outruns the line, or the limit).
    :raises ValueError: non-positive head distance, spread or production; lb < 1; an
        unknown tactic; a crew starting before 0.
    """
    if not (head_m > 0 and ros_m_min > 0 and lb >= 1.0):
        raise ValueError("the head distance and the spread rate must be positive and lb at least 1")
    if tactic not in ("head", "rear"):
        raise ValueError(f"unknown tactic {tactic!r}; use head or rear")
    if not crews or any(start < 0 or not rate > 0 for start, rate in crews) or min(c[0] for c in crews) != 0:
        raise ValueError("give crews as (start ≥ 0 min, production > 0 m/h), the first at 0")
    eps = math.sqrt(max(0.0, 1.0 - 1.0 / (lb * lb)))
    forward = tactic == "head"
    u, end = (0.0, math.pi) if forward else (math.pi, 0.0)
    du = (end - u) / steps
    changes = sorted({start for start, _ in crews if start > 0} | {limit_min})
    t, reason = 0.0, None

    def rate_at(minutes: float) -> float:                 # m/h of the crews on the line
        return sum(r for start, r in crews if start <= minutes)

    # for a constant production, ln h = s grows along the flank by ds = du / ω(u): a
    # quadrature in u (Simpson's rule on each step); where a crew joins within a step,
    # the step is split at the u where s reaches that time
    s = math.log(head_m)
    path = [(u, head_m)]
    k = 0
    while k < steps:
        nxt = next(c for c in changes if c > t + 1e-9)
        s_change = math.log(head_m + ros_m_min * nxt)
        p = rate_at(t) / 2.0 / 60.0 / ros_m_min                       # one flank's, over R
        w = [_edge_speed_root(u + f * du, eps, p, forward) for f in (0.0, 0.5, 1.0)]
        if not all(w):
            reason = "the fire outruns the line: too little production to hold the edge"
            break
        step_s = du / 6.0 * (1.0 / w[0] + 4.0 / w[1] + 1.0 / w[2])
        if s + step_s <= s_change:
            u, s, k = u + du if k < steps - 1 else end, s + step_s, k + 1
            path.append((u, math.exp(s)))
            t = (math.exp(s) - head_m) / ros_m_min
            continue
        # the change (a crew joins, or the limit) comes within this step: take the part of
        # the step up to it (the share of ds, to first order), then go on from there
        share = (s_change - s) / step_s
        u, s = u + share * du, s_change
        path.append((u, math.exp(s)))
        t = nxt
        if nxt >= limit_min:
            break
        du = (end - u) / (steps - k)                                  # the rest, evenly
    line = 0.0
    minutes = (math.exp(s) - head_m) / ros_m_min if u == end else t
    for start, r in crews:
        line += r / 60.0 * max(0.0, minutes - start)
    t = minutes
    contained = u == end and reason is None
    # the area inside the line: twice the upper half's, by the shoelace sum along the path
    a = math.sqrt((1.0 - eps) / (1.0 + eps))
    pts = [((math.cos(uu) + eps) * hh / (1.0 + eps), a * math.sin(uu) * hh) for uu, hh in path]
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:]))
    out = {"contained": contained, "minutes": t, "line_m": line, "area_m2": abs(twice),
           "head_m": head_m + ros_m_min * t}
    if not contained:
        out["reason"] = reason or f"the line does not close within {limit_min / 60:g} h"
    return out
