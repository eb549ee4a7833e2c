"""Writes: toggles, ranges, memos, undo replay, coders, and the flat codings table."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.coding import queries, service
from qcode.coding.types import CodeInfo, CoderRef, SegmentRef
from qcode.store.models import Coding, Event, Memo
from tests.coding.sample import Sample, tx


def _code(session: Session, key: str) -> CodeInfo:
    return next(c for c in queries.codebook(session) if c.key == key)


def _seg(sample: Sample, doc: str, ordinal: int) -> SegmentRef:
    return SegmentRef(sample.segments[(doc, ordinal)], doc, ordinal)


def _alice(session: Session) -> CoderRef:
    with tx(session):
        return service.ensure_coder(session, "alice")


def _events(session: Session, action: str) -> list[dict[str, object]]:
    return [
        dict(p)
        for p in session.scalars(select(Event.payload).where(Event.action == action).order_by(Event.id))
    ]


def test_ensure_coder_creates_once_and_logs(session: Session, sample: Sample) -> None:
    with tx(session):
        carol = service.ensure_coder(session, " carol ")
        again = service.ensure_coder(session, "carol")
    assert carol == again and carol.name == "carol"
    assert [e["name"] for e in _events(session, "coder.add")] == ["carol"]
    assert [c.name for c in queries.list_coders(session)] == ["alice", "bob", "carol"]


def test_toggle_adds_then_removes_with_events_naming_no_row_ids(session: Session, sample: Sample) -> None:
    alice, wages, seg = _alice(session), _code(session, "wages"), _seg(sample, "A", 5)
    with tx(session):
        added = service.toggle_coding(session, alice, seg, wages)
    assert added.added and session.scalar(select(func.count()).select_from(Coding)) == 1
    with tx(session):
        removed = service.toggle_coding(session, alice, seg, wages)
    assert not removed.added and removed.guid == added.guid
    assert session.scalar(select(func.count()).select_from(Coding)) == 0
    add_event = _events(session, "coding.add")[0]
    assert add_event == {
        "coding": added.guid,
        "coder": "alice",
        "code": "wages",
        "document": "A",
        "segment": 5,
    }
    assert _events(session, "coding.remove")[0]["coding"] == added.guid


def test_set_codings_applies_and_removes_a_range(session: Session, sample: Sample) -> None:
    alice, hours = _alice(session), _code(session, "hours")
    segs = [_seg(sample, "A", i) for i in (4, 5, 6)]
    with tx(session):
        service.toggle_coding(session, alice, segs[1], hours)
        ops = service.set_codings(session, alice, segs, hours, present=True)
    assert [op.segment.ordinal for op in ops] == [4, 6]
    with tx(session):
        ops = service.set_codings(session, alice, segs, hours, present=False)
    assert [op.segment.ordinal for op in ops] == [4, 5, 6] and not any(op.added for op in ops)
    assert session.scalar(select(func.count()).select_from(Coding)) == 0


def test_memo_set_update_delete(session: Session, sample: Sample) -> None:
    alice, seg = _alice(session), _seg(sample, "B", 2)
    with tx(session):
        first = service.set_segment_memo(session, alice, seg, "  passports kept  ")
        same = service.set_segment_memo(session, alice, seg, "passports kept")
        second = service.set_segment_memo(session, alice, seg, "passports kept by manager")
    assert first is not None and first.before is None and first.after == "passports kept"
    assert same is None
    assert second is not None and second.before == "passports kept" and second.guid == first.guid
    assert session.scalars(select(Memo.text)).all() == ["passports kept by manager"]
    with tx(session):
        gone = service.set_segment_memo(session, alice, seg, "")
    assert gone is not None and gone.after is None
    assert session.scalar(select(func.count()).select_from(Memo)) == 0
    assert [e["text"] for e in _events(session, "memo.set")] == [
        "passports kept",
        "passports kept by manager",
    ]
    assert _events(session, "memo.delete")[0]["memo"] == first.guid


def test_apply_ops_undoes_and_redoes_exactly(session: Session, sample: Sample) -> None:
    alice, debt, seg = _alice(session), _code(session, "debt"), _seg(sample, "A", 6)
    with tx(session):
        added = service.toggle_coding(session, alice, seg, debt)
        memo = service.set_segment_memo(session, alice, seg, "owed to the recruiter")
    assert memo is not None
    with tx(session):
        undone = service.apply_ops(session, alice, [memo.inverse(), added.inverse()], via="undo")
    assert len(undone) == 2
    assert session.scalar(select(func.count()).select_from(Coding)) == 0
    with tx(session):
        redone = service.apply_ops(session, alice, [added, memo], via="redo")
        again = service.apply_ops(session, alice, [added], via="redo")
    assert len(redone) == 2 and again == []
    assert session.scalars(select(Coding.guid)).all() == [added.guid]
    assert session.scalars(select(Memo.guid)).all() == [memo.guid]
    assert _events(session, "coding.remove")[0]["via"] == "undo"


def test_codings_table_filters_by_coder_and_code(session: Session, sample: Sample) -> None:
    with tx(session):
        alice = service.ensure_coder(session, "alice")
        bob = service.ensure_coder(session, "bob")
        wages, debt = _code(session, "wages"), _code(session, "debt")
        service.toggle_coding(session, alice, _seg(sample, "A", 5), wages)
        service.toggle_coding(session, bob, _seg(sample, "A", 5), debt)
        service.toggle_coding(session, bob, _seg(sample, "B", 3), wages)
    rows = service.codings_table(session)
    assert [(r.document, r.segment_ordinal, r.code_key, r.coder) for r in rows] == [
        ("A", 5, "debt", "bob"),
        ("A", 5, "wages", "alice"),
        ("B", 3, "wages", "bob"),
    ]
    assert (
        rows[0].passage_ordinal == 2 and rows[0].code_name == "Debt" and rows[0].created_at.tzinfo is not None
    )
    assert [r.coder for r in service.codings_table(session, coder_names=["bob"], code_keys=["wages"])] == [
        "bob"
    ]
