"""Engineering rescue team (工程抢险队): an excavator with its operator and a small crew,
called in from a road or construction company for slides, collapses and blocked roads.

The plan names no such force; the district's highway and construction departments hold
the machines (III.(2).4(2) names geological hazard works). Scenarios that use it list it
as assumed. It travels on a low-loader (the region's ``low_loader`` vehicle class).
"""

from drillsim.api import UnitType, hookimpl

ENGINEERING_TEAM = UnitType(
    name="engineering_team",
    description="工程抢险队 engineering rescue team: one excavator, operator and crew (on a low-loader)",
    capabilities={"excavator": 1, "people": 4},
    vehicle="low_loader",
    turnout=60.0,
    plan_ref="(not in the plan: assumed) III.(2).4(2)",
)


@hookimpl
def drillsim_register_unit_types(register):
    register(ENGINEERING_TEAM)
