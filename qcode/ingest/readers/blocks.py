"""Paragraphs → passages: one per paragraph, or one per speaker turn. Shared by the readers.

Readers turn their files into :class:`Block` lists (paragraphs of stripped lines with their
section), so text files, Markdown without front matter and Word documents share these parsers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qcode.ingest.types import ParsedPassage

#: A speaker label at the start of a line: ``Interviewer: ...``, ``Mr. Kim: ...``, ``면접관: ...``
#: (a capital, or a letter of a script without capitals, then up to 40 word characters).
TURN_RE = re.compile(r"^((?:[A-Z]|(?![a-zA-Z\u00c0-\u024f])[^\W\d_])[\w .'-]{0,40}):(?:\s+|$)")
#: Joins the heading path of a section.
SECTION_SEP = " › "

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    """A paragraph: non-empty stripped lines (with 1-based numbers if known) under a section."""

    lines: tuple[tuple[int | None, str], ...]
    section: str = ""


class SectionPath:
    """The heading path above the current line, as headings of various levels arrive."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> None:
        """Record a heading of ``level`` (1 = top), closing deeper or equal ones."""
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, " ".join(title.split())))

    @property
    def text(self) -> str:
        return SECTION_SEP.join(title for _, title in self._stack if title)


#: A file is read as speaker turns only with at least this many labelled lines: one line such as
#: ``Important: they took our passports`` is a sentence, not a dialogue, and its word stays in the text.
MIN_TURNS = 2


def parse_blocks(blocks: Sequence[Block], *, turns: bool | None = None) -> tuple[ParsedPassage, ...]:
    """Passages from paragraphs: by speaker turn if the text looks turn-based, else by paragraph.

    ``turns`` is the decision made once for the whole file (:class:`Flow`), where the paragraphs
    come in runs between tables; ``None`` decides from ``blocks``.
    """
    if turns if turns is not None else looks_turn_based(blocks):
        return turn_passages(blocks)
    return paragraph_passages(blocks)


def looks_turn_based(blocks: Sequence[Block]) -> bool:
    """True when most lines, or most paragraphs, start with a ``Speaker:`` label, at least twice.

    Paragraph starts are counted too so that hard-wrapped turns (a label line followed
    by several continuation lines) are still recognised.
    """
    lines = [text for block in blocks for _, text in block.lines]
    if not lines:
        return False
    labelled = sum(1 for text in lines if TURN_RE.match(text))
    if labelled < MIN_TURNS:
        return False
    starts = sum(1 for block in blocks if TURN_RE.match(block.lines[0][1]))
    return labelled * 2 > len(lines) or starts * 2 > len(blocks)


class Flow:
    """A document's paragraphs and tables in order, turned into passages by one rule for the file.

    Word and OpenDocument files interleave paragraphs with tables; deciding turns per run of
    paragraphs made a lone ``Aside: ...`` paragraph after a table a speaker turn of its own.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[list[Block], list[ParsedPassage]]] = [([], [])]

    def paragraph(self, block: Block) -> None:
        """A paragraph, after everything added so far."""
        self._runs[-1][0].append(block)

    def table(self, rows: Sequence[ParsedPassage]) -> None:
        """A table's passages (rows), after everything added so far."""
        self._runs[-1][1].extend(rows)
        self._runs.append(([], []))

    def passages(self) -> tuple[ParsedPassage, ...]:
        """Every passage in document order; paragraphs by turn if the file's paragraphs look turn-based."""
        turns = looks_turn_based([block for blocks, _ in self._runs for block in blocks])
        out: list[ParsedPassage] = []
        for blocks, rows in self._runs:
            out += [*parse_blocks(blocks, turns=turns), *rows]
        return tuple(out)


def paragraph_passages(blocks: Iterable[Block]) -> tuple[ParsedPassage, ...]:
    """One passage per paragraph, its lines kept as lines (a line break is no space: ``- Did they
    pay you?`` and ``- +50% was taken`` stay two lines, and two sentences)."""
    return tuple(
        ParsedPassage(
            text="\n".join(text for _, text in block.lines),
            section=block.section,
            source_lines=_span(block.lines[0][0], block.lines[-1][0]),
        )
        for block in blocks
    )


