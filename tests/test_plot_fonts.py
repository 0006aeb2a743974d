"""Chinese names render in plots (issue 19, class 6): no glyph is missing, whether the
machine has a CJK font or drillsim falls back to the one it ships (mplfonts)."""

from __future__ import annotations

import warnings

import matplotlib
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from drillsim.cli.main import main
from drillsim.report.fonts import cjk_family, plot_fonts
from tests.batch_helpers import write_sweep

NAMES = "潼南区 桂林街道 双江镇 琼江 涪江 小河坝水文站 蓝天救援队 山城雪豹"

CHINESE_SWEEP = """\
name: 潼南 救援队 规模
scenario: ../scenario.yaml
replications: 3
factors:
  team_b:
    levels:
      - {name: 一队, set: {forces.b.units: 1}}
      - {name: 两队, set: {forces.b.units: 2}}
objective: {measure: pass_rate, target: R}
"""


def _missing_glyphs(draw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_cjk_font_is_found_or_shipped():
    assert cjk_family() is not None


def test_no_glyph_of_a_chinese_name_is_missing(tmp_path):
    def draw():
        with matplotlib.rc_context(plot_fonts()):
            fig = Figure(figsize=(6, 2))
            ax = fig.subplots()
            ax.set_title(NAMES)
            ax.set_yticks([0, 1], ["一队 (1 unit)", "两队 (2 units)"])
            fig.savefig(tmp_path / "names.png")

    assert _missing_glyphs(draw) == []


def test_a_bold_chinese_title_prints_no_font_notice(tmp_path, caplog):
    # the fallback font has only a regular face: a bold title draws its Chinese glyphs
    # regular, and Matplotlib's "Failed to find font weight bold" notice (once printed
    # on stderr for every map) is not logged for it
    def draw(family):
        with matplotlib.rc_context(plot_fonts()):
            fig = Figure(figsize=(6, 2))
            fig.subplots().set_title(NAMES, fontweight="bold", family=family)
            fig.savefig(tmp_path / "bold.png")

    matplotlib.font_manager.fontManager._findfont_cached.cache_clear()
    with caplog.at_level("WARNING", logger="matplotlib.font_manager"):
        draw(plot_fonts()["font.family"])
    assert not [r for r in caplog.records if "Failed to find font weight" in r.getMessage()]
    assert _missing_glyphs(lambda: draw(plot_fonts()["font.family"])) == []


def test_without_the_fallback_the_same_text_misses_glyphs(tmp_path):
    # the check above can fail: DejaVu Sans alone has none of these glyphs
    def draw():
        with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
            fig = Figure(figsize=(6, 2))
            fig.subplots().set_title(NAMES)
            fig.savefig(tmp_path / "boxes.png")

    assert _missing_glyphs(draw)


def test_batch_plots_of_a_chinese_sweep_have_every_glyph(mini, tmp_path):
    path = write_sweep(mini, CHINESE_SWEEP)
    db = tmp_path / "zh.db"
    runner = CliRunner()
    result = runner.invoke(main, ["batch", str(path), "--db", str(db), "--workers", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "plots"
    with pytest.warns() as caught:
        warnings.warn("marker", UserWarning)  # pytest.warns needs one warning at least
        result = runner.invoke(main, ["results", str(db), "--quiet", "--plots", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir())
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
