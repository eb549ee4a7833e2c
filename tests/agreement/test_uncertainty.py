"""Bootstrap intervals and analytic standard errors."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
import pytest
from hypothesis import assume, given, settings

from qcode.agreement import (
    bootstrap_ci,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    fleiss_kappa_se0,
    gwet_ac1,
    krippendorff_alpha,
    reliability_data,
    scott_pi,
    standard_error,
)
from qcode.agreement.bootstrap import named_replicates, replicate
from qcode.agreement.krippendorff import alpha_values, level_metric
from qcode.agreement.patterns import coder_patterns, count_patterns
from qcode.agreement.reliability import ReliabilityData
from qcode.agreement.terms import chance_corrected, conger_terms, fleiss_terms

from .examples import GWET_4RATERS
from .strategies import Rows, reliability_rows


def _simulated(units: int, coders: int, seed: int, missing: float = 0.2) -> list[list[int | None]]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, units)
    noisy = np.where(rng.random((coders, units)) < 0.8, truth, rng.integers(0, 3, (coders, units)))
    hidden = rng.random((coders, units)) < missing
    return [
        [None if h else int(v) for v, h in zip(row, mask, strict=True)]
        for row, mask in zip(noisy, hidden, strict=True)
    ]


DATA = _simulated(300, 4, seed=1)


def test_bootstrap_is_reproducible_and_seeded() -> None:
    first = bootstrap_ci("fleiss_kappa", DATA, n_boot=300)
    assert bootstrap_ci("fleiss_kappa", DATA, n_boot=300) == first
    assert bootstrap_ci("fleiss_kappa", DATA, n_boot=300, seed=1) != first


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("fleiss_kappa", fleiss_kappa),
        ("gwet_ac1", gwet_ac1),
        ("conger_kappa", conger_kappa),
        ("krippendorff_alpha", krippendorff_alpha),
    ],
)
def test_interval_brackets_the_estimate(name: str, function: Callable[[Rows], float]) -> None:
    low, high = bootstrap_ci(name, DATA, n_boot=400)
    assert low < function(DATA) < high
    assert 0.02 < high - low < 0.3


def test_interval_narrows_with_more_units_and_widens_with_level() -> None:
    small = bootstrap_ci("krippendorff_alpha", _simulated(100, 3, seed=2), n_boot=400)
    large = bootstrap_ci("krippendorff_alpha", _simulated(1600, 3, seed=2), n_boot=400)
    assert large[1] - large[0] < (small[1] - small[0]) / 2
    narrow = bootstrap_ci("krippendorff_alpha", DATA, n_boot=400, level=0.5)
    wide = bootstrap_ci("krippendorff_alpha", DATA, n_boot=400, level=0.99)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


def test_the_pattern_bootstrap_agrees_with_resampling_units() -> None:
    named = bootstrap_ci("fleiss_kappa", DATA, n_boot=1000)
    by_units = bootstrap_ci(lambda rd: fleiss_kappa(rd), DATA, n_boot=300)
    assert named == pytest.approx(by_units, abs=0.03)


@settings(max_examples=25, deadline=None)
@given(rows=reliability_rows(max_units=8))
def test_a_multinomial_draw_is_a_resample_of_units(rows: Rows) -> None:
    """Coefficients on drawn pattern weights equal the coefficients on the drawn units."""
    rd = reliability_data(rows, categories=[0, 1, 2, 3])
    rng = np.random.default_rng(0)
    coders = coder_patterns(rd)
    assume(coders.weights.sum() > 0)
    draw = rng.multinomial(int(coders.weights.sum()), coders.weights / coders.weights.sum())
    units = ReliabilityData(np.repeat(coders.codes, draw, axis=0).T.copy(), rd.categories)
    _check(float(chance_corrected(conger_terms(coders, draw.astype(float)))), lambda: conger_kappa(units))
    counts = count_patterns(rd)
    draw = rng.multinomial(int(counts.weights.sum()), counts.weights / counts.weights.sum())
    units = _units_from_counts(np.repeat(counts.counts, draw, axis=0), rd.categories)
    weights = draw.astype(float)
    _check(float(chance_corrected(fleiss_terms(counts, weights))), lambda: fleiss_kappa(units))
    metric = level_metric("ordinal", rd.categories)
    _check(float(alpha_values(counts, weights, metric)), lambda: krippendorff_alpha(units, level="ordinal"))


def _units_from_counts(counts: np.ndarray, categories: tuple[Hashable, ...]) -> ReliabilityData:
    """Coder g of a unit takes the g-th of its ratings in category order (identity does not matter)."""
    coders = int(counts.sum(axis=1).max())
    codes = np.full((coders, len(counts)), -1, dtype=np.int8)
    for i, row in enumerate(counts):
        ratings = np.repeat(np.arange(len(row)), row)
        codes[: len(ratings), i] = ratings
    return ReliabilityData(codes, categories)


def _check(batched: float, direct: Callable[[], float]) -> None:
    try:
        value = direct()
    except ValueError:
        assert np.isnan(batched)
        return
    assert batched == pytest.approx(value, abs=1e-12)


def test_replicates_in_blocks_match_one_by_one() -> None:
    rd = reliability_data(DATA)
    table = count_patterns(rd)
    metric = level_metric("nominal", rd.categories)
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    block = replicate(table, lambda w: alpha_values(table, w, metric), 50, rng_a)
    draws = rng_b.multinomial(int(table.weights.sum()), table.weights / table.weights.sum(), size=50)
    single = [float(alpha_values(table, row.astype(float), metric)) for row in draws]
    np.testing.assert_allclose(block, single, rtol=1e-12)


def test_two_coder_bootstrap_and_callables() -> None:
    pair = DATA[:2]
    low, high = bootstrap_ci("cohen_kappa", pair, n_boot=300)
    assert low < cohen_kappa(pair) < high
    low, high = bootstrap_ci("scott_pi", pair, n_boot=300)
    assert low < scott_pi(pair) < high
    with pytest.raises(ValueError, match="exactly two coders"):
        bootstrap_ci("cohen_kappa", DATA)


def test_bootstrap_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown statistic"):
        bootstrap_ci("kappa", DATA)
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_ci("fleiss_kappa", DATA, n_boot=0)
    with pytest.raises(ValueError, match="level"):
        bootstrap_ci("fleiss_kappa", DATA, level=1.5)
    with pytest.raises(ValueError, match="every bootstrap replicate"):
        bootstrap_ci("fleiss_kappa", [["a", "a"], ["a", "a"]], n_boot=20)


def test_undefined_replicates_are_dropped() -> None:
    # One disagreement among 30 units: many resamples miss it and have alpha undefined.
    rows = [["a"] * 29 + ["a"], ["a"] * 29 + ["b"]]
    values = named_replicates("krippendorff_alpha", reliability_data(rows), 200, np.random.default_rng(0))
    assert np.isnan(values).any() and np.isfinite(values).any()
    low, high = bootstrap_ci("krippendorff_alpha", rows, n_boot=200)
    assert low <= high


def test_cohen_standard_error_is_the_delta_method_variance() -> None:
    """Fleiss, Cohen & Everitt (1969) is the delta-method variance of kappa; check it numerically."""
    table = np.array([[30.0, 6, 4], [5, 25, 5], [3, 2, 20]])
    n, p = table.sum(), table / table.sum()

    def kappa(cells: np.ndarray) -> float:
        cells = cells / cells.sum()
        chance = cells.sum(axis=1) @ cells.sum(axis=0)
        return float((np.trace(cells) - chance) / (1 - chance))

    step = 1e-7
    gradient = np.array(
        [(kappa(p + step * e) - kappa(p - step * e)) / (2 * step) for e in np.eye(9).reshape(9, 3, 3)]
    )
    flat = p.ravel()
    variance = (flat @ gradient**2 - (flat @ gradient) ** 2) / n
    rows = [
        [i for i in range(3) for j in range(3) for _ in range(int(table[i, j]))],
        [j for i in range(3) for j in range(3) for _ in range(int(table[i, j]))],
    ]
    assert standard_error("cohen_kappa", rows) == pytest.approx(np.sqrt(variance), rel=1e-5)


def test_standard_errors_refuse_what_they_cannot_do() -> None:
    with pytest.raises(ValueError, match="no analytic standard error"):
        standard_error("krippendorff_alpha", GWET_4RATERS)
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa_se0(GWET_4RATERS)
    with pytest.raises(ValueError, match="exactly two coders"):
        standard_error("cohen_kappa", GWET_4RATERS)