@dataclass
class _Turn:
    speaker: str | None
    section: str
    first: int | None
    last: int | None = None
    paragraphs: list[list[str]] = field(default_factory=lambda: [[]])

    def add(self, number: int | None, text: str, *, new_paragraph: bool) -> None:
        if new_paragraph and self.paragraphs[-1]:
            self.paragraphs.append([])
        if text:
            self.paragraphs[-1].append(text)
        self.last = number

    def passage(self) -> ParsedPassage | None:
        text = "\n\n".join("\n".join(lines) for lines in self.paragraphs if lines)
        if not text:
            return None
        return ParsedPassage(text, self.section, self.speaker, _span(self.first, self.last))


def turn_passages(blocks: Iterable[Block]) -> tuple[ParsedPassage, ...]:
    """One passage per speaker turn; continuation lines and paragraphs join the turn.

    Paragraphs before the first label become passages without a speaker; a new
    section (heading) ends the current turn.
    """
    out: list[ParsedPassage] = []
    turn: _Turn | None = None

    def close() -> None:
        if turn is not None and (passage := turn.passage()) is not None:
            out.append(passage)

    for block in blocks:
        if turn is not None and turn.section != block.section:
            close()
            turn = None
        for i, (number, text) in enumerate(block.lines):
            label = TURN_RE.match(text)
            if label:
                close()
                speaker = _SPACES.sub(" ", label.group(1)).strip()
                turn = _Turn(speaker, block.section, number)
                turn.add(number, text[label.end() :].strip(), new_paragraph=False)
            elif turn is not None and turn.speaker is not None:
                turn.add(number, text, new_paragraph=i == 0)
            else:
                if i == 0:  # a paragraph before any label: a passage of its own
                    close()
                    turn = _Turn(None, block.section, number)
                assert turn is not None
                turn.add(number, text, new_paragraph=False)
    close()
    return tuple(out)


def _span(first: int | None, last: int | None) -> tuple[int, int] | None:
    if first is None or last is None:
        return None
    return (first, last)


#: A time stamp in a transcript table's cell: ``01:02:03``, ``1:02``, ``00:01:02.5``, ``[00:01:02]``.
_STAMP = re.compile(r"^\[?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?\]?$")
#: Words a transcript table's header row is made of, in the languages qcode segments and their neighbours.
_HEADER_WORDS = frozenset(
    " ".join(
        (
            "speaker name who text utterance transcript time timestamp turn start",  # English
            "hablante orador oradora interlocutor nombre quién texto transcripción tiempo hora turno inicio",
            "locuteur locutrice intervenant nom texte transcription temps heure tour début",  # French
            "sprecher sprecherin name text transkript zeit beginn",  # German
            "화자 발화자 이름 내용 텍스트 발화 시간",  # Korean
            "说话人 发言人 讲话人 姓名 内容 文本 时间 說話人 發言人 時間",  # Chinese
        )
    ).split()
)
#: A speaker cell is one line of at most this many characters.
MAX_SPEAKER_CHARS = 60


def stamp_ms(text: str) -> int | None:
    """``"01:02:03.5"`` → milliseconds, or ``None`` if the cell is not a time stamp."""
    match = _STAMP.match(text.strip())
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    ms = int((fraction or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


def table_passages(
    rows: Sequence[Sequence[str]], section: str = "", header_rows: int = 0
) -> list[ParsedPassage]:
    """A transcript laid out as a table — ``speaker | text``, optionally with a time column — as
    one passage per row, each with its speaker (and start time); a row of one cell is a passage
    without a speaker. Header rows are skipped: the first ``header_rows`` (those the file marks as
    headings) and a first row made only of header words (``Speaker | Text``, ``Hablante | Texto``…)."""
    out: list[ParsedPassage] = []
    for number, row in enumerate(rows):
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if number < header_rows or (
            number == 0 and all(c.casefold().rstrip(":").strip() in _HEADER_WORDS for c in filled)
        ):
            continue
        start = stamp_ms(filled[0]) if len(filled) > 2 else None
        if start is not None:
            filled = filled[1:]
        if len(filled) == 1:
            out.append(ParsedPassage(filled[0], section, start_ms=start))
            continue
        speaker, text = filled[0], "\n".join(filled[1:])
        if "\n" in speaker or len(speaker) > MAX_SPEAKER_CHARS:
            out.append(ParsedPassage("\n".join(filled), section, start_ms=start))
        else:
            out.append(ParsedPassage(text, section, speaker.rstrip(":").strip(), start_ms=start))
    return out
