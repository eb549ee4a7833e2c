"""Pseudonymisation: listed names become stable placeholders in text that leaves qcode.

Pure: no database (rapidfuzz for spelling variants). A names file lists people, places,
companies or ships; each becomes ``[PERSON-3]`` (the kind and its number in the file) or the
placeholder the file gives. A mention is found exactly (any case, accents, spaces and hyphens
aside: *Kim Jong-un*, *kim jong un* and *Kim Jongun* are one name) or as a spelling variant whose
similarity to a listed name (rapidfuzz's ratio of the letters and digits, 0-100) reaches the
threshold. Variants are sought only among capitalised words (in scripts with case) and for names
of at least :data:`MIN_FUZZY` letters, so common words are not mistaken for short names; mentions
a little below the threshold are reported as close but left alone. Offsets of the original text
map onto the new one (:meth:`Redacted.offset`), so exported positions stay true.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qcode.errors import InputError

__all__ = [
    "DEFAULT_THRESHOLD",
    "Mention",
    "NameEntry",
    "Pseudonymiser",
    "Redacted",
    "read_names",
]

#: Similarity (0-100) from which a variant spelling is replaced.
DEFAULT_THRESHOLD = 88.0
#: How far below the threshold a mention is still reported as close.
NEAR_MARGIN = 12.0
#: Names shorter than this (letters and digits) are replaced only when spelled exactly.
MIN_FUZZY = 5
#: Kind of a name whose row gives none.
DEFAULT_KIND = "person"

_TOKEN = re.compile(r"\w+")
#: What may stand between the words of one name: spaces, tabs, no-break spaces, hyphens, dashes.
_JOINER = re.compile(r"[ \t\u00a0\u2009\u202f\-\u2010\u2011\u2012\u2013]{1,3}")


def normalise(text: str) -> str:
    """Letters and digits only, case and accents folded: the form names are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


@dataclass(frozen=True)
class NameEntry:
    """One listed name (one alias of a placeholder)."""

    name: str
    placeholder: str
    kind: str
    line: int


@dataclass(frozen=True)
class Mention:
    """A name found in a text: ``[start, end)`` of the original text."""

    start: int
    end: int
    found: str
    name: str
    placeholder: str
    score: float
    replaced: bool


@dataclass(frozen=True)
class Redacted:
    """A text with its mentions replaced, and the map from old offsets to new ones."""

    text: str
    mentions: tuple[Mention, ...]  # replaced and close ones, in text order
    _starts: tuple[int, ...] = field(default=(), repr=False)  # of the replaced mentions
    _ends: tuple[int, ...] = field(default=(), repr=False)
    _sizes: tuple[int, ...] = field(default=(), repr=False)  # placeholder lengths
    _shifts: tuple[int, ...] = field(default=(), repr=False)  # cumulative change after each replacement

    def offset(self, position: int, *, end: bool = False) -> int:
        """Where ``position`` of the original text is in :attr:`text`.

        A position inside a replaced mention goes to the placeholder's start, or its end when
        ``end`` (the end of a span).
        """
        i = bisect_right(self._starts, position) - 1
        if i < 0:
            return position
        before = self._shifts[i - 1] if i else 0
        if position >= self._ends[i]:
            return position + self._shifts[i]
        if position == self._starts[i]:
            return position + before
        return self._starts[i] + before + (self._sizes[i] if end else 0)

    @property
    def replaced(self) -> tuple[Mention, ...]:
        """The mentions that were replaced."""
        return tuple(m for m in self.mentions if m.replaced)


def read_names(path: Path) -> list[NameEntry]:
    """Read a names file: CSV with a ``name`` column, optional ``placeholder`` and ``kind``.

    ``Kim Jong-un|Kim Jong Un`` in one cell lists aliases; rows that give the same placeholder
    are aliases too. A row without a placeholder gets ``[KIND-n]``, numbered per kind in the
    order names first appear, so the same file always gives the same placeholders.

    Raises:
        InputError: unreadable, not CSV, no ``name`` column, an empty name, or one name given
            two placeholders (file and line named).
    """
    from qcode.export.tables import read_csv

    table = read_csv(path, required=("name",))
    counters: dict[str, int] = {}
    seen: dict[str, NameEntry] = {}
    out: list[NameEntry] = []
    for record in table.records:
        names = [n.strip() for n in (record.get("name") or "").split("|") if n.strip()]
        if not names:
            raise InputError("empty name", path=str(path), line=record.line)
        kind = (record.get("kind") or DEFAULT_KIND).strip().lower() or DEFAULT_KIND
        placeholder = (record.get("placeholder") or "").strip()
        if not placeholder:
            known = next((seen[normalise(n)] for n in names if normalise(n) in seen), None)
            if known is not None:
                placeholder = known.placeholder
            else:
                counters[kind] = counters.get(kind, 0) + 1
                placeholder = f"[{kind.upper()}-{counters[kind]}]"
        for name in names:
            key = normalise(name)
            if not key:
                raise InputError(f"name {name!r} has no letters or digits", path=str(path), line=record.line)
            if key in seen and seen[key].placeholder != placeholder:
                raise InputError(
                    f"{name!r} is given {placeholder!r} here and {seen[key].placeholder!r} on line "
                    f"{seen[key].line}",
                    path=str(path),
                    line=record.line,
                )
            entry = NameEntry(name, placeholder, kind, record.line)
            if key not in seen:
                seen[key] = entry
                out.append(entry)
    if not out:
        raise InputError("lists no names", path=str(path))
    return out


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    entry: NameEntry
    score: float


