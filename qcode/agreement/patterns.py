"""Pattern tables: units that look alike, counted once.

Every coefficient here is a sum over units of a quantity that depends only on
what the coders did with that unit. So a million units collapse into the few
distinct "patterns" they show, each with a weight (how many units show it):

* :class:`CoderPatterns` keeps coder identity (one category index or ``-1`` per
  coder); Cohen's kappa, Scott's pi and Conger's kappa need it. Ten coders on a
  binary code have at most 3**10 = 59,049 patterns, whatever the number of units.
* :class:`CountPatterns` keeps only ``r_ik``, how many coders put the unit in
  each category; percent agreement, Fleiss, Gwet, Brennan–Prediger and
  Krippendorff need no more. Ten coders on a binary code give at most 66 rows.

Resampling units is then drawing multinomial weights over patterns, which is
how the bootstrap stays cheap. Units no coder coded are dropped: they carry no
information and every formula skips them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from qcode.agreement.reliability import MISSING, IndexMatrix, ReliabilityData

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]

_DENSE_LIMIT = 1 << 22
"""Largest pattern space counted with ``np.bincount`` rather than by sorting."""

_INT64_LIMIT = 1 << 62


@dataclass(frozen=True, eq=False)
class CountPatterns:
    """Distinct rows of the unit × category count matrix ``r_ik``, with weights.

    Attributes:
        counts: shape ``(patterns, categories)``; coders per category.
        weights: shape ``(patterns,)``; units showing each row.
    """

    counts: IntArray
    weights: IntArray

    @property
    def n_categories(self) -> int:
        """Number of categories ``q``."""
        return int(self.counts.shape[1])

    @cached_property
    def totals(self) -> FloatArray:
        """``r_i``: how many coders coded a unit of each pattern."""
        totals: FloatArray = self.counts.sum(axis=1).astype(np.float64)
        return totals

    @cached_property
    def rated(self) -> FloatArray:
        """1.0 where ``r_i >= 1`` (the unit counts in ``n``), else 0.0."""
        return (self.totals >= 1).astype(np.float64)

    @cached_property
    def pairable(self) -> FloatArray:
        """1.0 where ``r_i >= 2`` (the unit counts in ``n'``), else 0.0."""
        return (self.totals >= 2).astype(np.float64)

    @cached_property
    def unit_agreement(self) -> FloatArray:
        """``Σ_k r_ik (r_ik - 1) / (r_i (r_i - 1))`` where ``r_i >= 2``, else 0."""
        pairs = (self.counts * (self.counts - 1)).sum(axis=1).astype(np.float64)
        possible = self.totals * (self.totals - 1)
        agreement: FloatArray = np.divide(pairs, possible, out=np.zeros_like(pairs), where=possible > 0)
        return agreement

    @cached_property
    def shares(self) -> FloatArray:
        """``r_ik / r_i``: each unit's split of its ratings over categories."""
        counts = self.counts.astype(np.float64)
        totals = self.totals[:, None]
        return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


@dataclass(frozen=True, eq=False)
class CoderPatterns:
    """Distinct coder × value columns of the reliability data, with weights.

    Attributes:
        codes: shape ``(patterns, coders)``; category index or ``-1``.
        weights: shape ``(patterns,)``; units showing each pattern.
        n_categories: number of categories ``q``.
    """

    codes: IndexMatrix
    weights: IntArray
    n_categories: int

    @property
    def n_coders(self) -> int:
        """Number of coders ``r``."""
        return int(self.codes.shape[1])

    @cached_property
    def one_hot(self) -> FloatArray:
        """Shape ``(patterns, coders × categories)``: 1.0 where coder ``g`` chose ``k``.

        Column ``g * q + k``; products of this matrix give every per-coder and
        per-pair count in one BLAS call.
        """
        patterns, q = len(self.weights), self.n_categories
        chosen = np.zeros((patterns, self.n_coders, q))
        for k in range(q):
            chosen[:, :, k] = self.codes == k
        return chosen.reshape(patterns, self.n_coders * q)

    @cached_property
    def unit_counts(self) -> CountPatterns:
        """The ``r_ik`` row of each coder pattern, same weights, not merged.

        Lets a coefficient that needs both coder identity and ``r_ik`` (Conger)
        use one weight vector for both.
        """
        counts = [np.count_nonzero(self.codes == k, axis=1) for k in range(self.n_categories)]
        return CountPatterns(np.stack(counts, axis=1).astype(np.int64), self.weights)

    @cached_property
    def count_patterns(self) -> CountPatterns:
        """The ``r_ik`` table of these patterns, identical rows merged."""
        rows = self.unit_counts
        return merge_count_rows(rows.counts, rows.weights, max_count=self.n_coders)

    @cached_property
    def complete(self) -> CoderPatterns:
        """The units every coder coded, leaving out coders who coded no unit at all (none if one is left).

        Complete-data coefficients (percent agreement, the kappas, AC1) are read on these, so
        that a unit only some coders coded moves no coder's marginals: with marginals and
        observed agreement over different units a kappa can leave [-1, 1].
        """
        active = (self.codes >= 0).any(axis=0)
        keep = (self.codes[:, active] >= 0).all(axis=1) & (active.sum() >= 2)
        return CoderPatterns(self.codes[keep], self.weights[keep], self.n_categories)


def coder_patterns(data: ReliabilityData) -> CoderPatterns:
    """Collapse the units of ``data`` into distinct coder patterns.

    The columns are read as numbers in base ``q + 1`` (one digit per coder,
    digit 0 = missing) so that counting patterns is one vectorised pass and a
    ``bincount``, or a sort of one integer per unit when the space is large.
    """
    base = data.n_categories + 1
    space = base**data.n_coders
    if space >= _INT64_LIMIT:
        return _patterns_by_rows(data)
    keys = _pattern_keys(data.codes, base, space)
    if space <= max(_DENSE_LIMIT, 4 * data.n_units):
        dense = np.bincount(keys, minlength=space)
        ids = np.flatnonzero(dense)
        weights = dense[ids]
    else:
        ids, weights = np.unique(keys, return_counts=True)
    keep = ids != 0  # key 0: no coder coded the unit
    codes = (_digits(ids[keep], base, data.n_coders) - 1).astype(data.codes.dtype)
    return CoderPatterns(codes, weights[keep].astype(np.int64), data.n_categories)


def _pattern_keys(codes: IndexMatrix, base: int, space: int) -> NDArray[Any]:
    """Return ``Σ_g (codes[g] + 1) base**g`` per unit, in the narrowest safe type."""
    dtype = np.int32 if space < (1 << 31) else np.int64
    powers = np.array([base**g for g in range(codes.shape[0])], dtype=dtype)
    # numpy's einsum stubs only type boolean operands; the call is integer-exact.
    keys: NDArray[Any] = np.einsum("g,gn->n", powers, codes, dtype=dtype)  # type: ignore[arg-type]
    keys += int(powers.sum())
    return keys


def _digits(ids: NDArray[Any], base: int, n_digits: int) -> IntArray:
    ids = ids.astype(np.int64)
    powers = np.array([base**g for g in range(n_digits)], dtype=np.int64)
    return (ids[:, None] // powers) % base


def _patterns_by_rows(data: ReliabilityData) -> CoderPatterns:
    coded = (data.codes != MISSING).any(axis=0)
    rows, weights = np.unique(data.codes[:, coded].T, axis=0, return_counts=True)
    return CoderPatterns(rows, weights.astype(np.int64), data.n_categories)


def merge_count_rows(counts: IntArray, weights: IntArray, *, max_count: int) -> CountPatterns:
    """Merge identical rows of an ``r_ik`` table, adding their weights.

    Args:
        counts: shape ``(rows, categories)``, entries ``0 .. max_count``.
        weights: units per row.
        max_count: the largest possible entry (the number of coders).
    """
    base = max_count + 1
    n_categories = counts.shape[1]
    if base**n_categories < _INT64_LIMIT:
        powers = np.array([base**k for k in range(n_categories)], dtype=np.int64)
        keys = counts @ powers
        ids, inverse = np.unique(keys, return_inverse=True)
        merged = np.bincount(inverse.ravel(), weights=weights, minlength=len(ids))
        rows = _digits(ids, base, n_categories)
    else:
        rows, inverse = np.unique(counts, axis=0, return_inverse=True)
        merged = np.bincount(inverse.ravel(), weights=weights, minlength=len(rows))
    keep = rows.sum(axis=1) > 0
    return CountPatterns(rows[keep].astype(np.int64), merged[keep].astype(np.int64))


def per_unit_counts(data: ReliabilityData) -> CountPatterns:
    """Return the plain ``r_ik`` matrix, one row per coded unit, weight 1.

    This is the generic path, with no merging of identical units; the tests
    check that the merged pattern tables give the same coefficients.
    """
    n_units, q = data.n_units, data.n_categories
    valid = data.codes != MISSING
    cells = (np.arange(n_units)[None, :] * q + data.codes)[valid]
    counts = np.bincount(cells, minlength=n_units * q).reshape(n_units, q)
    counts = counts[counts.sum(axis=1) > 0].astype(np.int64)
    return CountPatterns(counts, np.ones(len(counts), dtype=np.int64))


def count_patterns(data: ReliabilityData) -> CountPatterns:
    """Return the merged ``r_ik`` pattern table of ``data``."""
    return coder_patterns(data).count_patterns
