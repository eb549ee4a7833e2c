"""Plain-text transcripts (and Markdown without front matter) → passages.

Paragraphs are split at blank lines (any line ends); Markdown ``#`` headings set the section.
"""

from __future__ import annotations

import re

from qcode.ingest.readers.blocks import Block, SectionPath, parse_blocks
from qcode.ingest.types import ParsedPassage

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")


def text_blocks(text: str, *, markdown: bool = False) -> list[Block]:
    """Split text into paragraphs at blank lines; with ``markdown``, ``#`` headings set sections."""
    blocks: list[Block] = []
    section = SectionPath()
    current: list[tuple[int | None, str]] = []

    def flush() -> None:
        if current:
            blocks.append(Block(tuple(current), section.text))
            current.clear()

    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.strip()
        if not line:
            flush()
        elif markdown and (heading := _MD_HEADING.match(line)):
            flush()
            section.enter(len(heading.group(1)), heading.group(2))
        else:
            current.append((number, line))
    flush()
    return blocks


def parse_text(text: str, *, markdown: bool = False) -> tuple[ParsedPassage, ...]:
    """Parse a plain-text (or front-matter-less Markdown) transcript into passages."""
    return parse_blocks(text_blocks(text, markdown=markdown))
