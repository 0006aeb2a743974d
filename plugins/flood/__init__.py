"""Transit flood (过境洪水): an upstream flood wave routed to the district's gauge.

The package registers two hazard types with one response model: ``transit_flood``
(this module) and ``flash_flood`` (:mod:`.flash`, a small stream's rational-method flood).

Model, in order:

1. Upstream hydrograph at the upstream gauge (a measured series, or the gamma shape of
   :mod:`.hydrograph`).
2. Muskingum routing to the district gauge (:mod:`.routing`), K, X, Δt, sub-reaches.
3. Stage at the gauge from its rating curve (:mod:`.rating`).
4. Each riverside township sees the gauge's stage shifted by its travel-time ``offset``
   (negative upstream of the gauge): it is *above warning* when that stage passes the
   gauge's warning stage, and *flooded* when it passes the township's ``flood_stage``.
5. Warning rule: a warning for all listed townships is issued ``issue_delay`` after the
   upstream discharge, seen ``forecast_lead`` ahead, reaches the discharge of the
   gauge's warning stage (the wave is traced from the upstream gauge); or, with
   ``rule: gauge_forecast``, ``horizon`` before the gauge's own routed stage reaches its
   warning stage (a forecast of the district gauge, as the Chongqing hydrological
   service issues for the Qiongjiang's Tai'an station; :class:`WarningParams`).
6. Evacuation: ``order_delay`` after the warning, each township the forecast peak will
   flood gets an evacuation incident demanding rescuers; relocation supplies are drawn
   for ``relocation_share`` of its people (with ``shelter``, they are also placed in the
   region's shelters, nearest first, and go home ``return_after`` the water recedes).
7. Access: from a township's flood time until the water recedes, road units may enter it
   only if they carry boats (``access.allowed``; helicopters fly); the engine re-checks
   units on the road when this changes (:func:`restriction`, the
   ``drillsim_travel_restriction`` hook).
8. Rescue calls from people cut off: a Poisson process per flooded township with rate
   ``rate_per_1000 × (people still there) × flooded share ÷ 1000``, where the people
   still there are those not yet evacuated plus the ``stay_share`` who refuse to go; the flooded
   share rising linearly from 0 at ``flood_stage`` to 1 at ``flood_stage + full_depth``;
   the rate is held constant over each ``step`` (exact for a piecewise-constant rate).

The parameters are in :mod:`.params`, what the water does to townships and forces in
:mod:`.response` (shared with the flash flood of :mod:`.flash`), the checks in :mod:`.checks`.
Times between routing steps are found by linear interpolation (in stage for stage
thresholds, in discharge for the warning rule).

Events (the contract the core metrics read): ``warning_issued`` (``townships``),
``hazard_arrival`` (``township``, ``level`` = ``warning`` | ``impact``),
``hazard_receded``, ``evacuation_ordered``, ``gauge_reading``, ``hazard_summary``.
"""

from __future__ import annotations

import math

from drillsim.api import CalcOption, Calculator, Deferred, HazardType, format_number, hookimpl

from ..nowcast import METRICS as NOWCAST_METRICS
from .checks import check_flood
from .metrics import METRICS as OUTCOME_METRICS
from .params import (MAX_PEOPLE, SLOW_PEOPLE, WARNING_RULES, AccessParams,  # noqa: F401  (re-exported)
                     EvacuationParams, GaugeParams, HydrographParams, People, RatingParams,
                     RescueCallParams, RoutingParams, TownshipParams, TransitFloodParams,
                     UpstreamParams, WarningParams)
from .rating import PowerRating
from .reporter import drillsim_register_reporters  # noqa: F401  (the drill reporter hook)
from .response import (FloodTimeline, crossing, restriction, run_response,  # noqa: F401  (re-exported)
                       scatter, split_people, township_times)
from .routing import muskingum_coefficients, muskingum_route


# ------------------------------------------------------------------ the transit flood
def timeline(params: TransitFloodParams, horizon: float, weights: dict[str, float]) -> FloodTimeline:
    """Route the flood and derive every township's warning, flood and recession times.

    :param horizon: run length, minutes.
    :param weights: population weight per township id (for splitting evacuees).
    """
    dt = params.routing.dt
    extra = max(abs(t.offset) for t in params.townships)
    n = int(math.ceil((horizon + extra) / dt)) + 1
    times = [j * dt for j in range(n)]
    upstream = [params.upstream.hydrograph.at(t) for t in times]
    routed = muskingum_route(upstream, params.routing.K, params.routing.X, dt,
                             reaches=params.routing.reaches)
    r = params.gauge.rating
    rating = PowerRating.through(r.h0, r.b, r.through_stage, r.through_discharge)
    stage = [rating.stage(q) for q in routed]
    q_warn = rating.discharge(params.gauge.warning_stage)
    w = params.warning
    if w.rule == "gauge_forecast":
        t_gauge, _ = crossing(times, stage, params.gauge.warning_stage)
        t_up = None if t_gauge is None else max(t_gauge - w.horizon,
                                                params.upstream.hydrograph.begins)
    else:
        seen_at = [t - w.forecast_lead for t in times]
        t_up, _ = crossing(seen_at, upstream, q_warn)
    warning_time = None if t_up is None else max(0.0, t_up) + w.issue_delay
    peak = max(range(n), key=lambda j: routed[j])
    towns = township_times(params.townships, times, stage, params.gauge.warning_stage,
                           params.evacuation.total_people, weights)
    return FloodTimeline(times, upstream, routed, stage, rating, q_warn, warning_time, peak, towns)


