"""Multi-code coding: per-code matrices, mean and pooled kappa, alpha over code sets."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import (
    code_matrices,
    fleiss_kappa,
    gwet_ac1,
    jaccard_distance,
    krippendorff_alpha,
    masi_distance,
    mean_over_codes,
    pooled_kappa,
    set_alpha,
)

# Coder 1 and coder 2 over four units; coder 2 never uses z.
CODER_1 = [{"x", "z"}, {"x", "y"}, set(), {"y"}]
CODER_2 = [{"x"}, {"y"}, {"x"}, {"y"}]


def test_code_matrices_are_present_absent_missing() -> None:
    matrices = code_matrices([[{"a"}, None, set()], [{"a", "b"}, {"b"}, None]])
    assert list(matrices) == ["a", "b"]
    assert matrices["a"].codes.tolist() == [[1, -1, 0], [1, 0, -1]]
    assert matrices["b"].codes.tolist() == [[0, -1, 0], [1, 1, -1]]
    assert all(m.categories == (0, 1) for m in matrices.values())
    unused = code_matrices([[{"a"}], [{"a"}]], codes=["a", "never"])
    assert unused["never"].codes.tolist() == [[0], [0]]
    assert gwet_ac1(unused["never"]) == 1.0  # both categories are declared
    with pytest.raises(ValueError, match="at least two coders"):
        code_matrices([[{"a"}]])


def test_mean_and_pooled_kappa_by_hand() -> None:
    # Fleiss per code (p_a, p_e, kappa):
    #   x: coder 1 = 1,1,0,0; coder 2 = 1,0,1,0 -> p_a = 1/2, π = 1/2 -> p_e = 1/2, kappa 0
    #   y: both 0,1,0,1 -> p_a = 1, p_e = 1/2, kappa 1
    #   z: coder 1 = 1,0,0,0; coder 2 = 0,0,0,0 -> p_a = 3/4, π = 1/8 -> p_e = 50/64, kappa -1/7
    # mean = (0 + 1 - 1/7) / 3 = 2/7; pooled: p̄_a = 3/4, p̄_e = 19/32 -> (3/4 - 19/32) / (13/32) = 5/13.
    matrices = code_matrices([CODER_1, CODER_2])
    assert fleiss_kappa(matrices["z"]) == pytest.approx(-1 / 7)
    assert mean_over_codes(matrices) == pytest.approx(2 / 7)
    assert pooled_kappa(matrices) == pytest.approx(5 / 13)
    assert pooled_kappa(list(matrices.values()), coefficient="cohen_kappa") == pytest.approx(
        pooled_kappa(matrices, coefficient="conger_kappa")
    )


def test_a_code_nobody_used_leaves_pooled_kappa_alone_and_drops_out_of_the_mean() -> None:
    # Its p_a = p_e = 1 shifts both averages alike: (a - e) / (k - e) is unchanged.
    with_unused = code_matrices([CODER_1, CODER_2], codes=["never", "x", "y", "z"])
    assert pooled_kappa(with_unused) == pytest.approx(5 / 13)
    assert mean_over_codes(with_unused) == pytest.approx(2 / 7)
    with pytest.raises(ValueError, match="defined for no code"):
        mean_over_codes([with_unused["never"]])
    with pytest.raises(ValueError, match="pooled chance agreement is 1"):
        pooled_kappa([with_unused["never"]])


def test_set_distances() -> None:
    # Passonneau (2006): {a,b} vs {a,b,c}: J = 2/3, M = 2/3 (subset) -> 1 - 4/9.
    assert masi_distance({"a", "b"}, {"a", "b", "c"}) == pytest.approx(5 / 9)
    assert masi_distance({"a", "b"}, {"b", "c"}) == pytest.approx(1 - (1 / 3) * (1 / 3))
    assert masi_distance({"a"}, {"b"}) == 1.0
    assert masi_distance({"a", "b"}, {"a", "b"}) == 0.0
    assert masi_distance(set(), set()) == 0.0
    assert jaccard_distance({"a", "b"}, {"a", "b", "c"}) == pytest.approx(1 / 3)
    assert jaccard_distance(set(), {"a"}) == 1.0


def _jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    return 0.0 if not a | b else 1 - len(a & b) / len(a | b)


def _masi(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    if a == b:
        return 0.0
    m = 2 / 3 if a <= b or b <= a else 1 / 3 if a & b else 0.0
    return 1 - (1 - _jaccard(a, b)) * m


def _naive_set_alpha(rows: list[list[frozenset[str] | None]], distance: str) -> float | None:
    d = _jaccard if distance == "jaccard" else _masi
    pairs: list[tuple[frozenset[str], frozenset[str], float]] = []
    for i in range(len(rows[0])):
        values = [row[i] for row in rows if row[i] is not None]
        if len(values) >= 2:
            pairs += [(a, b, 1 / (len(values) - 1)) for a, b in permutations(values, 2)]  # type: ignore[misc]
    n = sum(w for _, _, w in pairs)
    totals: dict[frozenset[str], float] = {}
    for a, _, w in pairs:
        totals[a] = totals.get(a, 0.0) + w
    observed = sum(w * d(a, b) for a, b, w in pairs)
    expected = sum(totals[a] * totals[b] * d(a, b) for a in totals for b in totals)
    return None if n == 0 or expected <= 0 else 1 - (n - 1) * observed / expected


code_set = st.one_of(st.none(), st.frozensets(st.sampled_from("abc"), max_size=3))


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(1, 8).flatmap(
        lambda n: st.lists(st.lists(code_set, min_size=n, max_size=n), min_size=2, max_size=4)
    ),
    distance=st.sampled_from(["jaccard", "masi"]),
)
def test_set_alpha_matches_pairwise_enumeration(
    rows: list[list[frozenset[str] | None]], distance: str
) -> None:
    expected = _naive_set_alpha(rows, distance)
    if expected is None or not any(s is not None for row in rows for s in row):
        with pytest.raises(ValueError):
            set_alpha(rows, distance=distance)  # type: ignore[arg-type]
    else:
        assert set_alpha(rows, distance=distance) == pytest.approx(expected, abs=1e-9)  # type: ignore[arg-type]


def test_nominal_set_alpha_is_alpha_over_sets_as_categories() -> None:
    rows: list[list[set[str] | None]] = [
        [{"a"}, {"a", "b"}, set(), {"b"}, None],
        [{"a"}, {"b"}, set(), {"b"}, {"a"}],
        [None, {"a", "b"}, {"a"}, {"b"}, {"a"}],
    ]
    as_values = [[None if s is None else frozenset(s) for s in row] for row in rows]
    ordered = sorted({s for row in as_values for s in row if s is not None}, key=sorted)
    assert set_alpha(rows, distance="nominal") == pytest.approx(
        krippendorff_alpha(as_values, categories=ordered)
    )
    assert set_alpha(rows, distance="masi") > set_alpha(rows, distance="nominal")  # partial credit
    with pytest.raises(ValueError, match="distance must be"):
        set_alpha(rows, distance="cosine")  # type: ignore[arg-type]
