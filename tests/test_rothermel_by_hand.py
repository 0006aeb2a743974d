"""Rothermel's surface fire model written out again here from its published equations, and
drillsim's fire calculator checked against it where BehavePlus' published tables do not
reach: winds from calm to 30 mi/h (well into the wind limit), slopes up to 100 %, wind
up, across and down the slope, static and dynamic models of both sets.

The equations, in Rothermel's units (lb, ft, Btu, min), as Andrews (2018, The Rothermel
surface fire spread model and associated developments, RMRS-GTR-371) sets them out:
Rothermel (1972, INT-115) eqs. 27-52 with Albini's (1976, INT-30) changes (net load
w_o(1 - S_T) weighted by size class, reaction velocity exponent A = 133 σ^-0.7913, live
moisture of extinction 2.9 W'(1 - M_f,dead/M_x,dead) - 0.226); Scott & Burgan's (2005,
RMRS-GTR-153, p. 8) curing of live herbaceous load (T = 1.333 - 1.11 M_herb between 30 %
and 120 %); wind and slope combined as vectors with the effective wind capped at
0.9 I_R ft/min (Andrews 2018 §§ 5, 6.3; BehavePlus 5's default). The fuel models' loads
are Scott & Burgan's (2005) Table 7 (t/ac) and Anderson's (1982) Table 1 (lb/ft²),
copied here from the publications. Byram (1959): I_B = I_R (384/σ) R / 60, flame length
0.45 I_B^0.46.

This is a second implementation, not a published value: the published values
(BehavePlus 5's tables, Behave's own tests) are in tests/test_rothermel.py; here the
regimes they leave out are compared, to 1e-9.
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim_plugins.forest_fire.rothermel import Moisture, surface_fire

T_AC = 2000.0 / 43560.0          # lb/ft² per t/ac
# code: (loads 1h, 10h, 100h, herb, woody in lb/ft²; SAV 1h, herb, woody 1/ft; depth ft;
#        dead moisture of extinction; dynamic)
MODELS = {
    "GR2": ([0.10 * T_AC, 0, 0, 1.0 * T_AC, 0], (2000, 1800, 1500), 1.0, 0.15, True),
    "GS2": ([x * T_AC for x in (0.5, 0.5, 0, 0.6, 1.0)], (2000, 1800, 1800), 1.5, 0.15, True),
    "SH5": ([x * T_AC for x in (3.6, 2.1, 0, 0, 2.9)], (750, 1800, 1600), 6.0, 0.15, False),
    "TU5": ([x * T_AC for x in (4.0, 4.0, 3.0, 0, 3.0)], (1500, 1800, 750), 1.0, 0.25, False),
    "TL8": ([x * T_AC for x in (5.8, 1.4, 1.1, 0, 0)], (1800, 1800, 1600), 0.3, 0.35, False),
    "FM4": ([0.230, 0.184, 0.092, 0, 0.230], (2000, 1500, 1500), 6.0, 0.20, False),
    "FM10": ([0.138, 0.092, 0.230, 0, 0.092], (2000, 1500, 1500), 1.0, 0.25, False),
}
RHO_P, S_T, S_E, HEAT = 32.0, 0.0555, 0.010, 8000.0


def by_hand(code, m1, m10, m100, mherb, mwoody, wind_mph, slope, wind_deg):
    """(spread ft/min, flame length ft, effective wind mi/h, direction deg) by Rothermel."""
    loads, (s1, sherb, swoody), depth, mx_dead, dynamic = MODELS[code]
    cured = 0.0
    if dynamic and loads[3] > 0:
        cured = 1.0 if mherb < 0.30 else 0.0 if mherb >= 1.20 else 1.333 - 1.11 * mherb
    # particles: (load, SAV, moisture), dead then live
    dead = [(loads[0], s1, m1), (loads[1], 109.0, m10), (loads[2], 30.0, m100), (loads[3] * cured, sherb, m1)]
    live = [(loads[3] * (1 - cured), sherb, mherb), (loads[4], swoody, mwoody)]
    dead = [p for p in dead if p[0] > 0]
    live = [p for p in live if p[0] > 0]

    def area(ps):
        return sum(w * s / RHO_P for w, s, _ in ps)

    a_dead, a_live = area(dead), area(live)
    a_total = a_dead + a_live

    def weights(ps):
        a = area(ps)
        return [w * s / RHO_P / a for w, s, _ in ps]

    def size_class(s):
        return next((k for k, b in enumerate((1200, 192, 96, 48, 16)) if s >= b), 5)

    def category(ps, mx):
        if not ps:
            return 0.0, 0.0, 0.0
        f = weights(ps)
        g = [sum(fk for fk, (_, sk, _) in zip(f, ps) if size_class(sk) == size_class(s)) for _, s, _ in ps]
        net = sum(gi * w * (1 - S_T) for gi, (w, _, _) in zip(g, ps))
        sav = sum(fi * s for fi, (_, s, _) in zip(f, ps))
        moist = sum(fi * m for fi, (_, _, m) in zip(f, ps))
        r = min(1.0, moist / mx)
        eta_m = 1 - 2.59 * r + 5.11 * r ** 2 - 3.52 * r ** 3
        return net, sav, eta_m

    mx_live = mx_dead
    if live:
        w_dead_fine = sum(w * math.exp(-138 / s) for w, s, _ in dead)
        w_live_fine = sum(w * math.exp(-500 / s) for w, s, _ in live)
        m_fine = sum(w * math.exp(-138 / s) * m for w, s, m in dead) / w_dead_fine
        mx_live = max(mx_dead, 2.9 * w_dead_fine / w_live_fine * (1 - m_fine / mx_dead) - 0.226)
    net_d, sav_d, eta_d = category(dead, mx_dead)
    net_l, sav_l, eta_l = category(live, mx_live)
    sigma = (a_dead * sav_d + a_live * sav_l) / a_total
    beta = sum(w for w, _, _ in dead + live) / depth / RHO_P
    ratio = beta / (3.348 * sigma ** -0.8189)
    a_exp = 133 * sigma ** -0.7913
    gamma = sigma ** 1.5 / (495 + 0.0594 * sigma ** 1.5) * ratio ** a_exp * math.exp(a_exp * (1 - ratio))
    i_r = gamma * HEAT * 0.174 * S_E ** -0.19 * (net_d * eta_d + net_l * eta_l)
    xi = math.exp((0.792 + 0.681 * sigma ** 0.5) * (beta + 0.1)) / (192 + 0.2595 * sigma)
    sink = sum(wt * a / a_total * math.exp(-138 / s) * (250 + 1116 * m)
               for ps, a in ((dead, a_dead), (live, a_live)) for wt, (_, s, m) in zip(weights(ps) if ps else [], ps))
    sink *= sum(w for w, _, _ in dead + live) / depth
    r0 = i_r * xi / sink
    c = 7.47 * math.exp(-0.133 * sigma ** 0.55)
    b = 0.02526 * sigma ** 0.54
    e = 0.715 * math.exp(-3.59e-4 * sigma)
    phi_w = c * (wind_mph * 88) ** b * ratio ** -e if wind_mph > 0 else 0.0
    phi_s = 5.275 * beta ** -0.3 * slope ** 2
    x = r0 * phi_s + r0 * phi_w * math.cos(math.radians(wind_deg))
    y = r0 * phi_w * math.sin(math.radians(wind_deg))
    phi_e = math.hypot(x, y) / r0
    u_e = (phi_e * ratio ** e / c) ** (1 / b) if phi_e > 0 else 0.0
    if u_e > 0.9 * i_r:
        u_e = 0.9 * i_r
        phi_e = c * u_e ** b * ratio ** -e
    ros = r0 * (1 + phi_e)
    intensity = i_r * 384 / sigma * ros / 60
    direction = math.degrees(math.atan2(y, x)) % 360 if math.hypot(x, y) > 0 else 0.0
    return ros, 0.45 * intensity ** 0.46, u_e / 88, direction


MOISTURES = [(0.04, 0.05, 0.06, 0.45, 0.75), (0.08, 0.09, 0.10, 0.90, 1.20)]


@pytest.mark.parametrize("code", sorted(MODELS))
@pytest.mark.parametrize("moist", MOISTURES, ids=["dry", "moist"])
def test_the_model_against_its_equations_over_winds_slopes_and_directions(code, moist):
    for wind in (0.0, 3.0, 8.0, 15.0, 30.0):
        for slope in (0.0, 0.4, 1.0):
            for direction in (0.0, 90.0, 180.0):
                ros, flame, u_e, heading = by_hand(code, *moist, wind, slope, direction)
                r = surface_fire(code, Moisture(*moist), wind * 1.609344, slope, direction)
                case = (code, moist, wind, slope, direction)
                assert r.ros_m_min == pytest.approx(ros * 0.3048, rel=1e-9), case
                assert r.flame_length_m == pytest.approx(flame * 0.3048, rel=1e-9), case
                assert r.effective_wind_kmh == pytest.approx(u_e * 1.609344, rel=1e-9, abs=1e-12), case
                assert abs((r.direction_deg - heading + 180) % 360 - 180) < 1e-7, case


@pytest.mark.parametrize("code, wind, slope, direction", [
    ("GR2", 30.0, 0.0, 0.0),       # far past the wind limit: 0.9 I_R ft/min caps the effective wind
    ("SH5", 15.0, 1.0, 180.0),     # wind straight down a 45° slope
    ("TU5", 8.0, 0.4, 90.0),       # across the slope
    ("FM4", 0.0, 1.0, 0.0),        # calm, slope alone
])
def test_the_fire_calculator_from_the_command_line(code, wind, slope, direction):
    moist = MOISTURES[0]
    res = CliRunner().invoke(main, [
        "hazard", "fire", "--fuel-model", code, "--wind", f"{wind}mph", "--slope", f"{slope * 100:g}%",
        "--wind-direction", f"{direction:g}deg",
        "--moisture-1h", "4%", "--moisture-10h", "5%", "--moisture-100h", "6%",
        "--moisture-herb", "45%", "--moisture-woody", "75%", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    ros, flame, u_e, heading = by_hand(code, *moist, wind, slope, direction)
    assert out["rate_of_spread_ch_h"] == pytest.approx(ros * 60 / 66, rel=1e-9)   # ft/min → ch/h
    assert out["flame_length_m"] == pytest.approx(flame * 0.3048, rel=1e-9)
    assert out["effective_wind_km_h"] == pytest.approx(u_e * 1.609344, rel=1e-9)
    assert out["direction_of_max_spread_deg_from_upslope"] == pytest.approx(heading, abs=1e-7)
    assert out["wind_limit_applied"] is (code == "GR2")
