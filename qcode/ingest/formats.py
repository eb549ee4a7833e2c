"""Transcript files → :class:`~qcode.ingest.types.ParsedTranscript` (no database).

:func:`read_file` picks the reader in :mod:`qcode.ingest.readers` (or :mod:`qcode.ingest.transcript`
for qcode's own format); :func:`collect_paths` expands folders. Readers depend only on the shared
types and helpers, never on this module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from qcode.errors import InputError
from qcode.ingest.textfile import DEFAULT_MAX_BYTES, ZIP_MAGIC, decode_detected, read_bytes
from qcode.ingest.types import ParsedPassage, ParsedTranscript
from qcode.kinds import DOCX_EXTENSIONS, KNOWN_EXTENSIONS, TEXT_EXTENSIONS, elsewhere

_MARKDOWN = frozenset({".md", ".markdown"})
_CONVERT_HINTS = {
    ".doc": "save it as .docx (Word 2007 or later) first",
    ".rtf": "save it as .docx or plain text first",
}


def read_file(
    path: Path,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
    language: str | None = None,
) -> ParsedTranscript:
    """Read one transcript file, choosing the reader by extension and content.

    ``.md``/``.markdown``/``.txt`` files whose first line is ``---`` are qcode transcripts
    (YAML front matter); other text files give one passage per paragraph, or per speaker
    turn when most lines start with ``Speaker:``; ``.docx`` (paragraphs and tables), ``.odt``,
    ``.pdf`` (its text layer), ``.srt`` and ``.vtt`` (one passage per cue, with its times) have
    readers of their own (:mod:`qcode.ingest.readers`). A ZIP archive holding a Word document
    is read as one whatever its name. A text file that is not UTF-8 is read in the encoding
    charset-normalizer finds (``ParsedTranscript.encoding`` says which) unless one is given.

    Args:
        path: the file.
        encoding: text encoding; UTF-8 (or detected) when not given.
        max_bytes: refuse larger files (default 64 MiB).
        name: document name; defaults to the file stem.
        language: the testimony's language (BCP 47); else the front matter's, else detected.

    Raises:
        InputError: the file cannot be used; the message names it (and the line if known).
    """
    suffix = path.suffix.lower()
    if suffix not in KNOWN_EXTENSIONS:
        raise _unknown_extension(path)
    raw = read_bytes(path, max_bytes=max_bytes, text=suffix in TEXT_EXTENSIONS | {".srt", ".vtt"})
    doc_name = name or path.stem
    parsed = _parse(raw.data, path, suffix, doc_name, raw.sha256, encoding, max_bytes)
    if language:
        return dataclasses.replace(parsed, language=language)
    if parsed.language is None:
        from qcode.ingest.languages import detect_language

        sample = "\n".join(p.text for p in parsed.passages[:200])
        return dataclasses.replace(parsed, language=detect_language(sample))
    return parsed


def _parse(
    data: bytes, path: Path, suffix: str, doc_name: str, sha: str, encoding: str | None, max_bytes: int
) -> ParsedTranscript:
    where = str(path)
    if suffix == ".pdf":
        from qcode.ingest.readers.pdf import read_pdf

        title, passages = read_pdf(data, where)
        return _transcript(doc_name, title or path.stem, where, sha, passages)
    if suffix == ".odt":
        from qcode.ingest.readers.odt import read_odt

        return _transcript(doc_name, path.stem, where, sha, read_odt(data, where, max_bytes=max_bytes))
    if suffix in DOCX_EXTENSIONS or data.startswith(ZIP_MAGIC):
        from qcode.ingest.readers import word

        if suffix in DOCX_EXTENSIONS or word.is_docx(data):
            content = word.read_docx(data, where, max_bytes=max_bytes)
            return _transcript(doc_name, content.title or path.stem, where, sha, content.passages)
        raise InputError("is a ZIP archive, not a text file", path=where)
    text, detected = decode_detected(data, where, encoding)
    if not text.strip():
        raise InputError("contains only whitespace", path=where)
    if suffix in (".srt", ".vtt"):
        from qcode.ingest.readers.subtitles import parse_subtitles

        cues = parse_subtitles(text, where)
        return dataclasses.replace(_transcript(doc_name, path.stem, where, sha, cues), encoding=detected)
    if _has_front_matter(text):
        from qcode.ingest.transcript import parse_transcript

        parsed = parse_transcript(text.encode("utf-8"), where)
        return dataclasses.replace(parsed, source_path=where, content_hash=sha, encoding=detected)
    from qcode.ingest.readers.text import parse_text

    passages = parse_text(text, markdown=suffix in _MARKDOWN)
    return dataclasses.replace(_transcript(doc_name, path.stem, where, sha, passages), encoding=detected)


def collect_paths(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into the transcript files under them (sorted, recursive).

    Hidden files and folders and Word lock files (``~$name.docx``) are skipped; a path
    given twice is kept once.

    Raises:
        InputError: a path does not exist, a file has an unknown extension, or a folder
            holds no transcript files.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            inside = sorted(p for p in given.rglob("*") if _is_transcript(p, given))
            if not inside:
                known = ", ".join(sorted(KNOWN_EXTENSIONS))
                raise InputError(f"folder contains no transcript files ({known})", path=str(given))
        elif given.is_file():
            if given.suffix.lower() not in KNOWN_EXTENSIONS:
                raise _unknown_extension(given)
            inside = [given]
        else:
            raise InputError("no such file or folder", path=str(given))
        for p in inside:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


def _is_transcript(path: Path, root: Path) -> bool:
    relative = path.relative_to(root).parts
    return (
        path.suffix.lower() in KNOWN_EXTENSIONS
        and not any(part.startswith(".") for part in relative)
        and not path.name.startswith("~$")
        and path.is_file()
    )


def _has_front_matter(text: str) -> bool:
    first, _, _ = text.partition("\n")
    return first.rstrip() == "---"


def _transcript(
    name: str, title: str, source: str, sha: str, passages: tuple[ParsedPassage, ...]
) -> ParsedTranscript:
    if not passages:
        raise InputError("contains no text to import", path=source)
    return ParsedTranscript(name, title, source, sha, {}, passages)


def _unknown_extension(path: Path) -> InputError:
    suffix = path.suffix.lower() or "(none)"
    known = ", ".join(sorted(KNOWN_EXTENSIONS))
    hint = _CONVERT_HINTS.get(suffix) or elsewhere(path, KNOWN_EXTENSIONS)
    extra = f"; {hint}" if hint else ""
    return InputError(f"unknown file type {suffix} (qcode reads {known}){extra}", path=str(path))
