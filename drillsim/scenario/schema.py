"""Schemas of the scenario and plan files (pydantic, strict, no unknown fields).

Units in the text: durations ``90min``/``12h``/``2d``, speeds ``40km/h``; see
:mod:`drillsim.scenario.quantities`. The plugin-specific parts (a force's or hazard's
``params:``, a target's ``params:``) are validated by the plugin's own model once
plugins are loaded (:mod:`drillsim.scenario.loader`).
"""


from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, field_validator

from drillsim.scenario.quantities import Count, Duration, DurationOrZero, Fraction
from drillsim.scenario.validation import Strict, Words

Id = str  # ids: lowercase letters, digits, _ (checked by pattern where declared)
#: the longest horizon accepted, minutes (366 days)
MAX_HORIZON_MIN = 366 * 1440
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Comparison = Literal[">=", "<=", ">", "<"]
Statistic = Literal["mean", "min", "max", "sum", "count", "p50", "p90", "p95"]
DisplayUnit = Literal["min", "h", "d", "people", "count", "units", "%", "ha", "person-days", "per million",
                      "per 100,000", "m", "mm", "buildings", "points"]
"""A target's display unit: times convert (min, h, d), shares show as %, the rest are the
label a count carries (person-days of supplies, deaths per million residents, people
affected per 100,000, a depth in m or mm, buildings, waterlogging points)."""


def _positive_rate(rate: float) -> float:
    """A required pass rate must be above 0 % (0 % would pass every row)."""
    if rate <= 0:
        raise ValueError("a required pass rate of 0% would pass every row; give more than 0%")
    return rate


#: the share of replications a row must pass, written ``90%`` or ``0.9``; above 0
PassRate = Annotated[Fraction, AfterValidator(_positive_rate)]


# ---------------------------------------------------------------- plan file
#: plan item ids: ``P`` and a number (the numbered rows of docs/plan-coverage.md)
PLAN_ITEM_PATTERN = r"^P[1-9][0-9]*$"
PlanItemId = Annotated[str, Field(pattern=PLAN_ITEM_PATTERN)]
PlanStatus = Literal["existing_2021", "to_build_by_2025", "ongoing"]


class TargetSpec(Strict):
    """One capability target the plan sets (or a scenario adds)."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    """Target id, as scorecards and sweeps name it (`T1`, `R1`, `T3-short`)."""
    title: Words
    """What the row measures, in words (shown on the scorecard)."""
    section: str | None = None
    """The plan section the target comes from (`III.(2).2(2)`)."""
    metric: str
    """The metric that measures it (a core metric or one a plugin registers: `response_time`, `warning_lead_time` …)."""
    params: dict[str, Any] = {}
    """The metric's parameters (which incident kinds, which reserve …); checked by the metric's own model."""
    statistic: Statistic | None = None
    """How one replication's observations become one value: `mean`, `min`, `max`, `sum`, `count`, `p50`, `p90`, `p95` (default: the metric's)."""
    comparison: Comparison | None = None
    """How the value meets the threshold: `>=`, `<=`, `>` or `<`; none: an information row."""
    threshold: str | int | float | None = None
    """The value to meet, with a unit for times (`12h`, `60min`) or a plain number in the row's unit."""
    unit: DisplayUnit | None = None
    """Display unit of the row: `min`, `h`, `d`, `people`, `count`, `units`, `%`, `ha`."""
    required_pass_rate: PassRate | None = None
    """Share of replications that must meet the threshold for the row to pass (`90%`; default: the plan's)."""
    by_label: bool = False
    """One row per label (per force, per township) instead of one row for all."""
    source: str | None = None
    """Where the threshold comes from, when it is not a number the plan sets (a scenario's standard, a national standard, drillsim's reading): the reports mark such a goal "not a plan number" and count it apart; leave out only for the plan's own numbers."""
    note: str | None = None
    """Free text for readers (the plan's wording)."""
    plan_items: list[PlanItemId] = []
    """The plan items this row scores (`[P12, P23]`: ids of the plan file's `items:`); a row scores an item only if its value can fail."""
    fails_by_design: str | None = None
    """Why this row cannot pass in this scenario whatever the response does (a flash flood peaks before any warning its rain can give): printed with the row when it fails, so the miss reads as the finding it is; a row that passes although it carries one is flagged."""



