"""Parameters of the flood hazards (``params:`` of a ``transit_flood`` or ``flash_flood``
hazard): the upstream hydrograph and Muskingum routing of a transit flood, the gauge and its
rating, the warning rule, evacuation, rescue calls, the riverside townships and road access.
Quantities are parsed from text with units (``11h``, ``20400m3/s``, ``244.3m``) to
minutes, m³/s and m.
"""


import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from drillsim.api import (RANGES, Count, Demand, Discharge, Duration, DurationOrZero, Elevation, Fraction, Height,
                          Length, Rate, Strict, TimeOffset)

from ..rescuers import check_rescuer_work
from .hydrograph import gamma_hydrograph, sample_series
from .rating import PowerRating
from .routing import muskingum_coefficients


class HydrographParams(Strict):
    """Either ``shape: gamma`` with base_flow, peak, time_to_peak (and m), or a measured
    series: ``step`` and ``values_m3s``. ``begins``: when the wave (or the series) starts
    at the upstream gauge, after the scenario start (before it, the base flow or the
    series' first value), so that two waves of one event can share a scenario."""

    shape: Literal["gamma"] | None = None
    """`gamma`: a synthetic NRCS-style gamma hydrograph (give base_flow, peak, time_to_peak); leave out for a measured series."""
    base_flow: Discharge | None = None
    """Discharge before and after the wave (`1500m3/s`)."""
    peak: Discharge | None = None
    """Peak discharge at the upstream gauge (`22600m3/s`)."""
    time_to_peak: Duration | None = None
    """Time from the wave's start to its peak (`14h`)."""
    m: float = Field(default=3.7, gt=0, le=20)
    """Shape factor of the gamma hydrograph (NRCS m; 3.7 is the standard unit hydrograph)."""
    step: Duration | None = None
    """Time between the values of a measured series."""
    values_m3s: list[float] | None = None
    """A measured upstream series, m³/s, one value per `step`."""
    begins: DurationOrZero = 0.0
    """When the wave (or series) starts at the upstream gauge, after the scenario start."""

    @field_validator("values_m3s")
    @classmethod
    def _discharges(cls, v: list[float] | None) -> list[float] | None:
        # a written discharge (peak: 900000m3/s) is held to the physical range; the
        # series' plain numbers were not (values_m3s: [100, 1e308] passed)
        top = RANGES["discharge"]
        for d in v or ():
            if not d <= top.high:  # also nan and inf
                raise ValueError(top.refusal(f"{d:,.10g} m³/s"))
        return v

    @model_validator(mode="after")
    def _one_form(self):
        gamma = self.shape == "gamma"
        series = self.values_m3s is not None
        if gamma == series:
            raise ValueError("give either shape: gamma (with base_flow, peak, time_to_peak) "
                             "or a measured series (step and values_m3s)")
        if gamma and None in (self.base_flow, self.peak, self.time_to_peak):
            raise ValueError("shape: gamma needs base_flow, peak and time_to_peak")
        if gamma and self.peak < self.base_flow:
            raise ValueError("peak must not be below base_flow")
        if series and (self.step is None or len(self.values_m3s) < 2
                       or any(v < 0 for v in self.values_m3s)):
            raise ValueError("a measured series needs step and at least two non-negative values_m3s")
        return self

    def at(self, t: float) -> float:
        """Upstream discharge (m³/s) at minute ``t`` of the scenario."""
        t = t - self.begins
        if self.shape == "gamma":
            return gamma_hydrograph(t, self.base_flow, self.peak, self.time_to_peak, self.m)
        return sample_series(self.step, self.values_m3s, t)


class UpstreamParams(Strict):
    gauge: str
    """Name of the upstream gauge (for reports)."""
    hydrograph: HydrographParams
    """The upstream hydrograph."""


