"""The pseudonymiser: names and their variants replaced, close ones reported, offsets kept true."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.errors import InputError
from qcode.export.pseudonym import NameEntry, Pseudonymiser, normalise, read_names


def _names(tmp_path: Path, text: str) -> list[NameEntry]:
    path = tmp_path / "names.csv"
    path.write_text(text, encoding="utf-8")
    return read_names(path)


def test_placeholders_are_numbered_per_kind_in_file_order(tmp_path: Path) -> None:
    names = _names(
        tmp_path,
        "name,placeholder,kind\r\nKim Jong-un|Kim Jong Un,,person\r\nPyongyang,[CAPITAL],place\r\n"
        "Dandong,,place\r\nPak,,\r\nKim Jong Un,,person\r\nCheonma,,ship\r\n",
    )
    assert [(n.name, n.placeholder) for n in names] == [
        ("Kim Jong-un", "[PERSON-1]"),
        ("Pyongyang", "[CAPITAL]"),
        ("Dandong", "[PLACE-1]"),
        ("Pak", "[PERSON-2]"),
        ("Cheonma", "[SHIP-1]"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("person\nKim\n", "names.csv:1: header lacks column name"),
        ("name,kind\nKim,\n,place\n", "names.csv:3: empty name"),
        (
            "name,placeholder\nKim Jong-un,[A]\nKim Jong Un,[B]\n",
            "names.csv:3: 'Kim Jong Un' is given '[B]' here",
        ),
        ("name\n", "names.csv: lists no names"),
        ("name\n---\n", "names.csv:2: name '---' has no letters or digits"),
    ],
)
def test_bad_names_files_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        _names(tmp_path, text)
    assert str(caught.value).endswith(message) or message in str(caught.value)


def test_spellings_and_transliterations_of_one_name_become_one_placeholder(tmp_path: Path) -> None:
    p = Pseudonymiser(_names(tmp_path, "name\nKim Jong-un\nKim Il Sung\nPyongyang\n"))
    text = (
        "Kim Jong-un, Kim Jong Un and kim jongun; KIM JONG-UN's men. Kim Jung Un. "
        "Kim Il Song died. Kim Il Son too. Pyoungyang."
    )
    red = p.apply(text)
    assert red.text == (
        "[PERSON-1], [PERSON-1] and [PERSON-1]; [PERSON-1]'s men. [PERSON-1]. "
        "[PERSON-2] died. Kim Il Son too. [PERSON-3]."
    )
    close = [m for m in red.mentions if not m.replaced]
    assert [(m.found, m.name, round(m.score, 1)) for m in close] == [("Kim Il Son", "Kim Il Sung", 82.4)]
    variant = next(m for m in red.mentions if m.found == "Kim Il Song")
    assert variant.replaced and round(variant.score, 1) == 88.9


def test_the_threshold_decides_what_a_variant_needs(tmp_path: Path) -> None:
    names = _names(tmp_path, "name\nKim Il Sung\n")
    assert Pseudonymiser(names, threshold=80).apply("Kim Il Son").text == "[PERSON-1]"
    assert Pseudonymiser(names, threshold=95).apply("Kim Il Song").text == "Kim Il Song"


def test_common_words_are_not_taken_for_short_or_lower_case_names(tmp_path: Path) -> None:
    p = Pseudonymiser(_names(tmp_path, "name\nChang\nLee\nPark\n"))
    assert p.apply("They change shifts; Lee left. Leeds. Chang, Chan, Changi.").text == (
        "They change shifts; [PERSON-2] left. Leeds. [PERSON-1], [PERSON-1], [PERSON-1]."
    )
    # exact spellings are replaced in any case, even inside a common phrase: safety first
    assert p.apply("the car park").text == "the car [PERSON-3]"


def test_scripts_without_case_are_searched_too(tmp_path: Path) -> None:
    p = Pseudonymiser(_names(tmp_path, "name\n김정은위원장\n"))
    assert p.apply("그때 김정은위원장 말씀").text == "그때 [PERSON-1] 말씀"
    assert normalise("Dāndōng") == "dandong"


def test_a_mention_never_crosses_a_cut_and_offsets_map_through(tmp_path: Path) -> None:
    p = Pseudonymiser(_names(tmp_path, "name\nKim Jong Un\n"))
    text = "Kim Jong Un. Kim Jong Un"
    whole = p.apply(text, cuts=[0, 12, 13, len(text)])
    assert whole.text == "[PERSON-1]. [PERSON-1]"
    assert whole.offset(12) == 11 and whole.offset(13) == 12 and whole.offset(len(text), end=True) == 22
    split = p.apply(text, cuts=[4])  # a cut inside the name: left alone (never half-replaced)
    assert split.text.startswith("Kim Jong Un.")
    assert whole.offset(5) == 0 and whole.offset(5, end=True) == 10  # inside a mention


_WORDS = st.sampled_from(
    ["Kim Jong Un", "Kim Jong-un", "Pyongyang", "Pyoungyang", "the", "work", "Kim", "\n", "é"]
)


@given(st.lists(_WORDS, max_size=20), st.data())
def test_spans_between_cuts_read_the_same_as_the_text_with_their_mentions_replaced(
    words: list[str], data: st.DataObject
) -> None:
    names = [NameEntry("Kim Jong-un", "[P]", "person", 2), NameEntry("Pyongyang", "[C]", "place", 3)]
    text = " ".join(words)
    spaces = [i for i, ch in enumerate(text) if ch == " "] + [0, len(text)]
    cuts = sorted(set([*data.draw(st.lists(st.sampled_from(spaces), max_size=6)), 0, len(text)]))
    red = Pseudonymiser(names).apply(text, cuts)
    for a, b in itertools.pairwise(cuts):
        piece = red.text[red.offset(a) : red.offset(b, end=True)]
        expected, pos = [], a
        for m in (m for m in red.replaced if a <= m.start < b):
            assert m.end <= b
            expected += [text[pos : m.start], m.placeholder]
            pos = m.end
        expected.append(text[pos:b])
        assert piece == "".join(expected)
    if cuts == [0, len(text)]:
        assert "pyongyang" not in normalise(red.text) and "kimjongun" not in normalise(red.text)
    assert all(red.offset(i) <= red.offset(i + 1) for i in range(len(text)))


def test_codebook_examples_and_criteria_are_pseudonymised(tmp_path: Path) -> None:
    from qcode.codebook.document import CodebookDocument, CodeEntry
    from qcode.export.pseudonymise import Ledger, pseudonymise_codebook

    entry = CodeEntry(
        "ideology",
        "ideology",
        0,
        False,
        "Loyalty to Kim Il Sung",
        "Praise of Kim Il Song",
        "",
        "We learned about Kim Il Sung in Pyongyang",
        "Kim Chol",
        ("Kim Il Sung",),
        "e",
        (1,),
        1,
        None,
    )
    doc = CodebookDocument("Codebook", 1, ("alice",), (entry,), "")
    ledger = Ledger()
    names = _names(tmp_path, "name,placeholder\nKim Il Sung,\nPyongyang,[CAPITAL]\nKim Chol,\n")
    out = pseudonymise_codebook(doc, Pseudonymiser(names), ledger).codes[0]
    assert (out.description, out.inclusion) == ("Loyalty to [PERSON-1]", "Praise of [PERSON-1]")
    assert out.example_text == "We learned about [PERSON-1] in [CAPITAL]"
    assert out.example_interviewee == "[PERSON-2]" and out.keywords == ("[PERSON-1]",)
    assert ledger.replaced == 6 and entry.description == "Loyalty to Kim Il Sung"
