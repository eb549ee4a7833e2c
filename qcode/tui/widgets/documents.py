"""The documents pane: interviewees, their attributes and this coder's progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.segment import Segment
from textual.strip import Strip

from qcode.coding.types import DocumentInfo, Progress
from qcode.tui.widgets.virtual_list import Row, VirtualList
from qcode.tui.widgets.wrap import measure, wrap_spans

NAME_ROW, ATTR_ROW = 0, 1


class DocumentList(VirtualList):
    """Two rows per document: name and progress, then gender · country · occupation (whole if highlighted)."""

    CURSOR_LAYOUT = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "documents--cursor",
        "documents--open",
        "documents--attrs",
        "documents--done",
        "documents--progress",
    }

    DEFAULT_CSS = """
    DocumentList > .documents--cursor { background: $boost; }
    DocumentList:focus > .documents--cursor { background: $accent 30%; }
    DocumentList > .documents--open { color: $accent; text-style: bold; }
    DocumentList > .documents--attrs { color: $text-muted; }
    DocumentList > .documents--done { color: $success; }
    DocumentList > .documents--progress { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.documents: Sequence[DocumentInfo] = ()
        self.progress: Mapping[int, Progress] = {}
        self.open_index = -1

    def set_documents(self, documents: Sequence[DocumentInfo]) -> None:
        """The documents to list."""
        self.documents = documents
        self.relayout()

    def set_progress(self, progress: Mapping[int, Progress], *, only: int | None = None) -> None:
        """Progress per document id; ``only`` repaints just that document's rows (heights never change)."""
        self.progress = progress
        if only is None:
            self.refresh()
        else:
            self.refresh_item(only)

    def set_open(self, index: int) -> None:
        """Mark the document shown in the transcript and put the cursor on it."""
        old, self.open_index = self.open_index, index
        self.refresh_item(old)
        self.move_to(index, notify=False)
        self.refresh_item(index)

    def item_count(self) -> int:
        """Documents in the project."""
        return len(self.documents)

    def layout_item(self, index: int, width: int) -> list[Row]:
        """Name row, then the attributes: one row cut to fit, or whole on the highlighted document."""
        rows: list[Row] = [(NAME_ROW, index, 0, 0, ())]
        line = self.documents[index].attribute_line()
        if line and index == self.cursor:
            rows += [(ATTR_ROW, index, a, b, ()) for a, b in wrap_spans(line, width - 2)]
        elif line:
            rows.append((ATTR_ROW, index, 0, 0, ()))
        return rows

    def render_row(self, row: Row, width: int) -> Strip:
        """``▸ A   3/7`` or the dimmed attributes line."""
        kind, index, _, _, _ = row
        doc = self.documents[index]
        base = self.base_style
        if index == self.cursor:
            base += self.layer_style("documents--cursor")
        if kind == ATTR_ROW:
            style = base + self.layer_style("documents--attrs")
            line = doc.attribute_line()
            a, b = row[2], row[3]
            if b:
                line = line[a:b]
            elif measure(line) > self.row_width - 2:
                line = line[: max(self.row_width - 3, 0)] + "…"
            return Strip([Segment("  " + line, style)]).adjust_cell_length(width, base)
        is_open = index == self.open_index
        name_style = base + self.layer_style("documents--open") if is_open else base
        progress = self.progress.get(doc.id)
        right = ""
        right_style = base + self.layer_style("documents--progress")
        if progress is not None and not progress.total:
            right = "empty "  # no passages: nothing to code (the transcript pane says why)
        elif progress is not None:
            right = f"{progress.coded}/{progress.total} "
            if progress.total and progress.coded >= progress.total:
                right_style = base + self.layer_style("documents--done")
        left = ("▸ " if is_open else "  ") + doc.name
        room = max(width - len(right), 1)
        if len(left) > room:
            left = left[: max(room - 1, 0)] + "…"
        segments = [Segment(left, name_style), Segment(" " * (width - len(left) - len(right)), base)]
        segments.append(Segment(right, right_style))
        return Strip(segments).adjust_cell_length(width, base)
