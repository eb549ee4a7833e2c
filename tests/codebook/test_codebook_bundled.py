"""The codebook qcode ships for its corpus: valid, grounded in the report, usable at the keyboard."""

from __future__ import annotations

import re

import pytest

from qcode.codebook.schema import Codebook, parse_codebook, validate_codebook
from qcode.config import RESERVED_HOTKEYS, bundled_codebook, bundled_report, bundled_transcripts

REPORT = bundled_report()
INTERVIEWEES = set("ABCDEFGHIJKLMNOPQR") | {"minister"}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return parse_codebook(bundled_codebook())


def test_bundled_codebook_validates() -> None:
    assert validate_codebook(bundled_codebook()) == []


def test_required_codes_and_groups(codebook: Codebook) -> None:
    names = {c.name for c in codebook.codes}
    assert {"bribery", "surveillance", "hours", "remittance"} <= names
    assert {c.name for c in codebook.codes if c.parent is None} == {
        "money",
        "control",
        "conditions",
        "pathway",
        "exit",
    }
    assert codebook.by_id["bribery"].parent == "money"
    assert codebook.by_id["surveillance"].parent == "control"
    assert codebook.by_id["hours"].parent == "conditions"


def test_every_leaf_is_fully_specified(codebook: Codebook) -> None:
    for code in codebook.leaves():
        assert code.parent is not None, code.id
        assert code.hotkey and code.hotkey not in RESERVED_HOTKEYS, code.id
        assert code.inclusion and code.exclusion and code.keywords, code.id
        assert code.example_text and code.example_interviewee in INTERVIEWEES, code.id
        assert "\n" not in code.description, code.id


def test_groups_have_no_hotkey_and_their_own_colour(codebook: Codebook) -> None:
    groups = [codebook.by_id[g] for g in codebook.group_ids]
    assert len(groups) == 5
    assert all(g.hotkey is None and g.description for g in groups)
    assert len({c.colour for c in codebook.codes}) == len(codebook.codes)


def test_examples_are_verbatim_from_their_interviewee(codebook: Codebook) -> None:
    for code in codebook.leaves():
        transcript = bundled_transcripts() / f"{code.example_interviewee}.md"
        assert _flat(code.example_text) in _flat(transcript.read_text(encoding="utf-8")), code.id


def test_examples_are_verbatim_from_the_report(codebook: Codebook) -> None:
    report = _flat(REPORT.read_text(encoding="utf-8"))
    for code in codebook.leaves():
        assert _flat(code.example_text) in report, code.id
