"""Match old segments to new ones after a transcript changes: by position as well as by text.

Text alone cannot tell the occurrences of a repeated sentence apart ("I don't know." said three
times), so the whole old document is aligned with the whole new one first, in order: the longest
common subsequence of sentences (the unchanged start and end are matched directly, the changed
middle by dynamic programming in NumPy; a middle too big for that falls back to
:class:`difflib.SequenceMatcher`). An unchanged sentence keeps its own occurrence. What the
alignment leaves over is matched next, nearest position first: the same text elsewhere (a moved
paragraph), then an edited sentence (``fuzz.ratio`` ≥ threshold) in the changed stretch, then one
anywhere, and last a new segment that contains the old sentence (two sentences joined into one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

#: How an old segment found its new one.
How = Literal["same", "moved", "edited", "joined"]
#: A new segment that contains an old sentence whole is taken at this ``partial_ratio`` or more.
CONTAINED = 90.0
#: Largest changed middle (old × new sentences) aligned exactly; 4M cells take ~16 MB and ~0.1 s.
EXACT_CELLS = 4_000_000


@dataclass(frozen=True)
class Placement:
    """Where an old segment went: the new segment's id and how it was found."""

    new_id: int
    how: How


def _norm(text: str) -> str:
    return " ".join(text.split())


class _Aligner:
    """One alignment: the old and new sentences, and the new ones still free."""

    def __init__(self, old: Sequence[str], new: Sequence[str]) -> None:
        self.old, self.new = [_norm(t) for t in old], [_norm(t) for t in new]
        self.placed: dict[int, tuple[int, How]] = {}
        self.taken: set[int] = set()
        self.gaps: list[tuple[range, range]] = []

    def in_order(self) -> None:
        pairs = common_subsequence(self.old, self.new)
        previous = (-1, -1)
        for i, j in [*pairs, (len(self.old), len(self.new))]:
            if i - previous[0] > 1 or j - previous[1] > 1:
                self.gaps.append((range(previous[0] + 1, i), range(previous[1] + 1, j)))
            if i < len(self.old):
                self._place(i, j, "same")
            previous = (i, j)

    def _place(self, i: int, j: int, how: How) -> None:
        self.placed[i] = (j, how)
        if how != "joined":
            self.taken.add(j)

    def _near(self, i: int, candidates: Sequence[int]) -> int:
        """The candidate nearest to where old sentence ``i`` would sit in the new document."""
        at = i * len(self.new) / max(1, len(self.old))
        return min(candidates, key=lambda j: (abs(j - at), j))

    def moved(self) -> None:
        free: dict[str, list[int]] = defaultdict(list)
        for j, text in enumerate(self.new):
            if j not in self.taken:
                free[text].append(j)
        for olds, _ in self.gaps:
            for i in olds:
                spots = [j for j in free.get(self.old[i], []) if j not in self.taken]
                if spots:
                    self._place(i, self._near(i, spots), "moved")

    def fuzzy(self, threshold: float, scorer: Callable[..., float], how: How, *, local: bool) -> None:
        for olds, news in self.gaps:
            for i in olds:
                if i in self.placed:
                    continue
                pool = news if local else range(len(self.new))
                free = [j for j in pool if j not in self.taken or how == "joined"]
                best = self._best(i, free, threshold, scorer, how)
                if best is not None:
                    self._place(i, best, how)

    def _best(
        self, i: int, free: Sequence[int], threshold: float, scorer: Callable[..., float], how: How
    ) -> int | None:
        from rapidfuzz import process

        if how == "joined":  # only a longer segment can contain the old sentence
            free = [j for j in free if len(self.new[j]) > len(self.old[i])]
        choices = {j: self.new[j] for j in free}
        scored = process.extract(self.old[i], choices, scorer=scorer, score_cutoff=threshold, limit=None)
        if not scored:
            return None
        top = max(score for _, score, _ in scored)
        return self._near(i, [j for _, score, j in scored if score == top])


def common_subsequence(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of ``old`` and ``new``, in order."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    head = [(k, k) for k in range(start)]
    tail = [(len(old) - end + k, len(new) - end + k) for k in range(end)]
    a, b = old[start : len(old) - end], new[start : len(new) - end]
    if not a or not b:
        middle: list[tuple[int, int]] = []
    elif len(a) * len(b) <= EXACT_CELLS:
        middle = _lcs(a, b)
    else:
        blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        middle = [(blk.a + k, blk.b + k) for blk in blocks for k in range(blk.size)]
    return head + [(i + start, j + start) for i, j in middle] + tail


def _lcs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Longest common subsequence by dynamic programming, one NumPy row per old sentence."""
    import numpy as np

    codes: dict[str, int] = {}
    xs = [codes.setdefault(t, len(codes)) for t in a]
    ys = np.array([codes.setdefault(t, len(codes)) for t in b], dtype=np.int64)
    table = np.zeros((len(xs) + 1, len(ys) + 1), dtype=np.int32)
    for i, x in enumerate(xs, start=1):
        diagonal = table[i - 1, :-1] + (ys == x)
        table[i, 1:] = np.maximum.accumulate(np.maximum(table[i - 1, 1:], diagonal))
    pairs: list[tuple[int, int]] = []
    i, j = len(xs), len(ys)
    while i > 0 and j > 0:
        if xs[i - 1] == ys[j - 1] and table[i, j] == table[i - 1, j - 1] + 1:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif table[i - 1, j] >= table[i, j - 1]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def align_segments(
    old: Sequence[tuple[int, str]], new: Sequence[tuple[int, str]], *, threshold: float = 85.0
) -> dict[int, Placement]:
    """Map every old segment (id, text), in document order, to a new one where it can be found.

    ``old`` and ``new`` are whole documents in order: position is what tells a repeated sentence's
    occurrences apart. Each new segment receives at most one old segment, except where a new
    segment contains several old sentences whole ("joined"). Old ids with no match are absent.
    """
    from rapidfuzz import fuzz

    aligner = _Aligner([t for _, t in old], [t for _, t in new])
    aligner.in_order()
    aligner.moved()
    aligner.fuzzy(threshold, fuzz.ratio, "edited", local=True)
    aligner.fuzzy(threshold, fuzz.ratio, "edited", local=False)
    aligner.fuzzy(CONTAINED, fuzz.partial_ratio, "joined", local=True)
    return {old[i][0]: Placement(new[j][0], how) for i, (j, how) in aligner.placed.items()}
