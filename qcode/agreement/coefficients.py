"""Agreement coefficients on reliability data: the public functions.

Every function takes reliability data first: a sequence of coders' rows, one
value per unit, ``None`` where a coder did not code a unit (a float NaN also
counts as missing; a 2-D NumPy array with NaN works too). ``categories`` is
the full set of categories; by default the categories observed. Each returns
a float or raises ``ValueError`` with the reason it cannot.

Missing data and more than two coders follow Gwet, *Handbook of Inter-Rater
Reliability* (4th ed., 2014); the formulas are in :mod:`qcode.agreement.terms`.
Two departures: Cohen's kappa and Scott's pi take both coders' marginals over
the units both coded (not over each coder's own units), so they stay in
[-1, 1]. Fleiss', Conger's, AC1 and percent agreement keep Gwet's treatment of
a missing rating (checked against his irrCAC figures); when coders coded
different units Fleiss' and Conger's kappa can then fall below -1, which is why
the per-code report (:mod:`qcode.agreement.report`) gives them only the units
every coder coded. Krippendorff's alpha handles missing data by design.
Shared rules:

* No unit coded by two coders (for Cohen and Scott: by both coders):
  ``ValueError``.
* All ratings in one category and ``categories`` declares no other: every
  chance-corrected coefficient raises ``ValueError``; percent agreement is 1.0.
  With a second category declared, Gwet's AC1 and Brennan–Prediger are 1.0 and
  the kappas (chance agreement 1) still raise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable

from qcode.agreement.krippendorff import used_categories
from qcode.agreement.patterns import (
    CoderPatterns,
    CountPatterns,
    FloatArray,
    coder_patterns,
)
from qcode.agreement.reliability import ReliabilityData, ReliabilityInput, reliability_data
from qcode.agreement.terms import (
    COUNT_TERMS,
    Terms,
    chance_corrected,
    cohen_terms,
    conger_terms,
    scott_terms,
    table_weights,
)

LABELS: dict[str, str] = {
    "percent_agreement": "percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "scott_pi": "Scott's pi",
    "fleiss_kappa": "Fleiss' kappa",
    "conger_kappa": "Conger's kappa",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan–Prediger's kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
}
"""Readable names of the coefficients, by function name."""

Categories = Iterable[Hashable] | None


def percent_agreement(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return the share of agreeing coder pairs, averaged over units.

    ``p_a = (1/n') Σ_i Σ_k r_ik (r_ik - 1) / (r_i (r_i - 1))`` over the ``n'``
    units coded by two or more coders; for two coders, the share of units both
    coded on which they agree. 1.0 when every rating is the same category.

    Raises:
        ValueError: fewer than two coders, empty data, or no unit coded by two
            or more coders.
    """
    return _coefficient("percent_agreement", data, categories)


