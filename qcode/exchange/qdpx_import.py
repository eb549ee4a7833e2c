"""`qcode import FILE.qdpx`: another QDA program's project (or qcode's own) into this one.

Sources become documents through the transcript import (so segmentation is qcode's own);
codes keep their GUIDs (matched by GUID, then by name); users become coders; every coding
of a text selection lands on the segments the selection covers, and its notes become memos on
the first of them (notes on a source or a code become memos on the document or the code).
Selections that are not exactly one segment are kept on the segments they touch and reported.
A file written by qcode also carries its passages and codebook details (``qcode-layout.json``),
so qcode → qcode is exact.
All of it happens in the caller's transaction: any error leaves the project unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from qcode.errors import ConflictError, InputError
from qcode.exchange.qdpx_entities import (
    GUID_RE,
    CoderResolver,
    attributes_for,
    document_name,
    import_codes,
    import_variables,
    layout_segments,
    passages_for,
    restore_segments,
)
from qcode.exchange.qdpx_model import QNote, QProject, canonical_guid, derived_guid
from qcode.exchange.qdpx_offsets import Convention, guess_convention, half_open, place
from qcode.exchange.qdpx_read import DEFAULT_LIMITS, ZipLimits, read_qdpx
from qcode.ingest.types import ParsedTranscript
from qcode.store.base import new_guid, utcnow
from qcode.store.events import log_event
from qcode.store.models import Coding, Document, Memo, Segment
from qcode.text import noun, plural

Mode = Literal["sentence", "passage", "paragraph"]


@dataclass(frozen=True)
class SelectionNote:
    """A selection that is not exactly one segment: where it went and why it is reported."""

    document: str
    start: int
    end: int
    text: str
    segments: tuple[int, ...]
    kind: str


@dataclass
class QdpxImportReport:
    """What ``import_qdpx`` did."""

    path: str
    origin: str
    end_convention: str
    documents_imported: list[str] = field(default_factory=list)
    documents_present: list[str] = field(default_factory=list)
    segments_restored: list[str] = field(default_factory=list)
    resegmented: list[str] = field(default_factory=list)
    codes_created: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)
    coders_created: list[str] = field(default_factory=list)
    variables_created: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    memos_present: int = 0
    selections: int = 0
    selections_exact: int = 0
    inexact: list[SelectionNote] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Doc:
    id: int
    name: str
    text: str
    segments: list[tuple[int, int, int, int]]  # id, ordinal, start, end (by start)


def import_qdpx(
    session: Session,
    path: Path,
    *,
    mode: Mode = "sentence",
    end_convention: Convention | Literal["auto"] = "auto",
    actor: str = "system",
    limits: ZipLimits = DEFAULT_LIMITS,
) -> QdpxImportReport:
    """Import a .qdpx in the caller's transaction (all or nothing).

    Args:
        mode: segmentation of new documents (a qcode-written file brings its own per document).
        end_convention: how to read ``endPosition``; ``auto`` guesses per file.

    Raises:
        InputError: unsafe or malformed file, or a coding names a code the file does not define.
        ConflictError: a document of the same name exists with other content.
    """
    return import_project(
        session, read_qdpx(path, limits), str(path), mode=mode, end_convention=end_convention, actor=actor
    )


def import_project(
    session: Session,
    project: QProject,
    where: str,
    *,
    mode: Mode = "sentence",
    end_convention: Convention | Literal["auto"] = "auto",
    actor: str = "system",
) -> QdpxImportReport:
    """Import a project already read (see :func:`import_qdpx`)."""
    _validate(project, where)
    convention = _convention(project, end_convention)
    report = QdpxImportReport(where, project.origin, convention, skipped=list(project.skipped))
    coders = CoderResolver(session, project, report.coders_created)
    coders.create_all(project)
    codes = import_codes(session, project, report.codes_created, report.codes_matched)
    report.variables_created = import_variables(session, project)
    docs = _documents(session, project, where, mode, actor, report)
    memos = _MemoSink(session, report)
    _codings(session, project, docs, codes, coders, convention, report, memos)
    for source in project.sources:
        for note in source.notes:
            memos.add(note, coders.id_for(note.user), document_id=docs[canonical_guid(source.guid)].id)
    for code, _parent in project.all_codes():
        for note in code.notes:
            memos.add(note, coders.id_for(note.user), code_id=codes[canonical_guid(code.guid)])
    memos.flush()
    log_event(
        session,
        actor,
        "qdpx.import",
        file=where,
        origin=project.origin,
        end_convention=convention,
        documents=report.documents_imported,
        codes_created=report.codes_created,
        coders_created=report.coders_created,
        codings_added=report.codings_added,
        memos_added=report.memos_added,
        selections_inexact=len(report.inexact),
    )
    return report


def _validate(project: QProject, where: str) -> None:
    defined = {canonical_guid(c.guid) for c, _ in project.all_codes()}
    missing = sorted(
        {
            c.code
            for s in project.sources
            for sel in s.selections
            for c in sel.codings
            if canonical_guid(c.code) not in defined
        }
    )
    if missing:
        raise InputError(
            f"codings refer to {plural(len(missing), 'code')} the codebook does not define:"
            f" {', '.join(missing[:10])}",
            path=where,
        )


def _convention(project: QProject, wanted: Convention | Literal["auto"]) -> Convention:
    if wanted != "auto":
        return wanted
    if project.origin.startswith("qcode"):
        return "exclusive"
    return guess_convention(
        (s.text, sel.start, sel.end, sel.name) for s in project.sources for sel in s.selections
    ).convention


def _documents(
    session: Session, project: QProject, where: str, mode: Mode, actor: str, report: QdpxImportReport
) -> dict[str, _Doc]:
    from qcode.ingest.service import import_transcripts

    layouts: dict[str, Any] = {
        canonical_guid(k): v for k, v in ((project.layout or {}).get("documents") or {}).items()
    }
    taken: set[str] = set()
    by_mode: dict[str, list[ParsedTranscript]] = {}
    names: dict[str, str] = {}
    for source in project.sources:
        guid = canonical_guid(source.guid)
        lay = layouts.get(guid)
        name = document_name(source, lay, taken)
        names[guid] = name
        doc_mode = str((lay or {}).get("segmentation") or "")
        doc_mode = doc_mode if doc_mode in ("sentence", "passage", "paragraph") else mode
        by_mode.setdefault(doc_mode, []).append(
            ParsedTranscript(
                name=name,
                title=str((lay or {}).get("title") or source.description),
                source_path=f"{where}#{source.name}",
                content_hash=str(
                    (lay or {}).get("content_hash") or hashlib.sha256(source.text.encode()).hexdigest()
                ),
                attributes=attributes_for(project, source),
                passages=passages_for(source.text, lay),
                text=source.text,
            )
        )
    _refuse_changed(session, [t for ts in by_mode.values() for t in ts], where)
    for doc_mode, transcripts in by_mode.items():
        result = import_transcripts(session, transcripts, mode=doc_mode, actor=actor)  # type: ignore[arg-type]
        report.documents_imported += result.imported
        report.documents_present += result.skipped
    used = set(session.scalars(select(Document.guid)))
    docs: dict[str, _Doc] = {}
    for guid, name in names.items():
        doc_id, text, doc_guid = session.execute(
            select(Document.id, Document.text, Document.guid).where(Document.name == name)
        ).one()
        fresh = name in report.documents_imported and guid not in used
        if fresh and guid != doc_guid and GUID_RE.match(guid):
            session.execute(update(Document).where(Document.id == doc_id).values(guid=guid))
            used.add(guid)
        segs = _segments(session, doc_id)
        wanted = layout_segments(layouts.get(guid), text)
        if wanted is not None and [(a, b) for _i, _o, a, b in segs] != wanted:
            if name in report.documents_imported and restore_segments(session, doc_id, text, wanted):
                report.segments_restored.append(name)
                segs = _segments(session, doc_id)
            else:
                report.resegmented.append(name)
        docs[guid] = _Doc(doc_id, name, text, segs)
    return docs


def _refuse_changed(session: Session, transcripts: list[ParsedTranscript], where: str) -> None:
    """A source whose document exists with other content would lose that document's codings."""
    names = [t.name for t in transcripts]
    stored = {
        name: digest
        for name, digest in session.execute(
            select(Document.name, Document.content_hash).where(Document.name.in_(names))
        )
    }
    clash = sorted(t.name for t in transcripts if t.name in stored and stored[t.name] != t.content_hash)
    if clash:
        raise ConflictError(
            f"{where}: the project already has {noun(len(clash), 'document')} {', '.join(clash)}"
            " with other content; "
            "rename or remove them first"
        )


