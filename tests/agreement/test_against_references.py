"""The engine against independent computations: the krippendorff package and the definitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import (
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    reliability_data,
    scott_pi,
)
from qcode.agreement import patterns as patterns_module
from qcode.agreement.krippendorff import alpha_values, level_metric
from qcode.agreement.patterns import CoderPatterns, coder_patterns, count_patterns, per_unit_counts
from qcode.agreement.terms import COUNT_TERMS, cohen_terms, conger_terms, table_weights

from . import reference
from .strategies import Rows, reliability_rows, two_coders

EXAMPLES = settings(max_examples=40, deadline=None)
DECLARED = [0, 1, 2, 3]


def _agree(ours: Callable[[], float], expected: float | None) -> None:
    """Ours equals the reference, or raises ValueError exactly where it is undefined."""
    if expected is None:
        with pytest.raises(ValueError):
            ours()
    else:
        assert ours() == pytest.approx(expected, abs=1e-9)


def _package_alpha(rows: Rows, level: Any) -> float | None:
    values = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    try:
        with np.errstate(all="ignore"):
            value = float(krippendorff.alpha(reliability_data=values, level_of_measurement=level))
    except ValueError:  # "There has to be more than one value in the domain."
        return None
    return None if np.isnan(value) else value


@EXAMPLES
@given(rows=reliability_rows(), level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_the_krippendorff_package(rows: Rows, level: str) -> None:
    _agree(lambda: krippendorff_alpha(rows, level=level), _package_alpha(rows, level))


@EXAMPLES
@given(rows=reliability_rows(), level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_pairwise_enumeration(rows: Rows, level: str) -> None:
    _agree(lambda: krippendorff_alpha(rows, level=level), reference.alpha(rows, level))


@EXAMPLES
@given(rows=reliability_rows())
def test_gwet_family_matches_the_definitions(rows: Rows) -> None:
    _agree(lambda: percent_agreement(rows), reference.percent(rows))
    _agree(lambda: fleiss_kappa(rows), reference.fleiss(rows))
    _agree(lambda: gwet_ac1(rows), reference.ac1(rows))
    _agree(lambda: brennan_prediger(rows), reference.brennan_prediger(rows))
    _agree(lambda: conger_kappa(rows), reference.conger(rows))


@EXAMPLES
@given(rows=reliability_rows(max_coders=3, n_values=3))
def test_declared_categories_match_the_definitions(rows: Rows) -> None:
    declared = [0, 1, 2, 3, 4]
    _agree(lambda: fleiss_kappa(rows, categories=declared), reference.fleiss(rows, declared))
    _agree(lambda: gwet_ac1(rows, categories=declared), reference.ac1(rows, declared))
    _agree(lambda: brennan_prediger(rows, categories=declared), reference.brennan_prediger(rows, declared))
    _agree(lambda: conger_kappa(rows, categories=declared), reference.conger(rows, declared))


@EXAMPLES
@given(rows=two_coders(max_units=15))
def test_cohen_and_scott_match_the_definitions(rows: Rows) -> None:
    _agree(lambda: cohen_kappa(rows), reference.cohen(rows))
    _agree(lambda: scott_pi(rows), reference.scott(rows))


@EXAMPLES
@given(rows=two_coders(max_units=15, missing=False))
def test_cohen_matches_a_contingency_table_computation(rows: Rows) -> None:
    table = np.zeros((4, 4))
    for a, b in zip(*rows, strict=True):
        table[a, b] += 1
    table /= table.sum()
    observed, chance = np.trace(table), table.sum(axis=1) @ table.sum(axis=0)
    expected = None if 1 - chance < 1e-12 else (observed - chance) / (1 - chance)
    _agree(lambda: cohen_kappa(rows), expected)


@EXAMPLES
@given(rows=reliability_rows())
def test_pattern_tables_equal_the_generic_unit_table(rows: Rows) -> None:
    rd = reliability_data(rows, categories=DECLARED)
    merged, plain = count_patterns(rd), per_unit_counts(rd)
    assert merged.weights.sum() == plain.weights.sum()
    for terms in COUNT_TERMS.values():
        fast, slow = terms(merged, table_weights(merged)), terms(plain, table_weights(plain))
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12, equal_nan=True)
    metric = level_metric("ordinal", rd.categories)
    np.testing.assert_allclose(
        alpha_values(merged, table_weights(merged), metric),
        alpha_values(plain, table_weights(plain), metric),
        rtol=1e-12,
        atol=1e-12,
        equal_nan=True,
    )


@EXAMPLES
@given(rows=reliability_rows())
def test_coder_patterns_equal_one_pattern_per_unit(rows: Rows) -> None:
    rd = reliability_data(rows, categories=DECLARED)
    coded = (rd.codes >= 0).any(axis=0)
    plain = CoderPatterns(rd.codes[:, coded].T.copy(), np.ones(int(coded.sum()), np.int64), rd.n_categories)
    merged = coder_patterns(rd)
    pairs = [(0, 1)]
    for table_a, table_b in ((merged, plain),):
        a, b = conger_terms(table_a, table_weights(table_a)), conger_terms(table_b, table_weights(table_b))
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)
        a, b = (
            cohen_terms(table_a, table_weights(table_a), pairs),
            cohen_terms(table_b, table_weights(table_b), pairs),
        )
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("force", ["sorted keys", "rows"])
@settings(max_examples=30, deadline=None)
@given(rows=reliability_rows())
def test_every_pattern_counting_branch_agrees(force: str, rows: Rows) -> None:
    rd = reliability_data(rows, categories=DECLARED)
    dense = coder_patterns(rd)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(patterns_module, "_DENSE_LIMIT", -1)
        if force == "rows":
            patch.setattr(patterns_module, "_INT64_LIMIT", 1)
        other = coder_patterns(rd)

    def as_set(table: CoderPatterns) -> set[tuple[tuple[int, ...], int]]:
        return {(tuple(map(int, c)), int(w)) for c, w in zip(table.codes, table.weights, strict=True)}

    assert as_set(dense) == as_set(other)
