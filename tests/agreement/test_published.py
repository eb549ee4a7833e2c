"""Published worked examples, reproduced to their printed precision."""

from __future__ import annotations

import pytest

from qcode.agreement import (
    agreement_terms,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    fleiss_kappa_se0,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
    standard_error,
)

from .examples import (
    ABSTRACTORS_TABLE,
    FLEISS_1971_COUNTS,
    GWET_4RATERS,
    KRIPPENDORFF_2011,
    KRIPPENDORFF_2011_BINARY,
    N,
    rows_from_counts,
    rows_from_table,
)

DIAGNOSES = ("depression", "personality disorder", "schizophrenia", "neurosis", "other")


@pytest.mark.parametrize(
    ("level", "printed"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_four_coders_with_missing_data(level: str, printed: float) -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level=level), 3) == printed


def test_krippendorff_2011_binary_two_coders() -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011_BINARY), 3) == 0.095


def test_fleiss_1971_kappa_and_null_z() -> None:
    rows = rows_from_counts(FLEISS_1971_COUNTS, DIAGNOSES)
    kappa = fleiss_kappa(rows)
    assert round(kappa, 3) == 0.430  # Fleiss (1971)
    # R irr::kappam.fleiss(diagnoses): "Kappa = 0.43, z = 17.7" (Fleiss, Nee & Landis 1979 SE).
    assert round(kappa / fleiss_kappa_se0(rows), 1) == 17.7


def test_fleiss_1971_first_15_subjects_as_in_irrcac() -> None:
    # irrCAC README, distrib.6raters: *.dist() outputs.
    rows = rows_from_counts(FLEISS_1971_COUNTS[:15], DIAGNOSES)
    assert agreement_terms("fleiss_kappa", rows) == pytest.approx((0.5511111, 0.2340741), abs=5e-8)
    assert fleiss_kappa(rows) == pytest.approx(0.4139265, abs=5e-8)
    assert standard_error("fleiss_kappa", rows) == pytest.approx(0.08119291, abs=5e-9)
    assert gwet_ac1(rows) == pytest.approx(0.4448007, abs=5e-8)
    assert standard_error("gwet_ac1", rows) == pytest.approx(0.08418757, abs=5e-9)
    assert brennan_prediger(rows) == pytest.approx(0.4388889, abs=5e-8)
    assert standard_error("brennan_prediger", rows) == pytest.approx(0.08312142, abs=5e-9)
    assert krippendorff_alpha(rows) == pytest.approx(0.4204384, abs=5e-8)


def test_gwet_handbook_four_raters_with_missing_ratings() -> None:
    # Gwet (2014) p. 120 data; figures printed by Gwet's irrCAC (README, *.raw()).
    data = GWET_4RATERS
    assert percent_agreement(data) == pytest.approx(0.8181818, abs=5e-8)
    assert standard_error("percent_agreement", data) == pytest.approx(0.12561, abs=5e-6)
    assert agreement_terms("gwet_ac1", data)[1] == pytest.approx(0.1903212, abs=5e-8)
    assert gwet_ac1(data) == pytest.approx(0.77544, abs=5e-6)
    assert standard_error("gwet_ac1", data) == pytest.approx(0.14295, abs=5e-6)
    assert agreement_terms("fleiss_kappa", data)[1] == pytest.approx(0.2387153, abs=5e-8)
    assert fleiss_kappa(data) == pytest.approx(0.76117, abs=5e-6)
    assert standard_error("fleiss_kappa", data) == pytest.approx(0.15302, abs=5e-6)
    assert agreement_terms("conger_kappa", data)[1] == pytest.approx(0.2334252, abs=5e-8)
    assert conger_kappa(data) == pytest.approx(0.76282, abs=5e-6)
    assert brennan_prediger(data) == pytest.approx(0.77273, abs=5e-6)
    assert standard_error("brennan_prediger", data) == pytest.approx(0.14472, abs=5e-6)
    assert krippendorff_alpha(data) == pytest.approx(0.74342, abs=5e-6)


def test_gwet_abstractors_contingency_table() -> None:
    # irrCAC README, cont3x3abstractors: *.table() outputs.
    rows = rows_from_table(ABSTRACTORS_TABLE, ("ectopic", "AIU", "NIU"))
    assert cohen_kappa(rows) == pytest.approx(0.7964094, abs=5e-8)
    assert standard_error("cohen_kappa", rows) == pytest.approx(0.05891072, abs=5e-9)
    assert scott_pi(rows) == pytest.approx(0.7962397, abs=5e-8)
    assert gwet_ac1(rows) == pytest.approx(0.8493305, abs=5e-8)
    assert brennan_prediger(rows) == pytest.approx(0.835, abs=5e-9)
    assert krippendorff_alpha(rows) == pytest.approx(0.7972585, abs=5e-8)
    assert percent_agreement(rows) == pytest.approx(0.89, abs=5e-9)


def test_cohen_textbook_example() -> None:
    # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals, 20 yes/yes,
    # 5 yes/no, 10 no/yes, 15 no/no: p_o = 0.7, p_e = 0.5 · 0.6 + 0.5 · 0.4 = 0.5, kappa = 0.4.
    rows = rows_from_table([[20, 5], [10, 15]], ("yes", "no"))
    assert agreement_terms("cohen_kappa", rows) == pytest.approx((0.7, 0.5))
    assert cohen_kappa(rows) == pytest.approx(0.4)


def test_cohen_and_scott_with_a_missing_unit_each_by_hand() -> None:
    # Units 1-4 coded by both: agree on 1, 3, 4 -> p_a = 3/4. Marginals over those four units
    # too (units 5 and 6, each coded by one coder, move nothing): coder 1 a 2/4, b 2/4;
    # coder 2 a 1/4, b 3/4. Cohen p_e = 2/4·1/4 + 2/4·3/4 = 1/2 -> kappa = (3/4 - 1/2) / (1/2) = 1/2.
    # Scott π = (3/8, 5/8) -> p_e = 34/64 -> pi = (3/4 - 17/32) / (15/32) = 7/15.
    rows = [["a", "a", "b", "b", "a", N], ["a", "b", "b", "b", N, "b"]]
    assert cohen_kappa(rows) == pytest.approx(1 / 2)
    assert scott_pi(rows) == pytest.approx(7 / 15)
    assert cohen_kappa([row[:4] for row in rows]) == pytest.approx(1 / 2)


def test_brennan_prediger_counts_declared_unused_categories_by_hand() -> None:
    # p_a = 2/3 (units 1 and 3 agree). q = 2 observed: (2/3 - 1/2) / (1/2) = 1/3;
    # q = 3 declared: (2/3 - 1/3) / (2/3) = 1/2.
    rows = [["a", "a", "b"], ["a", "b", "b"]]
    assert brennan_prediger(rows) == pytest.approx(1 / 3)
    assert brennan_prediger(rows, categories=["a", "b", "c"]) == pytest.approx(1 / 2)
