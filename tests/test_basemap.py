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
    # 23 townships; Guilin and Dafo sit at Zitong's point (the district seat): one label
    # of three lines there
    assert len(region.townships) == 23 and len(labels) == 21
    assert "Zitong\nGuilin" in {t.get_text() for t in labels} or \
        any({"Zitong", "Guilin", "Dafo"} <= set(t.get_text().split("\n")) for t in labels)
    overlaps = [(labels[i].get_text(), labels[j].get_text()) for i in range(len(boxes))
                for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert overlaps == []
    assert legend.x0 >= axes_box.x1                     # the legend is outside the map
    names = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"township seat", "landing site", "fire station", "Fujiang 涪江 (approximate course)",
            "Qiongjiang 琼江 (approximate course)"} <= names
    # the rivers run through the seats the region file lists, upstream first
    rivers = {line.get_label(): line for line in ax.get_lines()}
    fujiang = rivers["Fujiang 涪江 (approximate course)"]
    course = [region.places[p] for p in ("mixin", "yuxi", "shuangjiang", "zitong", "shanghe", "biekou")]
    assert list(fujiang.get_xdata()) == [p.lon for p in course]
    assert list(fujiang.get_ydata()) == [p.lat for p in course]
    assert fujiang.get_linestyle() == "--"          # approximate: dashed
    texts = [t.get_text() for t in ax.texts]
    # the bar: a round length near a fifth of the map's width at the region's latitude
    x0, x1 = ax.get_xlim()
    lat = sum(t.lat for t in region.townships.values()) / 23
    width_km = (x1 - x0) * KM_PER_DEGREE * math.cos(math.radians(lat))
    assert f"{scale_km(width_km):g} km" in texts
    assert any(a.get_text() == "N" for a in ax.texts)


def test_an_unknown_place_on_a_river_course_is_refused(tmp_path):
    import pytest

    from drillsim.errors import ValidationFailed

    source = (ROOT / "scenarios" / "regions" / "tongnan.yaml").read_text(encoding="utf-8")
    bad = source.replace("course: [chongkan, baizi, taian,", "course: [chongkan, baizi, tai_an,")
    assert bad != source
    path = tmp_path / "region.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load_region(path, str(path))
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "tai_an" in text)
    assert f"{path}:{line}:" in str(failed.value)
    assert "rivers[1].course[2]: unknown township or site 'tai_an'; did you mean 'taian'?" in str(failed.value)


def test_a_zone_inset_sits_beside_the_map_under_the_legend():
    # a calculator's inset (an enlarged zone) must hide no township: finish() puts it
    # right of the map, below the legend and above the north arrow
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    path = ROOT / "scenarios" / "regions" / "tongnan.yaml"
    region = load_region(path, str(path))
    with matplotlib.rc_context(plot_fonts()):
        fig = Figure(figsize=(10, 8))
        ax = fig.subplots()
        labels = draw_region(ax, region)
        inset = ax.inset_axes([0.02, 0.06, 0.34, 0.26])    # where the calculators once put it
        inset.plot([0, 1], [0, 1])
        finish(ax, region, labels)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        box = inset.get_window_extent(renderer)
        legend = ax.get_legend().get_window_extent(renderer)
        axes_box = ax.get_window_extent(renderer)
        arrow = next(t for t in ax.texts if t.get_text() == "N").get_window_extent(renderer)
    assert box.x0 > axes_box.x1                  # beside the map
    assert box.y1 < legend.y0                    # under the legend
    assert box.y0 > arrow.y1                     # above the north arrow


def test_a_site_far_outside_the_district_is_named_under_the_map_not_drawn():
    from drillsim.report.basemap import credits_text, far_sites

    path = ROOT / "scenarios" / "regions" / "tongnan.yaml"
    region = load_region(path, str(path))
    # by hand: Yongchuan (29.3667, 105.9333) from Wugui (29.81882, 105.75563), the
    # nearest seat: 0.45212 deg south = 50.3 km, 0.17767 deg east x cos 29.8 = 17.1 km;
    # sqrt(50.3^2 + 17.1^2) = 53.1 km, bearing 161 deg: S
    # Suining (30.508, 105.5733) from Mixin (30.37985, 105.76781): 0.12815 deg north =
    # 14.2 km, 0.19451 deg west x cos 30.4 = 18.7 km: 23.5 km, bearing 307 deg: NW.
    # Ziyang (30.1222, 104.6419) from Chongkan (30.15559, 105.61222): 3.7 km south,
    # 0.97032 deg west x cos 30.1 = 93.3 km: 93 km, bearing 268 deg: W
    assert far_sites(region) == {
        "yongchuan_aviation_centre": "Yongchuan regional aviation emergency centre: 53 km S of Wugui",
        "suining_city": "Suining city (Chuanshan district seat), Sichuan: 23 km NW of Mixin",
        "ziyang_city": "Ziyang city (Yanjiang district seat), Sichuan: 93 km W of Chongkan"}
    assert ("Outside the district, not drawn: Yongchuan regional aviation emergency centre: 53 km "
            "S of Wugui; Suining city (Chuanshan district seat), Sichuan: 23 km NW of Mixin; "
            "Ziyang city (Yanjiang district seat), Sichuan: 93 km W of Chongkan.") in \
        credits_text(region).replace("\n", " ")
    with matplotlib.rc_context(plot_fonts()):
        fig = Figure(figsize=(10, 8))
        ax = fig.subplots()
        draw_region(ax, region)
    assert ax.get_ylim()[0] > 29.7          # the map stays on the district (Wugui 29.82)
