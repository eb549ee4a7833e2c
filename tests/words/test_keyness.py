"""Distinctive words (log-odds with an informative Dirichlet prior), words, stop words and KWIC."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from qcode.words.keyness import count, distinctive, frequent, words
from qcode.words.kwic import kwic
from qcode.words.service import stop_words

_counts = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 40), min_size=1)


@given(_counts, _counts)
def test_swapping_the_corpora_turns_each_score_around(
    target: dict[str, int], reference: dict[str, int]
) -> None:
    forward = {k.word: k for k in distinctive(target, reference, min_count=1, top=99)}
    backward = {k.word: k for k in distinctive(reference, target, min_count=1, top=99)}
    for word in forward.keys() & backward.keys():
        assert math.isclose(forward[word].log_odds, -backward[word].log_odds, abs_tol=1e-9)
        assert math.isclose(forward[word].z, -backward[word].z, abs_tol=1e-9)


@given(_counts, _counts)
def test_a_word_used_in_the_same_share_scores_zero_and_ranks_are_by_z(
    target: dict[str, int], reference: dict[str, int]
) -> None:
    scores = distinctive(target, reference, min_count=1, top=99)
    assert [k.z for k in scores] == sorted((k.z for k in scores), reverse=True)
    same = distinctive(dict(target), dict(target), min_count=1, top=99)
    assert all(abs(k.z) < 1e-9 for k in same)


@given(_counts, st.integers(1, 30))
def test_more_uses_in_the_selection_never_lower_a_words_score(reference: dict[str, int], extra: int) -> None:
    target = {"a": 5, "b": 5}
    before = {k.word: k.z for k in distinctive(target, reference, min_count=1)}
    after = {k.word: k.z for k in distinctive({**target, "a": 5 + extra}, reference, min_count=1)}
    assert after["a"] > before["a"]


def test_a_word_only_the_selection_uses_leads_and_rare_words_are_left_out() -> None:
    scores = distinctive({"bribery": 11, "people": 7, "once": 2}, {"people": 106, "work": 102, "bribery": 0})
    assert scores[0].word == "bribery" and scores[0].z > 1.96
    assert scores[0].reference == 0 and scores[0].target == 11
    assert "once" not in {k.word for k in scores}  # fewer than three uses
    assert frequent(Counter({"b": 2, "a": 2, "c": 5})) == [("c", 5), ("a", 2), ("b", 2)]
    assert distinctive({}, {"a": 1}) == []


def test_words_fold_case_keep_inner_apostrophes_and_drop_stop_words() -> None:
    english = stop_words("en-GB")
    assert {"the", "and", "we"} <= english
    assert words("The workers’ side-work, we didn't STOP; 1,200 dollars", english) == [
        "workers",
        "side-work",
        "stop",
        "dollars",
    ]
    assert "이" in stop_words("ko") or stop_words("ko")
    assert stop_words("xx") == frozenset()
    assert count(["Wage wage", "wage"], english) == Counter({"wage": 3})


def test_keyword_in_context_lines_up_on_the_word() -> None:
    rows = [("A", 1, "We paid a bribe.\nBribery was normal."), ("B", 2, "No bribes here, only unbribed")]
    exact = kwic(rows, "bribe", width=8)
    assert [(x.document, x.segment, x.left, x.keyword, x.right) for x in exact] == [
        ("A", 1, " paid a ", "bribe", ". Briber")
    ]
    stems = kwic(rows, "BRIB*", width=5)
    assert [x.keyword for x in stems] == ["bribe", "Bribery", "bribes"]