def _segments(session: Session, doc_id: int) -> list[tuple[int, int, int, int]]:
    rows = session.execute(
        select(Segment.id, Segment.ordinal, Segment.start, Segment.end)
        .where(Segment.document_id == doc_id)
        .order_by(Segment.start)
    )
    return [(i, o, a, b) for i, o, a, b in rows]


def _when(value: str | None) -> datetime:
    if value:
        try:
            parsed = datetime.fromisoformat(value.strip())
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except ValueError:
            pass
    return utcnow()


def _codings(
    session: Session,
    project: QProject,
    docs: dict[str, _Doc],
    codes: dict[str, int],
    coders: CoderResolver,
    convention: Convention,
    report: QdpxImportReport,
    memos: _MemoSink,
) -> None:
    seg_ids = [s[0] for d in docs.values() for s in d.segments]
    existing: set[tuple[int, int, int]] = set()
    for i in range(0, len(seg_ids), 10_000):
        existing.update(
            session.execute(
                select(Coding.coder_id, Coding.segment_id, Coding.code_id).where(
                    Coding.segment_id.in_(seg_ids[i : i + 10_000])
                )
            )
        )
    new: dict[tuple[int, int, int], dict[str, Any]] = {}
    for source in project.sources:
        doc = docs[canonical_guid(source.guid)]
        if source.codings:
            report.skipped.append(
                f"{doc.name}: {plural(len(source.codings), 'coding')} of the whole source (not placed)"
            )
        spans = [(a, b) for _i, _o, a, b in doc.segments]
        for sel in source.selections:
            start, end = half_open(sel.start, sel.end, convention)
            placed = place(doc.text, start, end, spans)
            report.selections += 1
            if placed.kind == "exact":
                report.selections_exact += 1
            else:
                ordinals = tuple(doc.segments[i][1] for i in placed.segments)
                report.inexact.append(
                    SelectionNote(
                        doc.name,
                        sel.start,
                        sel.end,
                        doc.text[max(0, start) : max(0, end)][:80],
                        ordinals,
                        placed.kind,
                    )
                )
            pieces = _pieces(start, end, [doc.segments[i] for i in placed.segments])
            sel_guid = canonical_guid(sel.guid)
            sel_guid = sel_guid if GUID_RE.match(sel_guid) else derived_guid("selection", sel.guid)
            for coding in sel.codings:
                code_id = codes[canonical_guid(coding.code)]
                coder_id = coders.id_for(coding.user)
                for k, (seg_id, span) in enumerate(pieces):
                    key = (coder_id, seg_id, code_id)
                    if key in existing or key in new:
                        report.codings_present += 1
                        continue
                    guid = canonical_guid(coding.guid)
                    new[key] = {
                        "guid": guid
                        if k == 0 and GUID_RE.match(guid)
                        else derived_guid("coding", guid, str(k)),
                        "coder_id": coder_id,
                        "segment_id": seg_id,
                        "code_id": code_id,
                        "memo": coding.note,
                        "start": span[0] if span else None,
                        "end": span[1] if span else None,
                        "selection": sel_guid,
                        "created_at": _when(coding.created),
                    }
            if placed.segments:
                first = doc.segments[placed.segments[0]][0]
                for note in sel.notes:
                    memos.add(note, coders.id_for(note.user or sel.user), segment_id=first)
            elif any(note.text.strip() for note in sel.notes):
                report.skipped.append(
                    f"{doc.name}: {plural(len(sel.notes), 'note')} on selection {sel.start}-{sel.end},"
                    " which covers no segment (not placed)"
                )
    _insert(session, list(new.values()))
    report.codings_added = len(new)


