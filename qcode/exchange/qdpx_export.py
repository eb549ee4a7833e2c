"""Gather a project into a :class:`QProject` (and qcode's layout member) for the .qdpx writer.

Mapping: coders → Users; codes → the CodeBook, nested by parent, with colour and description;
documents → TextSources (text in ``sources/GUID.txt``, title as Description); each coded or
annotated segment → one PlainTextSelection ``[start, end)`` (``endPosition`` one past the last
character) holding one Coding per coder and code (the coding memo as a Note); memos → Notes
on the selection, source or code they are about; document attributes → one Case per document
with Text variables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode import __version__
from qcode.exchange.qdpx_model import (
    QCase,
    QCode,
    QCoding,
    QNote,
    QProject,
    QSelection,
    QSource,
    QUser,
    derived_guid,
)
from qcode.export.tables import xsd_datetime
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment, Setting

#: Characters of a segment's text used as its selection's name.
NAME_CHARS = 80


@dataclass(frozen=True)
class QdpxExport:
    """The project and qcode's layout member, ready for ``qdpx_write.write_qdpx``."""

    project: QProject
    layout: dict[str, Any]
    codings: int
    memos: int = 0


@dataclass
class _Memos:
    """Every memo as a note, by what it is about."""

    segments: dict[int, dict[int, tuple[tuple[int, int, str], list[QNote]]]]  # doc -> ordinal -> span, notes
    documents: dict[int, list[QNote]]
    codes: dict[int, list[QNote]]
    count: int = 0


def _memos(session: Session, coder_guid: dict[int, str]) -> _Memos:
    memos = _Memos({}, {}, {})
    rows = session.execute(
        select(Memo.guid, Memo.coder_id, Memo.text, Memo.created_at, Memo.document_id, Memo.code_id, Segment)
        .outerjoin(Segment, Segment.id == Memo.segment_id)
        .order_by(Memo.id)
    ).all()
    for guid, coder_id, text, created, doc_id, code_id, seg in rows:
        note = QNote(guid, text, coder_guid[coder_id], xsd_datetime(created))
        if seg is not None:
            by_ordinal = memos.segments.setdefault(seg.document_id, {})
            by_ordinal.setdefault(seg.ordinal, ((seg.start, seg.end, seg.text), []))[1].append(note)
        elif doc_id is not None:
            memos.documents.setdefault(doc_id, []).append(note)
        elif code_id is not None:
            memos.codes.setdefault(code_id, []).append(note)
    memos.count = len(rows)
    return memos


def _codes(
    session: Session, notes: dict[int, list[QNote]]
) -> tuple[tuple[QCode, ...], dict[str, Any], dict[int, str]]:
    rows = session.scalars(select(Code).order_by(Code.ordinal, Code.key)).all()
    used = set(session.scalars(select(Coding.code_id).distinct()))
    children: dict[int | None, list[Code]] = {}
    for c in rows:
        children.setdefault(c.parent_id, []).append(c)

    def build(c: Code) -> QCode:
        kids = children.get(c.id, [])
        codable = not kids or c.hotkey is not None or c.id in used
        return QCode(
            c.guid,
            c.name,
            codable,
            c.colour.lower() if c.colour else None,
            c.description,
            tuple(build(k) for k in kids),
            tuple(notes.get(c.id, ())),
        )

    known = {c.id for c in rows}
    roots = [c for c in rows if c.parent_id is None or c.parent_id not in known]
    extra = {
        c.guid: {
            "key": c.key,
            "hotkey": c.hotkey,
            "inclusion": c.inclusion,
            "exclusion": c.exclusion,
            "example_text": c.example_text,
            "example_interviewee": c.example_interviewee,
            "keywords": list(c.keywords or []),
            "ordinal": c.ordinal,
            "colour": c.colour,
        }
        for c in rows
    }
    return tuple(build(c) for c in roots), extra, {c.id: c.guid for c in rows}


