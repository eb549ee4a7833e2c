"""Aligning an edited transcript with its old version: position tells repeated sentences apart."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.ingest.align import align_segments

#: Few distinct sentences, so documents repeat them a lot (as testimony does: "Yes." "I don't know.").
VOCABULARY = ["Yes.", "No.", "I don't know.", "We worked every day.", "They took our passports."]


def _ids(texts: list[str], base: int) -> list[tuple[int, str]]:
    return [(base + i, t) for i, t in enumerate(texts)]


def test_an_unchanged_document_maps_every_occurrence_to_itself() -> None:
    texts = ["Yes.", "We left.", "Yes.", "Yes.", "No.", "Yes."]
    mapping = align_segments(_ids(texts, 100), _ids(texts, 200))
    expected = {100 + i: (200 + i, "same") for i in range(6)}
    assert {k: (v.new_id, v.how) for k, v in mapping.items()} == expected


def test_an_inserted_sentence_shifts_the_repeats_after_it_not_before() -> None:
    old = ["Yes.", "We left at night.", "Yes."]
    new = ["Yes.", "A new sentence.", "We left at night.", "Yes."]
    mapping = align_segments(_ids(old, 0), _ids(new, 10))
    assert {k: v.new_id for k, v in mapping.items()} == {0: 10, 1: 12, 2: 13}


def test_a_moved_paragraph_and_an_edited_sentence_are_found_and_said() -> None:
    old = ["Intro here.", "We worked every day of the week.", "Moved away sentence.", "End."]
    new = ["Moved away sentence.", "Intro here.", "We worked every day of the weak.", "End."]
    mapping = align_segments(_ids(old, 0), _ids(new, 10))
    assert {k: (v.new_id, v.how) for k, v in mapping.items()} == {
        0: (11, "same"),
        1: (12, "edited"),
        2: (10, "moved"),
        3: (13, "same"),
    }


def test_a_deleted_repeat_is_not_put_on_the_remaining_one() -> None:
    mapping = align_segments(_ids(["Yes.", "We left.", "Yes."], 0), _ids(["Yes.", "We left, all of us."], 10))
    assert 2 not in mapping and mapping[0].new_id == 10


@settings(max_examples=150, deadline=None)
@given(
    old=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=40),
    edits=st.lists(st.tuples(st.booleans(), st.integers(0, 60)), max_size=10),
)
def test_surviving_sentences_keep_their_place_through_insertions_and_deletions(
    old: list[str], edits: list[tuple[bool, int]]
) -> None:
    """Delete some sentences, insert new ones: every surviving sentence maps to where it now is.

    With repeats, which of two identical neighbours survived cannot be told; so the property is that
    the matches are one to one, in order, text-equal, and as many as the sentences that survived.
    """
    survivors = list(enumerate(old))
    new: list[tuple[int | None, str]] = list(survivors)
    novel = 0
    for insert, at in edits:
        if insert:
            new.insert(at % (len(new) + 1), (None, f"Something said only once, number {novel}."))
            novel += 1
        elif new:
            new.pop(at % len(new))
    kept = [i for i, _ in new if i is not None]
    mapping = align_segments(_ids(old, 0), [(1000 + j, t) for j, (_, t) in enumerate(new)])
    same = sorted((k, v.new_id - 1000) for k, v in mapping.items() if v.how == "same")
    assert len(same) == len(kept)
    assert [j for _, j in same] == sorted(j for _, j in same)  # in order
    assert all(old[k] == new[j][1] for k, j in same)  # text-equal
    assert len({j for _, j in same}) == len(same)  # one to one
    assert all(v.how == "same" for v in mapping.values())  # novel sentences took nothing away
