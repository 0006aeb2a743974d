"""A careless plugin (bad-input corpus): a unit type's turnout written as scenario text."""
from drillsim.api import UnitType, hookimpl


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="militia_team", description="township militia squad",
                      capabilities={"people": 12}, turnout="20min"))
