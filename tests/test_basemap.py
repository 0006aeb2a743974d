"""Hazard maps show what the region knows, with labels that do not overlap, a scale bar
of a round length, a north arrow and the legend outside the map."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from drillsim.report.basemap import KM_PER_DEGREE, draw_region, finish, scale_km
from drillsim.report.fonts import plot_fonts
from drillsim.scenario.region import load_region

ROOT = Path(__file__).resolve().parents[1]


def test_scale_bar_lengths_by_hand():
    # about a fifth of the span, rounded down to 1, 2 or 5 x 10^n km
    assert scale_km(60) == 10      # 12 -> 10
    assert scale_km(23) == 2       # 4.6 -> 2
    assert scale_km(30) == 5       # 6 -> 5
    assert scale_km(3) == 0.5      # 0.6 -> 0.5


def test_tongnan_map(tmp_path):
    path = ROOT / "scenarios" / "regions" / "tongnan.yaml"
    region = load_region(path, str(path))
    with matplotlib.rc_context(plot_fonts()):
        fig = Figure(figsize=(10, 8))
        ax = fig.subplots()
        labels = draw_region(ax, region)
        finish(ax, region, labels)
        fig.savefig(tmp_path / "map.png", dpi=80)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        boxes = [t.get_window_extent(renderer) for t in labels]
        legend = ax.get_legend().get_window_extent(renderer)
        axes_box = ax.get_window_extent(renderer)
    assert len(labels) == len(region.townships) == 23
    overlaps = [(labels[i].get_text(), labels[j].get_text()) for i in range(len(boxes))
                for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert overlaps == []
    assert legend.x0 >= axes_box.x1                     # the legend is outside the map
    names = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"township seat", "landing site", "fire station", "on the Fujiang"} <= names
    texts = [t.get_text() for t in ax.texts]
    # the bar: a round length near a fifth of the map's width at the region's latitude
    x0, x1 = ax.get_xlim()
    lat = sum(t.lat for t in region.townships.values()) / 23
    width_km = (x1 - x0) * KM_PER_DEGREE * math.cos(math.radians(lat))
    assert f"{scale_km(width_km):g} km" in texts
    assert any(a.get_text() == "N" for a in ax.texts)
