"""Text selections versus qcode's segments: the ``endPosition`` convention and the mapping. Pure.

REFI-QDA counts positions in Unicode code points from 0 and defines a selection by "its first
and last character", yet programs differ on ``endPosition``: some write the last character,
others one past it (ATLAS.ti's example in the standard's Annex A, QualCoder, and qcode). qcode
*writes* one past the end. On reading, :func:`guess_convention` decides per file from the
evidence (a selection ending at the text's length, selection names that repeat the selected
text, and where words end), defaulting to one past the end.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Convention = Literal["exclusive", "inclusive"]
PlacementKind = Literal["exact", "spans", "partial", "none", "invalid"]
_TRUNCATED = ("…", "...")


@dataclass(frozen=True)
class ConventionGuess:
    """The convention chosen for a file and the votes behind it."""

    convention: Convention
    exclusive: int
    inclusive: int


def _squash(text: str) -> str:
    return " ".join(text.split())


def _votes(text: str, start: int, end: int, name: str) -> tuple[int, int]:
    n = len(text)
    if start < 0 or end < start or end > n:
        return 0, 0
    if end == n:
        return 3, 0  # the last character cannot be at index len(text)
    ex = inc = 0
    if name and not name.rstrip().endswith(_TRUNCATED):
        as_ex, as_inc, label = _squash(text[start:end]), _squash(text[start : end + 1]), _squash(name)
        if label == as_ex != as_inc:
            ex += 3
        elif label == as_inc != as_ex:
            inc += 3
    ex_looks = end - 1 >= start and not text[end - 1].isspace() and text[end].isspace()
    inc_looks = not text[end].isspace() and (end + 1 == n or text[end + 1].isspace())
    if ex_looks and not inc_looks:
        ex += 1
    elif inc_looks and not ex_looks:
        inc += 1
    return ex, inc


def guess_convention(selections: Iterable[tuple[str, int, int, str]]) -> ConventionGuess:
    """Weigh ``(text, start, end, name)`` of every selection of a file; ties go to one past the end."""
    ex = inc = 0
    for text, start, end, name in selections:
        e, i = _votes(text, start, end, name)
        ex, inc = ex + e, inc + i
    return ConventionGuess("inclusive" if inc > ex else "exclusive", ex, inc)


def half_open(start: int, end: int, convention: Convention) -> tuple[int, int]:
    """The selection as a Python slice ``[start, end)``."""
    return (start, end + 1) if convention == "inclusive" else (start, end)


@dataclass(frozen=True)
class Placement:
    """Which segments (indexes into the list given) a selection lands on, and how well.

    ``kind``: ``exact`` (one whole segment), ``spans`` (several whole segments), ``partial``
    (a boundary falls inside a segment), ``none`` (only whitespace between segments), or
    ``invalid`` (outside the text, or empty).
    """

    segments: tuple[int, ...]
    kind: PlacementKind


def place(text: str, start: int, end: int, segments: Sequence[tuple[int, int]]) -> Placement:
    """Map the slice ``[start, end)`` of ``text`` onto segments sorted by start (surrounding
    whitespace of the selection is ignored)."""
    if start < 0 or end > len(text) or start >= end:
        return Placement((), "invalid")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return Placement((), "none")
    starts = [a for a, _ in segments]
    first = max(0, bisect.bisect_right(starts, start) - 1)
    hits = []
    for i in range(first, len(segments)):
        a, b = segments[i]
        if a >= end:
            break
        if b > start:
            hits.append(i)
    if not hits:
        return Placement((), "none")
    lo, hi = segments[hits[0]][0], segments[hits[-1]][1]
    if (lo, hi) == (start, end):
        return Placement(tuple(hits), "exact" if len(hits) == 1 else "spans")
    return Placement(tuple(hits), "partial")
