"""Observed and chance agreement (p_a, p_e) from pattern tables, vectorised.

Each function takes a pattern table and weights of shape ``(..., patterns)``:
the table's own weights give the coefficient, a ``(replicates, patterns)``
matrix of multinomial draws gives a bootstrap distribution in one call. The
results have shape ``weights.shape[:-1]``. Undefined values come out as NaN
here; the public functions turn them into ``ValueError``.

Formulas (Gwet, *Handbook of Inter-Rater Reliability*, 4th ed., 2014), with
``r_ik`` the coders who put unit ``i`` in category ``k``, ``r_i = Σ_k r_ik``,
``n`` the units with ``r_i >= 1``, ``n'`` those with ``r_i >= 2``, ``q``
categories:

* ``p_a = (1/n') Σ_{r_i>=2} Σ_k r_ik (r_ik - 1) / (r_i (r_i - 1))``
* ``π_k = (1/n) Σ_{r_i>=1} r_ik / r_i`` (an average over units)
* Fleiss ``p_e = Σ_k π_k²``; Gwet's AC1 ``p_e = Σ_k π_k (1 - π_k) / (q - 1)``;
  Brennan–Prediger ``p_e = 1/q``
* Conger ``p_e = Σ_k [(Σ_g p_gk)² - Σ_g p_gk²] / (r (r - 1))``, ``p_gk`` the share
  of the units coder ``g`` coded that ``g`` put in ``k``
* Cohen and Scott (two coders): ``p_a`` and both coders' marginals over the
  units both coded (a unit only one coded moves nothing); Cohen
  ``p_e = Σ_k p_1k p_2k``, Scott ``p_e = Σ_k ((p_1k + p_2k) / 2)²``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

import numpy as np

from qcode.agreement.patterns import CoderPatterns, CountPatterns, FloatArray

Terms: TypeAlias = tuple[FloatArray, FloatArray]
"""Observed agreement ``p_a`` and chance agreement ``p_e``."""

DEGENERATE = 1e-12
"""``1 - p_e`` at or below this means chance agreement is 1: no room to correct."""


def weighted_sum(weights: FloatArray, values: FloatArray) -> FloatArray:
    """Return ``Σ_p weights[..., p] values[p, ...]``.

    One weight vector goes through ``einsum`` rather than ``@``: a
    multithreaded BLAS call on a tall, thin matrix is slower than a plain loop
    and stalls badly when other processes hold the cores.
    """
    if weights.ndim == 1:
        total: FloatArray = np.einsum("p,p...->...", weights, values)
        return total
    product: FloatArray = weights @ values
    return product


def table_weights(table: CountPatterns | CoderPatterns) -> FloatArray:
    """Return a table's own weights as floats (the coefficient on the data)."""
    return table.weights.astype(np.float64)


def ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """Divide elementwise, NaN where the denominator is zero."""
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    quotient: FloatArray = np.divide(numerator, denominator, out=out, where=denominator > 0)
    return quotient


def chance_corrected(terms: Terms) -> FloatArray:
    """Return ``(p_a - p_e) / (1 - p_e)``, NaN where ``p_e`` is 1 or undefined."""
    pa, pe = terms
    room = 1.0 - pe
    out = np.full(np.broadcast(pa, pe).shape, np.nan)
    corrected: FloatArray = np.divide(pa - pe, room, out=out, where=room > DEGENERATE)
    return corrected


def observed_agreement(table: CountPatterns, weights: FloatArray) -> FloatArray:
    """Return ``p_a`` over the units coded by two or more coders."""
    return ratio(weighted_sum(weights, table.unit_agreement), weighted_sum(weights, table.pairable))


def category_shares(table: CountPatterns, weights: FloatArray) -> FloatArray:
    """Return ``π_k``, shape ``(..., categories)``: unit shares averaged over units."""
    coded = weighted_sum(weights, table.rated)[..., None]
    return ratio(weighted_sum(weights, table.shares), coded)


def percent_terms(table: CountPatterns, weights: FloatArray) -> Terms:
    """Percent agreement: ``p_e = 0``."""
    pa = observed_agreement(table, weights)
    return pa, np.zeros_like(pa)


def fleiss_terms(table: CountPatterns, weights: FloatArray) -> Terms:
    """Fleiss' kappa: ``p_e = Σ_k π_k²``."""
    shares = category_shares(table, weights)
    return observed_agreement(table, weights), (shares**2).sum(axis=-1)


