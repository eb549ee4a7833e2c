"""Kinds of file by extension, and which qcode command takes each (standard library only).

For messages that send a user to the right command when a file was given to the wrong one:
``transcripts/A.md: a transcript; `qcode import FILE` takes it``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

__all__ = ["DOCX_EXTENSIONS", "KINDS", "KNOWN_EXTENSIONS", "OTHER_EXTENSIONS", "TEXT_EXTENSIONS", "elsewhere"]

#: Transcripts read as text (plain, turn-based, or qcode Markdown with front matter).
TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
#: Transcripts read as Word documents.
DOCX_EXTENSIONS = frozenset({".docx"})
#: Other programs' documents and subtitles, each with a reader of its own.
OTHER_EXTENSIONS = frozenset({".odt", ".pdf", ".srt", ".vtt"})
#: Every transcript extension `qcode import` reads (:mod:`qcode.ingest.formats`).
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | DOCX_EXTENSIONS | OTHER_EXTENSIONS

#: Extension → (what such a file usually is, the command or commands that take it).
KINDS: dict[str, tuple[str, str]] = {
    **{ext: ("a transcript", "`qcode import FILE`") for ext in KNOWN_EXTENSIONS},
    ".qdpx": ("a REFI-QDA project", "`qcode import FILE.qdpx`"),
    ".qdc": ("a REFI-QDA codebook", "`qcode codebook load FILE.qdc`"),
    ".yaml": ("a codebook", "`qcode codebook load FILE`"),
    ".yml": ("a codebook", "`qcode codebook load FILE`"),
    ".xlsx": ("a sheet of attributes per document", "`qcode attributes import FILE`"),
    ".xlsm": ("a sheet of attributes per document", "`qcode attributes import FILE`"),
    ".csv": (
        "a sheet of attributes or of codings",
        "`qcode attributes import FILE` (one row per document) or `qcode codings import FILE`",
    ),
}


def elsewhere(path: Path, accepted: Collection[str]) -> str | None:
    """What ``path`` looks like and which command takes it, when this command does not take its kind.

    ``None`` when its extension is one of ``accepted`` (lower case, with the dot) or of no known kind.
    """
    suffix = path.suffix.lower()
    if suffix in accepted or suffix not in KINDS:
        return None
    what, command = KINDS[suffix]
    return f"looks like {what}: {command} takes it"
