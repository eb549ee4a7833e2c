"""Bootstrap confidence intervals over units, on pattern tables.

Resampling ``n`` units with replacement is the same as drawing how many times
each distinct pattern is picked: a multinomial over patterns with
probabilities ``weight / n``. So a replicate costs one multinomial draw over a
few dozen (binary codes) or thousand patterns rather than re-indexing a
million units, and whole blocks of replicates go through the vectorised
formulas of :mod:`qcode.agreement.terms` at once.

The interval is the percentile interval. Replicates in which the coefficient
is undefined (say, no unit sampled twice-coded, or every sampled rating in one
category) are dropped; when every replicate is undefined, ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from qcode.agreement.coefficients import LABELS, Categories, terms_function
from qcode.agreement.krippendorff import alpha_values, level_metric
from qcode.agreement.patterns import CoderPatterns, CountPatterns, FloatArray, count_patterns
from qcode.agreement.reliability import MISSING, ReliabilityData, ReliabilityInput, reliability_data
from qcode.agreement.terms import chance_corrected

DEFAULT_SEED = 20_080_101
"""Fixed seed, so a report prints the same interval every time."""

_BLOCK_CELLS = 1 << 22
"""Largest ``replicates × patterns`` block drawn at once (memory bound)."""

Statistic = str | Callable[[ReliabilityData], float]
"""A coefficient's function name, or any function of reliability data."""


def bootstrap_ci(
    statistic: Statistic,
    data: ReliabilityInput,
    *,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
    categories: Categories = None,
    alpha_level: str = "nominal",
) -> tuple[float, float]:
    """Return a percentile bootstrap confidence interval, resampling units.

    Args:
        statistic: a coefficient name (``"fleiss_kappa"``, ``"cohen_kappa"``,
            ``"krippendorff_alpha"``, … — the function names), computed on
            pattern tables; or a function of :class:`ReliabilityData`, called
            once per replicate on resampled units (slower, but anything goes).
        data: reliability data, coders' rows.
        n_boot: number of bootstrap replicates.
        seed: seed of the random generator; fixed by default.
        level: coverage of the interval, e.g. 0.95.
        categories: the full set of categories.
        alpha_level: level of measurement when ``statistic`` is Krippendorff's
            alpha.

    Raises:
        ValueError: an unknown statistic, a bad ``n_boot`` or ``level``, or no
            replicate in which the statistic is defined.
    """
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1; got {n_boot}")
    rd = reliability_data(data, categories)
    rng = np.random.default_rng(seed)
    if callable(statistic):
        replicates = _replicate_callable(statistic, rd, n_boot, rng)
    else:
        replicates = named_replicates(statistic, rd, n_boot, rng, alpha_level=alpha_level)
    return percentile_interval(replicates, level)


def named_replicates(
    name: str,
    rd: ReliabilityData,
    n_boot: int,
    rng: np.random.Generator,
    *,
    alpha_level: str = "nominal",
) -> FloatArray:
    """Return ``n_boot`` bootstrap values of a named coefficient (NaN = undefined)."""
    if name == "krippendorff_alpha":
        counts = count_patterns(rd)
        metric = level_metric(alpha_level, rd.categories)
        return replicate(counts, lambda w: alpha_values(counts, w, metric), n_boot, rng)
    if name not in LABELS:
        raise ValueError(f"unknown statistic {name!r}; expected one of {', '.join(LABELS)}")
    table, terms = terms_function(name, rd, merge=True)
    return replicate(table, lambda w: chance_corrected(terms(w)), n_boot, rng)


def replicate(
    table: CountPatterns | CoderPatterns,
    values: Callable[[FloatArray], FloatArray],
    n_boot: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Evaluate ``values`` on ``n_boot`` multinomial resamplings of ``table``'s units."""
    return np.concatenate([values(block) for block in _draws(table.weights, n_boot, rng)])


def _draws(weights: np.ndarray, n_boot: int, rng: np.random.Generator) -> Iterator[FloatArray]:
    units = int(weights.sum())
    if units == 0:
        raise ValueError("nothing to resample: no unit was coded")
    probabilities = weights / units
    block = max(1, _BLOCK_CELLS // max(len(weights), 1))
    for start in range(0, n_boot, block):
        size = min(block, n_boot - start)
        yield rng.multinomial(units, probabilities, size=size).astype(np.float64)


def _replicate_callable(
    statistic: Callable[[ReliabilityData], float],
    rd: ReliabilityData,
    n_boot: int,
    rng: np.random.Generator,
) -> FloatArray:
    codes = rd.codes[:, (rd.codes != MISSING).any(axis=0)]
    if codes.shape[1] == 0:
        raise ValueError("nothing to resample: no unit was coded")
    values = np.empty(n_boot)
    for b in range(n_boot):
        picked = rng.integers(0, codes.shape[1], size=codes.shape[1])
        try:
            values[b] = statistic(ReliabilityData(codes[:, picked], rd.categories))
        except ValueError:
            values[b] = np.nan
    return values


def percentile_interval(replicates: FloatArray, level: float) -> tuple[float, float]:
    """Return the percentile interval of the defined replicates.

    Raises:
        ValueError: ``level`` outside (0, 1), or no defined replicate.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1; got {level}")
    defined = replicates[np.isfinite(replicates)]
    if defined.size == 0:
        raise ValueError("the statistic is undefined in every bootstrap replicate")
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(defined, [tail, 1.0 - tail])
    return float(low), float(high)
