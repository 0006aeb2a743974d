"""A careless plugin (bad-input corpus): params defaults of the right type that the
field's own checks refuse, as a scenario's -5min or 150% is refused."""
from drillsim.api import Duration, Fraction, Strict, UnitType, hookimpl


class Params(Strict):
    assembly: Duration = -5.0  # minutes: a duration is above zero
    turnout_share: Fraction = 1.5  # a share is 0-1


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="militia_team", description="township militia squad",
                      capabilities={"people": 12}, params_model=Params))
