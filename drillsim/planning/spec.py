"""The ``drillsim optimise`` spec file: which force, where it may go, what to optimise,
and how the best layouts are checked by simulation.

```yaml
name: where the water rescue team's boats wait
scenario: ../fujiang_flood_2020.yaml   # relative to this file, inside the scenario folder
force: water_rescue                    # its units are placed; travel by its vehicle
sites: 2                               # k new sites
existing: []                           # sites kept whatever the layout (not counted in k)
candidates: townships                  # or sites, or a list of place ids
objective: coverage                    # or p_median
within: 30min                          # coverage: covered if the nearest site is this close
units_per_site: 2                      # units stationed at each site of a layout
layouts: 3                             # best layouts reported (and checked)
check:                                 # optional: the simulation check (selection.py)
  target: R1
  measure: mean                        # or pass_rate
  indifference: 2min                   # δ: a time with its unit, a share (5%) for pass_rate
  confidence: 95%
  first: 10                            # replications before the first elimination
  max: 200                             # budget per layout
  step: 1                              # replications added per layout between screenings
```

Demand points are the townships, weighted by the region's ``population_weight``; a
township without one is left out unless ``weights:`` gives it (``weights: {guilin: 20000}``
also replaces a region's figure).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from drillsim.scenario.quantities import Count, Duration, DurationOrZero, Fraction
from drillsim.scenario.validation import Strict, Words


class CheckSpec(Strict):
    """The simulation check of the best layouts (see :mod:`drillsim.planning.selection`)."""

    target: str
    """The scenario target the layouts are compared on (one value per replication)."""
    measure: Literal["mean", "pass_rate"] = "mean"
    """Compare the target's value per replication (``mean``) or whether it met its
    threshold (``pass_rate``)."""
    goal: Literal["minimize", "maximize"] | None = None
    """Smaller or larger is better; default: as the target's comparison says (``<=``:
    minimise a mean; a pass rate is maximised)."""
    indifference: float | str
    """δ of the procedure: a difference smaller than this is not worth choosing between
    layouts. Written as the target measures: a time with its unit (``2min``) for a time
    target, a share (``5%``) for ``pass_rate`` or a share target, a plain number for a
    count or people. Once loaded (:func:`~drillsim.planning.optimise.load_problem`), a
    number in the target's display unit (a share 0–1 for ``pass_rate``)."""
    confidence: Fraction = 0.95
    """The probability of choosing the best layout when it is at least δ better (KN's
    1 − α), from 50 % to below 100 %."""
    first: int = Field(default=10, ge=2, le=10_000)
    """Replications of every layout before the first elimination (KN's n0)."""
    max: int = Field(default=100, ge=2, le=100_000)
    """Budget: the most replications of any one layout; reaching it ends the procedure
    without its guarantee (the output says so)."""
    step: int = Field(default=1, ge=1, le=1_000)
    """Replications added to each layout left between screenings."""

    @field_validator("indifference", mode="before")
    @classmethod
    def _text_or_positive_number(cls, v: object) -> object:
        # read against the target once it is known (load_problem); here only its form
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(f"give the indifference zone as the target measures it (2min, 5%, "
                             f"3), got {v!r}")
        if isinstance(v, (int, float)) and not (v > 0 and math.isfinite(v)):
            raise ValueError(f"the indifference zone must be a positive, finite number, got {v!r}")
        return v

    @field_validator("confidence")
    @classmethod
    def _a_probability_kn_can_give(cls, v: float) -> float:
        # KN's constant η = ((2α/(k−1))^(−2/(n0−1)) − 1)/2 needs 0 < α < 1 (Kim & Nelson
        # 2001); 100 % (α = 0) was accepted and failed the check with a traceback after the
        # integer programme; below 50 % is worse than a coin between two layouts
        if not 0.5 <= v < 1:
            raise ValueError(f"give a confidence from 50% to below 100%, got {v:.4g} ({v * 100:g}%): "
                             "100% would need endless replications")
        return v


class OptimiseFile(Strict):
    """Schema of an optimise spec (``scenarios/optimise/*.yaml``)."""

    name: Words
    """What is being placed, for the output's title."""
    description: str | None = None
    """Longer notes."""
    scenario: str
    """The scenario whose region, travel model and force are used (relative to this file,
    inside the scenario folder)."""
    force: str
    """The force whose units are placed (its vehicle sets the travel times)."""
    sites: int = Field(ge=1, le=50)
    """k: the number of new sites to choose."""
    existing: list[str] = []
    """Places kept whatever the layout (not counted in k): stations already built."""
    candidates: Literal["townships", "sites"] | list[str] = "townships"
    """Where a site may go: every township seat, every named site of the region, or a
    list of place ids."""
    weights: dict[str, Count] = {}
    """People per township, replacing (or adding to) the region's ``population_weight``
    (0–10,000,000 each: two of 1e308 overflowed the coverage sums to inf)."""
    objective: Literal["coverage", "p_median"]
    """``coverage``: the most people within ``within`` of a site (maximal covering, Church
    & ReVelle 1974); ``p_median``: the least population-weighted mean travel time."""
    within: Duration | None = None
    """The travel time a township counts as covered within (``coverage`` only)."""
    at: DurationOrZero | None = None
    """Price trips as the roads are this long into the scenario (hazards' closures then);
    default: at the start."""
    units_per_site: int = Field(default=1, ge=1, le=100)
    """Units of the force stationed at each site of a layout (the simulation check)."""
    layouts: int = Field(default=3, ge=1, le=20)
    """How many best layouts the integer programme reports (each found one cut off in
    turn), and the check compares."""
    seed: int | None = Field(default=None, ge=0)
    """Base seed of the check's replications (default: the scenario's)."""
    check: CheckSpec | None = None
    """The simulation check of the best layouts by procedure KN; without it only the
    integer programme is solved."""


def shown(path: Path) -> str:
    """A path as messages show it: relative to here when it is below here."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
