"""Words, stems and keyword matching: what the suggester compares."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcode.suggest.features import contains, features, keyword_pattern, stem, tokens


def test_a_words_common_forms_share_one_stem() -> None:
    for family in (
        ("bribe", "bribes", "bribed", "bribery", "bribing"),
        ("wage", "wages"),
        ("select", "selected", "selection"),
        ("family", "families"),
        ("defect", "defected", "defection"),
    ):
        assert len({stem(w) for w in family}) == 1, family


def test_short_words_are_left_alone() -> None:
    assert [stem(w) for w in ("fee", "fees", "see", "tv", "is")] == ["fee", "fee", "see", "tv", "is"]


def test_tokens_drop_stop_words_and_numbers_and_keep_a_surface_form() -> None:
    got = tokens("It’s the government’s wage: 1,200 dirhams, and 700 of them are taken!")
    assert got.stems == ("govern", "wag", "dirham", "taken")
    assert got.surface["dirham"] == "dirhams"


def test_features_count_stems_and_adjacent_pairs() -> None:
    counted = features("send money home, send money to the family")
    assert counted["send"] == 2 and counted["send money"] == 2
    assert counted["money family"] == 1  # stop words do not break a pair


def test_keyword_phrases_match_as_a_run_of_stems() -> None:
    text = tokens("They could leave the complex only once a month.").stems
    assert contains(text, keyword_pattern("leave the complex"))
    assert not contains(text, keyword_pattern("complex leave"))
    assert not contains(text, keyword_pattern("the"))  # nothing left to match: never a hit
    assert contains(tokens("Bribes were paid.").stems, keyword_pattern("bribery"))


@given(st.text(max_size=200))
def test_any_text_gives_features_without_empty_keys(text: str) -> None:
    counted = features(text)
    assert all(k and v > 0 for k, v in counted.items())
    stems = tokens(text).stems
    assert sum(counted[s] for s in set(stems)) == len(stems)


@given(st.lists(st.sampled_from(["wage", "bribe", "fence", "sleep", "x"]), max_size=12), st.data())
def test_every_run_of_a_text_is_found_in_it(words: list[str], data: st.DataObject) -> None:
    stems = tuple(words)
    if stems:
        i = data.draw(st.integers(0, len(stems) - 1))
        j = data.draw(st.integers(i + 1, len(stems)))
        assert contains(stems, stems[i:j])
    assert not contains(stems, ("nowhere",))
