"""Properties every coefficient must have, whatever the data."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qcode.agreement import (
    agreement_terms,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

from .strategies import Rows, reliability_rows, two_coders

EXAMPLES = settings(max_examples=30, deadline=None)
Coefficient = Callable[[Rows], float]
MULTI: dict[str, Coefficient] = {
    "percent_agreement": percent_agreement,
    "fleiss_kappa": fleiss_kappa,
    "gwet_ac1": gwet_ac1,
    "brennan_prediger": brennan_prediger,
    "conger_kappa": conger_kappa,
    "krippendorff_alpha": krippendorff_alpha,
    "ordinal_alpha": lambda rows: krippendorff_alpha(rows, level="ordinal"),
    "interval_alpha": lambda rows: krippendorff_alpha(rows, level="interval"),
}
PAIRWISE: dict[str, Coefficient] = {"cohen_kappa": cohen_kappa, "scott_pi": scott_pi}


def _value(function: Coefficient, rows: Rows) -> float | None:
    try:
        return function(rows)
    except ValueError:
        return None


def _same(function: Coefficient, first: Rows, second: Rows) -> None:
    a, b = _value(function, first), _value(function, second)
    assert (a is None) == (b is None)
    if a is not None:
        assert a == pytest.approx(b, abs=1e-12)


@EXAMPLES
@given(rows=reliability_rows(), data=st.data())
def test_swapping_coders_changes_nothing(rows: Rows, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(rows))
    for function in MULTI.values():
        _same(function, rows, shuffled)


@EXAMPLES
@given(rows=two_coders())
def test_swapping_the_two_coders_changes_nothing(rows: Rows) -> None:
    for function in PAIRWISE.values():
        _same(function, rows, rows[::-1])


@EXAMPLES
@given(rows=reliability_rows(), data=st.data())
def test_permuting_units_changes_nothing(rows: Rows, data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(rows[0]))))
    permuted = [[row[i] for i in order] for row in rows]
    for function in {**MULTI, **(PAIRWISE if len(rows) == 2 else {})}.values():
        _same(function, rows, permuted)


@EXAMPLES
@given(
    truth=st.lists(st.integers(0, 3), min_size=2, max_size=12).filter(lambda t: len(set(t)) >= 2),
    coders=st.integers(2, 5),
)
def test_perfect_agreement_gives_one(truth: list[int], coders: int) -> None:
    rows: Rows = [list(truth) for _ in range(coders)]
    for function in MULTI.values():
        assert function(rows) == pytest.approx(1.0)
    for function in PAIRWISE.values():
        assert function(rows[:2]) == pytest.approx(1.0)


@EXAMPLES
@given(rows=reliability_rows())
def test_bounds(rows: Rows) -> None:
    pa = _value(percent_agreement, rows)
    assert pa is None or 0.0 <= pa <= 1.0
    for name, function in MULTI.items():
        value = _value(function, rows)
        assert value is None or value <= 1.0 + 1e-12, name
    if len(rows) == 2:
        # No lower bound: with missing data, each coder's marginals come from
        # different units, and Scott's pi can fall below -1 (e.g. [[1, None], [0, 1]]).
        for function in PAIRWISE.values():
            value = _value(function, rows)
            assert value is None or value <= 1.0 + 1e-12


@EXAMPLES
@given(rows=reliability_rows(), coder=st.integers(0, 4), value=st.integers(0, 3))
def test_a_unit_coded_once_is_not_compared(rows: Rows, coder: int, value: int) -> None:
    """Documented rule: p_a and alpha use only units coded by two or more coders."""
    coder %= len(rows)
    extended = [[*row, value if g == coder else None] for g, row in enumerate(rows)]
    for function in (percent_agreement, krippendorff_alpha):
        _same(function, rows, extended)
    try:
        before = agreement_terms("fleiss_kappa", rows)[0]
    except ValueError:
        return
    assert agreement_terms("fleiss_kappa", extended)[0] == pytest.approx(before)


@EXAMPLES
@given(rows=two_coders(), value=st.integers(0, 3))
def test_a_unit_only_one_coder_coded_moves_neither_cohen_nor_scott(rows: Rows, value: int) -> None:
    # Before: each coder's marginals were over that coder's own units, so the extra unit moved
    # chance agreement (and could put kappa below -1).
    extended: Rows = [[*rows[0], value], [*rows[1], None]]
    for name in ("cohen_kappa", "scott_pi"):
        try:
            before = agreement_terms(name, rows, categories=[0, 1, 2, 3])
        except ValueError:
            continue
        assert agreement_terms(name, extended, categories=[0, 1, 2, 3]) == pytest.approx(before)


@EXAMPLES
@given(rows=reliability_rows())
def test_a_unit_nobody_coded_changes_nothing(rows: Rows) -> None:
    extended = [[*row, None] for row in rows]
    for function in MULTI.values():
        _same(function, rows, extended)


@EXAMPLES
@given(rows=two_coders(missing=False))
def test_conger_is_cohen_for_two_coders(rows: Rows) -> None:
    # With missing data Conger keeps Gwet's marginals over each coder's own units; Cohen does not.
    _same(conger_kappa, rows, rows)
    a, b = _value(conger_kappa, rows), _value(cohen_kappa, rows)
    assert (a is None) == (b is None)
    if a is not None:
        assert a == pytest.approx(b)


@EXAMPLES
@given(rows=two_coders(missing=False))
def test_fleiss_is_scott_for_two_coders_without_missing_data(rows: Rows) -> None:
    a, b = _value(fleiss_kappa, rows), _value(scott_pi, rows)
    assert (a is None) == (b is None)
    if a is not None:
        assert a == pytest.approx(b)


@EXAMPLES
@given(rows=reliability_rows(n_values=2))
def test_binary_alpha_is_the_same_at_every_level(rows: Rows) -> None:
    values = {
        level: _value(partial(krippendorff_alpha, level=level), rows) for level in ("nominal", "interval")
    }
    assume(values["nominal"] is not None)
    assert values["interval"] == pytest.approx(values["nominal"])
