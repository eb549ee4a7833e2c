"""Near-duplicate testimony: planted whole, contained and partial duplicates, and real text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from qcode.config import bundled_report, bundled_transcripts
from qcode.ingest.duplicates import MAX_SHARED, DuplicatePair, candidate_pairs, find_duplicates
from qcode.ingest.segment import segment_texts

REPORT = bundled_report()

CZECH = (
    "While I went to Libya and the Middle East in order to earn foreign currencies, I started to work in "
    "the Czech Republic since 1997. There were about 180 – 200 people when I got there. The workers there "
    "had to be strictly ratified by the party."
)
SALARY = (
    "In the 80s we would only receive 2% of the money. It was about 4 dollars that wasn't even enough to "
    "buy cigarettes."
)
BANK = (
    "The money that is raised usually goes to the light industry account in China. Then the Korea "
    "Development Bank takes the money from that account."
)
PYONGYANG = (
    "I lived in Pyoungyang and worked with cement plastering. If you wanted to be dispatched abroad you "
    "had to believe in the ideological foundations of the regime."
)
LOGGING = (
    "I used to live in the area of Chongshin and I worked in the Investigation Reporting Department. I had "
    "never worked on logging before."
)


def _pairs(passages: list[tuple[str, str]], **kwargs: float) -> dict[frozenset[str], DuplicatePair[str]]:
    return {frozenset((p.a_key, p.b_key)): p for p in find_duplicates(passages, **kwargs)}


def test_planted_whole_contained_and_partial_duplicates() -> None:
    retold = CZECH.split(". ")
    passages = [
        ("P1", CZECH),
        ("P2", CZECH.replace("1997", "1998").replace("about", "around")),  # whole, lightly edited
        ("Q1", f"{SALARY} {CZECH} {BANK} {LOGGING}"),  # contained, verbatim inside a longer one
        ("R1", f"{retold[1]}. {retold[2]} {retold[0]}."),  # partial: the same sentences, reordered
        ("A1", PYONGYANG),
        ("M1", LOGGING.replace("Chongshin", "Chongjin") + " " + BANK),
        ("X1", "Yes, that is right."),
    ]
    pairs = _pairs(passages)
    whole = pairs[frozenset(("P1", "P2"))]
    assert whole.kind == "whole" and 90 <= whole.score < 100
    assert pairs[frozenset(("P1", "Q1"))].kind == "contained"
    assert pairs[frozenset(("P1", "Q1"))].score == 100.0
    assert pairs[frozenset(("P1", "R1"))].kind == "partial"
    assert pairs[frozenset(("P1", "R1"))].score >= 95
    assert frozenset(("A1", "P1")) not in pairs
    assert not any("A1" in key or "X1" in key for key in pairs)
    # LOGGING is the first half of M1 and the tail of Q1: a partial overlap between them, not more
    assert pairs.get(frozenset(("M1", "Q1")), None) is None or pairs[frozenset(("M1", "Q1"))].kind != "whole"


def test_pairs_are_sorted_by_score_and_keep_input_order() -> None:
    passages = [
        ("b", CZECH.replace("about", "around").replace("Libya", "Libia").replace("party", "Party")),
        ("a", CZECH),
        ("c", CZECH.replace("about", "around")),
    ]
    found = find_duplicates(passages)
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    order = {key: i for i, (key, _) in enumerate(passages)}
    assert all(order[p.a_key] < order[p.b_key] for p in found)
    expected = {frozenset(pair) for pair in itertools.combinations("abc", 2)}
    assert {frozenset((p.a_key, p.b_key)) for p in found} == expected


def test_threshold_and_min_words() -> None:
    passages = [("a", CZECH), ("b", CZECH.replace("Libya and the Middle East", "Kuwait"))]
    (pair,) = find_duplicates(passages)
    assert pair.kind == "whole" and pair.score < 95
    # over its ratio, the pair still passes on its partial_ratio (98): "partial" at a higher threshold
    (strict,) = find_duplicates(passages, threshold=97)
    assert (strict.kind, strict.score) == ("partial", 98.0)
    assert find_duplicates(passages, threshold=99) == []
    assert find_duplicates([("a", "We left early."), ("b", "We left early.")]) == []
    assert find_duplicates([("a", "We left early."), ("b", "We left early.")], min_words=3)[0].score == 100


def test_no_input_and_no_duplicates() -> None:
    assert find_duplicates([]) == []
    assert find_duplicates([("a", CZECH)]) == []
    assert find_duplicates([("a", CZECH), ("b", PYONGYANG), ("c", LOGGING), ("d", SALARY), ("e", BANK)]) == []


def test_exact_copies_repeated_more_than_the_blocking_limit_are_all_found() -> None:
    boiler = "The interview was recorded and transcribed with the consent of the interviewee."
    passages = [(f"d{i}", boiler) for i in range(MAX_SHARED + 6)] + [("z", PYONGYANG)]
    found = find_duplicates(passages)
    n = MAX_SHARED + 6
    assert len(found) == n * (n - 1) // 2
    assert {p.kind for p in found} == {"whole"} and {p.score for p in found} == {100.0}


def test_blocking_pairs_only_passages_that_share_bigrams() -> None:
    words = [text.lower().split() for text in (CZECH, PYONGYANG, "one two three four five six", CZECH)]
    a, b = candidate_pairs(words)
    assert (0, 3) in set(zip(a, b, strict=True))
    assert 2 not in a + b
    assert all(x < y for x, y in zip(a, b, strict=True))


def _report_sentences() -> list[str]:
    lines = [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    text = " ".join(lines)
    (spans,) = segment_texts([text])
    return [text[a:b] for a, b in spans]


def test_the_report_repeats_the_czech_testimony() -> None:
    sentences = _report_sentences()
    found = find_duplicates(list(enumerate(sentences)))
    repeated = [p for p in found if "Chosun-Czech Collaborated Shoes" in sentences[p.a_key]]
    assert repeated and all(p.score >= 95 for p in repeated)
    assert any("Chosun-Czech Collaborated Shoes" in sentences[p.b_key] for p in repeated)
    assert len({p.a_key for p in found}) < len(sentences) // 10  # the report is mostly distinct text


def _transcript_files() -> list[Path]:
    folder = bundled_transcripts()
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


@pytest.mark.skipif(not _transcript_files(), reason="no bundled transcripts yet")
def test_the_bundled_transcripts_repeat_at_least_one_testimony() -> None:
    from qcode.ingest.formats import read_file

    passages = [
        ((t.name, ordinal), p.text)
        for t in map(read_file, _transcript_files())
        for ordinal, p in enumerate(t.passages, start=1)
    ]
    found = find_duplicates(passages)
    assert any(p.score >= 90 for p in found)


def test_a_verbatim_copy_inside_a_much_longer_passage_is_contained_even_at_a_low_threshold() -> None:
    long = f"{CZECH} {SALARY} {BANK} {LOGGING} {PYONGYANG}"
    (pair,) = find_duplicates([("long", long), ("short", CZECH)], threshold=50)
    assert (pair.kind, pair.score) == ("contained", 100.0)
