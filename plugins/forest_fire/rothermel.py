"""Rothermel's (1972) surface fire spread model, as BehavePlus computes it.

Equations: Rothermel, R.C. (1972) A mathematical model for predicting fire spread in
wildland fuels, USDA Forest Service Res. Pap. INT-115; with Albini's (1976, Gen. Tech. Rep.
INT-30) revisions (reaction velocity exponent A = 133 σ^-0.7913, size-class weighting of net
loads, live fuel moisture of extinction), the Scott & Burgan (2005, RMRS-GTR-153) live
herbaceous load transfer for dynamic models, and the wind and slope vector sum and wind
limit of BehavePlus (Andrews, P.L. 2018, The Rothermel surface fire spread model and
associated developments: a comprehensive explanation, RMRS-GTR-371, §§ 3–6). Fireline
intensity after Byram (1959): I_B = H_A · R / 60 with H_A = I_R · t_r and residence time
t_r = 384/σ (Anderson 1969); flame length L = 0.45 I_B^0.46 (Byram 1959, ft and Btu/ft/s).

Internally everything is in Rothermel's units (ft, lb, Btu, min); :func:`surface_fire`
takes and returns SI units (see its docstring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .fuels import FuelModel, fuel_model

# Rothermel (1972) fuel particle constants, same for every standard model
PARTICLE_DENSITY = 32.0          # lb/ft³
TOTAL_SILICA = 0.0555            # total mineral content, fraction
EFFECTIVE_SILICA = 0.010         # silica-free mineral content, fraction
SAV_10H = 109.0                  # 1/ft
SAV_100H = 30.0                  # 1/ft

FT_PER_MIN_PER_KMH = 1000.0 / 0.3048 / 60.0   # 1 km/h in ft/min
FT_PER_MIN_PER_MPH = 88.0                     # 1 mi/h in ft/min
M_PER_FT = 0.3048
KW_M_PER_BTU_FT_S = 3.46141                   # 1 Btu/ft/s in kW/m (1055.056 J / 0.3048 m)
CH_H_PER_FT_MIN = 60.0 / 66.0                 # 1 ft/min in chains/h

#: Upper ends of the inputs the published checks cover; beyond them the model is
#: extrapolated, so :func:`surface_fire` refuses them.
MAX_MIDFLAME_WIND_KMH = 100.0
MAX_SLOPE = 1.0                    # 100 % = 45°
MAX_DEAD_MOISTURE = 0.60
MAX_LIVE_MOISTURE = 3.0


@dataclass(frozen=True)
class Moisture:
    """Fuel moisture by class, fraction of oven-dry weight (``0.06`` = 6 %)."""

    d1: float
    d10: float
    d100: float
    live_herb: float
    live_woody: float

    def check(self) -> None:
        """:raises ValueError: a moisture outside 1–60 % (dead) or 30–300 % (live)."""
        for name, value, lo, hi in (("1-h", self.d1, 0.01, MAX_DEAD_MOISTURE),
                                    ("10-h", self.d10, 0.01, MAX_DEAD_MOISTURE),
                                    ("100-h", self.d100, 0.01, MAX_DEAD_MOISTURE),
                                    ("live herbaceous", self.live_herb, 0.30, MAX_LIVE_MOISTURE),
                                    ("live woody", self.live_woody, 0.30, MAX_LIVE_MOISTURE)):
            if not lo <= value <= hi:
                raise ValueError(f"{name} fuel moisture {value * 100:g}% is outside the model's "
                                 f"range {lo * 100:g}%-{hi * 100:g}%")


@dataclass(frozen=True)
class SpreadResult:
    """The head fire of a surface fire (SI units) and the intermediates behind it.

    :ivar fuel_model: the fuel model's code (``"FM9"`` for ``"9"``).
    :ivar ros_m_min: head fire rate of spread, m/min.
    :ivar ros_ch_h: the same, chains/h (BehavePlus' unit).
    :ivar fireline_intensity_kw_m: Byram's fireline intensity at the head, kW/m.
    :ivar flame_length_m: flame length at the head, m.
    :ivar reaction_intensity_kw_m2: kW/m².
    :ivar heat_per_unit_area_kj_m2: kJ/m².
    :ivar effective_wind_kmh: wind that alone would give the combined wind + slope effect, km/h.
    :ivar direction_deg: direction of maximum spread, degrees clockwise from upslope.
    :ivar ros0_m_min: no-wind, no-slope rate of spread, m/min.
    :ivar wind_factor: φw; :ivar slope_factor: φs.
    :ivar wind_limited: the effective wind was capped at 0.9 I_R (ft/min).
    :ivar live_mx: live fuel moisture of extinction, fraction.
    :ivar residence_time_min: flame residence time t_r = 384/σ, min.
    :ivar transferred: share of the live herbaceous load cured to dead (dynamic models).
    :ivar dead_moisture: characteristic (surface-area weighted) dead fuel moisture, fraction.
    :ivar live_moisture: the same for live fuel (0 when the model has none burning as live).
    :ivar dead_mx: dead fuel moisture of extinction of the fuel model, fraction.
    :ivar has_live: the fuel bed has live fuel (after any curing of herbaceous load).
    """

    fuel_model: str
    ros_m_min: float
    ros_ch_h: float
    fireline_intensity_kw_m: float
    flame_length_m: float
    reaction_intensity_kw_m2: float
    heat_per_unit_area_kj_m2: float
    effective_wind_kmh: float
    direction_deg: float
    ros0_m_min: float
    wind_factor: float
    slope_factor: float
    wind_limited: bool
    live_mx: float
    residence_time_min: float
    transferred: float
    dead_moisture: float = 0.0
    live_moisture: float = 0.0
    dead_mx: float = 0.0
    has_live: bool = False

    @property
    def spreads(self) -> bool:
        """Whether the fire spreads at all (Rothermel's rate is zero when every fuel
        category is at or above its moisture of extinction)."""
        return self.ros_m_min > 0.0

    def no_spread_reason(self) -> str | None:
        """Why the fire does not spread, in words with the moistures (None if it does)."""
        if self.spreads:
            return None
        parts = [(f"the dead fuel moisture ({self.dead_moisture * 100:.3g}%, weighted by surface area) "
                  f"is at or above the fuel model's moisture of extinction ({self.dead_mx * 100:.3g}%)")]
        if self.has_live:
            parts.append(f"the live fuel moisture ({self.live_moisture * 100:.3g}%) is at or above the "
                         f"live moisture of extinction ({self.live_mx * 100:.3g}%)")
        return "no spread: " + " and ".join(parts)

    @property
    def fireline_intensity_btu_ft_s(self) -> float:
        return self.fireline_intensity_kw_m / KW_M_PER_BTU_FT_S

    @property
    def flame_length_ft(self) -> float:
        return self.flame_length_m / M_PER_FT


def check_wind(midflame_wind_kmh: float) -> None:
    """The midflame wind the published checks cover: 0 to :data:`MAX_MIDFLAME_WIND_KMH`.

    Used by :func:`surface_fire` and by the ``forest_fire`` scenario's weather periods, so
    that a scenario is refused when it is checked rather than failing in the run.

    :raises ValueError: a negative, non-finite or larger wind (km/h).
    """
    if not 0.0 <= midflame_wind_kmh <= MAX_MIDFLAME_WIND_KMH:
        raise ValueError(f"midflame wind {midflame_wind_kmh:g} km/h is outside the model's range "
                         f"0-{MAX_MIDFLAME_WIND_KMH:g} km/h")


def check_slope(slope: float) -> None:
    """Slope steepness (rise/run) within 0 to :data:`MAX_SLOPE` (100 % = 45°).

    :raises ValueError: a negative, non-finite or steeper slope.
    """
    if not 0.0 <= slope <= MAX_SLOPE:
        steep = (f" ({math.degrees(math.atan(slope)):.1f}°)" if math.isfinite(slope) and slope > 0 else "")
        raise ValueError(f"slope {slope * 100:g}%{steep} is outside the model's range 0-{MAX_SLOPE * 100:g}% "
                         f"(45°): the published checks of its slope factor go no steeper")


def _damping(moisture: float, extinction: float) -> float:
    """Moisture damping coefficient η_M (Rothermel 1972 eq. 29)."""
    if extinction <= 0 or moisture >= extinction:
        return 0.0
    r = moisture / extinction
    return 1.0 - 2.59 * r + 5.11 * r * r - 3.52 * r ** 3


def _size_class(sav: float) -> int:
    """Albini's (1976) size classes for weighting net loads (1/ft bounds 1200, 192, 96, 48, 16)."""
    for k, bound in enumerate((1200.0, 192.0, 96.0, 48.0, 16.0)):
        if sav >= bound:
            return k
    return 5


def _category(loads, savs, moistures):
    """Per-category weights: share of surface area of each particle and the sums Rothermel
    needs (area-weighted σ, moisture, heat share; size-sorted net load)."""
    areas = [w * s / PARTICLE_DENSITY for w, s in zip(loads, savs)]
    total = sum(areas)
    if total <= 0:
        return total, [0.0] * len(loads), 0.0, 0.0, 0.0
    f = [a / total for a in areas]
    by_class = [0.0] * 6
    for fi, s in zip(f, savs):
        by_class[_size_class(s)] += fi
    net_load = sum(by_class[_size_class(s)] * w * (1 - TOTAL_SILICA) for w, s in zip(loads, savs))
    sav = sum(fi * s for fi, s in zip(f, savs))
    moisture = sum(fi * m for fi, m in zip(f, moistures))
    return total, f, net_load, sav, moisture


def _herb_transfer(model: FuelModel, live_herb_moisture: float) -> float:
    """Share of live herbaceous load cured to dead: 1 below 30 % moisture, 0 above 120 %,
    linear between (Scott & Burgan 2005, eq. on p. 8: 1.333 − 1.11 M)."""
    if not model.dynamic or model.load[3] <= 0:
        return 0.0
    if live_herb_moisture < 0.30:
        return 1.0
    if live_herb_moisture >= 1.20:
        return 0.0
    return 1.333 - 1.11 * live_herb_moisture


def surface_fire(model: FuelModel | str, moisture: Moisture, midflame_wind_kmh: float = 0.0,
                 slope: float = 0.0, wind_direction_deg: float = 0.0,
                 wind_limit: bool = True) -> SpreadResult:
    """Head fire rate of spread, fireline intensity and flame length of a surface fire.

    :param model: a :class:`~.fuels.FuelModel` or its code (``"TL8"``, ``"FM9"``).
    :param moisture: fuel moistures by class (fractions).
    :param midflame_wind_kmh: wind speed at midflame height, km/h (0–100).
    :param slope: slope steepness as rise/run (``0.2`` = 20 %, 0–1, i.e. up to 45°).
    :param wind_direction_deg: direction the wind blows *towards*, degrees clockwise from
        upslope (0 = blowing upslope; 180 = downslope).
    :param wind_limit: cap the effective wind at 0.9 × reaction intensity (ft/min), as
        BehavePlus 5 does by default (Rothermel 1972; Andrews 2018 § 6.3).
    :returns: :class:`SpreadResult` (m/min, kW/m, m).
    :raises ValueError: unknown fuel model; negative or excessive wind; slope outside 0–100 %;
        moistures outside 1–60 % (dead) or 30–300 % (live). Validity: Rothermel's model is
        for a uniform, continuous surface fuel bed within 1.8 m of the ground, steady
        spread; it does not model crown fire or spotting.
    """
    if isinstance(model, str):
        model = fuel_model(model)
    moisture.check()
    check_wind(midflame_wind_kmh)
    check_slope(slope)

    d1, d10, d100, lh, lw = model.load
    s1, s_herb, s_woody = model.sav
    cured = _herb_transfer(model, moisture.live_herb)
    dead_loads = [d1, d10, d100, lh * cured]
    dead_savs = [s1, SAV_10H, SAV_100H, s_herb]
    dead_moist = [moisture.d1, moisture.d10, moisture.d100, moisture.d1]
    live_loads = [lh * (1 - cured), lw]
    live_savs = [s_herb, s_woody]
    live_moist = [moisture.live_herb, moisture.live_woody]

    a_dead, f_dead, wn_dead, sav_dead, m_dead = _category(dead_loads, dead_savs, dead_moist)
    a_live, f_live, wn_live, sav_live, m_live = _category(live_loads, live_savs, live_moist)
    a_total = a_dead + a_live
    if a_total <= 0 or model.depth <= 0:
        raise ValueError(f"fuel model {model.code} has no fuel")
    share_dead, share_live = a_dead / a_total, a_live / a_total
    sigma = share_dead * sav_dead + share_live * sav_live

    total_load = sum(dead_loads) + sum(live_loads)
    bulk_density = total_load / model.depth
    beta = total_load / (model.depth * PARTICLE_DENSITY)
    beta_op = 3.348 * sigma ** -0.8189
    rel_beta = beta / beta_op

    # live fuel moisture of extinction (Albini 1976)
    live_mx = model.mx_dead
    fine_live = sum(w * math.exp(-500.0 / s) for w, s in zip(live_loads, live_savs) if s > 0)
    if fine_live > 0:
        fine_dead = sum(w * math.exp(-138.0 / s) for w, s in zip(dead_loads, dead_savs) if s > 0)
        fine_dead_m = sum(w * math.exp(-138.0 / s) * m
                          for w, s, m in zip(dead_loads, dead_savs, dead_moist) if s > 0)
        dead_fine_moisture = fine_dead_m / fine_dead if fine_dead > 0 else 0.0
        live_mx = max(model.mx_dead,
                      2.9 * (fine_dead / fine_live) * (1 - dead_fine_moisture / model.mx_dead) - 0.226)

    # reaction intensity
    sigma15 = sigma ** 1.5
    gamma_max = sigma15 / (495.0 + 0.0594 * sigma15)
    a_exp = 133.0 * sigma ** -0.7913
    gamma = gamma_max * rel_beta ** a_exp * math.exp(a_exp * (1.0 - rel_beta))
    eta_s = min(1.0, 0.174 * EFFECTIVE_SILICA ** -0.19)
    reaction = gamma * model.heat * eta_s * (wn_dead * _damping(m_dead, model.mx_dead)
                                             + wn_live * _damping(m_live, live_mx))

    # heat sink and propagating flux ratio
    heat_sink = 0.0
    for share, f, savs, moists in ((share_dead, f_dead, dead_savs, dead_moist),
                                   (share_live, f_live, live_savs, live_moist)):
        for fi, s, m in zip(f, savs, moists):
            if s > 0:
                heat_sink += share * fi * math.exp(-138.0 / s) * (250.0 + 1116.0 * m)
    heat_sink *= bulk_density
    xi = math.exp((0.792 + 0.681 * math.sqrt(sigma)) * (beta + 0.1)) / (192.0 + 0.2595 * sigma)
    ros0 = reaction * xi / heat_sink if heat_sink > 0 else 0.0  # ft/min

    # wind and slope factors, combined as vectors (Andrews 2018 § 5)
    c = 7.47 * math.exp(-0.133 * sigma ** 0.55)
    b = 0.02526 * sigma ** 0.54
    e = 0.715 * math.exp(-3.59e-4 * sigma)
    wind_ft_min = midflame_wind_kmh * FT_PER_MIN_PER_KMH
    phi_w = c * wind_ft_min ** b * rel_beta ** -e if wind_ft_min > 0 else 0.0
    phi_s = 5.275 * beta ** -0.3 * slope ** 2
    angle = math.radians(wind_direction_deg)
    x = ros0 * phi_s + ros0 * phi_w * math.cos(angle)
    y = ros0 * phi_w * math.sin(angle)
    vector = math.hypot(x, y)
    direction = math.degrees(math.atan2(y, x)) % 360.0 if vector > 0 else 0.0
    phi_e = vector / ros0 if ros0 > 0 else 0.0
    eff_wind = (phi_e * rel_beta ** e / c) ** (1.0 / b) if phi_e > 0 else 0.0  # ft/min
    limited = False
    if wind_limit and eff_wind > 0.9 * reaction:
        limited = True
        eff_wind = 0.9 * reaction
        phi_e = c * eff_wind ** b * rel_beta ** -e
    ros = ros0 * (1.0 + phi_e)

    residence = 384.0 / sigma
    hpa = reaction * residence                      # Btu/ft²
    intensity = hpa * ros / 60.0                    # Btu/ft/s
    flame = 0.45 * intensity ** 0.46 if intensity > 0 else 0.0
    return SpreadResult(
        fuel_model=model.code, ros_m_min=ros * M_PER_FT, ros_ch_h=ros * CH_H_PER_FT_MIN,
        fireline_intensity_kw_m=intensity * KW_M_PER_BTU_FT_S, flame_length_m=flame * M_PER_FT,
        reaction_intensity_kw_m2=reaction * 1055.056 / 0.09290304 / 60.0 / 1000.0,
        heat_per_unit_area_kj_m2=hpa * 1055.056 / 0.09290304 / 1000.0,
        effective_wind_kmh=eff_wind / FT_PER_MIN_PER_KMH, direction_deg=direction,
        ros0_m_min=ros0 * M_PER_FT, wind_factor=phi_w, slope_factor=phi_s, wind_limited=limited,
        live_mx=live_mx, residence_time_min=residence, transferred=cured,
        dead_moisture=m_dead, live_moisture=m_live, dead_mx=model.mx_dead, has_live=a_live > 0)
