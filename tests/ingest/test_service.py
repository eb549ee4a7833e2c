"""Importing transcripts into a project, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from qcode.errors import ConflictError, InputError
from qcode.ingest.service import document_summaries, import_transcripts
from qcode.ingest.types import ParsedPassage, ParsedTranscript
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Event, Memo, Passage, Segment

P1 = "We worked from 7 a.m. to 10 p.m. every day. Nobody could refuse."
P2 = "They paid $1,000 to the manager. Then he let us go out.\n\nWe sent money home once a year."


def _t(name: str, *passages: str, **attributes: str) -> ParsedTranscript:
    body = "|".join(passages).encode()
    return ParsedTranscript(
        name=name,
        title=f"Interviewee {name}",
        source_path=f"{name}.md",
        content_hash=hashlib.sha256(body).hexdigest(),
        attributes=dict(attributes),
        passages=tuple(
            ParsedPassage(text=p, section="Hours › Overtime", source_lines=(10, 12)) for p in passages
        ),
    )


def _count(store: Store, model: type[object]) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_keeps_exact_spans_and_attributes(store: Store) -> None:
    with transaction(store.sessions) as session:
        report = import_transcripts(session, [_t("A", P1, P2, gender="Male", country="Russia")])
    assert report.imported == ["A"] and report.segments >= 5
    with store.sessions() as session:
        doc = session.scalars(select(Document)).one()
        assert doc.attributes == {"gender": "Male", "country": "Russia"}
        passages = session.scalars(select(Passage).order_by(Passage.ordinal)).all()
        assert [doc.text[p.start : p.end] for p in passages] == [P1, P2]
        assert passages[0].section == "Hours › Overtime" and passages[0].source_lines == "10-12"
        segments = session.scalars(select(Segment).order_by(Segment.ordinal)).all()
        assert [s.ordinal for s in segments] == list(range(1, len(segments) + 1))
        for seg in segments:
            assert doc.text[seg.start : seg.end] == seg.text
        assert segments[0].text == "We worked from 7 a.m. to 10 p.m. every day."
        events = session.scalars(select(Event.action)).all()
        assert events == ["document.import"]


def test_reimport_of_same_content_adds_nothing(store: Store) -> None:
    for _ in range(2):
        with transaction(store.sessions) as session:
            report = import_transcripts(session, [_t("A", P1)])
    assert report.skipped == ["A"] and report.imported == []
    assert _count(store, Document) == 1
    assert _count(store, Segment) == 2


def test_changed_file_is_refused_without_replace(store: Store) -> None:
    with transaction(store.sessions) as session:
        import_transcripts(session, [_t("A", P1)])
    with pytest.raises(ConflictError, match="--replace"), transaction(store.sessions) as session:
        import_transcripts(session, [_t("B", P2), _t("A", P1 + " More.")])
    assert _count(store, Document) == 1
    assert _count(store, Segment) == 2


def test_import_is_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import qcode.ingest.service as service

    real = service._write_document
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_write_document", failing)
    with pytest.raises(RuntimeError), transaction(store.sessions) as session:
        import_transcripts(session, [_t("A", P1), _t("B", P2)])
    assert _count(store, Document) == 0
    assert _count(store, Event) == 0


def test_duplicate_names_in_one_run_are_an_input_error(store: Store) -> None:
    with pytest.raises(InputError, match="'A' also comes from"), transaction(store.sessions) as session:
        import_transcripts(session, [_t("A", P1), replace(_t("A", P2), source_path="other/A.md")])
    assert _count(store, Document) == 0


def test_replace_carries_codings_and_reports_what_it_cannot_place(store: Store) -> None:
    with transaction(store.sessions) as session:
        import_transcripts(session, [_t("A", P1, P2)])
        coder, code = Coder(name="ana"), Code(key="hours", name="hours")
        session.add_all([coder, code])
        session.flush()
        segs = session.scalars(select(Segment).order_by(Segment.ordinal)).all()
        by_text = {s.text: s.id for s in segs}
        for text in (
            "Nobody could refuse.",
            "They paid $1,000 to the manager.",
            "We sent money home once a year.",
        ):
            session.add(Coding(coder_id=coder.id, segment_id=by_text[text], code_id=code.id, memo="m"))
        session.add(Memo(coder_id=coder.id, segment_id=by_text["Nobody could refuse."], text="key quote"))
    changed = _t(
        "A",
        "A new opening sentence. " + P1,
        "They paid $1,000 to the managers. Then he let us go out.",  # small edit; money sentence removed
    )
    with transaction(store.sessions) as session:
        report = import_transcripts(session, [changed], replace=True)
    assert report.replaced == ["A"]
    assert report.carried == 3  # two codings and the memo
    assert [(u.code, u.text) for u in report.unplaced] == [("hours", "We sent money home once a year.")]
    with store.sessions() as session:
        coded = session.scalars(
            select(Segment.text).join(Coding, Coding.segment_id == Segment.id).order_by(Segment.ordinal)
        ).all()
        assert coded == ["Nobody could refuse.", "They paid $1,000 to the managers."]
        memo_target = session.scalar(select(Segment.text).join(Memo, Memo.segment_id == Segment.id))
        assert memo_target == "Nobody could refuse."
        assert "document.replace" in session.scalars(select(Event.action)).all()


def test_document_summaries_count_words(store: Store) -> None:
    with transaction(store.sessions) as session:
        import_transcripts(session, [_t("B", P2, gender="Female"), _t("empty")])
    with store.sessions() as session:
        docs = document_summaries(session)
    assert [(d.name, d.passages, d.words) for d in docs] == [("B", 1, len(P2.split())), ("empty", 0, 0)]
    assert docs[0].attributes == {"gender": "Female"}
