"""What a flood costs in lives and in people affected: the plan's outcome indicators
K5 (deaths per million) and K6 (people affected per 100,000) for one event.

**Mortality** (Jonkman, Vrijling & Vrouwenvelder 2008, *Methods for the estimation of
loss of life due to floods: a literature review and a proposal for a new method*,
Natural Hazards 46(3):353-389, doi:10.1007/s11069-008-9227-5): the share of the people
exposed in a flooded area who die, as a lognormal function of the water depth h (m):

    F_D(h) = Φ((ln h − μ) / σ)
    rapidly rising zone (h ≥ 2.1 m and the water rising ≥ 0.5 m/h): μ = 1.46, σ = 0.28
    remaining zone (any other flooded place):                       μ = 7.60, σ = 2.75

(the breach zone, near a failed dyke, is not modelled: no scenario breaches one).
Fitted to the 1953 North Sea flood in the Netherlands and Hurricane Katrina in New
Orleans (2005): low-rise homes; people in multi-storey buildings fare better.

**A township's exposure.** The flood model fills a township's low ground from nothing at
its ``flood_stage`` to all of it at ``flood_stage + full_depth`` (homes spread evenly
over that rise, as the rescue-call model has it). At the township's peak stage H the
homes at ground level z ∈ [flood_stage, min(H, flood_stage + full_depth)] stand in
H − z of water. Of the township's people at risk, those still there at the peak (not
yet evacuated, and the ``stay_share`` who refuse to go) live spread evenly over the
same rise, so the expected deaths are

    deaths = left / full_depth · ∫ F_D(u) du,  u from max(0, H − flood_stage − full_depth) to H − flood_stage

(midpoint rule, 400 steps). **People affected** (受灾人口) are the people at risk of
every township that floods.
"""

from __future__ import annotations

import functools
import math

#: Jonkman et al. (2008): (μ, σ) of the lognormal mortality function by zone
REMAINING_ZONE = (7.60, 2.75)
RAPIDLY_RISING_ZONE = (1.46, 0.28)
#: the rapidly rising zone: at least this depth (m) and this rate of rise (m/h)
RAPID_DEPTH_M = 2.1
RAPID_RISE_M_H = 0.5


def mortality(depth_m: float, rise_m_h: float = 0.0) -> float:
    """Jonkman et al. (2008) share of exposed people who die at ``depth_m`` of water
    rising at ``rise_m_h``; 0 for no water."""
    if depth_m <= 0:
        return 0.0
    rapid = depth_m >= RAPID_DEPTH_M and rise_m_h >= RAPID_RISE_M_H
    mu, sigma = RAPIDLY_RISING_ZONE if rapid else REMAINING_ZONE
    return 0.5 * (1.0 + math.erf((math.log(depth_m) - mu) / (sigma * math.sqrt(2.0))))


def expected_deaths(people_left: float, peak_depth_m: float, full_depth_m: float,
                    rise_m_h: float = 0.0, steps: int = 400) -> float:
    """Expected deaths among ``people_left`` spread evenly over a township's low ground
    (``full_depth_m`` of rise from its flood stage) when the water stands
    ``peak_depth_m`` above the flood stage (see the module docstring).

    :raises ValueError: ``full_depth_m`` not positive or ``steps`` below 1.
    """
    if full_depth_m <= 0 or steps < 1:
        raise ValueError("full_depth_m must be positive and steps at least 1")
    if people_left <= 0 or peak_depth_m <= 0:
        return 0.0
    lo, hi = max(0.0, peak_depth_m - full_depth_m), peak_depth_m
    return people_left / full_depth_m * _mortality_integral(lo, hi, rise_m_h, steps)


@functools.lru_cache(maxsize=1024)
def _mortality_integral(lo: float, hi: float, rise_m_h: float, steps: int) -> float:
    """∫ mortality(u) du over [lo, hi] m by the midpoint rule in ``steps`` steps. The
    same for every replication of a run (the water is the hydrograph's, not drawn), so
    it is computed once per township and not again in each replication."""
    du = (hi - lo) / steps
    return sum(mortality(lo + (k + 0.5) * du, rise_m_h) for k in range(steps)) * du


def steepest_rise(stage_at, t0: float, t1: float, window: float = 60.0, step: float = 5.0) -> float:
    """Steepest rise of a stage series (m/h) over ``window`` minutes ending in [t0, t1]
    (``stage_at(t)`` in m, t in minutes)."""
    best, t = 0.0, t0
    while t <= t1 + 1e-9:
        best = max(best, (stage_at(t) - stage_at(t - window)) * 60.0 / window)
        t += step
    return best
