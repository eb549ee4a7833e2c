"""Fast greedy word wrap returning spans, so long transcripts lay out in milliseconds."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len

_WORD = re.compile(r"\S+")


def measure(text: str) -> int:
    """Cells ``text`` takes on screen (``len`` for ASCII, which is most testimony)."""
    return len(text) if text.isascii() else cell_len(text)


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Split ``text`` into lines of at most ``width`` cells; returns (start, end) offsets per line.

    Breaks at spaces (and always at newlines); a word wider than the line is cut. Line ends
    exclude the spaces broken at. An empty text gives one empty line.
    """
    width = max(width, 1)
    if "\n" in text:
        lines: list[tuple[int, int]] = []
        offset = 0
        for part in text.split("\n"):
            lines.extend((offset + a, offset + b) for a, b in wrap_spans(part, width))
            offset += len(part) + 1
        return lines
    if text.isascii():
        return _wrap_ascii(text, width)
    return _wrap_cells(text, width)


def _wrap_ascii(text: str, width: int) -> list[tuple[int, int]]:
    """One ``rfind`` per line: a few microseconds for a sentence."""
    n = len(text)
    lines: list[tuple[int, int]] = []
    start = 0
    while n - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = nxt = start + width
        else:
            nxt = cut + 1
            while nxt < n and text[nxt] == " ":
                nxt += 1
        end = cut
        while end > start and text[end - 1] == " ":
            end -= 1
        lines.append((start, end))
        start = nxt
    lines.append((start, n))
    return lines


def _wrap_cells(text: str, width: int) -> list[tuple[int, int]]:
    """Word by word, measuring cells (wide characters count two)."""
    if cell_len(text) <= width:
        return [(0, len(text))]
    lines: list[tuple[int, int]] = []
    start = end = -1
    line_w = 0
    for m in _WORD.finditer(text):
        s, e = m.span()
        w = cell_len(text[s:e])
        if start >= 0:
            gap = cell_len(text[end:s])
            if line_w + gap + w <= width:
                end, line_w = e, line_w + gap + w
                continue
            lines.append((start, end))
        while w > width:  # a word longer than the line
            cut = s + _fit(text, s, e, width)
            lines.append((s, cut))
            s = cut
            w = cell_len(text[s:e])
        start, end, line_w = s, e, w
    if start >= 0:
        lines.append((start, end))
    return lines or [(0, 0)]


def _fit(text: str, s: int, e: int, width: int) -> int:
    """How many characters of ``text[s:e]`` fit in ``width`` cells (at least one)."""
    n = min(width, e - s)
    while n > 1 and cell_len(text[s : s + n]) > width:
        n -= 1
    return max(n, 1)


def place_chips(widths: Sequence[int], first_free: int, width: int) -> list[list[int]]:
    """Lay chips (tags) of the given widths after text: the first line has ``first_free`` cells left.

    Returns, per line, the indices of the chips on it (the first list is for the text's last line
    and may be empty). Chips are separated by one space.
    """
    lines: list[list[int]] = [[]]
    free = first_free
    for i, w in enumerate(widths):
        need = w + 1
        if need > free and (lines[-1] or free < width):
            lines.append([])
            free = width
        lines[-1].append(i)
        free -= need
    return lines
