"""The ``road_tanker`` hazard (危化品道路运输事故): a tanker crashes on a road link and
leaks a toxic gas.

What a run does:

1. At ``start`` the tanker crashes at ``source.road`` (a point ``at`` of the way along a
   road link of the region: :mod:`drillsim_plugins.roads`). The wreck blocks the road
   there at once: a road trip whose straight line passes within
   ``road_closure.radius`` of the crash is closed (or slowed by ``road_closure.detour``),
   as a slide blocks a road (the same :class:`drillsim_plugins.roads.Block`).
2. The load leaks as the ``toxic_release`` hazard leaks (one model, not a copy:
   :func:`drillsim_plugins.chemical.hazard.run_release` — Gaussian plume, AEGL threat
   zones, warning and protective action, the hazmat team's stop, the zone closed to all
   but hazmat units, fire appliances at an upwind staging point). The release cannot
   outlast the load: it ends at the latest after ``tanker.load_t`` ÷ ``rate``
   (conservation of mass; a release ``duration`` shorter than that ends it first).
3. ``detection`` after the crash the crash itself is reported: an incident of kind
   ``crash.kind`` at the crash (the crew's rescue and cooling of the tank: ``crash.demand``
   for ``crash.work``).
4. The road reopens ``road_closure.reopen_after`` after the release has stopped (the
   rest of the load transferred, the wreck lifted and the carriageway cleaned).

Events: those of ``toxic_release`` (its ``hazard_started`` with ``road``, ``between``,
``at`` and ``load_t``), ``road_blocked`` and ``road_reopened`` (``hazard``, ``point``,
``road``, ``between``, ``detour``), ``hazard_summary`` (``load_t``,
``load_empties_after_min``, ``road_closed_min``, ``road_closed_h``).
"""

from __future__ import annotations

import weakref

from pydantic import Field, model_validator

from drillsim.api import Demand, HazardType, Duration, DurationOrZero, Length, Strict

from .. import roads
from ..chemical import hazard as release


class TankerParams(Strict):
    """The tanker and its load."""

    load_t: float = Field(gt=0, le=49)
    """Load in tonnes (at most 49 t: the gross mass limit of the heaviest articulated
    vehicle, GB 1589-2016 Table 2)."""


class CrashParams(Strict):
    """The incident at the crash: casualties, extrication, cooling the tank."""

    kind: str = "tanker_crash"
    """Incident kind at the crash."""
    demand: Demand = {"people": 6.0, "pumps": 1.0}
    """What it needs (a fire appliance's crew and pump)."""
    work: Duration = 60.0
    """Work on scene at full demand."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority, 1 (highest) to 9."""


class RoadClosureParams(Strict):
    """The road blocked by the wreck."""

    radius: Length = 0.5
    """Trips passing closer than this to the crash are affected."""
    detour: float | None = Field(default=None, ge=1.0, le=5.0)
    """None: no way round (closed); else the factor on trips passing the crash."""
    reopen_after: DurationOrZero
    """Time from the end of the release to reopening (load transferred, wreck lifted)."""


class RoadTankerParams(release.ToxicReleaseParams):
    """``params:`` of a ``road_tanker`` hazard: those of ``toxic_release`` (with
    ``source.road``) and the tanker, the crash and the road closure."""

    tanker: TankerParams
    """The tanker's load."""
    crash: CrashParams = CrashParams.defaults()
    """The incident at the crash."""
    road_closure: RoadClosureParams
    """Where the wreck closes the road and when it reopens."""

    @model_validator(mode="after")
    def _on_a_road(self):
        if self.source.road is None:
            raise ValueError("a road tanker crashes on a road: give source: {road: {name, between, at}}")
        return self

    def empties_after(self) -> float:
        """Minutes until the load has leaked at ``rate``: load_t × 10⁶ g ÷ rate (g/s) ÷ 60."""
        return self.tanker.load_t * 1e6 / self.rate / 60.0


