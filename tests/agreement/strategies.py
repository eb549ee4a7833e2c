"""Hypothesis strategies for reliability data."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

Rows = list[list[int | None]]


@st.composite
def reliability_rows(
    draw: st.DrawFn,
    *,
    min_coders: int = 2,
    max_coders: int = 5,
    max_units: int = 12,
    n_values: int = 4,
    missing: bool = True,
) -> Rows:
    """Coders' rows over values ``0 .. n_values - 1``, with ``None`` for missing when ``missing``.

    Hypothesis draws the shape, how many values are in play, the share
    missing and a seed; NumPy fills the cells. Drawing every cell through
    Hypothesis costs ~10 ms an example, which would make these tests slow;
    small shapes and few values still reach the degenerate cases (one unit,
    one category, nothing pairable) often.
    """
    coders = draw(st.integers(min_coders, max_coders))
    n_units = draw(st.integers(1, max_units))
    used = draw(st.integers(1, n_values))
    share_missing = draw(st.sampled_from([0.0, 0.25, 0.5])) if missing else 0.0
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cells = rng.integers(0, used, size=(coders, n_units))
    hidden = rng.random((coders, n_units)) < share_missing
    return [
        [None if h else int(v) for v, h in zip(row, mask, strict=True)]
        for row, mask in zip(cells, hidden, strict=True)
    ]


def two_coders(**kwargs: int | bool) -> st.SearchStrategy[Rows]:
    """Exactly two coders' rows."""
    return reliability_rows(min_coders=2, max_coders=2, **kwargs)  # type: ignore[arg-type]
