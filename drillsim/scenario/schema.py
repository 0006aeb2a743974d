"""Schemas of the scenario and plan files (pydantic, strict, no unknown fields).

Units in the text: durations ``90min``/``12h``/``2d``, speeds ``40km/h``; see
:mod:`drillsim.scenario.quantities`. The plugin-specific parts (a force's or hazard's
``params:``, a target's ``params:``) are validated by the plugin's own model once
plugins are loaded (:mod:`drillsim.scenario.loader`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator

from drillsim.scenario.quantities import Duration, DurationOrZero, Fraction
from drillsim.scenario.validation import Strict

Id = str  # ids: lowercase letters, digits, _ (checked by pattern where declared)
#: the longest horizon accepted, minutes (366 days)
MAX_HORIZON_MIN = 366 * 1440
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Comparison = Literal[">=", "<=", ">", "<"]
Statistic = Literal["mean", "min", "max", "sum", "count", "p50", "p90", "p95"]
DisplayUnit = Literal["min", "h", "d", "people", "count", "units", "%", "ha"]


def _positive_rate(rate: float) -> float:
    """A required pass rate must be above 0 % (0 % would pass every row)."""
    if rate <= 0:
        raise ValueError("a required pass rate of 0% would pass every row; give more than 0%")
    return rate


#: the share of replications a row must pass, written ``90%`` or ``0.9``; above 0
PassRate = Annotated[Fraction, AfterValidator(_positive_rate)]


# ---------------------------------------------------------------- plan file
class TargetSpec(Strict):
    """One capability target the plan sets (or a scenario adds)."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    title: str
    section: str | None = None
    metric: str
    params: dict[str, Any] = {}
    statistic: Statistic | None = None
    comparison: Comparison | None = None
    threshold: str | int | float | None = None
    unit: DisplayUnit | None = None
    required_pass_rate: PassRate | None = None
    by_label: bool = False
    source: str | None = None
    note: str | None = None



class PlanForce(Strict):
    """A force the plan names (descriptive; the scenario's forces model them)."""

    id: str
    name: str
    name_zh: str | None = None
    says: str
    section: str


class PlanFile(Strict):
    """Schema of a plan file (``scenarios/plans/*.yaml``)."""

    name: str
    name_zh: str | None = None
    issued: str | None = None
    source: str | None = None
    required_pass_rate: PassRate = 0.9
    forces: list[PlanForce] = []
    targets: list[TargetSpec] = Field(min_length=1)



# ---------------------------------------------------------------- scenario file
class RunSpec(Strict):
    """Run settings. ``horizon`` and ``warm_up`` are durations with units."""

    seed: int = Field(default=1, ge=0)
    replications: int = Field(default=1, ge=1, le=100_000)
    horizon: Duration
    warm_up: DurationOrZero = 0.0
    #: incidents waiting for units at once beyond which a run stops as runaway (calls
    #: arriving faster than the units can ever serve them would fill the memory)
    max_queued: int = Field(default=100_000, ge=1, le=10_000_000)

    @field_validator("horizon")
    @classmethod
    def _bounded(cls, v: float) -> float:
        if v > MAX_HORIZON_MIN:
            raise ValueError(f"a horizon of more than {MAX_HORIZON_MIN // 1440} days is refused "
                             "(a drill or a batch replication longer than a year is a typo)")
        if v < 1.0:
            raise ValueError("a horizon shorter than 1 min is refused: nothing could be "
                             "dispatched, let alone measured (a typo for min or h?)")
        return v


class TargetOverride(Strict):
    """Scenario-side changes to a plan target (only the fields given change)."""

    title: str | None = None
    params: dict[str, Any] = {}
    statistic: Statistic | None = None
    comparison: Comparison | None = None
    threshold: str | int | float | None = None
    unit: DisplayUnit | None = None
    required_pass_rate: PassRate | None = None
    by_label: bool | None = None
    source: str | None = None
    note: str | None = None



class PlanRef(Strict):
    """Which plan file the scenario is scored against, which of its targets, and how
    the scenario adjusts them."""

    file: str
    targets: list[str] | None = None
    overrides: dict[str, TargetOverride] = {}
    extra_targets: list[TargetSpec] = []


class ForceSpec(Strict):
    """A force in the scenario: which unit type (plugin), how many units, where.

    Give ``base`` (all units there), ``bases`` (one per unit) or ``per_township: true``
    (``units`` at each township, or at each of ``townships``).
    """

    id: str = Field(pattern=ID_PATTERN)
    type: str
    name: str | None = None
    name_zh: str | None = None
    plan_ref: str | None = None
    status: Literal["existing", "under_construction", "planned", "assumed"] | None = None
    enabled: bool = True
    units: int = Field(default=1, ge=1, le=1_000)
    base: str | None = None
    bases: list[str] | None = None
    per_township: bool = False
    townships: list[str] | None = None
    capabilities: dict[str, float] = {}
    vehicle: str | None = None
    turnout: DurationOrZero | None = None
    serves: list[str] | None = Field(default=None, min_length=1)
    area: Literal["district", "home"] = "district"
    params: dict[str, Any] = {}
    cost: float | None = Field(default=None, ge=0)
    note: str | None = None

    @field_validator("capabilities")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        for name, amount in v.items():
            if amount < 0:
                raise ValueError(f"capability {name!r} must not be negative, got {amount}")
        return v


class HazardSpec(Strict):
    """A hazard in the scenario: which hazard type (plugin) and its parameters."""

    id: str = Field(pattern=ID_PATTERN)
    type: str
    enabled: bool = True
    params: dict[str, Any] = {}
    note: str | None = None


class ReserveSpec(Strict):
    """A stockpile: ``district`` amount plus ``per_township`` at each of ``townships``
    (``all`` or a list of ids)."""

    id: str = Field(pattern=ID_PATTERN)
    name: str | None = None
    unit: str = "people"
    district: float = Field(default=0, ge=0)
    per_township: float = Field(default=0, ge=0)
    townships: Literal["all"] | list[str] = "all"
    plan_ref: str | None = None
    cost_per_unit: float | None = Field(default=None, ge=0)
    note: str | None = None


class Assumption(Strict):
    """A value the scenario assumes rather than takes from a source, and why."""

    what: str
    value: str | int | float | bool | None = None
    reason: str
    applies_to: str | list[str] | None = None


class Observation(Strict):
    """A figure observed in the real event the scenario replays, for comparison."""

    what: str
    value: int | float | str
    unit: str | None = None
    source: str
    status: Literal["verified", "verified_secondary", "derived", "approximate"]
    #: what the model gives for the same figure: ``hazard.<id>.<figure>`` (a hazard's
    #: summary figure), ``forces.<capability>`` (total over in-service units), or
    #: ``reserve.<id>`` (total held)
    model_key: str | None = None


class PluginModuleRef(Strict):
    """A ``plugins:`` entry naming a plugin by module: imported only when the user
    allows it (``--allow-plugin-module``); see :mod:`drillsim.host.plugin_modules`."""

    name: str = Field(pattern=ID_PATTERN)
    module: str


class ScenarioFile(Strict):
    """Schema of a scenario file."""

    name: str = Field(min_length=1)
    name_zh: str | None = None
    description: str | None = None
    region: str
    start: str
    run: RunSpec
    plan: PlanRef
    plugins: list[str | PluginModuleRef] = []
    forces: list[ForceSpec] = Field(min_length=1)
    hazards: list[HazardSpec] = []
    reserves: list[ReserveSpec] = []
    assumptions: list[Assumption]
    observed: list[Observation] = []
    sources: dict[str, str] = {}
