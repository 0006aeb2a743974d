"""A careless plugin (bad-input corpus): a hook parameter the spec does not have."""
from drillsim.api import hookimpl


@hookimpl
def drillsim_travel_time(unit, start, destination):
    return None
