"""A careless plugin (bad-input corpus): a registration hook that calls ``sys.exit()``
(a script's habit): drillsim ended with that exit status and no word."""
import sys

from drillsim.api import hookimpl


@hookimpl
def drillsim_register_unit_types(register):
    sys.exit(4)
