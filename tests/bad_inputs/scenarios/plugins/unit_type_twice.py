"""A careless plugin (bad-input corpus): a built-in unit type's name registered again."""
from drillsim.api import UnitType, hookimpl


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="township_rescue_team", description="township militia squad",
                      capabilities={"people": 12}))
