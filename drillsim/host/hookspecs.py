"""Hook specifications: everything a drillsim plugin can provide or observe.

Plugins implement these with the ``drillsim.api.hookimpl`` marker and are found through
the ``drillsim`` entry-point group. pluggy calls implementations last-registered-first;
a *first-result* hook stops at the first implementation that returns something other
than None. The host's own defaults (``drillsim.defaults``) are registered first and
marked ``trylast``, so any plugin can override them. Hooks are called with keyword
arguments only; an implementation may accept any subset of the parameters, and must not
give them default values (pluggy never passes those).

Stability: every hook is marked ``@stable`` (its name, parameters and meaning do not
change within a major version of the plugin API, :data:`drillsim.api.API_VERSION`) or
``@provisional`` (it may still change in a minor version; the change is announced in
the release notes). The mark is in each docstring and in :data:`HOOK_STABILITY`.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("drillsim")

#: Version of the plugin API (:mod:`drillsim.api`), ``"MAJOR.MINOR"``: see that module's
#: docstring for the promise. Kept beside the hook specs it versions, so the host can check
#: a plugin's ``DRILLSIM_API`` without importing the API module.
API_VERSION = "1.2"

STABLE = "stable"
PROVISIONAL = "provisional"


def _stability(level: str):
    def mark(spec):
        spec.stability = level  # read into HOOK_STABILITY below and by drillsim.api
        return spec
    return mark


#: The hook keeps its name, parameters and meaning within a major API version.
stable = _stability(STABLE)
#: The hook may change in a minor API version (announced in the release notes).
provisional = _stability(PROVISIONAL)

# ---------------------------------------------------------------- registration (load time)


@stable
@hookspec
def drillsim_register_unit_types(register):
    """Register the kinds of response unit this plugin provides.

    :param register: call ``register(UnitType(...))`` once per unit type.

    Called once when plugins are loaded. A unit type name may be provided by one plugin
    only.

    Stability: stable.
    """


@stable
@hookspec
def drillsim_register_hazard_types(register):
    """Register the hazard models this plugin provides.

    :param register: call ``register(HazardType(...))`` once per hazard type.

    Stability: stable.
    """


@stable
@hookspec
def drillsim_register_metrics(register):
    """Register metrics that plan targets can be scored on.

    :param register: call ``register(Metric(...))`` once per metric.

    Stability: stable.
    """


@provisional
@hookspec
def drillsim_register_calculators(register):
    """Register calculators for ``drillsim hazard NAME …`` (a model's result for given
    inputs, without running a scenario).

    :param register: call ``register(Calculator(...))`` once per calculator.

    Stability: provisional.
    """


@provisional
@hookspec
def drillsim_register_reporters(register):
    """Register drill *reporters*: what turns engine events into the messages players
    receive, with their delays and gaps (a gauge reporting hourly, a township reporting
    late, a call that never comes through).

    :param register: call ``register(Reporter(...))`` once per reporter
        (:class:`drillsim.api.Reporter`).

    Used only by drills (:mod:`drillsim.drill`); batch runs never call reporters.

    Stability: provisional.
    """


# ---------------------------------------------------------------- run time


@stable
@hookspec
def drillsim_run_started(sim):
    """A replication is about to run: units are placed, hazards not yet started.

    :param sim: the :class:`~drillsim.engine.simulation.Simulation`.

    Stability: stable.
    """


@provisional
@hookspec
def drillsim_filter_candidates(sim, incident, unmet, candidates):
    """Narrow the units a dispatch may choose from, and leave the choice to
    :func:`drillsim_choose_units` (the default's nearest-unit rule, or another plugin's).

    :param sim: the simulation.
    :param incident: the :class:`~drillsim.engine.incidents.Incident` waiting for units.
    :param unmet: its demand not yet covered, ``{capability: amount}``.
    :param candidates: free, in-service units able to serve it, in scenario order.
    :return: the units of ``candidates`` that may go (a list; empty: none now), or None
        for no change.

    Not first result: every implementation is asked with the same ``candidates``; a unit
    goes on only if every answer keeps it (their intersection, in scenario order). A unit
    not among the candidates in an answer fails the run, naming the plugin.

    Stability: provisional. New in API 1.1.
    """


@stable
@hookspec(firstresult=True)
def drillsim_choose_units(sim, incident, unmet, candidates):
    """Choose which free units to send to an incident.

    :param sim: the simulation.
    :param incident: the :class:`~drillsim.engine.incidents.Incident` waiting for units.
    :param unmet: its demand not yet covered, ``{capability: amount}``.
    :param candidates: free, in-service units able to serve it, each contributing to
        ``unmet``, in scenario order.
    :return: a list of units taken from ``candidates`` (possibly empty: send nobody now),
        or None to let the next implementation decide.

    First result: stops at the first non-None answer. The built-in default sends the
    nearest candidates by travel time until the unmet demand is covered.

    Stability: stable.
    """


@stable
@hookspec(firstresult=True)
def drillsim_travel_time(sim, unit, origin, destination):
    """Minutes for ``unit`` to travel from ``origin`` to ``destination`` (Places).

    :return: minutes (float, ``>= 0``; ``math.inf`` if unreachable), or None to let the
        next implementation answer.

    First result: stops at the first non-None answer. The built-in default answers for
    road units from the region's road model; an aviation plugin answers for air units.

    Stability: stable.
    """


@provisional
@hookspec
def drillsim_travel_restriction(sim, unit, origin, destination):
    """How this plugin's hazards restrict a trip of ``unit`` from ``origin`` to
    ``destination`` (Places) at the current time ``sim.now``.

    :return: a :class:`~drillsim.engine.access.Restriction` (closed, or slowed by a
        factor), or None for no effect.

    All implementations are asked; the engine closes the trip if any closes it, else
    multiplies the travel time by the largest factor (:mod:`drillsim.engine.access`).
    A hazard whose restrictions change calls ``sim.access_changed(reason)`` so units
    already on the road are re-routed or stopped.

    Stability: provisional.
    """


@stable
@hookspec
def drillsim_event(sim, event):
    """Observe every event as it is logged (after it is recorded).

    :param sim: the simulation.
    :param event: the :class:`~drillsim.engine.eventlog.Event`.

    For a cheaper subscription to a few kinds of event from inside a run, use
    ``sim.log.subscribe(kind, callback)`` in :func:`drillsim_run_started`.

    Stability: stable.
    """


@stable
@hookspec
def drillsim_run_finished(sim):
    """A replication reached its horizon (or stopped); the log is complete.

    Stability: stable.
    """


#: ``{hook name: "stable" | "provisional"}`` for every hook above.
#: A hook without a mark shows as None (tests/test_plugin_api.py refuses that).
HOOK_STABILITY = {name: getattr(spec, "stability", None) for name, spec in sorted(globals().items())
                  if name.startswith("drillsim_") and callable(spec)}
