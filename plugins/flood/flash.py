"""Flash flood (山洪) on a small stream: the ``flash_flood`` hazard.

Model, in order (the formulas and their sources are in :mod:`.rational`):

1. Time of concentration of the catchment above the township, Kirpich (1940), from its
   main channel's length and slope.
2. Rainfall intensity over a duration equal to t_c, from the storm's depth-duration
   points (the largest depths in 1 h, 3 h, 6 h … of a recorded storm).
3. Peak flow by the rational method, ``Q_p = 0.278 C i A`` (Kuichling 1889; China's
   推理公式, SL 44-2006), and the triangular hydrograph of a burst lasting t_c: the stream
   rises from its base flow to the peak t_c after the burst begins and falls back over t_c;
   with a ``reservoir``, routed through its pool (:mod:`.reservoir`, level-pool routing).
4. Stage at the stream gauge from its rating curve (for a wide channel Manning's equation
   gives b = 5/3).
5. Severe convective weather warning (optional ``nowcast``, :mod:`drillsim_plugins.nowcast`):
   a radar nowcast's warning ahead of the burst, scored by plan target T2.
6. Warning rule (the flash-flood monitoring system's critical rainfall, 临界雨量): a warning
   goes out ``issue_delay`` after the rain gauge in the catchment has measured
   ``critical_rain_mm`` since the burst began (never if the burst stays below it).
7. From there on, the townships, evacuation, rescue calls and road closures are the
   transit flood's (:mod:`.response`): each township sees the gauge's stage shifted by its
   ``offset``, is *above warning* at the gauge's warning stage and *flooded* at its own
   ``flood_stage``.

A flash flood peaks t_c after the rain that makes it: for a catchment of a few tens of
km², one to three hours. No warning fed by rain on the catchment can come earlier than
the rain, so a target of 12 h of flood information fails by the physics, not by a fault
of the response; the scenario says so on the row (``fails_by_design``).

``hazard_summary`` figures: ``time_of_concentration_min``, ``intensity_mm_h``,
``rain_in_tc_mm``, ``peak_m3s`` (above base flow), ``gauge_peak_m3s``,
``gauge_peak_stage_m``, ``gauge_peak_time_min``, ``rain_to_peak_min``,
``gauge_above_warning_time_min``, ``warning_time_min``, ``people_at_risk``.
"""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from drillsim.api import Discharge, Duration, DurationOrZero, Fraction, HazardType, Length, Strict

from ..nowcast import NowcastParams, lead_minutes, start_nowcast
from .checks import check_flood
from .params import (AccessParams, EvacuationParams, GaugeParams, RescueCallParams, TownshipParams,
                     WatchParams)
from .rating import PowerRating
from .rational import depth_for_duration, kirpich_minutes, rational_peak, triangle
from .reservoir import ReservoirParams, level_pool
from .response import FloodTimeline, crossing, run_response, township_times


class CatchmentParams(Strict):
    """The small catchment above the township: area, main channel, runoff coefficient."""

    name: str
    """The stream and the point it drains to (`平滩河 above Shouqiao`)."""
    area_km2: float = Field(gt=0, le=500)
    """Catchment area, km² (the rational method is for small catchments: at most 500 km²)."""
    channel_length: Length
    """Length of the main channel from the divide to the township (`9km`)."""
    slope: Fraction = Field(gt=0)
    """Mean slope of the main channel, m/m (`0.6%`)."""
    runoff_coefficient: Fraction = Field(gt=0)
    """Rational-method runoff coefficient C: share of the rain that runs off at the peak (`60%`)."""
    base_flow: Discharge = 0.0
    """Flow in the stream before the burst (`2m3/s`)."""


