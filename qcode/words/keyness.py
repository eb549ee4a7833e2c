"""Which words a selection uses more than the rest: log-odds with an informative Dirichlet prior.

Pure: plain counts in, scores out. The statistic is Monroe, Colaresi & Quinn's (2008, "Fightin'
Words", *Political Analysis* 16(4)): the log-odds ratio of a word between the selection and the
rest of the corpus, each smoothed by a prior proportional to the word's share of the whole corpus
(``prior`` pseudo-words in all), divided by its approximate standard error. The z-score ranks
words; |z| above 1.96 is a difference unlikely by chance alone at the 5% level, for one word.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Strength of the prior in pseudo-words, spread over the vocabulary by corpus share.
DEFAULT_PRIOR = 1000.0
#: A word's letters, with inner apostrophes (don't, worker's) and hyphens (side-work).
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass(frozen=True)
class Keyness:
    """One word's use in the selection against the rest."""

    word: str
    target: int
    reference: int
    log_odds: float
    z: float


def words(text: str, stop: frozenset[str] = frozenset(), *, min_length: int = 2) -> list[str]:
    """The text's words, case-folded, without stop words and words shorter than ``min_length``."""
    out = []
    for m in WORD.finditer(text):
        w = m.group().casefold().replace("’", "'")
        if len(w) >= min_length and w not in stop and _stem(w) not in stop:
            out.append(w)
    return out


def _stem(word: str) -> str:
    """A contraction's first part, as spaCy's tokenizer splits it (didn't → did, we're → we)."""
    if word.endswith("n't"):
        return word[:-3]
    return word.split("'")[0]


def count(texts: Iterable[str], stop: frozenset[str] = frozenset()) -> Counter[str]:
    """Word counts over texts."""
    total: Counter[str] = Counter()
    for text in texts:
        total.update(words(text, stop))
    return total


def distinctive(
    target: Mapping[str, int],
    reference: Mapping[str, int],
    *,
    prior: float = DEFAULT_PRIOR,
    min_count: int = 3,
    top: int = 20,
) -> list[Keyness]:
    """The words most over-used in ``target`` against ``reference``, highest z first.

    Words used fewer than ``min_count`` times in the target are left out (a single use says little).
    """
    n_t, n_r = sum(target.values()), sum(reference.values())
    if not n_t:
        return []
    n_all = n_t + n_r
    scored = []
    for w, y_t in target.items():
        if y_t < min_count:
            continue
        y_r = reference.get(w, 0)
        a_w = prior * (y_t + y_r) / n_all
        if y_t + y_r == n_all:  # the only word in the corpus: no other word to set its odds against
            delta = z = 0.0
        else:
            odds_t = (y_t + a_w) / (n_t + prior - y_t - a_w)
            odds_r = (y_r + a_w) / (n_r + prior - y_r - a_w)
            delta = math.log(odds_t) - math.log(odds_r)
            z = delta / math.sqrt(1 / (y_t + a_w) + 1 / (y_r + a_w))
        scored.append(Keyness(w, y_t, y_r, delta, z))
    scored.sort(key=lambda k: (-k.z, k.word))
    return scored[:top]


def frequent(counts: Mapping[str, int], top: int = 20) -> list[tuple[str, int]]:
    """The most used words, then alphabetical among equals."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
