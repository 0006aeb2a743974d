"""The compact map: townships at their coordinates, the seat's units and heard calls
there, the hazard's extent as the seat knows it (:mod:`drillsim.drill.mapview`)."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widget import Widget

#: the style of a township label by extent state (None: nothing known)
STATE_STYLE = {"impact": "bold white on red", "warning": "black on yellow", "receded": "black on green",
               None: ""}


def draw(state: dict, width: int, height: int) -> Text:
    """The map as text ``width`` columns by ``height`` rows of townships, then a legend.

    Each township is its name's first three letters at its seat's position (longitude
    across, latitude up; a degree of longitude shortened by the cosine of the latitude
    and a character cell taken as twice as tall as wide), moved to the nearest free cell
    when another is there; then the number of the seat's units there (green) and ``!``
    and the number of open calls heard there (magenta)."""
    towns = state.get("townships") or []
    text = Text()
    if not towns or width < 12 or height < 3:
        return Text("no map")
    lat0 = sum(t["lat"] for t in towns) / len(towns)
    kx = math.cos(math.radians(lat0))
    xs = [t["lon"] * kx for t in towns]
    ys = [t["lat"] for t in towns]
    span_x, span_y = (max(xs) - min(xs)) or 1e-9, (max(ys) - min(ys)) or 1e-9
    # one scale for both axes (a cell is about twice as tall as wide), the larger fit
    label = 6  # "Abc" + up to 3 marks
    scale = min((width - label) / span_x, 2 * (height - 1) / span_y)
    grid: list[list[tuple[str, str] | None]] = [[None] * width for _ in range(height)]

    def free(r: int, c: int) -> bool:
        return 0 <= r < height and 0 <= c and c + label <= width and all(
            grid[r][k] is None for k in range(max(0, c - 1), min(width, c + label + 1)))

    for t, x, y in sorted(zip(towns, xs, ys), key=lambda z: (-z[2], z[1])):
        r0 = round((max(ys) - y) * scale / 2)
        c0 = round((x - min(xs)) * scale)
        spot = next(((r0 + dr, c0 + dc) for d in range(max(width, height))
                     for dr in range(-d, d + 1) for dc in (-d, d, *range(-d + 1, d))
                     if max(abs(dr), abs(dc)) == d and free(r0 + dr, c0 + dc)), None)
        if spot is None:
            continue
        r, c = spot
        cells = [(ch, STATE_STYLE.get(t.get("state"), "")) for ch in t["name"][:3].ljust(3)]
        if t.get("units"):
            cells.append((str(t["units"]) if t["units"] < 10 else "+", "bold green"))
        if t.get("calls"):
            cells += [("!", "bold magenta"), (str(t["calls"]) if t["calls"] < 10 else "+", "bold magenta")]
        for k, cell in enumerate(cells[:label]):
            grid[r][c + k] = cell
    for r, row in enumerate(grid):
        for cell in row:
            if cell is None:
                text.append(" ")
            else:
                text.append(cell[0], style=cell[1] or None)
        if r < height - 1:
            text.append("\n")
    text.append("\n")
    text.append("wat", style=STATE_STYLE["impact"])
    text.append("er ")
    text.append("warn", style=STATE_STYLE["warning"])
    text.append(" ")
    text.append("rec", style=STATE_STYLE["receded"])
    text.append("ed ")
    text.append("n", style="bold green")
    text.append(" units ")
    text.append("!n", style="bold magenta")
    text.append(" calls")
    text.append("\n" + ("the truth" if state.get("truth") else "as the townships reported"), style="dim")
    return text


class MapPanel(Widget):
    """The map panel; :meth:`refresh_from` redraws it when the map changed. Its size is
    fixed by the stylesheet: a new map repaints the panel only, never the screen's
    layout."""

    def on_mount(self) -> None:
        self._drawn: tuple | None = None
        self._source: tuple | None = None
        self._text = Text("")
        self.border_title = "Map"

    def render(self) -> Text:
        return self._text

    def refresh_from(self, session, truth: bool = False) -> None:
        self._source = (session, truth)
        if not self.size.height:
            return  # not laid out yet: drawn on its first resize
        state = session.map_state(truth) if truth else session.map_state()
        width, height = max(self.content_size.width, 20), max(self.content_size.height - 3, 4)
        key = (repr(state), width, height)
        if key == self._drawn:
            return
        self._drawn = key
        self._text = draw(state, width, height)
        self.refresh()

    def on_resize(self) -> None:
        if self._source is not None:
            self.refresh_from(*self._source)
