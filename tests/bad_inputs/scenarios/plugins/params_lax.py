"""A careless plugin (bad-input corpus): a params model that is a plain pydantic
BaseModel, which would drop a scenario's misspelt field without a word."""
from pydantic import BaseModel

from drillsim.api import UnitType, hookimpl


class Params(BaseModel):
    home_only: bool = True


@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="militia_team", description="township militia squad",
                      capabilities={"people": 12}, params_model=Params))
