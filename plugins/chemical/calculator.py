"""``drillsim hazard plume``: Gaussian plume concentration and threat zones for given inputs."""

from __future__ import annotations

import math

from drillsim.api import CalcOption, Calculator, format_number, from_local_km

from . import plume
from . import chemicals as chem_data
from .chemicals import LEVELS, mg_m3_to_ppm


def plume_calculator(rate, wind, stability, sigmas, height, x, y, z, chemical=None, insolation=None,
                     wind_from=None, at=None, wind_10m=None) -> dict:
    """Concentration at (x, y, z) and, with ``chemical``, the AEGL threat zones. Units as
    the engine passes them: rate g/s, wind km/h, height m (elevation), x/y km (lengths),
    z m; ``wind_10m`` km/h, the 10 m wind the Pasquill table is keyed on, for ``auto``
    (default: ``wind``). Raises ValueError outside the model's range, and for a zero release
    rate (as the ``toxic_release`` scenario does: a plume of nothing has no threat zone to
    report)."""
    if not rate > 0:
        raise ValueError(f"release rate {rate:g} g/s: nothing is released; give a rate above 0, e.g. 100g/s")
    u = wind / 3.6
    if stability == "auto":
        if insolation is None:
            raise ValueError("--stability auto needs --insolation (strong, moderate, slight, overcast, "
                             "night_cloudy, night_clear)")
        stability = plume.stability_class(u if wind_10m is None else wind_10m / 3.6, insolation)
    elif wind_10m is not None:
        raise ValueError("--wind-10m only serves --stability auto (the class from --insolation)")
    elif insolation is not None:
        # (given alone, the sky was ignored for the default class D without a word)
        raise ValueError(f"--insolation only serves --stability auto (the class from the sky), "
                         f"and the class is {stability} (--stability, default D): add --stability "
                         "auto, or leave --insolation out")
    x_m, y_m = x * 1000.0, y * 1000.0
    c = plume.concentration(rate, u, x_m, y_m, z, height, stability, sigmas)
    sy, sz = plume.sigmas(x_m, stability, sigmas)
    out = {"stability": stability, "sigmas": sigmas, "wind_m_s": u, "concentration_g_m3": c,
           "concentration_mg_m3": c * 1000.0, "sigma_y_m": sy, "sigma_z_m": sz,
           "extrapolated": plume.extrapolated(x_m)}
    if chemical:
        chem = chem_data.chemical(chemical)
        out["chemical"] = chem.name
        out["concentration_ppm"] = mg_m3_to_ppm(c * 1000.0, chem.molar_mass)
        for lv in LEVELS:
            thr = chem.aegl_mg_m3(lv)
            zone = plume.threat_zone(rate, u, thr / 1000.0, height, stability, sigmas)
            out[f"{lv}_ppm"] = chem.aegl_ppm[lv]
            out[f"{lv}_mg_m3"] = thr
            out[f"{lv}_zone_length_m"] = zone["length_m"] if zone else 0.0
            out[f"{lv}_zone_max_width_m"] = zone["max_width_m"] if zone else 0.0
            out[f"{lv}_zone_extrapolated"] = bool(zone and zone["extrapolated"])
            if zone:
                out[f"{lv}_outline_x_m"] = [round(px, 1) for px, _ in zone["outline"][::10]]
                out[f"{lv}_outline_half_width_m"] = [round(w, 1) for _, w in zone["outline"][::10]]
    return out


def plume_plot(ax, region, result, options) -> None:
    """Draw the AEGL threat zones (needs ``--chemical``) from ``--at`` downwind of ``--wind-from``."""
    if "chemical" not in result:
        raise ValueError("--plot needs --chemical to draw the threat zones")
    lat0, lon0 = region.locate(options.get("at"))
    to = math.radians(((options.get("wind_from") or 0.0) + 180.0) % 360.0)
    colours = {"aegl1": "gold", "aegl2": "darkorange", "aegl3": "red"}
    shapes = {}
    for lv in LEVELS:
        xs = result.get(f"{lv}_outline_x_m")
        if not xs:
            continue
        ws = result[f"{lv}_outline_half_width_m"]
        pts = [(x, w) for x, w in zip(xs, ws)] + [(x, -w) for x, w in zip(xs[::-1], ws[::-1])]
        lons, lats = [], []
        for along, across in pts:
            east = (along * math.sin(to) + across * math.cos(to)) / 1000.0
            north = (along * math.cos(to) - across * math.sin(to)) / 1000.0
            la, lo = from_local_km(east, north, lat0, lon0)
            lats.append(la)
            lons.append(lo)
        shapes[lv] = (lons, lats)
        # each level filled and outlined: the narrow AEGL-2/3 zones stay visible on top
        ax.fill(lons, lats, facecolor=colours[lv], alpha=0.35, edgecolor=colours[lv], linewidth=1.5,
                zorder=2, label=f"{lv.upper()} ({result[f'{lv}_ppm']:g} ppm): "
                                f"{result[f'{lv}_zone_length_m'] / 1000:.1f} km")
    ax.plot(lon0, lat0, "k^", markersize=9, label="release", zorder=6)
    ax.legend(title=f"{result['chemical']}, class {result['stability']}")
    inner = shapes.get("aegl2") or shapes.get("aegl3")
    if inner is not None:
        # the AEGL-2 and -3 zones are a few hundred metres wide: enlarged in an inset
        inset = ax.inset_axes([1.04, 0.14, 0.5, 0.35])  # beside the map (the base map's finish puts it under the legend)
        for lv in ("aegl2", "aegl3"):
            if lv in shapes:
                inset.fill(*shapes[lv], facecolor=colours[lv], alpha=0.45, edgecolor=colours[lv],
                           linewidth=1.2)
        inset.plot(lon0, lat0, "k^", markersize=6)
        lons, lats = inner
        pad = max(max(lons) - min(lons), max(lats) - min(lats)) * 0.15
        inset.set_xlim(min(lons + [lon0]) - pad, max(lons + [lon0]) + pad)
        inset.set_ylim(min(lats + [lat0]) - pad, max(lats + [lat0]) + pad)
        inset.set_aspect(1 / math.cos(math.radians(lat0)))
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_title(f"enlarged: AEGL-2/3, {result['aegl2_zone_length_m'] / 1000:.1f} km",
                        fontsize=6)


