"""A careless plugin (bad-input corpus): a registration hook that returns its unit type
instead of handing it to register (as other plugin systems' hooks do)."""
from drillsim.api import UnitType, hookimpl


@hookimpl
def drillsim_register_unit_types(register):
    return [UnitType(name="militia_team", description="township militia squad",
                     capabilities={"people": 12})]
