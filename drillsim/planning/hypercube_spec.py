"""The ``drillsim calc hypercube`` spec file: units, atoms of demand, dispatch preferences,
the call rate and the holding time — the inputs of :mod:`drillsim.planning.hypercube`.

```yaml
name: three fire appliances and the district's atoms of demand
rate: 1.5/h            # all calls together
service: 60min         # mean holding time of a unit per call: turnout, travel, on scene, back
queue: infinite        # or none: a call finding every unit busy is lost (goes to mutual aid)
units: [north, centre, south]
atoms:
  - id: old_town
    demand: 0.5        # relative: each atom's share of the calls is its demand over the total
    preference: [centre, north, south]   # every unit once, first choice first
    travel: {north: 9min, centre: 4min, south: 14min}   # optional: mean travel is reported
```

An atom may leave out ``preference:`` when it gives ``travel:`` for every unit: the
units are then preferred nearest first (ties in the order of ``units:``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from drillsim.errors import ValidationFailed
from drillsim.planning.hypercube import System, preference_by_travel
from drillsim.scenario.quantities import Duration, DurationOrZero, Rate
from drillsim.scenario.validation import Collector, Strict, Words, suggest, validate
from drillsim.scenario.yamlsource import load_yaml


class AtomSpec(Strict):
    """One atom of demand: a place (or part of one) calls come from."""

    id: str = Field(min_length=1)
    """The atom's name (unique in the file)."""
    demand: float = Field(ge=0, allow_inf_nan=False)
    """Relative demand: the atom's share of all calls is its demand over the sum of all
    atoms' demands (calls, people or shares: any one scale for every atom)."""
    preference: list[str] | None = None
    """The units in the order a dispatcher sends them to this atom, every unit once (first
    choice first). Leave it out to prefer the nearest by ``travel:``."""
    travel: dict[str, DurationOrZero] | None = None
    """Minutes from each unit's station to this atom (every unit): the mean travel time
    per atom, per unit and overall is then reported. All atoms or none give it."""


class HypercubeFile(Strict):
    """Schema of a hypercube spec (``drillsim calc hypercube SPEC.yaml``)."""

    name: Words
    """What the model is of, for the output's title."""
    description: str | None = None
    """Longer notes."""
    source: str | None = None
    """Where the numbers come from (a published example, a dispatch record, an assumption)."""
    rate: Rate
    """The call rate of all atoms together, with its unit (``1.5/h``, ``36/d``)."""
    service: Duration
    """The mean time a unit is held by a call (turnout, travel, on scene, return), the same
    for every unit; the model takes holding times as exponential."""
    queue: Literal["infinite", "none"] = "infinite"
    """``infinite``: a call finding every unit busy waits in one first-come-first-served
    line; ``none``: it is lost (answered by someone else, such as mutual aid)."""
    units: list[str] = Field(min_length=1, max_length=200)
    """The units, by name (unique)."""
    atoms: list[AtomSpec] = Field(min_length=1, max_length=10_000)
    """The atoms of demand."""


class OverrideRefused(ValueError):
    """A rate or holding time given on the command line makes a system the model refuses
    (the message names the option: the file's own lines are not at fault)."""


def load_system(path: str | Path, rate: float | None = None,
                service: float | None = None) -> tuple[HypercubeFile, System]:
    """Read and check a hypercube spec; ``rate`` (per minute) and ``service`` (minutes)
    replace the file's when given.

    :raises ValidationFailed: every fault of the file, located (file, line, field).
    :raises OverrideRefused: ``rate`` or ``service`` given and the system they make is
        refused (a queue that grows without bound).
    """
    path = Path(path)
    doc = load_yaml(path, str(path))
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.fault((), "a hypercube spec must be a mapping of fields "
                                               "(name:, rate:, service:, units:, atoms: …)")])
    from drillsim.scenario.loader import refuse_other_kind

    refuse_other_kind(doc, Path(path), "hypercube")
    spec = validate(HypercubeFile, doc)
    faults = Collector()
    units = spec.units
    index = {u: i for i, u in enumerate(units)}
    for i, u in enumerate(units):
        if units.index(u) != i:
            faults.add(doc.fault(("units", i), f"unit {u!r} is named twice"))
    seen: set[str] = set()
    with_travel = [a.travel is not None for a in spec.atoms]
    prefs, travel = [], []
    for j, atom in enumerate(spec.atoms):
        where = ("atoms", j)
        if atom.id in seen:
            faults.add(doc.fault((*where, "id"), f"atom {atom.id!r} is named twice"))
        seen.add(atom.id)
        if atom.travel is not None:
            for u in atom.travel:
                if u not in index:
                    faults.add(doc.fault((*where, "travel", u), f"no unit {u!r} in units:"
                                         + suggest(u, units), key=True))
            missing = [u for u in units if u not in atom.travel]
            if missing:
                faults.add(doc.fault((*where, "travel"), "travel: needs every unit; missing "
                                     + ", ".join(missing)))
            travel.append([atom.travel.get(u, 0.0) for u in units])
        elif any(with_travel):
            faults.add(doc.fault(where, "travel: is given for some atoms but not this one: "
                                        "give it for all atoms or none"))
        if atom.preference is None:
            if atom.travel is None:
                faults.add(doc.fault(where, "give preference: (the units in dispatch order) or "
                                            "travel: (then the nearest is preferred)"))
            prefs.append(None)
            continue
        order = []
        for k, u in enumerate(atom.preference):
            if u not in index:
                faults.add(doc.fault((*where, "preference", k), f"no unit {u!r} in units:"
                                     + suggest(u, units)))
            elif index[u] in order:
                faults.add(doc.fault((*where, "preference", k), f"unit {u!r} is listed twice"))
            else:
                order.append(index[u])
        left = [u for u in units if u in index and index[u] not in order]
        if left and len(order) == len(atom.preference):
            faults.add(doc.fault((*where, "preference"), "the preference list must name every "
                                 "unit (the model sends a call to whichever is free); missing "
                                 + ", ".join(left)))
        prefs.append(tuple(order))
    if sum(a.demand for a in spec.atoms) <= 0:
        faults.add(doc.fault(("atoms",), "every atom has demand 0: no calls to model"))
    faults.raise_if_any()
    if any(p is None for p in prefs):
        nearest = preference_by_travel([list(col) for col in zip(*travel)])
        prefs = [p if p is not None else nearest[j] for j, p in enumerate(prefs)]
    total = sum(a.demand for a in spec.atoms)
    lam = spec.rate if rate is None else rate
    rates = tuple(lam * a.demand / total for a in spec.atoms)
    try:
        system = System(tuple(units), tuple(a.id for a in spec.atoms), rates, tuple(prefs),
                        spec.service if service is None else service, spec.queue,
                        tuple(zip(*travel)) if travel else None)
    except ValueError as exc:
        given = [option for option, value in (("--rate", rate), ("--service", service))
                 if value is not None]
        if given:  # the command line's value decided it: name the option, not the file's line
            raise OverrideRefused(f"{' and '.join(given)} with the rest of {path}: {exc}") from None
        raise ValidationFailed([doc.fault(("rate",), str(exc))]) from None
    return spec, system
