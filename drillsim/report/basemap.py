"""A region's base map (matplotlib): what the region file knows, drawn under a hazard's
zones, a fire's perimeter (``drillsim hazard … --plot``) or a coverage map.

- river reaches from the region's ``rivers:`` (a line through the places on the river,
  upstream first; dashed where the course is approximate), townships on a river the
  region draws no reach of ringed in blue;
- townships as markers (or left to the caller, who colours them);
- sites by kind: landing sites, fire stations, rescue bases, the aviation base, chemical
  parks, gauges …, with a legend outside the map; a site far outside the district is
  named under the map instead (:func:`far_sites`);
- the road graph's links when the region has one; without one, travel is straight line
  × circuity, no road is drawn, and the credits line says so;
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
    "waterlogging": ("d", "tab:cyan", "waterlogging point"),
}
KM_PER_DEGREE = 6371.0088 * math.pi / 180
#: one blue each for the first rivers, so that the legend tells them apart
RIVER_COLOURS = ("tab:blue", "darkcyan", "navy")


def mean_latitude(region) -> float:
    towns = list(region.townships.values())
    return sum(t.lat for t in towns) / len(towns)


#: a site farther than this beyond the townships' extent (km) is not drawn but named
#: under the map: one far site (an aviation centre in the next district) would squeeze
#: the district into a corner
FAR_KM = 5.0


def far_sites(region) -> dict[str, str]:
    """The sites more than :data:`FAR_KM` outside the box around the townships, each
    with where it lies, for the line under the map ("Yongchuan regional aviation
    emergency centre: 36 km S of Wugui")."""
    from drillsim.scenario.geo import haversine_km

    towns = list(region.townships.values())
    south, north = min(t.lat for t in towns), max(t.lat for t in towns)
    west, east = min(t.lon for t in towns), max(t.lon for t in towns)
    out = {}
    for site in region.spec.sites:
        lat = min(max(site.lat, south), north)
        lon = min(max(site.lon, west), east)
        if haversine_km(site.lat, site.lon, lat, lon) <= FAR_KM:
            continue
        near = min(towns, key=lambda t: haversine_km(site.lat, site.lon, t.lat, t.lon))
        km = haversine_km(site.lat, site.lon, near.lat, near.lon)
        north_km = (site.lat - near.lat) * KM_PER_DEGREE
        east_km = (site.lon - near.lon) * KM_PER_DEGREE * math.cos(math.radians(near.lat))
        bearing = math.degrees(math.atan2(east_km, north_km)) % 360
        point = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")[round(bearing / 45) % 8]
        name = site.name_en or site.name_zh or site.id
        out[site.id] = f"{name}: {km:.0f} km {point} of {near.name_pinyin.split()[0]}"
    return out


def draw_region(ax, region, towns: bool = True, label=None) -> list:
    """Draw the region on ``ax`` (lon/lat degrees, equal distances both ways); return the
    township labels, for :func:`finish` to place.

    :param towns: draw the township markers (False: the caller draws them, coloured).
    :param label: the label of a township (a :class:`~drillsim.scenario.region.TownshipSpec`
        → text); default: its pinyin name without the 镇/街道 word. Townships at one
        point share a label, one line each.
    """
    graph = getattr(region, "graph", None)
    if graph is not None:
        for a, b in graph.edges():
            if a in region.places and b in region.places:
                pa, pb = region.places[a], region.places[b]
                ax.plot([pa.lon, pb.lon], [pa.lat, pb.lat], color="0.6", linewidth=0.8,
                        zorder=1, label="_road")
        ax.plot([], [], color="0.6", linewidth=0.8, label="road link")
    drawn = set()
    for k, river in enumerate(getattr(region.spec, "rivers", ())):
        points = [region.places[p] for p in river.course if p in region.places]
        approximate = river.status not in ("verified", "verified_secondary", "derived")
        name = " ".join(x for x in (river.name_en or river.id.capitalize(), river.name_zh) if x)
        ax.plot([p.lon for p in points], [p.lat for p in points], color=RIVER_COLOURS[k % 3],
                linewidth=1.6, alpha=0.7, linestyle=(0, (5, 2)) if approximate else "-",
                zorder=1.5, label=name + (" (approximate course)" if approximate else ""))
        drawn.add(river.id)
    townships = list(region.townships.values())
    if towns:  # one marker each: finish() keeps the labels off each marker
        for k, t in enumerate(townships):
            ax.scatter([t.lon], [t.lat], s=14, color="0.25", zorder=3,
                       label=None if k else "township seat")
    for river in sorted({t.river for t in townships if t.river} - drawn):
        on = [t for t in townships if t.river == river]
        ax.scatter([t.lon for t in on], [t.lat for t in on], s=60, facecolors="none",
                   edgecolors="tab:blue", linewidths=1.0, zorder=3, label=f"on the {river.capitalize()}")
    shown = set()
    far = far_sites(region)
    for site in region.spec.sites:
        if site.id in far:
            continue
        marker, colour, text = SITE_STYLE.get(site.kind, ("o", "0.5", "other site"))
        ax.scatter([site.lon], [site.lat], marker=marker, s=36, color=colour, zorder=4,
                   edgecolors="white", linewidths=0.5, label=None if text in shown else text)
        shown.add(text)
    label = label or (lambda t: t.name_pinyin.split()[0])
    # townships placed at one point (subdistricts at the district seat) share one label,
    # a line each: three labels started at one point would stay on top of each other
    at: dict[tuple[float, float], list] = {}
    for t in townships:
        at.setdefault((t.lon, t.lat), []).append(t)
    labels = [ax.text(lon, lat, "\n".join(label(t) for t in group), fontsize=7, zorder=5)
              for (lon, lat), group in at.items()]
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    from matplotlib.ticker import MaxNLocator

    # a narrow map's degree labels run together: a few round ones
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    ax.set_aspect(1 / math.cos(math.radians(mean_latitude(region))))
    return labels


def credits_text(region, credits: str | None = None, width: int = 120) -> str:
    """The credits line under a map (wrapped at ``width`` characters): the region's
    ``credits``, the sites left off the map (:func:`far_sites`), and, where the region
    has no road graph, that no road is drawn."""
    import textwrap

    parts = [credits] if credits else list(region.spec.credits) or [
        "Township points: GeoNames (CC BY 4.0)"]
    far = far_sites(region)
    if far:
        parts.append("Outside the district, not drawn: " + "; ".join(far.values()) + ".")
    if getattr(region, "graph", None) is None:
        parts.append(f"No road graph in the region: roads are not drawn (travel is the straight "
                     f"line × circuity {region.spec.travel.circuity.value:g}).")
    return "\n".join(line for part in parts for line in textwrap.wrap(part, width))


def scale_km(span_km: float) -> float:
    """A round bar length (1, 2 or 5 × 10^n km) of about a fifth of ``span_km``."""
    target = span_km / 5
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def finish(ax, region, labels: list, credits: str | None = None) -> None:
    """After everything else is drawn: scale bar, north arrow, credits, the legend
    outside the map with any inset (an enlarged zone: ``ax.inset_axes``) under it, and the
    township labels moved off each other and off the markers."""
    from adjustText import adjust_text

    lat = mean_latitude(region)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_lon = KM_PER_DEGREE * math.cos(math.radians(lat))
    length = scale_km((x1 - x0) * km_per_lon)
    # beside the map, at the foot of the legend's column (north arrow, then the bar): on
    # the map they hid townships and sites; the bar's length is in axes fraction
    frac = length / km_per_lon / (x1 - x0)
    ax.annotate("N", xy=(1.06, 0.11), xytext=(1.06, 0.02), xycoords="axes fraction",
                ha="center", va="center", fontsize=9, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black"}, annotation_clip=False)
    ax.plot([1.12, 1.12 + frac], [0.03, 0.03], color="black", linewidth=3, solid_capstyle="butt",
            transform=ax.transAxes, clip_on=False, zorder=6)
    ax.text(1.12 + frac / 2, 0.045, f"{length:g} km", transform=ax.transAxes, ha="center",
            va="bottom", fontsize=7, zorder=6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # under the axis title, wherever the tick labels put it
    ax.annotate(credits_text(region, credits), xy=(0.0, 0.0), xycoords=(ax.transAxes, ax.xaxis.label),
                xytext=(0, -4), textcoords="offset points", fontsize=6, va="top",
                annotation_clip=False)
    old = ax.get_legend()  # a plot's own legend keeps its title (the chemical, the class)
    title = old.get_title().get_text() if old is not None else None
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7, frameon=False,
                       title=title or None, title_fontsize=7)
    _insets_under(ax, legend)
    # labels repel from every marker drawn one per collection (townships, sites, a
    # coverage map's circles): their centres, in data coordinates (adjustText 1.4's
    # ``objects`` takes display boxes through the data transform, so it is not used)
    centres = [c.get_offsets()[0] for c in ax.collections if len(c.get_offsets()) == 1]
    adjust_text(labels, ax=ax, x=[float(p[0]) for p in centres], y=[float(p[1]) for p in centres],
                expand=(1.1, 1.3), force_text=(0.3, 0.5),
                iter_lim=1000, time_lim=None,  # by iterations: the same map on any machine
                arrowprops={"arrowstyle": "-", "color": "0.5", "linewidth": 0.5})


def _insets_under(ax, legend) -> None:
    """Put the insets of ``ax`` (its child axes) beside the map, between the legend and
    the north arrow, so that they hide no township."""
    insets = list(ax.child_axes)
    if not insets:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox, TransformedBbox

    figure = ax.figure
    canvas = figure.canvas if hasattr(figure.canvas, "get_renderer") else FigureCanvasAgg(figure)
    box = legend.get_window_extent(canvas.get_renderer()).transformed(ax.transAxes.inverted())
    top, bottom = box.y0 - 0.06, 0.16          # room for the inset's title; the arrow below
    height = max(0.2, (top - bottom) / len(insets))
    for k, inset in enumerate(insets):
        bounds = Bbox.from_bounds(1.04, top - (k + 1) * height, 0.5, height - 0.04)

        def locate(child, renderer, bounds=bounds):
            # as Axes.inset_axes places its insets, at other bounds (axes fraction)
            return TransformedBbox(bounds, ax.transAxes - child.figure.transSubfigure)

        inset.set_axes_locator(locate)