def _pieces(
    start: int, end: int, segments: list[tuple[int, int, int, int]]
) -> list[tuple[int, tuple[int, int] | None]]:
    """A selection ``[start, end)`` cut at the segments it covers: each segment's id and the exact span
    of its piece (``None`` where the piece is the whole segment). The first piece starts and the last
    ends where the selection does, even in the blank between segments, so it leaves as it came."""
    out: list[tuple[int, tuple[int, int] | None]] = []
    last = len(segments) - 1
    for k, (seg_id, _ordinal, a, b) in enumerate(segments):
        span = (start if k == 0 else a, end if k == last else b)
        out.append((seg_id, None if span == (a, b) else span))
    return out


class _MemoSink:
    """Notes become memos once, one memo per coder and target (as the schema wants): a note already
    there (by GUID, or as a paragraph of that memo) adds nothing; another note on the same target by
    the same coder is added to that memo after a blank line."""

    def __init__(self, session: Session, report: QdpxImportReport) -> None:
        self.session, self.report = session, report
        rows = session.execute(
            select(
                Memo.id, Memo.guid, Memo.coder_id, Memo.segment_id, Memo.document_id, Memo.code_id, Memo.text
            )
        ).all()
        self.guids = {canonical_guid(r[1]) for r in rows}
        self.stored: dict[tuple[int, int | None, int | None, int | None], tuple[int, str]] = {
            (r[2], r[3], r[4], r[5]): (r[0], r[6]) for r in rows
        }
        self.rows: dict[tuple[int, int | None, int | None, int | None], dict[str, Any]] = {}
        self.updates: dict[int, str] = {}

    def add(
        self,
        note: QNote,
        coder_id: int,
        *,
        segment_id: int | None = None,
        document_id: int | None = None,
        code_id: int | None = None,
    ) -> None:
        """Keep ``note`` as (part of) the memo of ``coder_id`` on exactly one target."""
        guid = canonical_guid(note.guid)
        target = (coder_id, segment_id, document_id, code_id)
        if not note.text.strip():
            return
        if guid in self.guids or _holds(self._text(target), note.text):
            self.report.memos_present += 1
            return
        self.guids.add(guid)
        if target in self.rows:
            self.rows[target]["text"] += "\n\n" + note.text
        elif target in self.stored:
            memo_id, text = self.stored[target]
            self.updates[memo_id] = self.updates.get(memo_id, text) + "\n\n" + note.text
        else:
            when = _when(note.created)
            self.rows[target] = {
                "guid": guid if GUID_RE.match(guid) else new_guid(),
                "coder_id": coder_id,
                "segment_id": segment_id,
                "document_id": document_id,
                "code_id": code_id,
                "text": note.text,
                "created_at": when,
                "updated_at": when,
            }
        self.report.memos_added += 1

    def _text(self, target: tuple[int, int | None, int | None, int | None]) -> str:
        if target in self.rows:
            return str(self.rows[target]["text"])
        if target in self.stored:
            memo_id, text = self.stored[target]
            return self.updates.get(memo_id, text)
        return ""

    def flush(self) -> None:
        """Insert the new memos and extend the ones that gained a note."""
        if self.rows:
            self.session.execute(insert(Memo), list(self.rows.values()))
        if self.updates:
            self.session.execute(
                update(Memo), [{"id": i, "text": t, "updated_at": utcnow()} for i, t in self.updates.items()]
            )


def _holds(memo: str, text: str) -> bool:
    """Whether ``text`` is one of the blank-line-separated notes a memo was built from."""
    return memo == text or f"\n\n{memo}\n\n".find(f"\n\n{text}\n\n") >= 0


def _insert(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    wanted = [r["guid"] for r in rows]
    taken: set[str] = set()
    for i in range(0, len(wanted), 10_000):
        taken.update(session.scalars(select(Coding.guid).where(Coding.guid.in_(wanted[i : i + 10_000]))))
    seen: set[str] = set()
    for r in rows:
        if r["guid"] in taken or r["guid"] in seen:
            r["guid"] = new_guid()
        seen.add(r["guid"])
    session.execute(insert(Coding), list(rows))
