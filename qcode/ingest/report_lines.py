"""Line-level reading of the source report: pages, footnotes, page numbers and headings.

The report is a text dump of a paginated, double-spaced document. A page ends with
an optional footnote area (a line of many spaces, then the footnotes, single-spaced)
and the next page starts with a line indented by one space. These helpers classify
lines so that the quote scanner in :mod:`qcode.ingest.report` sees running text only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qcode.errors import InputError

#: A whitespace-only line at least this long opens a page's footnote area.
_SEPARATOR_MIN = 20
_PAGE_START = re.compile(r"^\s+\S")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_CHAPTER = re.compile(r"^Chapter\s+(\d+)\s*[-–—]\s*(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_LETTERED = re.compile(r"^([A-H])\)\s+(\S.*)$")
_TRAILING_MARKER = re.compile(r"(?<=[A-Za-z])\s*(\d{1,3})$")
_MAX_HEADING = 80


@dataclass(frozen=True)
class Warning:
    """An irregularity found in the source, repaired or not.

    (The name is the one the issue asks for; it shadows the builtin ``Warning`` class
    only inside modules that import it.)

    Attributes:
        line: 1-based line number in the source report.
        message: what was found and what was done about it.
        transcript: name of the transcript it concerns (``"A"``, ``"minister"``...), if any.
    """

    line: int
    message: str
    transcript: str | None = None


@dataclass(frozen=True)
class Heading:
    """A section heading: level 0 chapter, 1 numbered section, 2 lettered subsection."""

    level: int
    title: str
    footnote: str | None = None


def read_source(path: Path) -> list[str]:
    """Read the report as UTF-8 and return its lines (without line ends).

    Raises:
        InputError: the file cannot be read or is not UTF-8.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the report: {exc.strerror}", path=str(path)) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path=str(path),
            line=line,
        ) from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the report is empty", path=str(path))
    return text.split("\n")


def is_blank(raw: str) -> bool:
    """True for an empty or whitespace-only line."""
    return not raw.strip()


def is_separator(raw: str) -> bool:
    """True for the long run of spaces that opens a page's footnote area."""
    return is_blank(raw) and len(raw) >= _SEPARATOR_MIN


def is_page_start(raw: str) -> bool:
    """True for a line indented like the first line of a page."""
    return bool(_PAGE_START.match(raw))


def is_page_number(raw: str) -> bool:
    """True for a line holding nothing but a number (a stray page number)."""
    return bool(_PAGE_NUMBER.match(raw))


def footnote_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Return ``(first, last)`` 1-based line ranges of footnote areas.

    A footnote area runs from the separator line up to the line before the next
    page's first (indented) line, or to the end of the file.
    """
    blocks: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        if not is_separator(lines[index]):
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not is_page_start(lines[end]):
            end += 1
        blocks.append((index + 1, end))
        index = end
    return blocks


def footnote_number(lines: list[str], block: tuple[int, int]) -> str:
    """The number of the first footnote in a block (``"?"`` if none is visible)."""
    for raw in lines[block[0] : block[1]]:
        match = re.match(r"^\s*(\d{1,3})\s", raw)
        if match:
            return match.group(1)
    return "?"


def parse_heading(text: str) -> Heading | None:
    """Recognise a chapter, numbered-section or lettered-subsection heading.

    A footnote marker glued to the end of the title (``Labor Rights8``) is removed
    and returned in :attr:`Heading.footnote`.
    """
    text = " ".join(text.split())
    if len(text) > _MAX_HEADING:
        return None
    for level, pattern in enumerate((_CHAPTER, _NUMBERED, _LETTERED)):
        match = pattern.match(text)
        if match:
            return _heading(level, match.group(2))
    return None


def _heading(level: int, title: str) -> Heading | None:
    if not title[:1].isupper() or ". " in title.rstrip("."):
        return None
    footnote = None
    marker = _TRAILING_MARKER.search(title)
    if marker:
        footnote = marker.group(1)
        title = title[: marker.start()]
    return Heading(level, title.rstrip(" .:"), footnote)


def is_heading_tail(text: str) -> bool:
    """True for a short fragment that can finish a heading wrapped onto a second line."""
    words = text.split()
    return (
        0 < len(words) <= 3
        and len(text) <= 30
        and text[:1].isupper()
        and not any(ch.isdigit() or ch in ".!?:;,()“”" for ch in text)
    )
