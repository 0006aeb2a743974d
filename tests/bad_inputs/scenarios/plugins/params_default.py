"""A careless plugin (bad-input corpus): a params default written as scenario text."""
from drillsim.api import Duration, Strict, UnitType, hookimpl


class Params(Strict):
    assembly: Duration = "30min"  # the run would receive the string '30min': write 30.0


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="militia_team", description="township militia squad",
                      capabilities={"people": 12}, params_model=Params))
