"""A coverage map (matplotlib, PNG): on the region's base map
(:mod:`drillsim.report.basemap`: rivers, sites, scale bar, north arrow, labels placed
apart), townships coloured by the travel minutes of the nearest unit (marker area by
population weight), the other places of interest as small squares, unit bases marked,
the places covered within the asked time outlined in red.

Longitude and latitude are drawn with the aspect 1 / cos(mean latitude), so a kilometre
is as long east–west as north–south (the equirectangular projection). Drawn on a
:class:`matplotlib.figure.Figure` (no pyplot state), with the CJK fallback font for
Chinese names (:func:`drillsim.report.fonts.plot_fonts`).
"""

from __future__ import annotations

import math
from pathlib import Path

from drillsim.planning.coverage import Coverage
from drillsim.report.basemap import draw_region, far_sites, finish
from drillsim.report.common import save_figure
from drillsim.report.fonts import plot_fonts


def write_map(cov: Coverage, path: str | Path, region, forces: list[str] | None = None) -> Path:
    """Draw ``cov`` for the nearest unit over ``forces`` (default: all shown) on the map
    of ``region`` (:class:`~drillsim.scenario.region.Region`) into ``path``.

    :raises OSError: the file cannot be written.
    """
    import matplotlib
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    path = Path(path)
    shown = [fc for fc in cov.forces if forces is None or fc.force in forces]
    names = ", ".join(fc.force for fc in shown)
    far = far_sites(region)  # named under the map (draw_region) instead of drawn
    places = [p for p in cov.places if p.id not in far]
    minutes = {p.id: cov.nearest(p.id, forces)[1].travel for p in places}
    finite = [m for m in minutes.values() if math.isfinite(m)]
    norm = Normalize(0, max(finite) if finite else 1)
    cmap = colormaps["viridis_r"]

    def label(t) -> str:
        m = minutes.get(t.id, math.inf)
        return t.name_pinyin.split()[0] + ("" if math.isinf(m) else f" {m:.0f} min")

    with matplotlib.rc_context(plot_fonts()):
        fig = Figure(figsize=(11, 11))
        ax = fig.subplots()
        labels = draw_region(ax, region, towns=False, label=label)
        for p in places:
            m = minutes[p.id]
            town = p.id in cov.population
            weight = cov.population.get(p.id) or 0
            size = 40 + 260 * math.sqrt(weight / 200_000) if town else 25
            color = "lightgray" if math.isinf(m) else cmap(norm(m))
            inside = cov.within is not None and m <= cov.within + 1e-9
            ax.scatter([p.lon], [p.lat], s=size, c=[color], marker="o" if town else "s",
                       edgecolors="red" if inside else "black", linewidths=2.0 if inside else 0.5,
                       zorder=3.5)
        # legend entries in grey: the colour is the bar's
        ax.scatter([], [], s=60, c="0.8", edgecolors="black", linewidths=0.5,
                   label="township (area: population weight)")
        ax.scatter([], [], s=25, marker="s", c="0.8", edgecolors="black", linewidths=0.5,
                   label="place of interest")
        if cov.within is not None:
            ax.scatter([], [], s=60, facecolors="white", edgecolors="red", linewidths=2.0,
                       label=f"within {cov.within:g} min")
        bases = [q for fc in shown for b in fc.bases for q in places if q.id == b]
        if bases:
            ax.scatter([q.lon for q in bases], [q.lat for q in bases], marker="^", s=90,
                       c="tab:red", edgecolors="black", zorder=4.5, label="unit base")
        sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        # the colour bar under the map: the legend and the north arrow take its right side
        fig.colorbar(sm, ax=ax, orientation="horizontal", shrink=0.6, pad=0.14,
                     label="travel minutes of the nearest unit")
        title = f"{cov.scenario}\nnearest unit of: {names}"
        if cov.within is not None:
            title += f"; red outline: within {cov.within:g} min"
        if cov.at:
            title += f"; roads as at {cov.at:g} min"
        ax.set_title(title, fontsize=8)
        finish(ax, region, labels)
        save_figure(fig, path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    return path
