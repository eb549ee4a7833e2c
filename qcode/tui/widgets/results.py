"""Lists for the comparing screens: the code view (segments with a code) and coders side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from qcode.coding.types import CodeInfo, CodeViewRow, SegmentInfo
from qcode.tui.widgets.transcript import chip_label, chip_style
from qcode.tui.widgets.virtual_list import Row, VirtualList
from qcode.tui.widgets.wrap import wrap_spans

HEAD, TEXT, MEMO, CODER, BLANK = range(5)
INDENT = 4


class ResultList(VirtualList):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"results--cursor", "results--head", "results--muted"}

    DEFAULT_CSS = """
    ResultList > .results--cursor { background: $boost; }
    ResultList:focus > .results--cursor { background: $accent 20%; }
    ResultList > .results--head { color: $accent; text-style: bold; }
    ResultList > .results--muted { color: $text-muted; }
    """

    def _base(self, index: int) -> Style:
        base = self.base_style
        if index == self.cursor:
            base += self.layer_style("results--cursor")
        return base

    def _line(self, parts: list[tuple[str, Style]], width: int, base: Style) -> Strip:
        return Strip([Segment(t, s) for t, s in parts]).adjust_cell_length(width, base)


class CodeViewList(ResultList):
    """Each coded segment: interviewee, attributes and place, then its text (and memo)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[CodeViewRow] = ()
        self.show_coder = False

    def set_rows(self, rows: Sequence[CodeViewRow], *, show_coder: bool) -> None:
        """The segments to list; ``show_coder`` names who coded each (when several coders are shown)."""
        self.rows = rows
        self.show_coder = show_coder
        self.cursor = 0
        self.relayout()
        self.scroll_to(y=0, animate=False, immediate=True)

    def item_count(self) -> int:
        """Coded segments listed."""
        return len(self.rows)

    def layout_item(self, index: int, width: int) -> list[Row]:
        """Heading row, wrapped text, wrapped memo."""
        r = self.rows[index]
        out: list[Row] = [(HEAD, index, 0, 0, ())]
        out.extend((TEXT, index, a, b, ()) for a, b in wrap_spans(r.text, width - INDENT - 1))
        if r.memo:
            out.extend((MEMO, index, a, b, ()) for a, b in wrap_spans(r.memo, width - INDENT - 3))
        out.append((BLANK, index, 0, 0, ()))
        return out

    def render_row(self, row: Row, width: int) -> Strip:
        """Render one row of a coded segment."""
        kind, index, a, b, _ = row
        r = self.rows[index]
        if kind == BLANK:
            return Strip.blank(width, self.base_style)
        base = self._base(index)
        muted = base + self.layer_style("results--muted")
        if kind == HEAD:
            attrs = " · ".join(
                r.attributes[k] for k in ("gender", "country", "occupation") if r.attributes.get(k)
            )
            parts = [
                (f" {r.document}", base + self.layer_style("results--head")),
                (f"  {attrs}", muted),
                (f"  ¶{r.passage_ordinal} #{r.ordinal}  {r.section}", muted),
            ]
            if self.show_coder:
                parts.append((f"  [{r.coder}]", base))
            return self._line(parts, width, base)
        if kind == MEMO:
            return self._line(
                [(" " * INDENT + ("✎ " if a == 0 else "  ") + (r.memo or "")[a:b], muted)], width, base
            )
        return self._line([(" " * INDENT + r.text[a:b], base)], width, base)


class CompareList(ResultList):
    """A document's segments with every coder's codes beneath each."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.segments: Sequence[SegmentInfo] = ()
        self.coders: Sequence[str] = ()
        self.by_segment: Mapping[int, Mapping[str, frozenset[int]]] = {}
        self.codes: Mapping[int, CodeInfo] = {}

    def set_data(
        self,
        segments: Sequence[SegmentInfo],
        by_segment: Mapping[int, Mapping[str, frozenset[int]]],
        codes: Sequence[CodeInfo],
    ) -> None:
        """Segments, coder → code ids per segment id, and the codebook (for tag names and order)."""
        self.segments = segments
        self.by_segment = by_segment
        self.codes = {c.id: c for c in codes}
        self._order = {c.id: i for i, c in enumerate(codes)}
        self.coders = sorted({name for by in by_segment.values() for name in by})
        self.relayout()

    def item_count(self) -> int:
        """Segments in the document."""
        return len(self.segments)

    def layout_item(self, index: int, width: int) -> list[Row]:
        """Text rows, then one row per coder who coded the segment."""
        seg = self.segments[index]
        out: list[Row] = [(TEXT, index, a, b, ()) for a, b in wrap_spans(seg.text, width - INDENT - 2)]
        coded = self.by_segment.get(seg.id, {})
        out.extend((CODER, index, i, 0, ()) for i, name in enumerate(self.coders) if name in coded)
        return out

    def render_row(self, row: Row, width: int) -> Strip:
        """A text row (ordinal on the first) or a coder's tags."""
        kind, index, a, b, _ = row
        seg = self.segments[index]
        base = self._base(index)
        muted = base + self.layer_style("results--muted")
        if kind == TEXT:
            number = f"{seg.ordinal:>3} " if a == 0 else "    "
            return self._line([(number, muted), (" " + seg.text[a:b], base)], width, base)
        coder = self.coders[a]
        codes = sorted(self.by_segment[seg.id][coder], key=lambda c: self._order.get(c, 0))
        parts: list[tuple[str, Style]] = [(f"     {coder:<10.10}", muted)]
        for code_id in codes:
            code = self.codes.get(code_id)
            if code is not None:
                parts += [(" ", base), (chip_label(code), chip_style(code.colour))]
        return self._line(parts, width, base)
