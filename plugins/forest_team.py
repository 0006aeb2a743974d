"""Forest firefighting team (森林消防专业队, plan F5): at least 15 people (plan T7)."""

from drillsim.api import UnitType, hookimpl

FOREST_FIREFIGHTING_TEAM = UnitType(
    name="forest_firefighting_team",
    description="森林消防专业队 forest firefighting team (hand crew)",
    capabilities={"people": 15, "fireline": 1},
    vehicle="rescue_vehicle",
    turnout=10.0,
    plan_ref="F5 III.(2).4(3)",
)


@hookimpl
def drillsim_register_unit_types(register):
    register(FOREST_FIREFIGHTING_TEAM)
