"""The batched bulk import path and the carry-over details, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from qcode.ingest.service import document_summaries, import_transcripts, passage_texts
from qcode.ingest.types import ParsedPassage, ParsedTranscript
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Event, Passage, Segment


def _t(name: str, *passages: str, **attributes: str) -> ParsedTranscript:
    return ParsedTranscript(
        name=name,
        title=name,
        source_path=f"{name}.md",
        content_hash=hashlib.sha256("|".join(passages).encode()).hexdigest(),
        attributes=dict(attributes),
        passages=tuple(
            ParsedPassage(text=p, section=f"S{i}", source_lines=(i, i)) for i, p in enumerate(passages, 1)
        ),
    )


def _corpus(n: int) -> list[ParsedTranscript]:
    text = "Doc {} passage {} says one thing. Then another.\n\nA second paragraph."
    return [_t(f"doc{i:02d}", *(text.format(i, j) for j in range(i % 4))) for i in range(n)]


def test_many_batches_keep_exact_spans_ids_and_order(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import qcode.ingest.service as service

    monkeypatch.setattr(service, "BATCH_PASSAGES", 3)
    corpus = _corpus(13)
    done: list[int] = []
    with transaction(store.sessions) as session:
        report = import_transcripts(session, corpus, progress=done.append)
    assert report.imported == [t.name for t in corpus]
    assert sum(done) == sum(len(t.passages) for t in corpus) and len(done) > 3
    with store.sessions() as session:
        texts = {d.id: (d.name, d.text) for d in session.scalars(select(Document))}
        passages = {p.id: p for p in session.scalars(select(Passage))}
        segments = session.scalars(select(Segment).order_by(Segment.document_id, Segment.ordinal)).all()
        assert len(segments) == report.segments == 3 * sum(len(t.passages) for t in corpus)
        for seg in segments:
            passage = passages[seg.passage_id]
            assert passage.document_id == seg.document_id
            assert passage.start <= seg.start < seg.end <= passage.end
            assert texts[seg.document_id][1][seg.start : seg.end] == seg.text
        for doc_id in texts:
            ordinals = [s.ordinal for s in segments if s.document_id == doc_id]
            assert ordinals == list(range(1, len(ordinals) + 1))
        assert session.scalar(select(func.count()).select_from(Event)) == len(corpus)
        stored = passage_texts(session)
    by_name = {t.name: t for t in corpus}
    assert [p.key for p in stored] == [(t.name, j) for t in corpus for j in range(1, len(t.passages) + 1)]
    for p in stored:
        assert p.text == by_name[p.document].passages[p.passage - 1].text
        assert p.lines == f"{p.passage}-{p.passage}" and p.section == f"S{p.passage}"


def test_new_and_replaced_documents_in_one_batch(store: Store) -> None:
    with transaction(store.sessions) as session:
        import_transcripts(session, [_t("A", "First. Second."), _t("B", "Other words here.")])
    with transaction(store.sessions) as session:
        report = import_transcripts(
            session,
            [_t("A", "First. Second. Third."), _t("B", "Other words here."), _t("C", "New.")],
            replace=True,
        )
    assert (report.imported, report.replaced, report.skipped) == (["C"], ["A"], ["B"])
    with store.sessions() as session:
        a = session.scalars(select(Document).where(Document.name == "A")).one()
        segs = session.scalars(
            select(Segment.text).where(Segment.document_id == a.id).order_by(Segment.ordinal)
        )
        assert list(segs) == ["First.", "Second.", "Third."]
        assert (
            session.scalar(select(func.count()).select_from(Passage).where(Passage.document_id == a.id)) == 1
        )


def test_codings_landing_on_one_segment_merge_their_memos_and_keep_their_time(store: Store) -> None:
    """Two sentences joined into one: their codings (one coder, one code) become one, memos kept."""
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    with transaction(store.sessions) as session:
        import_transcripts(session, [_t("A", "Yes. We left at night. All of us.")])
        coder, code = Coder(name="ana"), Code(key="leave", name="leave")
        session.add_all([coder, code])
        session.flush()
        later = select(Segment.id).where(Segment.ordinal > 1).order_by(Segment.ordinal)
        joined = session.scalars(later).all()
        for seg_id, memo in zip(joined, ("at night", "everyone"), strict=True):
            session.add(
                Coding(coder_id=coder.id, segment_id=seg_id, code_id=code.id, memo=memo, created_at=when)
            )
    with transaction(store.sessions) as session:
        report = import_transcripts(session, [_t("A", "Yes. We left at night, all of us.")], replace=True)
    assert report.unplaced == [] and (report.carried, report.moved, report.merged) == (1, 1, 1)
    with store.sessions() as session:
        coding = session.scalars(select(Coding)).one()
        assert coding.memo == "at night\n\neveryone" and coding.created_at == when
        text = session.scalar(select(Segment.text).where(Segment.id == coding.segment_id))
        assert text == "We left at night, all of us."


def test_a_coding_on_a_deleted_repeat_is_not_placed_on_the_other_occurrence(store: Store) -> None:
    with transaction(store.sessions) as session:
        import_transcripts(session, [_t("A", "Yes. We left at night. Yes.")])
        coder, code = Coder(name="ana"), Code(key="agree", name="agree")
        session.add_all([coder, code])
        session.flush()
        last = session.scalars(select(Segment.id).where(Segment.ordinal == 3)).one()
        session.add(Coding(coder_id=coder.id, segment_id=last, code_id=code.id, memo="second yes"))
    with transaction(store.sessions) as session:
        report = import_transcripts(session, [_t("A", "Yes. We left at night, all of us.")], replace=True)
    assert report.carried == 0 and report.merged == 0
    assert [(u.segment, u.code, u.memo) for u in report.unplaced] == [(3, "agree", "second yes")]


def test_document_attributes_share_one_set_of_keys(store: Store) -> None:
    with transaction(store.sessions) as session:
        import_transcripts(
            session,
            [
                _t("b", "Text.", role="pastor"),
                _t("A", "Text two.", gender="Male", note="n"),
                _t("C", "Three."),
            ],
        )
    with store.sessions() as session:
        docs = document_summaries(session)
    assert [d.name for d in docs] == ["A", "C", "b"]
    assert {tuple(d.attributes) for d in docs} == {("gender", "note", "role")}
    assert docs[2].attributes == {"gender": "", "note": "", "role": "pastor"}
