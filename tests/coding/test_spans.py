"""Narrowing a coding to part of its segment: stored, logged, checked, replayed, refused outside it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding import queries, service
from qcode.coding.spans import narrow_coding
from qcode.coding.types import CodeInfo, CoderRef, SegmentRef
from qcode.errors import InputError, NotFoundError
from qcode.project.log import describe
from qcode.store.check import check_project
from qcode.store.models import Coding, Event, Segment
from tests.coding.sample import Sample, tx


def _setup(session: Session, sample: Sample) -> tuple[CoderRef, CodeInfo, SegmentRef, int, int]:
    with tx(session):
        alice = service.ensure_coder(session, "alice")
    wages = next(c for c in queries.codebook(session) if c.key == "wages")
    seg = SegmentRef(sample.segments[("A", 5)], "A", 5)
    start, end = session.execute(select(Segment.start, Segment.end).where(Segment.id == seg.id)).one()
    return alice, wages, seg, start, end


def _stored(session: Session) -> tuple[int | None, int | None]:
    session.commit()
    row = session.execute(select(Coding.start, Coding.end)).one()
    return row.start, row.end


def test_narrowing_is_stored_logged_and_widening_takes_it_back(session: Session, sample: Sample) -> None:
    alice, wages, seg, start, end = _setup(session, sample)
    with tx(session):
        service.toggle_coding(session, alice, seg, wages)
    with tx(session):
        op = narrow_coding(session, alice, seg, wages, (start + 4, start + 9))
    assert op is not None and op.before is None and op.after == (start + 4, start + 9)
    assert _stored(session) == (start + 4, start + 9)
    with tx(session):
        assert narrow_coding(session, alice, seg, wages, (start + 4, start + 9)) is None  # unchanged
        widened = narrow_coding(session, alice, seg, wages, (start, end))  # the whole segment: widened
    assert widened is not None and widened.after is None and _stored(session) == (None, None)
    events = session.scalars(select(Event).where(Event.action == "coding.narrow").order_by(Event.id)).all()
    assert [(e.payload["start"], e.payload["end"]) for e in events] == [(start + 4, start + 9), (None, None)]
    assert describe("coding.narrow", events[0].payload).startswith("narrowed wages on A")
    assert check_project(session).problems == []


def test_undo_replays_narrowing_and_a_removed_coding_comes_back_narrowed(
    session: Session, sample: Sample
) -> None:
    alice, wages, seg, start, _end = _setup(session, sample)
    with tx(session):
        service.toggle_coding(session, alice, seg, wages)
        op = narrow_coding(session, alice, seg, wages, (start + 1, start + 3))
    assert op is not None
    with tx(session):
        service.apply_ops(session, alice, [op.inverse()], "undo")
    assert _stored(session) == (None, None)
    with tx(session):
        service.apply_ops(session, alice, [op], "redo")
        removed = service.toggle_coding(session, alice, seg, wages)
    assert removed.span == (start + 1, start + 3)
    with tx(session):
        service.apply_ops(session, alice, [removed.inverse()], "undo")
    assert _stored(session) == (start + 1, start + 3)
    assert check_project(session).problems == []


def test_spans_outside_the_segment_and_codes_not_applied_are_refused(
    session: Session, sample: Sample
) -> None:
    alice, wages, seg, start, end = _setup(session, sample)
    with pytest.raises(NotFoundError, match="not applied to segment 5 of A"), tx(session):
        narrow_coding(session, alice, seg, wages, (start, start + 2))
    with tx(session):
        service.toggle_coding(session, alice, seg, wages)
    for bad in ((start - 1, start + 2), (start + 3, start + 3), (end - 2, end + 1)):
        with pytest.raises(InputError, match="not inside segment 5"), tx(session):
            narrow_coding(session, alice, seg, wages, bad)
    assert _stored(session) == (None, None)
