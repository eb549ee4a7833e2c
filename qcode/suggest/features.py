"""From text to the features a suggestion is computed on: stemmed words and word pairs.

English only for now (the stop words and suffixes are English); a segment in another language
still gets suggestions from the coder's own codings, since those share its words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

__all__ = ["STOPWORDS", "Tokens", "contains", "features", "keyword_pattern", "stem", "tokens"]

#: Words too common to say anything about a code (pronouns, articles, auxiliaries, connectives).
STOPWORDS: frozenset[str] = frozenset(
    """a an the and or but if then so of to in on at for with by from as is are was were be been being
    it its it's this that these those there here i i'm you he she we they me him her us them my your his
    our their not no do does did don't have has had can could would should will just also about very
    more most some any all each every than too only into out up down over after before when while what
    which who whom how why where because even such other one get got""".split()  # noqa: SIM905 - a word list
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
#: Suffixes stripped (longest first), each with what replaces it, and the shortest stem kept.
_SUFFIXES = (
    ("ations", "ate"), ("ation", "ate"), ("ions", ""), ("ion", ""), ("ness", ""), ("ments", ""),
    ("ment", ""), ("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y"), ("ers", "er"), ("ery", "e"),
    ("ed", ""), ("es", ""), ("s", ""),
)  # fmt: skip
_MIN_STEM = 3


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem, enough to match "bribes", "bribed" and "bribery" to "brib".

    Not a linguistic stemmer: it only has to map a word's common forms to one key, the same way
    for the codebook and for the testimony.
    """
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)] + replacement
            break
    bare = word.rstrip("e")  # "bribe" and "bribery" (now "bribe") both end as "brib"
    return bare if len(bare) >= _MIN_STEM else word


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's content words: their stems in order, and the first surface form of each stem."""

    stems: tuple[str, ...]
    surface: dict[str, str]


def tokens(text: str) -> Tokens:
    """Content words of ``text``, lower-cased and stemmed, stop words and numbers dropped."""
    stems: list[str] = []
    surface: dict[str, str] = {}
    for match in _WORD.finditer(text.lower()):
        word = match.group().replace("’", "'")
        if word in STOPWORDS or word.isdigit():
            continue
        key = stem(word.removesuffix("'s"))
        stems.append(key)
        surface.setdefault(key, word)
    return Tokens(tuple(stems), surface)


def features(text: str) -> Counter[str]:
    """Counts of the stems of ``text`` and of adjacent stem pairs (``"send money"`` → ``send␣money``)."""
    stems = tokens(text).stems
    counts = Counter(stems)
    counts.update(f"{a} {b}" for a, b in pairwise(stems))
    return counts


def keyword_pattern(keyword: str) -> tuple[str, ...]:
    """The stems a codebook keyword must show in a row (stop words ignored, as in the text)."""
    return tokens(keyword).stems


def contains(stems: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    """Whether ``pattern`` occurs in ``stems`` as a contiguous run (an empty pattern never does)."""
    if not pattern:
        return False
    n = len(pattern)
    first = pattern[0]
    return any(stems[i] == first and stems[i : i + n] == pattern for i in range(len(stems) - n + 1))
