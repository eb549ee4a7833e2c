"""Analytic standard errors, where the literature gives one.

* Percent agreement, Fleiss' kappa, Gwet's AC1, Brennan–Prediger: Gwet's
  (2014, ch. 5) linearised variance, which allows missing ratings. Units are a
  sample from an infinite population (``f = 0``)::

      κ*_i = κ_i - 2 (1 - κ) (p_e|i - p_e) / (1 - p_e)
      κ_i  = (n / n') (p_a|i - p_e [r_i >= 2]) / (1 - p_e)
      var  = Σ_i (κ*_i - κ)² / (n (n - 1))

  with ``p_a|i`` the unit's share of agreeing pairs and ``p_e|i`` its chance
  term (Fleiss ``Σ_k r_ik π_k / r_i``; AC1 ``Σ_k r_ik (1 - π_k) / (r_i (q-1))``;
  constant for Brennan–Prediger; 0 for percent agreement).
* Cohen's kappa: Fleiss, Cohen & Everitt (1969) large-sample variance, from
  the table of the units both coders coded.
* Fleiss' kappa under the null hypothesis kappa = 0: Fleiss, Nee & Landis
  (1979), for a constant number of ratings per unit, as in R's ``irr``.
"""

from __future__ import annotations

import math

import numpy as np

from qcode.agreement.coefficients import Categories, finish
from qcode.agreement.patterns import CountPatterns, FloatArray, count_patterns
from qcode.agreement.reliability import MISSING, ReliabilityInput, reliability_data
from qcode.agreement.terms import COUNT_TERMS, DEGENERATE, category_shares, table_weights

SE_COEFFICIENTS = ("percent_agreement", "fleiss_kappa", "gwet_ac1", "brennan_prediger", "cohen_kappa")


def standard_error(coefficient: str, data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return the analytic standard error of a coefficient on these data.

    Args:
        coefficient: one of ``SE_COEFFICIENTS`` (function names).
        data: reliability data, as for the coefficient itself.
        categories: the full set of categories.

    Raises:
        ValueError: an unsupported coefficient, the coefficient is undefined,
            or fewer than two units to estimate a variance from.
    """
    rd = reliability_data(data, categories)
    if coefficient == "cohen_kappa":
        return _cohen_se(rd.codes, rd.n_categories, rd.n_coders)
    if coefficient not in COUNT_TERMS:
        raise ValueError(f"no analytic standard error for {coefficient!r}; use bootstrap_ci")
    table = count_patterns(rd)
    weights = table_weights(table)
    terms = COUNT_TERMS[coefficient](table, weights)
    value = finish(coefficient, rd, terms)
    unit_chance = _unit_chance(coefficient, table, weights, float(terms[1]))
    return _linearised_se(table, weights, value, float(terms[1]), unit_chance)


def _unit_chance(coefficient: str, table: CountPatterns, weights: FloatArray, chance: float) -> FloatArray:
    shares = category_shares(table, weights)
    if coefficient == "fleiss_kappa":
        return table.shares @ shares
    if coefficient == "gwet_ac1":
        return table.shares @ (1.0 - shares) / (table.n_categories - 1)
    return np.full(len(table.weights), chance)


def _linearised_se(
    table: CountPatterns, weights: FloatArray, value: float, chance: float, unit_chance: FloatArray
) -> float:
    coded = float(weights @ table.rated)
    if coded < 2:
        raise ValueError("a standard error needs at least two coded units")
    pairable = float(weights @ table.pairable)
    unit_value = (coded / pairable) * (table.unit_agreement - chance * table.pairable)
    unit_value /= 1.0 - chance
    linear = unit_value - 2.0 * (1.0 - value) * (unit_chance - chance) / (1.0 - chance)
    return math.sqrt(float(weights @ (linear - value) ** 2) / (coded * (coded - 1.0)))


def _cohen_se(codes: np.ndarray, q: int, n_coders: int) -> float:
    if n_coders != 2:
        raise ValueError(f"Cohen's kappa takes exactly two coders' rows; got {n_coders}")
    both = (codes[0] != MISSING) & (codes[1] != MISSING)
    n = int(both.sum())
    if n < 2:
        raise ValueError("a standard error of Cohen's kappa needs two units both coders coded")
    cells = np.bincount(codes[0, both] * q + codes[1, both], minlength=q * q)
    table = cells.reshape(q, q) / n
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    observed, chance = float(np.trace(table)), float(rows @ cols)
    if 1.0 - chance <= DEGENERATE:
        raise ValueError("Cohen's kappa is undefined: chance agreement is 1")
    kappa = (observed - chance) / (1.0 - chance)
    spread = (cols[:, None] + rows[None, :]) ** 2 * (1.0 - kappa) ** 2
    np.fill_diagonal(spread, (1.0 - (rows + cols) * (1.0 - kappa)) ** 2)
    total = float((table * spread).sum()) - (kappa - chance * (1.0 - kappa)) ** 2
    return math.sqrt(max(total, 0.0) / (n * (1.0 - chance) ** 2))


def fleiss_kappa_se0(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return the standard error of Fleiss' kappa under kappa = 0.

    Fleiss, Nee & Landis (1979); for the z test ``kappa / se0``. Needs the
    same number of ratings on every coded unit (no missing data).

    Raises:
        ValueError: units with different numbers of ratings, fewer than two
            ratings per unit, or every rating in one category.
    """
    rd = reliability_data(data, categories)
    table = count_patterns(rd)
    raters = np.unique(table.totals)
    if len(raters) != 1 or raters[0] < 2:
        raise ValueError("the null standard error needs the same number (≥ 2) of ratings per unit")
    m, n = float(raters[0]), float(table.weights.sum())
    shares = (table.weights @ table.counts) / (n * m)
    spread = shares * (1.0 - shares)
    total = float(spread.sum())
    if total <= DEGENERATE:
        raise ValueError("Fleiss' kappa is undefined: every rating is in one category")
    inner = total**2 - float((spread * (1.0 - 2.0 * shares)).sum())
    return math.sqrt(2.0 / (n * m * (m - 1.0))) * math.sqrt(inner) / total