class RoutingParams(Strict):
    """Muskingum K (travel time of the wave through the reach), X, step Δt, sub-reaches."""

    K: Duration
    """Muskingum storage constant: the wave's travel time through the reach (`11h`)."""
    X: float = Field(ge=0, le=0.5)
    """Muskingum weighting factor, 0 to 0.5 (0.2 is typical of natural channels)."""
    dt: Duration
    """Routing time step; must lie within 2KX ≤ dt ≤ 2K(1−X) per sub-reach."""
    reaches: int = Field(default=1, ge=1, le=100)
    """Equal sub-reaches routed in cascade (to keep the step stable)."""

    @model_validator(mode="after")
    def _stable(self):
        k = self.K / self.reaches
        lo, hi = 2 * k * self.X, 2 * k * (1 - self.X)
        if not lo - 1e-9 <= self.dt <= hi + 1e-9:
            need = math.ceil(2 * self.K * self.X / self.dt - 1e-9)
            advice = (f"use at least {need} sub-reaches" if self.dt < lo
                      else "use a shorter step or fewer sub-reaches")
            raise ValueError(
                f"routing step {self.dt / 60:g} h is outside the stable range 2KX <= dt <= 2K(1-X) = "
                f"[{lo / 60:.3g} h, {hi / 60:.3g} h] for sub-reaches of K = {k / 60:.3g} h "
                f"({self.reaches} sub-reach(es), X = {self.X:g}); {advice}")
        muskingum_coefficients(k, self.X, self.dt)
        return self


class RatingParams(Strict):
    """Q = a (h − h0)^b through one known point (``through_stage``, ``through_discharge``)."""

    h0: Elevation
    """Stage of zero flow of the rating curve Q = a (h − h0)^b."""
    b: float = Field(gt=0, le=5)
    """Exponent of the rating curve (1.5-2.5 usual)."""
    through_stage: Elevation
    """Stage of the one known point the curve passes through."""
    through_discharge: Discharge
    """Discharge at that stage."""

    @model_validator(mode="after")
    def _point(self):
        PowerRating.through(self.h0, self.b, self.through_stage, self.through_discharge)
        return self


class GaugeParams(Strict):
    name: str
    """Name of the gauge in the district (for warnings and reports)."""
    rating: RatingParams
    """Its stage-discharge rating curve."""
    warning_stage: Elevation
    """Warning stage (警戒水位; a river above it is 超警): the upstream discharge matching it triggers the warning; the report gives the crest against it."""
    guaranteed_stage: Elevation | None = None
    """Guaranteed stage (保证水位): the report gives the crest against it (超保)."""


#: the warning rules and the words the ``warning_issued`` event gives for each
WARNING_RULES = {"upstream_discharge": "upstream discharge", "gauge_forecast": "gauge forecast"}


class WarningParams(Strict):
    """When the flood warning goes out, by one of two rules:

    - ``upstream_discharge`` (default): when the upstream gauge's discharge, seen
      ``forecast_lead`` ahead, reaches the discharge of the district gauge's warning stage
      (the wave is traced from the upstream gauge);
    - ``gauge_forecast``: the hydrological service forecasts the district gauge's own
      stage ``horizon`` ahead (a yellow flood warning of the Chongqing hydrological
      service reads "within the next 13 hours the Tai'an station will exceed its warning
      stage"), taken as a perfect forecast over that horizon: the warning goes out when
      the forecast window first shows the gauge at its warning stage, i.e. ``horizon``
      before the routed stage reaches it, and never before the wave begins upstream
      (the hydrograph's ``begins``: no forecast sees a flood before its rain).

    Either way the warning goes out ``issue_delay`` after the trigger.
    """

    rule: Literal["upstream_discharge", "gauge_forecast"] = "upstream_discharge"
    """`upstream_discharge` (the upstream gauge passes the warning discharge) or `gauge_forecast` (a forecast of the district gauge `horizon` ahead)."""
    forecast_lead: DurationOrZero = 0.0
    """With `upstream_discharge`: extra lead a forecast adds before the upstream gauge passes the warning discharge (`6h`)."""
    horizon: Duration | None = None
    """With `gauge_forecast`: how far ahead the district gauge's stage is forecast (`13h`)."""
    issue_delay: DurationOrZero = 0.0
    """Time from the trigger to the warning going out."""

    @model_validator(mode="after")
    def _rule_fields(self):
        if self.rule == "gauge_forecast":
            if self.horizon is None:
                raise ValueError("rule gauge_forecast needs horizon (how far ahead the gauge's stage "
                                 "is forecast, e.g. 13h)")
            if self.forecast_lead:
                raise ValueError("forecast_lead belongs to rule upstream_discharge; with "
                                 "gauge_forecast the lead is the horizon")
        elif self.horizon is not None:
            raise ValueError("horizon belongs to rule gauge_forecast; with upstream_discharge "
                             "give forecast_lead")
        return self


