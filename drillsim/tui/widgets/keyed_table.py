"""A table redrawn by difference: only the rows that changed are painted again.

Textual's ``DataTable`` renders every visible row again after any change to any cell
(its render caches are keyed on a table-wide update count), and adding rows lays the
whole screen out; on a drill's boards at 600× (a unit's minutes on task change every
tick) that was most of a frame. :class:`KeyedTable` draws its lines itself (Textual's
line API): each row's line is kept until one of its cells changes, :meth:`sync` compares
the new rows with the shown ones by key, and only the lines of rows that changed (or
came, or went) are repainted.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: columns are separated by this many blank cells
GAP = 2


class KeyedTable(ScrollView, can_focus=True):
    """A table of rows with keys and plain-text cells (never markup: places and kinds
    are named by users), a row cursor and a header line that stays at the top.

    :cvar COLUMNS: ``(key, label)`` of each column.
    :ivar rebuilds: how many times every line was drawn again (columns widened, rows
        gone or reordered); :ivar cells_written: cells that changed since mounted (a test
        and the bench read both).
    """

    COLUMNS: tuple[tuple[str, str], ...] = ()
    BINDINGS = [
        Binding("up", "cursor(-1)", "up", show=False),
        Binding("down", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home,ctrl+home", "first", "first row", show=False),
        Binding("end,ctrl+end", "last", "last row", show=False),
    ]
    COMPONENT_CLASSES = {"keyed-table--header", "keyed-table--cursor", "keyed-table--even"}
    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        & > .keyed-table--header { text-style: bold; background: $panel; }
        & > .keyed-table--even { background: $surface-darken-1 40%; }
        & > .keyed-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .keyed-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    #: rows added change this table's scrollable height only: its scrollbar (always
    #: shown) follows, the screen is not laid out again (see the feed)
    virtual_size = Reactive(Size(0, 0), layout=False, repaint=True)

    def watch_virtual_size(self, size: Size) -> None:
        self._scroll_update(size)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keys: list[str] = []
        self._cells: dict[str, tuple[str, ...]] = {}
        self._widths = [cell_len(label) for _, label in self.COLUMNS]
        self._lines: dict[tuple, Strip] = {}
        self.cursor_row = 0
        self.rebuilds = 0
        self.cells_written = 0

    # -- what the drill screens and the tests read -----------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._keys)

    def get_row(self, key: str) -> tuple[str, ...]:
        """The cells of the row ``key``.

        :raises KeyError: no such row."""
        return self._cells[key]

    def get_row_at(self, index: int) -> tuple[str, ...]:
        return self._cells[self._keys[index]]

    def selected_key(self) -> str | None:
        """The key of the row under the cursor (None: no rows)."""
        return self._keys[self.cursor_row] if self._keys else None

    # -- rows ------------------------------------------------------------------------------
    def sync(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        """Show ``rows``, ``[(key, cells)]`` in order, each cell a string."""
        rows = [(key, tuple(str(c) for c in cells)) for key, cells in rows]
        widths = list(self._widths)
        for _, cells in rows:
            for n, c in enumerate(cells):
                if n < len(widths) and cell_len(c) > widths[n]:
                    widths[n] = cell_len(c)
        keys = [k for k, _ in rows]
        same_order = keys[:len(self._keys)] == self._keys
        changed: list[int] = []
        for i, (key, cells) in enumerate(rows):
            old = self._cells.get(key)
            if old != cells:
                self.cells_written += len(cells) if old is None else sum(a != b for a, b in zip(cells, old))
                changed.append(i)
        self._cells = dict(rows)
        grown = len(keys) != len(self._keys)
        self._keys = keys
        if self.cursor_row >= len(keys):
            self.cursor_row = max(0, len(keys) - 1)
        if grown:
            self.virtual_size = Size(sum(widths) + GAP * len(widths), len(keys) + 1)
        if widths != self._widths or not same_order:
            self._widths = widths
            self._lines.clear()
            self.rebuilds += 1
            self.refresh()
            return
        for i in changed:
            self._invalidate(keys[i])
            self._refresh_row(i)

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # -- drawing ---------------------------------------------------------------------------
    def _text_line(self, cells: tuple[str, ...]) -> str:
        return "".join(c + " " * (w - cell_len(c) + GAP) for c, w in zip(cells, self._widths))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("keyed-table--header")
            kind, text = "header", self._text_line(tuple(label for _, label in self.COLUMNS))
        else:
            index = self.scroll_offset.y + y - 1
            if index >= len(self._keys):
                return Strip.blank(width, self.rich_style)
            key = self._keys[index]
            if index == self.cursor_row:
                kind, style = "cursor", self.get_component_rich_style("keyed-table--cursor")
            elif index % 2:
                kind, style = "even", self.get_component_rich_style("keyed-table--even")
            else:
                kind, style = "odd", Style()
            text = None
        cache = (kind, y == 0 or key, width, self.has_focus)
        strip = self._lines.get(cache)
        if strip is None:
            if text is None:
                text = self._text_line(self._cells[key])
            base = self.rich_style + style
            strip = Strip([Segment(" " + text, base)]).crop_extend(0, width, base)
            self._lines[cache] = strip
        return strip

    def _invalidate(self, key: str) -> None:
        for k in [k for k in self._lines if k[1] == key]:
            del self._lines[k]

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._lines.clear()

    # -- the cursor ------------------------------------------------------------------------
    def _move_to(self, row: int) -> None:
        if not self._keys:
            return
        row = max(0, min(len(self._keys) - 1, row))
        old, self.cursor_row = self.cursor_row, row
        shown = max(1, self.size.height - 1)
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + shown:
            self.scroll_to(y=row - shown + 1, animate=False, immediate=True)
        self._refresh_row(old)
        self._refresh_row(row)

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self._move_to(self.cursor_row + step * max(1, self.size.height - 2))

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self._keys) - 1)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()