class PlanItem(Strict):
    """One quantitative target or named capability of the plan (a row of the plan-coverage table)."""

    id: str = Field(pattern=PLAN_ITEM_PATTERN)
    """Item id (`P12`); target rows name it in `plan_items`."""
    title: Words
    """The item in English."""
    title_zh: str
    """The item in the plan's words (quoted from the original)."""
    section: str
    """Plan section(s) (`III.(3).1(5)`)."""
    status: PlanStatus
    """What the plan says of it: `existing_2021` (exists when the plan is issued), `to_build_by_2025` (to be built or reached by 2025), `ongoing` (a standing task with no end state)."""
    not_modelled: str | None = None
    """Why no scenario can score it (administrative, statistical, no model of …); leave out when a scenario may."""
    partly: str | None = None
    """What the shipped scenarios model of it without a target row that can fail (a force, a parameter, a drill pack); `drillsim plan` shows it as partly."""


class PlanForce(Strict):
    """A force the plan names (descriptive; the scenario's forces model them)."""

    id: str
    """Force id in the plan (`F1`); a scenario force names it in `plan_ref`."""
    name: Words
    """The force in English."""
    name_zh: str | None = None
    """The force in the plan's language."""
    says: str
    """What the plan promises about it."""
    section: str
    """Plan section(s)."""


class PlanFile(Strict):
    """Schema of a plan file (``scenarios/plans/*.yaml``)."""

    name: Words
    """The plan's title."""
    name_zh: str | None = None
    """The title in the plan's language."""
    issued: str | None = None
    """Date of issue (`2021-12-06`)."""
    source: str | None = None
    """Where the plan text comes from."""
    required_pass_rate: PassRate = 0.9
    """Share of replications a row must pass, for every target that does not set its own (`90%`)."""
    forces: list[PlanForce] = []
    """The forces the plan names (descriptive)."""
    targets: list[TargetSpec] = Field(min_length=1)
    """The capability targets, one scorecard row each."""
    items: list[PlanItem] = []
    """Every quantitative target and named capability of the plan (`P1` …), which target rows name in `plan_items`; `drillsim plan` prints how far the scenarios score them."""



# ---------------------------------------------------------------- scenario file
class RunSpec(Strict):
    """Run settings. ``horizon`` and ``warm_up`` are durations with units."""

    seed: int = Field(default=1, ge=0)
    """Base seed of the random streams; replication r draws from (seed, r, stream name)."""
    replications: int = Field(default=1, ge=1, le=100_000)
    """Independent replications to run (`drillsim run -n` overrides)."""
    horizon: Duration
    """How long a run lasts, with a unit (`96h`, `4d`); a run covers [0, horizon)."""
    warm_up: DurationOrZero = 0.0
    """Time at the start left out of time-based metrics, with a unit (`0min`)."""
    #: incidents waiting for units at once beyond which a run stops as runaway (calls
    #: arriving faster than the units can ever serve them would fill the memory)
    max_queued: int = Field(default=100_000, ge=1, le=10_000_000)
    """Incidents waiting for units at once beyond which a run stops as runaway (calls arriving faster than units can ever serve them would fill the memory)."""

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
    """A new title."""
    params: dict[str, Any] = {}
    """Metric parameters, merged over the plan's."""
    statistic: Statistic | None = None
    """Another statistic."""
    comparison: Comparison | None = None
    """Another comparison."""
    threshold: str | int | float | None = None
    """Another threshold (a time with its unit)."""
    unit: DisplayUnit | None = None
    """Another display unit."""
    required_pass_rate: PassRate | None = None
    """Another required pass rate."""
    by_label: bool | None = None
    """One row per label, or not."""
    source: str | None = None
    """Where the changed value comes from (say it when the plan gives no number: the reports then mark the goal "not a plan number")."""
    note: str | None = None
    """Free text for readers."""
    plan_items: list[PlanItemId] | None = None
    """Other plan items this row scores (replaces the plan's list)."""
    fails_by_design: str | None = None
    """Why this row cannot pass in this scenario whatever the response does; printed with the row when it fails."""



class PlanRef(Strict):
    """Which plan file the scenario is scored against, which of its targets, and how
    the scenario adjusts them."""

    file: str
    """The plan file, relative to the scenario file (inside its folder)."""
    targets: list[str] | None = None
    """Which of the plan's targets to score (ids, in order); default: all."""
    overrides: dict[str, TargetOverride] = {}
    """Changes to plan targets, by target id (only the fields given change)."""
    extra_targets: list[TargetSpec] = []
    """Targets this scenario adds, written like the plan's."""


