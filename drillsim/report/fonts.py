"""Fonts for plots: Chinese names (townships, variants, plan titles) must render.

Matplotlib's default font (DejaVu Sans) has no CJK glyphs: a township called 桂林街道
would print as empty boxes. :func:`plot_fonts` gives the rc settings every drillsim plot
is drawn under: DejaVu Sans first (Latin text looks as before), then a CJK font that
Matplotlib falls back to glyph by glyph (Matplotlib ≥ 3.6). The CJK font is one already
installed (:data:`CJK_FAMILIES`, in that order) or else Noto Sans CJK SC (SIL Open Font
License) as shipped by the ``mplfonts`` package, a dependency of drillsim, registered
with Matplotlib without copying or changing anything.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

#: CJK font families used when installed (Linux, Windows, macOS names), best first
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC")

#: the font file used from ``mplfonts`` when none of the families is installed
SHIPPED_FONT = "NotoSansCJKsc-Regular.otf"


@functools.cache
def cjk_family() -> str | None:
    """The CJK font family plots fall back to, or None when the machine has none and
    ``mplfonts`` is missing (Chinese text then draws as boxes, with Matplotlib's warning)."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    try:
        from mplfonts.conf import FONT_DIR
    except ImportError:
        return None
    path = Path(FONT_DIR) / SHIPPED_FONT
    if not path.is_file():
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


class _RegularCjkInBold(logging.Filter):
    """Drops Matplotlib's notice that the CJK fallback ``family`` has no bold face
    ("findfont: Failed to find font weight bold for Noto Sans CJK SC, now using 400."):
    the shipped font has only its regular face, so Chinese glyphs in a bold title are
    drawn regular, which is meant; the notice was printed on stderr for every map and
    plot. Any other font's notice still shows."""

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (record.msg.startswith("findfont: Failed to find font weight")
                    and len(args) > 1 and args[1] == self.family)


@functools.cache
def _quiet_bold_notice(family: str) -> None:
    logging.getLogger("matplotlib.font_manager").addFilter(_RegularCjkInBold(family))


def plot_fonts() -> dict[str, object]:
    """rc settings for ``matplotlib.rc_context``: Latin text in DejaVu Sans, CJK glyphs
    from :func:`cjk_family` (drawn regular inside bold text when it has no bold face,
    without Matplotlib's notice of it on stderr)."""
    family = cjk_family()
    if family:
        _quiet_bold_notice(family)
    return {"font.family": ["DejaVu Sans"] + ([family] if family else []),
            "axes.unicode_minus": False}
