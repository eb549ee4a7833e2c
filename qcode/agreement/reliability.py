"""Reliability data: coders' rows of values, held as small category indices.

Every coefficient starts here. Plain rows (one value per unit, ``None`` where a
coder did not code the unit) become a coder × unit matrix of category indices,
with ``-1`` for a missing value, plus the tuple of categories the indices point
into. Converting once lets the report reuse the matrix for every coefficient.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

IndexMatrix: TypeAlias = NDArray[np.signedinteger[Any]]
"""Coder × unit category indices, ``-1`` where the coder did not code the unit."""

MISSING = -1


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """Coder × unit matrix of category indices and the categories they name.

    Attributes:
        codes: shape ``(coders, units)``; ``codes[g, i]`` indexes
            ``categories`` or is ``-1`` where coder ``g`` did not code unit ``i``.
        categories: every category that counts, in order (the order matters
            for ordinal alpha; interval and ratio alpha read the values).
    """

    codes: IndexMatrix
    categories: tuple[Hashable, ...]

    @property
    def n_coders(self) -> int:
        """Number of coders (rows)."""
        return int(self.codes.shape[0])

    @property
    def n_units(self) -> int:
        """Number of units (columns), coded or not."""
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        """Number of categories, declared or observed."""
        return len(self.categories)


ReliabilityInput: TypeAlias = ReliabilityData | NDArray[Any] | Sequence[Sequence[Any]]
"""Rows of values per coder (``None`` or NaN = not coded), an array, or converted data."""


def is_missing(value: object) -> bool:
    """Return whether a raw value means "this coder did not code this unit"."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def index_dtype(n_categories: int) -> np.dtype[Any]:
    """Return the smallest signed integer type that holds ``-1 .. n_categories - 1``."""
    for dtype in (np.int8, np.int16, np.int32):
        if n_categories <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def reliability_data(data: ReliabilityInput, categories: Iterable[Hashable] | None = None) -> ReliabilityData:
    """Convert coders' rows into :class:`ReliabilityData`.

    Args:
        data: a sequence of coders' rows, one value per unit, ``None`` (or a
            float NaN) where the coder did not code the unit; a 2-D numeric
            NumPy array (NaN = missing; an integer array has no missing
            values); or data already converted.
        categories: the full set of categories, in order. By default the
            observed values, sorted when they can be sorted.

    Raises:
        ValueError: no coders, a single coder, rows of unequal length, no
            units, no value at all and no categories declared, or a value
            outside ``categories``.
    """
    if isinstance(data, ReliabilityData):
        return _recheck(data, categories)
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        return _from_array(data, categories)
    rows = [list(row) for row in data]
    check_shape(len(rows), {len(row) for row in rows})
    observed = {value for row in rows for value in row if not is_missing(value)}
    cats = _categories(observed, categories)
    index = {category: i for i, category in enumerate(cats)}
    codes = np.array(
        [[MISSING if is_missing(v) else index[v] for v in row] for row in rows],
        dtype=index_dtype(len(cats)),
    )
    return ReliabilityData(codes=codes.reshape(len(rows), -1), categories=cats)


def check_shape(n_coders: int, lengths: set[int]) -> None:
    """Raise ``ValueError`` unless there are two or more coders' rows of one non-zero length."""
    if n_coders == 0:
        raise ValueError("no reliability data: give one row of values per coder")
    if n_coders == 1:
        raise ValueError("agreement needs at least two coders; got one row")
    if len(lengths) > 1:
        raise ValueError(f"coders' rows differ in length: {sorted(lengths)}")
    if lengths == {0}:
        raise ValueError("no units: the coders' rows are empty")


