"""Mutual aid from neighbouring districts (跨区域联动, plan F11): Suining, Ziyang, Hechuan.

Mutual-aid units start out of service. The first time an incident has waited
``request_after`` in the queue without enough units, the district requests help; the
units come into service at their staging base ``delay`` later and are then dispatched
like any other unit. Each mutual-aid force is requested once.

Instead of a fixed ``delay`` the teams may set out from ``origin_site`` (a site of the
region, kind ``mutual_aid_origin``: the neighbour's city): they come into service
``mobilise`` plus the road time from there to their staging base later (the region's
travel rule for the team's vehicle: straight-line km × circuity ÷ speed).

Metric ``mutual_aid_arrival``: per mutual-aid force asked (by the rule or a player), minutes
from the request to its teams in service in the district; a request turned down, or teams
not there by the end of the run, count to the end of the run (a lower bound, labelled so).

A neighbour hit by the same hazard (``hit_by``): from the moment a hazard of the scenario
logs ``hit_by.event`` (its warning, by default: an upstream neighbour is flooded first),
the neighbour's teams are busy at home. A request after that is turned down
(``effect: unavailable``, logged ``mutual_aid_unavailable``; a player's order is refused
with the reason) or answered ``extra_delay`` late (``effect: delayed``).
"""

from typing import Literal

from pydantic import model_validator

from drillsim.api import (
    Duration,
    DurationOrZero,
    Metric,
    OrderRefused,
    Strict,
    UnitType,
    hookimpl,
    suggest,
)


class NeighbourHit(Strict):
    """The neighbour has the same hazard once ``hazard`` (a hazard id of the scenario)
    logs ``event``."""

    hazard: str
    """The hazard (its id in this scenario) the neighbour shares."""
    event: str = "warning_issued"
    """The event of that hazard from which the neighbour is hit (its warning by default)."""
    effect: Literal["unavailable", "delayed"] = "unavailable"
    """`unavailable`: a request is turned down; `delayed`: the teams come `extra_delay` later."""
    extra_delay: DurationOrZero = 0.0
    """Added to the delay when the effect is `delayed`."""


class MutualAidParams(Strict):
    """``params:`` of a mutual-aid force."""

    delay: Duration | None = None
    """Time from the request until the units come into service at their staging base (or give `origin_site`)."""
    origin_site: str | None = None
    """A site of the region (kind `mutual_aid_origin`) the teams set out from: instead of `delay`, they arrive `mobilise` plus the road time from there to their staging base after the request."""
    mobilise: DurationOrZero = 0.0
    """With `origin_site`: time from the request until the teams set out."""
    request_after: DurationOrZero = 30.0
    """Help is requested the first time an incident has waited this long in the queue without enough units."""
    origin: str | None = None
    """Where the teams come from, in words (`Suining`), for the log and reports."""
    hit_by: NeighbourHit | None = None
    """The neighbour has the same hazard: from when that hazard logs its event, the teams are unavailable or later."""

    @model_validator(mode="after")
    def _one_delay(self):
        if (self.delay is None) == (self.origin_site is None):
            raise ValueError("give either delay (a fixed time to arrive) or origin_site (the "
                             "teams drive from that site after mobilise)")
        return self


def _check(params: MutualAidParams, context):
    """Load-time check of a mutual-aid force's params: ``origin_site`` must be a place
    of the region and ``hit_by.hazard`` a hazard id of the scenario (yields
    ``(path under params, message)``), so a misspelling is a fault with its file and line,
    not a failed run."""
    if params.origin_site is not None and params.origin_site not in context.region.places:
        yield (("origin_site",), f"unknown place {params.origin_site!r}: not a township or site of "
                                 "the region" + suggest(params.origin_site, list(context.region.places)))
    if params.hit_by is not None:
        declared = [h.id for h in context.spec.hazards]
        if params.hit_by.hazard not in declared:
            yield (("hit_by", "hazard"), f"{params.hit_by.hazard!r} is not a hazard of this scenario"
                                         + (suggest(params.hit_by.hazard, declared)
                                            or f" (its hazards: {', '.join(declared) or 'none'})"))


