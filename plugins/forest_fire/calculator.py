"""``drillsim hazard fire``: surface fire behaviour for given fuel, wind, slope and moisture."""

from __future__ import annotations

import math

from drillsim.api import CalcOption, Calculator, format_number, from_local_km

from .containment import flank_attack
from .ellipse import SHAPES, head_to_back, length_to_breadth, point_fire
from .rothermel import Moisture, surface_fire


def fire_calculator(fuel_model, wind, wind_direction, slope, moisture_1h, moisture_10h, moisture_100h,
                    moisture_herb, moisture_woody, elapsed=None, at=None, upslope=0.0,
                    shape="anderson_1983", attack=None, production=None, tactic=None) -> dict:
    """Head fire behaviour (SI units) and, with ``elapsed`` (minutes), the size of a fire
    grown from a point. Wind km/h (midflame), direction degrees from upslope, slope and
    moistures as fractions; ``shape`` the length-to-breadth relation
    (:data:`.ellipse.SHAPES`). With ``attack`` (minutes since ignition) and ``production``
    (km/h of line, both flanks), the containment of the fire grown from a point by line
    built along both flanks from the head or the rear (``tactic``;
    :func:`.containment.flank_attack`). Raises ValueError outside the model's range."""
    r = surface_fire(fuel_model, Moisture(moisture_1h, moisture_10h, moisture_100h, moisture_herb,
                                          moisture_woody), wind, slope, wind_direction)
    lb = length_to_breadth(r.effective_wind_kmh, shape)
    back = r.ros_m_min / head_to_back(lb)
    out = {
        "fuel_model": r.fuel_model,
        "spreads": r.spreads,
        "rate_of_spread_m_min": r.ros_m_min,
        "rate_of_spread_ch_h": r.ros_ch_h,
        "fireline_intensity_kW_m": r.fireline_intensity_kw_m,
        "flame_length_m": r.flame_length_m,
        "reaction_intensity_kW_m2": r.reaction_intensity_kw_m2,
        "heat_per_unit_area_kJ_m2": r.heat_per_unit_area_kj_m2,
        "effective_wind_km_h": r.effective_wind_kmh,
        "direction_of_max_spread_deg_from_upslope": r.direction_deg,
        "wind_limit_applied": r.wind_limited,
        "length_to_breadth": lb,
        "shape": shape,
        "backing_rate_of_spread_m_min": back,
        "flanking_rate_of_spread_m_min": (r.ros_m_min + back) / (2 * lb),
    }
    if not r.spreads:
        out["no_spread_reason"] = r.no_spread_reason()
    if (attack is None) != (production is None):
        raise ValueError("--attack (time from ignition to the first line) and --production (line "
                         "built per hour by the crews, both flanks, e.g. 400m/h) go together")
    if tactic is not None and attack is None:
        raise ValueError("--tactic only serves --attack and --production (the line's race)")
    if attack is not None:
        tactic = tactic or "head"
        if not r.spreads:
            raise ValueError(f"--attack: the fire does not spread ({r.no_spread_reason()}); there is no "
                             "line to race")
        if not attack > 0 or not production > 0:
            raise ValueError("--attack and --production must be longer than 0")
        c = flank_attack(r.ros_m_min * attack, r.ros_m_min, lb, [(0.0, production * 1000.0)], tactic)
        out.update({"attack_min": attack, "tactic": tactic, "contained": c["contained"],
                    "line_m": c["line_m"]})
        if c["contained"]:
            out.update({"contained_min": attack + c["minutes"], "contained_area_ha": c["area_m2"] / 1e4})
        else:
            out["not_contained_reason"] = c["reason"]
    if elapsed is not None:
        size = point_fire(r.ros_m_min, r.effective_wind_kmh, elapsed, shape)
        out.update({"elapsed_min": elapsed, "area_ha": size["area_ha"], "perimeter_m": size["perimeter_m"],
                    "length_m": size["length_m"], "width_m": size["width_m"]})
    return out


def fire_plot(ax, region, result, options) -> None:
    """Draw the fire's ellipse (needs ``--elapsed``) at ``--at`` on the map."""
    if "length_m" not in result:
        raise ValueError("--plot needs --elapsed to draw the fire perimeter")
    lat0, lon0 = region.locate(options.get("at"))
    bearing = math.radians((options.get("upslope") or 0.0) + result["direction_of_max_spread_deg_from_upslope"])
    a = result["length_m"] / 2000.0
    b = result["width_m"] / 2000.0
    back = result["backing_rate_of_spread_m_min"] * result["elapsed_min"] / 1000.0
    shift = a - back                         # centre lies this far ahead of the ignition point
    xs, ys = [], []
    for k in range(121):
        phi = 2 * math.pi * k / 120
        along, across = shift + a * math.cos(phi), b * math.sin(phi)
        east = along * math.sin(bearing) + across * math.cos(bearing)
        north = along * math.cos(bearing) - across * math.sin(bearing)
        lat, lon = from_local_km(east, north, lat0, lon0)
        xs.append(lon)
        ys.append(lat)
    label = f"fire after {result['elapsed_min']:g} min ({result['area_ha']:.1f} ha)"
    ax.fill(xs, ys, color="orangered", alpha=0.5, label=label)
    ax.plot(lon0, lat0, "k*", markersize=10, label="ignition")
    ax.legend(loc="upper right", fontsize=7)
    # a fire of a few hectares is a dot at district scale: show it enlarged in an inset
    inset = ax.inset_axes([1.04, 0.14, 0.5, 0.35])  # beside the map (the base map's finish puts it under the legend)
    inset.fill(xs, ys, color="orangered", alpha=0.5)
    inset.plot(lon0, lat0, "k*", markersize=8)
    pad = max(max(xs) - min(xs), max(ys) - min(ys)) * 0.2
    inset.set_xlim(min(xs) - pad, max(xs) + pad)
    inset.set_ylim(min(ys) - pad, max(ys) + pad)
    inset.set_aspect(1 / math.cos(math.radians(lat0)))
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_title(f"enlarged: {result['length_m']:.0f} m long", fontsize=6)