class StormParams(Strict):
    """The storm as its largest depths over given durations (a recorded storm's 1 h, 3 h,
    6 h maxima); its critical burst, lasting t_c, begins at ``begins``."""

    begins: DurationOrZero = 0.0
    """When the burst begins, after the scenario start."""
    durations: list[Duration] = Field(min_length=1)
    """Durations of the depth-duration points, increasing (`[1h, 3h, 6h]`)."""
    depths_mm: list[float] = Field(min_length=1)
    """The largest rain depth in each duration, mm (`[70, 131, 172]`)."""

    @model_validator(mode="after")
    def _points(self):
        if len(self.durations) != len(self.depths_mm):
            raise ValueError(f"give one depth per duration ({len(self.durations)} durations, "
                             f"{len(self.depths_mm)} depths)")
        if any(not (0 < d <= 2000) for d in self.depths_mm):
            raise ValueError("rain depths must lie in (0, 2000] mm (the world's largest 24 h rain is 1,825 mm)")
        pts = list(zip(self.durations, self.depths_mm))
        depth_for_duration(pts, pts[0][0])  # raises on durations not increasing or depths falling
        return self


class FlashWarningParams(Strict):
    """The flash-flood warning: the catchment's rain gauge passing the critical rainfall."""

    critical_rain_mm: float = Field(gt=0, le=1000)
    """Rain since the burst began at which the warning fires, mm (临界雨量)."""
    issue_delay: DurationOrZero = 0.0
    """Time from the gauge passing it to the warning reaching the townships."""
    on_nowcast: bool = False
    """Also warn (and so evacuate) on the severe convective weather warning (``nowcast``), if
    it comes first."""


class FlashFloodParams(Strict):
    """``params:`` of a ``flash_flood`` hazard."""

    river: str
    """The stream (as the region's townships name it)."""
    catchment: CatchmentParams
    """The catchment above the township."""
    storm: StormParams
    """The storm's depth-duration points and when its burst begins."""
    gauge: GaugeParams
    """The stream gauge at the township, its rating curve and warning stage."""
    warning: FlashWarningParams
    """The critical-rainfall warning."""
    evacuation: EvacuationParams
    """Evacuation demand and effort."""
    rescue_calls: RescueCallParams
    """Calls from people cut off by the water."""
    townships: list[TownshipParams] = Field(min_length=1)
    """The townships on the stream, their offsets from the gauge and flood stages."""
    step: Duration = 5.0
    """Time step of the hydrograph (`5min`)."""
    reading_interval: Duration = 15.0
    """Time between gauge readings (`gauge_reading` events)."""
    access: AccessParams = AccessParams.defaults()
    """Road closures in flooded townships."""
    watch: WatchParams = WatchParams.defaults()
    """How the command learns a township has flooded (video, a rescue call, its report)."""
    reservoir: ReservoirParams | None = None
    """A detention reservoir on the stream above the township (:mod:`.reservoir`, level-pool
    routing): the whole catchment drains through it (none: no reservoir)."""
    nowcast: NowcastParams | None = None
    """The severe convective weather warning for the storm (:mod:`drillsim_plugins.nowcast`;
    none: not modelled). Information only: the evacuation waits for the critical rainfall."""


def flash_numbers(params: FlashFloodParams) -> dict:
    """t_c (min), the intensity over t_c (mm/h), the rain in t_c (mm) and the rational peak
    above base flow (m³/s) of ``params``."""
    c = params.catchment
    t_c = kirpich_minutes(c.channel_length * 1000.0, c.slope)
    points = list(zip(params.storm.durations, params.storm.depths_mm))
    rain = depth_for_duration(points, t_c)
    intensity = rain / t_c * 60.0
    return {"t_c": t_c, "rain": rain, "intensity": intensity,
            "peak": rational_peak(c.runoff_coefficient, intensity, c.area_km2)}


