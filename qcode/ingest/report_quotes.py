"""The quotation scanner: finds every quoted passage of testimony and its attribution.

It reads the report's running text (footnotes, page numbers and Table 1 rows already
taken out by the caller) line by line, keeping track of the section headings, and
assembles each curly-quoted block quotation into one passage: lines joined with single
spaces, paragraph breaks kept, the attribution line that follows naming the speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qcode.ingest.report_lines import Heading, Warning, is_heading_tail, parse_heading
from qcode.ingest.report_speakers import Attribution, parse_attribution
from qcode.ingest.types import ParsedPassage

OPEN, CLOSE = "“", "”"
SECTION_JOIN = " › "
_QUOTE_START = re.compile(r"^(?P<lead>\([^()]*\))?\s*“(?P<rest>.*)$")
_FOOTNOTE_MARKER = re.compile(r"^\d{1,3}$")
_TERMINAL = ".!?…"
#: A line shorter than this that ends a sentence ends its paragraph (full lines are ~85).
_SHORT_LINE = 70


@dataclass(frozen=True)
class TextLine:
    """A line of running text.

    Attributes:
        number: 1-based line number in the source.
        raw: the line as in the file.
        text: the line stripped, inner whitespace collapsed.
        interruption: the first line and a description of what was removed just before
            this line (a footnote's text, rows of Table 1, a page number).
    """

    number: int
    raw: str
    text: str
    interruption: tuple[int, str] | None = None


@dataclass(frozen=True)
class Found:
    """A passage found in the report, its speaker and its warnings."""

    passage: ParsedPassage
    name: str | None
    attribution: Attribution | None
    warnings: tuple[Warning, ...]
    attribution_line: int | None = None


@dataclass
class _Quote:
    first: int
    section: str
    last: int = 0
    last_raw: str = ""
    paragraphs: list[list[str]] = field(default_factory=lambda: [[]])
    notes: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: TextLine, fragment: str) -> None:
        if self.last and self.paragraphs[-1] and ends_paragraph(self.last_raw, fragment):
            self.paragraphs.append([])
        self.paragraphs[-1].append(fragment)
        self.last, self.last_raw = line.number, line.raw

    def text(self) -> str:
        joined = (" ".join(" ".join(p).split()) for p in self.paragraphs)
        return "\n\n".join(p for p in joined if p)


def ends_paragraph(previous_raw: str, next_text: str) -> bool:
    """Decide whether a paragraph ends between two lines of a quotation.

    A line ends its paragraph when it ends a sentence and is either short or followed
    by two spaces (the dump's mark of a paragraph end), unless the next line goes on in
    lower case.
    """
    body = previous_raw.rstrip()
    next_text = next_text.strip()
    if not body or body[-1] not in _TERMINAL or next_text[:1].islower():
        return False
    return len(previous_raw) - len(body) >= 2 or len(body) < _SHORT_LINE


class Scanner:
    """Walks the running text once; see :func:`scan`."""

    def __init__(self, lines: list[TextLine]) -> None:
        self.lines = lines
        self.sections: list[str] = ["", "", ""]
        self.open: _Quote | None = None
        self.pending: _Quote | None = None
        self.found: list[Found] = []
        self.warnings: list[Warning] = []
        self.skip_next = False

    def run(self) -> None:
        for index, line in enumerate(self.lines):
            if self.skip_next:
                self.skip_next = False
                continue
            self.step(index, line)
        if self.open is not None:
            self._close_unclosed("the report ends")
        self._flush("the report ends")

    def step(self, index: int, line: TextLine) -> None:
        attribution = parse_attribution(line.text)
        heading = None if attribution else parse_heading(line.text)
        start = _QUOTE_START.match(line.text)
        if self.open is not None:
            if attribution is not None:
                self._close_unclosed(f"the attribution on line {line.number}")
            elif heading is not None:
                self._close_unclosed(f"the heading on line {line.number}")
            elif start is not None:
                self._reopen(line, start)
                return
            else:
                self._inside(line, line.text)
                return
        if attribution is not None:
            self._attribute(line, attribution)
        elif heading is not None:
            self._flush(f"it is followed by the heading on line {line.number}")
            self._heading(index, heading)
        elif start is not None:
            self._flush(f"another quotation follows on line {line.number}")
            self._start(line, start)
        else:
            self._flush(f"it is followed by the report's own text on line {line.number}")
            self._prose(line)

    # -- quotations

    def _start(self, line: TextLine, start: re.Match[str]) -> None:
        quote = _Quote(first=line.number, section=self._section())
        if start.group("lead"):
            note = f"editorial note before the quotation not included: {start.group('lead')!r}"
            quote.notes.append((line.number, note))
        self.open = quote
        self._inside(line, start.group("rest"), first=True)

    def _reopen(self, line: TextLine, start: re.Match[str]) -> None:
        quote = self.open
        assert quote is not None
        if ends_paragraph(quote.last_raw, start.group("rest")):
            quote.notes.append(
                (
                    quote.first,
                    f"quotation opened on line {quote.first} is not closed before the new "
                    f"opening quotation mark on line {line.number}, which starts its next "
                    "paragraph: read as one quotation running over several paragraphs",
                )
            )
            quote.paragraphs.append([])
            self._inside(line, start.group("rest"), first=True)
            return
        self._close_unclosed(f"a new quotation opens on line {line.number}")
        self._flush(f"another quotation follows on line {line.number}")
        self._start(line, start)

    def _inside(self, line: TextLine, text: str, *, first: bool = False) -> None:
        quote = self.open
        assert quote is not None
        if line.interruption and not first:
            where, what = line.interruption
            quote.notes.append((where, f"quotation interrupted by {what}: removed, text joined"))
        end = text.find(CLOSE)
        if end < 0:
            quote.add(line, text)
            return
        quote.add(line, text[:end])
        self._after_close(quote, line.number, text[end + 1 :])
        self.open, self.pending = None, quote

    def _after_close(self, quote: _Quote, number: int, after: str) -> None:
        after = after.strip()
        if CLOSE in after:
            quote.notes.append((number, "stray second closing quotation mark ignored"))
            after = after.replace(CLOSE, "").strip()
        if _FOOTNOTE_MARKER.match(after):
            quote.notes.append((number, f"footnote marker {after} after the quotation removed"))
            return
        after = after.lstrip(".,;: ").strip()
        if after:
            note = f"editorial text after the quotation not included: {after!r}"
            quote.notes.append((number, note))

    def _close_unclosed(self, where: str) -> None:
        quote = self.open
        assert quote is not None
        quote.notes.append(
            (
                quote.first,
                f"quotation opened on line {quote.first} has no closing quotation mark; "
                f"it is taken to end on line {quote.last}, before {where}",
            )
        )
        self.open, self.pending = None, quote

    def _attribute(self, line: TextLine, attribution: Attribution) -> None:
        for repair in attribution.repairs:
            self.warnings.append(
                Warning(line.number, f"attribution {attribution.raw!r}: {repair}", attribution.name)
            )
        quote, self.pending = self.pending, None
        if quote is None:
            message = f"attribution {attribution.raw!r} follows no quotation; ignored"
            self.warnings.append(Warning(line.number, message, attribution.name))
            return
        self._emit(quote, attribution.name, attribution, line.number)

    def _flush(self, reason: str) -> None:
        quote, self.pending = self.pending, None
        if quote is None:
            return
        quote.notes.append(
            (
                quote.first,
                f"quotation on lines {quote.first}-{quote.last} has no attribution ({reason}); "
                "filed as unattributed",
            )
        )
        self._emit(quote, None, None)

    def _emit(
        self,
        quote: _Quote,
        name: str | None,
        attribution: Attribution | None,
        attribution_line: int | None = None,
    ) -> None:
        passage = ParsedPassage(
            text=quote.text(), section=quote.section, source_lines=(quote.first, quote.last)
        )
        target = name or "unattributed"
        warnings = tuple(Warning(line, message, target) for line, message in quote.notes)
        self.found.append(Found(passage, name, attribution, warnings, attribution_line))

    # -- the report's own text

    def _heading(self, index: int, heading: Heading) -> None:
        title = heading.title
        following = self.lines[index + 1] if index + 1 < len(self.lines) else None
        if heading.level > 0 and following is not None and self._is_tail(following):
            title = f"{title} {following.text}"
            self.skip_next = True
        self.sections[heading.level] = title
        for deeper in range(heading.level + 1, len(self.sections)):
            self.sections[deeper] = ""

    def _is_tail(self, line: TextLine) -> bool:
        return (
            is_heading_tail(line.text)
            and parse_heading(line.text) is None
            and parse_attribution(line.text) is None
        )

    def _section(self) -> str:
        parts = [part for part in self.sections[1:] if part]
        return SECTION_JOIN.join(parts) if parts else self.sections[0]

    def _prose(self, line: TextLine) -> None:
        for match in re.finditer(r"“([^”]*)(”?)", line.text):
            shown = match.group(0) if len(match.group(0)) <= 60 else match.group(0)[:57] + "..."
            message = f"quotation inside the report's own text, not testimony: {shown!r}"
            self.warnings.append(Warning(line.number, message))


def scan(lines: list[TextLine]) -> tuple[list[Found], list[Warning]]:
    """Find the quoted passages in the running text.

    Returns:
        The passages in source order with their speakers, and the warnings that concern
        no single passage (attribution repairs, quotations in the report's own text).
    """
    scanner = Scanner(lines)
    scanner.run()
    return scanner.found, scanner.warnings
