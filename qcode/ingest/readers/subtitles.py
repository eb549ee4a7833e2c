"""Subtitle files (``.srt``, ``.vtt``) → one passage per cue, with its start and end time.

A cue's text keeps its line breaks; formatting tags (``<i>``, ``<b>``, ``<c.yellow>``) are
dropped; the speaker comes from a WebVTT voice tag (``<v Ana>``) or a ``Name:`` label at the
start of the cue. Times are kept in milliseconds on the passage (``passages.start_ms``).
"""

from __future__ import annotations

import re

from qcode.errors import InputError
from qcode.ingest.types import ParsedPassage

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?$")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LABEL = re.compile(r"^([^\W\d][\w .'-]{0,40}):\s+", re.UNICODE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _ms(hours: str | None, minutes: str, seconds: str, fraction: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(fraction.ljust(3, "0"))


def parse_subtitles(text: str, path: str) -> tuple[ParsedPassage, ...]:
    """The cues of an SRT or WebVTT file, in order.

    Raises:
        InputError: no cue at all, or a cue that ends before it starts (naming its line).
    """
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    passages: list[ParsedPassage] = []
    i = 0
    while i < len(lines):
        match = _TIMING.match(lines[i])
        if match is None:
            i += 1
            continue
        start, end = _ms(*match.groups()[:4]), _ms(*match.groups()[4:])
        if end < start:
            raise InputError("a cue ends before it starts", path=path, line=i + 1)
        first = i + 1
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip() and not _TIMING.match(lines[i]):
            body.append(lines[i].strip())
            i += 1
        if _looks_like_index(body):
            body = body[:-1]  # the next SRT cue's number, with no blank line before it
        passage = _cue(body, start, end, (first, max(first, i)))
        if passage is not None:
            passages.append(passage)
    if not passages:
        raise InputError("holds no subtitle cues (lines like 00:00:01,000 --> 00:00:04,000)", path=path)
    return tuple(passages)


def _looks_like_index(body: list[str]) -> bool:
    return len(body) > 1 and body[-1].isdigit()


def _cue(body: list[str], start: int, end: int, lines: tuple[int, int]) -> ParsedPassage | None:
    speaker = None
    if body and (voice := _VOICE.match(body[0])):
        speaker = voice.group(1).strip()
    text = "\n".join(t for t in (_TAG.sub("", line).strip() for line in body) if t)
    if speaker is None and (label := _LABEL.match(text)):
        speaker, text = label.group(1).strip(), text[label.end() :]
    if not text.strip():
        return None
    return ParsedPassage(text.strip(), speaker=speaker, source_lines=lines, start_ms=start, end_ms=end)