def parse_clock(value: Any) -> float:
    """``"22:00"`` → 1320.0: a local clock time as minutes after midnight (0 ≤ m < 1440).

    :raises ValueError: not text ``HH:MM`` with 0 ≤ HH ≤ 23, 0 ≤ MM ≤ 59 (a bare number
        such as 1320 is refused with the fix).
    """
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"write a clock time as HH:MM, e.g. '22:00' (got {value!r})")
    text = value.strip()
    hours, sep, minutes = text.partition(":")
    if not (sep and text.isascii() and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
            and 0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise ValueError(f"{value!r} is not a clock time HH:MM between 00:00 and 23:59")
    return int(hours) * 60.0 + int(minutes)


#: A local clock time written ``"HH:MM"``, kept as minutes after midnight.
ClockTime = Annotated[float, BeforeValidator(parse_clock),
                      WithJsonSchema({"type": "string", "pattern": r"^\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$",
                                      "examples": ["22:00", "06:30"],
                                      "x-drillsim-written": "a local clock time HH:MM, e.g. '22:00'"})]


class TurnoutBand(Strict):
    """A time of day with its own turnout: dispatched between ``start`` (included) and
    ``end`` (excluded), local clock time in the scenario's time zone, a unit leaves its
    base after ``turnout``. A band whose end is earlier than its start runs past
    midnight (`'22:00'` to `'06:00'`)."""

    start: ClockTime
    """First minute of the band, local clock time (`'22:00'`)."""
    end: ClockTime
    """End of the band (excluded), local clock time (`'06:00'`)."""
    turnout: DurationOrZero
    """Turnout of a unit dispatched in the band (`45min`)."""

    @field_validator("end")
    @classmethod
    def _not_empty(cls, end: float, info) -> float:
        if info.data.get("start") == end:
            raise ValueError("a band from a time to the same time is empty: give different start and end")
        return end


class ForceSpec(Strict):
    """A force in the scenario: which unit type (plugin), how many units, where.

    Give ``base`` (all units there), ``bases`` (one per unit) or ``per_township: true``
    (``units`` at each township, or at each of ``townships``).
    """

    id: str = Field(pattern=ID_PATTERN)
    """Force id (lowercase letters, digits, `_`); units are named `<id>-1`, `<id>-2` …"""
    type: str
    """Unit type, registered by a plugin (`fire_rescue_station`, `water_rescue_team` …; `drillsim plugins` lists them)."""
    name: str | None = None
    """Name for reports."""
    name_zh: str | None = None
    """Name in the plan's language."""
    plan_ref: str | None = None
    """The plan force it models (`F1`)."""
    status: Literal["existing", "under_construction", "planned", "assumed"] | None = None
    """`existing`, `under_construction`, `planned` or `assumed`."""
    enabled: bool = True
    """`false` leaves the force out of the run (a variant may switch it on)."""
    units: int = Field(default=1, ge=1, le=1_000)
    """Units at each base (or per township with `per_township`)."""
    base: str | None = None
    """The one place (site or township id of the region) all units start from."""
    bases: list[str] | None = None
    """One base per unit, in order."""
    per_township: bool = False
    """`units` units in each township (or each of `townships`)."""
    townships: list[str] | None = None
    """With `per_township`: which townships (default: all)."""
    capabilities: dict[str, Count] = {}
    """What each unit brings, by name: `{people: 6, boats: 1}` (default: the unit type's)."""
    vehicle: str | None = None
    """Road vehicle class of the region's travel model (default: the unit type's)."""
    turnout: DurationOrZero | None = None
    """Time from dispatch to leaving the base, with a unit (`2min`; default: the unit type's)."""
    turnout_by_time: list[TurnoutBand] = []
    """Turnout by time of day: bands of local clock time with their own turnout (`[{start: '22:00', end: '06:00', turnout: 45min}]`); outside every band, `turnout`. The first band holding the dispatch time counts."""
    serves: list[str] | None = Field(default=None, min_length=1)
    """Incident kinds this force may be sent to (default: the unit type's)."""
    area: Literal["district", "home"] = "district"
    """`district`: sent anywhere; `home`: only within its own township."""
    params: dict[str, Any] = {}
    """Parameters of the unit type, checked by its plugin's model (below)."""
    cost: float | None = Field(default=None, ge=0)
    """Cost of one unit, in the sweep's `cost_unit` (for the Pareto front)."""
    note: str | None = None
    """Free text for readers."""


class HazardSpec(Strict):
    """A hazard in the scenario: which hazard type (plugin) and its parameters."""

    id: str = Field(pattern=ID_PATTERN)
    """Hazard id (lowercase letters, digits, `_`)."""
    type: str
    """Hazard type, registered by a plugin (`transit_flood`, `toxic_release`, `forest_fire`, `scripted_incidents`, `poisson_incidents`)."""
    enabled: bool = True
    """`false` leaves the hazard out."""
    params: dict[str, Any] = {}
    """The hazard type's parameters, checked by its plugin's model (below)."""
    note: str | None = None
    """Free text for readers."""


class ReserveSpec(Strict):
    """A stockpile: ``district`` amount plus ``per_township`` at each of ``townships``
    (``all`` or a list of ids)."""

    id: str = Field(pattern=ID_PATTERN)
    """Reserve id (metrics name it: `params: {reserve: relocation_supplies}`)."""
    name: str | None = None
    """Name for reports."""
    unit: str = "people"
    """What the amounts count (`people` provided for)."""
    district: Count = 0
    """Amount held at district level."""
    per_township: Count = 0
    """Amount held in each of `townships`."""
    townships: Literal["all"] | list[str] = "all"
    """`all` or a list of township ids holding `per_township`."""
    plan_ref: str | None = None
    """The plan section or force it models."""
    cost_per_unit: float | None = Field(default=None, ge=0)
    """Cost of each unit held, in the sweep's `cost_unit`."""
    restock_after: Duration | None = None
    """What is drawn from a holder is replaced this long after the draw (the level above
    restocking it); none: nothing is replaced within the run."""
    note: str | None = None
    """Free text for readers."""


class Assumption(Strict):
    """A value the scenario assumes rather than takes from a source, and why.

    ``range`` says how far ``drillsim sensitivity`` varies it (default ±50 % of the
    scenario's value): ``[low, high]`` when ``applies_to`` names one number, or
    ``{path: [low, high]}`` per number it covers, written as the scenario writes the value
    (``[226m, 230m]``, ``[1.5, 2.5]``).
    """

    what: Words
    """The value assumed, in words."""
    value: str | int | float | bool | None = None
    """The value (text, number or true/false)."""
    reason: Words
    """Why this value (every report lists it)."""
    applies_to: str | list[str] | None = None
    """The field path(s) it sets (`hazards[0].params.townships`)."""
    range: list[str | int | float] | dict[str, list[str | int | float]] | None = None
    """How far `drillsim sensitivity` varies it: `[low, high]` for one number, or
    `{path: [low, high]}` each, written like the value (`[9h, 13h]`); default ±50 %."""


class Observation(Strict):
    """A figure observed in the real event the scenario replays, for comparison."""

    what: Words
    """The figure observed in the real event."""
    value: int | float | str
    """Its value."""
    unit: str | None = None
    """Its unit."""
    source: str
    """Where it comes from (a key of `sources:` or a citation)."""
    status: Literal["verified", "verified_secondary", "derived", "approximate"]
    """`verified`, `verified_secondary`, `derived` or `approximate`."""
    #: what the model gives for the same figure: ``hazard.<id>.<figure>`` (a hazard's
    #: summary figure), ``forces.<capability>`` (total over in-service units), or
    #: ``reserve.<id>`` (total held)
    model_key: str | None = None
    """What the model gives for the same figure: `hazard.<id>.<figure>`, `forces.<capability>` or `reserve.<id>`."""


class PluginModuleRef(Strict):
    """A ``plugins:`` entry naming a plugin by module: imported only when the user
    allows it (``--allow-plugin-module``); see :mod:`drillsim.host.plugin_modules`."""

    name: str = Field(pattern=ID_PATTERN)
    """Plugin name."""
    module: str
    """Module or `.py` file, imported only with `--allow-plugin-module`."""


class ScenarioFile(Strict):
    """Schema of a scenario file."""

    name: Words
    """Scenario name (reports and scorecards start with it)."""
    name_zh: str | None = None
    """Name in the plan's language."""
    description: str | None = None
    """What the scenario asks, for the report."""
    region: str
    """The region file (townships, sites, travel), relative to this file."""
    start: str
    """Wall-clock time of scenario time 0, ISO 8601 with its UTC offset (`2020-08-15T20:00+08:00`)."""
    run: RunSpec
    """Seed, replications, horizon."""
    plan: PlanRef
    """The plan scored against, and this scenario's changes to its targets."""
    plugins: list[str | PluginModuleRef] = []
    """Plugins the scenario needs, by name (installed) or `{name, module}`."""
    forces: list[ForceSpec] = Field(min_length=1)
    """The response forces: what units, how many, where."""
    hazards: list[HazardSpec] = []
    """What happens: each hazard creates incidents (and warnings, closures …)."""
    reserves: list[ReserveSpec] = []
    """Stockpiles drawn on by demands (relocation supplies)."""
    assumptions: list[Assumption]
    """Every value not taken from a source, with the reason (may be empty, never left out)."""
    observed: list[Observation] = []
    """Figures of the real event, for comparison with the model."""
    forces_as_of: Literal["built", "plan_complete"] | None = None
    """Which forces count, by their plan `status`: `built` leaves out those `planned` or
    `under_construction`; `plan_complete` counts every force the plan promises (also
    those `enabled: false`); unset: each force's `enabled`."""
    sources: dict[str, str] = {}
    """Citations by key."""