class Pseudonymiser:
    """Finds listed names and their variants in texts and replaces them."""

    def __init__(self, names: Sequence[NameEntry], threshold: float = DEFAULT_THRESHOLD) -> None:
        """``threshold`` (0-100): a variant at least this similar to a listed name is replaced."""
        if not names:
            raise InputError("no names to pseudonymise")
        self.threshold = threshold
        self.low = max(0.0, threshold - NEAR_MARGIN)
        self._exact = {normalise(n.name): n for n in names}
        self._fuzzy = [(k, n) for k, n in self._exact.items() if len(k) >= MIN_FUZZY]
        self._choices = [k for k, _ in self._fuzzy]
        self._lengths = sorted({len(k) for k in self._choices})
        self._words = max(len(_TOKEN.findall(n.name)) for n in names) + 1
        self._cache: dict[str, tuple[NameEntry, float] | None] = {}

    def apply(self, text: str, cuts: Iterable[int] = ()) -> Redacted:
        """``text`` with every listed name replaced; no mention crosses an offset in ``cuts``."""
        chosen, close = self._select(self._candidates(text), sorted(set(cuts)))
        pieces: list[str] = []
        shifts: list[int] = []
        pos = shift = 0
        for c in chosen:
            pieces += [text[pos : c.start], c.entry.placeholder]
            shift += len(c.entry.placeholder) - (c.end - c.start)
            shifts.append(shift)
            pos = c.end
        pieces.append(text[pos:])
        mentions = [self._mention(text, c, replaced=True) for c in chosen]
        mentions += [self._mention(text, c, replaced=False) for c in close]
        mentions.sort(key=lambda m: (m.start, m.end))
        return Redacted(
            "".join(pieces),
            tuple(mentions),
            tuple(c.start for c in chosen),
            tuple(c.end for c in chosen),
            tuple(len(c.entry.placeholder) for c in chosen),
            tuple(shifts),
        )

    def text(self, text: str) -> str:
        """Only the replaced text."""
        return self.apply(text).text if text else text

    @staticmethod
    def _mention(text: str, c: _Candidate, *, replaced: bool) -> Mention:
        return Mention(
            c.start, c.end, text[c.start : c.end], c.entry.name, c.entry.placeholder, c.score, replaced
        )

    def _candidates(self, text: str) -> list[_Candidate]:
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        out: list[_Candidate] = []
        for i, (start, _end) in enumerate(tokens):
            capital = _capitalised(text[start])
            last = i
            for j in range(i, min(i + self._words, len(tokens))):
                if j > i and not _JOINER.fullmatch(text[tokens[j - 1][1] : tokens[j][0]]):
                    break
                last = j
                found = self._score(normalise(text[start : tokens[last][1]]), fuzzy=capital)
                if found is not None:
                    out.append(_Candidate(start, tokens[last][1], found[0], found[1]))
        return out

    def _score(self, key: str, *, fuzzy: bool) -> tuple[NameEntry, float] | None:
        exact = self._exact.get(key)
        if exact is not None:
            return exact, 100.0
        if not fuzzy or not self._plausible(len(key)):
            return None
        if key in self._cache:
            return self._cache[key]
        from rapidfuzz import fuzz, process

        best = process.extractOne(key, self._choices, scorer=fuzz.ratio, score_cutoff=self.low)
        result = None if best is None else (self._fuzzy[best[2]][1], float(best[1]))
        self._cache[key] = result
        return result

    def _plausible(self, length: int) -> bool:
        """Whether some listed name's length allows a ratio above the near cut-off."""
        ratio = self.low / 100
        if ratio <= 0:
            return bool(self._lengths)
        lo, hi = length * ratio / (2 - ratio), length * (2 - ratio) / ratio
        i = bisect_right(self._lengths, hi)
        return i > 0 and self._lengths[i - 1] >= lo

    def _select(
        self, candidates: list[_Candidate], cuts: list[int]
    ) -> tuple[list[_Candidate], list[_Candidate]]:
        """The best non-overlapping mentions to replace, and the close ones left alone."""
        ranked = sorted(candidates, key=lambda c: (-c.score, -(c.end - c.start), c.start))
        taken: list[_Candidate] = []
        close: list[_Candidate] = []
        for c in ranked:
            if _crosses(c, cuts) or any(c.start < t.end and t.start < c.end for t in taken):
                continue
            if c.score >= self.threshold:
                taken.append(c)
            elif not any(c.start < t.end and t.start < c.end for t in close):
                close.append(c)
        close = [c for c in close if not any(c.start < t.end and t.start < c.end for t in taken)]
        return sorted(taken, key=lambda c: c.start), close


def _capitalised(first: str) -> bool:
    """A word that may be a name: an upper-case letter, or a script without case."""
    return first.isupper() or (first.isalpha() and not first.islower())


def _crosses(c: _Candidate, cuts: list[int]) -> bool:
    i = bisect_right(cuts, c.start)
    return i < len(cuts) and cuts[i] < c.end
