"""Near-duplicate testimony: passages told twice, verbatim, inside a longer passage, or retold.

Comparing every pair is quadratic, so candidates come from blocking first: each passage
is reduced to word bigrams; a bigram shared by 2 to ``MAX_SHARED`` passages is informative;
each passage's ``SKETCH`` rarest informative bigrams are looked up in the inverted index,
and a pair becomes a candidate when enough of one passage's sketch occurs in the other.
Exact duplicates (equal after normalising) are paired directly. Only candidates are scored
with rapidfuzz (``process.cpdist`` over all of them, on every core). NumPy and rapidfuzz
are imported inside the functions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

K = TypeVar("K")
Kind = Literal["whole", "contained", "partial"]

#: Default score (0–100) a pair needs to be reported.
DEFAULT_THRESHOLD = 80.0
#: Passages with fewer words are not compared ("Yes.", "Thank you.").
DEFAULT_MIN_WORDS = 8
#: Rarest informative bigrams kept per passage for candidate lookup.
SKETCH = 16
#: Bigrams shared by more passages than this are common phrasing, not evidence.
MAX_SHARED = 64
#: Share of a passage's sketch that must occur in the other passage of a candidate pair.
MIN_SKETCH_SHARE = 0.3
#: Below this length ratio (shorter / longer) a high partial match means "contained".
CONTAINED_LENGTH_RATIO = 0.67
#: Token-set matches count only between passages at least this similar in length.
PARTIAL_LENGTH_RATIO = 0.5
#: Candidate expansions handled per NumPy step (bounds memory).
_CHUNK = 4_000_000


@dataclass(frozen=True)
class DuplicatePair(Generic[K]):
    """Two passages that tell the same thing.

    Attributes:
        a_key: key of the passage that comes first in the input.
        b_key: key of the other passage.
        score: rapidfuzz score, 0–100, of the kind below.
        kind: ``whole`` (``fuzz.ratio``), ``contained`` (one is, nearly verbatim, inside the
            other: ``fuzz.partial_ratio`` with very different lengths) or ``partial``
            (overlapping or retold: ``partial_ratio`` at similar lengths, or ``token_set_ratio``).
    """

    a_key: K
    b_key: K
    score: float
    kind: Kind


def find_duplicates(
    passages: Sequence[tuple[K, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_words: int = DEFAULT_MIN_WORDS,
    workers: int = -1,
) -> list[DuplicatePair[K]]:
    """Find near-duplicate pairs among ``(key, text)`` passages, best score first.

    Texts are compared after ``rapidfuzz.utils.default_process`` (lower case, no
    punctuation). A pair's kind is the first that reaches ``threshold`` of: contained,
    whole, partial; so a lightly edited copy that is ``whole`` at 80 may be reported as
    ``partial`` (on its higher ``partial_ratio``) at a threshold above its ratio.

    Args:
        passages: opaque keys (e.g. ``(document, ordinal)``) with the passage texts.
        threshold: lowest score reported.
        min_words: shorter passages are ignored.
        workers: rapidfuzz threads (``-1``: all cores).
    """
    from rapidfuzz.utils import default_process

    texts = [default_process(text) for _, text in passages]
    words = [text.split() for text in texts]
    usable = [i for i, w in enumerate(words) if len(w) >= min_words]
    if len(usable) < 2:
        return []
    a, b = candidate_pairs([words[i] for i in usable])
    exact_a, exact_b = _exact_pairs([texts[i] for i in usable])
    a, b = _merge_pairs(len(usable), a, b, exact_a, exact_b)
    pairs = _score(texts, [usable[i] for i in a], [usable[j] for j in b], threshold, workers)
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return [DuplicatePair(passages[i][0], passages[j][0], score, kind) for i, j, score, kind in pairs]


def candidate_pairs(words: Sequence[Sequence[str]]) -> tuple[list[int], list[int]]:
    """Candidate pairs ``(i, j)``, ``i < j``, of passages given as word lists (see the module doc)."""
    import numpy as np

    n = len(words)
    counts = np.fromiter(map(len, words), dtype=np.int64, count=n)
    vocabulary = {w: i for i, w in enumerate(dict.fromkeys(itertools.chain.from_iterable(words)))}
    all_words = itertools.chain.from_iterable(words)
    ids = np.fromiter(map(vocabulary.__getitem__, all_words), dtype=np.int64, count=int(counts.sum()))
    pid = np.repeat(np.arange(n, dtype=np.int64), counts)
    same = pid[:-1] == pid[1:]
    bigram = ids[:-1][same] * len(vocabulary) + ids[1:][same]
    if len(vocabulary) ** 2 * n >= 2**62:  # keep the packed key below in 63 bits
        bigram = np.searchsorted(_unique(bigram), bigram)
    entries = _unique(bigram * n + pid[:-1][same])  # (bigram, passage), sorted by bigram
    feature, owner = entries // n, entries % n
    run_start = np.flatnonzero(np.concatenate(([True], feature[1:] != feature[:-1])))
    run_length = np.diff(np.concatenate((run_start, [len(feature)])))
    shared = np.repeat(run_length, run_length)
    keep = (shared >= 2) & (shared <= MAX_SHARED)
    feature, owner, shared = feature[keep], owner[keep], shared[keep]
    if not len(feature):
        return [], []
    group_first = np.flatnonzero(np.concatenate(([True], feature[1:] != feature[:-1])))
    group_of = np.cumsum(np.concatenate(([True], feature[1:] != feature[:-1]))) - 1

    # each passage's sketch: its SKETCH rarest informative bigrams (ties broken by bigram)
    order = np.lexsort((feature, shared, owner))
    sorted_owner = owner[order]
    first_of_owner = np.flatnonzero(np.concatenate(([True], sorted_owner[1:] != sorted_owner[:-1])))
    rank = np.arange(len(order)) - np.repeat(first_of_owner, np.diff(np.append(first_of_owner, len(order))))
    sketch = order[rank < SKETCH]  # entry positions, grouped by owner
    sketch_size = np.bincount(owner[sketch], minlength=n)
    need = np.maximum(1, np.ceil(MIN_SKETCH_SHARE * sketch_size)).astype(np.int64)
    return _hits_to_pairs(sketch, owner, shared, group_first, group_of, need, n)


def _hits_to_pairs(
    sketch: Any, owner: Any, shared: Any, group_first: Any, group_of: Any, need: Any, n: int
) -> tuple[list[int], list[int]]:
    """Expand each sketch entry to the passages sharing its bigram; keep pairs with enough hits."""
    import numpy as np

    found: list[Any] = []
    lengths = shared[sketch]
    ends = np.cumsum(lengths)
    start = 0
    while start < len(sketch):
        stop = int(np.searchsorted(ends, ends[start] - lengths[start] + _CHUNK, side="right"))
        stop = max(stop, start + 1)
        # never split one passage's sketch across chunks: its hits must be counted together
        while stop < len(sketch) and owner[sketch[stop]] == owner[sketch[stop - 1]]:
            stop += 1
        part = sketch[start:stop]
        sizes = shared[part]
        query = np.repeat(owner[part], sizes)
        first = np.repeat(group_first[group_of[part]], sizes)
        within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        other = owner[first + within]
        pair, hits = _unique(query * n + other, counts=True)
        qa, qb = pair // n, pair % n
        good = (qa != qb) & (hits >= need[qa])
        found.append(np.minimum(qa[good], qb[good]) * n + np.maximum(qa[good], qb[good]))
        start = stop
    pairs = _unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return (pairs // n).tolist(), (pairs % n).tolist()


def _unique(values: Any, *, counts: bool = False) -> Any:
    """Sorted distinct values (and how often each occurs), by sorting: faster than ``np.unique`` here."""
    import numpy as np

    ordered = np.sort(values, kind="stable" if counts else "quicksort")
    first = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1]))) if len(ordered) else ordered
    distinct = ordered[first]
    if not counts:
        return distinct
    return distinct, np.diff(np.append(first, len(ordered)))


def _exact_pairs(texts: Sequence[str]) -> tuple[list[int], list[int]]:
    """Pairs of passages equal after normalising (found whatever their words' frequency)."""
    groups: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(" ".join(text.split()), []).append(i)
    a: list[int] = []
    b: list[int] = []
    for members in groups.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a.append(members[x])
                b.append(members[y])
    return a, b


def _merge_pairs(
    n: int, a: list[int], b: list[int], c: list[int], d: list[int]
) -> tuple[list[int], list[int]]:
    import numpy as np

    codes = _unique(np.asarray(a + c, dtype=np.int64) * n + np.asarray(b + d, dtype=np.int64))
    return (codes // n).tolist(), (codes % n).tolist()


def _score(
    texts: Sequence[str], a: list[int], b: list[int], threshold: float, workers: int
) -> list[tuple[int, int, float, Kind]]:
    """Score candidate pairs and classify them; drop those under ``threshold``.

    Containment wins over ``whole`` (at very different lengths ``fuzz.ratio`` cannot
    exceed about 80, so a verbatim copy inside a longer passage may still pass a low
    threshold as ``whole``); ``partial`` is the fallback.
    """
    import numpy as np
    from rapidfuzz import fuzz
    from rapidfuzz.process import cpdist

    if not a:
        return []
    left = [texts[i] for i in a]
    right = [texts[j] for j in b]
    lengths = np.asarray([[len(x), len(y)] for x, y in zip(left, right, strict=True)], dtype=np.float64)
    length_ratio = lengths.min(axis=1) / np.maximum(lengths.max(axis=1), 1)
    unequal = length_ratio <= CONTAINED_LENGTH_RATIO
    whole = np.asarray(cpdist(left, right, scorer=fuzz.ratio, workers=workers), dtype=np.float64)
    partial = np.zeros(len(a))
    token_set = np.zeros(len(a))
    rows = np.flatnonzero((whole < threshold) | unequal)
    if len(rows):
        partial[rows] = _pairwise(fuzz.partial_ratio, left, right, rows, threshold, workers)
    similar = length_ratio >= PARTIAL_LENGTH_RATIO
    rows = np.flatnonzero((whole < threshold) & similar & (partial < threshold))
    if len(rows):
        token_set[rows] = _pairwise(fuzz.token_set_ratio, left, right, rows, threshold, workers)
    contained = unequal & (partial >= threshold)
    partial_score = np.maximum(np.where(unequal, 0.0, partial), token_set)
    out: list[tuple[int, int, float, Kind]] = []
    for k in np.flatnonzero(contained | (whole >= threshold) | (partial_score >= threshold)).tolist():
        if contained[k]:
            out.append((a[k], b[k], _round(partial[k]), "contained"))
        elif whole[k] >= threshold:
            out.append((a[k], b[k], _round(whole[k]), "whole"))
        else:
            out.append((a[k], b[k], _round(partial_score[k]), "partial"))
    return out


def _pairwise(scorer: Any, left: list[str], right: list[str], rows: Any, cutoff: float, workers: int) -> Any:
    import numpy as np
    from rapidfuzz.process import cpdist

    chosen = rows.tolist()
    queries, choices = [left[k] for k in chosen], [right[k] for k in chosen]
    scores = cpdist(queries, choices, scorer=scorer, score_cutoff=cutoff, workers=workers)
    return np.asarray(scores, dtype=np.float64)


def _round(score: float) -> float:
    return math.floor(float(score) * 10 + 0.5) / 10
