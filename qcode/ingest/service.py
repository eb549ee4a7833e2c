"""Import transcripts into a project: one transaction, no duplicates, codings carried over on replace.

The import is all-or-nothing because the caller runs it inside one unit of work and every
check (names, content hashes) is made before anything is written. Documents are written in
batches of whole documents with a few statements per batch — the document rows, then a
driver-level ``executemany`` of plain tuples for the passages and one for the segments — so
the database costs little beside spaCy (see bench/import.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from qcode.attributes import attribute_text
from qcode.errors import ConflictError, InputError
from qcode.ingest.carry import UnplacedCoding, carry_over, detach
from qcode.ingest.types import ParsedTranscript
from qcode.store.base import new_guid, utcnow
from qcode.store.events import log_events
from qcode.store.models import Document, Passage, Segment

__all__ = [
    "DocumentSummary",
    "ImportReport",
    "PassageText",
    "UnplacedCoding",
    "document_summaries",
    "import_transcripts",
    "passage_texts",
]

Mode = Literal["sentence", "passage", "paragraph"]
#: Separator between passages in a document's stored text.
PASSAGE_SEPARATOR = "\n\n"
#: Passages segmented and written per batch (whole documents): bounds memory, paces the progress bar.
BATCH_PASSAGES = 1000
#: Placeholder for one parameter in driver SQL, by DB-API paramstyle.
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_PASSAGE_COLUMNS = (
    "document_id", "ordinal", "section", "speaker", "source_lines", "start", "end", "start_ms", "end_ms",
)
_SEGMENT_COLUMNS = ("document_id", "passage_id", "ordinal", "start", "end", "text")


@dataclass(frozen=True)
class ImportReport:
    """What an import did, by document name."""

    imported: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    segments: int = 0
    #: Codings and segment memos now on a new segment (``moved`` of them to another or an edited sentence).
    carried: int = 0
    unplaced: list[UnplacedCoding] = field(default_factory=list)
    moved: int = 0
    #: Codings and memos joined into an identical one (same coder, code, new segment); memos kept.
    merged: int = 0
    #: New documents whose file is byte for byte one already stored (or imported with it) under
    #: another name: ``(new, existing)``. Imported all the same; said, so a copy is not coded twice.
    copies: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Layout:
    """A document's stored text (passages joined by a blank line) and where each passage starts.

    ``spans`` are each passage's segments, as offsets into the passage's own text.
    """

    text: str
    passages: list[tuple[int, int]]
    spans: list[list[tuple[int, int]]]

    @property
    def segment_count(self) -> int:
        return sum(map(len, self.spans))


def _layout(t: ParsedTranscript, spans: Iterable[list[tuple[int, int]]]) -> _Layout:
    if t.text is not None:
        return _Layout(t.text, _exact_passages(t), list(spans))
    text = PASSAGE_SEPARATOR.join(p.text for p in t.passages)
    passages: list[tuple[int, int]] = []
    pos = 0
    for p in t.passages:
        passages.append((pos, pos + len(p.text)))
        pos += len(p.text) + len(PASSAGE_SEPARATOR)
    return _Layout(text, passages, list(spans))


def _exact_passages(t: ParsedTranscript) -> list[tuple[int, int]]:
    """Passage spans in a text kept as written; each passage must be there, in order."""
    assert t.text is not None
    out: list[tuple[int, int]] = []
    pos = 0
    for number, p in enumerate(t.passages, start=1):
        start = p.start if p.start is not None else t.text.find(p.text, pos)
        if start < pos or t.text[start : start + len(p.text)] != p.text:
            message = f"passage {number} is not in the document's text where it says"
            raise InputError(message, path=t.source_path)
        out.append((start, start + len(p.text)))
        pos = start + len(p.text)
    return out


def _plan(
    session: Session, transcripts: Sequence[ParsedTranscript], replace: bool
) -> tuple[list[ParsedTranscript], dict[str, int], list[str]]:
    """Decide, before writing anything, which transcripts are new, replacements or skips."""
    seen: dict[str, str] = {}
    for t in transcripts:
        if t.name in seen:
            raise InputError(f"document name {t.name!r} also comes from {seen[t.name]}", path=t.source_path)
        seen[t.name] = t.source_path
    existing: dict[str, tuple[int, str]] = {}
    names = list(seen)
    for start in range(0, len(names), 500):
        for name, doc_id, digest in session.execute(
            select(Document.name, Document.id, Document.content_hash).where(
                Document.name.in_(names[start : start + 500])
            )
        ):
            existing[name] = (doc_id, digest)
    todo: list[ParsedTranscript] = []
    replacing: dict[str, int] = {}
    skipped: list[str] = []
    for t in transcripts:
        if t.name not in existing:
            todo.append(t)
            continue
        doc_id, digest = existing[t.name]
        if digest == t.content_hash:
            skipped.append(t.name)
        elif not replace:
            raise ConflictError(
                f"{t.source_path}: document {t.name!r} was imported before with different content; "
                "use --replace to re-segment it and carry its codings over"
            )
        else:
            todo.append(t)
            replacing[t.name] = doc_id
    return todo, replacing, skipped


def import_transcripts(
    session: Session,
    transcripts: Sequence[ParsedTranscript],
    *,
    mode: Mode = "sentence",
    replace: bool = False,
    actor: str = "system",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Store transcripts with their passages and segments, in the caller's transaction.

    A transcript whose name is stored with the same content hash is skipped; one whose name
    exists with another hash is refused (``ConflictError``) unless ``replace``, which
    re-segments it and moves every coding and memo to the new segment with the same (or
    nearly the same) text, listing in the report (and the event log) what it could not place.

    Args:
        session: the open unit of work; nothing is committed here.
        transcripts: parsed files; names must be unique.
        mode: unit of coding.
        replace: re-import changed documents instead of refusing them.
        actor: who is recorded in the event log.
        progress: called with the number of passages done after each batch.

    Raises:
        InputError: two transcripts share a name.
        ConflictError: a changed document without ``replace``.
    """
    from qcode.ingest.segment import segment_texts

    todo, replacing, skipped = _plan(session, transcripts, replace)
    imported: list[str] = []
    replaced: list[str] = []
    unplaced: list[UnplacedCoding] = []
    # one run of the segmenter per run of documents in the same language (one run in all, usually)
    spans = itertools.chain.from_iterable(
        segment_texts((p.text for t in group for p in t.passages), mode=mode, language=language)
        for language, group in itertools.groupby(todo, key=lambda t: t.language or "en")
    )
    segments = 0
    totals = {"carried": 0, "moved": 0, "merged": 0}
    for batch in _batches(todo, BATCH_PASSAGES):
        pending = _Pending(mode)
        old = {t.name: detach(session, replacing[t.name]) for t in batch if t.name in replacing}
        for t in batch:
            layout = _layout(t, itertools.islice(spans, len(t.passages)))
            _write_document(session, t, layout, replacing.get(t.name), pending)
            segments += layout.segment_count
        ids = pending.flush(session)
        events: list[tuple[str, dict[str, Any]]] = []
        for t in batch:
            if t.name not in old:
                imported.append(t.name)
                events.append(("document.import", {"document": t.name, "hash": t.content_hash,
                                                   "source": t.source_path, "passages": len(t.passages)}))
                continue
            done = carry_over(session, t.name, ids[t.name], old[t.name])
            for key, value in (("carried", done.placed), ("moved", done.moved), ("merged", done.merged)):
                totals[key] += value
            replaced.append(t.name)
            unplaced.extend(done.unplaced)
            events.append(("document.replace", {
                "document": t.name, "hash": t.content_hash, "carried": done.placed, "moved": done.moved,
                "merged": done.merged, "unplaced": [u.as_json() for u in done.unplaced],
            }))
        log_events(session, actor, events)
        if progress is not None:
            progress(sum(len(t.passages) for t in batch))
    return ImportReport(imported, replaced, skipped, segments, totals["carried"], unplaced, totals["moved"],
                        totals["merged"], _copies(session, todo, replacing))