def _start(sim, force) -> None:
    params: MutualAidParams = force.params
    state = {"requested": False, "hit": False}
    for unit in force.units:
        sim.set_in_service(unit, False, reason="mutual aid not requested")
    hit = params.hit_by
    if hit is not None:
        declared = [h.id for h in sim.scenario.spec.hazards]   # a disabled hazard never fires
        if hit.hazard not in declared:
            raise ValueError(f"force {force.id}: params.hit_by.hazard {hit.hazard!r} is not a hazard of "
                             f"this scenario ({', '.join(declared) or 'none'})")

        def on_hit(event):
            if not state["hit"] and event.details.get("hazard") == hit.hazard:
                state["hit"] = True
                sim.log.log("mutual_aid_affected", force=force.id, origin=params.origin, hazard=hit.hazard,
                            effect=hit.effect)

        sim.log.subscribe(hit.event, on_hit)

    def refusal() -> str | None:
        """Why the neighbour cannot come now (None: it can)."""
        if state["hit"] and hit.effect == "unavailable":
            return (f"{params.origin or force.id} is fighting the same hazard ({hit.hazard}) "
                    "and cannot send its teams")
        return None

    if params.origin_site is not None:
        if params.origin_site not in sim.region.places:
            raise ValueError(f"force {force.id}: params.origin_site {params.origin_site!r} is not a "
                             "place of the region")
        origin = sim.region.place(params.origin_site)
        unit = force.units[0] if force.units else None
        base_time = params.mobilise + (sim.travel_time(unit, origin, unit.base) if unit is not None else 0.0)
    else:
        base_time = params.delay

    def delay() -> float:
        return base_time + (hit.extra_delay if state["hit"] and hit.effect == "delayed" else 0.0)

    def arrive():
        yield sim.timeout(delay())
        for unit in force.units:
            sim.set_in_service(unit, True, reason=f"mutual aid from {params.origin or force.id}")

    def watch(incident):
        yield sim.timeout(params.request_after)
        if state["requested"] or not incident.in_queue:
            return
        state["requested"] = True
        why = refusal()
        if why is not None:
            sim.log.log("mutual_aid_unavailable", incident=incident.id, force=force.id,
                        origin=params.origin, reason=why)
            return
        sim.log.log("mutual_aid_requested", incident=incident.id, force=force.id,
                    origin=params.origin, units=len(force.units), arrives_in=delay())
        yield from arrive()

    def on_queued(event):
        if not state["requested"]:
            sim.process(watch(sim.incidents[event.incident]))

    def request(by):
        if state["requested"]:
            raise OrderRefused(f"mutual aid from {params.origin or force.id} was already requested")
        why = refusal()
        if why is not None:
            raise OrderRefused(why)
        state["requested"] = True
        sim.log.log("mutual_aid_requested", force=force.id, origin=params.origin,
                    units=len(force.units), arrives_in=delay(), by=by)
        sim.process(arrive())
        return (f"mutual aid requested from {params.origin or force.id}: {len(force.units)} "
                f"unit(s), expected in {delay() / 60:g} h")

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


class ArrivalParams(Strict):
    forces: list[str] | None = None
    """Mutual-aid forces measured (default: all asked)."""


def mutual_aid_arrivals(events, ctx, params: ArrivalParams):
    """Per mutual-aid force asked (``mutual_aid_requested`` or ``mutual_aid_unavailable``,
    the first of either), minutes from the request to its first unit in service
    (``unit_in_service``) after it; turned down, or not there by the end of the run: to
    the end of the run (a lower bound, labelled so)."""
    wanted = set(params.forces) if params.forces else None
    asked: dict[str, tuple[float, bool]] = {}
    came: dict[str, float] = {}
    for e in events:
        if e.kind in ("mutual_aid_requested", "mutual_aid_unavailable"):
            f = e.details.get("force")
            if f is not None and (wanted is None or f in wanted) and f not in asked:
                asked[f] = (e.t, e.kind == "mutual_aid_requested")
        elif e.kind == "unit_in_service":
            f = e.details.get("force")
            if f in asked and f not in came and asked[f][1]:
                came[f] = e.t
    out = []
    for f, (t, ok) in asked.items():
        if not ok:
            out.append((f"{f} (turned down)", ctx.horizon - t))
        elif f in came:
            out.append((f, came[f] - t))
        else:
            out.append((f"{f} (not arrived)", ctx.horizon - t))
    return out


MUTUAL_AID_ARRIVAL = Metric(
    "mutual_aid_arrival", "time", "mutual aid requested → its teams in service in the district",
    mutual_aid_arrivals, "max", ArrivalParams, "force", minimum=0.0)


MUTUAL_AID_TEAM = UnitType(
    name="mutual_aid_team",
    description="跨区域联动 mutual-aid rescue team from a neighbouring district (arrives after a delay)",
    capabilities={"people": 20},
    vehicle="rescue_vehicle",
    turnout=0.0,
    plan_ref="F11 I.(1).4, III.(3).2(2), III.(3).3(2)",
    params_model=MutualAidParams,
    start=_start,
    check=_check,
)


@hookimpl
def drillsim_register_unit_types(register):
    register(MUTUAL_AID_TEAM)


@hookimpl
def drillsim_register_metrics(register):
    register(MUTUAL_AID_ARRIVAL)
