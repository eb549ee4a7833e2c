"""The transcript: a document's segments grouped by passage, this coder's codes as coloured tags.

The words a narrowed coding keeps are underlined in its segment's text.

Line API only: the widget lays segments out as rows (a few microseconds each) and renders just
the rows on screen, so a 2,000-segment transcript opens and repaints in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import ClassVar

from rich.color import Color, ColorParseError
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from qcode.coding.types import CodeInfo, SegmentInfo, Transcript
from qcode.tui.widgets.virtual_list import Row, VirtualList
from qcode.tui.widgets.wrap import measure, place_chips, wrap_spans

BLANK, HEADING, TEXT, CHIPS, MEMO, ABOUT = range(6)
#: Gutter: a marker cell, the ordinal in four cells, a space.
GUTTER = 6
CHIP_MAX = 22


def chip_label(code: CodeInfo) -> str:
    """The tag text for a code: its name, shortened."""
    name = code.name if len(code.name) <= CHIP_MAX else code.name[: CHIP_MAX - 1] + "…"
    return f" {name} "


def chip_style(colour: str) -> Style:
    """A tag's style: the code's colour behind black or white text, whichever reads better."""
    try:
        rgb = Color.parse(colour).get_truecolor()
    except ColorParseError:
        rgb = Color.parse("#888888").get_truecolor()
    luma = 0.299 * rgb.red + 0.587 * rgb.green + 0.114 * rgb.blue
    return Style(bgcolor=Color.from_triplet(rgb), color="black" if luma > 140 else "white")


def empty_document_note(transcript: Transcript) -> str:
    """What an empty document shows: that it has no text to code, and why, so it is not taken for a fault."""
    doc = transcript.document
    who = doc.title or doc.name
    return (
        f"{who}: no passages.\n\nThis document has no text to code: its transcript holds "
        f"{'attributes and ' if doc.attributes else ''}a heading but none of the testimony. "
        "] and [ open the next and previous documents."
    )


class TranscriptView(VirtualList):
    """One document's segments; the cursor is the current segment."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript--heading",
        "transcript--cursor",
        "transcript--selection",
        "transcript--gutter",
        "transcript--marker",
        "transcript--memo",
        "transcript--hit",
        "transcript--narrowed",
    }

    DEFAULT_CSS = """
    TranscriptView > .transcript--heading { color: $accent; text-style: bold; }
    TranscriptView > .transcript--cursor { background: $boost; }
    TranscriptView > .transcript--selection { background: $secondary 30%; }
    TranscriptView > .transcript--gutter { color: $text-muted; }
    TranscriptView > .transcript--marker { color: $accent; }
    TranscriptView > .transcript--memo { color: $text-muted; text-style: italic; }
    TranscriptView > .transcript--hit { background: $warning 60%; color: $text; }
    TranscriptView > .transcript--narrowed { text-style: underline; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.transcript: Transcript | None = None
        self.codes: Mapping[int, CodeInfo] = {}
        self._order: dict[int, int] = {}
        self._chips: dict[int, tuple[str, Style, int]] = {}
        self.codings: dict[int, frozenset[int]] = {}
        self.memos: dict[int, str] = {}
        self.visual_anchor: int | None = None
        self.hits: dict[int, tuple[tuple[int, int], ...]] = {}
        self.narrowed: dict[int, tuple[tuple[int, int], ...]] = {}  # segment id -> spans of its text
        #: The document's attributes: shown above the first passage when the pane's subtitle cannot hold them.
        self.about = ""
        # rendered rows per segment, keyed by (row, state): a toggle re-renders only its segment
        self._strips: dict[int, dict[tuple[Row, int], Strip]] = {}

    # -- data in ------------------------------------------------------------------------------

    def set_codebook(self, codes: Iterable[CodeInfo]) -> None:
        """The codes that tags can name, in codebook order."""
        ordered = list(codes)
        self.codes = {c.id: c for c in ordered}
        self._order = {c.id: i for i, c in enumerate(ordered)}
        self._chips = {}
        for c in ordered:
            label = chip_label(c)
            self._chips[c.id] = (label, chip_style(c.colour), measure(label))

    def notify_style_update(self) -> None:
        """Theme or CSS changed: rendered rows are stale."""
        super().notify_style_update()
        self._strips = {}

    def show(self, transcript: Transcript, cursor: int = 0) -> None:
        """Show a document with the cursor on segment ``cursor``."""
        self._strips = {}
        self.transcript = transcript
        self.codings = dict(transcript.codings)
        self.memos = dict(transcript.memos)
        starts = {seg.id: seg.start for seg in transcript.segments}
        narrowed: dict[int, list[tuple[int, int]]] = {}
        for (seg_id, _code), (a, b) in transcript.spans.items():
            narrowed.setdefault(seg_id, []).append((a - starts[seg_id], b - starts[seg_id]))
        self.narrowed = {k: tuple(sorted(v)) for k, v in narrowed.items()}
        self.visual_anchor = None
        self.hits = {}
        self.about = transcript.document.attribute_line()
        self.cursor = min(max(cursor, 0), max(len(transcript.segments) - 1, 0))
        self.empty_note = "" if transcript.segments else empty_document_note(transcript)
        self.relayout()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.scroll_to_item(self.cursor, top=True)

    def set_about(self, line: str) -> None:
        """The open document's attributes, arrived after it opened."""
        if line != self.about:
            self.about = line
            self._strips.pop(0, None)
            self.relayout_item(0)

    def about_fits(self, width: int) -> bool:
        """Whether the attributes fit the pane's bottom border (else the first rows show them whole)."""
        return measure(self.about) <= width - 6  # the border's corners and spaces take the rest

    def update_segment(
        self,
        index: int,
        code_ids: frozenset[int],
        memo: str | None,
        narrowed: tuple[tuple[int, int], ...] = (),
    ) -> None:
        """Show a segment's codes, memo and narrowed spans after a change (only its rows are laid out
        again)."""
        if self.transcript is None:
            return
        seg_id = self.transcript.segments[index].id
        if narrowed:
            self.narrowed[seg_id] = tuple(sorted(narrowed))
        else:
            self.narrowed.pop(seg_id, None)
        if code_ids:
            self.codings[seg_id] = code_ids
        else:
            self.codings.pop(seg_id, None)
        if memo:
            self.memos[seg_id] = memo
        else:
            self.memos.pop(seg_id, None)
        self._strips.pop(index, None)
        self.relayout_item(index)
        if index == self.cursor:
            self.scroll_to_item(index)  # a tag wrapped onto a new line below the view stays in sight

    def set_hits(self, hits: Mapping[int, tuple[tuple[int, int], ...]]) -> None:
        """Highlight search hits: segment index → spans of its text."""
        self.hits = dict(hits)
        self._strips = {}
        self.refresh()

    def set_anchor(self, anchor: int | None) -> None:
        """Start (or with ``None`` end) a visual selection from ``anchor`` to the cursor."""
        self.visual_anchor = anchor
        self.refresh()

    @property
    def selection(self) -> range:
        """The selected segments: anchor to cursor in visual mode, else just the cursor."""
        if self.visual_anchor is None:
            return range(self.cursor, self.cursor + 1)
        lo, hi = sorted((self.visual_anchor, self.cursor))
        return range(lo, hi + 1)

    def codes_at(self, index: int) -> frozenset[int]:
        """This coder's codes on the segment at ``index``."""
        if self.transcript is None or not 0 <= index < len(self.transcript.segments):
            return frozenset()
        return self.codings.get(self.transcript.segments[index].id, frozenset())

    def move_to(self, index: int, *, notify: bool = True) -> None:
        """Move the cursor; in visual mode the whole selection is repainted."""
        super().move_to(index, notify=notify)
        if self.visual_anchor is not None:
            self.refresh()

    # -- layout -------------------------------------------------------------------------------

    def item_count(self) -> int:
        """Segments in the document."""
        return 0 if self.transcript is None else len(self.transcript.segments)

    def layout_item(self, index: int, width: int) -> list[Row]:
        """Heading (at a new passage), text lines with tags after the text, then the memo."""
        assert self.transcript is not None
        segs = self.transcript.segments
        seg = segs[index]
        text_width = max(width - GUTTER - 1, 8)
        spans = wrap_spans(seg.text, text_width)
        codes = self.codings.get(seg.id)
        new_passage = index == 0 or segs[index - 1].passage_ordinal != seg.passage_ordinal
        if not (codes or new_passage or self.memos):  # most segments: text rows only
            return [(TEXT, index, a, b, ()) for a, b in spans]
        rows: list[Row] = []
        if index == 0 and self.about and not self.about_fits(width):
            rows += [(ABOUT, index, a, b, ()) for a, b in wrap_spans(self.about, width - 2)]
        if new_passage:
            if index:
                rows.append((BLANK, index, 0, 0, ()))
            title = self.heading(seg)
            rows += [(HEADING, index, a, b, ()) for a, b in wrap_spans(title, width - 2)]
        if codes:
            chips = sorted((c for c in codes if c in self._chips), key=self._order.__getitem__)
            last_a, last_b = spans[-1]
            free = text_width - measure(seg.text[last_a:last_b])
            placed = place_chips([self._chips[c][2] for c in chips], free, text_width)
            rows += [(TEXT, index, a, b, ()) for a, b in spans[:-1]]
            rows.append((TEXT, index, last_a, last_b, tuple(chips[j] for j in placed[0])))
            rows += [(CHIPS, index, 0, 0, tuple(chips[j] for j in line)) for line in placed[1:]]
        else:
            rows += [(TEXT, index, a, b, ()) for a, b in spans]
        memo = self.memos.get(seg.id)
        if memo:
            rows += [(MEMO, index, a, b, ()) for a, b in wrap_spans(memo, text_width - 2)]
        return rows

    # -- rendering ----------------------------------------------------------------------------

    def relayout(self) -> None:
        """Lay everything out again (forgetting rendered rows)."""
        self._strips = {}
        super().relayout()

    def render_row(self, row: Row, width: int) -> Strip:
        """A cached rendering of the row (cursor and selection are part of the key)."""
        index = row[1]
        state = (
            1
            if index == self.cursor
            else 2
            if self.visual_anchor is not None and index in self.selection
            else 0
        )
        cache = self._strips.setdefault(index, {})
        strip = cache.get((row, state))
        if strip is None or strip.cell_length != width:
            strip = cache[(row, state)] = self._render_row(row, width)
        return strip

    def _render_row(self, row: Row, width: int) -> Strip:
        """Render a heading, text, tag or memo row, highlighted if current or selected."""
        kind, index, a, b, extra = row
        base = self.base_style
        if kind == BLANK or self.transcript is None:
            return Strip.blank(width, base)
        seg = self.transcript.segments[index]
        if kind == HEADING:  # wrapped, never cut: a long section path is read in full
            style = base + self.layer_style("transcript--heading")
            return Strip([Segment(" " + self.heading(seg)[a:b], style)]).adjust_cell_length(width, base)
        if kind == ABOUT:
            style = base + self.layer_style("transcript--gutter")
            return Strip([Segment(" " + self.about[a:b], style)]).adjust_cell_length(width, base)
        marker = " "
        if index == self.cursor:
            base += self.layer_style("transcript--cursor")
            marker = "▌"
        elif self.visual_anchor is not None and index in self.selection:
            base += self.layer_style("transcript--selection")
            marker = "┃"
        number = f"{seg.ordinal:>4} " if kind == TEXT and a == 0 else "     "
        segments = [
            Segment(marker, base + self.layer_style("transcript--marker")),
            Segment(number, base + self.layer_style("transcript--gutter")),
        ]
        if kind == TEXT:
            segments.extend(
                self._text_segments(
                    seg.text, a, b, self.hits.get(index, ()), self.narrowed.get(seg.id, ()), base
                )
            )
        elif kind == MEMO:
            memo_style = base + self.layer_style("transcript--memo")
            memo = self.memos.get(seg.id, "")
            segments.append(Segment(("✎ " if a == 0 else "  ") + memo[a:b], memo_style))
        for code_id in extra:
            label, style, _ = self._chips[code_id]
            segments.append(Segment(" ", base))
            segments.append(Segment(label, style))
        return Strip(segments).adjust_cell_length(width, base)

    @staticmethod
    def heading(seg: SegmentInfo) -> str:
        """A passage's heading: ``¶3  Section › Subsection — Speaker``."""
        title = f"¶{seg.passage_ordinal}  {seg.section}".rstrip()
        return f"{title} — {seg.speaker}" if seg.speaker else title

    def _text_segments(
        self,
        text: str,
        a: int,
        b: int,
        spans: tuple[tuple[int, int], ...],
        narrowed: tuple[tuple[int, int], ...],
        base: Style,
    ) -> list[Segment]:
        """Characters ``a``–``b`` of ``text``: search hits highlighted, narrowed codings' words underlined."""
        if not spans and not narrowed:
            return [Segment(text[a:b], base)]
        hit = self.layer_style("transcript--hit")
        under = self.layer_style("transcript--narrowed")
        cuts = sorted({a, b, *(x for s, e in (*spans, *narrowed) for x in (s, e) if a < x < b)})
        out: list[Segment] = []
        for s, e in pairwise(cuts):
            style = base
            if any(x <= s and e <= y for x, y in spans):
                style += hit
            if any(x <= s and e <= y for x, y in narrowed):
                style += under
            out.append(Segment(text[s:e], style))
        return out
