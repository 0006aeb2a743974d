"""Comprehensive rescue teams of the plan: the district team (区综合应急救援队, F2, 30
people), one full-time team per township (镇街专职综合应急救援队, F3) and volunteer
teams (社会应急力量: Blue Sky Rescue, Shancheng Snow Leopard, F8).

Default strengths are placeholders for a scenario to override and justify: the plan
gives 30 people for the district team and no size for township or volunteer teams.
"""

from drillsim.api import UnitType, hookimpl

DISTRICT_RESCUE_TEAM = UnitType(
    name="district_rescue_team",
    description="区综合应急救援队 district comprehensive rescue team (a squad of it)",
    capabilities={"people": 10},
    vehicle="rescue_vehicle",
    turnout=5.0,
    plan_ref="F2 I.(1).4",
)

TOWNSHIP_RESCUE_TEAM = UnitType(
    name="township_rescue_team",
    description="镇街专职综合应急救援队 township full-time rescue team",
    capabilities={"people": 20},
    vehicle="rescue_vehicle",
    turnout=15.0,
    plan_ref="F3 I.(1).4, II.(3).2",
)

VOLUNTEER_RESCUE_TEAM = UnitType(
    name="volunteer_rescue_team",
    description="社会应急力量 volunteer rescue team (Blue Sky Rescue, Shancheng Snow Leopard)",
    capabilities={"people": 8},
    vehicle="rescue_vehicle",
    turnout=30.0,
    plan_ref="F8 I.(1).4, III.(3).1(4)",
)


@hookimpl
def drillsim_register_unit_types(register):
    register(DISTRICT_RESCUE_TEAM)
    register(TOWNSHIP_RESCUE_TEAM)
    register(VOLUNTEER_RESCUE_TEAM)
