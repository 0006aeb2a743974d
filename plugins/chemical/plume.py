"""Gaussian plume for a continuous point release, with Pasquill–Gifford stability classes.

Concentration at (x downwind, y crosswind, z height), m, from a source of Q g/s at
effective height H with wind u m/s, reflected at the ground (Turner 1970, Workbook of
Atmospheric Dispersion Estimates, eq. 3.1; EPA ISC3 User's Guide Vol. II, eq. 1-1 with the
vertical term 1-50 without mixing-lid reflections):

    C = Q / (2π u σy σz) · exp(−y² / 2σy²) · [exp(−(z − H)² / 2σz²) + exp(−(z + H)² / 2σz²)]

Dispersion coefficients σy, σz (m) by scheme:

* ``briggs_rural`` — Briggs (1973) open-country curves as tabulated by Gifford (1976),
  Nuclear Safety 17:68-86 (also Seinfeld & Pandis, Table 18.5); fitted for 100 m–10 km.
* ``briggs_urban`` — Briggs (1973) urban curves (McElroy–Pooler St. Louis data), same
  sources; A and B share one curve, and so do E and F.
* ``pasquill_gifford`` — the Pasquill–Gifford curves as EPA's ISC3 computes them
  (ISC3 User's Guide Vol. II, EPA-454/B-95-003b, eqs. 1-32 to 1-34 and Table 1-1):
  σy = 465.11628 x tan(0.017453293 (c − d ln x)), σz = a x^b by distance range, capped at
  5,000 m, x in km.

Intermediate classes (``A-B``, ``B-C``, ``C-D``) from the stability table use the mean
of the two classes' σ (a convention; the table gives no curve of its own).

Stability class from surface wind (10 m) and insolation or night cloud: Pasquill (1961)
as given by Turner (1970, Table 1) and EPA (2000) Meteorological Monitoring Guidance for
Regulatory Modeling Applications, EPA-454/R-99-005, Table 6-7 (which fills the calm-night
cells with E and F); overcast day or night is D.

Limits: a neutrally buoyant, steady plume (no dense-gas slumping: for chlorine and other
heavy gases near the source this understates the ground-level concentration close in and
overstates the plume's width); wind ≥ 1 m/s (below it the plume is not Gaussian; ALOHA
refuses calmer winds too); 1 m ≤ x ≤ 100 km; results beyond 10 km are extrapolated
(ALOHA does not report threat zones beyond 10 km).
"""

from __future__ import annotations

import math
from typing import Literal

SCHEMES = ("briggs_rural", "briggs_urban", "pasquill_gifford")
CLASSES = ("A", "B", "C", "D", "E", "F")
INTERMEDIATE = ("A-B", "B-C", "C-D")
MIN_WIND_M_S = 1.0
MIN_X_M = 1.0
MAX_X_M = 100_000.0
#: the distances the dispersion curves were fitted to (Briggs 1973; Pasquill–Gifford as
#: Turner 1970 draws them from 100 m) and the farthest ALOHA reports a threat zone: results
#: outside are extrapolated
FITTED_X_M = (100.0, 10_000.0)


def extrapolated(x_m: float) -> bool:
    """Whether a downwind distance lies outside :data:`FITTED_X_M` (100 m–10 km)."""
    return not FITTED_X_M[0] <= x_m <= FITTED_X_M[1]

# Briggs (1973) open country: σy = a x (1 + b x)^-1/2; σz = c x (1 + d x)^e
_BRIGGS_RURAL = {
    "A": (0.22, 0.0001, 0.20, 0.0, 0.0),
    "B": (0.16, 0.0001, 0.12, 0.0, 0.0),
    "C": (0.11, 0.0001, 0.08, 0.0002, -0.5),
    "D": (0.08, 0.0001, 0.06, 0.0015, -0.5),
    "E": (0.06, 0.0001, 0.03, 0.0003, -1.0),
    "F": (0.04, 0.0001, 0.016, 0.0003, -1.0),
}
# Briggs (1973) urban: σy = a x (1 + 0.0004 x)^-1/2; σz = c x (1 + d x)^e
_BRIGGS_URBAN = {
    "A": (0.32, 0.0004, 0.24, 0.001, 0.5),
    "B": (0.32, 0.0004, 0.24, 0.001, 0.5),
    "C": (0.22, 0.0004, 0.20, 0.0, 0.0),
    "D": (0.16, 0.0004, 0.14, 0.0003, -0.5),
    "E": (0.11, 0.0004, 0.08, 0.0015, -0.5),
    "F": (0.11, 0.0004, 0.08, 0.0015, -0.5),
}
# ISC3 (Table 1-1): σy angle coefficients (c, d) and σz (upper bound km, a, b) ranges
_ISC3_Y = {"A": (24.1670, 2.5334), "B": (18.3330, 1.8096), "C": (12.5000, 1.0857),
           "D": (8.3330, 0.72382), "E": (6.2500, 0.54287), "F": (4.1667, 0.36191)}
