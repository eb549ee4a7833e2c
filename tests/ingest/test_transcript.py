"""The qcode transcript file: writer, strict reader and their round trip."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.errors import InputError
from qcode.ingest.transcript import parse_transcript, read_transcript, write_transcript
from qcode.ingest.types import ParsedPassage, ParsedTranscript

SAMPLE = ParsedTranscript(
    name="M",
    title="Interviewee M",
    source_path="report.txt",
    content_hash="",
    attributes={"gender": "Male", "country": "Russia", "age": "50"},
    passages=(
        ParsedPassage("I went to Russia.\n\nThen I came back.", section="Wages › Flow", source_lines=(3, 9)),
        ParsedPassage("## Passage 2 is text here", section="", speaker="M"),
    ),
)

EXPECTED = """---
name: M
title: Interviewee M
source: report.txt
attributes:
  gender: Male
  country: Russia
  age: '50'
---

# Interviewee M

## Passage 1

- section: Wages › Flow
- lines: 3-9

I went to Russia.

Then I came back.

## Passage 2

- section:
- speaker: M

\\## Passage 2 is text here
"""


def _read(tmp_path: Path, text: str | bytes) -> ParsedTranscript:
    path = tmp_path / "t.md"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return read_transcript(path)


def _error(tmp_path: Path, text: str | bytes) -> InputError:
    with pytest.raises(InputError) as info:
        _read(tmp_path, text)
    return info.value


def test_writer_output_is_the_documented_format() -> None:
    assert write_transcript(SAMPLE) == EXPECTED


def test_read_gives_back_the_transcript_and_hashes_the_bytes(tmp_path: Path) -> None:
    t = _read(tmp_path, EXPECTED)
    digest = hashlib.sha256(EXPECTED.encode("utf-8")).hexdigest()
    assert t == replace(SAMPLE, content_hash=digest)


def test_transcript_without_passages(tmp_path: Path) -> None:
    empty = replace(SAMPLE, passages=())
    assert _read(tmp_path, write_transcript(empty)).passages == ()


def test_reader_accepts_crlf_bom_wrapped_paragraphs_and_unquoted_int(tmp_path: Path) -> None:
    text = (
        "\ufeff---\r\nname: A\r\nattributes:\r\n  age: 50\r\n---\r\n\r\n## Passage 1\r\n\r\n"
        "- section: S\r\n\r\nOne long\r\nparagraph.\r\n\r\nTwo.\r\n"
    )
    t = _read(tmp_path, text)
    assert t.attributes == {"age": "50"}
    assert t.title == ""
    assert t.passages == (ParsedPassage("One long paragraph.\n\nTwo.", section="S"),)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", None, "empty file"),
        ("  \n\n", None, "empty file"),
        ("name: A\n", 1, "must start with a '---' line"),
        ("---\nname: A\n", 1, "not closed"),
        ("---\ntitle: x\n---\n", 1, "no 'name'"),
        ("---\nname: A\ntitle: [unclosed\n---\n", 3, "malformed front matter (key 'title')"),
        ("---\nname: A\nattributes:\n  note: a\n   bad: b\n---\n", 5, "malformed front matter (key 'bad')"),
        ("---\nname: A\nfoo: 1\n---\n", 3, "unknown front-matter key 'foo'"),
        ("---\nname: A\nname: B\n---\n", 3, "duplicate front-matter key 'name'"),
        ("---\nname: ''\n---\n", 2, "'name' must not be empty"),
        ("---\nname: [A]\n---\n", 2, "'name' must be text"),
        ("---\n- a\n---\n", 2, "must be a mapping"),
        ("---\nname: A\nattributes: x\n---\n", 3, "'attributes' must be a mapping"),
        ("---\nname: A\nattributes:\n  gender: M\n  age: yes\n---\n", 5, "attribute 'age' must be text"),
        ("---\nname: A\ntitle: T\n---\n# Other\n", 5, "does not match the front-matter title"),
        ("---\nname: A\n---\nstray text\n", 4, "bad passage header"),
        ("---\nname: A\n---\n## Passage 2\n\n- section: s\n\nx\n", 4, "expected '## Passage 1'"),
        ("---\nname: A\n---\n## Passage one\n", 4, "bad passage header"),
        ("---\nname: A\n---\n## Passage 1\n\ntext\n", 6, "bad metadata line in passage 1"),
        ("---\nname: A\n---\n## Passage 1\n\n- lines: 1-2\n\nx\n", 7, "no '- section:' line"),
        ("---\nname: A\n---\n## Passage 1\n\n- section: s\n- lines: 5-2\n\nx\n", 7, "bad line range"),
        ("---\nname: A\n---\n## Passage 1\n\n- section: s\n- section: t\n\nx\n", 7, "duplicate 'section'"),
        ("---\nname: A\n---\n## Passage 1\n\n- section: s\n", 4, "passage 1 has no text"),
        ("---\nname: A\n---\n## Passage 1\n\n- section: s\n\n# heading\n", 8, "write '\\#'"),
    ],
)
def test_malformed_files_name_the_line_and_the_problem(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    error = _error(tmp_path, text)
    assert error.path == str(tmp_path / "t.md")
    assert error.line == line
    assert fragment in str(error)


def test_non_utf8_file_says_so_with_its_line(tmp_path: Path) -> None:
    error = _error(tmp_path, b"---\nname: A\ntitle: Caf\xe9\n---\n")
    assert "not UTF-8" in str(error)
    assert error.line == 3


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read transcript"):
        read_transcript(tmp_path / "nope.md")


@pytest.mark.parametrize(
    "bad",
    [
        replace(SAMPLE, name=""),
        replace(SAMPLE, title="two\nlines"),
        replace(SAMPLE, passages=(ParsedPassage(" padded"),)),
        replace(SAMPLE, passages=(ParsedPassage("a\n\n\n\nb"),)),
        replace(SAMPLE, passages=(ParsedPassage("a\nb"),)),
        replace(SAMPLE, passages=(ParsedPassage("x", section="s\nt"),)),
        replace(SAMPLE, passages=(ParsedPassage("x", source_lines=(5, 2)),)),
    ],
)
def test_writer_refuses_what_it_could_not_read_back(bad: ParsedTranscript) -> None:
    with pytest.raises(ValueError):
        write_transcript(bad)


# --------------------------------------------------------------------------- round trip

_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))
_LINE = st.text(_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
_TRICKY = st.sampled_from(
    ["## Passage 2", "# Title", "\\escaped", "---", "- section: x", "<!-- c -->", "“quoted” …", "›"]
)
_PARAGRAPH = st.one_of(_LINE, _TRICKY, st.builds(lambda a, b: f"{a} {b}", _TRICKY, _LINE))
_RANGE = st.tuples(st.integers(1, 5000), st.integers(0, 200)).map(lambda p: (p[0], p[0] + p[1]))
_PASSAGE = st.builds(
    ParsedPassage,
    text=st.lists(_PARAGRAPH, min_size=1, max_size=4).map("\n\n".join),
    section=st.one_of(st.just(""), _LINE),
    speaker=st.one_of(st.none(), _LINE),
    source_lines=st.one_of(st.none(), _RANGE),
)
_TRANSCRIPT = st.builds(
    ParsedTranscript,
    name=_LINE,
    title=st.one_of(st.just(""), _LINE),
    source_path=st.one_of(st.just(""), _LINE),
    content_hash=st.just(""),
    attributes=st.dictionaries(_LINE, st.text(_CHARS, max_size=20), max_size=5),
    passages=st.lists(_PASSAGE, max_size=4).map(tuple),
)


@settings(max_examples=100, deadline=None)
@given(_TRANSCRIPT)
def test_write_then_read_gives_the_same_transcript(t: ParsedTranscript) -> None:
    data = write_transcript(t).encode("utf-8")
    expected = replace(t, content_hash=hashlib.sha256(data).hexdigest())
    assert parse_transcript(data, "t.md") == expected
