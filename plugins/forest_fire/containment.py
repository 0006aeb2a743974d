"""Fireline production and containment arithmetic.

Line production rates come from the shipped ``production_rates.yaml`` (NWCG Incident
Response Pocket Guide, sustained rates of 20-person crews by fuel model, chains/h); a crew
of another size is scaled in proportion to its people (an assumption a scenario states).
Containment is the classic perimeter race: a fire is contained when the held line built
since attack began reaches the fire's perimeter, and the head is calm enough for the
crews to close it (flame length under their limit, Andrews & Rothermel 1982, INT-131).

The planning arithmetic (time for one crew, crews for a target time) is the NWCG Fire
Fighter Math's (section 9.8, Production Rates).

Scope: the race is the simplest containment model, and a pessimistic one for a fire
attacked at its head. The whole perimeter keeps growing until the line closes it; in
Fried & Fried's (1996, "Simulating wildfire containment with realistic tactics",
*Forest Science* 42) model, which BehavePlus' CONTAIN module implements, line built from
the head stops the head spreading, and only the unworked edge keeps growing. For Behave's own CONTAIN test (firelab/behave, testBehave.cpp,
testContainModule: 1 acre at report, head spread 5 ch/h, length-to-width 3, one resource
of 20 ch/h arriving 2 h after the report, head attack), CONTAIN closes the fire with
39.5 chains of line at 9.4 acres; the race, with the same ellipse (Anderson 1983) and
rate, needs 86 chains and about 4.3 h, at 39 acres. Containment times and burned areas
are therefore upper bounds for a head attack; a flank or rear attack, where the head runs
on until the line pinches it, is nearer the race.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

import yaml

M_PER_CHAIN = 20.1168


@lru_cache(maxsize=1)
def production_table() -> dict:
    """The shipped production-rate table (``production_rates.yaml``) as loaded."""
    text = resources.files(__package__).joinpath("production_rates.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def crew_rate_m_h(crew_type: str, fuel_model: int, condition: str = "all", crew_size: float = 20) -> float:
    """Sustained line production of one crew, metres per hour.

    :param crew_type: ``type1`` or ``type2`` (NWCG crew types).
    :param fuel_model: Anderson (1982) fuel model number 1–13 (the table's rows).
    :param condition: the row's specific condition (``all``, ``grass``, ``conifers`` …).
    :param crew_size: people in the crew; the table is for 20 and is scaled in proportion.
    :raises ValueError: unknown crew type, fuel model or condition; crew size not positive.
    """
    table = production_table()
    if crew_type not in table["crew_types"]:
        raise ValueError(f"unknown crew type {crew_type!r}; the table has {', '.join(table['crew_types'])}")
    row = table["rates"].get(int(fuel_model))
    if row is None:
        raise ValueError(f"no production rates for fuel model {fuel_model}; the table covers Anderson models 1-13")
    if condition not in row:
        raise ValueError(f"fuel model {fuel_model} has no condition {condition!r}; it has {', '.join(row)}")
    if not crew_size > 0:
        raise ValueError(f"crew size must be positive, got {crew_size}")
    chains = row[condition][table["crew_types"].index(crew_type)]
    return chains * M_PER_CHAIN * crew_size / table["crew_size"]


def hours_to_build(line_length: float, rate_per_crew: float, crews: int = 1) -> float:
    """Hours for ``crews`` crews to build ``line_length`` of line at ``rate_per_crew``
    (any length unit per hour, the same as the line's). NWCG Fire Fighter Math 9.8.

    :raises ValueError: a non-positive rate or crew count, a negative length.
    """
    if not rate_per_crew > 0 or crews < 1 or line_length < 0:
        raise ValueError("rate and crews must be positive and the line length non-negative")
    return line_length / (rate_per_crew * crews)


def crews_needed(line_length: float, rate_per_crew: float, hours: float) -> int:
    """Whole crews needed to build ``line_length`` within ``hours`` (NWCG Fire Fighter
    Math 9.8, step 4: round up).

    :raises ValueError: non-positive rate or hours, negative length.
    """
    if not rate_per_crew > 0 or not hours > 0 or line_length < 0:
        raise ValueError("rate and hours must be positive and the line length non-negative")
    return math.ceil(line_length / (rate_per_crew * hours) - 1e-12)


def flame_length_limit(resource: str) -> float:
    """Flame length (m) up to which ``hand_crew`` or ``aircraft`` work the fire edge
    directly (Andrews & Rothermel 1982).

    :raises ValueError: unknown resource kind.
    """
    limits = production_table()["flame_length_limits_m"]
    if resource not in limits:
        raise ValueError(f"unknown resource kind {resource!r}; known: {', '.join(limits)}")
    return float(limits[resource])
