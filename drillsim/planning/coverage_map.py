"""A coverage map (matplotlib, PNG): townships and places coloured by the travel minutes
of the nearest unit, unit bases marked, the places covered within the asked time outlined.

Longitude and latitude are drawn with the aspect 1 / cos(mean latitude), so a kilometre
is as long east–west as north–south (the equirectangular projection). Drawn on a
:class:`matplotlib.figure.Figure` (no pyplot state), with the CJK fallback font for
Chinese names (:func:`drillsim.report.fonts.plot_fonts`).
"""

from __future__ import annotations

import math
from pathlib import Path

from drillsim.planning.coverage import Coverage
from drillsim.report.fonts import plot_fonts


def write_map(cov: Coverage, path: str | Path, forces: list[str] | None = None) -> Path:
    """Draw ``cov`` for the nearest unit over ``forces`` (default: all shown) into ``path``.

    :raises OSError: the file cannot be written.
    """
    import matplotlib
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    path = Path(path)
    shown = [fc for fc in cov.forces if forces is None or fc.force in forces]
    names = ", ".join(fc.force for fc in shown)
    with matplotlib.rc_context(plot_fonts()):
        fig = Figure(figsize=(8, 8), layout="constrained")
        ax = fig.subplots()
        minutes = {p.id: cov.nearest(p.id, forces)[1].travel for p in cov.places}
        finite = [m for m in minutes.values() if math.isfinite(m)]
        norm = Normalize(0, max(finite) if finite else 1)
        cmap = colormaps["viridis_r"]
        for p in cov.places:
            m = minutes[p.id]
            town = p.id in cov.population
            weight = cov.population.get(p.id) or 0
            size = 40 + 260 * math.sqrt(weight / 200_000) if town else 25
            color = "lightgray" if math.isinf(m) else cmap(norm(m))
            inside = cov.within is not None and m <= cov.within + 1e-9
            ax.scatter([p.lon], [p.lat], s=size, c=[color], marker="o" if town else "s",
                       edgecolors="red" if inside else "black", linewidths=2.0 if inside else 0.5,
                       zorder=2)
            if town:
                label = p.name + ("" if math.isinf(m) else f"\n{m:.0f} min")
                ax.annotate(label, (p.lon, p.lat), fontsize=6, xytext=(5, 3),
                            textcoords="offset points")
        for fc in shown:
            for b in fc.bases:
                q = next((p for p in cov.places if p.id == b), None)
                if q is not None:
                    ax.scatter([q.lon], [q.lat], marker="^", s=90, c="tab:red", edgecolors="black",
                               zorder=3)
        mean_lat = sum(p.lat for p in cov.places) / len(cov.places)
        ax.set_aspect(1 / math.cos(math.radians(mean_lat)))
        ax.tick_params(axis="x", labelrotation=45)
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
        sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        fig.colorbar(sm, ax=ax, shrink=0.7, label="travel minutes of the nearest unit")
        title = f"{cov.scenario}\nnearest unit of: {names}"
        if cov.within is not None:
            title += f"; red outline: within {cov.within:g} min"
        if cov.at:
            title += f"; roads as at {cov.at:g} min"
        ax.set_title(title, fontsize=8)
        fig.savefig(path, dpi=110, metadata={"Software": None})
    return path