def ac1_terms(table: CountPatterns, weights: FloatArray) -> Terms:
    """Gwet's AC1: ``p_e = Σ_k π_k (1 - π_k) / (q - 1)``; NaN when ``q = 1``."""
    pa = observed_agreement(table, weights)
    q = table.n_categories
    if q < 2:
        return pa, np.full_like(pa, np.nan)
    shares = category_shares(table, weights)
    return pa, (shares * (1.0 - shares)).sum(axis=-1) / (q - 1)


def brennan_prediger_terms(table: CountPatterns, weights: FloatArray) -> Terms:
    """Brennan–Prediger: ``p_e = 1/q``."""
    pa = observed_agreement(table, weights)
    return pa, np.full_like(pa, 1.0 / table.n_categories)


def coder_marginals(table: CoderPatterns, weights: FloatArray) -> FloatArray:
    """Return ``p_gk``, shape ``(..., coders, categories)``; 0 for a coder who coded nothing."""
    counts = weighted_sum(weights, table.one_hot)
    return _shares(counts.reshape((*counts.shape[:-1], table.n_coders, table.n_categories)))


def _shares(counts: FloatArray) -> FloatArray:
    coded = counts.sum(axis=-1, keepdims=True)
    shares: FloatArray = np.divide(counts, coded, out=np.zeros_like(counts), where=coded > 0)
    return shares


def conger_terms(table: CoderPatterns, weights: FloatArray) -> Terms:
    """Conger's kappa over the coders who coded at least one unit."""
    pa = observed_agreement(table.unit_counts, weights)
    marginals = coder_marginals(table, weights)
    active = (marginals.sum(axis=-1) > 0).sum(axis=-1).astype(np.float64)
    spread = (marginals.sum(axis=-2) ** 2 - (marginals**2).sum(axis=-2)).sum(axis=-1)
    return pa, ratio(spread, active * (active - 1.0))


def all_pairs(n_coders: int) -> list[tuple[int, int]]:
    """Return every coder pair ``(g, h)`` with ``g < h``."""
    return [(g, h) for g in range(n_coders) for h in range(g + 1, n_coders)]


def pair_agreement(
    table: CoderPatterns, weights: FloatArray, pairs: Sequence[tuple[int, int]]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``p_a`` per pair (shape ``(..., pairs)``) and both coders' marginals.

    ``p_a`` and the marginals, shape ``(..., pairs, categories)``, are all over
    the units both coders coded: a unit only one of them coded moves nothing.
    (Marginals over each coder's own units, as Gwet 2014 allows, can put kappa
    below -1 when the coders' other units differ.)
    """
    first = np.array([g for g, _ in pairs], dtype=np.intp)
    second = np.array([h for _, h in pairs], dtype=np.intp)
    shape = (table.n_coders, table.n_categories) * 2
    gram = weighted_gram(table.one_hot, weights)
    gram = np.swapaxes(gram.reshape(gram.shape[:-2] + shape), -3, -2)  # [..., g, h, k, l]
    joint = gram[..., first, second, :, :]  # [..., pairs, k, l]: the pair's contingency table
    agree = np.einsum("...kk->...", joint)
    both = joint.sum(axis=(-2, -1))
    pa = ratio(agree, both)
    return pa, _shares(joint.sum(axis=-1)), _shares(joint.sum(axis=-2))


def weighted_gram(columns: FloatArray, weights: FloatArray) -> FloatArray:
    """Return ``Σ_p w_p x_pa x_pb`` for every pair of columns."""
    if weights.ndim == 1:
        gram: FloatArray = np.einsum("pa,pb->ab", columns * weights[:, None], columns)
        return gram
    grams: FloatArray = np.einsum("...p,pa,pb->...ab", weights, columns, columns, optimize=True)
    return grams


def cohen_terms(table: CoderPatterns, weights: FloatArray, pairs: Sequence[tuple[int, int]]) -> Terms:
    """Cohen's kappa per pair: ``p_e = Σ_k p_gk p_hk``."""
    pa, first, second = pair_agreement(table, weights, pairs)
    return pa, (first * second).sum(axis=-1)


def scott_terms(table: CoderPatterns, weights: FloatArray, pairs: Sequence[tuple[int, int]]) -> Terms:
    """Scott's pi per pair: ``p_e = Σ_k ((p_gk + p_hk) / 2)²``."""
    pa, first, second = pair_agreement(table, weights, pairs)
    return pa, (((first + second) / 2.0) ** 2).sum(axis=-1)


CountTerms: TypeAlias = Callable[[CountPatterns, FloatArray], Terms]

COUNT_TERMS: dict[str, CountTerms] = {
    "percent_agreement": percent_terms,
    "fleiss_kappa": fleiss_terms,
    "gwet_ac1": ac1_terms,
    "brennan_prediger": brennan_prediger_terms,
}
"""Coefficients that need only the ``r_ik`` table, by public name."""