def _copies(
    session: Session, todo: Sequence[ParsedTranscript], replacing: dict[str, int]
) -> list[tuple[str, str]]:
    """New documents with the same file content as another document (stored before, or in this import)."""
    new = [t for t in todo if t.name not in replacing and t.content_hash]
    first: dict[str, str] = {}
    hashes = sorted({t.content_hash for t in new})
    for start in range(0, len(hashes), 500):
        for name, digest in session.execute(
            select(Document.name, Document.content_hash)
            .where(Document.content_hash.in_(hashes[start : start + 500]))
            .order_by(Document.id)
        ):
            first.setdefault(digest, name)
    return [(t.name, first[t.content_hash]) for t in new if first.get(t.content_hash, t.name) != t.name]


def _batches(todo: Sequence[ParsedTranscript], size: int) -> Iterator[list[ParsedTranscript]]:
    """Whole documents, grouped until a group holds at least ``size`` passages."""
    batch: list[ParsedTranscript] = []
    count = 0
    for t in todo:
        batch.append(t)
        count += len(t.passages)
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def _write_document(
    session: Session, t: ParsedTranscript, layout: _Layout, doc_id: int | None, pending: _Pending
) -> None:
    """Add one document to the batch; a replaced document's row is updated at once."""
    if doc_id is not None:
        session.execute(update(Document).where(Document.id == doc_id).values(**pending.values(t, layout)))
    pending.add(t, layout, doc_id)


