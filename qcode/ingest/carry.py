"""Carrying codings and memos over when a changed document is re-imported with ``--replace``.

:func:`detach` remembers a document's segment-level work and deletes its passages (and so,
by cascade, its segments, codings and segment memos); :func:`carry_over` puts that work back
on the new segments the old ones align with (:func:`qcode.ingest.align.align_segments`, by
position and text) and counts what stayed, what moved, what merged and what it could not place,
so the caller can report it: nothing is lost or joined without a word.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qcode.store.models import Code, Coder, Coding, Memo, Passage, Segment

if TYPE_CHECKING:
    from qcode.ingest.align import Placement

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
class Carried:
    """What a replacement did with a document's codings and segment memos, each counted once.

    ``unchanged`` stayed on the same sentence; ``moved`` went to the same text elsewhere or to an
    edited sentence; ``merged`` joined a coding (same coder and code) or memo (same coder) already
    placed on the same new segment, their memos kept together; ``unplaced`` found no segment.
    """

    unchanged: int = 0
    moved: int = 0
    merged: int = 0
    unplaced: tuple[UnplacedCoding, ...] = ()

    @property
    def placed(self) -> int:
        """Codings and memos now on a new segment of their own."""
        return self.unchanged + self.moved


@dataclass(frozen=True)
class _OldCoding:
    segment_id: int
    coder_id: int
    code_id: int
    memo: str | None
    guid: str
    created_at: datetime
    start: int | None
    end: int | None
    selection: str | None


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
    """A document's segments (id → ordinal, text, start), codings and segment memos before replacement."""

    segments: dict[int, tuple[int, str, int]]
    codings: list[_OldCoding]
    memos: list[_OldMemo]


def detach(session: Session, doc_id: int) -> OldWork:
    """Remember a document's codings and memos, then delete its passages (and so its segments)."""
    rows = session.execute(
        select(Segment.id, Segment.ordinal, Segment.text, Segment.start).where(Segment.document_id == doc_id)
    )
    segments = {sid: (ordinal, text, start) for sid, ordinal, text, start in rows}
    codings = [
        _OldCoding(*row)
        for row in session.execute(
            select(
                Coding.segment_id, Coding.coder_id, Coding.code_id, Coding.memo, Coding.guid,
                Coding.created_at, Coding.start, Coding.end, Coding.selection,
            )
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


@dataclass
class _Tally:
    unchanged: int = 0
    moved: int = 0
    merged: int = 0

    def count(self, placement: Placement) -> None:
        if placement.how == "same":
            self.unchanged += 1
        else:
            self.moved += 1


def carry_over(session: Session, name: str, doc_id: int, old: OldWork) -> Carried:
    """Re-attach ``old`` codings and memos to document ``doc_id``'s new segments.

    The whole old document is aligned with the new one, so a coding on the second of two
    identical sentences stays on the second. Two codings by one coder with one code that land on
    one new segment become one coding keeping both memos (two memos of one coder, one memo): each
    such join is counted as merged.
    """
    from qcode.ingest.align import align_segments

    if not old.codings and not old.memos:
        return Carried()
    rows = session.execute(
        select(Segment.id, Segment.text, Segment.start)
        .where(Segment.document_id == doc_id)
        .order_by(Segment.ordinal)
    )
    new = {sid: (text, start) for sid, text, start in rows}
    in_order = sorted(old.segments, key=lambda sid: old.segments[sid][0])
    mapping = align_segments(
        [(sid, old.segments[sid][1]) for sid in in_order],
        [(sid, text) for sid, (text, _) in new.items()],
        threshold=CARRY_THRESHOLD,
    )
    codes, coders = _names(session)
    tally, unplaced = _Tally(), []
    codings: dict[tuple[int, int, int], dict[str, Any]] = {}
    for c in old.codings:
        placement = mapping.get(c.segment_id)
        if placement is None:
            ordinal, text, _ = old.segments[c.segment_id]
            unplaced.append(UnplacedCoding(name, ordinal, text, codes[c.code_id], coders[c.coder_id], c.memo))
            continue
        key = (c.coder_id, placement.new_id, c.code_id)
        if key in codings:
            codings[key]["memo"] = _join_memos(codings[key]["memo"], c.memo)
            tally.merged += 1
            continue
        tally.count(placement)
        span = _span(c, old.segments[c.segment_id], new[placement.new_id])
        codings[key] = {
            "guid": c.guid, "coder_id": c.coder_id, "segment_id": placement.new_id, "code_id": c.code_id,
            "memo": c.memo, "created_at": c.created_at, "selection": c.selection, **span,
        }
    if codings:
        session.execute(insert(Coding), list(codings.values()))
    memos: dict[tuple[int, int], dict[str, Any]] = {}
    for m in old.memos:
        placement = mapping.get(m.segment_id)
        if placement is None:
            ordinal, text, _ = old.segments[m.segment_id]
            unplaced.append(UnplacedCoding(name, ordinal, text, None, coders[m.coder_id], m.text))
            continue
        mkey = (m.coder_id, placement.new_id)
        if mkey in memos:  # one memo per coder and segment
            memos[mkey]["text"] = _join_memos(memos[mkey]["text"], m.text)
            tally.merged += 1
            continue
        tally.count(placement)
        memos[mkey] = {
            "guid": m.guid, "coder_id": m.coder_id, "segment_id": placement.new_id, "text": m.text,
            "created_at": m.created_at, "updated_at": m.updated_at,
        }
    if memos:
        session.execute(insert(Memo), list(memos.values()))
    return Carried(tally.unchanged, tally.moved, tally.merged, tuple(unplaced))


def _span(c: _OldCoding, old_seg: tuple[int, str, int], new_seg: tuple[str, int]) -> dict[str, int | None]:
    """An exact span moves with its sentence when the text is the same; on edited text it becomes
    the whole segment (its characters may no longer be there)."""
    if c.start is None or c.end is None or old_seg[1] != new_seg[0]:
        return {"start": None, "end": None}
    shift = new_seg[1] - old_seg[2]
    return {"start": c.start + shift, "end": c.end + shift}


def _join_memos(first: str | None, second: str | None) -> str | None:
    if not second or second == first:
        return first
    return f"{first}\n\n{second}" if first else second


def _names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    codes = {code_id: name for code_id, name in session.execute(select(Code.id, Code.name))}
    coders = {coder_id: name for coder_id, name in session.execute(select(Coder.id, Coder.name))}
    return codes, coders
