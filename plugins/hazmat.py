"""Hazmat rescue team (危化应急救援队, plan F6): full-time team in the high-tech zone."""

from drillsim.api import UnitType, hookimpl

HAZMAT_TEAM = UnitType(
    name="hazmat_team",
    description="危化应急救援队 hazmat rescue team (detection, containment, decontamination)",
    capabilities={"people": 8, "hazmat": 1},
    vehicle="fire_engine",
    turnout=2.0,
    plan_ref="F6 III.(3).1(2), III.(3).1(5), IV.(6)",
)


@hookimpl
def drillsim_register_unit_types(register):
    register(HAZMAT_TEAM)