@dataclass
class _Pending:
    """A batch of documents, written together by :meth:`flush` with a few statements in all."""

    mode: str
    documents: list[tuple[ParsedTranscript, _Layout]] = field(default_factory=list)
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)

    def values(self, t: ParsedTranscript, layout: _Layout) -> dict[str, Any]:
        """The document row's columns that an import sets (all but id, guid, name, created_at)."""
        return {"title": t.title, "source_path": t.source_path, "content_hash": t.content_hash,
                "text": layout.text, "attributes": dict(t.attributes), "segmentation": self.mode,
                "language": t.language or "en"}

    def add(self, t: ParsedTranscript, layout: _Layout, doc_id: int | None) -> None:
        self.documents.append((t, layout))
        if doc_id is None:
            self.new_rows.append({"guid": new_guid(), "name": t.name, "created_at": utcnow(),
                                  **self.values(t, layout)})
        else:
            self.ids[t.name] = doc_id

    def flush(self, session: Session) -> dict[str, int]:
        """Insert documents, passages and segments; return the batch's document ids by name."""
        if self.new_rows:
            session.connection().execute(_table(Document).insert(), self.new_rows)
            names = [row["name"] for row in self.new_rows]
            found = session.execute(select(Document.name, Document.id).where(Document.name.in_(names)))
            self.ids.update((name, doc_id) for name, doc_id in found)
        passages: list[tuple[Any, ...]] = []
        for t, layout in self.documents:
            doc_id = self.ids[t.name]
            for number, (p, (a, b)) in enumerate(zip(t.passages, layout.passages, strict=True), start=1):
                lines = f"{p.source_lines[0]}-{p.source_lines[1]}" if p.source_lines else None
                passages.append((doc_id, number, p.section, p.speaker, lines, a, b, p.start_ms, p.end_ms))
        if passages:
            _executemany(session, _table(Passage), _PASSAGE_COLUMNS, passages)
            _executemany(session, _table(Segment), _SEGMENT_COLUMNS, self._segments(session))
        return self.ids

    def _segments(self, session: Session) -> list[tuple[Any, ...]]:
        """Segment rows, once the passages they belong to have ids."""
        ids: dict[tuple[int, int], int] = {}
        for doc_id, ordinal, passage_id in session.execute(
            select(Passage.document_id, Passage.ordinal, Passage.id).where(
                Passage.document_id.in_(list(self.ids.values()))
            )
        ):
            ids[doc_id, ordinal] = passage_id
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        for t, layout in self.documents:
            doc_id = self.ids[t.name]
            text = layout.text
            ordinal = 0
            for number, ((offset, _), spans) in enumerate(zip(layout.passages, layout.spans, strict=True), 1):
                passage_id = ids[doc_id, number]
                for a, b in spans:
                    ordinal += 1
                    start, end = offset + a, offset + b
                    append((doc_id, passage_id, ordinal, start, end, text[start:end]))
        return rows


