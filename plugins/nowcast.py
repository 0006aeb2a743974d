"""Severe convective weather warning (强对流天气预警) by radar nowcasting: when it goes out,
and how far ahead of the storm.

The plan's target T2: 强对流天气预警时间提前1小时 (III.(2).2(2)), 提前到1小时以上
(III.(2).4(5)), severe convective weather warnings at least 1 h before the weather. A nowcast extrapolates a storm cell the
weather radar has found along its motion (Wilson et al. 1998): the warning for a place can
go out once the cell is identified, and the cell reaches the place after the distance it
still has to travel. Model (all times in minutes):

    onset    = the first rain step at or above ``intense_mm_h`` (20 mm/h: 短时强降水,
               China Meteorological Administration's short-duration heavy rain; a storm
               with none has no onset and no warning)
    found    = onset − 60 · detection_range / storm_speed      (the cell identified)
    issued   = found + issue_delay                            (forecaster's check, sending)
    lead     = onset − issued = 60 · detection_range / storm_speed − issue_delay

``detection_range`` is how far upwind of the place the cell is when it is first
identified (a cell forming over the place has 0: no lead at all), ``storm_speed`` the
speed it moves at. The lead may be negative: the warning follows the storm.

Events: ``weather_warning`` (``hazard``, ``warning`` = ``severe_convective``,
``issued_min`` the issue time in scenario minutes, possibly before the run's start:
the event is logged at ``max(0, issued)``), and ``storm_onset`` (``hazard``,
``intensity_mm_h``) at the onset. The metric ``weather_warning_lead`` reads them.

Sources: Wilson, J. W., Crook, N. A., Mueller, C. K., Sun, J., Dixon, M. (1998),
Nowcasting thunderstorms: a status report, Bull. Amer. Meteor. Soc. 79(10):2079–2099
(extrapolation of identified cells; lead limited by when a cell is found and how fast
it moves). 短时强降水 ≥ 20 mm/h: China Meteorological Administration's definition of
severe convective weather (强对流天气: 短时强降水、雷暴大风 ≥ 17.2 m/s、冰雹).
"""


from pydantic import Field

from drillsim.api import DurationOrZero, Length, Metric, Speed, Strict

#: Short-duration heavy rain (短时强降水), CMA: at least 20 mm in one hour.
INTENSE_MM_H = 20.0


class NowcastParams(Strict):
    """``nowcast:`` of a storm hazard: the severe convective weather warning."""

    detection_range: Length
    """How far upwind of the place the storm cell is when the radar first identifies it (`25km`)."""
    storm_speed: Speed
    """The speed the cell moves at toward the place (`30km/h`)."""
    issue_delay: DurationOrZero = 0.0
    """From the cell identified to the warning out (forecaster's check, sending)."""
    intense_mm_h: float = Field(default=INTENSE_MM_H, gt=0, le=500)
    """Rain intensity (mm/h) that counts as the convective weather's onset (default 20: 短时强降水)."""


def onset_minute(start: float, step: float, depths_mm: list[float], intense_mm_h: float = INTENSE_MM_H) -> float | None:
    """Scenario minute at which a rain series first reaches ``intense_mm_h``: the start of
    the first step whose depth over ``step`` minutes is at least that intensity; None if
    no step does.

    :param start: scenario minute of the first step. :param step: step length, minutes.
    :param depths_mm: rain depth (mm) in each step.
    """
    for k, depth in enumerate(depths_mm):
        if depth / step * 60.0 >= intense_mm_h - 1e-9:
            return start + k * step
    return None


def lead_minutes(p: NowcastParams) -> float:
    """The nowcast's lead (minutes): ``60 · detection_range / storm_speed − issue_delay``
    (km, km/h, minutes)."""
    return 60.0 * p.detection_range / p.storm_speed - p.issue_delay


def start_nowcast(sim, hazard_id: str, p: NowcastParams, onset: float | None, intensity_mm_h: float) -> None:
    """Schedule the ``weather_warning`` and ``storm_onset`` events of a hazard whose
    convective rain begins at scenario minute ``onset`` (None: the storm never turns
    convective; nothing is logged)."""
    if onset is None:
        return
    issued = onset - lead_minutes(p)

    def run():
        first, second = sorted([("warning", issued), ("onset", onset)], key=lambda e: (e[1], e[0] != "warning"))
        for what, t in (first, second):
            if t > sim.now:
                yield sim.timeout(t - sim.now)
            if what == "warning":
                sim.log.log("weather_warning", hazard=hazard_id, warning="severe_convective",
                            issued_min=round(issued, 3), lead_min=round(onset - issued, 3))
            else:
                sim.log.log("storm_onset", hazard=hazard_id, intensity_mm_h=round(intensity_mm_h, 1))

    sim.process(run())


class LeadParams(Strict):
    hazards: list[str] | None = None
    """Hazard ids measured (default: all)."""


def warning_leads(events, ctx, params: LeadParams):
    """Per storm: minutes from the severe convective weather warning's issue (as recorded,
    possibly before the run's start) to the storm's onset; negative when the warning
    followed the storm. A storm that began with no warning at all is listed as
    ``<hazard> (no warning)`` with lead 0."""
    issued: dict[str, float] = {}
    onset: dict[str, float] = {}
    for e in events:
        h = e.details.get("hazard")
        if params.hazards is not None and h not in params.hazards:
            continue
        if e.kind == "weather_warning":
            issued.setdefault(h, float(e.details["issued_min"]))
        elif e.kind == "storm_onset":
            onset.setdefault(h, e.t)
    return [(h, t - issued[h]) if h in issued else (f"{h} (no warning)", 0.0) for h, t in onset.items()]


METRICS = [
    Metric("weather_warning_lead", "time", "severe convective weather warning → the storm's onset, per storm",
           warning_leads, "min", LeadParams, "hazard"),
]
