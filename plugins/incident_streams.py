"""Incident streams that are not tied to a physical hazard model.

- ``scripted_incidents``: a list of incidents at stated times and places (an MSEL-like
  script; also the way to build small test cases).
- ``poisson_incidents``: calls arriving as a Poisson process at a constant rate, at
  places drawn uniformly or by population weight, with exponential or fixed on-scene
  time (the textbook M/M/c and M/D/c workloads). With ``queue: false`` a call that
  finds no free unit is lost instead of waiting (``incident_lost``; the M/M/c/c loss
  system of Erlang B).
"""


from itertools import chain
from typing import Literal

from pydantic import Field

from drillsim.api import Demand, Duration, DurationOrZero, HazardType, Rate, Strict, hookimpl, suggest


class ScriptedIncident(Strict):
    at: DurationOrZero
    """Scenario time of the call."""
    kind: str
    """Incident kind."""
    place: str
    """Place id."""
    demand: Demand
    """What it needs on scene (`{people: 5}`)."""
    on_scene: Duration
    """Work time on scene."""
    priority: int = Field(default=3, ge=1, le=9)
    """Dispatch priority, 1 (highest) to 9."""


class ScriptedParams(Strict):
    incidents: list[ScriptedIncident] = Field(min_length=1)
    """The incidents, each at its time."""


class PoissonParams(Strict):
    rate: Rate
    """Calls per unit of time (`0.5/h`), Poisson arrivals."""
    kind: str = "call"
    """Incident kind."""
    places: list[str] = Field(min_length=1)
    """Place ids the calls come from."""
    place_weights: Literal["uniform", "population"] = "uniform"
    """`uniform` or by `population` weight."""
    demand: Demand
    """What each call needs on scene."""
    on_scene_mean: Duration
    """Mean work time on scene."""
    on_scene_distribution: Literal["exponential", "fixed"] = "exponential"
    """`exponential` or `fixed`."""
    priority: int = Field(default=3, ge=1, le=9)
    """Dispatch priority."""
    max_incidents: int | None = Field(default=None, ge=1)
    """Stop after this many calls."""
    #: False: a call no free unit can cover at once is lost, not queued
    queue: bool = True
    """`false`: a call no free unit can take at once is lost (Erlang B)."""


def _check_places(places, context, where):
    for i, place in enumerate(places):
        if place not in context.region.places:
            yield (where + (i,), f"unknown place {place!r}" + suggest(place, list(context.region.places)))


def _scripted_start(sim, hazard):
    def script():
        for item in sorted(hazard.params.incidents, key=lambda x: x.at):
            yield sim.timeout(max(0.0, item.at - sim.now))
            sim.create_incident(item.kind, item.place, item.demand, item.on_scene, item.priority)

    sim.process(script())


def _warn_unservable(kind, demand, context, where):
    """Warn of demand no unit of the scenario brings to incidents of ``kind``: it would
    wait to the end of the run (a warning, not a fault: "what if we had no boats?" is a
    fair question). Not judged while a force has faults of its own (its units are unknown)."""
    if len(context.forces) < len(context.spec.forces):
        return
    for capability in demand:
        if not context.can_serve(kind, capability):
            context.warn(where + (capability,),
                         f"needs {capability}; no unit of this scenario brings {capability} to "
                         f"{kind!r} incidents, so this demand will wait to the end of the run")


def _scripted_check(params, context):
    horizon = context.spec.run.horizon
    for i, item in enumerate(params.incidents):
        for _, message in _check_places([item.place], context, ()):
            yield (("incidents", i, "place"), message)  # one place, not a list: no [0]
        if item.at >= horizon:  # the run covers [0, horizon): it would silently never happen
            yield (("incidents", i, "at"), f"{item.at:g} min is at or after the end of the run "
                                           f"(horizon {horizon:g} min): it would never happen")
        _warn_unservable(item.kind, item.demand, context, ("incidents", i, "demand"))


def _poisson_check(params, context):
    yield from _check_places(params.places, context, ("places",))
    first: dict[str, int] = {}
    for i, place in enumerate(params.places):
        if place in first:  # (it silently doubled the place's share of the calls)
            yield (("places", i), f"{place!r} is given twice (first at places[{first[place]}])")
        first.setdefault(place, i)
    townships = context.region.townships
    if (params.place_weights == "population" and len(params.places) > 1
            and all(p in context.region.places for p in params.places)
            and not any((townships[p].population_weight or 0) > 0 for p in params.places if p in townships)):
        # the run drew places with probabilities of 0 and failed at its first call
        yield (("place_weights",), "population: no place listed has a population_weight above 0 "
                                   "(a site has none), so no call could be placed; give the "
                                   "townships their population_weight, or use uniform")
    _warn_unservable(params.kind, params.demand, context, ("demand",))


def _poisson_start(sim, hazard):
    p: PoissonParams = hazard.params
    arrivals = sim.rng(f"{hazard.id}.arrivals")
    where = sim.rng(f"{hazard.id}.places")
    work = sim.rng(f"{hazard.id}.on_scene")
    if p.place_weights == "population":
        weights = [float(sim.region.townships[pl].population_weight or 0)
                   if pl in sim.region.townships else 0.0 for pl in p.places]
        total = sum(weights) or 1.0
        probs = [w / total for w in weights]
    else:
        probs = None

    places = [sim.region.place(pl) for pl in p.places]  # looked up once, not per call
    gaps = _one_at_a_time(lambda n: arrivals.exponential(1.0 / p.rate, n))
    spots = None if len(places) == 1 else _one_at_a_time(lambda n: where.choice(len(places), n, p=probs))
    works = None if p.on_scene_distribution == "fixed" else \
        _one_at_a_time(lambda n: work.exponential(p.on_scene_mean, n))

    limit = p.max_incidents
    kind, demand, priority, queue, mean = p.kind, p.demand, p.priority, p.queue, p.on_scene_mean
    count = 0

    def call(_event=None):
        # one call, then the wait for the next: a callback on the timeout, not a process
        # resumed per call (the same events in the same order, much cheaper)
        nonlocal count
        place = places[0] if spots is None else places[next(spots)]
        minutes = mean if works is None else next(works)
        sim.create_incident(kind, place, demand, max(minutes, 1e-9), priority, queue=queue)
        count += 1
        if limit is None or count < limit:
            sim.timeout(next(gaps)).callbacks.append(call)

    def first():
        # a process only to wait for the first call: its first wait then begins when the
        # other processes' do (at the run's first step), then callbacks take over
        if limit is None or limit > 0:
            yield sim.timeout(next(gaps))
            call()

    sim.process(first())


#: numbers drawn per numpy call. numpy fills an array element by element from the same
#: bit stream, so a block gives exactly the numbers as many single draws, much cheaper.
_BLOCK = 512


def _one_at_a_time(draw):
    """Python scalars from ``draw(_BLOCK)`` arrays, one per ``next()``. Only for a stream
    that nothing else draws from (the numbers drawn ahead are never seen elsewhere)."""
    return chain.from_iterable(iter(lambda: draw(_BLOCK).tolist(), None))


SCRIPTED = HazardType("scripted_incidents", "incidents at stated times and places (a script)",
                      ScriptedParams, _scripted_start, _scripted_check,
                      incident_kinds=lambda params: [item.kind for item in params.incidents])
POISSON = HazardType("poisson_incidents", "Poisson call arrivals at a constant rate",
                     PoissonParams, _poisson_start, _poisson_check,
                     incident_kinds=lambda params: [params.kind])


@hookimpl
def drillsim_register_hazard_types(register):
    register(SCRIPTED)
    register(POISSON)