def plume_summary(result: dict, options: dict) -> list[tuple[str, str]]:
    """The plume result for people: the point evaluated, the concentration there and,
    with a chemical, each AEGL zone's length and width in km."""
    f = format_number
    rows = [("stability class", f"{result['stability']}" + (" (from --insolation)"
                                                            if options.get("stability") == "auto" else "")),
            ("dispersion coefficients", result["sigmas"]),
            ("wind at release height", f"{f(result['wind_m_s'])} m/s"),
            ("point evaluated", f"{f(options['x'])} km downwind, {f(options['y'] * 1000)} m "
                                f"crosswind, {f(options['z'])} m above ground"),
            ("plume spread there (σy, σz)", f"{f(result['sigma_y_m'])} m, {f(result['sigma_z_m'])} m"),
            ("concentration there", f"{f(result['concentration_mg_m3'])} mg/m³"
             + (f" = {f(result['concentration_ppm'])} ppm {result['chemical']}"
                if "chemical" in result else "")
             + (" (extrapolated: the curves are fitted from 100 m to 10 km)" if result["extrapolated"] else ""))]
    if "chemical" in result:
        for lv in LEVELS:
            name = lv.upper().replace("AEGL", "AEGL-")
            length = result[f"{lv}_zone_length_m"]
            zone = (f"{f(length / 1000)} km downwind, up to {f(result[f'{lv}_zone_max_width_m'] / 1000)} km wide"
                    + (" (beyond 10 km: extrapolated)" if result[f"{lv}_zone_extrapolated"] else "")
                    if length > 0 else "not reached at any distance")
            rows.append((f"{name} zone (≥ {f(result[f'{lv}_ppm'])} ppm, 60 min)", zone))
    return rows


PLUME = Calculator(
    name="plume",
    description="Gaussian plume, continuous point release, ground reflection (Turner 1970): concentration and, "
                "with --chemical, ALOHA-style AEGL threat zones. Sigmas: Briggs open country or urban, or "
                "Pasquill-Gifford as in EPA ISC3.",
    options=(
        CalcOption("rate", "mass_rate", "release rate, e.g. 100g/s or 1.5kg/s", required=True),
        CalcOption("wind", "wind_speed", "mean wind at release height, e.g. 7m/s (>= 1 m/s)", required=True),
        CalcOption("stability", "choice", "Pasquill-Gifford class, or auto (from --insolation)", default="D",
                   choices=("A", "B", "C", "D", "E", "F", "A-B", "B-C", "C-D", "auto")),
        CalcOption("insolation", "choice", "sky for --stability auto",
                   choices=("strong", "moderate", "slight", "overcast", "night_cloudy", "night_clear")),
        CalcOption("wind_10m", "wind_speed", "wind at 10 m for --stability auto, which the Pasquill table is "
                   "keyed on (default: --wind, right for a release near the ground)"),
        CalcOption("sigmas", "choice", "dispersion coefficient scheme", default="briggs_rural",
                   choices=plume.SCHEMES),
        CalcOption("height", "height", "effective release height (release height + plume rise), e.g. 90m",
                   default="0m"),
        CalcOption("x", "length", "downwind distance of the point evaluated, e.g. 1500m", default="1km"),
        CalcOption("y", "length", "crosswind distance, e.g. 100m", default="0m"),
        CalcOption("z", "height", "receptor height, e.g. 0m", default="0m"),
        CalcOption("chemical", "choice", "chemical for ppm and AEGL threat zones",
                   choices=("chlorine", "ammonia", "hydrogen_sulfide")),
        CalcOption("wind_from", "angle", "bearing the wind blows from, for --plot", default="0deg"),
        CalcOption("at", "text", "release point for --plot: a place id of the region or 'lat,lon'"),
    ),
    compute=plume_calculator,
    plot=plume_plot,
    summary=plume_summary,
    plot_needs=("chemical",),
)