_ISC3_Z = {
    "A": [(0.10, 122.800, 0.94470), (0.15, 158.080, 1.05420), (0.20, 170.220, 1.09320),
          (0.25, 179.520, 1.12620), (0.30, 217.410, 1.26440), (0.40, 258.890, 1.40940),
          (0.50, 346.750, 1.72830), (math.inf, 453.850, 2.11660)],
    "B": [(0.20, 90.673, 0.93198), (0.40, 98.483, 0.98332), (math.inf, 109.300, 1.09710)],
    "C": [(math.inf, 61.141, 0.91465)],
    "D": [(0.30, 34.459, 0.86974), (1.00, 32.093, 0.81066), (3.00, 32.093, 0.64403),
          (10.00, 33.504, 0.60486), (30.00, 36.650, 0.56589), (math.inf, 44.053, 0.51179)],
    "E": [(0.10, 24.260, 0.83660), (0.30, 23.331, 0.81956), (1.00, 21.628, 0.75660),
          (2.00, 21.628, 0.63077), (4.00, 22.534, 0.57154), (10.00, 24.703, 0.50527),
          (20.00, 26.970, 0.46713), (40.00, 35.420, 0.37615), (math.inf, 47.618, 0.29592)],
    "F": [(0.20, 15.209, 0.81558), (0.70, 14.457, 0.78407), (1.00, 13.953, 0.68465),
          (2.00, 13.953, 0.63227), (3.00, 14.823, 0.54503), (7.00, 16.187, 0.46490),
          (15.00, 17.836, 0.41507), (30.00, 22.651, 0.32681), (60.00, 27.074, 0.27436),
          (math.inf, 34.219, 0.21716)],
}
ISC3_MAX_SIGMA_Z = 5000.0


def _check_class(stability: str) -> list[str]:
    if stability in CLASSES:
        return [stability]
    if stability in INTERMEDIATE:
        return stability.split("-")
    raise ValueError(f"unknown stability class {stability!r}; use A-F (or A-B, B-C, C-D)")


def _one(x: float, c: str, scheme: str) -> tuple[float, float]:
    if scheme == "briggs_rural" or scheme == "briggs_urban":
        a, b, cz, d, e = (_BRIGGS_RURAL if scheme == "briggs_rural" else _BRIGGS_URBAN)[c]
        sy = a * x / math.sqrt(1.0 + b * x)
        sz = cz * x * (1.0 + d * x) ** e
        return sy, sz
    km = x / 1000.0
    cy, dy = _ISC3_Y[c]
    sy = 465.11628 * km * math.tan(0.017453293 * (cy - dy * math.log(km)))
    for upper, a, b in _ISC3_Z[c]:
        if km <= upper:
            return sy, min(ISC3_MAX_SIGMA_Z, a * km ** b)
    raise AssertionError("unreachable")  # pragma: no cover


