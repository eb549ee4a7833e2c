"""The report extractor, pinned to facts checked by reading the report by hand.

Line numbers are those of ``sources/report-nk-overseas-labor.txt`` (the copy qcode ships).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qcode.config import bundled_report
from qcode.errors import InputError
from qcode.ingest.report import ReportExtraction, Warning, extract_report
from qcode.ingest.report_quotes import ends_paragraph
from qcode.ingest.report_speakers import parse_attribution
from qcode.ingest.report_table import split_occupation, split_places
from qcode.ingest.transcript import content_hash, write_transcript
from qcode.ingest.types import ParsedPassage, ParsedTranscript

REPO = Path(__file__).resolve().parents[2]
REPORT = bundled_report()
TRANSCRIPTS = REPO / "transcripts"

#: Quotations per speaker, counted by hand (one per attribution line, plus the two
#: quotations the report attributes to no one; K is in Table 1 but never quoted).
PASSAGES = {
    "A": 9, "B": 3, "C": 3, "D": 3, "E": 3, "F": 3, "G": 2, "H": 1, "I": 2, "J": 3, "K": 0,
    "L": 1, "M": 5, "N": 6, "O": 6, "P": 5, "Q": 4, "R": 5, "minister": 1, "unattributed": 2,
}  # fmt: skip


@pytest.fixture(scope="module")
def extraction() -> ReportExtraction:
    return extract_report(REPORT)


def _t(extraction: ReportExtraction, name: str) -> ParsedTranscript:
    return next(t for t in extraction.transcripts if t.name == name)


def _at(extraction: ReportExtraction, first_line: int) -> tuple[str, ParsedPassage]:
    """The speaker and passage of the quotation that opens on ``first_line``."""
    for t in extraction.transcripts:
        for p in t.passages:
            if p.source_lines and p.source_lines[0] == first_line:
                return t.name, p
    raise AssertionError(f"no passage opens on line {first_line}")


def _warnings(extraction: ReportExtraction, line: int) -> list[str]:
    return [w.message for w in extraction.warnings if w.line == line]


# --------------------------------------------------------------------------- the corpus


def test_one_transcript_per_speaker_with_the_hand_counted_passages(extraction: ReportExtraction) -> None:
    assert [t.name for t in extraction.transcripts] == list(PASSAGES)
    assert {t.name: len(t.passages) for t in extraction.transcripts} == PASSAGES


def test_committed_transcripts_are_exactly_what_the_extractor_writes(
    extraction: ReportExtraction, tmp_path: Path
) -> None:
    for t in extraction.transcripts:
        (tmp_path / f"{t.name}.md").write_bytes(write_transcript(t).encode("utf-8"))
    written = {p.name: p.read_bytes() for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_bytes() for p in TRANSCRIPTS.glob("*.md")}
    assert written == committed


def test_content_hash_is_the_hash_of_the_written_file(extraction: ReportExtraction) -> None:
    for t in extraction.transcripts:
        assert t.content_hash == content_hash(write_transcript(t).encode("utf-8"))
        assert t.source_path == "report-nk-overseas-labor.txt"


def test_table_1_metadata_cleaned_but_faithful(extraction: ReportExtraction) -> None:
    assert _t(extraction, "A").attributes == {
        "gender": "Male",
        "country": "Arab Emirates (Abu Dhabi)",
        "occupation": "Cement Plasterer",
        "note": "Lived in Pyeongyang, worked as plasterer",
        "age": "50",
    }
    assert _t(extraction, "B").attributes == {
        "gender": "Male", "country": "China", "occupation": "Trade Manager", "age": "40"
    }  # fmt: skip
    c = _t(extraction, "C").attributes
    assert (c["country"], c["occupation"], c["note"]) == (
        "China (Dandong)", "Mining and Trade", "Interviewed with another staff"
    )  # fmt: skip
    assert _t(extraction, "E").attributes["note"] == "E and F interviewed together"
    assert _t(extraction, "G").attributes["note"] == "Engaged in construction in North Korea"
    assert _t(extraction, "L").attributes["occupation"] == "Logging, massage"
    assert _t(extraction, "N").attributes["country"] == "Russia, Yemen"
    p = _t(extraction, "P").attributes
    assert (p["country"], p["occupation"]) == ("Russia, Czech Republic", "Shoe factory manager")
    assert _t(extraction, "R").attributes["gender"] == "Female"
    # Rows M-R were printed inside C's quotation and must still be found.
    assert _t(extraction, "Q").attributes["note"] == "Defected-lives in South Korea"


def test_interviewee_without_testimony_keeps_its_metadata(extraction: ReportExtraction) -> None:
    k = _t(extraction, "K")
    assert k.passages == ()
    assert k.attributes == {"gender": "Male", "country": "Russia", "occupation": "Construction"}


def test_minister_metadata_comes_from_the_attribution_line(extraction: ReportExtraction) -> None:
    minister = _t(extraction, "minister")
    assert minister.title == "Korean Church Minister, Russia"
    assert minister.attributes == {"role": "Korean Church Minister", "country": "Russia"}
    assert minister.passages[0].source_lines == (1562, 1604)


def test_sections_are_heading_paths(extraction: ReportExtraction) -> None:
    assert _at(extraction, 1496) == ("A", _t(extraction, "A").passages[2])
    assert _at(extraction, 1496)[1].section == "Current State of Wages › Wage and Exploitation"
    # Chapter 3, the heading's footnote marker "19" dropped.
    assert _at(extraction, 754)[1].section == "Actual State of Overseas Labor by Country"
    assert _at(extraction, 2090)[1].section == "Current State of Labor Rights"
    assert _at(extraction, 2424)[1].section == "Current State of Fundamental Human Rights › Per Diem Work"


def test_quote_interrupted_by_a_footnote_is_joined_without_it(extraction: ReportExtraction) -> None:
    name, p = _at(extraction, 770)
    assert name == "C"
    assert "are about 1,500 workers that have not been able to work. They might be able to work" in p.text
    assert "According to testimony B" not in p.text
    assert p.text.endswith("when we might start working.")  # footnote marker 21 removed
    assert any("footnote 20" in m for m in _warnings(extraction, 775))


def test_quote_interrupted_by_table_rows_is_joined_without_them(extraction: ReportExtraction) -> None:
    name, p = _at(extraction, 1000)
    assert (name, p.source_lines) == ("C", (1000, 1023))
    assert "Defected" not in p.text and "Shoe factory" not in p.text
    assert "I was in North Korea. charge of the raw material industry for 10 years." in p.text
    assert any("rows M-R of Table 1" in m for m in _warnings(extraction, 1008))


def test_quote_without_closing_mark_is_recovered_and_warned(extraction: ReportExtraction) -> None:
    name, p = _at(extraction, 1238)
    assert (name, p.source_lines) == ("M", (1238, 1287))
    paragraphs = p.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[1].startswith("Generally you must be a supporter of the Party")
    assert paragraphs[2].endswith(
        "We then all left in a group of 300 people but were all dispersed in different places."
    )
    assert any("no closing quotation mark" in m for m in _warnings(extraction, 1238))


def test_unclosed_quote_continued_by_a_new_opening_mark_is_one_passage(extraction: ReportExtraction) -> None:
    name, p = _at(extraction, 1786)
    assert (name, p.source_lines) == ("P", (1786, 1842))
    first, second = p.text.split("\n\n")
    assert first.endswith("time North Korea had a joint-venture enterprise.")
    assert second.startswith("In one month you could receive $150 dollars")
    assert any("several paragraphs" in m for m in _warnings(extraction, 1786))


def test_repeated_testimony_is_kept_twice_and_warned(extraction: ReportExtraction) -> None:
    name, repeat = _at(extraction, 1897)
    assert name == "P"
    original = _at(extraction, 1786)[1].text.split("\n\n")[0]
    assert repeat.text.rstrip(".") == original.rstrip(".")
    assert any(
        "repeats paragraph 1 of the quotation on lines 1786-1842" in m for m in _warnings(extraction, 1897)
    )


def test_multi_paragraph_quotes_keep_their_breaks(extraction: ReportExtraction) -> None:
    assert len(_at(extraction, 1845)[1].text.split("\n\n")) == 2  # Q
    r = _at(extraction, 1926)[1].text.split("\n\n")  # R
    assert r[1].startswith("I was in China from 2003 to 2007. I worked at Chengdu.")


def test_quotes_the_report_attributes_to_no_one(extraction: ReportExtraction) -> None:
    lines = [p.source_lines for p in _t(extraction, "unattributed").passages]
    assert lines == [(1200, 1204), (2512, 2536)]
    assert any("another quotation follows on line 1208" in m for m in _warnings(extraction, 1200))
    assert _at(extraction, 1208)[0] == "L"


def test_stray_marks_editorial_notes_and_footnote_markers(extraction: ReportExtraction) -> None:
    n = _at(extraction, 1722)
    assert n[0] == "N" and n[1].text.endswith("that you can save.")
    assert "stray second closing quotation mark ignored" in _warnings(extraction, 1741)
    f = _at(extraction, 1037)[1]
    assert f.text.startswith("… In North Korea an electric technical school")
    assert f.text.endswith("very fond of Teuroteu")
    assert any("While talking about media" in m for m in _warnings(extraction, 1037))
    assert any("A type of old Korean pop songs" in m for m in _warnings(extraction, 1041))
    assert _at(extraction, 754)[1].text.endswith("benefits to North Korea workers")
    assert "footnote marker 20 after the quotation removed" in _warnings(extraction, 764)


def test_attribution_variants_are_read_and_reported(extraction: ReportExtraction) -> None:
    assert _at(extraction, 754)[0] == "B"  # -B (40, Male, China)
    assert _at(extraction, 1029)[0] == "E"  # .E (Male, Russia)
    assert _at(extraction, 1182)[0] == "B"  # B (Male, China)23
    assert _at(extraction, 2367)[0] == "N"  # N ( Male, Kuwait): kept under N
    assert any("stray '-'" in m for m in _warnings(extraction, 766))
    assert any("stray '.'" in m for m in _warnings(extraction, 1033))
    assert any("footnote marker 23" in m for m in _warnings(extraction, 1196))
    assert any("'Kuwait' is not in Table 1" in m for m in _warnings(extraction, 2383))
    assert any("'Czeck', read as 'Czech Republic'" in m for m in _warnings(extraction, 1141))
    assert any("extra spaces" in m for m in _warnings(extraction, 2454))


def test_quotes_that_are_not_testimony_are_reported(extraction: ReportExtraction) -> None:
    assert any("footnote 7" in m for m in _warnings(extraction, 249))
    assert any("footnote 15" in m for m in _warnings(extraction, 501))
    assert any("presidents" in m for m in _warnings(extraction, 511))
    assert "stray page number '57' removed" in _warnings(extraction, 2564)


def test_every_passage_is_clean_text(extraction: ReportExtraction) -> None:
    for t in extraction.transcripts:
        previous = 0
        for p in t.passages:
            assert p.text and p.text == p.text.strip()
            assert "“" not in p.text and "”" not in p.text
            assert "\n" not in p.text.replace("\n\n", "") and "  " not in p.text
            assert p.source_lines is not None and previous < p.source_lines[0] <= p.source_lines[1]
            previous = p.source_lines[1]


def test_warnings_are_sorted_dataclasses_and_counted_in_stats(extraction: ReportExtraction) -> None:
    assert all(isinstance(w, Warning) for w in extraction.warnings)
    assert [w.line for w in extraction.warnings] == sorted(w.line for w in extraction.warnings)
    for stats, t in zip(extraction.stats, extraction.transcripts, strict=True):
        assert stats.name == t.name
        assert stats.passages == len(t.passages)
        assert stats.words == sum(len(p.text.split()) for p in t.passages)
        assert stats.warnings == sum(w.transcript == t.name for w in extraction.warnings)
    assert sum(s.words for s in extraction.stats) == 8447


# --------------------------------------------------------------------------- small reports


SEPARATOR = " " * 43  # opens a page's footnote area
SMALL = "\n".join(
    [
        " Chapter 1 – Findings",
        "",
        "1. Wages and",
        "",
        "Conditions",
        "",
        "A)  Pay",
        "",
        "Table 1: interviewees",
        "",
        "A M Russia Construction Defected-lives in South Korea",
        "",
        "“We were paid little. We worked every day and the supervisors took the rest ",
        SEPARATOR,
        "7 A footnote that must vanish.",
        " of it, every month.”7",
        "",
        "A (33, Male, Russia)",
        "",
        "“This one has no attribution.”",
        "",
        "The report goes on.",
        "",
        "“This one never closes and runs",
        "",
        "into a heading",
        "",
        " 99",
        "",
        "B)  Hours",
        "",
        "“It is me again.”",
        "",
        ".Z (Female, Kuwait)",
        "",
    ]
)


def test_small_report_exercises_each_repair(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text(SMALL, encoding="utf-8")
    result = extract_report(path)
    by_name = {t.name: t for t in result.transcripts}
    assert list(by_name) == ["A", "Z", "unattributed"]
    a = by_name["A"]
    assert a.attributes["age"] == "33" and a.attributes["occupation"] == "Construction"
    assert a.passages[0].text == (
        "We were paid little. We worked every day and the supervisors took the rest of it, every month."
    )
    assert a.passages[0].section == "Wages and Conditions › Pay"
    unattributed = [p.text for p in by_name["unattributed"].passages]
    assert unattributed == ["This one has no attribution.", "This one never closes and runs into a heading"]
    assert by_name["Z"].passages[0].section == "Wages and Conditions › Hours"
    assert by_name["Z"].attributes == {"gender": "Female", "country": "Kuwait"}
    messages = " | ".join(w.message for w in result.warnings)
    for fragment in ("footnote marker 7", "no closing quotation mark", "page number '99'", "not in Table 1"):
        assert fragment in messages


def test_report_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(b"Chapter 1\n\n\xff\xfe quote\n")
    with pytest.raises(InputError, match="not UTF-8") as info:
        extract_report(path)
    assert info.value.line == 3


def test_empty_or_missing_report_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n  \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        extract_report(tmp_path / "empty.txt")
    with pytest.raises(InputError, match="cannot read"):
        extract_report(tmp_path / "missing.txt")


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("line", "name", "age", "places", "repairs"),
    [
        ("A (Male, Arab Emirates)", "A", None, ("Arab Emirates",), 0),
        ("-B (40, Male, China)", "B", "40", ("China",), 2),
        (".E (Male, Russia)", "E", None, ("Russia",), 1),
        ("M ( Male, Russia)", "M", None, ("Russia",), 1),
        ("D (Male, Russia )", "D", None, ("Russia",), 1),
        ("B (Male, China)23", "B", None, ("China",), 1),
        ("N (Male, Russia, Y)", "N", None, ("Russia", "Y"), 0),
        ("A ( Male)", "A", None, (), 1),
        ("Korean Church Minister, Russia", "minister", None, ("Russia",), 0),
    ],
)
def test_parse_attribution_variants(
    line: str, name: str, age: str | None, places: tuple[str, ...], repairs: int
) -> None:
    attribution = parse_attribution(line)
    assert attribution is not None
    assert (attribution.name, attribution.age, attribution.places) == (name, age, places)
    assert len(attribution.repairs) == repairs


@pytest.mark.parametrize(
    "line", ["A)   Research Purpose", "Chart 1 : structure", "I (While) talking", "Korea"]
)
def test_parse_attribution_rejects_other_lines(line: str) -> None:
    assert parse_attribution(line) is None


def test_table_cells_split_into_country_occupation_and_note() -> None:
    assert split_places("Russia, Y Steel Defected-lives in South Korea") == (
        ["Russia", "Y"], "Steel Defected-lives in South Korea"
    )  # fmt: skip
    assert split_places("Arab Emirates, Abu Dhabi Cement Plasterer")[0] == ["Arab Emirates", "Abu Dhabi"]
    assert split_occupation("Construction E and F interviewed together") == (
        "Construction", "E and F interviewed together"
    )  # fmt: skip
    assert split_occupation("Trade Manager") == ("Trade Manager", "")


@pytest.mark.parametrize(
    ("previous", "following", "expected"),
    [
        (
            "to leave in the end. I used bribery and wasn’t sure if I was going to be able to go.  ",
            "Generally",
            True,
        ),
        ("touching the money, we would send it all to the embassy. ", "I was in China", True),
        ("North Korea. ", "charge of the raw material industry", False),
        ("workers, the government named the company Chosun-Czech Collaborated Shoes ", "Company", False),
        (
            "there is a public water pipe. However, it winter this pipe gets frozen. There is ",
            "a water",
            False,
        ),
    ],
)
def test_paragraph_ends(previous: str, following: str, expected: bool) -> None:
    assert ends_paragraph(previous, following) is expected


def test_report_lines_match_the_source(extraction: ReportExtraction) -> None:
    """Each passage's words are the words between its quotation marks in the source."""
    lines = REPORT.read_text(encoding="utf-8").split("\n")
    removed = set(range(775, 779)) | set(range(1008, 1019))  # footnote 20, Table 1 rows M-R
    for t in extraction.transcripts:
        for p in t.passages:
            assert p.source_lines is not None
            first, last = p.source_lines
            raw = " ".join(lines[n - 1] for n in range(first, last + 1) if n not in removed)
            inner = raw[raw.index("“") + 1 :]
            inner = inner[: inner.rindex("”")] if "”" in inner else inner
            assert re.sub("[“”]", "", inner).split() == p.text.split(), (t.name, first)
