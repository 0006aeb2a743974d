"""Water rescue team (水上应急救援队, plan F7): company-run boat crews.

One unit is one boat with its crew, carried by road on a trailer to the launch point.
"""

from drillsim.api import UnitType, hookimpl

WATER_RESCUE_TEAM = UnitType(
    name="water_rescue_team",
    description="水上应急救援队 water rescue boat crew (boat on a trailer)",
    capabilities={"boats": 1, "people": 4},
    vehicle="boat_trailer",
    turnout=10.0,
    plan_ref="F7 III.(3).1(5), IV.(6)",
)


@hookimpl
def drillsim_register_unit_types(register):
    register(WATER_RESCUE_TEAM)