def _selections(
    session: Session,
    doc_id: int,
    doc_guid: str,
    code_guid: dict[int, str],
    coder_guid: dict[int, str],
    notes: dict[int, tuple[tuple[int, int, str], list[QNote]]],
) -> tuple[QSelection, ...]:
    rows = session.execute(
        select(
            Segment.ordinal,
            Segment.start,
            Segment.end,
            Segment.text,
            Coding.guid,
            Coding.code_id,
            Coding.coder_id,
            Coding.created_at,
            Coding.memo,
        )
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Segment.document_id == doc_id)
        .order_by(Segment.ordinal, Coding.coder_id, Coding.code_id)
    ).all()
    grouped: dict[int, list[Any]] = {}
    spans = {ordinal: span for ordinal, (span, _notes) in notes.items()}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
        spans[row[0]] = (row[1], row[2], row[3])
    out = []
    for ordinal in sorted(spans):
        start, end, text = spans[ordinal]
        group = grouped.get(ordinal, [])
        codings = tuple(
            QCoding(guid, code_guid[code_id], coder_guid[coder_id], xsd_datetime(created), memo or None)
            for *_x, guid, code_id, coder_id, created, memo in group
        )
        seg_notes = tuple(notes[ordinal][1]) if ordinal in notes else ()
        name = " ".join(text.split())
        name = name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"
        user: str | None
        if group:
            first = min(group, key=lambda r: r[7])
            user, created = coder_guid[first[6]], xsd_datetime(first[7])
        else:
            user, created = seg_notes[0].user, seg_notes[0].created
        out.append(
            QSelection(
                derived_guid("selection", doc_guid, str(ordinal)),
                start,
                end,
                name,
                user,
                created,
                codings,
                seg_notes,
            )
        )
    return tuple(out)


def _layout_of(session: Session, doc: Document) -> dict[str, Any]:
    passages = session.execute(
        select(Passage.start, Passage.end, Passage.section, Passage.speaker, Passage.source_lines)
        .where(Passage.document_id == doc.id)
        .order_by(Passage.ordinal)
    ).all()
    segments = session.execute(
        select(Segment.start, Segment.end).where(Segment.document_id == doc.id).order_by(Segment.ordinal)
    ).all()
    return {
        "name": doc.name,
        "title": doc.title,
        "content_hash": doc.content_hash,
        "segmentation": doc.segmentation,
        "passages": [list(p) for p in passages],
        "segments": [list(s) for s in segments],
    }


def gather_project(
    session: Session, *, name: str = "qcode project", progress: Callable[[int], None] | None = None
) -> QdpxExport:
    """Everything the .qdpx needs, read in the caller's transaction."""
    coders = session.execute(select(Coder.id, Coder.guid, Coder.name).order_by(Coder.name)).all()
    coder_guid = {i: g for i, g, _ in coders}
    memos = _memos(session, coder_guid)
    codes, code_extra, code_guid = _codes(session, memos.codes)
    created = session.get(Setting, "created_at")
    sources: list[QSource] = []
    cases: list[QCase] = []
    layout: dict[str, Any] = {"format": 1, "qcode": __version__, "documents": {}, "codes": code_extra}
    total = 0
    for doc in session.scalars(select(Document).order_by(Document.name)):
        selections = _selections(
            session, doc.id, doc.guid, code_guid, coder_guid, memos.segments.get(doc.id, {})
        )
        total += sum(len(s.codings) for s in selections)
        attrs = {str(k): "" if v is None else str(v) for k, v in (doc.attributes or {}).items()}
        sources.append(
            QSource(
                doc.guid,
                doc.name,
                doc.text,
                doc.title,
                None,
                xsd_datetime(doc.created_at),
                selections,
                notes=tuple(memos.documents.get(doc.id, ())),
            )
        )
        if attrs:
            cases.append(QCase(derived_guid("case", doc.guid), doc.name, attrs, (doc.guid,)))
        layout["documents"][doc.guid] = _layout_of(session, doc)
        if progress is not None:
            progress(1)
    project = QProject(
        name=name,
        origin=f"qcode {__version__}",
        user=coders[0][1] if coders else None,
        created=created.value.replace("+00:00", "Z") if created else None,
        users=tuple(QUser(g, n) for _i, g, n in coders),
        codes=codes,
        sources=tuple(sources),
        cases=tuple(cases),
    )
    return QdpxExport(project, layout, total, memos.count)
