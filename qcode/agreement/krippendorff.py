"""Krippendorff's alpha from the coincidence matrix of pattern tables.

Follows Krippendorff (2011), *Computing Krippendorff's Alpha-Reliability*:
only units with two or more values are pairable; each contributes its
``r_i (r_i - 1)`` ordered pairs of values from different coders, weighted
``1 / (r_i - 1)``, to the coincidence matrix ``o_ck``. With ``n_c = Σ_k o_ck``
and ``n = Σ_c n_c``::

    alpha = 1 - (n - 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck

Metrics ``δ²``: nominal (0 if equal, else 1); ordinal, Krippendorff's
frequency-based ``(Σ_{g=c..k} n_g - (n_c + n_k) / 2)²`` over categories in
their declared order (not rank weights); interval ``(c - k)²``; ratio
``((c - k) / (c + k))²``; or any distance matrix (set distances for code sets).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from numbers import Real
from typing import Literal, TypeAlias, get_args

import numpy as np

from qcode.agreement.patterns import CountPatterns, FloatArray, count_patterns
from qcode.agreement.reliability import MISSING, ReliabilityData, ReliabilityInput, reliability_data
from qcode.agreement.terms import ratio, table_weights, weighted_gram, weighted_sum

Level: TypeAlias = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = get_args(Level)

Metric: TypeAlias = Callable[[FloatArray], FloatArray]
"""Maps marginals ``n_c`` (shape ``(..., q)``) to ``δ²`` (shape ``(..., q, q)``)."""


def coincidences(table: CountPatterns, weights: FloatArray) -> FloatArray:
    """Return the coincidence matrix ``o_ck``, shape ``(..., q, q)``."""
    counts = table.counts.astype(np.float64)
    scale = np.divide(table.pairable, np.maximum(table.totals - 1.0, 1.0))
    values = weights * scale
    pairs = weighted_gram(counts, values)
    own = weighted_sum(values, counts)
    matrix: FloatArray = pairs - own[..., :, None] * np.eye(table.n_categories)
    return matrix


def alpha_values(table: CountPatterns, weights: FloatArray, metric: Metric) -> FloatArray:
    """Return alpha for each weight vector; NaN where it is undefined."""
    matrix = coincidences(table, weights)
    marginals = matrix.sum(axis=-1)
    total = marginals.sum(axis=-1)
    squared = metric(marginals)
    observed = (matrix * squared).sum(axis=(-2, -1))
    expected = (marginals[..., :, None] * marginals[..., None, :] * squared).sum(axis=(-2, -1))
    alpha: FloatArray = 1.0 - (total - 1.0) * ratio(observed, expected)
    return alpha


def fixed_metric(squared: FloatArray) -> Metric:
    """Wrap a constant ``δ²`` matrix (nominal, interval, ratio, set distances)."""

    def metric(marginals: FloatArray) -> FloatArray:
        return np.broadcast_to(squared, marginals.shape + marginals.shape[-1:])

    return metric


def ordinal_metric(marginals: FloatArray) -> FloatArray:
    """Krippendorff's ordinal ``δ²`` from the marginals, categories in order."""
    index = np.arange(marginals.shape[-1])
    low = np.minimum.outer(index, index)
    high = np.maximum.outer(index, index)
    running = np.cumsum(marginals, axis=-1)
    between = running[..., high] - running[..., low] + marginals[..., low]
    ends = (marginals[..., :, None] + marginals[..., None, :]) / 2.0
    return (between - ends) ** 2


def level_metric(level: str, categories: tuple[Hashable, ...]) -> Metric:
    """Return the metric of a level of measurement over ``categories``.

    Raises:
        ValueError: an unknown level, or non-numeric categories for interval
            or ratio data.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    if level == "ordinal":
        return ordinal_metric
    if level == "nominal":
        return fixed_metric(1.0 - np.eye(len(categories)))
    values = _numeric(categories, level)
    difference = values[:, None] - values[None, :]
    if level == "interval":
        return fixed_metric(difference**2)
    total = values[:, None] + values[None, :]
    scaled = np.divide(difference, total, out=np.zeros_like(difference), where=total != 0)
    return fixed_metric(scaled**2)


def _numeric(categories: tuple[Hashable, ...], level: str) -> FloatArray:
    if not all(isinstance(c, Real) for c in categories):
        raise ValueError(f"{level} alpha needs numeric values; got {categories!r}")
    return np.array([float(c) for c in categories])  # type: ignore[arg-type]


def krippendorff_alpha(
    data: ReliabilityInput,
    *,
    level: Level | str = "nominal",
    categories: Iterable[Hashable] | None = None,
) -> float:
    """Return Krippendorff's alpha.

    Missing values are allowed: units coded by fewer than two coders are not
    pairable and drop out, as in Krippendorff (2011). Any number of coders.

    Args:
        data: coders' rows, one value per unit, ``None`` where not coded.
        level: ``"nominal"``, ``"ordinal"`` (Krippendorff's frequency-based
            metric over ``categories`` in order), ``"interval"`` or ``"ratio"``
            (numeric values).
        categories: the full, ordered set of categories; by default the
            observed values, sorted. Unused categories do not change alpha.

    Raises:
        ValueError: fewer than two coders, empty data, no unit coded by two
            coders, or no variation among the pairable values (a single value
            observed), where alpha is 0/0.
    """
    rd = reliability_data(data, categories)
    metric = level_metric(level, rd.categories)
    table = count_patterns(rd)
    value = float(alpha_values(table, table_weights(table), metric))
    if math.isnan(value):
        raise ValueError(undefined_alpha_message(rd, table))
    return value


def undefined_alpha_message(rd: ReliabilityData, table: CountPatterns) -> str:
    """Explain why alpha is undefined for these data."""
    pairable = table.counts[table.totals >= 2]
    if len(pairable) == 0:
        return "Krippendorff's alpha is undefined: no unit was coded by two or more coders"
    used = np.flatnonzero(pairable.sum(axis=0))
    if len(used) == 1:
        value = rd.categories[int(used[0])]
        return (
            f"Krippendorff's alpha is undefined: every pairable value is {value!r}, "
            "so expected disagreement is 0"
        )
    return "Krippendorff's alpha is undefined: expected disagreement is 0"


def used_categories(rd: ReliabilityData) -> list[Hashable]:
    """Return the categories that occur in the data, in category order."""
    present = np.unique(rd.codes[rd.codes != MISSING])
    return [rd.categories[int(i)] for i in present]
