"""Coverage: how far each township and place of interest is from each force's nearest unit.

Travel times come from the engine itself: a :class:`~drillsim.engine.simulation.Simulation`
of the scenario is built (replication 0) and, when a time is given, run to that time, so
hazards have closed or slowed what they close or slow then; each trip is then priced by
:meth:`Simulation.travel_time` — the plugins' travel-time hook (road graph or great-circle
× circuity for road units, the aviation plugin for aircraft) with the hazards'
restrictions applied, exactly as a dispatch at that moment would see it. A unit starts
from its home base (where the scenario stations it). A unit of a home-area force
(``area: home``) only counts for its own township.

Per place and force: the nearest unit, its travel minutes and its response minutes
(turnout + travel: what a free unit at its base would take from dispatch to arrival).

The standard for a force is the strictest response-time target of the scenario (metric
``response_time`` or ``response_time_by_township``, comparison ``<=`` or ``<``, a
threshold) that applies to it, the plan's own number (the aviation circle's 2 h, T6) or a
scenario's standard (R1's 60 min, not a plan number: the plan sets no response time): the
target's ``forces`` list names it, or (no list) the kinds it measures include a kind the
force serves. A place meets it when the nearest unit's response minutes (turnout + travel; travel
alone for a target timing ``travel``) are within the threshold — the best case, with the
unit free at its base.

Population covered within T minutes: the sum of the township population weights
(``population_weight`` in the region file) of townships whose nearest-unit travel time is
at most T, over the sum of all known weights; townships with no weight are counted apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import ResolvedScenario
from drillsim.scenario.region import Place

#: sites that are not places in the district (where mutual aid comes from)
NOT_PLACES = ("mutual_aid_origin",)


@dataclass(frozen=True)
class Standard:
    """A force's response standard from a scenario target: ``minutes`` (threshold), the
    target's ``id``, ``strict`` (comparison ``<``); a target timing ``travel`` judges the
    travel minutes, ``call_to_arrival`` and ``dispatch_to_arrival`` turnout + travel."""

    target: str
    minutes: float
    strict: bool = False
    #: what the target times: ``response`` (turnout + travel) or ``travel`` alone
    measure: str = "response"

    def of(self, reach: "Reach") -> float:
        """The minutes of ``reach`` this standard judges."""
        return reach.travel if self.measure == "travel" else reach.response

    def met(self, minutes: float) -> bool:
        """Is a response of ``minutes`` within the standard (equal counts unless strict;
        float drift within 1e-9 relative is equal, as :func:`drillsim.scoring.scorecard.meets`)?"""
        if math.isinf(minutes):
            return False
        tol = 1e-9 * max(1.0, abs(self.minutes))
        return minutes < self.minutes - tol if self.strict else minutes <= self.minutes + tol


@dataclass(frozen=True)
class Reach:
    """The nearest unit of a force to a place: ``unit`` id (None: no unit can reach it),
    ``travel`` and ``turnout`` minutes (``travel`` is ``inf`` when unreachable)."""

    unit: str | None
    travel: float
    turnout: float = 0.0

    @property
    def response(self) -> float:
        """Turnout + travel, minutes."""
        return self.turnout + self.travel


@dataclass
class ForceCoverage:
    """One force: its standard (or None) and, per place id, the nearest unit's :class:`Reach`;
    ``bases``: the place ids its units start from."""

    force: str
    name: str
    standard: Standard | None
    reach: dict[str, Reach]
    bases: list[str]


@dataclass
class Coverage:
    """Coverage of a scenario's places by its forces.

    :ivar places: townships (file order), then places of interest (sites, file order).
    :ivar population: township id → population weight (None where the region has none).
    :ivar at: scenario minutes the restrictions are taken at (None: before any hazard acts).
    :ivar within: the time asked about, minutes (None: not asked).
    """

    scenario: str
    places: list[Place]
    population: dict[str, int | None]
    forces: list[ForceCoverage]
    at: float | None = None
    within: float | None = None

    def force(self, force_id: str) -> ForceCoverage:
        """The coverage of one force; :class:`KeyError` if it is not shown."""
        for fc in self.forces:
            if fc.force == force_id:
                return fc
        raise KeyError(force_id)

    def nearest(self, place_id: str, forces: list[str] | None = None) -> tuple[str | None, Reach]:
        """The force and reach of the nearest unit over ``forces`` (default: all shown)."""
        best: tuple[str | None, Reach] = (None, Reach(None, math.inf))
        for fc in self.forces:
            if forces is not None and fc.force not in forces:
                continue
            r = fc.reach[place_id]
            if r.travel < best[1].travel:
                best = (fc.force, r)
        return best

    def population_covered(self, minutes: float, forces: list[str] | None = None
                           ) -> tuple[float, int, int, list[str]]:
        """``(share, people covered, people with a known weight, townships without a
        weight)``: townships whose nearest unit (over ``forces``) travels at most ``minutes``."""
        covered = total = 0
        unknown = []
        for p in self.places:
            if p.id not in self.population:
                continue
            weight = self.population[p.id]
            if weight is None:
                unknown.append(p.id)
                continue
            total += weight
            if self.nearest(p.id, forces)[1].travel <= minutes + 1e-9:
                covered += weight
        return (covered / total if total else math.nan), covered, total, unknown

    def to_json(self) -> dict[str, Any]:
        """Plain data (minutes rounded to 0.01; ``null`` for unreachable) for ``--json``."""
        def num(x: float) -> float | None:
            return None if math.isinf(x) else round(x, 2)

        out: dict[str, Any] = {
            "scenario": self.scenario, "at_min": self.at, "within_min": self.within,
            "places": [{"id": p.id, "name": p.name, "kind": p.kind,
                        "population_weight": self.population.get(p.id)} for p in self.places],
            "forces": [],
        }
        for fc in self.forces:
            entry: dict[str, Any] = {
                "force": fc.force, "bases": fc.bases,
                "standard": None if fc.standard is None else
                {"target": fc.standard.target, "minutes": fc.standard.minutes,
                 "measure": fc.standard.measure},
                "places": {pid: {"unit": r.unit, "travel_min": num(r.travel),
                                 "response_min": num(r.response),
                                 "meets_standard": None if fc.standard is None
                                 else fc.standard.met(fc.standard.of(r))}
                           for pid, r in fc.reach.items()},
            }
            if self.within is not None:
                share, people, total, _ = self.population_covered(self.within, [fc.force])
                entry["population_share_within"] = None if math.isnan(share) else round(share, 6)
                entry["people_within"] = people
            out["forces"].append(entry)
        if self.within is not None:
            share, people, total, unknown = self.population_covered(self.within)
            out["all_forces"] = {"population_share_within": None if math.isnan(share) else round(share, 6),
                                 "people_within": people, "people_known": total,
                                 "townships_without_weight": unknown}
        return out


def standard_for(scenario: ResolvedScenario, force_id: str) -> Standard | None:
    """The strictest response-time target of ``scenario`` that applies to the force (see
    the module docstring), or None."""
    force = next(f for f in scenario.forces if f.id == force_id)
    serves: set[str] | None = None
    for u in force.units:
        if u.serves is None:
            serves = None
            break
        serves = (serves or set()) | set(u.serves)
    best: Standard | None = None
    for t in scenario.targets:
        if (t.metric.name not in ("response_time", "response_time_by_township")
                or t.comparison not in ("<=", "<") or t.threshold is None):
            continue
        params = t.params
        interval = getattr(params, "interval", "call_to_arrival")
        if interval == "call_to_dispatch":
            continue
        named = getattr(params, "forces", None)
        if named:
            applies = force_id in named
        else:
            kinds = getattr(params, "kinds", None)
            applies = not kinds or serves is None or bool(set(kinds) & serves)
        if applies and (best is None or t.threshold < best.minutes):
            best = Standard(t.id, float(t.threshold), t.comparison == "<",
                            "travel" if interval == "travel" else "response")
    return best


def places_of(scenario: ResolvedScenario) -> list[Place]:
    """Townships (file order), then the region's sites except :data:`NOT_PLACES`."""
    region = scenario.region
    out = [region.places[t.id] for t in region.spec.townships]
    out += [region.places[s.id] for s in region.spec.sites if s.kind not in NOT_PLACES]
    return out