#: the last timeline computed: (params, horizon, weights, timeline); the replications of
#: a run share it (it is the water's, not drawn, and read only by the processes)
_LAST_TIMELINE: list = []


def shared_timeline(params: TransitFloodParams, horizon: float,
                    weights: dict[str, float]) -> FloodTimeline:
    """:func:`timeline`, computed once for the replications of a run (the same params
    object, horizon and weights as the last call give the same timeline)."""
    if _LAST_TIMELINE:
        last_params, last_horizon, last_weights, tl = _LAST_TIMELINE
        if last_params is params and last_horizon == horizon and last_weights == weights:
            return tl
    tl = timeline(params, horizon, weights)
    _LAST_TIMELINE[:] = [params, horizon, weights, tl]
    return tl


def _start(sim, hazard) -> None:
    p: TransitFloodParams = hazard.params
    weights = {tid: float(t.population_weight or 0) for tid, t in sim.region.townships.items()}
    tl = shared_timeline(p, sim.horizon, weights)
    if tl.figures is None:  # the water's: the same for the replications sharing the timeline
        tl.figures = _figures(p, tl)
    run_response(sim, hazard, tl, dict(tl.figures), WARNING_RULES[p.warning.rule])


def _figures(p: TransitFloodParams, tl: FloodTimeline) -> dict:
    """The ``hazard_summary`` figures of a transit flood's timeline."""
    peak_stage = tl.stage[tl.peak_index]
    upstream_peak = max(range(len(tl.upstream)), key=lambda j: tl.upstream[j])
    return {
        "upstream_peak_m3s": tl.upstream[upstream_peak],
        "upstream_peak_time_min": tl.times[upstream_peak],
        "gauge_peak_m3s": tl.routed[tl.peak_index],
        "gauge_peak_time_min": tl.times[tl.peak_index],
        "peak_travel_time_h": (tl.times[tl.peak_index] - tl.times[upstream_peak]) / 60.0,
        "gauge_peak_stage_m": peak_stage,
        # the rating's known point (a recorded reading) passed on the rise, and the warning
        # stage passed: compared in the report with the recorded times
        "gauge_passes_rated_stage_time_min": crossing(tl.times, tl.stage, p.gauge.rating.through_stage)[0],
        "gauge_above_warning_time_min": crossing(tl.times, tl.stage, p.gauge.warning_stage)[0],
        "gauge_warning_discharge_m3s": tl.warning_discharge,
        "warning_time_min": tl.warning_time,
        "people_at_risk": sum(t["people"] for t in tl.townships),
    }


TRANSIT_FLOOD = HazardType(
    name="transit_flood",
    description="过境洪水 transit flood: upstream hydrograph, Muskingum routing, rating curve, "
                "warnings, evacuation and rescue calls",
    params_model=TransitFloodParams,
    start=_start,
    check=check_flood,
    incident_kinds=lambda p: [p.evacuation.kind, p.rescue_calls.kind]
    + ([p.rescue_calls.aerial_kind] if p.rescue_calls.aerial_share > 0 else []),
)

#: the ``flash_flood`` hazard type (:data:`.flash.FLASH_FLOOD`): its module (the rational
#: method, reservoirs, its params) is imported when a scenario first asks the host for it
FLASH_FLOOD = Deferred(
    "flash_flood", __name__ + ".flash:FLASH_FLOOD",
    default_kinds=("aerial_rescue", "evacuation", "flood_rescue"),
    default_capabilities=("aerial", "boats", "people"))


