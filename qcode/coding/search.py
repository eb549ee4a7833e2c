"""Finding codes by fuzzy name or keyword, and text in segments (pure; rapidfuzz only)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from qcode.coding.types import CodeInfo

#: Below this score (0–100) a code is not offered at all.
CODE_CUTOFF = 62.0
#: A fuzzy text hit needs at least this partial-ratio score.
TEXT_CUTOFF = 80.0
#: Prefix that turns a text search fuzzy.
FUZZY_PREFIX = "~"


def _code_score(query: str, code: CodeInfo) -> float:
    fields = (code.name, code.key, *code.keywords)
    best = max(fuzz.WRatio(query, f, processor=default_process) for f in fields)
    name = code.name.casefold()
    if name.startswith(query.casefold()) or code.key.casefold().startswith(query.casefold()):
        best += 10.0
    return best


def match_codes(query: str, codes: Sequence[CodeInfo], limit: int = 20) -> list[tuple[float, CodeInfo]]:
    """Codes ranked by how well their name, key or a keyword matches ``query``.

    An empty query returns every code in codebook order with score 0.
    """
    query = query.strip()
    if not query:
        return [(0.0, c) for c in codes[:limit]]
    scored = [(_code_score(query, c), c) for c in codes]
    ranked = sorted((s for s in scored if s[0] >= CODE_CUTOFF), key=lambda s: -s[0])
    return ranked[:limit]


def match_titles(query: str, titles: Sequence[str]) -> list[tuple[float, int]]:
    """Commands (by title) ranked as :func:`match_codes` ranks codes, on the same scale: ``(score, index)``.

    A title or one of its words starting with ``query`` gets the bonus a code's name would.
    """
    query = query.strip()
    if not query:
        return []
    folded = query.casefold()
    scored = []
    for i, title in enumerate(titles):
        score = fuzz.WRatio(query, title, processor=default_process)
        if any(word.startswith(folded) for word in [title.casefold(), *title.casefold().split()]):
            score += 10.0
        if score >= CODE_CUTOFF:
            scored.append((score, i))
    return sorted(scored, key=lambda s: -s[0])


@dataclass(frozen=True, slots=True)
class TextHit:
    """A segment (by index) that matches a search, with the matching spans of its text."""

    index: int
    spans: tuple[tuple[int, int], ...]


def parse_query(raw: str) -> tuple[str, bool]:
    """Split a search box entry into the query and whether it is fuzzy (``~`` prefix)."""
    raw = raw.strip()
    if raw.startswith(FUZZY_PREFIX):
        return raw[len(FUZZY_PREFIX) :].strip(), True
    return raw, False


def find_text(query: str, texts: Sequence[str], *, fuzzy: bool = False) -> list[TextHit]:
    """Indices of ``texts`` containing ``query`` (case-insensitive), or fuzzily resembling it."""
    if not query:
        return []
    hits: list[TextHit] = []
    if not fuzzy:
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        for i, text in enumerate(texts):
            spans = tuple(m.span() for m in pattern.finditer(text))
            if spans:
                hits.append(TextHit(i, spans))
        return hits
    for i, text in enumerate(texts):
        # lower() keeps offsets (default_process trims, which would shift the highlighted span)
        align = fuzz.partial_ratio_alignment(query, text, processor=str.lower, score_cutoff=TEXT_CUTOFF)
        if align is not None:
            hits.append(TextHit(i, ((align.dest_start, align.dest_end),)))
    return hits


def find_span(words: str, text: str) -> tuple[int, int] | None:
    """Where ``words`` stand in ``text``: the first exact (case-insensitive) match, else the closest
    fuzzy one (typed spaces against a line break, a slip of the keyboard), else ``None``."""
    words = words.strip()
    hits = find_text(words, [text]) or find_text(words, [text], fuzzy=True)
    return hits[0].spans[0] if hits else None
