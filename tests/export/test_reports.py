"""Matrices, frequencies, the bar chart and the quote book (Markdown, HTML, Word)."""

from __future__ import annotations

import io
import re

import pytest

from qcode.errors import InputError, NotFoundError
from qcode.export.chart import bar_chart
from qcode.export.quotebook import Quote, QuoteSection, attribution, render_html, render_markdown, runs
from qcode.export.quotebook_docx import write_docx
from qcode.export.report_service import Matrix, code_frequencies, matrix, quote_sections
from qcode.export.service import resolve_filter
from qcode.store.migrate import Store


def _cells(m: Matrix) -> dict[tuple[str, str], int]:
    return {(row, col): n for row, counts in m.rows for col, n in zip(m.columns, counts, strict=True)}


def test_code_by_document_counts_distinct_segments(seeded: Store) -> None:
    with seeded.sessions() as session:
        m = matrix(session, "document")
        by_coding = matrix(session, "document", unit="codings")
    assert m.columns == ("A", "B", "C")
    assert [r[0] for r in m.rows] == ["Recruitment", "Bribery", "Remittance", "Working hours"]
    cells = _cells(m)
    assert cells[("Bribery", "A")] == 2  # segments 1 and 2; two coders on segment 1 count once
    assert cells[("Remittance", "A")] == 2 and cells[("Working hours", "B")] == 3
    assert cells[("Recruitment", "A")] == 2  # a group counts the segments of the codes under it (Bribery)
    assert _cells(by_coding)[("Bribery", "A")] == 3


def test_code_by_attribute_crosstab(seeded: Store) -> None:
    with seeded.sessions() as session:
        m = matrix(session, "country", unit="documents")
        ages = matrix(session, "age")
        with pytest.raises(NotFoundError, match="known: age, country"):
            matrix(session, "religion")
    assert m.columns == ("Arab Emirates", "China", "Russia")
    cells = _cells(m)
    assert cells[("Bribery", "Arab Emirates")] == 1 and cells[("Bribery", "Russia")] == 1
    assert cells[("Working hours", "China")] == 1
    assert ages.columns == ("40", "(none)")


def test_cooccurrence_within_segments(seeded: Store) -> None:
    with seeded.sessions() as session:
        m = matrix(session, "code")
        bob = matrix(session, "code", resolve_filter(session, ["bob"], []))
        with pytest.raises(InputError):
            matrix(session, "code", unit="codings")
    cells = _cells(m)
    assert cells[("Remittance", "Working hours")] == 1 == cells[("Working hours", "Remittance")]
    assert cells[("Bribery", "Bribery")] == 3  # the diagonal: segments with the code
    assert cells[("Bribery", "Working hours")] == 0
    assert _cells(bob)[("Remittance", "Working hours")] == 1


def test_frequencies_and_chart(seeded: Store) -> None:
    with seeded.sessions() as session:
        freqs = code_frequencies(session)
    assert [(f.key, f.count) for f in freqs] == [
        ("recruitment", 3),  # a group counts the segments of the codes under it (bribery)
        ("bribery", 3),
        ("remittance", 2),
        ("hours", 4),
    ]
    text = bar_chart([f.name for f in freqs], [f.count for f in freqs], width=60, colour=False)
    lines = text.splitlines()
    assert "\x1b[" not in text and "Code frequencies" in lines[0]
    order = [
        next(i for i, line in enumerate(lines) if line.startswith(name) and line.endswith(count))
        for name, count in (("Recruitment", " 3"), ("Bribery", " 3"), ("Working hours", " 4"))
    ]
    assert order == sorted(order)  # the codebook's order, top to bottom
    assert max(len(line) for line in lines) <= 60


def test_attribution_in_the_reports_style() -> None:
    assert attribution("A", {"gender": "Male", "country": "Arab Emirates", "occupation": "x"}) == (
        "— A (Male, Arab Emirates)"
    )
    assert attribution("B", {"age": "40", "gender": "Male", "country": "China"}) == "— B (40, Male, China)"
    assert attribution("Z", {}) == "— Z"
    place = {"age": "50", "gender": "Male", "country": "Arab Emirates (Abu Dhabi)"}
    assert attribution("A", place) == "— A (50, Male, Arab Emirates, Abu Dhabi)"  # no nested brackets
    assert attribution("X", {"country": "Russia (Far East) border"}) == "— X (Russia [Far East] border)"
    assert attribution("minister", {"role": "Korean Church Minister", "country": "Seoul"}) == (
        "— Korean Church Minister (Seoul)"
    )
    assert attribution("A", {"gender": "Male", "country": "UAE"}, ["country"]) == "— A (UAE)"


