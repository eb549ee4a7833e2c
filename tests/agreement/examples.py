"""Published reliability data sets, as coders' rows (``None`` = not coded)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers × 12 units, values 1-5, missing data.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Krippendorff (2011), section A: binary data, two observers, no missing data.
KRIPPENDORFF_2011_BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., p. 120; the
# irrCAC package's `cac.raw4raters` (rater 3, not rater 2, codes unit 12).
GWET_4RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, N],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Fleiss (1971), Table 1: 30 patients × 6 psychiatrists, counts per diagnosis
# (depression, personality disorder, schizophrenia, neurosis, other). The first
# 15 rows are irrCAC's `distrib.6raters`.
FLEISS_1971_COUNTS = [
    (0, 0, 0, 6, 0), (0, 3, 0, 0, 3), (0, 1, 4, 0, 1), (0, 0, 0, 0, 6), (0, 3, 0, 3, 0),
    (2, 0, 4, 0, 0), (0, 0, 4, 0, 2), (2, 0, 3, 1, 0), (2, 0, 0, 4, 0), (0, 0, 0, 0, 6),
    (1, 0, 0, 5, 0), (1, 1, 0, 4, 0), (0, 3, 3, 0, 0), (1, 0, 0, 5, 0), (0, 2, 0, 3, 1),
    (0, 0, 5, 0, 1), (3, 0, 0, 1, 2), (5, 1, 0, 0, 0), (0, 2, 0, 4, 0), (1, 0, 2, 0, 3),
    (0, 0, 0, 0, 6), (0, 1, 0, 5, 0), (0, 2, 0, 1, 3), (2, 0, 0, 4, 0), (1, 0, 0, 4, 1),
    (0, 5, 0, 1, 0), (4, 0, 0, 0, 2), (0, 2, 0, 4, 0), (1, 0, 5, 0, 0), (0, 0, 0, 0, 6),
]  # fmt: skip

# Gwet (2014) / irrCAC `cont3x3abstractors`: 100 pregnancies, two abstractors
# (rows: abstractor 1; columns: abstractor 2), ectopic / AIU / NIU.
ABSTRACTORS_TABLE = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def rows_from_counts(counts: Sequence[Sequence[int]], labels: Sequence[Hashable]) -> list[list[Hashable]]:
    """Spread a subject × category count table over pseudo-raters, in order.

    The count-based coefficients (percent agreement, Fleiss, AC1,
    Brennan–Prediger, Krippendorff) do not depend on which rater gave which
    rating, so any assignment reproduces them.
    """
    per_unit = [[label for label, c in zip(labels, row, strict=True) for _ in range(c)] for row in counts]
    return [list(ratings) for ratings in zip(*per_unit, strict=True)]


def rows_from_table(table: Sequence[Sequence[int]], labels: Sequence[Hashable]) -> list[list[Hashable]]:
    """Expand a two-coder contingency table into two coders' rows."""
    first: list[Hashable] = []
    second: list[Hashable] = []
    for a, row in zip(labels, table, strict=True):
        for b, count in zip(labels, row, strict=True):
            first.extend([a] * count)
            second.extend([b] * count)
    return [first, second]
