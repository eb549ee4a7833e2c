"""Carrying codings and memos over when a changed document is re-imported with ``--replace``.

:func:`detach` remembers a document's segment-level work and deletes its passages (and so,
by cascade, its segments, codings and segment memos); :func:`carry_over` puts that work back
on the new segments whose text matches (:func:`qcode.ingest.align.align_segments`) and returns
what it could not place, so the caller can report it: nothing is lost without a word.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qcode.store.models import Code, Coder, Coding, Memo, Passage, Segment

#: A coding moves to a new segment whose text matches at least this well (rapidfuzz ratio).
CARRY_THRESHOLD = 85.0


@dataclass(frozen=True)
class UnplacedCoding:
    """A coding (``code`` set) or segment memo (``code`` None) that no new segment matched."""

    document: str
    segment: int
    text: str
    code: str | None
    coder: str
    memo: str | None

    def as_json(self) -> dict[str, Any]:
        """The record as JSON-ready values (for the event log)."""
        return asdict(self)


@dataclass(frozen=True)
class _OldCoding:
    segment_id: int
    coder_id: int
    code_id: int
    memo: str | None
    guid: str
    created_at: datetime


@dataclass(frozen=True)
class _OldMemo:
    segment_id: int
    coder_id: int
    text: str
    guid: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class OldWork:
    """A document's segments (id → ordinal, text), codings and segment memos before replacement."""

    segments: dict[int, tuple[int, str]]
    codings: list[_OldCoding]
    memos: list[_OldMemo]


def detach(session: Session, doc_id: int) -> OldWork:
    """Remember a document's codings and memos, then delete its passages (and so its segments)."""
    segments = {
        sid: (ordinal, text)
        for sid, ordinal, text in session.execute(
            select(Segment.id, Segment.ordinal, Segment.text).where(Segment.document_id == doc_id)
        )
    }
    codings = [
        _OldCoding(*row)
        for row in session.execute(
            select(Coding.segment_id, Coding.coder_id, Coding.code_id, Coding.memo, Coding.guid,
                   Coding.created_at)
            .join(Segment, Segment.id == Coding.segment_id)
            .where(Segment.document_id == doc_id)
            .order_by(Coding.id)
        )
    ]
    memos = [
        _OldMemo(sid, coder_id, text, guid, created, updated)
        for sid, coder_id, text, guid, created, updated in session.execute(
            select(Memo.segment_id, Memo.coder_id, Memo.text, Memo.guid, Memo.created_at, Memo.updated_at)
            .join(Segment, Segment.id == Memo.segment_id)
            .where(Segment.document_id == doc_id)
            .order_by(Memo.id)
        )
        if sid is not None
    ]
    session.execute(delete(Passage).where(Passage.document_id == doc_id))
    return OldWork(segments, codings, memos)


def carry_over(session: Session, name: str, doc_id: int, old: OldWork) -> tuple[int, list[UnplacedCoding]]:
    """Re-attach ``old`` codings and memos to document ``doc_id``'s new segments.

    Two codings by one coder with one code that land on the same new segment become one
    coding whose memo keeps both memos. Returns (codings and memos placed, what was not placed).
    """
    from qcode.ingest.align import align_segments

    if not old.codings and not old.memos:
        return 0, []
    new = [
        (sid, text)
        for sid, text in session.execute(
            select(Segment.id, Segment.text).where(Segment.document_id == doc_id).order_by(Segment.ordinal)
        )
    ]
    used = {c.segment_id for c in old.codings} | {m.segment_id for m in old.memos}
    old_ids = sorted(used, key=lambda sid: old.segments[sid][0])
    mapping = align_segments(
        [(sid, old.segments[sid][1]) for sid in old_ids], new, threshold=CARRY_THRESHOLD
    )
    codes, coders = _names(session)
    unplaced: list[UnplacedCoding] = []
    codings: dict[tuple[int, int, int], dict[str, Any]] = {}
    for c in old.codings:
        target = mapping.get(c.segment_id)
        if target is None:
            ordinal, text = old.segments[c.segment_id]
            unplaced.append(UnplacedCoding(name, ordinal, text, codes[c.code_id], coders[c.coder_id], c.memo))
            continue
        key = (c.coder_id, target, c.code_id)
        if key in codings:
            codings[key]["memo"] = _join_memos(codings[key]["memo"], c.memo)
            continue
        codings[key] = {"guid": c.guid, "coder_id": c.coder_id, "segment_id": target, "code_id": c.code_id,
                        "memo": c.memo, "created_at": c.created_at}
    if codings:
        session.execute(insert(Coding), list(codings.values()))
    memos = []
    for m in old.memos:
        target = mapping.get(m.segment_id)
        if target is None:
            ordinal, text = old.segments[m.segment_id]
            unplaced.append(UnplacedCoding(name, ordinal, text, None, coders[m.coder_id], m.text))
            continue
        memos.append({"guid": m.guid, "coder_id": m.coder_id, "segment_id": target, "text": m.text,
                      "created_at": m.created_at, "updated_at": m.updated_at})
    if memos:
        session.execute(insert(Memo), memos)
    return len(codings) + len(memos), unplaced


def _join_memos(first: str | None, second: str | None) -> str | None:
    if not second or second == first:
        return first
    return f"{first}\n\n{second}" if first else second


def _names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    codes = {code_id: name for code_id, name in session.execute(select(Code.id, Code.name))}
    coders = {coder_id: name for coder_id, name in session.execute(select(Coder.id, Coder.name))}
    return codes, coders
