"""Multi-code coding: per-code present/absent decisions, overall figures, set alpha.

A coder gives each unit (segment) a set of codes, possibly empty; ``None``
means the coder did not code the unit at all. Per code, that becomes a binary
decision per unit and coder: 1 applied, 0 coded the unit without it, missing
where the unit was not coded. Overall figures:

* the mean of a coefficient over the codes where it is defined;
* pooled kappa (De Vries, Elliott, Kanouse & Teleki, 2008): average ``p_a``
  and ``p_e`` over codes, then ``(p̄_a - p̄_e) / (1 - p̄_e)``; stays defined when
  a rare code makes its own kappa undefined;
* Krippendorff's alpha over the code sets themselves with a set distance:
  Jaccard ``1 - |A∩B| / |A∪B|`` or MASI (Passonneau, 2006)
  ``1 - J · M`` with ``M`` = 1 (equal), 2/3 (one a subset of the other), 1/3
  (overlap), 0 (disjoint); two empty sets are at distance 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Literal, TypeAlias

import numpy as np

from qcode.agreement.coefficients import LABELS, Categories, coefficient_terms, finish
from qcode.agreement.krippendorff import alpha_values, fixed_metric, undefined_alpha_message
from qcode.agreement.patterns import FloatArray, count_patterns
from qcode.agreement.reliability import ReliabilityData, ReliabilityInput, check_shape, reliability_data
from qcode.agreement.terms import DEGENERATE, table_weights

CodeSets: TypeAlias = Sequence[Sequence[AbstractSet[str] | None]]
"""Coder × unit: the set of codes a coder applied to a unit, ``None`` if not coded."""

SetDistance: TypeAlias = Literal["jaccard", "masi", "nominal"]


def code_matrices(code_sets: CodeSets, *, codes: Iterable[str] | None = None) -> dict[str, ReliabilityData]:
    """Turn code sets into one present/absent matrix per code.

    Args:
        code_sets: coder × unit sets of codes (``None`` = unit not coded).
        codes: the codes to report, in order; by default every code used,
            sorted. A code nobody used gets an all-absent matrix.

    Returns:
        Per code, :class:`ReliabilityData` over categories ``(0, 1)``: its
        ``codes`` matrix holds 1 (applied), 0 (not applied) or -1 (not coded).
        Both categories are declared, so AC1 and Brennan–Prediger are defined
        even for a code nobody applied. Every coefficient function takes it.

    Raises:
        ValueError: fewer than two coders, rows of unequal length, no units.
    """
    rows = [list(row) for row in code_sets]
    check_shape(len(rows), {len(row) for row in rows})
    names = sorted({c for row in rows for s in row if s is not None for c in s})
    wanted = list(codes) if codes is not None else names
    position = {code: k for k, code in enumerate(wanted)}
    matrix = np.zeros((len(wanted), len(rows), len(rows[0])), dtype=np.int8)
    for g, row in enumerate(rows):
        for i, applied in enumerate(row):
            if applied is None:
                matrix[:, g, i] = -1
                continue
            for code in applied:
                if code in position:
                    matrix[position[code], g, i] = 1
    return {code: ReliabilityData(matrix[k], (0, 1)) for code, k in position.items()}


def mean_over_codes(
    matrices: Mapping[str, ReliabilityInput] | Iterable[ReliabilityInput],
    *,
    coefficient: str = "fleiss_kappa",
    categories: Categories = None,
) -> float:
    """Return the mean of a kappa-type coefficient over the codes where it is defined.

    Raises:
        ValueError: it is defined for no code.
    """
    values = []
    for data in _items(matrices):
        rd = reliability_data(data, categories)
        try:
            values.append(finish(coefficient, rd, coefficient_terms(coefficient, rd)))
        except ValueError:
            continue
    if not values:
        raise ValueError(f"{LABELS.get(coefficient, coefficient)} is defined for no code")
    return math.fsum(values) / len(values)


def pooled_kappa(
    matrices: Mapping[str, ReliabilityInput] | Iterable[ReliabilityInput],
    *,
    coefficient: str = "fleiss_kappa",
    categories: Categories = None,
) -> float:
    """Return pooled kappa (De Vries et al., 2008) over codes.

    Averages each code's ``p_a`` and ``p_e`` (of ``coefficient``: Fleiss by
    default; Cohen, Scott, Conger, AC1 or Brennan–Prediger also work) and
    chance-corrects the averages. Codes with no unit coded by two coders have
    no ``p_a`` and are left out.

    Raises:
        ValueError: no code with a comparable unit, or pooled chance agreement 1
            (every code's ratings all in one and the same category).
    """
    observed, chance = [], []
    for data in _items(matrices):
        pa, pe = coefficient_terms(coefficient, reliability_data(data, categories))
        if not (math.isnan(float(pa)) or math.isnan(float(pe))):
            observed.append(float(pa))
            chance.append(float(pe))
    if not observed:
        raise ValueError("pooled kappa is undefined: no code has a unit coded by two coders")
    mean_pa, mean_pe = math.fsum(observed) / len(observed), math.fsum(chance) / len(chance)
    if 1.0 - mean_pe <= DEGENERATE:
        raise ValueError("pooled kappa is undefined: pooled chance agreement is 1")
    return (mean_pa - mean_pe) / (1.0 - mean_pe)


def _items(
    matrices: Mapping[str, ReliabilityInput] | Iterable[ReliabilityInput],
) -> list[ReliabilityInput]:
    if isinstance(matrices, Mapping):
        return list(matrices.values())
    return list(matrices)


def set_alpha(code_sets: CodeSets, *, distance: SetDistance = "masi") -> float:
    """Return Krippendorff's alpha over code sets with a set distance.

    Each coder's value for a unit is the whole set of codes applied (the empty
    set when the unit was coded with none); the distance replaces ``δ²``.

    Args:
        code_sets: coder × unit sets of codes (``None`` = unit not coded).
        distance: ``"masi"``, ``"jaccard"`` or ``"nominal"`` (sets equal or not).

    Raises:
        ValueError: an unknown distance, too few coders or units, no unit coded
            by two coders, or every pairable unit given the same set.
    """
    rows = [[None if s is None else frozenset(s) for s in row] for row in code_sets]
    values = {s for row in rows for s in row if s is not None}
    ordered = sorted(values, key=lambda s: (len(s), sorted(s)))
    rd = reliability_data(rows, categories=ordered)
    table = count_patterns(rd)
    matrix = set_distances(ordered, distance)
    value = float(alpha_values(table, table_weights(table), fixed_metric(matrix)))
    if math.isnan(value):
        raise ValueError(undefined_alpha_message(rd, table))
    return value


def set_distances(sets: Sequence[AbstractSet[str]], distance: SetDistance) -> FloatArray:
    """Return the matrix of pairwise distances between code sets."""
    if distance not in ("jaccard", "masi", "nominal"):
        raise ValueError(f"distance must be 'jaccard', 'masi' or 'nominal'; got {distance!r}")
    names = sorted({c for s in sets for c in s})
    column = {c: j for j, c in enumerate(names)}
    member = np.zeros((len(sets), len(names)))
    for i, s in enumerate(sets):
        member[i, [column[c] for c in s]] = 1.0
    common = member @ member.T
    sizes = member.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - common
    jaccard = np.divide(common, union, out=np.ones_like(common), where=union > 0)
    equal = (common == sizes[:, None]) & (common == sizes[None, :])
    similarity: FloatArray = jaccard
    if distance == "nominal":
        similarity = equal.astype(np.float64)
    elif distance == "masi":
        nested = (common == sizes[:, None]) | (common == sizes[None, :])
        monotonicity = np.select([equal, nested, common > 0], [1.0, 2.0 / 3.0, 1.0 / 3.0], 0.0)
        similarity = jaccard * monotonicity
    return 1.0 - similarity


def jaccard_distance(first: AbstractSet[str], second: AbstractSet[str]) -> float:
    """Return ``1 - |A∩B| / |A∪B|`` (0 for two empty sets)."""
    return float(set_distances([first, second], "jaccard")[0, 1])


def masi_distance(first: AbstractSet[str], second: AbstractSet[str]) -> float:
    """Return the MASI distance (Passonneau, 2006) between two code sets."""
    return float(set_distances([first, second], "masi")[0, 1])
