"""What every transcript reader returns: plain dataclasses shared by the readers and the import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ParsedPassage:
    """One passage of testimony as read from a file.

    Attributes:
        text: the passage text; paragraphs separated by a blank line (``"\\n\\n"``).
        section: heading path it appeared under, joined with ``" › "`` (may be empty).
        speaker: who speaks, for turn-based transcripts (else ``None``).
        source_lines: ``(first, last)`` 1-based line numbers in the source file, if known.
        start: where the passage starts in :attr:`ParsedTranscript.text`, when the reader keeps
            the document's text exactly as written (else ``None``).
        start_ms, end_ms: where a timed transcript (subtitles) places the passage, in milliseconds.
    """

    text: str
    section: str = ""
    speaker: str | None = None
    source_lines: tuple[int, int] | None = None
    start: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class ParsedTranscript:
    """A whole transcript: one interviewee (document) and its passages.

    Attributes:
        name: short unique document name (``"A"``, ``"minister"``, a file stem).
        title: human title.
        source_path: path of the file it came from.
        content_hash: sha256 hex of the file's bytes (detects re-imports and changes).
        attributes: document attributes (gender, country, occupation, note, ...); text, or
            typed values (int, float, bool, ISO date strings) where the source types them.
        passages: the passages in order.
        text: the document's text exactly as written, when the reader keeps it (each passage
            then says where it starts); ``None``: the passages joined by a blank line.
        language: BCP 47 tag of the testimony's language, when the source says it.
        encoding: the encoding the file was read with when it was guessed (not UTF-8, not given).
    """

    name: str
    title: str
    source_path: str
    content_hash: str
    attributes: dict[str, Any] = field(default_factory=dict)
    passages: tuple[ParsedPassage, ...] = ()
    text: str | None = None
    language: str | None = None
    encoding: str | None = None
