"""Plots and maps are written whole or not at all (`save_figure`), as text outputs are:
a figure that fails while it is drawn (a full disk, a drawing error) leaves no partial
image and no temporary file, and whatever was at the path before stays."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from drillsim.report.common import save_figure  # noqa: E402


class _Breaks(Text):
    def draw(self, renderer):
        raise RuntimeError("drawing failed half-way")


def _figure(breaks: bool = False) -> Figure:
    fig = Figure(figsize=(2, 2))
    ax = fig.subplots()
    ax.plot([0, 1, 2], [1, 0, 1])
    if breaks:
        fig.add_artist(_Breaks(0.5, 0.5, "x"))
    return fig


@pytest.mark.parametrize("name", ["map.png", "map.pdf"])
def test_a_figure_that_fails_leaves_nothing(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(RuntimeError, match="half-way"):
        save_figure(_figure(breaks=True), path, dpi=50)
    assert list(tmp_path.iterdir()) == []


def test_a_figure_that_fails_keeps_the_file_there_before(tmp_path):
    path = tmp_path / "map.png"
    path.write_bytes(b"the earlier map")
    with pytest.raises(RuntimeError):
        save_figure(_figure(breaks=True), path, dpi=50)
    assert path.read_bytes() == b"the earlier map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_the_image_is_the_one_savefig_writes(tmp_path):
    fig = _figure()
    save_figure(fig, tmp_path / "a.png", dpi=50, metadata={"Software": None})
    fig.savefig(tmp_path / "b.png", dpi=50, metadata={"Software": None})
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    save_figure(fig, tmp_path / "c.PDF", dpi=50)
    assert (tmp_path / "c.PDF").read_bytes()[:5] == b"%PDF-"
