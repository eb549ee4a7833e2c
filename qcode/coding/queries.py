"""Read-only queries the coding TUI needs, each fetching only what one screen shows.

Blind coding is enforced here: every query of the coding screen takes the coder and returns only
their codings; :func:`compare_document` and :func:`code_view` (with several coders) are for the
screens that compare coders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from qcode.coding.types import CodeInfo, CodeViewRow, DocumentInfo, Progress, SegmentInfo, Transcript
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment

__all__ = [
    "code_view",
    "codebook",
    "compare_document",
    "document_attributes",
    "document_progress",
    "documents_with",
    "list_documents",
    "load_transcript",
    "resume_point",
]


def _attrs(raw: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (raw or {}).items() if v is not None and v != ""}


def list_documents(session: Session, *, attributes: bool = True) -> list[DocumentInfo]:
    """Every document in import order, without its text (and, if asked, without its attributes).

    On SQLite the attributes column lies after the text, in overflow pages, so reading it walks
    every document's text: on a large corpus leave them out and fetch :func:`document_attributes`
    for the documents on screen.
    """
    if not attributes:
        rows = session.execute(
            select(Document.id, Document.guid, Document.name, Document.title).order_by(Document.id)
        )
        return [DocumentInfo(r.id, r.guid, r.name, r.title, {}) for r in rows]
    rows = session.execute(
        select(Document.id, Document.guid, Document.name, Document.title, Document.attributes).order_by(
            Document.id
        )
    )
    return [DocumentInfo(r.id, r.guid, r.name, r.title, _attrs(r.attributes)) for r in rows]


def document_attributes(session: Session, ids: Sequence[int] | None = None) -> dict[int, dict[str, str]]:
    """Attributes of the documents given (all if ``None``), by document id."""
    stmt = select(Document.id, Document.attributes)
    if ids is not None:
        stmt = stmt.where(Document.id.in_(list(ids)))
    return {r.id: _attrs(r.attributes) for r in session.execute(stmt)}


def documents_with(documents: Sequence[DocumentInfo], key: str, value: str) -> list[int]:
    """Ids of the documents whose attribute ``key`` equals ``value`` (case-insensitive)."""
    value = value.casefold()
    return [d.id for d in documents if d.attributes.get(key, "").casefold() == value]


def document_progress(session: Session, coder_id: int) -> dict[int, Progress]:
    """Segments coded (with at least one code) by this coder, and in all, per document id.

    This scans the segments index once; the TUI runs it in a worker thread.
    """
    totals = dict(
        session.execute(select(Segment.document_id, func.count()).group_by(Segment.document_id)).all()
    )
    coded = dict(
        session.execute(
            select(Segment.document_id, func.count(func.distinct(Coding.segment_id)))
            .select_from(Coding)
            .join(Segment, Segment.id == Coding.segment_id)
            .where(Coding.coder_id == coder_id)
            .group_by(Segment.document_id)
        ).all()
    )
    return {doc: Progress(coded.get(doc, 0), total) for doc, total in totals.items()}


def codebook(session: Session) -> list[CodeInfo]:
    """Every code in tree order (parents before children, siblings by ordinal), with its depth."""
    rows = session.execute(select(Code).order_by(Code.ordinal, Code.name)).scalars().all()
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in rows:
        children[code.parent_id].append(code)
    out: list[CodeInfo] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            out.append(
                CodeInfo(
                    c.id,
                    c.guid,
                    c.key,
                    c.name,
                    c.parent_id,
                    depth,
                    c.description,
                    c.inclusion,
                    c.exclusion,
                    tuple(str(k) for k in (c.keywords or [])),
                    c.colour,
                    c.hotkey,
                    c.example_text,
                    c.example_interviewee,
                )
            )
            walk(c.id, depth + 1)

    walk(None, 0)
    return out


def resume_point(session: Session, coder_id: int) -> tuple[int, int] | None:
    """Where this coder left off: (document id, segment ordinal) of their latest coding, if any."""
    latest = select(func.max(Coding.id)).where(Coding.coder_id == coder_id).scalar_subquery()
    row = session.execute(
        select(Segment.document_id, Segment.ordinal)
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Coding.id == latest)
    ).first()
    return None if row is None else (row.document_id, row.ordinal)


_IN_DOC = select(Segment.id).where(Segment.document_id == bindparam("doc")).scalar_subquery()
_SEGMENTS = (
    select(Segment.id, Segment.ordinal, Passage.ordinal, Passage.section, Passage.speaker, Segment.text)
    .join(Passage, Passage.id == Segment.passage_id)
    .where(Segment.document_id == bindparam("doc"))
    .order_by(Segment.ordinal)
)
_CODINGS = select(Coding.segment_id, Coding.code_id).where(
    Coding.coder_id == bindparam("coder"), Coding.segment_id.in_(_IN_DOC)
)
_MEMOS = (
    select(Memo.segment_id, Memo.text)
    .where(Memo.coder_id == bindparam("coder"), Memo.segment_id.in_(_IN_DOC))
    .order_by(Memo.id)
)


def load_transcript(session: Session, document: DocumentInfo, coder_id: int) -> Transcript:
    """A document's segments with their passages, and this coder's codings and memos on them only.

    Core statements built once, run on the session's connection: this is on the path of every
    document opened, so it skips the ORM's row processing.
    """
    conn = session.connection()
    params = {"doc": document.id, "coder": coder_id}
    segments = tuple(map(SegmentInfo._make, conn.execute(_SEGMENTS, params)))
    sets: dict[int, set[int]] = defaultdict(set)
    for seg_id, code_id in conn.execute(_CODINGS, params):
        sets[seg_id].add(code_id)
    memos: dict[int, str] = {}
    for memo_seg, text in conn.execute(_MEMOS, params):
        if memo_seg is not None:
            memos.setdefault(memo_seg, text)
    return Transcript(document, segments, {k: frozenset(v) for k, v in sets.items()}, memos)


def code_view(
    session: Session,
    code_id: int,
    coder_ids: Sequence[int] | None = None,
    document_ids: Sequence[int] | None = None,
    documents: Sequence[DocumentInfo] | None = None,
) -> list[CodeViewRow]:
    """Every segment coded with ``code_id`` (by the coders given, in the documents given), in corpus order.

    Attributes come from ``documents`` (the list the caller already holds) or one extra query: reading
    them in the join would make SQLite walk every document's text for each row.
    """
    stmt = (
        select(
            Segment.document_id,
            Document.name,
            Segment.id.label("segment_id"),
            Segment.ordinal,
            Passage.ordinal.label("passage_ordinal"),
            Passage.section,
            Segment.text,
            Coder.name.label("coder"),
            Coding.memo,
        )
        .select_from(Coding)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Passage, Passage.id == Segment.passage_id)
        .join(Document, Document.id == Segment.document_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.code_id == code_id)
        .order_by(Segment.document_id, Segment.ordinal, Coder.name)
    )
    if coder_ids is not None:
        stmt = stmt.where(Coding.coder_id.in_(list(coder_ids)))
    if document_ids is not None:
        stmt = stmt.where(Segment.document_id.in_(list(document_ids)))
    attrs = {d.id: d.attributes for d in (documents if documents is not None else list_documents(session))}
    return [
        CodeViewRow(
            r.document_id,
            r.name,
            attrs.get(r.document_id, {}),
            r.segment_id,
            r.ordinal,
            r.passage_ordinal,
            r.section,
            r.text,
            r.coder,
            r.memo,
        )
        for r in session.execute(stmt)
    ]


def compare_document(session: Session, document_id: int) -> dict[int, dict[str, frozenset[int]]]:
    """Every coder's codes per segment of a document: segment id → coder name → code ids."""
    rows = session.execute(
        select(Coding.segment_id, Coder.name, Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(
            Coding.segment_id.in_(
                select(Segment.id).where(Segment.document_id == document_id).scalar_subquery()
            )
        )
    )
    sets: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for seg_id, coder, code_id in rows:
        sets[seg_id][coder].add(code_id)
    return {seg: {c: frozenset(ids) for c, ids in by.items()} for seg, by in sets.items()}
