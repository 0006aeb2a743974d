"""Mutual aid from neighbouring districts (跨区域联动, plan F11): Suining, Ziyang, Hechuan.

Mutual-aid units start out of service. The first time an incident has waited
``request_after`` in the queue without enough units, the district requests help; the
units come into service at their staging base ``delay`` later and are then dispatched
like any other unit. Each mutual-aid force is requested once.
"""

from drillsim.api import Duration, DurationOrZero, OrderRefused, Strict, UnitType, hookimpl


class MutualAidParams(Strict):
    """``params:`` of a mutual-aid force."""

    delay: Duration
    """Time from the request until the units come into service at their staging base."""
    request_after: DurationOrZero = 30.0
    """Help is requested the first time an incident has waited this long in the queue without enough units."""
    origin: str | None = None
    """Where the teams come from, in words (`Suining`), for the log and reports."""


def _start(sim, force) -> None:
    params: MutualAidParams = force.params
    state = {"requested": False}
    for unit in force.units:
        sim.set_in_service(unit, False, reason="mutual aid not requested")

    def arrive():
        yield sim.timeout(params.delay)
        for unit in force.units:
            sim.set_in_service(unit, True, reason=f"mutual aid from {params.origin or force.id}")

    def watch(incident):
        yield sim.timeout(params.request_after)
        if state["requested"] or not incident.in_queue:
            return
        state["requested"] = True
        sim.log.log("mutual_aid_requested", incident=incident.id, force=force.id,
                    origin=params.origin, units=len(force.units), arrives_in=params.delay)
        yield from arrive()

    def on_queued(event):
        if not state["requested"]:
            sim.process(watch(sim.incidents[event.incident]))

    def request(by):
        if state["requested"]:
            raise OrderRefused(f"mutual aid from {params.origin or force.id} was already requested")
        state["requested"] = True
        sim.log.log("mutual_aid_requested", force=force.id, origin=params.origin,
                    units=len(force.units), arrives_in=params.delay, by=by)
        sim.process(arrive())
        return (f"mutual aid requested from {params.origin or force.id}: {len(force.units)} "
                f"unit(s), expected in {params.delay / 60:g} h")

    if sim.auto_orders:
        sim.log.subscribe("incident_queued", on_queued)
    else:  # players request it (the "mutual_aid" order, one per scenario for all forces)
        if "mutual_aid" not in sim.orders:
            sim.register_order("mutual_aid", _order_for(sim),
                               "mutual_aid FORCE: request a neighbouring district's teams")
        sim.orders["mutual_aid"][0].forces[force.id] = request


def _order_for(sim):
    """The scenario's ``mutual_aid`` order: route to the named force's request."""
    def order(force, by="player"):
        if force not in order.forces:
            raise OrderRefused(f"no mutual-aid force {force!r} (have: {', '.join(order.forces)})")
        return order.forces[force](by)

    order.forces = {}
    return order


MUTUAL_AID_TEAM = UnitType(
    name="mutual_aid_team",
    description="跨区域联动 mutual-aid rescue team from a neighbouring district (arrives after a delay)",
    capabilities={"people": 20},
    vehicle="rescue_vehicle",
    turnout=0.0,
    plan_ref="F11 I.(1).4, III.(3).2(2)",
    params_model=MutualAidParams,
    start=_start,
)


@hookimpl
def drillsim_register_unit_types(register):
    register(MUTUAL_AID_TEAM)
