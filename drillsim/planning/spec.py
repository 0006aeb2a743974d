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
  indifference: 2                      # δ, in the target's display unit (a share for pass_rate)
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

from pathlib import Path
from typing import Literal

from pydantic import Field

from drillsim.scenario.quantities import Duration, DurationOrZero, Fraction
from drillsim.scenario.validation import Strict


class CheckSpec(Strict):
    """The simulation check of the best layouts (see :mod:`drillsim.planning.selection`)."""

    target: str
    measure: Literal["mean", "pass_rate"] = "mean"
    goal: Literal["minimize", "maximize"] | None = None
    indifference: float = Field(gt=0)
    confidence: Fraction = 0.95
    first: int = Field(default=10, ge=2, le=10_000)
    max: int = Field(default=100, ge=2, le=100_000)
    step: int = Field(default=1, ge=1, le=1_000)


class OptimiseFile(Strict):
    """Schema of an optimise spec (``scenarios/optimise/*.yaml``)."""

    name: str
    description: str | None = None
    scenario: str
    force: str
    sites: int = Field(ge=1, le=50)
    existing: list[str] = []
    candidates: Literal["townships", "sites"] | list[str] = "townships"
    weights: dict[str, float] = {}
    objective: Literal["coverage", "p_median"]
    within: Duration | None = None
    at: DurationOrZero | None = None
    units_per_site: int = Field(default=1, ge=1, le=100)
    layouts: int = Field(default=3, ge=1, le=20)
    seed: int | None = Field(default=None, ge=0)
    check: CheckSpec | None = None


def shown(path: Path) -> str:
    """A path as messages show it: relative to here when it is below here."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
