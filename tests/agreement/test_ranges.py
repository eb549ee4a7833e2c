"""Every figure stays in its range, whatever the coders coded and left missing (finding: Cohen's -1.036)."""

from __future__ import annotations

import contextlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import (
    brennan_prediger,
    build_report,
    cohen_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from qcode.agreement.report import COEFFICIENTS

from .strategies import Rows, reliability_rows, two_coders

RANGES = settings(max_examples=150, deadline=None)


@st.composite
def code_matrices(draw: st.DrawFn) -> tuple[int, dict[str, np.ndarray]]:
    """Binary coder × unit matrices (-1 missing), with whole blocks of units some coders never coded."""
    coders = draw(st.integers(2, 4))
    units = draw(st.integers(1, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    coded = rng.random((coders, units)) < draw(st.sampled_from([0.3, 0.6, 0.9, 1.0]))
    out = {}
    for code in ("a", "b"):
        applied = rng.random((coders, units)) < draw(st.sampled_from([0.05, 0.3, 0.7, 0.95]))
        out[code] = np.where(coded, applied, -1).astype(np.int8)
    return coders, out


@RANGES
@given(case=code_matrices())
def test_every_report_figure_stays_in_its_range(case: tuple[int, dict[str, np.ndarray]]) -> None:
    coders, matrices = case
    units = matrices["a"].shape[1]
    report = build_report([f"c{g}" for g in range(coders)], list(range(units)), matrices, n_boot=20)
    for row in [*report.codes, report.overall]:
        for name in COEFFICIENTS:
            value = getattr(row, name)
            low = 0.0 if name == "percent_agreement" else -1.0
            assert value is None or low - 1e-9 <= value <= 1.0 + 1e-9, (name, value, matrices)
    pooled = report.overall.pooled_kappa
    assert pooled is None or -1.0 - 1e-9 <= pooled <= 1.0 + 1e-9
    for row in report.codes:
        assert row.prevalence is None or 0.0 <= row.prevalence <= 1.0
        assert 0 <= row.positive_units <= row.units <= units


@RANGES
@given(rows=two_coders(max_units=20))
def test_cohen_and_scott_stay_in_range_with_missing_data(rows: Rows) -> None:
    for function in (cohen_kappa, scott_pi):
        with contextlib.suppress(ValueError):
            assert -1.0 - 1e-9 <= function(rows) <= 1.0 + 1e-9


@RANGES
@given(rows=reliability_rows(max_units=20))
def test_percent_ac1_bp_and_alpha_stay_in_range_with_missing_data(rows: Rows) -> None:
    with contextlib.suppress(ValueError):
        assert 0.0 <= percent_agreement(rows) <= 1.0
    for function in (gwet_ac1, brennan_prediger, krippendorff_alpha):
        with contextlib.suppress(ValueError):
            assert -1.0 - 1e-9 <= function(rows) <= 1.0 + 1e-9