def incident_kinds(p: RoadTankerParams) -> list[str]:
    """The crash, and the release's kinds (hazmat stop, evacuations, fire support)."""
    return [p.crash.kind] + release.incident_kinds(p)


_BLOCKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def restriction(sim, unit, origin, destination):
    """Road units may not pass the wreck (or go round by the ``detour`` factor)."""
    blocks = _BLOCKS.get(sim) if _BLOCKS else None  # asked on every trip: none, at once
    return roads.restriction(blocks, unit, origin, destination) if blocks else None


def start(sim, hazard) -> None:
    """``HazardType.start``: the crash, the road block, the release."""
    p: RoadTankerParams = hazard.params
    road = p.source.road
    site = release.source_place(sim.region, p.source, hazard.id)
    empties = p.empties_after()
    limit = empties if p.duration is None else min(p.duration, empties)
    leak = p.model_copy(update={"duration": limit})
    block = roads.Block(hazard.id, site.id, site.lat, site.lon, road.name, p.road_closure.radius,
                        p.road_closure.detour, "the crash")
    figures = {"load_t": p.tanker.load_t, "load_empties_after_min": round(empties, 1)}

    def at(t: float):
        return sim.timeout(max(0.0, t - sim.now))

    def crash():
        yield at(p.start)
        _BLOCKS.setdefault(sim, []).append(block)
        sim.log.log("road_blocked", hazard=hazard.id, point=site.id, road=road.name, between=list(road.between),
                    township=site.township, detour=p.road_closure.detour, for_min=None)
        sim.access_changed(f"{hazard.id}: {road.name} blocked by the crash")
        state["closed_at"] = sim.now
        handle = release.run_release(sim, hazard.id, leak, site,
                                     started={"road": road.name, "between": list(road.between), "at": road.at,
                                              "load_t": p.tanker.load_t})
        sim.at_horizon(at_horizon)  # after the release's own: its summary first
        sim.process(report(site))
        yield handle.stopped
        yield sim.timeout(p.road_closure.reopen_after)
        block.open = True
        sim.log.log("road_reopened", hazard=hazard.id, point=site.id, road=road.name, township=site.township)
        sim.access_changed(f"{hazard.id}: {road.name} reopened")
        summarise()

    def summarise() -> None:
        """The ``hazard_summary``: the load and how long the road was closed (to the
        horizon if it is still closed then)."""
        state["summarised"] = True
        figures["road_closed_min"] = sim.now - state["closed_at"]
        figures["road_closed_h"] = round((sim.now - state["closed_at"]) / 60.0, 2)
        sim.log.log("hazard_summary", hazard=hazard.id, figures=dict(figures))

    def at_horizon() -> None:
        if state["closed_at"] is not None and not state["summarised"]:
            summarise()

    state = {"closed_at": None, "summarised": False}

    def report(site):
        yield sim.timeout(p.detection)
        c = p.crash
        sim.create_incident(c.kind, site, c.demand, c.work, c.priority, township=site.township,
                            hazard=hazard.id, road=road.name)

    sim.process(crash())


def check(params: RoadTankerParams, context):
    """The release's cross-references; whether the crash and the release can be served."""
    yield from release.check(params, context)
    wants = [(("crash", "demand"), params.crash.kind, params.crash.demand),
             (("hazmat", "demand"), params.hazmat.kind, params.hazmat.demand)]
    for where, kind, demand in wants:
        for cap in demand:
            if not context.can_serve(kind, cap):
                context.warn(where, f"no force in this scenario brings {cap!r} to {kind!r} incidents: "
                                    "they will wait unanswered")


ROAD_TANKER = HazardType(
    name="road_tanker",
    description="危化品道路运输 tanker crash on a road link: road blocked, toxic release (Gaussian plume, "
                "AEGL zones), hazmat stop, fire support, evacuation downwind",
    params_model=RoadTankerParams,
    start=start,
    check=check,
    incident_kinds=incident_kinds,
)