def fleiss_kappa(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return Fleiss' kappa (Fleiss 1971; missing data per Gwet 2014).

    ``p_e = Σ_k π_k²`` with ``π_k`` the average over coded units of the share
    of the unit's ratings in ``k``. Undefined (``ValueError``) when every rating
    is in one category, declared categories or not, as chance agreement is 1.

    Raises:
        ValueError: as for :func:`percent_agreement`, or every rating in one
            category.
    """
    return _coefficient("fleiss_kappa", data, categories)


def gwet_ac1(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return Gwet's AC1 (Gwet 2008; missing data per Gwet 2014).

    ``p_e = Σ_k π_k (1 - π_k) / (q - 1)`` with ``q`` the number of categories,
    declared or observed. Needs ``q >= 2``: with every rating in one category,
    declare the other categories (AC1 is then 1.0).

    Raises:
        ValueError: as for :func:`percent_agreement`, or only one category.
    """
    return _coefficient("gwet_ac1", data, categories)


def brennan_prediger(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return Brennan and Prediger's (1981) kappa, ``p_e = 1/q``.

    ``q`` counts every declared category, used or not, which is why
    ``categories`` matters here. Needs ``q >= 2`` (1.0 when all agree).

    Raises:
        ValueError: as for :func:`percent_agreement`, or only one category.
    """
    return _coefficient("brennan_prediger", data, categories)


def conger_kappa(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return Conger's (1980) kappa, the multi-coder generalisation of Cohen's.

    ``p_e = Σ_k [(Σ_g p_gk)² - Σ_g p_gk²] / (r (r - 1))`` with ``p_gk`` the
    share of the units coder ``g`` coded that ``g`` put in ``k``, over the
    ``r`` coders who coded at least one unit. Equals Cohen's kappa for two.

    Raises:
        ValueError: as for :func:`percent_agreement`, or every rating in one
            category.
    """
    return _coefficient("conger_kappa", data, categories)


def cohen_kappa(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return Cohen's (1960) kappa for exactly two coders.

    ``p_a`` and each coder's marginals ``p_gk`` are over the units both
    coders coded, so a unit coded by one coder only moves nothing and kappa
    stays in [-1, 1]. (Gwet 2014 takes each coder's marginals over all the
    units that coder coded, which can put kappa below -1.)
    ``p_e = Σ_k p_1k p_2k``.

    Raises:
        ValueError: not exactly two rows, no unit coded by both, or both
            coders using one and the same category only.
    """
    return _coefficient("cohen_kappa", data, categories)


def scott_pi(data: ReliabilityInput, *, categories: Categories = None) -> float:
    """Return Scott's (1955) pi for exactly two coders.

    Same ``p_a`` as :func:`cohen_kappa`; ``p_e = Σ_k ((p_1k + p_2k) / 2)²``,
    the two coders' marginals (over the units both coded) pooled.

    Raises:
        ValueError: as for :func:`cohen_kappa`.
    """
    return _coefficient("scott_pi", data, categories)


def agreement_terms(
    coefficient: str, data: ReliabilityInput, *, categories: Categories = None
) -> tuple[float, float]:
    """Return the observed and chance agreement ``(p_a, p_e)`` of a kappa-type coefficient.

    Pooled kappa averages these over codes; they also show why a coefficient
    is undefined (``p_e`` = 1).

    Args:
        coefficient: a function name: ``"percent_agreement"``,
            ``"fleiss_kappa"``, ``"gwet_ac1"``, ``"brennan_prediger"``,
            ``"conger_kappa"``, ``"cohen_kappa"`` or ``"scott_pi"``.
        data: reliability data.
        categories: the full set of categories.

    Raises:
        ValueError: an unknown coefficient, no unit to compare, or a chance
            agreement that cannot be computed (AC1 with one category).
    """
    rd = reliability_data(data, categories)
    terms = coefficient_terms(coefficient, rd)
    pa, pe = float(terms[0]), float(terms[1])
    if math.isnan(pa):
        raise ValueError(no_pairs_message(coefficient))
    if math.isnan(pe):
        raise ValueError(degenerate_message(coefficient, rd))
    return pa, pe


def coefficient_terms(name: str, rd: ReliabilityData) -> Terms:
    """Return ``(p_a, p_e)`` of a named kappa-type coefficient as 0-d arrays."""
    table, terms = terms_function(name, rd)
    return terms(table_weights(table))


def terms_function(
    name: str, rd: ReliabilityData, *, merge: bool = False
) -> tuple[CountPatterns | CoderPatterns, Callable[[FloatArray], Terms]]:
    """Return the pattern table a coefficient needs and its terms as a function of weights.

    The bootstrap calls the function with resampled weights, and asks for
    ``merge`` so that count-based coefficients resample the few distinct
    ``r_ik`` rows rather than every coder pattern.

    Raises:
        ValueError: an unknown name, or Cohen/Scott without exactly two coders.
    """
    if name in COUNT_TERMS:
        coders = coder_patterns(rd)
        counts = coders.count_patterns if merge else coders.unit_counts
        count_terms = COUNT_TERMS[name]
        return counts, lambda weights: count_terms(counts, weights)
    if name not in ("conger_kappa", "cohen_kappa", "scott_pi"):
        raise ValueError(f"not a kappa-type coefficient: {name!r}")
    coders = coder_patterns(rd)
    if name == "conger_kappa":
        return coders, lambda weights: conger_terms(coders, weights)
    if rd.n_coders != 2:
        raise ValueError(f"{LABELS[name]} takes exactly two coders' rows; got {rd.n_coders}")
    pair_terms = cohen_terms if name == "cohen_kappa" else scott_terms

    def first_pair(weights: FloatArray) -> Terms:
        pa, pe = pair_terms(coders, weights, [(0, 1)])
        return pa[..., 0], pe[..., 0]

    return coders, first_pair


def _coefficient(name: str, data: ReliabilityInput, categories: Categories) -> float:
    rd = reliability_data(data, categories)
    return finish(name, rd, coefficient_terms(name, rd))


def finish(name: str, rd: ReliabilityData, terms: Terms) -> float:
    """Return the coefficient from its terms, or raise ``ValueError`` saying why not."""
    if math.isnan(float(terms[0])):
        raise ValueError(no_pairs_message(name))
    value = float(chance_corrected(terms))
    if math.isnan(value):
        raise ValueError(degenerate_message(name, rd))
    return value


def no_pairs_message(name: str) -> str:
    """Explain that no unit can be compared."""
    if name in ("cohen_kappa", "scott_pi"):
        return f"{LABELS[name]} is undefined: the two coders coded no unit in common"
    return f"{LABELS[name]} is undefined: no unit was coded by two or more coders"


def degenerate_message(name: str, rd: ReliabilityData) -> str:
    """Explain why chance correction is impossible (chance agreement 1 or q = 1)."""
    label = LABELS[name]
    used = used_categories(rd)
    if rd.n_categories < 2:
        only = f"{used[0]!r}" if used else "a single category"
        return (
            f"{label} is undefined: every rating is {only} and no other category is "
            "declared (pass categories= with the full set)"
        )
    if len(used) == 1:
        return (
            f"{label} is undefined: every rating is {used[0]!r}, so chance agreement is 1 "
            "(Gwet's AC1 and Brennan–Prediger stay defined)"
        )
    return f"{label} is undefined: chance agreement is 1"