def test_quote_sections_group_by_code_and_passage(seeded: Store) -> None:
    with seeded.sessions() as session:
        sections = quote_sections(session, ["bribery", "remittance"])
        everything = quote_sections(session)
    assert [s.key for s in sections] == ["bribery", "remittance"]
    bribery = sections[0]
    assert [(q.document, q.passage) for q in bribery.quotes] == [("A", 1), ("C", 1)]
    first = bribery.quotes[0]
    assert [first.text[a:b] for a, b in first.spans] == [
        "Many people also recur to using bribery, “a lot”.",
        "=SUM(A1) was on the form.",
    ]
    assert first.coders == ("alice", "bob") and first.attributes["country"] == "Arab Emirates"
    assert "recruitment" not in [s.key for s in everything]  # nothing coded, not asked for


def test_every_quote_names_its_coders_in_one_order(seeded: Store) -> None:
    """By name, whoever coded the quote's first segment: C's passage, coded by bob in its first
    sentence and by alice in its second, reads ``alice, bob`` as A's does (it read ``bob, alice``)."""
    from qcode.store.engine import transaction
    from tests.export.sample import add_codings

    with transaction(seeded.sessions) as session:
        add_codings(session, [("C", 2, "bribery", "alice", None)])
    with seeded.sessions() as session:
        (bribery,) = quote_sections(session, ["bribery"])
    assert [(q.document, q.passage) for q in bribery.quotes] == [("A", 1), ("C", 1)]
    assert [q.coders for q in bribery.quotes] == [("alice", "bob"), ("alice", "bob")]


def test_markdown_quote_book(seeded: Store) -> None:
    with seeded.sessions() as session:
        sections = quote_sections(session, ["bribery", "recruitment"])
    md = render_markdown(sections, title="Bribery quotes")
    assert md.startswith("# Bribery quotes\n")
    assert "## Bribery\n" in md and "## Recruitment\n" in md
    assert "> — A (Male, Arab Emirates) · coded by alice, bob" in md and "> — C (Female, Russia)" in md
    # two coded sentences side by side read as one emphasised stretch
    assert "“**Many people also recur to using bribery, “a lot”. =SUM(A1) was on the form.**”" in md
    assert "**Recruitment › Bribery**" in md
    short = render_markdown(sections, context=False)
    assert "> “**Many people also recur to using bribery, “a lot”. =SUM(A1) was on the form.**”" in short
    assert "Wages" not in short


def test_markdown_escapes_and_keeps_paragraphs() -> None:
    q = Quote("B", {"gender": "Male"}, "", 1, "Not *really* a list\n\n- dash [x]\n2. two", ((0, 19),))
    md = render_markdown([QuoteSection("k", "K", "", (q,))])
    assert "> “**Not \\*really\\* a list**\n>\n> \\- dash \\[x\\]\n> 2\\. two”" in md


def test_html_quote_book_escapes_everything() -> None:
    q = Quote("A", {"gender": "Male", "country": "Arab Emirates"}, "S & T", 1, "<b>x</b> and more", ((0, 8),))
    page = render_html([QuoteSection("k", "Key <1>", "", (q,))], title="T")
    assert "<strong>&lt;b&gt;x&lt;/b&gt;</strong> and more" in page
    assert "<footer>— A (Male, Arab Emirates)</footer>" in page and "Key &lt;1&gt;" in page
    assert re.search(r"<meta charset=\"utf-8\">", page)


def test_docx_quote_book(seeded: Store) -> None:
    import docx

    with seeded.sessions() as session:
        sections = quote_sections(session, ["bribery"])
    buf = io.BytesIO()
    write_docx(sections, buf, title="Quotes")
    doc = docx.Document(io.BytesIO(buf.getvalue()))
    texts = [p.text for p in doc.paragraphs]
    assert "Bribery" in texts and "— A (Male, Arab Emirates) · coded by alice, bob" in texts
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "Many people also recur to using bribery, “a lot”. =SUM(A1) was on the form." in bold


def test_a_group_is_followed_by_its_subcodes(seeded: Store) -> None:
    with seeded.sessions() as session:
        sections = quote_sections(session, ["remittance", "Recruitment", "bribery"])
    assert [(s.key, len(s.quotes)) for s in sections] == [
        ("remittance", 1),
        ("recruitment", 0),
        ("bribery", 2),
    ]


def test_spans_merge_across_spaces_but_not_paragraphs() -> None:
    text = "One. Two. Three.\n\nFour."
    q = Quote("A", {}, "", 1, text, ((0, 4), (5, 9), (18, 23)))
    assert runs(q) == [("One. Two.", True), (" Three.\n\n", False), ("Four.", True)]
    assert runs(q, context=False) == [("One. Two.", True), (" … ", False), ("Four.", True)]
