"""TF-IDF vectors: unit length, rare words weigh more, unknown words count toward length only."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.suggest.vectors import Packed, Weigher, dot


def test_a_rare_word_weighs_more_than_a_common_one() -> None:
    weigher = Weigher([Counter(["wage", "work"]), Counter(["work"]), Counter(["work", "fence"])])
    v = weigher.vector([(Counter(["wage", "work"]), 1.0)], grow=False)
    assert v[weigher.ids["wage"]] > v[weigher.ids["work"]] > 0
    assert math.isclose(math.sqrt(sum(w * w for w in v.values())), 1.0)


def test_unknown_words_shorten_a_query_but_are_learned_when_growing() -> None:
    weigher = Weigher([Counter(["wage"])])
    query = weigher.vector([(Counter(["wage", "zebra"]), 1.0)], grow=False)
    assert list(query) == [weigher.ids["wage"]] and query[weigher.ids["wage"]] < 1.0
    learned = weigher.vector([(Counter(["wage", "zebra"]), 1.0)], grow=True)
    assert "zebra" in weigher.ids and len(learned) == 2


WORDS = st.lists(st.sampled_from(["wage", "fence", "bribe", "sleep", "rice", "new"]), max_size=8)


@given(st.lists(WORDS, max_size=5), WORDS, WORDS, st.floats(0, 1))
def test_cosines_lie_in_zero_one_and_packing_keeps_them(
    corpus: list[list[str]], a: list[str], b: list[str], cw: float
) -> None:
    weigher = Weigher(Counter(doc) for doc in corpus)
    x = weigher.vector([(Counter(a), 1.0), (Counter(b), cw)], grow=False)
    y = weigher.vector([(Counter(b), 1.0)], grow=True)
    sim = dot(x, y)
    assert -1e-9 <= sim <= 1.0 + 1e-9
    assert math.isclose(Packed.of(y).dot(x), sim, abs_tol=1e-12)


@settings(deadline=None)  # the first call imports NumPy
@given(st.lists(WORDS, min_size=1, max_size=6), WORDS)
def test_stacked_dots_equal_one_by_one(docs: list[list[str]], query: list[str]) -> None:
    from qcode.suggest.vectors import Stack

    weigher = Weigher(Counter(doc) for doc in docs)
    packed = [Packed.of(weigher.vector([(Counter(doc), 1.0)], grow=True)) for doc in docs]
    x = weigher.vector([(Counter(query), 1.0)], grow=False)
    got = Stack(packed).dots(x, weigher.size)
    assert len(got) == len(packed)
    assert all(math.isclose(float(a), p.dot(x), abs_tol=1e-12) for a, p in zip(got, packed, strict=True))
