"""Load-time checks of a flood hazard's parameters against the scenario (townships and
river of the region, stages above the rating's zero flow, the reserve, forces that can
answer the flood's incidents). Shared by every flood hazard type of the package."""

from __future__ import annotations

from drillsim.api import suggest

from .params import SLOW_PEOPLE


def check_flood(params, context):
    """Faults (``(path, message)``) and warnings of a flood hazard's ``params``."""
    region = context.region
    yield from _check_river(params, context)
    seen = set()
    for i, t in enumerate(params.townships):
        if t.township not in region.townships:
            yield (("townships", i, "township"), f"unknown township {t.township!r}"
                   + suggest(t.township, list(region.townships)))
        if t.township in seen:
            yield (("townships", i, "township"), f"township {t.township!r} is listed twice")
        seen.add(t.township)
    people = max(params.evacuation.total_people,
                 sum(t.people_at_risk or 0 for t in params.townships))
    if people > SLOW_PEOPLE:
        context.warn(("evacuation", "total_people"),
                     f"{people:,} people at risk make many rescue calls: one replication may take "
                     f"many minutes (over {SLOW_PEOPLE:,} people); check the figure")
    h0 = params.gauge.rating.h0
    if params.gauge.warning_stage <= h0:
        yield (("gauge", "warning_stage"), f"the warning stage must be above the rating's zero-flow "
                                           f"stage h0 = {h0:g} m")
    for i, t in enumerate(params.townships):
        if t.flood_stage <= h0:
            yield (("townships", i, "flood_stage"), f"the flood stage must be above the rating's "
                                                    f"zero-flow stage h0 = {h0:g} m")
    reserve = params.evacuation.reserve
    if reserve is not None and reserve not in context.reserves:
        yield (("evacuation", "reserve"), f"no reserve {reserve!r} in the scenario's reserves "
               f"(have: {', '.join(context.reserves) or 'none'})")
    calls = params.rescue_calls
    wants = [(("rescue_calls", "demand"), calls.kind, calls.demand),
             (("evacuation", "capability"), params.evacuation.kind, {params.evacuation.capability: 1})]
    if calls.aerial_share > 0:
        wants.append((("rescue_calls", "aerial_demand"), calls.aerial_kind, calls.aerial_demand))
    for where, kind, demand in wants:
        for cap in demand:
            if not context.can_serve(kind, cap):
                context.warn(where, f"no force in this scenario brings {cap!r} to "
                             f"{kind!r} incidents: they will wait unanswered")


def _check_river(params, context):
    """The ``river`` must be one the region's townships lie on (their ``river:``). A
    region that records no rivers cannot tell: a warning then. Listed townships known to
    lie on another river get a warning (the flood would not reach them by this river)."""
    rivers = {t.river: None for t in context.region.townships.values() if t.river}
    if not rivers:
        context.warn(("river",), f"the region records no rivers for its townships, so river "
                                 f"{params.river!r} cannot be checked")
        return
    if params.river not in rivers:
        yield (("river",), f"river {params.river!r} is not a river of the region (its townships "
                           f"lie on: {', '.join(sorted(rivers))})" + suggest(params.river, list(rivers)))
        return
    for i, t in enumerate(params.townships):
        town = context.region.townships.get(t.township)
        if town is not None and town.river and town.river != params.river:
            context.warn(("townships", i, "township"),
                         f"{t.township!r} lies on the {town.river}, not the {params.river}")
