"""Data a coefficient cannot use raise a clear ValueError; the documented degenerate values hold."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from qcode.agreement import (
    agreement_terms,
    binary_data,
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

N = None
ALL: list[Callable[..., float]] = [
    percent_agreement,
    cohen_kappa,
    scott_pi,
    fleiss_kappa,
    conger_kappa,
    gwet_ac1,
    brennan_prediger,
    krippendorff_alpha,
]
CHANCE_CORRECTED = [f for f in ALL if f is not percent_agreement]


@pytest.mark.parametrize("function", ALL)
def test_empty_data(function: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match="no reliability data"):
        function([])
    with pytest.raises(ValueError, match="no units"):
        function([[], []])


@pytest.mark.parametrize("function", ALL)
def test_one_coder(function: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match="at least two coders"):
        function([["a", "b", "a"]])


@pytest.mark.parametrize("function", ALL)
def test_coders_with_no_unit_in_common(function: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match=r"no unit in common|no unit was coded by two"):
        function([["a", "b", N, N], [N, N, "a", "b"]])


@pytest.mark.parametrize("function", ALL)
def test_nothing_coded_at_all(function: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match="every value is missing"):
        function([[N, N], [N, N]])


@pytest.mark.parametrize("function", CHANCE_CORRECTED)
def test_single_category_with_no_other_declared(function: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match=r"every (rating|pairable value) is 'a'"):
        function([["a", "a", "a"], ["a", "a", N]])


def test_single_category_percent_agreement_is_one() -> None:
    assert percent_agreement([["a", "a", "a"], ["a", "a", N]]) == 1.0


def test_single_category_with_a_second_declared() -> None:
    rows: list[list[str | None]] = [["a", "a", "a"], ["a", "a", N]]
    assert gwet_ac1(rows, categories=["a", "b"]) == 1.0
    assert brennan_prediger(rows, categories=["a", "b"]) == 1.0
    for function in (cohen_kappa, scott_pi, fleiss_kappa, conger_kappa, krippendorff_alpha):
        with pytest.raises(ValueError, match=r"every (pairable value|rating) is 'a'"):
            function(rows, categories=["a", "b"])
    assert agreement_terms("fleiss_kappa", rows, categories=["a", "b"]) == (1.0, 1.0)


@pytest.mark.parametrize("function", [cohen_kappa, scott_pi])
def test_two_coder_coefficients_take_exactly_two_rows(function: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match="exactly two coders"):
        function([[1, 2], [1, 2], [1, 1]])


def test_rows_of_unequal_length() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        fleiss_kappa([[1, 2, 3], [1, 2]])


def test_values_outside_the_declared_categories() -> None:
    with pytest.raises(ValueError, match="outside the declared categories"):
        fleiss_kappa([[1, 2], [1, 3]], categories=[1, 2])
    with pytest.raises(ValueError, match="repeat"):
        fleiss_kappa([[1, 2], [1, 2]], categories=[1, 2, 1])


def test_alpha_levels() -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha([[1, 2], [1, 2]], level="cardinal")
    with pytest.raises(ValueError, match="interval alpha needs numeric values"):
        krippendorff_alpha([["low", "high"], ["low", "low"]], level="interval")


def test_ordinal_alpha_follows_the_declared_order() -> None:
    rows = [["low", "mid", "high", "mid"], ["low", "high", "high", "low"]]
    ordered = krippendorff_alpha(rows, level="ordinal", categories=["low", "mid", "high"])
    numeric = [[{"low": 1, "mid": 2, "high": 3}[v] for v in row] for row in rows]
    assert ordered == pytest.approx(krippendorff_alpha(numeric, level="ordinal"))
    alphabetical = krippendorff_alpha(rows, level="ordinal")  # high < low < mid
    assert alphabetical != pytest.approx(ordered)


def test_numpy_input_with_nan_is_the_same_as_lists() -> None:
    rows = [[1, 2, N, 3], [1, 2, 2, N], [N, 2, 2, 3]]
    array = np.array([[np.nan if v is None else v for v in row] for row in rows])
    for function in (percent_agreement, fleiss_kappa, gwet_ac1, conger_kappa, krippendorff_alpha):
        assert function(array) == pytest.approx(function(rows))
    assert fleiss_kappa(array, categories=[1, 2, 3, 4]) == pytest.approx(
        fleiss_kappa(rows, categories=[1, 2, 3, 4])
    )
    with pytest.raises(ValueError, match="2-D"):
        fleiss_kappa(np.array([1.0, 2.0]))


def test_nan_in_lists_is_missing_and_data_are_reusable() -> None:
    rows: list[list[float]] = [[1, 2, float("nan")], [1, 2, 2]]
    assert percent_agreement(rows) == 1.0
    rd = reliability_data([[1, 2, 2], [1, 2, 1]])
    assert fleiss_kappa(rd) == fleiss_kappa([[1, 2, 2], [1, 2, 1]])
    with pytest.raises(ValueError, match="categories differ"):
        fleiss_kappa(rd, categories=[1, 2, 3])


def test_binary_matrices() -> None:
    assert binary_data([[1, 0, N], [True, 0, -1]]).codes.tolist() == [[1, 0, -1], [1, 0, -1]]
    as_int8 = np.array([[1, 0, -1], [1, 1, -1]], dtype=np.int8)
    assert binary_data(as_int8).codes is as_int8  # no copy on the fast path
    with pytest.raises(ValueError, match="1 \\(present\\), 0 \\(absent\\) or missing"):
        binary_data([[1, 2], [0, 1]])
    with pytest.raises(ValueError, match="1 \\(present\\), 0 \\(absent\\) or missing"):
        binary_data(np.array([[0.5, 1.0], [0.0, 1.0]]))
