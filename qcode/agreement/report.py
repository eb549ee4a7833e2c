"""The per-code agreement report, from binary code matrices (pure: no database).

For each code, a coder × unit matrix of 1 (applied), 0 (coded without it) or
missing becomes one pattern table, and every coefficient and the bootstrap
interval are computed from it. Choices, documented once here:

* ``units``: the units every compared coder coded (coders who coded no unit
  at all aside); ``positive_units``: those where at least one coder applied
  the code. Percent agreement, Fleiss', Conger's, AC1 and Brennan–Prediger
  read only these; Cohen's and Scott's, per coder pair, the units both coded;
  Krippendorff's alpha every unit two or more coders coded (it handles
  missing data by design; a note says when that is more). A unit only some
  coders coded thus never moves a complete-data figure.
* ``prevalence``: ``π_present``, the share of coders applying the code,
  averaged over ``units``.
* ``cohen_kappa`` and ``scott_pi``: for more than two coders, the mean over
  coder pairs where the pair's coefficient is defined (Light, 1971).
* ``ci_low`` / ``ci_high``: percentile bootstrap interval of Krippendorff's
  alpha (nominal), resampling units, ``n_boot`` replicates, seeded by
  ``seed`` and the code's name (so adding a code leaves the others' intervals
  alone). Alpha is the primary figure: the content-analysis standard, it
  handles missing data and any number of coders by design, and bootstrapping
  it is Krippendorff's own practice.
* ``rare``: fewer than ``min_positive`` (default 10) units where any coder
  applied the code (but some coder applied it somewhere). With so few, a single changed decision moves
  kappa and alpha a long way, and low prevalence depresses kappa (the "kappa
  paradox").
* Unused: a code no coder applied on any of ``units`` (a group code whose
  coders apply its leaves, a theme nobody met) has no figure at all, not even
  percent agreement or AC1: agreeing that it is absent everywhere says nothing
  about how it is applied. It is left out of the overall means and of pooled
  kappa, like any undefined figure, whether it is a leaf or a group.
* Bands: Landis & Koch (1977) for the kappa-type figure (Fleiss' kappa per
  code, pooled kappa overall): < 0 poor, ≤ .20 slight, ≤ .40 fair, ≤ .60
  moderate, ≤ .80 substantial, above almost perfect. Krippendorff (2004) for
  alpha: ≥ .800 reliable, ≥ .667 tentative (tentative conclusions only), below
  unreliable.
* Undefined figures are ``None`` with a note, never NaN.
* Overall: each coefficient's mean over the codes where it is defined, and
  pooled kappa (De Vries et al., 2008): Fleiss ``p_a`` and ``p_e`` averaged
  over codes, then chance-corrected.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from qcode.agreement.bootstrap import DEFAULT_SEED, percentile_interval, replicate
from qcode.agreement.coefficients import LABELS, degenerate_message
from qcode.agreement.krippendorff import alpha_values, level_metric, undefined_alpha_message
from qcode.agreement.patterns import CoderPatterns, CountPatterns, coder_patterns
from qcode.agreement.reliability import ReliabilityData, binary_data
from qcode.agreement.terms import (
    COUNT_TERMS,
    all_pairs,
    category_shares,
    chance_corrected,
    conger_terms,
    fleiss_terms,
    pair_agreement,
    table_weights,
)
from qcode.text import plural

BinaryMatrix: TypeAlias = ReliabilityData | NDArray[Any] | Sequence[Sequence[Any]]
"""Coder × unit: 1 applied, 0 not applied, ``None``/NaN/negative not coded."""

COEFFICIENTS = (
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "fleiss_kappa",
    "conger_kappa",
    "krippendorff_alpha",
    "gwet_ac1",
    "brennan_prediger",
)
"""Coefficient fields of each row, in report order."""


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code; ``None`` marks an undefined figure (see ``notes``)."""

    code: str
    units: int
    positive_units: int
    prevalence: float | None
    percent_agreement: float | None
    cohen_kappa: float | None
    scott_pi: float | None
    fleiss_kappa: float | None
    conger_kappa: float | None
    krippendorff_alpha: float | None
    gwet_ac1: float | None
    brennan_prediger: float | None
    ci_low: float | None
    ci_high: float | None
    rare: bool
    kappa_band: str | None
    alpha_band: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class OverallAgreement:
    """Means over codes (where defined) and pooled kappa."""

    codes: int
    percent_agreement: float | None
    cohen_kappa: float | None
    scott_pi: float | None
    fleiss_kappa: float | None
    conger_kappa: float | None
    krippendorff_alpha: float | None
    gwet_ac1: float | None
    brennan_prediger: float | None
    pooled_kappa: float | None
    kappa_band: str | None
    alpha_band: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class AgreementReport:
    """The whole report: one row per code and the overall row."""

    coders: tuple[str, ...]
    units: int  # compared units: those every coder coded (the same for every code from the store)
    codes: tuple[CodeAgreement, ...]
    overall: OverallAgreement
    ci_coefficient: str
    ci_level: float
    n_boot: int
    seed: int
    min_positive: int


