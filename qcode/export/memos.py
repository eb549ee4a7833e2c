"""Memos as a table: every memo a coder wrote on a segment, a document or a code, one row each.

Memos are few next to codings, so rows are built here rather than streamed; the columns follow
the coded-segments export (same names where they mean the same, same time format).
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from qcode.export.files import neutralise
from qcode.export.service import ALL, ExportFilter
from qcode.export.shape import RowStream
from qcode.export.tables import xsd_datetime
from qcode.store.models import Code, Coder, Document, Memo, Segment

MEMO_COLUMNS: tuple[str, ...] = (
    "memo_id",
    "coder",
    "about",
    "document",
    "segment",
    "segment_text",
    "code",
    "memo",
    "written_at",
    "updated_at",
)


def memo_rows(session: Session, flt: ExportFilter = ALL, *, guard: bool = True) -> RowStream:
    """Every memo (of the filter's coders), by document and segment, then memos on codes.

    ``about`` is ``segment``, ``document`` or ``code``; the columns that do not apply are empty.
    With ``guard``, text cells a spreadsheet would run as formulas are neutralised.
    """
    doc_id = func.coalesce(Memo.document_id, Segment.document_id)
    about = case(
        (Memo.segment_id.is_not(None), "segment"), (Memo.document_id.is_not(None), "document"), else_="code"
    )
    stmt = (
        select(
            Memo.guid,
            Coder.name,
            about,
            Document.name,
            Segment.ordinal,
            Segment.text,
            Code.key,
            Memo.text,
            Memo.created_at,
            Memo.updated_at,
        )
        .join(Coder, Coder.id == Memo.coder_id)
        .outerjoin(Segment, Segment.id == Memo.segment_id)
        .outerjoin(Document, Document.id == doc_id)
        .outerjoin(Code, Code.id == Memo.code_id)
        .order_by(Document.name.is_(None), Document.name, Segment.ordinal.is_not(None), Segment.ordinal)
        .order_by(Code.ordinal, Code.key, Coder.name, Memo.created_at, Memo.id)
    )
    if flt.coder_ids is not None:
        stmt = stmt.where(Memo.coder_id.in_(flt.coder_ids))
    cell = neutralise if guard else str
    found = session.execute(stmt).all()
    rows = [
        (
            guid,
            cell(coder),
            kind,
            cell(document or ""),
            "" if ordinal is None else str(ordinal),
            cell(segment_text or ""),
            code or "",
            cell(text),
            xsd_datetime(created),
            xsd_datetime(updated),
        )
        for guid, coder, kind, document, ordinal, segment_text, code, text, created, updated in found
    ]
    return RowStream(MEMO_COLUMNS, len(rows), iter([rows] if rows else []), guard=guard, guarded=guard)
