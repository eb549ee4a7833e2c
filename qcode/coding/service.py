"""Applying and removing codes and memos: each call is part of the caller's one short transaction.

Every change appends an event naming entities by GUID, code key, coder name and document name +
segment ordinal (never row ids). Hot paths use Core statements: a toggle is one DELETE … RETURNING
and, when nothing was deleted, one INSERT, plus the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from qcode.coding.queries import find_coder
from qcode.coding.roles import MAX_CODER_NAME, coder_name_problem, require_coder
from qcode.coding.spans import replay_span
from qcode.coding.sqlite_toggle import coding_event
from qcode.coding.types import CodeInfo, CoderRef, CodingOp, CodingRow, MemoOp, Op, SegmentRef, Span, SpanOp
from qcode.errors import InputError
from qcode.store.base import new_guid, utcnow
from qcode.store.events import log_event
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment

__all__ = [
    "apply_ops",
    "codings_table",
    "ensure_coder",
    "set_codings",
    "set_segment_memo",
    "toggle_coding",
]


def ensure_coder(session: Session, name: str) -> CoderRef:
    """The coder called ``name``, created (with a ``coder.add`` event) if new.

    Raises:
        InputError: the name is empty or longer than 200 characters.
    """
    name = name.strip()
    if coder_name_problem(name) is not None:
        raise InputError(f"coder name must be 1–{MAX_CODER_NAME} characters, got {name!r}")
    existing = find_coder(session, name)
    if existing is not None:
        return existing
    guid = new_guid()
    coder_id = session.execute(
        insert(Coder).values(guid=guid, name=name, role="coder", created_at=utcnow()).returning(Coder.id)
    ).scalar_one()
    log_event(session, name, "coder.add", coder=guid, name=name)
    return CoderRef(coder_id, guid, name)


def _log_coding(session: Session, coder: CoderRef, op: CodingOp, via: str | None) -> None:
    action, payload = coding_event(coder, op, via)
    log_event(session, coder.name, action, **payload)


# Hot-path statements, built once: constructing a statement costs more than running it on SQLite.
_CODINGS = cast(Table, Coding.__table__)
_INSERT_CODING = insert(_CODINGS)
_DELETE_CODING = (
    delete(_CODINGS)
    .where(
        _CODINGS.c.coder_id == bindparam("coder"),
        _CODINGS.c.segment_id == bindparam("segment"),
        _CODINGS.c.code_id == bindparam("code"),
    )
    .returning(_CODINGS.c.guid, _CODINGS.c.memo, _CODINGS.c.start, _CODINGS.c.end)
)


def _insert_coding(
    session: Session,
    coder: CoderRef,
    segment: SegmentRef,
    code_id: int,
    guid: str,
    memo: str | None,
    span: Span | None = None,
) -> None:
    session.connection().execute(
        _INSERT_CODING,
        {
            "guid": guid,
            "coder_id": coder.id,
            "segment_id": segment.id,
            "code_id": code_id,
            "memo": memo,
            "created_at": utcnow(),
            "start": span[0] if span else None,
            "end": span[1] if span else None,
        },
    )


def _delete_coding(
    session: Session, coder: CoderRef, segment_id: int, code_id: int
) -> tuple[str, str | None, Span | None] | None:
    """Delete the coding; its GUID, memo and own span (so undo can bring it back exactly)."""
    row = (
        session.connection()
        .execute(_DELETE_CODING, {"coder": coder.id, "segment": segment_id, "code": code_id})
        .first()
    )
    if row is None:
        return None
    return row.guid, row.memo, None if row.start is None or row.end is None else (row.start, row.end)


def toggle_coding(
    session: Session, coder: CoderRef, segment: SegmentRef, code: CodeInfo, via: str | None = None
) -> CodingOp:
    """Remove ``code`` from the segment if this coder applied it, else apply it; returns what was done.

    ``via`` says in the event how it was done, if not by the code's key (``"suggestion"``).

    Raises:
        RoleError: ``coder`` is a consensus coder (as in every function here that writes).
    """
    require_coder(coder)
    removed = _delete_coding(session, coder, segment.id, code.id)
    if removed is not None:
        op = CodingOp(segment, code.id, code.key, False, *removed)
    else:
        op = CodingOp(segment, code.id, code.key, True, new_guid())
        _insert_coding(session, coder, segment, code.id, op.guid, None)
    _log_coding(session, coder, op, via)
    return op


def set_codings(
    session: Session, coder: CoderRef, segments: Sequence[SegmentRef], code: CodeInfo, present: bool
) -> list[CodingOp]:
    """Apply (``present``) or remove ``code`` on every segment given; returns only real changes."""
    require_coder(coder)
    ids = [s.id for s in segments]
    existing = {
        r.segment_id: (r.guid, r.memo, None if r.start is None or r.end is None else (r.start, r.end))
        for r in session.execute(
            select(Coding.segment_id, Coding.guid, Coding.memo, Coding.start, Coding.end).where(
                Coding.coder_id == coder.id, Coding.code_id == code.id, Coding.segment_id.in_(ids)
            )
        )
    }
    ops: list[CodingOp] = []
    for seg in segments:
        if present and seg.id not in existing:
            op = CodingOp(seg, code.id, code.key, True, new_guid())
            _insert_coding(session, coder, seg, code.id, op.guid, None)
        elif not present and seg.id in existing:
            _delete_coding(session, coder, seg.id, code.id)
            op = CodingOp(seg, code.id, code.key, False, *existing.pop(seg.id))
        else:
            continue
        _log_coding(session, coder, op, None)
        ops.append(op)
    return ops


def _memo_row(session: Session, coder: CoderRef, segment_id: int) -> Any:
    return session.execute(
        select(Memo.id, Memo.guid, Memo.text)
        .where(Memo.coder_id == coder.id, Memo.segment_id == segment_id)
        .order_by(Memo.id)
        .limit(1)
    ).first()


def _upsert_memo(session: Session, coder: CoderRef, segment_id: int, guid: str, text: str) -> str:
    """Insert the memo, or update it where this coder already has one on the segment; its GUID.

    One statement (``ON CONFLICT … DO UPDATE``) on both backends, relying on the schema's one memo
    per coder and segment: when the same coder saves from two sessions at once on PostgreSQL, the
    second waits for the first and then updates its memo instead of failing on the constraint.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    now = utcnow()
    stmt = dialect.insert(Memo).values(
        guid=guid, coder_id=coder.id, segment_id=segment_id, text=text, created_at=now, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Memo.coder_id, Memo.segment_id],
        set_={"text": stmt.excluded.text, "updated_at": stmt.excluded.updated_at},
    ).returning(Memo.guid)
    return str(session.execute(stmt).scalar_one())