def coverage(scenario: ResolvedScenario, host, forces: list[str] | None = None,
             at: float | None = None, within: float | None = None) -> Coverage:
    """Coverage of every place by each force's nearest unit (see the module docstring).

    :param scenario: a loaded scenario; :param host: its plugin host.
    :param forces: force ids to include (default: every force with units in service).
    :param at: scenario minutes: run replication 0 to this time first, so the hazards'
        closures then apply (None: none of them yet).
    :param within: a travel time, minutes, for the population share covered.
    :raises KeyError: a force id the scenario does not have (names the known ones).
    :raises PluginFailed: a plugin failed while the scenario ran to ``at``.
    """
    known = [f.id for f in scenario.forces if f.units]
    for f in forces or ():
        if f not in known:
            raise KeyError(f"no force {f!r} with units in this scenario (forces: {', '.join(known)})")
    chosen = [f for f in known if forces is None or f in forces]
    sim = Simulation(scenario, host, replication=0, keep_events=False)
    if at is not None and at > 0:
        sim.run(until=at)
    places = places_of(scenario)
    result = []
    for fid in chosen:
        units = [u for u in sim.units_of(fid) if u.status != "out_of_service"]
        reach: dict[str, Reach] = {}
        for p in places:
            best = Reach(None, math.inf)
            for u in units:
                if u.area == "home" and u.home != p.township:
                    continue
                minutes = sim.travel_time(u, sim.home_bases[u.id], p)
                if minutes < best.travel:  # ties: the first unit in scenario order
                    best = Reach(u.id, minutes, u.turnout)
            reach[p.id] = best
        spec = next(f for f in scenario.forces if f.id == fid).spec
        bases = list(dict.fromkeys(sim.home_bases[u.id].id for u in units))
        result.append(ForceCoverage(fid, spec.name or spec.name_zh or fid, standard_for(scenario, fid),
                                    reach, bases))
    population = {t.id: t.population_weight for t in scenario.region.spec.townships}
    return Coverage(scenario.name, places, population, result, at, within)