def fire_summary(result: dict, options: dict) -> list[tuple[str, str]]:
    """The head fire's behaviour for people, with units; with ``--elapsed`` the size of
    the fire grown from a point."""
    f = format_number
    rows = [("fuel model", result["fuel_model"])]
    if not result["spreads"]:
        rows.append(("does the fire spread?", result["no_spread_reason"]))
    rows += [
            ("rate of spread, head", f"{f(result['rate_of_spread_m_min'])} m/min "
                                     f"({f(result['rate_of_spread_ch_h'])} ch/h)"),
            ("rate of spread, flanks / back", f"{f(result['flanking_rate_of_spread_m_min'])} / "
                                              f"{f(result['backing_rate_of_spread_m_min'])} m/min"),
            ("fireline intensity", f"{f(result['fireline_intensity_kW_m'])} kW/m"),
            ("flame length", f"{f(result['flame_length_m'])} m"),
            ("reaction intensity", f"{f(result['reaction_intensity_kW_m2'])} kW/m²"),
            ("heat per unit area", f"{f(result['heat_per_unit_area_kJ_m2'])} kJ/m²"),
            ("effective midflame wind", f"{f(result['effective_wind_km_h'])} km/h"
             + (" (capped at the wind limit)" if result["wind_limit_applied"] else "")),
            ("direction of fastest spread", f"{f(result['direction_of_max_spread_deg_from_upslope'])}° "
                                            "from upslope"),
            ("length-to-breadth ratio", f"{f(result['length_to_breadth'])} ("
                                        + ("Anderson 1983" if result["shape"] == "anderson_1983"
                                           else "Rothermel 1991, as BehavePlus 5") + ")")]
    if "attack_min" in result:
        when = f"{f(result['attack_min'] / 60)} h after ignition, {result['tactic']} attack on both flanks"
        rows.append(("line from " + when,
                     f"contained {f(result['contained_min'] / 60)} h after ignition at "
                     f"{f(result['contained_area_ha'])} ha, {f(result['line_m'] / 1000)} km of line "
                     "(Fried & Fried 1996)" if result["contained"]
                     else f"not contained: {result['not_contained_reason']}"))
    if "area_ha" in result:
        rows += [(f"fire after {f(result['elapsed_min'] / 60)} h: area", f"{f(result['area_ha'])} ha"),
                 ("perimeter", f"{f(result['perimeter_m'] / 1000)} km"),
                 ("length × width", f"{f(result['length_m'])} m × {f(result['width_m'])} m")]
    return rows


FIRE = Calculator(
    name="fire",
    description="Surface fire behaviour: Rothermel (1972) spread with the 13 Anderson and 40 Scott & Burgan "
                "fuel models, Byram intensity and flame length, Anderson (1983) elliptical growth. "
                "Spread checked against BehavePlus 5 and the Behave core of BehavePlus 6+; the fire's shape is "
                "BehavePlus 6+'s (Anderson 1983), or BehavePlus 5's with --shape rothermel_1991. Default "
                "moistures: Scott & Burgan (2005) scenario D2L2.",
    options=(
        CalcOption("fuel_model", "text", "fuel model code: FM1-FM13 or a Scott & Burgan code (GR1 … SB4)",
                   required=True),
        CalcOption("wind", "wind_speed", "midflame wind speed, e.g. 8km/h or 5mph", default="0km/h"),
        CalcOption("wind_direction", "angle", "direction the wind blows towards, from upslope (0deg = upslope)",
                   default="0deg"),
        CalcOption("slope", "slope", "slope steepness, rise over run (100% is 45°), e.g. 20% or 25deg", default="0%"),
        CalcOption("moisture_1h", "fraction", "1-h dead fuel moisture", default="6%"),
        CalcOption("moisture_10h", "fraction", "10-h dead fuel moisture", default="7%"),
        CalcOption("moisture_100h", "fraction", "100-h dead fuel moisture", default="8%"),
        CalcOption("moisture_herb", "percent", "live herbaceous fuel moisture", default="60%"),
        CalcOption("moisture_woody", "percent", "live woody fuel moisture", default="90%"),
        CalcOption("elapsed", "time", "time since ignition for fire size, e.g. 2h"),
        CalcOption("at", "text", "ignition point for --plot: a place id of the region or 'lat,lon'"),
        CalcOption("upslope", "angle", "compass bearing of upslope for --plot", default="0deg"),
        CalcOption("attack", "time", "time from ignition to the first line, e.g. 2h (with --production)"),
        CalcOption("production", "speed", "line built per hour by the crews on both flanks, e.g. 400m/h"),
        CalcOption("tactic", "choice", "where the line starts: head (flanks worked from the head) or rear "
                   "(anchored at the rear, the head runs until pinched); default head",
                   choices=("head", "rear")),
        CalcOption("shape", "choice", "length-to-breadth relation of the fire ellipse: anderson_1983 (as "
                   "FARSITE and BehavePlus 6+) or rothermel_1991 (1 + 0.25 U mi/h, as BehavePlus 5)",
                   default="anderson_1983", choices=SHAPES),
    ),
    compute=fire_calculator,
    plot=fire_plot,
    summary=fire_summary,
    plot_needs=("elapsed",),
)
