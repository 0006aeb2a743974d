"""The cost of a configuration, so a sweep can set cost beside performance.

A force's ``cost`` in the scenario is the cost of **one unit** (a per-township force
has one unit in each township it covers); a reserve's ``cost_per_unit`` is the cost of
holding one unit of it (one person provided for), counted over everything held —
district stock and every township's stock. The currency and period (one-off, per
year) are the sweep's ``cost_unit``; drillsim only adds up.
"""

from __future__ import annotations

from drillsim.scenario.loader import ResolvedScenario


def scenario_cost(scenario: ResolvedScenario) -> float | None:
    """Total cost of the units in service and the reserves held.

    Disabled forces cost nothing; forces and reserves without a cost count as 0.

    :returns: the sum, or None when no force and no reserve of the scenario has a cost.
    """
    priced = False
    total = 0.0
    for force in scenario.forces:
        if force.spec.cost is not None:
            priced = True
            total += force.spec.cost * len(force.units)
    for reserve in scenario.reserves:
        if reserve.spec.cost_per_unit is not None:
            priced = True
            total += reserve.spec.cost_per_unit * sum(reserve.holdings.values())
    return total if priced else None
