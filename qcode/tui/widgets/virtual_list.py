"""A Line API list of items of any height: only the visible rows are ever rendered.

Subclasses lay each item out as rows (``layout_item``) and render one row at a time
(``render_row``). The list keeps a flat row table, so finding the row at a screen line is an
index, and re-laying one item (a code toggled) splices only its rows.
"""

from __future__ import annotations

from bisect import bisect_right
from math import ceil
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from qcode.tui.widgets.wrap import wrap_spans

#: One screen row: (kind, item index, start, end, extra). Subclasses give kinds their meaning.
Row = tuple[int, int, int, int, tuple[int, ...]]


def _thumb(size: int, virtual: int, window: int, position: float) -> tuple[int, int] | None:
    """Where a vertical scrollbar's thumb is drawn, in eighths of a cell (as ``ScrollBarRender`` draws it)."""
    window = ceil(window if window < virtual else 0)
    if not (window and size and virtual and size != virtual):
        return None
    thumb = max(1.0, window / (virtual / size))
    start = int((size - thumb) * (position / (virtual - window)) * 8)
    return start, start + ceil(thumb * 8)


class VirtualList(ScrollView, can_focus=True):
    """A keyboard-driven list with a cursor on one item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "choose", "Choose", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--note"}

    DEFAULT_CSS = """
    VirtualList {
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    VirtualList > .virtual-list--note { color: $text-muted; }
    """

    #: Items are laid out differently under the cursor (shown whole there, cut to fit elsewhere).
    CURSOR_LAYOUT: ClassVar[bool] = False

    class _ItemMessage(Message):
        """Something happened at item ``index`` of the list ``source``."""

        def __init__(self, source: VirtualList, index: int) -> None:
            super().__init__()
            self.source = source
            self.index = index

        @property
        def control(self) -> VirtualList:
            """The list the message comes from (for ``@on(..., selector)``)."""
            return self.source

    class Moved(_ItemMessage):
        """The cursor moved to another item."""

    class Chosen(_ItemMessage):
        """Enter (or a click) chose the item under the cursor."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[Row] = []
        self._first: list[int] = []  # first row of each item
        self._layout_width = 0
        self._cursor_on_top = False  # the next layout brings the cursor's item to the top
        self._base_style: Style | None = None
        self._layers: dict[str, Style] = {}
        self.cursor = 0
        #: Shown in place of the rows when there are no items: why the list is empty, what to do.
        self.empty_note = ""

    # -- subclass interface -------------------------------------------------------------------

    def item_count(self) -> int:
        """How many items the list shows."""
        return 0

    def layout_item(self, index: int, width: int) -> list[Row]:
        """The rows of item ``index`` at ``width`` cells (at least one row)."""
        return [(0, index, 0, 0, ())]

    def render_row(self, row: Row, width: int) -> Strip:
        """Render one row, exactly ``width`` cells wide."""
        return Strip.blank(width, self.base_style)

    @property
    def base_style(self) -> Style:
        """The widget's own Rich style, cached: Textual recomputes ``rich_style`` up the DOM on each call."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def layer_style(self, component: str) -> Style:
        """A component class's style as a layer: only what its CSS sets, colours blended by Textual.

        (The full component style also carries the widget's background, which would hide the cursor
        row's; the partial one has unblended colours, which alpha backgrounds need.)
        """
        style = self._layers.get(component)
        if style is None:
            part = self.get_component_rich_style(component, partial=True)
            full = self.get_component_rich_style(component)
            style = self._layers[component] = Style(
                color=full.color if part.color is not None else None,
                bgcolor=full.bgcolor if part.bgcolor is not None else None,
                bold=part.bold,
                dim=part.dim,
                italic=part.italic,
                underline=part.underline,
                reverse=part.reverse,
            )
        return style

    def notify_style_update(self) -> None:
        """Styles changed (theme, CSS): forget the cached styles."""
        super().notify_style_update()
        self._base_style = None
        self._layers = {}

    # -- layout -------------------------------------------------------------------------------

    def _set_virtual_height(self, width: int, height: int) -> None:
        """Set the virtual size without a screen layout: the scrollbar is always shown, so nothing else moves.

        (Textual's reactive ``virtual_size`` would lay the whole screen out again and repaint it all,
        which costs more than everything else a keypress does.)
        """
        size = Size(width, height)
        if size == self.virtual_size:
            return
        bar = self._vertical_scrollbar
        if bar is None or not bar.is_mounted or size.width != self.virtual_size.width:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
            return
        # A row more or less: repaint the scrollbar only if its thumb moves, so a toggle's frame
        # covers the changed rows alone and not the whole height of the pane.
        before = _thumb(bar.size.height, bar.window_virtual_size, bar.window_size, bar.position)
        self.set_reactive(ScrollView.virtual_size, size)
        bar.set_reactive(ScrollBar.window_virtual_size, height)
        if _thumb(bar.size.height, height, bar.window_size, bar.position) != before:
            bar.refresh()
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    @property
    def row_width(self) -> int:
        """Cells available for a row (the vertical scrollbar is always there)."""
        return max(self.scrollable_content_region.width, 1)

    def relayout(self) -> None:
        """Lay every item out again (new data, or a new width).

        Before the widget has a size there is nothing to wrap to: the layout waits for the first
        render (see :meth:`render_lines`), so a big transcript is wrapped once, at its real width.
        """
        self.cursor = min(self.cursor, max(self.item_count() - 1, 0))
        if not self.size.width:
            self._layout_width = 0
            self._rows, self._first = [], []
            return
        width = self._layout_width = self.row_width
        rows: list[Row] = []
        first: list[int] = []
        layout, mark = self.layout_item, first.append
        for i in range(self.item_count()):
            mark(len(rows))
            rows += layout(i, width)
        self._rows, self._first = rows, first
        self._set_virtual_height(width, len(rows))
        self.refresh()

    def relayout_item(self, index: int) -> None:
        """Lay one item out again and repaint only it, unless its height changed."""
        if not 0 <= index < len(self._first):
            return
        start, end = self.item_rows(index)
        rows = self.layout_item(index, self._layout_width or self.row_width)
        self._rows[start:end] = rows
        delta = len(rows) - (end - start)
        if delta:
            for i in range(index + 1, len(self._first)):
                self._first[i] += delta
            self._set_virtual_height(self.virtual_size.width, len(self._rows))
            # rows above the item did not move: repaint from the item to the bottom of the view
            top = round(self.scroll_offset.y)
            first = max(start, top)
            self.refresh_lines(first, max(top + self.size.height - first, 1))
        else:
            self.refresh_item(index)

    def item_rows(self, index: int) -> tuple[int, int]:
        """The [start, end) rows of an item."""
        start = self._first[index]
        end = self._first[index + 1] if index + 1 < len(self._first) else len(self._rows)
        return start, end

    def item_at_row(self, row: int) -> int:
        """The item shown on virtual row ``row``."""
        return max(bisect_right(self._first, row) - 1, 0)

    def refresh_item(self, index: int) -> None:
        """Repaint the screen lines of one item."""
        if 0 <= index < len(self._first):
            start, end = self.item_rows(index)
            self.refresh_lines(start, end - start)

    def _ensure_layout(self) -> None:
        """Wrap again where the width is not the one laid out for (a resize, the first render)."""
        if self.size.width and self._layout_width != self.row_width:
            self.relayout()
            self.scroll_to_item(self.cursor, top=self._cursor_on_top)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap when the width changes; keep the cursor in view when the height does."""
        self._ensure_layout()
        if self._first and not self._cursor_on_top:  # laid out, and no first scroll still to come
            self.scroll_to_item(self.cursor)

    # -- rendering ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """Lay out first where the width is new, so even the first frame shows the items wrapped."""
        self._ensure_layout()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """The Line API hook: render the row at screen line ``y`` (or the note of an empty list)."""
        width = self.size.width
        index = self.scroll_offset.y + y
        if not self._rows and self.empty_note:
            return self._note_line(y, width)
        if index >= len(self._rows):
            return Strip.blank(width, self.base_style)
        return self.render_row(self._rows[index], width)

    def _note_line(self, y: int, width: int) -> Strip:
        """Line ``y`` of :attr:`empty_note`, wrapped to the list's width with a one-cell margin."""
        room = max(self.row_width - 2, 8)
        lines = [
            part[a:b] for part in self.empty_note.split("\n") for a, b in wrap_spans(part, room)
        ]
        text = f" {lines[y]}" if y < len(lines) else ""
        style = self.base_style + self.layer_style("virtual-list--note")
        return Strip([Segment(text, style)]).adjust_cell_length(width, self.base_style)

    # -- cursor -------------------------------------------------------------------------------

    def move_to(self, index: int, *, notify: bool = True) -> None:
        """Put the cursor on item ``index`` (clamped) and bring it into view."""
        count = self.item_count()
        if not count:
            return
        index = min(max(index, 0), count - 1)
        old, self.cursor = self.cursor, index
        if old != index and self.CURSOR_LAYOUT:
            self.relayout_item(old)
            self.relayout_item(index)
        elif old != index:
            self.refresh_item(old)
            self.refresh_item(index)
        self.scroll_to_item(index)
        if notify and old != index:
            self.post_message(self.Moved(self, index))

    def scroll_to_item(self, index: int, *, top: bool = False) -> None:
        """Scroll the least needed to show the whole item (or its top, if it is taller than the view).

        With ``top``, an item out of view comes to the top of the view instead (opening a document).
        """
        self._cursor_on_top = top and not self._first  # not laid out yet: the first layout does it
        if not 0 <= index < len(self._first):
            return
        start, end = self.item_rows(index)
        height = self.scrollable_content_region.height
        top_row = round(self.scroll_offset.y)
        if start < top_row or (top and end > top_row + height):
            target = start
        elif end > top_row + height:
            target = min(start, end - height)
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` items."""
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        """Move by about a screenful of rows."""
        if not self._first:
            return
        height = max(self.scrollable_content_region.height - 1, 1)
        start, _ = self.item_rows(self.cursor)
        target = self.item_at_row(min(max(start + direction * height, 0), len(self._rows) - 1))
        if target == self.cursor:
            target += direction
        self.move_to(target)

    def action_first(self) -> None:
        """Go to the first item."""
        self.move_to(0)

    def action_last(self) -> None:
        """Go to the last item."""
        self.move_to(self.item_count() - 1)

    def action_choose(self) -> None:
        """Tell the screen the item under the cursor was chosen."""
        if self.item_count():
            self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor there; a double click chooses."""
        row = round(self.scroll_offset.y) + event.y
        if 0 <= row < len(self._rows):
            self.move_to(self.item_at_row(row))
            if event.chain >= 2:
                self.action_choose()