@dataclass(frozen=True)
class _Settings:
    n_boot: int
    seed: int
    ci_level: float
    min_positive: int


def landis_koch_band(value: float) -> str:
    """Return the Landis & Koch (1977) label of a kappa-type value."""
    if value < 0:
        return "poor"
    for limit, label in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
        if value <= limit:
            return label
    return "almost perfect"


def krippendorff_band(value: float) -> str:
    """Return Krippendorff's (2004) reading of alpha: reliable, tentative or unreliable."""
    if value >= 0.800:
        return "reliable"
    return "tentative" if value >= 0.667 else "unreliable"


UNITS_RULE = (
    "units: the {unit}s of the documents every compared coder coded (a coder coded a document when they "
    "applied at least one code anywhere in it); there, a {unit} a coder left without a code is taken as "
    "decided 'absent'. A document only some of them coded counts for none of the figures but "
    "Krippendorff's alpha, which reads every {unit} two or more of them coded"
)
"""The units rule, for report headers (format with ``unit``)."""


def units_rule(unit: str) -> str:
    """The units rule as a sentence (``str.capitalize`` would lower-case the names in it)."""
    rule = UNITS_RULE.format(unit=unit)
    return rule[0].upper() + rule[1:] + "."


def units_line(coders: Sequence[str], unit: str, units: int, documents: int, with_codes: int) -> str:
    """The header's first sentence: who, on which units, and how many of them carry a code."""
    return (
        f"Agreement between {', '.join(coders)} on {plural(units, unit)}: those of the "
        f"{plural(documents, 'document')} every one of them coded; "
        f"{with_codes} of them carry a reported code."
    )


def figure_bands(item: CodeAgreement | OverallAgreement) -> dict[str, str | None]:
    """Interpretation bands of Cohen's and Fleiss' kappa and AC1 (Landis & Koch) and alpha (Krippendorff)."""

    def band(value: float | None, rule: Callable[[float], str]) -> str | None:
        return None if value is None else rule(value)

    return {
        "cohen_kappa": band(item.cohen_kappa, landis_koch_band),
        "fleiss_kappa": band(item.fleiss_kappa, landis_koch_band),
        "krippendorff_alpha": band(item.krippendorff_alpha, krippendorff_band),
        "gwet_ac1": band(item.gwet_ac1, landis_koch_band),
    }


UNUSED_NOTE = "nobody applied it: no figure is defined"
"""The one note of a code nobody applied."""

UNUSED_ELSEWHERE_NOTE = (
    "nobody applied it on a unit every compared coder coded (only where some did not code): "
    "no figure is defined"
)
"""The note of a code applied only on units some compared coder did not code: undefined, like unused."""

UNUSED_NOTES = (UNUSED_NOTE, UNUSED_ELSEWHERE_NOTE)


def row_flags(row: CodeAgreement) -> list[str]:
    """``rare`` (too few positive units for a stable figure) and ``unused`` (nobody applied the code)."""
    return ["rare"] if row.rare else ["unused"] if set(UNUSED_NOTES) & set(row.notes) else []


def build_report(
    coders: Sequence[str],
    unit_ids: Sequence[Hashable],
    matrices: Mapping[str, BinaryMatrix],
    *,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    ci_level: float = 0.95,
    min_positive: int = 10,
) -> AgreementReport:
    """Compute the agreement report for every code.

    Args:
        coders: coder names, one per matrix row.
        unit_ids: unit identifiers, one per matrix column.
        matrices: per code, the coder × unit present/absent matrix.
        n_boot: bootstrap replicates for the interval (0: no interval).
        seed: bootstrap seed.
        ci_level: coverage of the interval.
        min_positive: fewer positive units than this flags the code ``rare``.

    Raises:
        ValueError: a matrix whose shape does not match coders × units,
            values other than 1, 0 and missing, a negative ``n_boot`` or a
            ``ci_level`` outside (0, 1).
    """
    if n_boot < 0 or not 0.0 < ci_level < 1.0:
        raise ValueError(f"need n_boot >= 0 and 0 < ci_level < 1; got {n_boot}, {ci_level}")
    settings = _Settings(n_boot, seed, ci_level, min_positive)
    shape = (len(coders), len(unit_ids))
    rows = [_code_row(code, _matrix(code, m, shape), settings) for code, m in matrices.items()]
    return AgreementReport(
        coders=tuple(coders),
        units=max((row.units for row, _ in rows), default=0),
        codes=tuple(row for row, _ in rows),
        overall=_overall(rows),
        ci_coefficient="krippendorff_alpha",
        ci_level=ci_level,
        n_boot=n_boot,
        seed=seed,
        min_positive=min_positive,
    )


