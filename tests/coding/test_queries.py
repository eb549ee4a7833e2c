"""Reads: blind transcripts, progress, resume point, codebook order, code view and comparison."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from qcode.coding import queries
from qcode.project.service import ensure_project
from qcode.store.migrate import Store
from qcode.store.probe import connect_read_only
from tests.coding.sample import Sample, add_coding, fill_sample, tx


def test_codebook_in_tree_order_with_depth(session: Session, sample: Sample) -> None:
    codes = queries.codebook(session)
    assert [(c.key, c.depth) for c in codes] == [
        ("labour", 0), ("hours", 1), ("confine", 1), ("money", 0), ("wages", 1), ("debt", 1),
        ("recruit", 0), ("surveil", 0),
    ]  # fmt: skip
    assert codes[4].keywords == ("salary", "loyalty payment") and codes[4].hotkey == "w"


def test_transcript_is_blind_to_other_coders(session: Session, sample: Sample) -> None:
    with tx(session):
        add_coding(session, sample, "alice", "A", 5, "wages")
        add_coding(session, sample, "bob", "A", 5, "debt")
        add_coding(session, sample, "bob", "A", 1, "recruit")
    doc = next(d for d in queries.list_documents(session) if d.name == "A")
    tr = queries.load_transcript(session, doc, sample.coders["alice"])
    assert [s.ordinal for s in tr.segments] == list(range(1, 8))
    assert tr.segments[3].section == "Working conditions" and tr.segments[3].passage_ordinal == 2
    assert dict(tr.codings) == {sample.segments[("A", 5)]: frozenset({sample.codes["wages"]})}
    assert doc.attribute_line() == "M · Russia · logger"


def test_progress_and_resume_point(session: Session, sample: Sample) -> None:
    alice = sample.coders["alice"]
    assert queries.resume_point(session, alice) is None
    with tx(session):
        add_coding(session, sample, "alice", "A", 5, "wages")
        add_coding(session, sample, "alice", "A", 5, "debt")
        add_coding(session, sample, "alice", "B", 2, "confine")
        add_coding(session, sample, "bob", "minister", 1, "surveil")
    progress = queries.document_progress(session, alice)
    docs = sample.documents
    assert (progress[docs["A"]].coded, progress[docs["A"]].total) == (1, 7)
    assert (progress[docs["B"]].coded, progress[docs["minister"]].coded) == (1, 0)
    assert queries.resume_point(session, alice) == (docs["B"], 2)


def test_code_view_filters_by_coder_and_attribute(session: Session, sample: Sample) -> None:
    with tx(session):
        add_coding(session, sample, "alice", "A", 5, "wages")
        add_coding(session, sample, "bob", "A", 5, "wages")
        add_coding(session, sample, "bob", "B", 3, "wages")
    wages = sample.codes["wages"]
    rows = queries.code_view(session, wages)
    assert [(r.document, r.ordinal, r.coder) for r in rows] == [
        ("A", 5, "alice"),
        ("A", 5, "bob"),
        ("B", 3, "bob"),
    ]
    assert rows[0].attributes["country"] == "Russia" and rows[0].section == "Working conditions"
    own = queries.code_view(session, wages, coder_ids=[sample.coders["alice"]])
    assert [(r.document, r.coder) for r in own] == [("A", "alice")]
    china = queries.documents_with(queries.list_documents(session), "country", "china")
    assert [r.document for r in queries.code_view(session, wages, document_ids=china)] == ["B"]


def test_compare_document_shows_every_coder(session: Session, sample: Sample) -> None:
    with tx(session):
        add_coding(session, sample, "alice", "A", 5, "wages")
        add_coding(session, sample, "bob", "A", 5, "debt")
        add_coding(session, sample, "bob", "B", 1, "confine")
    cmp = queries.compare_document(session, sample.documents["A"])
    assert cmp == {
        sample.segments[("A", 5)]: {
            "alice": frozenset({sample.codes["wages"]}),
            "bob": frozenset({sample.codes["debt"]}),
        }
    }


def test_a_read_only_sqlite3_connection_reads_what_a_session_reads(sqlite_store: Store) -> None:
    """The TUI's first screen reads through the standard library; every query must agree."""
    with sqlite_store.sessions() as session:
        with session.begin():
            sample = fill_sample(session)
            add_coding(session, sample, "alice", "A", 5, "wages")
            add_coding(session, sample, "alice", "A", 5, "debt")
            add_coding(session, sample, "bob", "B", 3, "wages")
            ensure_project(session)
        conn = connect_read_only(Path(sqlite_store.url.removeprefix("sqlite:///")))
        try:
            alice, wages = sample.coders["alice"], sample.codes["wages"]
            for source_query in (
                queries.project_guid,
                queries.list_coders,
                queries.list_documents,
                queries.document_attributes,
                queries.codebook,
                lambda s: queries.find_coder(s, " bob "),
                lambda s: queries.document_progress(s, alice),
                lambda s: queries.resume_point(s, alice),
                lambda s: queries.code_view(s, wages),
                lambda s: queries.compare_document(s, sample.documents["A"]),
                lambda s: [
                    queries.load_transcript(s, doc, alice) for doc in queries.list_documents(s)
                ],
            ):
                through_session, through_sqlite3 = source_query(session), source_query(conn)
                assert through_session == through_sqlite3
                assert through_session not in (None, [], {})
        finally:
            conn.close()
