"""Keyword in context: each use of a word with the words around it, aligned on the word."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class KwicLine:
    """One use of the word: where it is, what comes before and after (one line each)."""

    document: str
    segment: int
    left: str
    keyword: str
    right: str


def pattern(word: str) -> re.Pattern[str]:
    """A whole-word, any-case pattern; a trailing ``*`` matches any ending (``wage*``)."""
    stem = word.strip()
    prefix = stem.endswith("*")
    body = re.escape(stem.rstrip("*"))
    tail = r"[\w'’\-]*" if prefix else ""
    return re.compile(rf"(?<![\w'’\-]){body}{tail}(?![\w'’\-])", re.IGNORECASE)


def kwic(rows: Iterable[tuple[str, int, str]], word: str, *, width: int = 40) -> list[KwicLine]:
    """Every use of ``word`` in (document, segment, text) rows, with ``width`` characters each side."""
    find = pattern(word)
    out = []
    for document, segment, text in rows:
        flat = " ".join(text.split())
        for m in find.finditer(flat):
            left = flat[max(0, m.start() - width) : m.start()]
            right = flat[m.end() : m.end() + width]
            out.append(KwicLine(document, segment, left, m.group(), right))
    return out