def _categories(observed: set[Hashable], declared: Iterable[Hashable] | None) -> tuple[Hashable, ...]:
    if declared is None:
        if not observed:
            raise ValueError("no ratings: every value is missing")
        try:
            return tuple(sorted(observed))  # type: ignore[type-var]
        except TypeError:
            return tuple(sorted(observed, key=repr))
    cats = tuple(declared)
    if not cats:
        raise ValueError("categories is empty: declare at least one category")
    if len(set(cats)) != len(cats):
        raise ValueError(f"categories repeat a value: {cats!r}")
    unknown = observed - set(cats)
    if unknown:
        shown = ", ".join(sorted(map(repr, unknown))[:5])
        raise ValueError(f"values outside the declared categories: {shown}")
    return cats


def _from_array(array: NDArray[Any], declared: Iterable[Hashable] | None) -> ReliabilityData:
    if array.ndim != 2:
        raise ValueError(f"reliability data must be 2-D (coders × units), got {array.ndim}-D")
    check_shape(array.shape[0], {array.shape[1]})
    present = ~np.isnan(array) if array.dtype.kind == "f" else np.ones(array.shape, bool)
    values = np.unique(array[present])
    if declared is None:
        if values.size == 0:
            raise ValueError("no ratings: every value is missing")
        cats_array = values
    else:
        cats = _categories({v.item() for v in values}, declared)
        cats_array = np.array(cats)
        if cats_array.dtype.kind not in "biuf":
            raise ValueError("numeric reliability data need numeric categories")
    order = np.argsort(cats_array, kind="stable")
    position = np.searchsorted(cats_array[order], np.where(present, array, cats_array[0]))
    codes = np.where(present, order[np.minimum(position, len(order) - 1)], MISSING)
    cats_out = tuple(v.item() for v in cats_array)
    return ReliabilityData(codes=codes.astype(index_dtype(len(cats_out))), categories=cats_out)


def _recheck(data: ReliabilityData, declared: Iterable[Hashable] | None) -> ReliabilityData:
    check_shape(data.n_coders, {data.n_units})
    if declared is None or tuple(declared) == data.categories:
        return data
    raise ValueError("categories differ from those the reliability data were built with")


def binary_data(matrix: NDArray[Any] | Sequence[Sequence[Any]]) -> ReliabilityData:
    """Convert a present/absent matrix (coder × unit) to data over categories (0, 1).

    ``1`` (or ``True``) means the coder applied the code to the unit, ``0``
    that the coder coded the unit without it; ``None``, NaN or any negative
    number means the coder did not code the unit. Both categories are always
    declared, so a code nobody applied still has two categories.

    Raises:
        ValueError: a value other than 0, 1 or missing, or a bad shape.
    """
    if isinstance(matrix, np.ndarray) and matrix.dtype.kind in "biuf":
        array = matrix
    else:
        rows = [[np.nan if is_missing(v) else v for v in row] for row in matrix]
        check_shape(len(rows), {len(row) for row in rows})
        array = np.array(rows, dtype=np.float64).reshape(len(rows), -1)
    if array.ndim != 2:
        raise ValueError(f"a code matrix must be 2-D (coders × units), got {array.ndim}-D")
    check_shape(array.shape[0], {array.shape[1]})
    return ReliabilityData(codes=_binary_codes(array), categories=(0, 1))


def _binary_codes(array: NDArray[Any]) -> NDArray[np.int8]:
    """Return int8 codes (1, 0, -1 = missing), copying only when needed."""
    if array.dtype.kind == "b":
        return array.astype(np.int8)
    if array.dtype.kind == "f":
        present, absent = array == 1, array == 0
        if np.any((array > 0) & ~present):
            raise ValueError("a code matrix holds 1 (present), 0 (absent) or missing only")
        # NaN and negatives are neither 1 nor 0: they become -1 (missing).
        floats: NDArray[np.int8] = present.view(np.int8) - (~(present | absent)).view(np.int8)
        return floats
    if array.max(initial=0) > 1:
        raise ValueError("a code matrix holds 1 (present), 0 (absent) or missing only")
    if array.dtype == np.int8 and array.min(initial=0) >= MISSING:
        return array
    codes: NDArray[np.int8] = np.maximum(array, MISSING).astype(np.int8)
    return codes
