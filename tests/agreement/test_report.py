"""The per-code report: the same figures as the public functions, None and notes where undefined."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from itertools import combinations
from typing import Any

import numpy as np
import pytest

from qcode.agreement import (
    AgreementReport,
    CodeAgreement,
    OverallAgreement,
    brennan_prediger,
    build_report,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_band,
    landis_koch_band,
    percent_agreement,
    pooled_kappa,
    scott_pi,
)
from qcode.agreement.report import COEFFICIENTS, UNUSED_NOTE, row_flags

N = None
CODERS = ["ann", "bob", "cy"]
UNITS = ["u1", "u2", "u3", "u4", "u5", "u6"]
MATRICES: dict[str, list[list[int | None]]] = {
    "a": [[1, 1, 0, 0, 1, N], [1, 0, 0, 0, 1, 1], [1, 1, 0, N, 0, 1]],
    "never": [[0, 0, 0, 0, 0, N], [0, 0, 0, 0, 0, 0], [0, 0, 0, N, 0, 0]],
    "b": [[0, 1, 1, 0, 0, N], [0, 1, 1, 0, 1, 0], [0, 1, 0, N, 0, 0]],
    "lonely": [[1, 0, 1, 0, 1, 1], [N] * 6, [N] * 6],
}


def _report(**kwargs: Any) -> AgreementReport:
    return build_report(CODERS, UNITS, MATRICES, **kwargs)


def _mean_pairwise(function: Any, matrix: list[list[int | None]]) -> float:
    values: list[float] = []
    for g, h in combinations(range(len(matrix)), 2):
        with contextlib.suppress(ValueError):
            values.append(function([matrix[g], matrix[h]], categories=[0, 1]))
    return float(sum(values) / len(values))


def _every_coder_coded(matrix: list[list[int | None]]) -> list[list[int | None]]:
    """The columns (units) no coder is missing on."""
    keep = [i for i in range(len(matrix[0])) if all(row[i] is not None for row in matrix)]
    return [[row[i] for i in keep] for row in matrix]


def test_rows_equal_the_public_functions() -> None:
    # Complete-data figures on the units every coder coded; Cohen and Scott per pair on the units
    # both coded; alpha on everything (it handles missing data).
    for row in _report().codes:
        if row.code in ("lonely", "never"):  # no unit compared; nobody applied it (tests below)
            continue
        matrix = MATRICES[row.code]
        complete = _every_coder_coded(matrix)
        expected: dict[str, float | None] = {}
        for name, function in [
            ("percent_agreement", percent_agreement),
            ("fleiss_kappa", fleiss_kappa),
            ("conger_kappa", conger_kappa),
            ("krippendorff_alpha", krippendorff_alpha),
            ("gwet_ac1", gwet_ac1),
            ("brennan_prediger", brennan_prediger),
        ]:
            try:
                data = matrix if name == "krippendorff_alpha" else complete
                expected[name] = function(data, categories=[0, 1])
            except ValueError:
                expected[name] = None
        expected["cohen_kappa"] = _mean_pairwise(cohen_kappa, matrix)
        expected["scott_pi"] = _mean_pairwise(scott_pi, matrix)
        for name, value in expected.items():
            assert getattr(row, name) == (None if value is None else pytest.approx(value)), (row.code, name)


def test_counts_prevalence_and_bands() -> None:
    row = _report().codes[0]
    # Every coder coded u1, u2, u3 and u5; the code is applied on u1, u2 and u5.
    assert (row.code, row.units, row.positive_units) == ("a", 4, 3)
    # π_present: unit shares 3/3, 2/3, 0, 2/3 averaged over those 4 units.
    assert row.prevalence == pytest.approx((1 + 2 / 3 + 0 + 2 / 3) / 4)
    assert row.kappa_band == landis_koch_band(row.fleiss_kappa or 0.0)
    assert row.alpha_band == krippendorff_band(row.krippendorff_alpha or 0.0)
    assert row.ci_low is not None and row.ci_high is not None
    assert row.ci_low <= (row.krippendorff_alpha or 0.0) <= row.ci_high


def test_a_code_nobody_applied_has_no_figure_at_all() -> None:
    """Agreeing that a code is absent everywhere says nothing: not 1.000 "almost perfect" by AC1."""
    report = _report()
    row = next(r for r in report.codes if r.code == "never")
    assert row.units == 4 and row.positive_units == 0
    assert all(getattr(row, name) is None for name in COEFFICIENTS)
    assert row.ci_low is None and row.kappa_band is None and row.alpha_band is None
    assert row.notes == (UNUSED_NOTE,) and row_flags(row) == ["unused"] and not row.rare
    alone = build_report(CODERS, UNITS, {"never": MATRICES["never"]})
    assert alone.overall.pooled_kappa is None and alone.overall.gwet_ac1 is None


def test_a_code_only_one_coder_coded() -> None:
    row = next(r for r in _report().codes if r.code == "lonely")
    assert row.units == 0
    assert all(getattr(row, name) is None for name in ("percent_agreement", "fleiss_kappa", "gwet_ac1"))
    assert any("no unit was coded by two or more coders" in note for note in row.notes)


def test_rare_flag_follows_min_positive() -> None:
    assert _report().codes[0].rare
    assert any("rare: 3 units" in note for note in _report().codes[0].notes)
    assert not _report(min_positive=3).codes[0].rare
    assert _report(min_positive=4).codes[0].rare


def test_overall_row() -> None:
    report = _report()
    overall = report.overall
    assert overall.codes == 4
    fleiss = [r.fleiss_kappa for r in report.codes if r.fleiss_kappa is not None]
    assert overall.fleiss_kappa == pytest.approx(sum(fleiss) / len(fleiss))
    comparable = {code: _every_coder_coded(m) for code, m in MATRICES.items() if code != "lonely"}
    assert overall.pooled_kappa == pytest.approx(pooled_kappa(comparable, categories=[0, 1]))
    assert any("mean over 2 of 4 codes" in note for note in overall.notes)
    assert overall.kappa_band == landis_koch_band(overall.pooled_kappa or 0.0)


def test_no_nan_anywhere() -> None:
    report = _report()
    rows: list[CodeAgreement | OverallAgreement] = [*report.codes, report.overall]
    for row in rows:
        for field in dataclasses.fields(row):
            value = getattr(row, field.name)
            assert not (isinstance(value, float) and math.isnan(value)), (row, field.name)


def test_array_inputs_give_the_same_report() -> None:
    as_int8 = {
        c: np.array([[-1 if v is None else v for v in r] for r in m], dtype=np.int8)
        for c, m in MATRICES.items()
    }
    as_float = {
        c: np.array([[np.nan if v is None else v for v in r] for r in m]) for c, m in MATRICES.items()
    }
    expected = _report()
    assert build_report(CODERS, UNITS, as_int8) == expected
    assert build_report(CODERS, UNITS, as_float) == expected


def test_interval_is_seeded_per_code() -> None:
    first = _report()
    reordered = build_report(CODERS, UNITS, dict(reversed(MATRICES.items())))
    by_code = {r.code: r for r in reordered.codes}
    for row in first.codes:
        assert (row.ci_low, row.ci_high) == (by_code[row.code].ci_low, by_code[row.code].ci_high)
    other_seed = _report(seed=1).codes[0]
    assert (other_seed.ci_low, other_seed.ci_high) != (first.codes[0].ci_low, first.codes[0].ci_high)
    without = _report(n_boot=0).codes[0]
    assert without.ci_low is None and without.krippendorff_alpha == first.codes[0].krippendorff_alpha


def test_bad_matrices() -> None:
    with pytest.raises(ValueError, match="matrix is \\(3, 6\\), expected \\(3, 5\\)"):
        build_report(CODERS, UNITS[:5], MATRICES)
    with pytest.raises(ValueError, match="1 \\(present\\), 0 \\(absent\\) or missing"):
        build_report(CODERS, UNITS, {"x": [[2] * 6] * 3})
    with pytest.raises(ValueError, match="ci_level"):
        _report(ci_level=95)


def test_landis_koch_and_krippendorff_bands() -> None:
    readings = [(-0.1, "poor"), (0.0, "slight"), (0.2, "slight"), (0.3, "fair"), (0.5, "moderate")]
    readings += [
        (0.7, "substantial"),
        (0.8, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ]
    assert [landis_koch_band(v) for v, _ in readings] == [label for _, label in readings]
    assert [krippendorff_band(v) for v in (0.9, 0.8, 0.7, 0.667, 0.6)] == [
        "reliable",
        "reliable",
        "tentative",
        "tentative",
        "unreliable",
    ]


def test_notes_name_each_reason() -> None:
    # No unit all three coded: the complete-data figures are undefined, whatever ann did on u4
    # (before, u4 alone gave Fleiss' chance agreement room and read 1.0). Pairable units u1-u3 are
    # all 'absent', so alpha is undefined; ann-bob share u1, u2 (all absent: chance agreement 1),
    # ann-cy share u3 (likewise), bob and cy share no unit.
    matrix: list[list[int | None]] = [[0, 0, 0, 1], [0, 0, N, N], [N, N, 0, N]]
    row = build_report(CODERS, UNITS[:4], {"c": matrix}).codes[0]
    assert all(getattr(row, name) is None for name in COEFFICIENTS)
    assert row.positive_units == 0 and row.units == 0 and not row.rare
    assert any("no unit was coded by every compared coder" in note for note in row.notes)
    assert any("every pairable value is 0" in note for note in row.notes)


def test_a_code_applied_only_where_one_coder_coded_is_undefined() -> None:
    # Remittance: ann applied it on units bob never coded, never on the units both coded.
    # Before: Cohen's kappa 1.000 "almost perfect" (ann's marginals came from her other units).
    matrix: list[list[int | None]] = [[0, 0, 0, 1, 1], [0, 0, 0, N, N]]
    row = build_report(["ann", "bob"], UNITS[:5], {"remittance": matrix}).codes[0]
    assert (row.units, row.positive_units) == (3, 0)
    assert all(getattr(row, name) is None for name in COEFFICIENTS)
    assert row_flags(row) == ["unused"] and row.kappa_band is None


def test_units_only_one_coder_coded_change_no_figure() -> None:
    # The newcomer's k.db / k2.db: identical codings on the units both coded; ann also coded five
    # more units bob never saw. Before: Cohen 0.841 / Fleiss 0.891 against 0.657 / 0.656.
    shared: list[list[int | None]] = [[1, 1] + [0] * 47, [1] + [0] * 48]
    more = [shared[0] + [1] * 5, shared[1] + [N] * 5]
    ids = [f"u{i}" for i in range(54)]
    alone = build_report(["ann", "bob"], ids[:49], {"wages": shared}).codes[0]
    both = build_report(["ann", "bob"], ids, {"wages": more}).codes[0]
    assert alone == both
    assert (both.units, both.prevalence) == (49, pytest.approx(3 / 98))
    assert both.cohen_kappa == pytest.approx(0.657, abs=5e-4)
    assert both.fleiss_kappa == pytest.approx(0.656, abs=5e-4)
    assert both.krippendorff_alpha == pytest.approx(0.660, abs=5e-4)
