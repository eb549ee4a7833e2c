"""The report extractor: one transcript per interviewee from the source report.

:func:`extract_report` reads the report (a text dump of a paginated document), takes
out footnotes, stray page numbers and the rows of Table 1 wherever they fall, finds every
curly-quoted passage of testimony with its section and attribution, and returns one
:class:`ParsedTranscript` per interviewee of Table 1, one per other named speaker (the
church minister) and one named ``unattributed`` for quotations whose speaker the report
does not name. Every irregularity met is returned as a :class:`Warning`; nothing is
printed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from qcode.errors import InputError
from qcode.ingest.report_lines import (
    Warning,
    footnote_blocks,
    footnote_number,
    is_blank,
    is_page_number,
    read_source,
)
from qcode.ingest.report_quotes import OPEN, Found, TextLine, scan
from qcode.ingest.report_speakers import CITY_COUNTRY, Attribution, canonical_place
from qcode.ingest.report_table import TableRow, find_table_rows, row_attributes
from qcode.ingest.transcript import content_hash, write_transcript
from qcode.ingest.types import ParsedTranscript

__all__ = ["InterviewStats", "ReportExtraction", "Warning", "extract_report"]

UNATTRIBUTED = "unattributed"
UNATTRIBUTED_NOTE = "Quoted testimony whose speaker the report does not name"
#: Share of a paragraph's five-word runs found in an earlier one that marks a repeat.
_REPEAT_SHARE = 0.6
_SHINGLE = 5


@dataclass(frozen=True)
class InterviewStats:
    """Summary of one transcript: passages, words and warnings."""

    name: str
    passages: int
    words: int
    warnings: int


@dataclass(frozen=True)
class ReportExtraction:
    """What :func:`extract_report` returns.

    Attributes:
        transcripts: interviewees in Table 1 order, then other speakers, then
            ``unattributed``.
        warnings: every irregularity, in source line order.
        stats: one row per transcript, in the same order.
    """

    transcripts: tuple[ParsedTranscript, ...]
    warnings: tuple[Warning, ...]
    stats: tuple[InterviewStats, ...]


def extract_report(path: str | Path) -> ReportExtraction:
    """Extract the transcripts from the report at ``path``.

    Raises:
        InputError: the report cannot be read, is not UTF-8 text, or quotes no testimony.
    """
    path = Path(path)
    lines = read_source(path)
    warnings: list[Warning] = []
    skipped = _footnotes(lines, warnings)
    rows = find_table_rows(lines, set(skipped))
    for row in rows:
        for number in row.lines:
            skipped[number] = f"Table 1 row {row.ident}"
    for number, raw in enumerate(lines, start=1):
        if number not in skipped and is_page_number(raw):
            skipped[number] = f"page number {raw.strip()}"
            warnings.append(Warning(number, f"stray page number {raw.strip()!r} removed"))
    found, scan_warnings = scan(_running_text(lines, skipped))
    warnings.extend(scan_warnings)
    warnings.extend(_repeats(found))
    transcripts = _Builder(rows, found, path.name, warnings).build()
    if not any(t.passages for t in transcripts):
        raise InputError("no quoted testimony found (expected passages in quotation marks)", path=str(path))
    warnings.sort(key=lambda w: (w.line, w.transcript or "", w.message))
    stats = tuple(_stats(t, warnings) for t in transcripts)
    return ReportExtraction(tuple(transcripts), tuple(warnings), stats)


def _footnotes(lines: list[str], warnings: list[Warning]) -> dict[int, str]:
    skipped: dict[int, str] = {}
    for first, last in footnote_blocks(lines):
        number = footnote_number(lines, (first, last))
        current = "continued from the previous page"
        for line in range(first, last + 1):
            skipped[line] = f"the text of footnote {number} (lines {first}-{last})"
            start = re.match(r"^(\d{1,3})\s", lines[line - 1])
            current = f"footnote {start.group(1)}" if start else current
            if OPEN in lines[line - 1]:
                message = f"quotation inside {current}, not testimony: left out"
                warnings.append(Warning(line, message))
    return skipped


def _running_text(lines: list[str], skipped: dict[int, str]) -> list[TextLine]:
    """The non-blank lines that are not skipped, each told what was removed before it."""
    result: list[TextLine] = []
    removed: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        if number in skipped:
            if not removed or removed[-1][1] != skipped[number]:
                removed.append((number, skipped[number]))
            continue
        if is_blank(raw):
            continue
        interruption = (removed[0][0], _describe(removed, number - 1)) if removed else None
        result.append(TextLine(number, raw, " ".join(raw.split()), interruption))
        removed = []
    return result


def _describe(removed: list[tuple[int, str]], last: int) -> str:
    rows = [what.removeprefix("Table 1 row ") for _, what in removed if what.startswith("Table 1 row")]
    others = [what for _, what in removed if not what.startswith("Table 1 row")]
    if rows:
        first = next(line for line, what in removed if what.startswith("Table 1 row"))
        label = f"rows {rows[0]}-{rows[-1]}" if len(rows) > 1 else f"row {rows[0]}"
        others.insert(0, f"{label} of Table 1 (lines {first}-{last})")
    return " and ".join(others)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + _SHINGLE]) for i in range(max(len(words) - _SHINGLE + 1, 1))}


def _repeats(found: list[Found]) -> list[Warning]:
    """Warn about paragraphs of testimony that repeat an earlier one (both are kept)."""
    warnings: list[Warning] = []
    seen: list[tuple[Found, int, set[tuple[str, ...]]]] = []
    for item in found:
        for index, paragraph in enumerate(item.passage.text.split("\n\n")):
            shingles = _shingles(paragraph)
            for earlier, earlier_index, earlier_shingles in seen:
                share = len(shingles & earlier_shingles) / min(len(shingles), len(earlier_shingles))
                if earlier is not item and share >= _REPEAT_SHARE:
                    warnings.append(_repeat_warning(item, index, earlier, earlier_index, share))
                    break
            seen.append((item, index, shingles))
    return warnings


def _repeat_warning(item: Found, index: int, earlier: Found, earlier_index: int, share: float) -> Warning:
    first, last = item.passage.source_lines or (0, 0)
    other = earlier.passage.source_lines or (0, 0)
    who = earlier.name or UNATTRIBUTED
    message = (
        f"paragraph {index + 1} of the quotation on lines {first}-{last} repeats paragraph "
        f"{earlier_index + 1} of the quotation on lines {other[0]}-{other[1]} ({who}; "
        f"{share:.0%} of its wording); both kept"
    )
    return Warning(first, message, item.name or UNATTRIBUTED)


def _cleaned(item: Found) -> Found | None:
    """The passage with blank paragraphs dropped and spaces trimmed; ``None`` when nothing is left."""
    paragraphs = [" ".join(p.split()) for p in item.passage.text.split("\n\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        return None
    return item if text == item.passage.text else replace(item, passage=replace(item.passage, text=text))


class _Builder:
    """Groups the passages by speaker and fills each transcript's attributes."""

    def __init__(
        self, rows: list[TableRow], found: list[Found], source: str, warnings: list[Warning]
    ) -> None:
        self.rows = {row.ident: row for row in rows}
        self.source = source
        self.warnings = warnings
        self.by_name: dict[str, list[Found]] = {}
        for item in found:
            warnings.extend(item.warnings)
            kept = _cleaned(item)
            if kept is None:
                first = item.passage.source_lines[0] if item.passage.source_lines else 1
                warnings.append(Warning(first, "empty quotation dropped", item.name or UNATTRIBUTED))
                continue
            self.by_name.setdefault(item.name or UNATTRIBUTED, []).append(kept)

    def names(self) -> list[str]:
        names = list(self.rows)
        names += [n for n in self.by_name if n not in names and n != UNATTRIBUTED]
        return [*names, UNATTRIBUTED] if self.by_name.get(UNATTRIBUTED) else names

    def build(self) -> list[ParsedTranscript]:
        return [self.transcript(name) for name in self.names()]

    def transcript(self, name: str) -> ParsedTranscript:
        items = self.by_name.get(name, [])
        attributions = [item.attribution for item in items if item.attribution is not None]
        title, attributes = self.describe(name, attributions)
        draft = ParsedTranscript(
            name=name,
            title=title,
            source_path=self.source,
            content_hash="",
            attributes=attributes,
            passages=tuple(item.passage for item in items),
        )
        return replace(draft, content_hash=content_hash(write_transcript(draft).encode("utf-8")))

    def describe(self, name: str, attributions: list[Attribution]) -> tuple[str, dict[str, str]]:
        if name == UNATTRIBUTED:
            return "Unattributed testimony", {"note": UNATTRIBUTED_NOTE}
        if name not in self.rows:
            return self.speaker(name, attributions)
        row = self.rows[name]
        attributes, row_warnings = row_attributes(row, _expansions(row, attributions))
        self.warnings.extend(row_warnings)
        if name not in self.by_name:
            message = f"interviewee {name} has no quoted testimony; the transcript holds Table 1 data only"
            self.warnings.append(Warning(row.lines[0], message, name))
        self.check(name, attributes, attributions)
        ages = _unique(a.age for a in attributions)
        if ages:
            attributes["age"] = ages[0]
        return f"Interviewee {name}", attributes

    def speaker(self, name: str, attributions: list[Attribution]) -> tuple[str, dict[str, str]]:
        """Title and attributes of a speaker who is not in Table 1, from the attribution."""
        first = attributions[0]
        attributes: dict[str, str] = {"role": first.role} if first.role else {}
        if first.gender:
            attributes["gender"] = first.gender
        places = [canonical_place(p) or p for p in first.places]
        if places:
            attributes["country"] = ", ".join(places)
        if first.age:
            attributes["age"] = first.age
        if first.role:
            return first.raw, attributes
        line = self.by_name[name][0].attribution_line or 1
        message = f"interviewee {name} is not in Table 1; attributes taken from the attribution line"
        self.warnings.append(Warning(line, message, name))
        return f"Interviewee {name}", attributes

    def check(self, name: str, attributes: dict[str, str], attributions: list[Attribution]) -> None:
        """Compare each attribution line with the interviewee's row of Table 1."""
        table_places = _place_set(attributes.get("country", ""))
        for item in self.by_name.get(name, []):
            if item.attribution is None:
                continue
            for message in _differences(item.attribution, attributes, table_places):
                text = f"attribution {item.attribution.raw!r}: {message}"
                self.warnings.append(Warning(item.attribution_line or 1, text, name))
        ages = _unique(a.age for a in attributions)
        if len(ages) > 1:
            message = f"attributions give different ages {ages!r}; kept the first"
            self.warnings.append(Warning(1, message, name))