#: The most people one flood may put at risk (10 million). No county-level district of
#: China has so many residents (the largest, Shanghai's Pudong New Area, had 5.68 million
#: at the 2020 census), and rescue calls and evacuation demand grow with the count, so a
#: figure above it is a typo (extra zeros) that would make a run last for hours.
MAX_PEOPLE = 10_000_000

#: Above this many people at risk the loader warns that a run will be slow: rescue calls
#: grow with the people left in flooded homes, and the run time faster than that, as every
#: dispatch pass reads the whole queue (``python bench/people_at_risk.py`` on the 2020
#: Fujiang scenario, one replication, 2-core machine: 28,617 people 0.02 s, 286,170 1.0 s,
#: 1,000,000 36 s, 2,861,700 about 530 s).
SLOW_PEOPLE = 1_000_000


def _people(v: int) -> int:
    if v > MAX_PEOPLE:
        raise ValueError(f"{v:,} people is refused: more than {MAX_PEOPLE:,}, and no district has "
                         f"so many residents (the largest, Pudong, had 5.68 million in 2020); "
                         f"check for extra zeros")
    return v


#: a count of people at risk: 0 to :data:`MAX_PEOPLE`
People = Annotated[int, Field(ge=0, description="people at risk, at most MAX_PEOPLE (10 million): "
                                                "more than any district holds, so a typo"),
                   AfterValidator(_people)]


class EvacuationParams(Strict):
    """Evacuation demand: ``total_people`` split over the townships by the region's
    population weights (or each township's own ``people_at_risk``). Counts of people are
    bounded by :data:`MAX_PEOPLE` (10 million, more than any district holds)."""

    total_people: People
    """People evacuated in all, split over the townships by population weight (or each township's `people_at_risk`)."""
    order_delay: DurationOrZero = 0.0
    """Time from the warning to the evacuation order in a township."""
    residents_per_rescuer: Count = Field(ge=0.1)
    """Residents one rescuer is responsible for: sets how many rescuers an evacuation demands. At least 0.1 (ten rescuers for one resident, a bedridden one carried): 1e-320 sent infinitely many."""
    rate_per_rescuer: Rate
    """People one rescuer moves per unit of time (`20/h`)."""
    capability: str = "people"
    """The capability evacuation demands (`people`)."""
    kind: str = "evacuation"
    """Incident kind of an evacuation."""
    priority: int = Field(default=2, ge=1, le=9)
    """Dispatch priority, 1 (highest) to 9."""
    relocation_share: Fraction = 0.0
    """Share of evacuees who need the relocation reserve (`30%`)."""
    reserve: str | None = None
    """The reserve (id under `reserves:`) evacuees draw on."""
    shelter: bool = False
    """Evacuees who need relocation supplies (`relocation_share`) also need a shelter place: placed in the region's shelters (sites of kind `shelter` with a capacity), nearest to their township first; those who find none are the overflow."""
    return_after: DurationOrZero | None = None
    """With `shelter`: how long after the water recedes in their township sheltered people go home (none: they stay to the end of the run)."""

    @field_validator("rate_per_rescuer")
    @classmethod
    def _work_fits_a_run(cls, v: float, info) -> float:
        return check_rescuer_work(info.data.get("residents_per_rescuer"), v)