def _matrix(code: str, matrix: BinaryMatrix, shape: tuple[int, int]) -> ReliabilityData:
    if isinstance(matrix, ReliabilityData):
        if matrix.categories != (0, 1):
            raise ValueError(f"code {code!r}: a code matrix has categories (0, 1)")
        data = matrix
    else:
        data = binary_data(matrix)
    if data.codes.shape != shape:
        raise ValueError(f"code {code!r}: matrix is {data.codes.shape}, expected {shape}")
    return data


def _code_row(
    code: str, data: ReliabilityData, settings: _Settings
) -> tuple[CodeAgreement, tuple[float, float] | None]:
    coders = coder_patterns(data)
    complete = coders.complete
    counts = complete.count_patterns
    values, notes = _coefficients(coders, complete, counts)
    units = int(complete.weights.sum())
    positive = int(counts.weights @ (counts.counts[:, 1] > 0))
    unused = units > 0 and not positive  # no coder applied it on a unit every coder coded
    if unused:
        values, notes = dict.fromkeys(COEFFICIENTS), [_unused_note(coders.count_patterns)]
    else:
        notes += _undefined_notes(values, data, counts, units)
        notes += _alpha_units_note(coders.count_patterns, units, values["krippendorff_alpha"])
    alpha = values["krippendorff_alpha"]
    interval = _interval(code, _pairable(coders.count_patterns), alpha, settings, notes)
    rare = positive < settings.min_positive and not unused and units > 0
    if rare:
        notes.append(
            f"rare: {plural(positive, 'unit')} with the code applied (fewer than "
            f"{settings.min_positive}); the figures are unstable"
        )
    shares = category_shares(counts, table_weights(counts))
    row = CodeAgreement(
        code=code,
        units=units,
        positive_units=positive,
        prevalence=_defined(shares[1]) if units else None,
        **values,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        rare=rare,
        kappa_band=_band(values["fleiss_kappa"], landis_koch_band),
        alpha_band=_band(values["krippendorff_alpha"], krippendorff_band),
        notes=tuple(notes),
    )
    pa, pe = fleiss_terms(counts, table_weights(counts))
    return row, (float(pa), float(pe)) if units and not unused else None


def _pairable(counts: CountPatterns) -> CountPatterns:
    """The units two or more coders coded: the bootstrap resamples these, the ones alpha reads."""
    keep = counts.totals >= 2
    return CountPatterns(counts.counts[keep], counts.weights[keep])


def _unused_note(everything: CountPatterns) -> str:
    """The unused note; says so when some coder applied the code where not every coder coded."""
    if int(everything.weights @ everything.counts[:, 1]):
        return UNUSED_ELSEWHERE_NOTE
    return UNUSED_NOTE


def _alpha_units_note(everything: CountPatterns, units: int, alpha: float | None) -> list[str]:
    """Say when alpha reads more units than the others (units only some coders coded)."""
    pairable = int(everything.weights @ (everything.totals >= 2))
    if alpha is None or pairable <= units:
        return []
    return [
        f"Krippendorff's alpha also reads the {plural(pairable - units, 'unit')} coded by two or more "
        "coders but not by all (it handles missing data); the other figures use only units every coder coded"
    ]