def sigmas(x_m: float, stability: str, scheme: str = "briggs_rural") -> tuple[float, float]:
    """(σy, σz), m, at ``x_m`` metres downwind.

    :param stability: Pasquill–Gifford class ``A``…``F`` or ``A-B``/``B-C``/``C-D``.
    :param scheme: ``briggs_rural``, ``briggs_urban`` or ``pasquill_gifford`` (ISC3).
    :raises ValueError: unknown class or scheme; x outside 1 m – 100 km.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown sigma scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    if not MIN_X_M <= x_m <= MAX_X_M:
        why = (" (upwind points get no plume)" if not x_m > 0 else
               " (the curves are fitted to 10 km; beyond 100 km they mean nothing)" if x_m > MAX_X_M else "")
        raise ValueError(f"downwind distance {x_m:g} m is outside the model's range "
                         f"{MIN_X_M:g} m-{MAX_X_M / 1000:g} km{why}")
    classes = _check_class(stability)
    pairs = [_one(x_m, c, scheme) for c in classes]
    return (sum(p[0] for p in pairs) / len(pairs), sum(p[1] for p in pairs) / len(pairs))


def concentration(rate_g_s: float, wind_m_s: float, x_m: float, y_m: float = 0.0, z_m: float = 0.0,
                  height_m: float = 0.0, stability: str = "D", scheme: str = "briggs_rural") -> float:
    """Steady concentration, g/m³, at (x, y, z) m from a continuous point release, with
    ground reflection (Turner 1970 eq. 3.1; the module docstring gives the equation).

    :param rate_g_s: release rate, g/s (≥ 0).
    :param wind_m_s: mean wind at release height, m/s (≥ 1).
    :param x_m: downwind distance, m (1 m – 100 km; beyond 10 km extrapolated).
    :param y_m: crosswind distance from the plume axis, m.
    :param z_m: receptor height, m (≥ 0).
    :param height_m: effective release height H (release height + plume rise), m (≥ 0).
    :param stability: Pasquill–Gifford class; :param scheme: sigma scheme (:func:`sigmas`).
    :raises ValueError: negative rate, height or z; wind below 1 m/s; see :func:`sigmas`.
    Valid for a neutrally buoyant, steady plume over flat terrain without a mixing lid.
    """
    if rate_g_s < 0 or height_m < 0 or z_m < 0:
        raise ValueError("release rate, release height and receptor height must not be negative")
    if not wind_m_s >= MIN_WIND_M_S:
        raise ValueError(f"wind {wind_m_s:g} m/s is below {MIN_WIND_M_S:g} m/s, where a Gaussian "
                         "plume is not valid")
    sy, sz = sigmas(x_m, stability, scheme)
    lateral = math.exp(-y_m * y_m / (2 * sy * sy))
    vertical = (math.exp(-(z_m - height_m) ** 2 / (2 * sz * sz))
                + math.exp(-(z_m + height_m) ** 2 / (2 * sz * sz)))
    return rate_g_s / (2 * math.pi * wind_m_s * sy * sz) * lateral * vertical


Insolation = Literal["strong", "moderate", "slight", "overcast", "night_cloudy", "night_clear"]

# columns: strong, moderate, slight insolation (day); night >= 4/8 low cloud; night <= 3/8 cloud
_STABILITY_TABLE = [
    (2.0, ("A", "A-B", "B", "E", "F")),
    (3.0, ("A-B", "B", "C", "E", "F")),
    (5.0, ("B", "B-C", "C", "D", "E")),
    (6.0, ("C", "C-D", "D", "D", "D")),
    (math.inf, ("C", "D", "D", "D", "D")),
]
_COLUMN = {"strong": 0, "moderate": 1, "slight": 2, "night_cloudy": 3, "night_clear": 4}


def stability_class(wind_m_s: float, insolation: Insolation) -> str:
    """Pasquill–Gifford class from the 10 m wind and the sky (Turner 1970 Table 1; EPA-454/
    R-99-005 Table 6-7).

    :param insolation: ``strong``/``moderate``/``slight`` (day), ``overcast`` (day or night:
        always D), ``night_cloudy`` (≥ 4/8 low cloud), ``night_clear`` (≤ 3/8 cloud).
    :returns: ``A``…``F`` or an intermediate class ``A-B``, ``B-C``, ``C-D``.
    :raises ValueError: negative wind, unknown sky.
    """
    if not wind_m_s >= 0:
        raise ValueError(f"wind speed must not be negative, got {wind_m_s!r}")
    if insolation == "overcast":
        return "D"
    if insolation not in _COLUMN:
        raise ValueError(f"unknown insolation {insolation!r}; use strong, moderate, slight, overcast, "
                         "night_cloudy or night_clear")
    for upper, row in _STABILITY_TABLE:
        if wind_m_s < upper:
            return row[_COLUMN[insolation]]
    raise AssertionError("unreachable")  # pragma: no cover


def _axis_maximum(conc, lo: float, hi: float) -> float:
    """The x (m) in [lo, hi] where ``conc`` is largest, by golden-section search on ln x
    (the axis concentration of a Gaussian plume has one maximum in x; 60 steps narrow
    the bracket by a factor 0.618^60 ≈ 3e-13)."""
    a, b = math.log(lo), math.log(hi)
    g = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = conc(math.exp(c)), conc(math.exp(d))
    for _ in range(60):
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = conc(math.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = conc(math.exp(d))
    return math.exp((a + b) / 2.0)


def centreline_x_range(rate_g_s: float, wind_m_s: float, threshold_g_m3: float, height_m: float,
                       stability: str, scheme: str, z_m: float = 0.0) -> tuple[float, float] | None:
    """Downwind interval (x_min, x_max), m, where the concentration on the plume axis at
    height ``z_m`` reaches ``threshold_g_m3``; None if nowhere within 1 m–100 km.

    Found on a log-spaced grid of 400 points to which the axis maximum is added (located
    by golden-section search between the grid points around the largest grid value, so
    that a level reached only in a short stretch around the maximum of an elevated
    release is not missed between grid points), then refined by bisection to 0.1 m."""
    if not threshold_g_m3 > 0:
        raise ValueError("threshold must be positive")
    xs = [MIN_X_M * (MAX_X_M / MIN_X_M) ** (k / 399) for k in range(400)]

    def conc(x: float) -> float:
        return concentration(rate_g_s, wind_m_s, x, 0.0, z_m, height_m, stability, scheme)

    def over(x: float) -> bool:
        return conc(x) >= threshold_g_m3

    values = [conc(x) for x in xs]
    k = max(range(len(xs)), key=values.__getitem__)
    peak = _axis_maximum(conc, xs[max(k - 1, 0)], xs[min(k + 1, len(xs) - 1)])
    if conc(peak) > values[k] and peak not in xs:
        xs.insert(k + 1 if peak > xs[k] else k, peak)
    flags = [over(x) for x in xs]
    if not any(flags):
        return None
    first = flags.index(True)
    last = len(flags) - 1 - flags[::-1].index(True)

    def edge(lo: float, hi: float, rising: bool) -> float:
        while hi - lo > 0.1:
            mid = (lo + hi) / 2
            if over(mid) == rising:
                hi = mid
            else:
                lo = mid
        return (lo + hi) / 2

    x_min = xs[0] if first == 0 else edge(xs[first - 1], xs[first], True)
    x_max = xs[-1] if last == len(xs) - 1 else edge(xs[last], xs[last + 1], False)
    return x_min, x_max


def half_width(rate_g_s: float, wind_m_s: float, x_m: float, threshold_g_m3: float, height_m: float,
               stability: str, scheme: str, z_m: float = 0.0) -> float:
    """Crosswind half-width, m, of the region above ``threshold_g_m3`` at ``x_m`` downwind
    (0 if the axis is below it): y = σy √(2 ln(C_axis / threshold))."""
    axis = concentration(rate_g_s, wind_m_s, x_m, 0.0, z_m, height_m, stability, scheme)
    if axis < threshold_g_m3:
        return 0.0
    sy, _ = sigmas(x_m, stability, scheme)
    return sy * math.sqrt(2.0 * math.log(axis / threshold_g_m3))


def threat_zone(rate_g_s: float, wind_m_s: float, threshold_g_m3: float, height_m: float = 0.0,
                stability: str = "D", scheme: str = "briggs_rural", z_m: float = 0.0) -> dict | None:
    """The footprint where the steady concentration exceeds a level of concern (as ALOHA's
    threat zones): ``{"x_min_m", "length_m" (downwind reach), "max_width_m", "outline"}``
    with ``outline`` a list of (x, half-width) pairs, m; None if the level is never reached.

    :raises ValueError: as :func:`concentration`; a non-positive threshold.
    """
    span = centreline_x_range(rate_g_s, wind_m_s, threshold_g_m3, height_m, stability, scheme, z_m)
    if span is None:
        return None
    x0, x1 = span
    n = 200
    outline = []
    for k in range(n + 1):
        # the ends exactly: x0 (x1 / x0) ** 1 can round past x1, and past the model's 100 km
        # when the zone reaches it (a Morris design point of the chemical leak failed so)
        x = x0 if k == 0 else x1 if k == n else x0 * (x1 / x0) ** (k / n)
        outline.append((x, half_width(rate_g_s, wind_m_s, x, threshold_g_m3, height_m, stability, scheme, z_m)))
    return {"x_min_m": x0, "length_m": x1, "max_width_m": 2 * max(w for _, w in outline),
            "outline": outline, "extrapolated": x1 > FITTED_X_M[1]}