def _write_memo(session: Session, coder: CoderRef, op: MemoOp, via: str | None) -> MemoOp:
    if op.after is None:
        session.execute(delete(Memo).where(Memo.coder_id == coder.id, Memo.segment_id == op.segment.id))
    else:
        guid = _upsert_memo(session, coder, op.segment.id, op.guid, op.after)
        op = op if guid == op.guid else MemoOp(op.segment, op.before, op.after, guid)
    payload: dict[str, Any] = {
        "memo": op.guid,
        "coder": coder.name,
        "document": op.segment.document,
        "segment": op.segment.ordinal,
    }
    if op.after is not None:
        payload["text"] = op.after
    if via:
        payload["via"] = via
    log_event(session, coder.name, "memo.delete" if op.after is None else "memo.set", **payload)
    return op


def set_segment_memo(session: Session, coder: CoderRef, segment: SegmentRef, text: str) -> MemoOp | None:
    """Set this coder's memo on a segment (blank text deletes it); ``None`` when nothing changed."""
    require_coder(coder)
    after = text.strip() or None
    row = _memo_row(session, coder, segment.id)
    before = None if row is None else str(row.text)
    if before == after:
        return None
    op = MemoOp(segment, before, after, new_guid() if row is None else str(row.guid))
    return _write_memo(session, coder, op, None)


def apply_ops(session: Session, coder: CoderRef, ops: Iterable[Op], via: str) -> list[Op]:
    """Replay ops (from undo or redo); an op whose effect is already there is skipped.

    Returns:
        The ops that changed something.
    """
    require_coder(coder)
    done: list[Op] = []
    for op in ops:
        if isinstance(op, SpanOp):
            replayed = replay_span(session, coder, op, via)
            if replayed is None:
                continue
            op = replayed
        elif isinstance(op, MemoOp):
            row = _memo_row(session, coder, op.segment.id)
            if (None if row is None else row.text) == op.after:
                continue
            op = _write_memo(session, coder, op, via)
        elif op.added:
            exists = session.execute(
                select(Coding.id).where(
                    Coding.coder_id == coder.id,
                    Coding.segment_id == op.segment.id,
                    Coding.code_id == op.code_id,
                )
            ).first()
            if exists is not None:
                continue
            guid_taken = session.execute(select(Coding.id).where(Coding.guid == op.guid)).first()
            op = (
                op
                if guid_taken is None
                else CodingOp(op.segment, op.code_id, op.code_key, True, new_guid(), op.memo, op.span)
            )
            _insert_coding(session, coder, op.segment, op.code_id, op.guid, op.memo, op.span)
            _log_coding(session, coder, op, via)
        else:
            if _delete_coding(session, coder, op.segment.id, op.code_id) is None:
                continue
            _log_coding(session, coder, op, via)
        done.append(op)
    return done


def codings_table(
    session: Session, coder_names: Sequence[str] | None = None, code_keys: Sequence[str] | None = None
) -> list[CodingRow]:
    """Every coding (optionally of some coders and codes), flat, ordered by document, segment, code, coder.

    For agreement and export: the joins go through primary keys and the unique indexes on
    ``coders.name`` and ``codes.key``.
    """
    stmt = (
        select(
            Document.name.label("document"),
            Segment.ordinal,
            Segment.id.label("segment_id"),
            Passage.ordinal.label("passage_ordinal"),
            Code.key,
            Code.name.label("code_name"),
            Coder.name.label("coder"),
            Coding.memo,
            Coding.created_at,
        )
        .select_from(Coding)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Passage, Passage.id == Segment.passage_id)
        .join(Document, Document.id == Segment.document_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .order_by(Document.name, Segment.ordinal, Code.key, Coder.name)
    )
    if coder_names is not None:
        stmt = stmt.where(Coder.name.in_(list(coder_names)))
    if code_keys is not None:
        stmt = stmt.where(Code.key.in_(list(code_keys)))
    return [
        CodingRow(
            r.document,
            r.ordinal,
            r.segment_id,
            r.passage_ordinal,
            r.key,
            r.code_name,
            r.coder,
            r.memo,
            r.created_at,
        )
        for r in session.execute(stmt)
    ]
