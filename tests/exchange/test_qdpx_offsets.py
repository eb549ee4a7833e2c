"""The endPosition convention and the mapping of selections onto segments (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcode.exchange.qdpx_offsets import guess_convention, half_open, place

TEXT = "I worked in Russia. The manager took our passports.\n\nWe sent money home."
SEGS = [(0, 19), (20, 51), (53, 72)]


def test_one_past_the_end_is_recognised() -> None:
    sels = [(TEXT, 20, 51, "The manager took our passports."), (TEXT, 53, 72, "")]
    guess = guess_convention(sels)
    assert guess.convention == "exclusive" and guess.exclusive > guess.inclusive == 0


def test_last_character_is_recognised() -> None:
    sels = [(TEXT, 20, 50, "The manager took our passports."), (TEXT, 0, 18, ""), (TEXT, 9, 17, "")]
    guess = guess_convention(sels)
    assert guess.convention == "inclusive" and guess.inclusive > guess.exclusive == 0


def test_no_evidence_means_one_past_the_end() -> None:
    assert guess_convention([]).convention == "exclusive"
    assert guess_convention([(TEXT, 2, 5, "")]).convention == "exclusive"  # mid-word: no vote


def test_half_open() -> None:
    assert half_open(20, 50, "inclusive") == (20, 51)
    assert half_open(20, 51, "exclusive") == (20, 51)


def test_place_kinds() -> None:
    assert place(TEXT, 20, 51, SEGS).kind == "exact"
    assert place(TEXT, 19, 52, SEGS) == place(TEXT, 20, 51, SEGS)  # surrounding whitespace ignored
    spans = place(TEXT, 20, 72, SEGS)
    assert spans.kind == "spans" and spans.segments == (1, 2)
    partial = place(TEXT, 9, 25, SEGS)
    assert partial.kind == "partial" and partial.segments == (0, 1)
    assert place(TEXT, 51, 53, SEGS).kind == "none"
    assert place(TEXT, 60, 99, SEGS).kind == "invalid"
    assert place(TEXT, 5, 5, SEGS).kind == "invalid"


@given(st.integers(0, len(TEXT)), st.integers(0, len(TEXT)))
def test_place_returns_exactly_the_overlapping_segments(a: int, b: int) -> None:
    start, end = min(a, b), max(a, b)
    result = place(TEXT, start, end, SEGS)
    core = TEXT[start:end].strip()
    if not core:
        assert result.segments == ()
        return
    s = start + (len(TEXT[start:end]) - len(TEXT[start:end].lstrip()))
    e = s + len(core)
    assert result.segments == tuple(i for i, (x, y) in enumerate(SEGS) if x < e and y > s)
