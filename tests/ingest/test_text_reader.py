"""Properties of the plain-text and turn-based parsers (hypothesis)."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.ingest.readers.blocks import looks_turn_based, paragraph_passages, turn_passages
from qcode.ingest.readers.text import parse_text, text_blocks

_LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
_WORD = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=8)
_LABEL = re.compile(r"^[A-Z][\w .'-]{0,40}:(?:\s|$)")


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(word == other for other in it) for word in small)


@given(st.text())
def test_paragraphs_keep_every_word_in_order(text: str) -> None:
    passages = paragraph_passages(text_blocks(text))
    assert all(p.text and p.text == p.text.strip() for p in passages)
    assert " ".join(p.text for p in passages).split() == text.split()
    spans = [p.source_lines for p in passages]
    assert all(s is not None and s[0] <= s[1] for s in spans)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))  # type: ignore[index]


_PARAGRAPHS = st.lists(st.lists(st.lists(_WORD, min_size=1, max_size=6), min_size=1, max_size=4), max_size=6)


@settings(max_examples=60)
@given(_PARAGRAPHS, _LINE_ENDS)
def test_paragraphs_are_what_was_written(paragraphs: list[list[list[str]]], eol: str) -> None:
    lines_of = [[" ".join(words) for words in para] for para in paragraphs]
    text = (eol + eol).join(eol.join(lines) for lines in lines_of)
    # a generated line may happen to start with a label; the plain-paragraph parser ignores that
    passages = paragraph_passages(text_blocks(text))
    assert [p.text for p in passages] == ["\n".join(lines) for lines in lines_of]  # lines as written


_NAME = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("ABCIMQ"),
    st.text(alphabet="aeiknrst", max_size=6),
)
_SPEAKER = st.one_of(_NAME, st.builds(lambda a, b: f"{a} {b}", _NAME, _NAME))
_UTTERANCE = st.lists(st.lists(_WORD, min_size=1, max_size=5), min_size=1, max_size=3).filter(
    lambda lines: not any(_LABEL.match(" ".join(words)) for words in lines)
)


@settings(max_examples=60)
# two turns at least: one labelled line alone is a sentence (``Important: ...``), not a dialogue
@given(st.lists(st.tuples(_SPEAKER, _UTTERANCE), min_size=2, max_size=8), _LINE_ENDS, st.booleans())
def test_turns_round_trip(turns: list[tuple[str, list[list[str]]]], eol: str, blank: bool) -> None:
    chunks = []
    for speaker, lines in turns:
        body = [" ".join(words) for words in lines]
        chunks.append(eol.join([f"{speaker}: {body[0]}", *body[1:]]))
    text = (eol * (2 if blank else 1)).join(chunks)
    passages = turn_passages(text_blocks(text))
    assert [p.speaker for p in passages] == [speaker for speaker, _ in turns]
    assert [p.text.split() for p in passages] == [[w for words in lines for w in words] for _, lines in turns]
    assert looks_turn_based(text_blocks(text))
    assert parse_text(text) == passages


@given(st.text())
def test_any_text_parses_to_non_empty_passages_keeping_word_order(text: str) -> None:
    passages = parse_text(text)
    assert all(p.text.strip() and p.text == p.text.strip() for p in passages)
    words: list[str] = []
    for p in passages:
        if p.speaker is not None:
            assert p.speaker == p.speaker.strip() and "  " not in p.speaker
        words.extend(p.text.split())
    assert _is_subsequence(words, text.split())


@given(st.text(alphabet=st.sampled_from("ab #\n:AB.")))
def test_markdown_parser_never_loses_non_heading_text(text: str) -> None:
    passages = parse_text(text, markdown=True)
    assert all(p.text.strip() for p in passages)
    kept = " ".join(p.text for p in passages).split()
    assert _is_subsequence(kept, text.split())