def flash_timeline(params: FlashFloodParams, horizon: float, weights: dict[str, float]) -> FloodTimeline:
    """The flash flood's hydrograph, stage and warning on a grid of ``params.step`` minutes
    up to ``horizon`` (plus the largest township offset), with every township's times."""
    f = flash_numbers(params)
    dt = params.step
    extra = max(abs(t.offset) for t in params.townships)
    n = int(math.ceil((horizon + extra) / dt)) + 1
    times = [j * dt for j in range(n)]
    b = params.storm.begins
    inflow = [triangle(t - b, params.catchment.base_flow, f["peak"], f["t_c"]) for t in times]
    flow = inflow if params.reservoir is None else level_pool(params.reservoir, inflow, dt)[0]
    r = params.gauge.rating
    rating = PowerRating.through(r.h0, r.b, r.through_stage, r.through_discharge)
    stage = [rating.stage(q) for q in flow]
    w = params.warning
    warning_time = None
    if w.critical_rain_mm <= f["rain"]:
        warning_time = b + w.critical_rain_mm / f["intensity"] * 60.0 + w.issue_delay
    if w.on_nowcast and params.nowcast is not None and f["intensity"] >= params.nowcast.intense_mm_h:
        nowcast_time = max(0.0, b - lead_minutes(params.nowcast))
        warning_time = nowcast_time if warning_time is None else min(warning_time, nowcast_time)
    peak = max(range(n), key=lambda j: flow[j])
    towns = township_times(params.townships, times, stage, params.gauge.warning_stage,
                           params.evacuation.total_people, weights)
    return FloodTimeline(times, inflow, flow, stage, rating, rating.discharge(params.gauge.warning_stage),
                         warning_time, peak, towns)


def _start(sim, hazard) -> None:
    p: FlashFloodParams = hazard.params
    weights = {tid: float(t.population_weight or 0) for tid, t in sim.region.townships.items()}
    tl = flash_timeline(p, sim.horizon, weights)
    f = flash_numbers(p)
    figures = {
        "time_of_concentration_min": f["t_c"],
        "intensity_mm_h": f["intensity"],
        "rain_in_tc_mm": f["rain"],
        "peak_m3s": f["peak"],
        "gauge_peak_m3s": tl.routed[tl.peak_index],
        "gauge_peak_stage_m": tl.stage[tl.peak_index],
        "gauge_peak_time_min": tl.times[tl.peak_index],
        "rain_to_peak_min": tl.times[tl.peak_index] - p.storm.begins,
        "gauge_above_warning_time_min": crossing(tl.times, tl.stage, p.gauge.warning_stage)[0],
        "warning_time_min": tl.warning_time,
        "people_at_risk": sum(t["people"] for t in tl.townships),
    }
    if p.reservoir is not None:
        figures["reservoir_peak_inflow_m3s"] = max(tl.upstream)
        figures["reservoir_peak_outflow_m3s"] = max(tl.routed)
    run_response(sim, hazard, tl, figures, f"critical rainfall {p.warning.critical_rain_mm:g} mm")
    if p.nowcast is not None:
        # the burst rains at one intensity over t_c: convective from its start if intense enough
        onset = p.storm.begins if f["intensity"] >= p.nowcast.intense_mm_h else None
        start_nowcast(sim, hazard.id, p.nowcast, onset, f["intensity"])


def _check(params: FlashFloodParams, context):
    yield from check_flood(params, context)
    if params.warning.critical_rain_mm > flash_numbers(params)["rain"]:
        context.warn(("warning", "critical_rain_mm"),
                     "the burst never brings the critical rainfall: no warning will go out")


FLASH_FLOOD = HazardType(
    name="flash_flood",
    description="山洪 flash flood on a small stream: Kirpich time of concentration, rational-method "
                "peak, critical-rainfall warning, evacuation and rescue calls",
    params_model=FlashFloodParams,
    start=_start,
    check=_check,
    incident_kinds=lambda p: [p.evacuation.kind, p.rescue_calls.kind]
    + ([p.rescue_calls.aerial_kind] if p.rescue_calls.aerial_share > 0 else []),
)