def _table(model: type[Document] | type[Passage] | type[Segment]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _executemany(session: Session, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain tuples with the driver's own ``executemany``: no per-row work in SQLAlchemy.

    Only for columns whose values need no type conversion (integers, text, NULL). The SQL is
    built with the dialect's quoting and placeholder, so SQLite and PostgreSQL run the same code.
    """
    if not rows:
        return
    conn = session.connection()
    mark = _MARKS.get(conn.dialect.paramstyle)
    if mark is None:  # a driver with named placeholders: let SQLAlchemy bind them
        conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    quote = conn.dialect.identifier_preparer
    names = ", ".join(quote.quote(c) for c in columns)
    marks = ", ".join([mark] * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {quote.format_table(table)} ({names}) VALUES ({marks})", rows)


@dataclass(frozen=True)
class DocumentSummary:
    """One document as `qcode documents` shows it (stable JSON keys)."""

    name: str
    title: str
    attributes: dict[str, str]
    passages: int
    segments: int
    words: int
    #: The language its sentences were cut in (``en``, ``es``, ``ko``, ``zh``…), as given or detected.
    language: str = ""


def document_summaries(session: Session) -> list[DocumentSummary]:
    """Every document with counts of passages, segments and words, by name.

    Every document's ``attributes`` holds the same keys, the union over the project in order
    of first appearance (a document without one gets ``""``), so tables and JSON line up.
    """
    passages = _counts(session, Passage.document_id)
    segments = _counts(session, Segment.document_id)
    query = select(
        Document.id, Document.name, Document.title, Document.attributes, Document.text, Document.language
    )
    # Sorted here, not in SQL: code-point order on every backend, whatever its collation.
    rows = sorted(session.execute(query), key=lambda row: row.name)
    keys = dict.fromkeys(key for row in rows for key in (row.attributes or {}))
    return [
        DocumentSummary(
            name, title, {key: attribute_text((attributes or {}).get(key, "")) for key in keys},
            passages.get(doc_id, 0), segments.get(doc_id, 0), len(text.split()), language or "",
        )
        for doc_id, name, title, attributes, text, language in rows
    ]


def _counts(session: Session, column: InstrumentedAttribute[int]) -> dict[int, int]:
    """Rows per document id in the table of ``column``."""
    return {doc_id: n for doc_id, n in session.execute(select(column, func.count()).group_by(column))}


@dataclass(frozen=True)
class PassageText:
    """One stored passage with where it comes from (for `qcode duplicates`)."""

    document: str
    passage: int
    section: str
    lines: str | None
    text: str

    @property
    def key(self) -> tuple[str, int]:
        """``(document name, passage ordinal)``: unique in a project."""
        return self.document, self.passage


def passage_texts(session: Session) -> list[PassageText]:
    """Every passage with its text, in document-name (code-point) and passage order."""
    texts = {doc_id: text for doc_id, text in session.execute(select(Document.id, Document.text))}
    rows = session.execute(
        select(Document.name, Passage.ordinal, Passage.section, Passage.source_lines,
               Passage.document_id, Passage.start, Passage.end)
        .join(Document, Document.id == Passage.document_id)
    )
    passages = [PassageText(name, ordinal, section, lines, texts[doc_id][a:b])
                for name, ordinal, section, lines, doc_id, a, b in rows]
    return sorted(passages, key=lambda p: p.key)
