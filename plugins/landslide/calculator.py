"""``drillsim hazard landslide``: when a rainfall series first reaches an intensity–duration
threshold (and a warning level below it)."""

from __future__ import annotations

from drillsim.api import CalcOption, Calculator, format_number

from .threshold import CURVES, exceedance, mean_intensity


def landslide_calculator(rain, step, curve, warning_fraction=None) -> dict:
    """Threshold exceedance of a rain series (mm per step; step in minutes).

    :returns: the curve, ``threshold_reached`` (true/false) and, when reached,
        ``threshold_reached_min`` with the event's duration and intensities; with a
        warning fraction, ``warning_reached`` and, when reached, ``warning_reached_min``.
        A series that never reaches the curve is an answer (false), not a missing value:
        a calculator's result holds no None (:func:`drillsim.cli.hazard.result_problem`).
    :raises ValueError: an unknown curve, a step shorter than 1 min, negative depths, a
        warning fraction outside (0, 1].
    """
    if curve not in CURVES:
        raise ValueError(f"unknown curve {curve!r} (one of {', '.join(CURVES)})")
    if step < 1.0:  # as a scenario's rainfall.step (RainfallParams); --step 1s was taken
        raise ValueError("a rainfall step shorter than 1 min is refused")
    c = CURVES[curve]
    t = exceedance(step, rain, c)
    out = {"curve": c.source, "a_mm_h": c.a, "b": c.b, "rain_total_mm": sum(rain),
           "threshold_reached": t is not None}
    if t is not None:
        d_h, i = mean_intensity(step, rain, t)
        out.update({"threshold_reached_min": t, "event_duration_h": d_h, "mean_intensity_mm_h": i,
                    "threshold_intensity_mm_h": c.intensity(d_h)})
    if warning_fraction is not None:
        if not 0 < warning_fraction <= 1:
            raise ValueError("--warning-fraction must lie in (0 %, 100 %]")
        w = exceedance(step, rain, c.scaled(warning_fraction))
        out["warning_reached"] = w is not None
        if w is not None:
            out["warning_reached_min"] = w
    return out


def landslide_summary(result: dict, options: dict) -> list[tuple[str, str]]:
    """The exceedance for people: the curve as published (its constants in full: 14.82,
    not 14.8), the rain, when the curve and the warning level are reached, in minutes
    and hours from the first rain, with the event's mean intensity there."""
    f = format_number
    curve = f"{result['curve']}: I = {result['a_mm_h']:g} D^-{result['b']:g} (I mm/h, D h)"
    rows = [("threshold curve", curve), ("rain in the series", f"{f(result['rain_total_mm'])} mm")]
    if result["threshold_reached"]:
        t = result["threshold_reached_min"]
        when = (f"{f(t)} min from the start of the series; the rain's {f(result['event_duration_h'])} h "
                f"so far average {f(result['mean_intensity_mm_h'])} mm/h, the curve's "
                f"{f(result['threshold_intensity_mm_h'])} mm/h")
        rows.append(("threshold reached", when))
    else:
        rows.append(("threshold reached",
                     "no: the rain stays below the curve as far as the series and the curve's durations go"))
    if "warning_reached" in result:
        share = f"{f(options['warning_fraction'] * 100)} % of the threshold"
        rows.append((f"warning level ({share})",
                     f"{f(result['warning_reached_min'])} min from the start of the series"
                     if result["warning_reached"] else "not reached"))
    return rows


LANDSLIDE = Calculator(
    name="landslide",
    description="Rainfall intensity-duration threshold for shallow landslides and debris flows "
                "(Caine 1980: I = 14.82 D^-0.39; Guzzetti and others 2008: I = 2.20 D^-0.44; I mm/h, D h): "
                "when a rain series first reaches it.",
    options=(
        CalcOption("rain", "series", "rain depth per step, mm: comma-separated numbers or a CSV file",
                   required=True),
        CalcOption("step", "time", "length of one step, e.g. 1h", required=True),
        CalcOption("curve", "choice", "threshold curve", default="caine_1980", choices=tuple(CURVES)),
        CalcOption("warning_fraction", "fraction", "warning level as a share of the threshold, e.g. 80%"),
    ),
    compute=landslide_calculator,
    summary=landslide_summary,
)