class RescueCallParams(Strict):
    rate_per_1000: Rate
    """Rescue calls per 1,000 people still in flooded homes (`1/h`)."""
    #: share of the people at risk who stay behind whatever the evacuation does
    stay_share: Fraction = 0.0
    """Share of the people at risk who stay behind whatever the evacuation does."""
    kind: str = "flood_rescue"
    """Incident kind of a rescue call."""
    demand: Demand = {"boats": 1.0}
    """What one call needs on scene (`{boats: 1}`)."""
    on_scene_mean: Duration
    """Mean work time on scene."""
    on_scene_distribution: Literal["exponential", "fixed"] = "exponential"
    """`exponential` or `fixed` work time."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority, 1 (highest) to 9."""
    aerial_share: Fraction = 0.0
    """Share of calls needing a helicopter."""
    aerial_kind: str = "aerial_rescue"
    """Incident kind of those calls."""
    aerial_demand: Demand = {"aerial": 1.0}
    """What a helicopter call needs (`{aerial: 1}`)."""
    step: Duration = 10.0
    """Time step at which call arrivals are drawn."""
    #: calls come from points spread uniformly over a disc of this radius around the
    #: township seat (None: all at the seat)
    scatter: Length | None = None
    """Calls come from points spread uniformly over a disc of this radius around the township seat (none: at the seat)."""

    @field_validator("step")
    @classmethod
    def _step(cls, v: float) -> float:
        if v < 1.0:
            raise ValueError("a step shorter than 1 min is refused")
        return v

    @field_validator("scatter")
    @classmethod
    def _scatter(cls, v: float | None) -> float | None:
        if v is not None and v > 50.0:
            raise ValueError("calls scattered more than 50 km from the town seat would leave the township")
        return v

    @field_validator("rate_per_1000")
    @classmethod
    def _rate(cls, v: float) -> float:
        if v > 1.0:
            raise ValueError("more than one call a minute per 1,000 people is refused (check the unit: 1/h, not 1/min?)")
        return v


class TownshipParams(Strict):
    township: str
    """Township id of the region."""
    offset: TimeOffset
    """Travel time of the water from the district gauge to the township (negative upstream)."""
    flood_stage: Elevation
    """Gauge-equivalent stage at which the township floods."""
    full_depth: Height = 3.0
    """Depth above the flood stage at which the township is fully flooded."""
    people_at_risk: People | None = None
    """People at risk here (default: the township's share of `evacuation.total_people`)."""
    evacuate: bool = True
    """Whether the township is evacuated when warned."""
    video: bool = False
    """Whether its riverside is under the flood video monitoring (防洪视频监测): the command sees
    its flooding at once (``watch``)."""

    @model_validator(mode="after")
    def _depth(self):
        if self.full_depth <= 0:
            raise ValueError("full_depth must be greater than 0m")
        return self


class AccessParams(Strict):
    """A flooded township is closed to road units without one of the ``allowed``
    capabilities (boats by default) from its flood time until the water recedes."""

    close_flooded: bool = True
    """Close flooded townships to road units without an `allowed` capability."""
    allowed: list[str] = ["boats"]
    """Capabilities that may still enter (`boats`)."""


class WatchParams(Strict):
    """How the command learns that a township has flooded: at once where its riverside
    is under video (``townships[].video``); elsewhere from the first rescue call from it
    or the township's report, whichever comes first."""

    report_delay: Duration = 30.0
    """From the water entering an unwatched township to its report to the command (`30min`)."""


class TransitFloodParams(Strict):
    """``params:`` of a ``transit_flood`` hazard."""

    river: str
    """The river (as the region's townships name it)."""
    upstream: UpstreamParams
    """The upstream gauge and its hydrograph."""
    routing: RoutingParams
    """Muskingum routing to the district gauge."""
    gauge: GaugeParams
    """The district gauge, its rating curve and stages."""
    warning: WarningParams = WarningParams.defaults()
    """How the warning is triggered and issued."""
    evacuation: EvacuationParams
    """Evacuation demand and effort."""
    rescue_calls: RescueCallParams
    """Calls from people cut off by the water."""
    townships: list[TownshipParams] = Field(min_length=1)
    """The riverside townships, their offsets and flood stages."""
    reading_interval: Duration = 60.0
    """Time between gauge readings (`gauge_reading` events)."""
    access: AccessParams = AccessParams.defaults()
    """Road closures in flooded townships."""
    watch: WatchParams = WatchParams.defaults()
    """How the command learns a township has flooded (video, a rescue call, its report)."""

    @field_validator("reading_interval")
    @classmethod
    def _readings(cls, v: float) -> float:
        if v < 1.0:
            raise ValueError("gauge readings more often than once a minute are refused")
        return v
