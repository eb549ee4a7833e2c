"""Narrowing a coding to the exact words of its segment that carry the code, and widening it back.

The coding keeps its segment (the unit agreement counts in); ``codings.start``/``end`` keep the
span in the document's text, which every export writes (``coding_start``/``coding_end`` in CSV,
the selection's own positions in ``.qdpx``). Each change is part of the caller's transaction and
appends a ``coding.narrow`` event naming the coding by GUID.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qcode.coding.roles import require_coder
from qcode.coding.sqlite_toggle import coding_event
from qcode.coding.types import CodeInfo, CoderRef, SegmentRef, Span, SpanOp
from qcode.errors import InputError, NotFoundError
from qcode.store.events import log_event
from qcode.store.models import Coding, Segment


def narrow_coding(
    session: Session, coder: CoderRef, segment: SegmentRef, code: CodeInfo, span: Span | None
) -> SpanOp | None:
    """Narrow this coder's ``code`` on ``segment`` to ``span`` (document offsets), or widen it (``None``).

    A span that covers the whole segment widens it. Returns ``None`` when nothing changed.

    Raises:
        NotFoundError: the coder has not applied the code to the segment.
        InputError: the span is empty or reaches outside the segment.
        RoleError: ``coder`` is a consensus coder.
    """
    require_coder(coder)
    row = _coding(session, coder, segment.id, code.id)
    if row is None:
        raise NotFoundError(f"{code.name} is not applied to segment {segment.ordinal} of {segment.document}")
    if span is not None:
        start, end = span
        if not row.seg_start <= start < end <= row.seg_end:
            raise InputError(
                f"span {start}–{end} is not inside segment {segment.ordinal} ({row.seg_start}–{row.seg_end})"
            )
        span = None if (start, end) == (row.seg_start, row.seg_end) else (start, end)
    before = None if row.start is None or row.end is None else (row.start, row.end)
    if before == span:
        return None
    return write_span(session, coder, SpanOp(segment, code.id, code.key, row.guid, before, span), None)


def replay_span(session: Session, coder: CoderRef, op: SpanOp, via: str) -> SpanOp | None:
    """Undo or redo a narrowing: set the coding's span to ``op.after`` if the coding is still there."""
    row = _coding(session, coder, op.segment.id, op.code_id)
    if row is None:
        return None
    current = None if row.start is None or row.end is None else (row.start, row.end)
    if current == op.after:
        return None
    return write_span(
        session, coder, SpanOp(op.segment, op.code_id, op.code_key, row.guid, current, op.after), via
    )


def write_span(session: Session, coder: CoderRef, op: SpanOp, via: str | None) -> SpanOp:
    """Store ``op.after`` on the coding and log it."""
    start, end = op.after if op.after is not None else (None, None)
    session.execute(update(Coding).where(Coding.guid == op.guid).values(start=start, end=end))
    action, payload = coding_event(coder, op, via)
    log_event(session, coder.name, action, **payload)
    return op


def _coding(session: Session, coder: CoderRef, segment_id: int, code_id: int) -> Any:
    return session.execute(
        select(
            Coding.guid,
            Coding.start,
            Coding.end,
            Segment.start.label("seg_start"),
            Segment.end.label("seg_end"),
        )
        .join(Segment, Segment.id == Coding.segment_id)
        .where(Coding.coder_id == coder.id, Coding.segment_id == segment_id, Coding.code_id == code_id)
    ).first()
