"""Coefficients written straight from their definitions, one unit at a time.

Deliberately naive (plain loops, no pattern tables, no NumPy) so the tests
compare the vectorised engine against an independent reading of the formulas.
Each returns ``None`` where the coefficient is undefined.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from itertools import permutations

Rows = Sequence[Sequence[Hashable | None]]
EPS = 1e-12


def units(rows: Rows) -> list[Counter[Hashable]]:
    """Per unit, how many coders chose each value (``r_ik``)."""
    return [Counter(row[i] for row in rows if row[i] is not None) for i in range(len(rows[0]))]


def categories(rows: Rows, declared: Sequence[Hashable] | None = None) -> list[Hashable]:
    if declared is not None:
        return list(declared)
    return sorted({v for row in rows for v in row if v is not None})  # type: ignore[type-var]


def _corrected(pa: float | None, pe: float | None) -> float | None:
    if pa is None or pe is None or 1.0 - pe <= EPS:
        return None
    return (pa - pe) / (1.0 - pe)


def percent(rows: Rows) -> float | None:
    shares = []
    for unit in units(rows):
        r = sum(unit.values())
        if r >= 2:
            shares.append(sum(c * (c - 1) for c in unit.values()) / (r * (r - 1)))
    return sum(shares) / len(shares) if shares else None


def average_shares(rows: Rows, cats: list[Hashable]) -> dict[Hashable, float]:
    coded = [u for u in units(rows) if sum(u.values()) >= 1] or [Counter()]
    return {k: sum(u[k] / max(sum(u.values()), 1) for u in coded) / len(coded) for k in cats}


def fleiss(rows: Rows, declared: Sequence[Hashable] | None = None) -> float | None:
    pi = average_shares(rows, categories(rows, declared))
    return _corrected(percent(rows), sum(p * p for p in pi.values()))


def ac1(rows: Rows, declared: Sequence[Hashable] | None = None) -> float | None:
    cats = categories(rows, declared)
    if len(cats) < 2 or percent(rows) is None:
        return None
    pi = average_shares(rows, cats)
    return _corrected(percent(rows), sum(p * (1 - p) for p in pi.values()) / (len(cats) - 1))


def brennan_prediger(rows: Rows, declared: Sequence[Hashable] | None = None) -> float | None:
    cats = categories(rows, declared)
    return _corrected(percent(rows), 1.0 / len(cats)) if cats else None


def marginals(row: Sequence[Hashable | None], cats: list[Hashable]) -> dict[Hashable, float] | None:
    coded = [v for v in row if v is not None]
    if not coded:
        return None
    return {k: coded.count(k) / len(coded) for k in cats}


def conger(rows: Rows, declared: Sequence[Hashable] | None = None) -> float | None:
    cats = categories(rows, declared)
    p = [m for m in (marginals(row, cats) for row in rows) if m is not None]
    r = len(p)
    if r < 2:
        return None
    pe = sum(sum(g[k] for g in p) ** 2 - sum(g[k] ** 2 for g in p) for k in cats) / (r * (r - 1))
    return _corrected(percent(rows), pe)


def _two(rows: Rows) -> tuple[float | None, dict[Hashable, float] | None, dict[Hashable, float] | None]:
    """Observed agreement and both marginals, all over the units both coders coded."""
    first, second = rows
    both = [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]
    pa = sum(a == b for a, b in both) / len(both) if both else None
    cats = categories(rows)
    return pa, marginals([a for a, _ in both], cats), marginals([b for _, b in both], cats)


def cohen(rows: Rows) -> float | None:
    pa, p1, p2 = _two(rows)
    if p1 is None or p2 is None:
        return None
    return _corrected(pa, sum(p1[k] * p2[k] for k in p1))


def scott(rows: Rows) -> float | None:
    pa, p1, p2 = _two(rows)
    if p1 is None or p2 is None:
        return None
    return _corrected(pa, sum(((p1[k] + p2[k]) / 2) ** 2 for k in p1))


def alpha(rows: Rows, distance: str = "nominal") -> float | None:
    """Krippendorff's alpha by listing every pairable value pair."""
    coincidence: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for i in range(len(rows[0])):
        values = [row[i] for row in rows if row[i] is not None]
        if len(values) < 2:
            continue
        for a, b in permutations(values, 2):
            coincidence[a, b] += 1 / (len(values) - 1)
    totals: defaultdict[Hashable, float] = defaultdict(float)
    for (a, _), weight in coincidence.items():
        totals[a] += weight
    n = sum(totals.values())
    cats = sorted(totals)  # type: ignore[type-var]

    def d2(a: Hashable, b: Hashable) -> float:
        if distance == "nominal":
            return float(a != b)
        if distance == "interval":
            return float((a - b) ** 2)  # type: ignore[operator]
        if distance == "ratio":
            s = a + b  # type: ignore[operator]
            return 0.0 if s == 0 else float(((a - b) / s) ** 2)  # type: ignore[operator]
        lo, hi = sorted((cats.index(a), cats.index(b)))
        return (sum(totals[c] for c in cats[lo : hi + 1]) - (totals[a] + totals[b]) / 2) ** 2

    observed = sum(w * d2(a, b) for (a, b), w in coincidence.items())
    expected = sum(totals[a] * totals[b] * d2(a, b) for a in cats for b in cats)
    if n == 0 or expected <= 0:
        return None
    return 1 - (n - 1) * observed / expected
