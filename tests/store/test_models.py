"""The schema on both backends: constraints, cascades, the span rule, the event log."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from qcode.store.engine import transaction
from qcode.store.events import log_event
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Event, Memo, Passage, Segment

TEXT = "I worked 16 hours a day. We were watched."


def _seed(session: Session) -> tuple[Document, Segment, Segment, Coder, Code]:
    doc = Document(name="A", content_hash="h" * 64, text=TEXT, attributes={"gender": "Male"})
    passage = Passage(document=doc, ordinal=1, start=0, end=len(TEXT), section="Hours")
    session.add_all([doc, passage])
    session.flush()
    s1 = Segment(document=doc, passage_id=passage.id, ordinal=1, start=0, end=23, text=TEXT[0:23])
    s2 = Segment(document=doc, passage_id=passage.id, ordinal=2, start=24, end=len(TEXT), text=TEXT[24:])
    coder = Coder(name="ana")
    code = Code(key="hours", name="hours", hotkey="h", keywords=["overtime"])
    session.add_all([s1, s2, coder, code])
    session.flush()
    return doc, s1, s2, coder, code


def test_round_trip_keeps_attributes_and_span(store: Store) -> None:
    with transaction(store.sessions) as session:
        _seed(session)
    with store.sessions() as session:
        doc = session.scalars(select(Document)).one()
        assert doc.attributes == {"gender": "Male"}
        assert doc.created_at.tzinfo is not None
        assert len(doc.guid) == 36
        for seg in doc.segments:
            assert doc.text[seg.start : seg.end] == seg.text


def test_coding_is_unique_per_coder_segment_code(store: Store) -> None:
    with transaction(store.sessions) as session:
        _, s1, _, coder, code = _seed(session)
        session.add(Coding(coder_id=coder.id, segment_id=s1.id, code_id=code.id))
    with pytest.raises(IntegrityError), transaction(store.sessions) as session:
        session.add(Coding(coder_id=coder.id, segment_id=s1.id, code_id=code.id))
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 1


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), transaction(store.sessions) as session:
        session.add(Coding(coder_id=999, segment_id=999, code_id=999))


def test_span_check_refuses_empty_or_negative_segments(store: Store) -> None:
    with transaction(store.sessions) as session:
        doc, s1, *_ = _seed(session)
        doc_id, passage_id = doc.id, s1.passage_id
    with pytest.raises(IntegrityError), transaction(store.sessions) as session:
        session.add(Segment(document_id=doc_id, passage_id=passage_id, ordinal=9, start=5, end=5, text=""))


def test_deleting_a_document_cascades_to_passages_segments_codings_memos(store: Store) -> None:
    with transaction(store.sessions) as session:
        _doc, s1, _, coder, code = _seed(session)
        session.add(Coding(coder_id=coder.id, segment_id=s1.id, code_id=code.id))
        session.add(Memo(coder_id=coder.id, segment_id=s1.id, text="check date"))
    with transaction(store.sessions) as session:
        session.execute(delete(Document))
    with store.sessions() as session:
        for model in (Passage, Segment, Coding, Memo):
            assert session.scalar(select(func.count()).select_from(model)) == 0
        assert session.scalar(select(func.count()).select_from(Coder)) == 1


def test_deleting_a_coder_drops_their_codings_only(store: Store) -> None:
    with transaction(store.sessions) as session:
        _, s1, s2, coder, code = _seed(session)
        other = Coder(name="ben")
        session.add(other)
        session.flush()
        session.add_all(
            [
                Coding(coder_id=coder.id, segment_id=s1.id, code_id=code.id),
                Coding(coder_id=other.id, segment_id=s2.id, code_id=code.id),
            ]
        )
    with transaction(store.sessions) as session:
        session.execute(delete(Coder).where(Coder.name == "ana"))
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 1


def test_a_parent_code_with_children_cannot_be_deleted(store: Store) -> None:
    with transaction(store.sessions) as session:
        parent = Code(key="money", name="money")
        session.add(parent)
        session.flush()
        session.add(Code(key="bribery", name="bribery", parent_id=parent.id))
    with pytest.raises(IntegrityError), transaction(store.sessions) as session:
        session.execute(delete(Code).where(Code.key == "money"))


def test_memo_needs_exactly_one_target(store: Store) -> None:
    with transaction(store.sessions) as session:
        _, s1, _, coder, code = _seed(session)
        ids = (coder.id, s1.id, code.id)
    with pytest.raises(IntegrityError), transaction(store.sessions) as session:
        session.add(Memo(coder_id=ids[0], segment_id=ids[1], code_id=ids[2], text="two targets"))


def test_event_log_is_append_only(store: Store) -> None:
    with transaction(store.sessions) as session:
        log_event(session, "ana", "coding.add", code="hours", segment=["A", 1])
    with store.sessions() as session:
        event = session.scalars(select(Event)).one()
        assert (event.actor, event.action, event.payload) == (
            "ana",
            "coding.add",
            {"code": "hours", "segment": ["A", 1]},
        )
    for stmt in (update(Event).values(actor="mallory"), delete(Event)):
        with pytest.raises(DBAPIError, match="append-only"), transaction(store.sessions) as session:
            session.execute(stmt)
    with store.sessions() as session:
        assert session.scalars(select(Event.actor)).all() == ["ana"]


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
