"""A careless plugin (bad-input corpus): a hook name with a letter missing."""
from drillsim.api import hookimpl


@hookimpl
def drillsim_choose_unit(sim, incident, candidates):
    return None