def route_calculator(inflow, K, X, dt, initial_outflow=None, reaches=1) -> dict:
    """``drillsim hazard route``: Muskingum routing of an inflow series (K, dt in minutes).

    :raises ValueError: negative flows, K or the step not positive, X outside [0, 0.5],
        reaches < 1, or a step outside the stable range (messages in hours, as the user
        writes them).
    """
    if any(q < 0 for q in inflow) or (initial_outflow is not None and initial_outflow < 0):
        raise ValueError("flows must not be negative")
    if not K > 0:
        raise ValueError(f"K must be longer than 0 h (the travel time of the flood wave through the reach), "
                         f"got {K / 60:g} h")
    if not dt > 0:
        raise ValueError(f"the step --dt must be longer than 0 h, got {dt / 60:g} h")
    if not 0 <= X <= 0.5:
        raise ValueError(f"X must lie in [0, 0.5], got {X:g}")
    if reaches < 1:
        raise ValueError(f"reaches must be at least 1, got {reaches}")
    k = K / reaches
    lo, hi = 2 * k * X, 2 * k * (1 - X)
    if not lo - 1e-9 <= dt <= hi + 1e-9:
        # the sub-reaches n that fit this step: 2(K/n)X <= dt <= 2(K/n)(1-X)
        most = math.floor(2 * K * (1 - X) / dt + 1e-9)
        least = max(1, math.ceil(2 * K * X / dt - 1e-9))
        if least <= most:
            advice = f"--reaches {least}" + (f" to {most}" if most > least else "")
        elif most == 0:
            advice = f"a --dt of at most {2 * K * (1 - X) / 60:.3g} h"
        else:   # no count of sub-reaches fits this step (X near 0.5): the steps that fit one
            advice = (f"a --dt from {2 * K * X / 60:.3g} h to {2 * K * (1 - X) / 60:.3g} h (one reach), "
                      f"or --reaches {least} with a --dt from {2 * K * X / least / 60:.3g} h to "
                      f"{2 * K * (1 - X) / least / 60:.3g} h")
        raise ValueError(f"the step {dt / 60:g} h is outside the stable range 2KX <= dt <= 2K(1-X) = "
                         f"[{lo / 60:.3g} h, {hi / 60:.3g} h] for K = {k / 60:.3g} h per sub-reach, "
                         f"X = {X:g}; use {advice}")
    c1, c2, c3 = muskingum_coefficients(k, X, dt)
    out = muskingum_route(inflow, K, X, dt, initial_outflow, reaches)
    peak_in = max(range(len(inflow)), key=inflow.__getitem__)
    peak_out = max(range(len(out)), key=out.__getitem__)
    return {"C1": c1, "C2": c2, "C3": c3, "outflow": out,
            "peak_inflow": inflow[peak_in], "peak_outflow": out[peak_out],
            "peak_lag_steps": peak_out - peak_in,
            "attenuation": 1 - out[peak_out] / inflow[peak_in] if inflow[peak_in] > 0 else 0.0}


def route_summary(result: dict, options: dict) -> list[tuple[str, str]]:
    """The routing for people: coefficients, the peaks (in the inflow's own unit), the
    attenuation and lag, and the outflow series (up to 48 steps; ``--json`` for more)."""
    f = format_number
    dt_h = options["dt"] / 60
    lag = result["peak_lag_steps"]
    out = result["outflow"]
    rows = [("Muskingum coefficients C1, C2, C3", ", ".join(f(result[c], 4) for c in ("C1", "C2", "C3"))),
            ("peak inflow → peak outflow", f"{f(result['peak_inflow'])} → {f(result['peak_outflow'])} "
                                           "(the inflow's unit)"),
            ("attenuation of the peak", f"{f(result['attenuation'] * 100)} %"),
            ("peak lag", f"{lag} step{'s' if lag != 1 else ''} = {f(lag * dt_h)} h"),
            ("outflow", f"{len(out)} steps of {f(dt_h)} h" + (
                ": " + ", ".join(f(q) for q in out) if len(out) <= 48 else " (--json lists them)"))]
    return rows


ROUTE = Calculator(
    name="route",
    description="Muskingum flood routing (Chow, Maidment & Mays 1988, §8.4). Flows in any one unit; "
                "outflow is the routed series at the same steps.",
    options=(
        CalcOption("inflow", "series", "inflow series: comma-separated numbers or a CSV file", required=True),
        CalcOption("K", "time", "storage constant K, e.g. 2.3h", required=True),
        CalcOption("X", "number", "weighting factor X, 0-0.5", required=True),
        CalcOption("dt", "time", "routing step, e.g. 1h", required=True),
        CalcOption("initial_outflow", "number", "outflow at the first step (default: first inflow)"),
        CalcOption("reaches", "integer", "equal sub-reaches routed in cascade", default="1"),
    ),
    compute=route_calculator,
    summary=route_summary,
)


@hookimpl
def drillsim_register_hazard_types(register):
    register(TRANSIT_FLOOD)
    register(FLASH_FLOOD)


@hookimpl
def drillsim_register_metrics(register):
    for metric in NOWCAST_METRICS + OUTCOME_METRICS:
        register(metric)


@hookimpl
def drillsim_register_calculators(register):
    register(ROUTE)


@hookimpl
def drillsim_travel_restriction(sim, unit, origin, destination):
    return restriction(sim, unit, origin, destination)
