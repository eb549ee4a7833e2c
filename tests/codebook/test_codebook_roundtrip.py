"""YAML → Codebook → YAML keeps everything; property-tested over generated codebooks."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.codebook.schema import (
    Codebook,
    CodeSpec,
    check_codebook,
    derive_guid,
    dump_codebook_yaml,
    parse_codebook,
)
from qcode.config import RESERVED_HOTKEYS, bundled_codebook

# Characters that stress YAML: indicators, quotes, non-ASCII letters, NBSP, ideographic space, a
# combining accent, right-to-left text, an emoji, tabs and newlines (where a field allows them).
_TRICKY = "#:-'\"|>&*!%@`{}[],?~ \xa0\u3000\u0301éßЖ中א\U0001f600"
_CHARS = st.characters(
    min_codepoint=0x20, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")
)
_TEXT = st.text(st.one_of(_CHARS, st.sampled_from(_TRICKY + "\n\t")), max_size=30)
_LINE = (
    st.text(st.one_of(_CHARS, st.sampled_from(_TRICKY)), min_size=1, max_size=16).map(str.strip).filter(bool)
)
_IDS = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(string.ascii_lowercase + string.digits),
    st.text(string.ascii_lowercase + string.digits + "-_", max_size=10),
)
_HOTKEYS = [c for c in string.printable + "éßЖ" if not c.isspace() and c not in RESERVED_HOTKEYS]
_GUIDS = st.uuids().map(str)
_COLOURS = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    """Valid codebooks: unique ids, names and hotkeys; parents among earlier codes; leaves with hotkeys."""
    n = draw(st.integers(1, 7))
    ids = draw(st.lists(_IDS, min_size=n, max_size=n, unique=True))
    names = draw(st.lists(_LINE, min_size=n, max_size=n, unique_by=str.casefold))
    keys = draw(st.lists(st.sampled_from(_HOTKEYS), min_size=n, max_size=n, unique=True))
    guids = draw(st.lists(st.none() | _GUIDS, min_size=n, max_size=n, unique_by=lambda g: g or object()))
    parents = [None] + [draw(st.none() | st.sampled_from(ids[:i])) for i in range(1, n)]
    codes = []
    for i in range(n):
        has_example = draw(st.booleans())
        is_group = ids[i] in parents
        codes.append(
            CodeSpec(
                id=ids[i],
                name=names[i],
                parent=parents[i],
                description=draw(_TEXT),
                inclusion=draw(_TEXT),
                exclusion=draw(_TEXT),
                example_text=draw(_TEXT.filter(str.strip)) if has_example else "",
                example_interviewee=draw(_LINE) if has_example else "",
                keywords=tuple(draw(st.lists(_LINE, max_size=4, unique_by=str.casefold))),
                hotkey=None if is_group and draw(st.booleans()) else keys[i],
                colour=draw(_COLOURS),
                guid=guids[i],
            )
        )
    return Codebook(draw(_LINE), draw(st.integers(1, 10_000)), tuple(codes))


def _reparse(text: str) -> Codebook:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cb.yaml"
        path.write_text(text, encoding="utf-8")
        return parse_codebook(path)


# 75 examples keep the suite fast (generation dominates); 4,000 were run once when this was written.
@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks())
def test_dump_then_parse_gives_the_same_codebook(codebook: Codebook) -> None:
    assert check_codebook(codebook) == []
    text = dump_codebook_yaml(codebook)
    again = _reparse(text)
    assert again == codebook
    assert dump_codebook_yaml(again) == text


def test_bundled_codebook_round_trips_and_dump_is_stable() -> None:
    codebook = parse_codebook(bundled_codebook())
    text = dump_codebook_yaml(codebook)
    assert _reparse(text) == codebook
    assert dump_codebook_yaml(_reparse(text)) == text


def test_dump_is_readable_yaml() -> None:
    code = CodeSpec(
        "wages", "wages", None, "Pay.\nSecond line.", "", "", "", "", ("pay", "salary"), "w", "#112233"
    )
    text = dump_codebook_yaml(Codebook("t", 2, (code,)))
    assert text == (
        "name: t\nversion: 2\ncodes:\n\n"
        "- id: wages\n  name: wages\n  hotkey: w\n  colour: '#112233'\n"
        "  description: |-\n    Pay.\n    Second line.\n  keywords: [pay, salary]\n"
    )


def test_texts_ending_in_blank_lines_survive_between_codes() -> None:
    # Found by hypothesis: a "|+" block made PyYAML end the document ("...") in mid-file.
    codes = tuple(
        CodeSpec(f"c{i}", f"c{i}", None, text, text, "", "", "", (), str(i), "#000000")
        for i, text in enumerate(["\n", "a\n\n", "a\n", " a\n b", "\n\n\n"])
    )
    codebook = Codebook("t", 1, codes)
    assert _reparse(dump_codebook_yaml(codebook)) == codebook


def test_guid_is_derived_from_the_id_unless_given() -> None:
    code = CodeSpec("wages", "wages", None, "", "", "", "", "", (), "w", "#112233")
    assert code.effective_guid == derive_guid("wages") == "24b703d5-f1d2-5768-bbbf-c5eaa02ad0b4"
    given_guid = "0e3b0c44-98fc-4c14-9afb-f4c8996fb924"
    assert (
        CodeSpec("wages", "wages", None, "", "", "", "", "", (), "w", "#112233", given_guid).effective_guid
        == given_guid
    )


def test_guids_and_colours_are_normalised_on_parse(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(
        "name: t\nversion: 1\ncodes:\n- id: a\n  name: a\n  hotkey: a\n"
        "  colour: '#AABBCC'\n  description: ''\n"
        "  guid: '{0E3B0C44-98FC-4C14-9AFB-F4C8996FB924}'\n",
        encoding="utf-8",
    )
    code = parse_codebook(path).codes[0]
    assert (code.colour, code.guid) == ("#aabbcc", "0e3b0c44-98fc-4c14-9afb-f4c8996fb924")
