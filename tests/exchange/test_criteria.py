"""A code's criteria as prose in ``Description``: any description text comes back exactly."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.codebook.schema import Codebook, CodeSpec
from qcode.exchange.criteria import GUARD, LEGACY_MARKER, Criteria, describe, prose_form, read_description
from qcode.exchange.qdc import adopt_identities, dump_qdc, parse_qdc
from tests.codebook.test_codebook_roundtrip import codebooks

# Pieces that look like the machinery: labels, the example's brackets and quotes, the old marker and
# a YAML line after it, the guard itself, paragraph and line breaks of every style.
_PIECES = [
    "Include: ", "Exclude: ", "Keywords: ", "Example (", "): “", "”", "Example (A): “x”", ", ",
    LEGACY_MARKER, "id: x", GUARD, "\n\n", "\n", "\r\n", "\r", " ", "\t", "a", "é", "中", "\U0001f600",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES) | st.text(max_size=4), max_size=14).map("".join)
_CRITERIA = st.builds(
    Criteria,
    description=_TEXT,
    inclusion=_TEXT,
    exclusion=_TEXT,
    example_text=_TEXT,
    example_interviewee=_TEXT,
    keywords=st.lists(_TEXT, max_size=4).map(tuple),
)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=400, deadline=None)
@given(_CRITERIA)
def test_any_description_and_criteria_round_trip_through_prose(criteria: Criteria) -> None:
    back = read_description(describe(criteria))
    assert back == prose_form(criteria)
    assert back.description == _lines(criteria.description).strip()  # the description, exactly
    assert prose_form(back) == back


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_any_description_alone_round_trips(text: str) -> None:
    assert read_description(describe(Criteria(text))) == Criteria(_lines(text).strip())


def test_a_description_with_label_like_paragraphs_keeps_them_and_reads_as_prose() -> None:
    description = "Salary talk.\n\nKeywords: not a keyword list\n\nInclude: part of the description"
    criteria = Criteria(description, exclusion="gifts", keywords=("pay",))
    text = describe(criteria)
    assert text.replace(GUARD, "") == (
        "Salary talk.\n\nKeywords: not a keyword list\n\nInclude: part of the description"
        "\n\nExclude: gifts\n\nKeywords: pay"
    )  # what a reader sees in another program: the guards are invisible
    assert read_description(text) == criteria
    assert read_description(describe(Criteria("Keywords: a"))) == Criteria("Keywords: a")


def test_a_description_holding_the_old_marker_and_yaml_is_not_read_as_an_old_file() -> None:
    description = f"Notes.\n{LEGACY_MARKER}\nid: bribery\ninclusion: x"
    assert read_description(describe(Criteria(description, inclusion="y"))) == Criteria(description, "y")


_TRICKY_DESCRIPTIONS = st.lists(
    st.sampled_from(
        ["Include: ", "Exclude: ", "Keywords: ", "Example (A): “x”", "\n\n", "\n", "words", GUARD]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks(), st.data())
def test_label_like_descriptions_round_trip_through_qdc(codebook: Codebook, data: st.DataObject) -> None:
    codes = tuple(dataclasses.replace(c, description=data.draw(_TRICKY_DESCRIPTIONS)) for c in codebook.codes)
    codebook = dataclasses.replace(codebook, codes=codes)
    back = adopt_identities(parse_qdc(dump_qdc(codebook)), codebook)
    want = {c.id: c.description.strip() for c in codebook.codes}
    assert {c.id: c.description for c in back.codes} == want
    assert {c.id: _criteria(c) for c in back.codes} == {c.id: _criteria(c) for c in codebook.codes}


def _criteria(code: CodeSpec) -> tuple[str, str]:
    shown = prose_form(Criteria(inclusion=code.inclusion, exclusion=code.exclusion))
    return shown.inclusion, shown.exclusion
