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
from qcode.tui.widgets.wrap import measure, wrap_spans

HEAD, TEXT, MEMO, CODER, BLANK = range(5)
INDENT = 4


def _cut(parts: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """The first ``width`` characters of the parts laid end to end."""
    out: list[tuple[str, str]] = []
    for text, cls in parts:
        if width <= 0:
            break
        out.append((text[:width], cls))
        width -= len(text)
    return out


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

    CURSOR_LAYOUT = True

    def head_parts(self, r: CodeViewRow) -> list[tuple[str, str]]:
        """The heading's parts and their component classes: document, attributes, place, coder."""
        keys = ("gender", "country", "occupation")
        attrs = " · ".join(r.attributes[k] for k in keys if r.attributes.get(k))
        parts = [
            (f" {r.document}", "results--head"),
            (f"  {attrs}", "results--muted"),
            (f"  ¶{r.passage_ordinal} #{r.ordinal}  {r.section}", "results--muted"),
        ]
        if self.show_coder:
            parts.append((f"  [{r.coder}]", ""))
        return parts

    def layout_item(self, index: int, width: int) -> list[Row]:
        """Heading (whole on the highlighted segment, cut to fit elsewhere), wrapped text, wrapped memo."""
        r = self.rows[index]
        head = "".join(t for t, _ in self.head_parts(r))
        if index == self.cursor and measure(head) > width:  # ``width`` is the row width here
            out: list[Row] = [(HEAD, index, a, b, ()) for a, b in wrap_spans(head, width - 1)]
        else:
            out = [(HEAD, index, 0, 0, ())]
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
            parts = self.head_parts(r)
            if b:  # one line of the wrapped heading: the slice [a, b) of the parts laid end to end
                cut, at = [], 0
                for text, _ in parts:
                    cut.append(text[max(a - at, 0) : max(b - at, 0)])
                    at += len(text)
                parts = [(t, c) for t, (_, c) in zip(cut, parts, strict=True)]
                parts[0] = (" " + parts[0][0] if a else parts[0][0], parts[0][1])
            else:
                head = "".join(t for t, _ in parts)
                if measure(head) > self.row_width:  # cut, and said so: the highlighted row shows it whole
                    parts = [*_cut(parts, self.row_width - 1), ("…", "results--muted")]
            styled = [(t, base + self.layer_style(c) if c else base) for t, c in parts]
            return self._line(styled, width, base)
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
