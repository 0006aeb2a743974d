"""A hazard's summary figures as a planner reads them: label, value and unit.

The hazard plugins log their results as ``hazard_summary`` figures whose key ends in the
unit (``gauge_peak_stage_m``, ``intensity_mm_h``, ``released_kg``; ``…_time_min`` is a
scenario time). This module turns each into a row of the report's Hazard table:
``gauge_peak_stage_m`` → ("crest stage at the district gauge (洪峰水位)", "244.5 m"),
with the words of Chinese flood, fire and hazmat practice beside the English where the
planner uses them (警戒水位 warning stage, 保证水位 guaranteed stage, 超警 above the
warning stage, 洪峰 crest, 轰燃 flashover, 过火面积 area burned, 积水 standing water).

It also adds, for a hazard whose params name a gauge with a ``warning_stage`` (and a
``guaranteed_stage``), the stages the crest is read against and how far it passes them,
the figures a Chinese flood report gives first (超警 x m, 超保 y m).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drillsim.report.common import clock, num, place_name

#: unit suffixes of figure keys, longest first (``_mm_h`` before ``_h``)
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_kw_s2", "kW/s²"), ("_mm_h", "mm/h"), ("_kw_m", "kW/m"), ("_l_s", "L/s"), ("_m3s", "m³/s"),
    ("_minutes", "min"), ("_people", "people"), ("_min", "min"), ("_km", "km"), ("_ha", "ha"),
    ("_kw", "kW"), ("_kg", "kg"), ("_mm", "mm"), ("_m", "m"), ("_h", "h"), ("_t", "t"))

#: labels of the figures the shipped hazard plugins log, by key (the unit comes from the
#: key's suffix); a key not listed is shown as its words
LABELS: dict[str, str] = {
    # transit and flash floods (plugins/flood)
    "upstream_peak_m3s": "flood peak at the upstream gauge (洪峰流量)",
    "upstream_peak_time_min": "flood peak at the upstream gauge (time)",
    "gauge_peak_m3s": "flood peak at the district gauge (洪峰流量)",
    "gauge_peak_time_min": "crest at the district gauge (洪峰, time)",
    "peak_travel_time_h": "crest travel time, upstream gauge to district gauge (洪峰传播时间)",
    "gauge_peak_stage_m": "crest stage at the district gauge (洪峰水位)",
    "gauge_passes_rated_stage_time_min": "district gauge passes the recorded stage its rating is fitted to (time)",
    "gauge_above_warning_time_min": "district gauge above its warning stage (超警, time)",
    "gauge_warning_discharge_m3s": "discharge at the district gauge's warning stage (警戒流量)",
    "warning_time_min": "flood warning issued (time)",
    "people_at_risk": "people at risk (受威胁群众)",
    "time_of_concentration_min": "catchment time of concentration (汇流时间)",
    "intensity_mm_h": "rain intensity over the time of concentration",
    "rain_in_tc_mm": "rain within the time of concentration",
    "peak_m3s": "peak discharge above base flow (rational method)",
    "rain_to_peak_min": "rain to peak (涨洪历时)",
    # toxic release and road tanker (plugins/chemical, plugins/road_tanker)
    "released_kg": "released (泄漏量)",
    "release_minutes": "release lasted",
    "townships_warned": "townships warned",
    "load_t": "tanker load",
    "load_empties_after_min": "the load would last, at the release rate, if not stopped",
    "road_closed_min": "road closed for",
    "road_closed_h": "road closed for",
    # building fire (plugins/building_fire)
    "alpha_kw_s2": "fire growth coefficient α (t² fire)",
    "flashover_kw": "heat release at flashover (轰燃)",
    "flashover_min": "flashover after ignition (轰燃时间)",
    "step_down_min": "spread to the next building downwind (Hamada)",
    "step_side_min": "spread to the next building sideways (Hamada)",
    "step_up_min": "spread to the next building upwind (Hamada)",
    "needed_flow_per_building_l_s": "fire flow needed per fully involved building (灭火用水量)",
    "buildings": "buildings involved at the end",
    "held": "held in the building of origin before flashover",
    "controlled": "brought under control (控制)",
    "water_short_min": "time the attack was short of water (hydrants and tanks gave its pumps less than they could put on)",
    "first_attack_margin": "first water on the fire before flashover (negative: after)",
    "hydrants_working": "municipal hydrants working (市政消火栓)",
    # forest fire (plugins/forest_fire)
    "contained": "contained (控制)",
    "area_ha": "area burned (过火面积)",
    "perimeter_m": "fire perimeter (火场周长)",
    "line_m": "control line built",
    "fuel_model": "fuel model (Scott & Burgan 2005)",
    # rain-driven hazards (plugins/landslide, plugins/waterlogging)
    "rain_total_mm": "rain in total",
    "streets_peak_mm": "streets: deepest standing water (积水深度)",
}

#: units of figures whose key does not end in one
UNITS: dict[str, str] = {"first_attack_margin": "min"}

#: per-place figure endings (landslide slopes, waterlogging points): label, and whether
#: the value is a scenario time
PLACE_SUFFIXES: tuple[tuple[str, str, bool], ...] = (
    ("_threshold_reached_min", "rain threshold reached (time)", True),
    ("_warning_min", "warning issued (time)", True),
    ("_peak_mm", "deepest standing water (积水深度)", False),
    ("_closed_min", "closed to traffic for", False),
)


def split_unit(key: str) -> tuple[str, str]:
    """``(stem, unit)`` of a figure key: ``intensity_mm_h`` → ("intensity", "mm/h");
    ("key", "") when it ends in no known unit."""
    for suffix, unit in UNIT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], unit
    return key, UNITS.get(key, "")


def _value(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and 0 < abs(value) < 0.1:  # α of a t² fire, 0.0469 kW/s²
        return f"{value:.3g} {unit}".strip()
    if isinstance(value, (int, float)):
        return num(value, unit)
    return str(value)


def figure_row(key: str, value: Any, sc=None) -> tuple[str, str]:
    """One figure as (label, value with its unit); a ``…_time_min`` figure, and a place's
    threshold or warning time, as the date and time when ``sc`` (the scenario, for its
    start and its places' names) is given.

    >>> figure_row("intensity_mm_h", 46.6)
    ('rain intensity over the time of concentration', '46.6 mm/h')
    >>> figure_row("released_kg", 2351.2)
    ('released (泄漏量)', '2,351 kg')
    """
    start = getattr(sc, "start", None)
    if key in LABELS:
        label = LABELS[key]
        if key.endswith("_time_min"):
            return label, _time(value, start)
        return label, _value(value, split_unit(key)[1])
    for suffix, label, is_time in PLACE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            place = key[: -len(suffix)]
            name = (place_name(sc, place) if sc is not None else None) or place.replace("_", " ")
            if is_time:
                return f"{name}: {label}", _time(value, start) if value is not None else "none"
            return f"{name}: {label}", _value(value, split_unit(suffix)[1])
    if key.endswith("_time_min"):
        return key[: -len("_time_min")].replace("_", " ") + " (time)", _time(value, start)
    stem, unit = split_unit(key)
    return stem.replace("_", " "), _value(value, unit)


def _time(value: Any, start) -> str:
    return clock(value, start) if isinstance(value, (int, float)) else "—"


def figure_rows(figures: dict[str, Any], sc=None, hazard_id: str | None = None) -> list[list[str]]:
    """The rows of one hazard's table: its figures (a quantity given twice in two units,
    such as ``road_closed_min`` and ``road_closed_h``, once), then the gauge's stages
    (:func:`gauge_rows`)."""
    rows: list[list[str]] = []
    seen: set[str] = set()
    for key, value in figures.items():
        label, text = figure_row(key, value, sc)
        if key == "water_short_min" and not value and "first_attack_margin" in figures \
                and figures["first_attack_margin"] is None:
            text = "— (no water reached the fire)"   # never put to the test: 0 min would credit it
        if label in seen:
            if key.endswith("_h"):  # given in minutes and hours: hours, as the scorecard (RT4 9.31 h, not 558.4 min)
                next(r for r in rows if r[0] == label)[1] = text
            continue
        seen.add(label)
        rows.append([label, text])
    rows += [list(r) for r in gauge_rows(figures, _params(sc, hazard_id))]
    return rows


def _params(sc, hazard_id: str | None):
    for h in getattr(sc, "hazards", None) or ():
        if h.id == hazard_id:
            return h.params
    return None


def gauge_rows(figures: dict[str, Any], params) -> Iterator[tuple[str, str]]:
    """The district gauge's warning stage (警戒水位) and guaranteed stage (保证水位), from
    the hazard's ``params.gauge``, and how far the crest (``gauge_peak_stage_m``) passes
    each (超警 / 超保; negative: below it). Nothing when the hazard has no such gauge."""
    gauge = getattr(params, "gauge", None)
    warning = getattr(gauge, "warning_stage", None)
    if warning is None:
        return
    crest = figures.get("gauge_peak_stage_m")
    name = getattr(gauge, "name", None)
    where = f" ({name})" if name else ""
    yield f"warning stage of the district gauge{where} (警戒水位)", num(warning, "m", 2)
    if isinstance(crest, (int, float)):
        yield "crest above the warning stage (超警戒水位)", num(crest - warning, "m", 2)
    guaranteed = getattr(gauge, "guaranteed_stage", None)
    if guaranteed is None:
        yield "guaranteed stage (保证水位)", "not given in the scenario"
        return
    yield "guaranteed stage (保证水位)", num(guaranteed, "m", 2)
    if isinstance(crest, (int, float)):
        yield "crest above the guaranteed stage (超保证水位)", num(crest - guaranteed, "m", 2)


#: the 60-min AEGL levels a toxic release's threat zones are drawn for
AEGL_LEVELS = ("aegl1", "aegl2", "aegl3")


def zone_rows(events, hazard_id: str, sc=None) -> list[list[str]]:
    """A toxic release's threat zones, one row per weather period (the ``plume_zones``
    events of ``hazard_id``): time, wind (speed and the bearing it blows from),
    Pasquill stability class, and for each AEGL level the zone's downwind reach and its
    greatest width in km: the distances a planner sets the evacuation and
    shelter-in-place area by (下风向疏散/防护距离). A level the plume never reaches at
    ground level reads "none". Empty when the hazard logs no zones."""
    from drillsim.scenario.quantities import format_number

    start = getattr(sc, "start", None)
    rows = []
    for e in events:
        if e.kind != "plume_zones" or e.details.get("hazard") != hazard_id:
            continue
        d = e.details
        zones = d.get("zones") or {}
        cells = []
        for lv in AEGL_LEVELS:
            z = zones.get(lv)
            cells.append("none" if not z else
                         f"{format_number(z['length_m'] / 1000)} km downwind, "
                         f"{format_number(z['max_width_m'] / 1000)} km wide")
        rows.append([clock(e.t, start), f"{format_number(d.get('wind_m_s'))} m/s from {num(d.get('wind_from'))}°",
                     str(d.get("stability", "—")), *cells])
    return rows


#: flame length classes of the fire suppression interpretation chart (Andrews & Rothermel
#: 1982, "Charts for interpreting wildland fire behavior characteristics", USDA Forest
#: Service GTR INT-131): 4, 8 and 11 ft (1.22, 2.44, 3.35 m); upper bound in m, and what
#: the chart says of attacking the head fire
FT = 0.3048
SUPPRESSION_CLASSES: tuple[tuple[float, str], ...] = (
    (4 * FT, "hand tools can attack the head and flanks directly"),
    (8 * FT, "too intense for hand tools at the head: engines, dozers, retardant aircraft"),
    (11 * FT, "serious control problems (torching, crowning, spotting): attack at the head probably ineffective"),
    (float("inf"), "crowning, spotting and major runs probable: attack at the head ineffective"),
)


def suppression_class(flame_length_m: float) -> str:
    """What a head fire of this flame length allows (:data:`SUPPRESSION_CLASSES`).

    >>> suppression_class(1.09)
    'hand tools can attack the head and flanks directly'
    """
    return next(text for bound, text in SUPPRESSION_CLASSES if flame_length_m < bound)


def fire_rows(events, hazard_id: str, sc=None) -> list[list[str]]:
    """A forest fire's behaviour at each report (its ``fire_state`` events): time, area
    burned (过火面积, ha), perimeter and control line built (m), the head's rate of spread
    (蔓延速度, m/min) and flame length (火焰长度, m) with what that flame length allows
    the crews (:func:`suppression_class`), crews and helicopters at the fire. Empty for
    a hazard without such events."""
    start = getattr(sc, "start", None)
    rows = []
    for e in events:
        if e.kind != "fire_state" or e.details.get("hazard") != hazard_id or "area_ha" not in e.details:
            continue   # a building fire's fire_state counts buildings, not hectares (building_fire_rows)
        d = e.details
        flame = d.get("flame_length_m")
        rows.append([clock(e.t, start), num(d.get("area_ha"), "ha"), num(d.get("perimeter_m"), "m"),
                     num(d.get("line_m"), "m"), num(d.get("head_ros_m_min"), "m/min"), num(flame, "m"),
                     suppression_class(flame) if isinstance(flame, (int, float)) else "—",
                     str(d.get("crews", "—")), str(d.get("helicopters", "—"))])
    return rows


def building_fire_rows(events, hazard_id: str, sc=None) -> list[list[str]]:
    """A building fire's spread at each change (its ``fire_state`` events with
    ``involved``): time, buildings fully involved and still burning, the fire flow they
    need (NFA formula, L/s), the flow the attack puts on them (L/s: the appliances' pumps
    fed by the hydrants and the tanks) and the water left in the tanks of the appliances at work (m³). Empty for a
    hazard without such events."""
    start = getattr(sc, "start", None)
    return [[clock(e.t, start), str(e.details["involved"]), str(e.details.get("burning", "—")),
             num(e.details.get("needed_l_s"), "L/s"), num(e.details.get("applied_l_s"), "L/s"),
             num(e.details.get("tank_m3"), "m³") if e.details.get("pumps_l_s") else "— (no appliance)"]
            for e in events
            if e.kind == "fire_state" and e.details.get("hazard") == hazard_id and "involved" in e.details]
