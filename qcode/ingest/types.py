"""What every transcript reader returns: plain dataclasses shared by the readers and the import."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParsedPassage:
    """One passage of testimony as read from a file.

    Attributes:
        text: the passage text; paragraphs separated by a blank line (``"\\n\\n"``).
        section: heading path it appeared under, joined with ``" › "`` (may be empty).
        speaker: who speaks, for turn-based transcripts (else ``None``).
        source_lines: ``(first, last)`` 1-based line numbers in the source file, if known.
    """

    text: str
    section: str = ""
    speaker: str | None = None
    source_lines: tuple[int, int] | None = None


@dataclass(frozen=True)
class ParsedTranscript:
    """A whole transcript: one interviewee (document) and its passages.

    Attributes:
        name: short unique document name (``"A"``, ``"minister"``, a file stem).
        title: human title.
        source_path: path of the file it came from.
        content_hash: sha256 hex of the file's bytes (detects re-imports and changes).
        attributes: document attributes (gender, country, occupation, note, ...).
        passages: the passages in order.
    """

    name: str
    title: str
    source_path: str
    content_hash: str
    attributes: dict[str, str] = field(default_factory=dict)
    passages: tuple[ParsedPassage, ...] = ()
