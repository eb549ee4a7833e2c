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
from qcode.exchange.criteria import Criteria, describe
from qcode.exchange.qdpx_model import (
    QCase,
    QCode,
    QCoding,
    QNote,
    QProject,
    QSelection,
    QSource,
    QUser,
    QVariable,
    derived_guid,
    fits,
)
from qcode.export.tables import xsd_datetime
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment, Setting, Variable

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
        criteria = Criteria(
            c.description,
            c.inclusion,
            c.exclusion,
            c.example_text,
            c.example_interviewee,
            tuple(c.keywords or ()),
        )
        return QCode(
            c.guid,
            c.name,
            c.codable or c.id in used,
            c.colour.lower() if c.colour else None,
            describe(criteria),
            tuple(build(k) for k in kids),
            tuple(notes.get(c.id, ())),
        )

    known = {c.id for c in rows}
    roots = [c for c in rows if c.parent_id is None or c.parent_id not in known]
    # qcode's own machinery, which other programs never show: the criteria travel in Description
    extra = {c.guid: {"key": c.key, "hotkey": c.hotkey, "ordinal": c.ordinal} for c in rows}
    return tuple(build(c) for c in roots), extra, {c.id: c.guid for c in rows}


@dataclass
class _Group:
    """One selection being built: its exact span and its codings by (coder, code)."""

    guid: str
    start: int
    end: int
    codings: dict[tuple[int, int], tuple[int, Any]]  # (coder, code) -> (piece start, row)
    notes: list[QNote]

    def widen(self, start: int, end: int) -> None:
        self.start, self.end = min(self.start, start), max(self.end, end)


def _selections(
    session: Session,
    doc: Document,
    code_guid: dict[int, str],
    coder_guid: dict[int, str],
    notes: dict[int, tuple[tuple[int, int, str], list[QNote]]],
) -> tuple[QSelection, ...]:
    """One selection per original selection (the pieces of one that crossed segments come together
    again, with its GUID and exact span), per coding a coder narrowed, and per segment coded whole."""
    rows = session.execute(
        select(
            Segment.ordinal,
            Segment.start,
            Segment.end,
            Coding.guid,
            Coding.code_id,
            Coding.coder_id,
            Coding.created_at,
            Coding.memo,
            Coding.start,
            Coding.end,
            Coding.selection,
        )
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Segment.document_id == doc.id)
        .order_by(Segment.ordinal, Coding.coder_id, Coding.code_id)
    ).all()
    groups: dict[str, _Group] = {}
    for row in rows:
        ordinal, seg_a, seg_b, guid, code_id, coder_id, _created, _memo, a, b, selection = row
        a, b = (seg_a, seg_b) if a is None or b is None else (a, b)
        if selection is not None:
            key = selection
        elif (a, b) != (seg_a, seg_b):
            key = derived_guid("selection", guid)
        else:
            key = derived_guid("selection", doc.guid, str(ordinal))
        group = groups.setdefault(key, _Group(key, a, b, {}, []))
        group.widen(a, b)
        held = group.codings.get((coder_id, code_id))
        if held is None or a < held[0]:
            group.codings[(coder_id, code_id)] = (a, row)
    for ordinal, ((seg_a, seg_b, _text), seg_notes) in notes.items():
        key = derived_guid("selection", doc.guid, str(ordinal))
        groups.setdefault(key, _Group(key, seg_a, seg_b, {}, [])).notes.extend(seg_notes)
    return tuple(_selection(g, doc.text, code_guid, coder_guid) for g in sorted(groups.values(), key=_order))


def _order(group: _Group) -> tuple[int, int, str]:
    return group.start, group.end, group.guid


def _selection(group: _Group, text: str, code_guid: dict[int, str], coder_guid: dict[int, str]) -> QSelection:
    codings = [row for _a, row in group.codings.values()]
    codings.sort(key=lambda r: (r[5], r[4]))
    name = " ".join(text[group.start : group.end].split())
    name = name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"
    user: str | None
    if codings:
        first = min(codings, key=lambda r: r[6])
        user, created = coder_guid[first[5]], xsd_datetime(first[6])
    else:
        user, created = group.notes[0].user, group.notes[0].created
    return QSelection(
        group.guid,
        group.start,
        group.end,
        name,
        user,
        created,
        tuple(
            QCoding(r[3], code_guid[r[4]], coder_guid[r[5]], xsd_datetime(r[6]), r[7] or None)
            for r in codings
        ),
        tuple(group.notes),
    )


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
    roles = {g: r for g, r in session.execute(select(Coder.guid, Coder.role))}
    memos = _memos(session, coder_guid)
    codes, code_extra, code_guid = _codes(session, memos.codes)
    created = session.get(Setting, "created_at")
    sources: list[QSource] = []
    cases: list[QCase] = []
    layout: dict[str, Any] = {"format": 1, "qcode": __version__, "documents": {}, "codes": code_extra}
    # Project.xsd's User has only guid and name: a coder's role (consensus is written only by
    # adjudication) travels here, keyed by the User's GUID
    layout["coders"] = {g: {"role": roles[g]} for _i, g, _n in coders}
    total = 0
    for doc in session.scalars(select(Document).order_by(Document.name)):
        selections = _selections(session, doc, code_guid, coder_guid, memos.segments.get(doc.id, {}))
        total += sum(len(s.codings) for s in selections)
        attrs = {str(k): "" if v is None else v for k, v in (doc.attributes or {}).items()}
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
        variables=_variables(session, cases),
    )
    return QdpxExport(project, layout, total, memos.count)


def _variables(session: Session, cases: list[QCase]) -> tuple[QVariable, ...]:
    """Every attribute as a variable, typed as the project types it where every value fits the type."""
    declared = {v.name: v for v in session.scalars(select(Variable))}
    names = dict.fromkeys(name for case in cases for name in case.values)
    out = []
    for name in names:
        row = declared.get(name)
        kind = row.type if row is not None else "text"
        values = [case.values[name] for case in cases if name in case.values]
        if not all(fits(value, kind) for value in values):
            kind = "text"
        guid = row.guid if row is not None else derived_guid("variable", name)
        out.append(QVariable(guid, name, kind, row.description if row is not None else ""))
    return tuple(out)
