"""A careless plugin (bad-input corpus): a metric's statistic drillsim does not compute."""
from drillsim.api import Metric, hookimpl


def militia_first(events, context, params):
    return []


@hookimpl
def drillsim_register_metrics(register):
    register(Metric("militia_first", "share", "evacuations reached first by the militia",
                    militia_first, statistic="median"))