def _unique(values: Iterable[str | None]) -> list[str]:
    result: list[str] = []
    for value in values:
        if value is not None and value not in result:
            result.append(value)
    return result


def _expansions(row: TableRow, attributions: list[Attribution]) -> dict[str, str]:
    """Spell out one-letter places of Table 1 (``Y``) from the interviewee's attributions."""
    result: dict[str, str] = {}
    for attribution in attributions:
        for place in attribution.places:
            name = canonical_place(place) or place
            if len(name) > 1:
                result.setdefault(name[0], name)
    return {
        letter: name for letter, name in result.items() if re.search(rf"\b{re.escape(letter)}\b", row.cells)
    }


def _place_set(country: str) -> set[str]:
    places: set[str] = set()
    for part in country.split(", "):
        match = re.match(r"^(.*?) \((.*)\)$", part)
        places.update(match.groups() if match else (part,))
    return {p for p in places if p}


def _differences(attribution: Attribution, attributes: dict[str, str], table: set[str]) -> list[str]:
    messages: list[str] = []
    if attribution.gender and attribution.gender != attributes.get("gender"):
        messages.append(f"gender {attribution.gender!r} differs from Table 1 ({attributes.get('gender')!r})")
    if not attribution.places:
        messages.append("gives no working country")
    for place in attribution.places:
        name = canonical_place(place)
        if name is None:
            name = next((p for p in table if len(place) == 1 and p.startswith(place)), place)
        if name != place:
            messages.append(f"country spelt {place!r}, read as {name!r}")
        known = table | {CITY_COUNTRY.get(p, p) for p in table}
        if name not in known:
            country = attributes.get("country")
            messages.append(f"country {name!r} is not in Table 1 ({country!r}); kept under this interviewee")
    return messages


def _stats(transcript: ParsedTranscript, warnings: Iterable[Warning]) -> InterviewStats:
    words = sum(len(p.text.split()) for p in transcript.passages)
    count = sum(1 for w in warnings if w.transcript == transcript.name)
    return InterviewStats(transcript.name, len(transcript.passages), words, count)
