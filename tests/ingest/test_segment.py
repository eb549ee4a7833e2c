"""Segmentation: exact sentence splits on testimony from the report, and offset invariants."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.config import bundled_report
from qcode.ingest.segment import MAX_PIECE_CHARS, Mode, load_nlp, paragraph_spans, segment_texts

if TYPE_CHECKING:
    from spacy.language import Language

REPORT = bundled_report()


def sentences(text: str) -> list[str]:
    (spans,) = segment_texts([text])
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In the end, I wasn’t even able to buy a T.V. The government says they will give you about "
            "$500 dollars but in reality you get about $100 dollars.",
            [
                "In the end, I wasn’t even able to buy a T.V.",
                "The government says they will give you about $500 dollars but in reality you get about "
                "$100 dollars.",
            ],
        ),
        (
            "If you worked for two years you could buy a T.V however because the government laws are so "
            "strict you had to ask a soviet person to register the T. V for you. I also went to Yemen.",
            [
                "If you worked for two years you could buy a T.V however because the government laws are "
                "so strict you had to ask a soviet person to register the T. V for you.",
                "I also went to Yemen.",
            ],
        ),
        (
            "We can only leave the working complex once a month from 9 to 4.30 p.m.  At night we sleep.",
            ["We can only leave the working complex once a month from 9 to 4.30 p.m.", "At night we sleep."],
        ),
        (
            "We start at 5 a.m. and stop late. Mr. Kim and Dr. Lee went to the U.S. in 2010.",
            ["We start at 5 a.m. and stop late.", "Mr. Kim and Dr. Lee went to the U.S. in 2010."],
        ),
        (
            "While the wages are meant to be $70-$80 dollars, the workers get barely paid $13.21 dollars. "
            "In one month you can earn $1,000 dollars. The rate was 1.5 times higher.",
            [
                "While the wages are meant to be $70-$80 dollars, the workers get barely paid "
                "$13.21 dollars.",
                "In one month you can earn $1,000 dollars.",
                "The rate was 1.5 times higher.",
            ],
        ),
        (
            "I went there in 2007...back then people would still leave. However our government authorities "
            "they all of our wages…we are left with 100 rubles.",
            [
                "I went there in 2007...back then people would still leave.",
                "However our government authorities they all of our wages…we are left with 100 rubles.",
            ],
        ),
        (
            "you had to work under difficult conditions…While you work you could have an accident.",
            ["you had to work under difficult conditions…", "While you work you could have an accident."],
        ),
        (
            "(While talking about media information in North Korea) “… In North Korea an electric technical "
            "school opened three years ago. We North Koreans like South Korean dramas.”",
            [
                "(While talking about media information in North Korea) “… In North Korea an electric "
                "technical school opened three years ago.",
                "We North Koreans like South Korean dramas.”",
            ],
        ),
        (
            "Many people also recur to using bribery…” “In the North I live in Pyongyang.” He said \"Go.\" "
            "Then they left.",
            [
                "Many people also recur to using bribery…”",
                "“In the North I live in Pyongyang.”",
                'He said "Go."',
                "Then they left.",
            ],
        ),
        (
            "You are given clothes, cigarettes, etc. and a ticket. We built museums, towers, etc. We were "
            "about 200 people.",
            [
                "You are given clothes, cigarettes, etc. and a ticket.",
                "We built museums, towers, etc.",
                "We were about 200 people.",
            ],
        ),
        (
            "In one month you could receive $150 dollars and apparently the people from there. (Czech "
            "Republic) would earn $150 dollars too.",
            [
                "In one month you could receive $150 dollars and apparently the people from there.",
                "(Czech Republic) would earn $150 dollars too.",
            ],
        ),
    ],
)
def test_sentences_from_the_report(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_a_blank_line_always_ends_a_sentence() -> None:
    text = "We worked in Russia\n\nand then in Kuwait. It was hot.\n \n  no capital here"
    assert sentences(text) == ["We worked in Russia", "and then in Kuwait.", "It was hot.", "no capital here"]


def test_modes() -> None:
    text = "  One. Two.\n\n\tThree.\r\n  \r\nFour  \n"
    (para,) = segment_texts([text], mode="paragraph")
    assert [text[a:b] for a, b in para] == ["One. Two.", "Three.", "Four"]
    (whole,) = segment_texts([text], mode="passage")
    assert [text[a:b] for a, b in whole] == [text.strip()]
    assert list(segment_texts(["", " \n "], mode="passage")) == [[], []]
    with pytest.raises(ValueError, match="unknown segmentation mode"):
        list(segment_texts(["x"], mode="word"))  # type: ignore[arg-type]


def test_many_texts_keep_their_order_across_batches() -> None:
    texts = [f"Passage {i}. It has {i % 3} parts." if i % 5 else "" for i in range(40)]
    got = list(segment_texts(texts, batch_size=7))
    assert len(got) == len(texts)
    for text, spans in zip(texts, got, strict=True):
        expected = [] if not text else [text.split(". ")[0] + ".", text.split(". ")[1]]
        assert [text[a:b] for a, b in spans] == expected


def test_very_long_text_is_cut_into_pieces_with_offsets_kept() -> None:
    sentence = "I worked in the Czech Republic for $150 a month. "
    text = sentence * (MAX_PIECE_CHARS // len(sentence) * 2 + 3) + "\n\nThe end."
    (spans,) = segment_texts([text])
    _check_invariants(text, spans)
    assert text[spans[0][0] : spans[0][1]] == sentence.strip()
    assert text[spans[-1][0] : spans[-1][1]] == "The end."


def _check_invariants(text: str, spans: list[tuple[int, int]]) -> None:
    covered = [False] * len(text)
    last_end = 0
    for start, end in spans:
        assert last_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        covered[start:end] = [True] * (end - start)
        last_end = end
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))


_PIECES = [*"aZ. …\n\r\t\"“”‘’()$1,?!:\x1c\u2028\xa0", "...", "T.V.", "U.S.", "p.m.", "Mr.", "etc.", "I"]
_TEXTY = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=60), _TEXTY), min_size=1, max_size=6),
    st.sampled_from(["sentence", "paragraph", "passage"]),
)
def test_offsets_are_stripped_disjoint_and_cover_every_non_space_char(texts: list[str], mode: Mode) -> None:
    results = list(segment_texts(texts, mode=mode, batch_size=2))
    assert len(results) == len(texts)
    for text, spans in zip(texts, results, strict=True):
        _check_invariants(text, spans)


@settings(max_examples=80, deadline=None)
@given(_TEXTY)
def test_sentences_never_cross_a_paragraph_break(text: str) -> None:
    (spans,) = segment_texts([text])
    paragraphs = paragraph_spans(text)
    for start, end in spans:
        assert any(p_start <= start and end <= p_end for p_start, p_end in paragraphs), text[start:end]
    assert not any(re.search(r"\n[^\S\n\r]*\n", text[a:b]) for a, b in spans)


@functools.cache
def _sentencizer() -> Language:
    import spacy

    from qcode.ingest.sentence_rules import add_special_cases

    nlp = spacy.blank("en")
    add_special_cases(nlp.tokenizer)
    nlp.add_pipe("sentencizer")
    return nlp


def _sentencizer_spans(texts: list[str]) -> list[list[tuple[int, int]]]:
    out = []
    for doc in _sentencizer().pipe(texts):
        spans = []
        for sent in doc.sents:
            solid = [t for t in sent if not t.is_space]
            if solid:
                spans.append((solid[0].idx, solid[-1].idx + len(solid[-1])))
        out.append(spans)
    return out


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), _TEXTY), min_size=1, max_size=5))
def test_without_testimony_rules_the_arrays_give_exactly_the_sentencizer(texts: list[str]) -> None:
    nlp = load_nlp()
    rules = nlp.get_pipe("qcode_sentences")
    docs = list(nlp.tokenizer.pipe(texts))
    assert rules.spans(docs, testimony=False) == _sentencizer_spans(texts)


def test_report_paragraphs_match_the_sentencizer_without_rules_and_the_component_with_them() -> None:
    lines = [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [" ".join(lines[i : i + 8]) for i in range(0, len(lines), 8)]
    nlp = load_nlp()
    docs = list(nlp.tokenizer.pipe(texts))
    assert nlp.get_pipe("qcode_sentences").spans(docs, testimony=False) == _sentencizer_spans(texts)
    ours = list(segment_texts(texts))
    for text, spans, doc in zip(texts, ours, nlp.pipe(texts), strict=True):
        assert [text[a:b] for a, b in spans] == [s.text.strip() for s in doc.sents if s.text.strip()]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), _TEXTY), min_size=2, max_size=12))
def test_texts_segment_the_same_together_as_alone(texts: list[str]) -> None:
    together = list(segment_texts(texts))
    alone = [next(iter(segment_texts([text]))) for text in texts]
    assert together == alone


def test_the_word_class_cache_is_bounded_and_starting_over_changes_no_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from qcode.ingest import sentence_rules

    lines = [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [f"{line} Word{n}q. Mr. Kim{n} went to the U.S. with T.V. {n}." for n, line in enumerate(lines)]
    expected = list(segment_texts(texts))
    rules = load_nlp().get_pipe("qcode_sentences")
    monkeypatch.setattr(sentence_rules, "CLASS_CACHE_WORDS", 50)
    monkeypatch.setattr(rules, "_classes", {})
    assert list(segment_texts(texts)) == expected
    assert 0 < len(rules._classes) <= 50
