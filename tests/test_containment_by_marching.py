"""Fried & Fried's (1996) two-flank attack computed a second way, for crews and fires the
one published check (Behave's CONTAIN test, tests/test_fire_growth.py) leaves out.

The model (Fried, J.S. & Fried, B.D. 1996, Simulating wildfire containment with
realistic tactics, *Forest Science* 42(3): 267-281; BehavePlus' CONTAIN): a fire grows as
an ellipse of fixed length-to-breadth ratio with the ignition at its rear focus
(Anderson 1983), the head advancing at R; from the attack on, a builder on each flank
holds the line where it is built and works along the fire's edge at half the crews'
production, from the head towards the rear (head attack) or from the rear towards the
head (rear attack); the fire is contained when the two builders meet.

:func:`flank_attack` integrates the builder's angle on the self-similar ellipse. Here the
same attack is marched in time instead: each step of 0.005 min the builder goes in a
straight line, its step's length of line, to the point of the grown ellipse that
distance away (found by bisection), until the point where the flanks meet is within
reach. The two agree to 0.1 % in time and line for head and rear attack, one crew or
several joining later, and through ``drillsim hazard fire --attack --production``.
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim_plugins.forest_fire.containment import flank_attack


def march(head0, ros, lb, crews, tactic, dt=0.005):
    """(minutes, line m) of the attack by time-marching; None if the fire outruns it."""
    eps = math.sqrt(1 - 1 / lb ** 2)
    b = math.sqrt((1 - eps) / (1 + eps))

    def edge(u, h):                                  # ignition at the origin, head at (h, 0)
        return (math.cos(u) + eps) * h / (1 + eps), b * math.sin(u) * h

    u, end = (0.0, math.pi) if tactic == "head" else (math.pi, 0.0)
    h, t, line = head0, 0.0, 0.0
    while t < 24 * 60:
        rate = sum(r for start, r in crews if start <= t + 1e-12) / 2 / 60      # one flank, m/min
        x0, y0 = edge(u, h)
        h_next, reach = h + ros * dt, rate * dt

        def gap(uu, h_next=h_next, x0=x0, y0=y0, reach=reach):
            x, y = edge(uu, h_next)
            return math.hypot(x - x0, y - y0) - reach

        if gap(u) > 0:
            return None                              # the edge runs away from the builder
        if gap(end) <= 0:                            # the flanks meet within this step
            last = math.hypot(edge(end, h_next)[0] - x0, edge(end, h_next)[1] - y0)
            return t + dt * last / reach, line + 2 * last
        lo, hi = u, end
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
        u, h, t, line = (lo + hi) / 2, h_next, t + dt, line + 2 * reach
    return None


CASES = [  # head distance m, head spread m/min, length-to-breadth, crews [(start min, m/h)]
    (300.0, 2.0, 3.0, [(0.0, 2000.0)]),
    (500.0, 5.0, 2.0, [(0.0, 4000.0)]),
    (100.0, 1.0, 1.5, [(0.0, 500.0)]),
    (1000.0, 3.0, 4.0, [(0.0, 12000.0)]),
    (300.0, 2.0, 3.0, [(0.0, 900.0), (10.0, 900.0), (25.0, 1800.0)]),     # crews joining
]


@pytest.mark.parametrize("tactic", ["head", "rear"])
@pytest.mark.parametrize("head0, ros, lb, crews", CASES)
def test_flank_attack_agrees_with_time_marching(head0, ros, lb, crews, tactic):
    c = flank_attack(head0, ros, lb, crews, tactic)
    m = march(head0, ros, lb, crews, tactic)
    assert c["contained"] and m is not None
    assert c["minutes"] == pytest.approx(m[0], rel=1e-3)
    assert c["line_m"] == pytest.approx(m[1], rel=1e-3)


def test_a_line_slower_than_the_fire_is_outrun_both_ways():
    # one flank's builder at 0.4 R cannot hold the edge near the head of a 3:1 fire
    assert march(300.0, 2.0, 3.0, [(0.0, 96.0)], "head") is None
    assert not flank_attack(300.0, 2.0, 3.0, [(0.0, 96.0)], "head")["contained"]


@pytest.mark.parametrize("production, tactic", [("28ch/h", "rear"), ("40ch/h", "head"), ("40ch/h", "rear")])
def test_the_fire_calculators_attack_by_marching(production, tactic):
    """FM9 timber litter in 5 mi/h wind (the IRPG's Type 1 crew builds 28 ch/h there in
    conifers, 40 ch/h in hardwoods): the head at R × 30 min when the line starts; the
    calculator's own R and length-to-breadth."""
    res = CliRunner().invoke(main, ["hazard", "fire", "--fuel-model", "FM9", "--wind", "5mph",
                                    "--attack", "30min", "--production", production, "--tactic", tactic,
                                    "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    ros, lb = out["rate_of_spread_m_min"], out["length_to_breadth"]
    chains = float(production.removesuffix("ch/h"))
    m = march(ros * 30, ros, lb, [(0.0, chains * 20.1168)], tactic)
    assert out["contained"] and m is not None
    assert out["contained_min"] == pytest.approx(30 + m[0], rel=1e-3)
    assert out["line_m"] == pytest.approx(m[1], rel=1e-3)
