"""Sparse TF-IDF vectors over a vocabulary of feature ids: dictionaries to score, packed arrays to keep.

A stored segment keeps its vector as two arrays (ids and weights, about 12 bytes a feature)
rather than a dictionary of strings (about 100): a suggester holding thousands of a coder's
segments stays a few megabytes.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Packed", "Stack", "Vector", "Weigher", "dot", "normalised"]

#: Feature id → weight.
Vector = dict[int, float]


def dot(x: Mapping[int, float], y: Mapping[int, float]) -> float:
    """The dot product of two sparse vectors (walks the shorter)."""
    if len(x) > len(y):
        x, y = y, x
    return sum(v * y.get(k, 0.0) for k, v in x.items())


def normalised(vector: Vector, norm: float | None = None) -> Vector:
    """``vector`` at unit length (or divided by ``norm``); empty if it is all zeros."""
    if norm is None:
        norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


@dataclass(frozen=True, slots=True)
class Packed:
    """A vector kept compactly: parallel arrays of feature ids and weights."""

    ids: array[int]
    weights: array[float]

    @classmethod
    def of(cls, vector: Mapping[int, float]) -> Packed:
        """Pack a dictionary vector."""
        return cls(array("l", vector.keys()), array("d", vector.values()))

    def items(self) -> Iterable[tuple[int, float]]:
        """(feature id, weight) pairs."""
        return zip(self.ids, self.weights, strict=True)

    def dot(self, x: Mapping[int, float]) -> float:
        """The dot product with a dictionary vector."""
        get = x.get
        return sum(w * get(i, 0.0) for i, w in zip(self.ids, self.weights, strict=True))


class Stack:
    """Packed vectors side by side, to score them all against one query in a few NumPy calls.

    A code's segments are stacked once and scored for every suggestion until they change: on a
    big project that is a fraction of a millisecond instead of several for a loop in Python.
    """

    def __init__(self, vectors: Sequence[Packed]) -> None:
        import numpy as np

        sizes = [len(v.ids) for v in vectors]
        self.count = len(vectors)
        self._owner = np.repeat(np.arange(len(vectors)), sizes)
        self._ids: NDArray[np.int64] = (
            np.concatenate([np.frombuffer(v.ids, dtype=np.int64) for v in vectors])
            if vectors
            else np.zeros(0, dtype=np.int64)
        )
        self._weights: NDArray[np.float64] = (
            np.concatenate([np.frombuffer(v.weights, dtype=np.float64) for v in vectors])
            if vectors
            else np.zeros(0)
        )

    def dots(self, x: Mapping[int, float], size: int) -> NDArray[np.float64]:
        """Each stacked vector's dot product with ``x`` (feature ids below ``size``)."""
        import numpy as np

        query = np.zeros(size)
        if x:
            query[np.fromiter(x.keys(), dtype=np.int64, count=len(x))] = np.fromiter(
                x.values(), dtype=np.float64, count=len(x)
            )
        products = query[self._ids] * self._weights
        return np.bincount(self._owner, weights=products, minlength=self.count).astype(np.float64, copy=False)


class Weigher:
    """Feature ids and inverse document frequencies, fixed from the texts seen when built.

    Features first met later (in a coding the coder adds) get an id, so codes can learn them,
    and the weight of a word seen in no text at all.
    """

    def __init__(self, documents: Iterable[Counter[str]]) -> None:
        frequency: Counter[str] = Counter()
        n = 0
        for counts in documents:
            frequency.update(counts.keys())
            n += 1
        self.ids: dict[str, int] = {}
        self._idf: list[float] = []
        for feature, df in frequency.items():
            self._add(feature, math.log((1 + n) / (1 + df)) + 1.0)
        self._unseen = math.log(1 + n) + 1.0

    @property
    def size(self) -> int:
        """How many features have an id (every id is below it)."""
        return len(self._idf)

    def _add(self, feature: str, idf: float) -> int:
        self.ids[feature] = len(self._idf)
        self._idf.append(idf)
        return len(self._idf) - 1

    def vector(self, parts: Iterable[tuple[Counter[str], float]], *, grow: bool) -> Vector:
        """Unit-length sublinear TF-IDF of weighted feature counts.

        Args:
            parts: feature counts, each with the weight of its part (a segment 1, its context less).
            grow: give unknown features an id (for what is learned); otherwise they only count
                toward the length (a query: nothing learned has them, so they match nothing).
        """
        weighted: Vector = {}
        unknown: dict[str, float] = {}
        for counts, weight in parts:
            for feature, count in counts.items():
                fid = self.ids.get(feature)
                if fid is None and not grow:
                    unknown[feature] = unknown.get(feature, 0.0) + weight * (1.0 + math.log(count))
                    continue
                if fid is None:
                    fid = self._add(feature, self._unseen)
                weighted[fid] = weighted.get(fid, 0.0) + weight * (1.0 + math.log(count)) * self._idf[fid]
        squares = sum(v * v for v in weighted.values())
        squares += sum((v * self._unseen) ** 2 for v in unknown.values())
        return normalised(weighted, math.sqrt(squares))