def _coefficients(
    coders: CoderPatterns, complete: CoderPatterns, counts: CountPatterns
) -> tuple[dict[str, float | None], list[str]]:
    """Return every coefficient of one code, and a note when some coder pairs drop out.

    Alpha reads every unit two or more coders coded (``coders``); Cohen's and Scott's, per pair,
    the units both coded; the others only the units every coder coded (``complete``, ``counts``).
    """
    weights = table_weights(counts)
    values = {name: _defined(chance_corrected(terms(counts, weights))) for name, terms in COUNT_TERMS.items()}
    values["conger_kappa"] = _defined(chance_corrected(conger_terms(complete, table_weights(complete))))
    pa, first, second = pair_agreement(coders, table_weights(coders), all_pairs(coders.n_coders))
    cohen = chance_corrected((pa, (first * second).sum(-1)))
    values["cohen_kappa"] = _mean_defined(cohen)
    values["scott_pi"] = _mean_defined(chance_corrected((pa, (((first + second) / 2.0) ** 2).sum(-1))))
    nominal = level_metric("nominal", (0, 1))
    everything = coders.count_patterns
    values["krippendorff_alpha"] = _defined(alpha_values(everything, table_weights(everything), nominal))
    defined, pairs = int(np.isfinite(cohen).sum()), len(cohen)
    notes = []
    if 0 < defined < pairs:
        notes.append(
            f"Cohen's kappa and Scott's pi: mean over {defined} of {pairs} coder pairs "
            "(the others share no unit or have chance agreement 1)"
        )
    return {name: values[name] for name in COEFFICIENTS}, notes


def _defined(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _mean_defined(values: NDArray[np.float64]) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None


def _band(value: float | None, band: Any) -> str | None:
    return None if value is None else str(band(value))


def _undefined_notes(
    values: dict[str, float | None], data: ReliabilityData, counts: CountPatterns, units: int
) -> list[str]:
    """Explain each undefined figure, once per reason (``counts``: the units every coder coded)."""
    missing = [name for name in COEFFICIENTS if values[name] is None]
    everything = coder_patterns(data).count_patterns
    if not missing:
        return []
    if not int(everything.weights @ (everything.totals >= 2)):
        return ["no unit was coded by two or more coders, so no coefficient is defined"]
    notes = []
    if units == 0:
        notes.append("no unit was coded by every compared coder: only Krippendorff's alpha can be defined")
        missing = [name for name in missing if name == "krippendorff_alpha"]
    used = np.flatnonzero(counts.weights @ counts.counts)
    if units and len(used) == 1:
        state = "applied" if used[0] == 1 else "absent"
        return [
            f"every rating is '{state}': chance agreement is 1, so "
            f"{_names(missing)} are undefined; AC1 and Brennan–Prediger read full agreement"
        ]
    for name in missing:
        if name == "krippendorff_alpha":
            note = undefined_alpha_message(data, everything)
        elif name in ("cohen_kappa", "scott_pi"):
            note = "no coder pair has a defined Cohen's kappa or Scott's pi"
        else:
            note = degenerate_message(name, data)
        if note not in notes:
            notes.append(note)
    return notes


def _names(names: list[str]) -> str:
    return ", ".join(LABELS[name] for name in names)


def _interval(
    code: str,
    counts: CountPatterns,
    alpha: float | None,
    settings: _Settings,
    notes: list[str],
) -> tuple[float, float] | None:
    if alpha is None or settings.n_boot < 1:
        return None
    rng = np.random.default_rng([settings.seed, zlib.crc32(code.encode("utf-8"))])
    metric = level_metric("nominal", (0, 1))
    replicates = replicate(counts, lambda w: alpha_values(counts, w, metric), settings.n_boot, rng)
    dropped = int(np.count_nonzero(~np.isfinite(replicates)))
    if dropped == settings.n_boot:
        notes.append("no bootstrap replicate has a defined alpha: no interval")
        return None
    if dropped:
        notes.append(f"{dropped} of {settings.n_boot} bootstrap replicates had no alpha; dropped")
    return percentile_interval(replicates, settings.ci_level)


def _overall(rows: list[tuple[CodeAgreement, tuple[float, float] | None]]) -> OverallAgreement:
    codes = [row for row, _ in rows]
    notes: list[str] = []
    means: dict[str, float | None] = {}
    for name in COEFFICIENTS:
        defined = [getattr(row, name) for row in codes if getattr(row, name) is not None]
        means[name] = math.fsum(defined) / len(defined) if defined else None
        if len(defined) < len(codes):
            notes.append(f"{LABELS[name]}: mean over {len(defined)} of {plural(len(codes), 'code')}")
    pooled = _pooled([terms for _, terms in rows if terms is not None])
    return OverallAgreement(
        codes=len(codes),
        **means,
        pooled_kappa=pooled,
        kappa_band=_band(pooled, landis_koch_band),
        alpha_band=_band(means["krippendorff_alpha"], krippendorff_band),
        notes=tuple(notes),
    )


def _pooled(terms: list[tuple[float, float]]) -> float | None:
    if not terms:
        return None
    pa = math.fsum(t[0] for t in terms) / len(terms)
    pe = math.fsum(t[1] for t in terms) / len(terms)
    value = float(chance_corrected((np.asarray(pa), np.asarray(pe))))
    return None if math.isnan(value) else value
