"""Counts in messages read as English: one hit, two hits."""

from __future__ import annotations

from qcode.text import plural, plural_of


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert plural(1, "hit") == "1 hit"
    assert plural(0, "hit") == "0 hits"
    assert plural(2, "coding") == "2 codings"
    assert plural(1, "document") == "1 document"
    assert plural(12000, "segment", thousands=True) == "12,000 segments"


def test_plurals_of_the_nouns_qcode_counts() -> None:
    assert [plural_of(w) for w in ("match", "box", "entry", "day", "person", "memo", "class")] == [
        "matches", "boxes", "entries", "days", "people", "memos", "classes",
    ]  # fmt: skip
    assert plural(3, "datum", "data") == "3 data"
