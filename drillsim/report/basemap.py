"""A region's base map (matplotlib): what the region file knows, drawn under a hazard's
zones or a fire's perimeter (``drillsim hazard … --plot``).

- townships as markers, those on a river ringed in blue (the region gives each
  township's river, not the river's course: no river line is invented);
- sites by kind: landing sites, fire stations, rescue bases, the aviation base, chemical
  parks, gauges …, with a legend outside the map;
- the road graph's links when the region has one (without one, travel is straight
  line × circuity, and no road is drawn);
- a scale bar (a round number of km, about a fifth of the map's width; km per degree of
  longitude from the spherical Earth, 6371.0088 km × π/180 × cos latitude), a north
  arrow, and the data credits;
- township labels placed by adjustText (Flavell, https://github.com/Phlya/adjustText) so
  that they overlap neither each other nor the markers and zones drawn before
  :func:`finish` is called.
"""

from __future__ import annotations

import math

#: marker, colour and legend text by site kind (kinds not listed are drawn as "other")
SITE_STYLE = {
    "landing_site": ("^", "tab:purple", "landing site"),
    "aviation_base": ("P", "tab:purple", "aviation base"),
    "fire_station": ("s", "tab:red", "fire station"),
    "rescue_base": ("D", "tab:orange", "rescue base"),
    "chemical_park": ("X", "tab:brown", "chemical park"),
    "gauge": ("v", "tab:blue", "gauge"),
    "geohazard": ("*", "tab:olive", "geohazard point"),
    "shelter": ("h", "tab:green", "shelter"),
}
KM_PER_DEGREE = 6371.0088 * math.pi / 180


def mean_latitude(region) -> float:
    towns = list(region.townships.values())
    return sum(t.lat for t in towns) / len(towns)


def draw_region(ax, region) -> list:
    """Draw the region on ``ax`` (lon/lat degrees, equal distances both ways); return the
    township labels, for :func:`finish` to place."""
    graph = getattr(region, "graph", None)
    if graph is not None:
        for a, b in graph.edges():
            if a in region.places and b in region.places:
                pa, pb = region.places[a], region.places[b]
                ax.plot([pa.lon, pb.lon], [pa.lat, pb.lat], color="0.6", linewidth=0.8,
                        zorder=1, label="_road")
        ax.plot([], [], color="0.6", linewidth=0.8, label="road link")
    towns = list(region.townships.values())
    ax.scatter([t.lon for t in towns], [t.lat for t in towns], s=14, color="0.25", zorder=3,
               label="township seat")
    rivers = sorted({t.river for t in towns if t.river})
    for river in rivers:
        on = [t for t in towns if t.river == river]
        ax.scatter([t.lon for t in on], [t.lat for t in on], s=60, facecolors="none",
                   edgecolors="tab:blue", linewidths=1.0, zorder=3, label=f"on the {river.capitalize()}")
    shown = set()
    for site in region.spec.sites:
        marker, colour, text = SITE_STYLE.get(site.kind, ("o", "0.5", "other site"))
        ax.scatter([site.lon], [site.lat], marker=marker, s=36, color=colour, zorder=4,
                   edgecolors="white", linewidths=0.5, label=None if text in shown else text)
        shown.add(text)
    labels = [ax.text(t.lon, t.lat, t.name_pinyin.split()[0], fontsize=7, zorder=5)
              for t in towns]
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_aspect(1 / math.cos(math.radians(mean_latitude(region))))
    return labels


def scale_km(span_km: float) -> float:
    """A round bar length (1, 2 or 5 × 10^n km) of about a fifth of ``span_km``."""
    target = span_km / 5
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def finish(ax, region, labels: list, credits: str | None = None) -> None:
    """After everything else is drawn: scale bar, north arrow, credits, the legend
    outside the map, and the township labels moved off each other and off the markers."""
    from adjustText import adjust_text

    lat = mean_latitude(region)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_lon = KM_PER_DEGREE * math.cos(math.radians(lat))
    length = scale_km((x1 - x0) * km_per_lon)
    # bottom right: insets of enlarged zones sit on the left
    bx, by = x1 - 0.05 * (x1 - x0) - length / km_per_lon, y0 + 0.05 * (y1 - y0)
    ax.plot([bx, bx + length / km_per_lon], [by, by], color="black", linewidth=3,
            solid_capstyle="butt", zorder=6)
    ax.text(bx + length / km_per_lon / 2, by + 0.012 * (y1 - y0), f"{length:g} km",
            ha="center", va="bottom", fontsize=7, zorder=6)
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=9, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black"})
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    text = credits or "; ".join(region.spec.credits) or "Township points: GeoNames (CC BY 4.0)"
    ax.text(0.0, -0.09, text, transform=ax.transAxes, fontsize=6, va="top")
    old = ax.get_legend()  # a plot's own legend keeps its title (the chemical, the class)
    title = old.get_title().get_text() if old is not None else None
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7, frameon=False,
              title=title or None, title_fontsize=7)
    adjust_text(labels, ax=ax, expand=(1.1, 1.3), arrowprops={"arrowstyle": "-", "color": "0.5",
                                                               "linewidth": 0.5})
