"""Read-only queries the coding TUI needs, each fetching only what one screen shows.

Blind coding is enforced here: every query of the coding screen takes the coder and returns only
their codings; :func:`compare_document` and :func:`code_view` (with several coders) are for the
screens that compare coders.

The queries are plain SQL that SQLite and PostgreSQL both read, with ``:name`` parameters. They run
on a SQLAlchemy session, or on a bare ``sqlite3`` connection: the TUI paints its first screen from
one before SQLAlchemy has finished loading (see :mod:`qcode.tui.access`). Nothing here imports
SQLAlchemy at import time.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from qcode.attributes import attribute_text
from qcode.coding.types import (
    CodeInfo,
    CoderRef,
    CodeViewRow,
    DocumentInfo,
    Progress,
    SegmentInfo,
    Transcript,
)

if TYPE_CHECKING:
    from sqlalchemy import TextClause
    from sqlalchemy.orm import Session

#: Where reads run: a session (SQLite or PostgreSQL), or a bare connection to a SQLite project.
Source: TypeAlias = "Session | sqlite3.Connection"

__all__ = [
    "Source",
    "code_view",
    "codebook",
    "compare_document",
    "document_attributes",
    "document_progress",
    "documents_with",
    "find_coder",
    "list_coders",
    "list_documents",
    "load_transcript",
    "project_guid",
    "resume_point",
    "select_rows",
]

_CLAUSES: dict[str, TextClause] = {}


def _rows(source: Source, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Run one SELECT on either kind of source; rows as plain tuples."""
    if isinstance(source, sqlite3.Connection):
        return source.execute(sql, dict(params or {})).fetchall()
    clause = _CLAUSES.get(sql)
    if clause is None:
        from sqlalchemy import text

        clause = _CLAUSES[sql] = text(sql)
    return [tuple(row) for row in source.execute(clause, dict(params or {}))]


#: Public name of the one-SELECT runner, for other read-only modules (e.g. :mod:`qcode.suggest.queries`).
select_rows = _rows


def _in(name: str, values: Sequence[int]) -> tuple[str, dict[str, int]]:
    """``(:name0, :name1, …)`` and its parameters (an empty list matches nothing)."""
    if not values:
        return "(NULL)", {}
    params = {f"{name}{i}": int(v) for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params


def _json(value: Any) -> Any:
    """A JSON column's value: SQLite hands back text, PostgreSQL's driver the decoded value."""
    return json.loads(value) if isinstance(value, str) else value


def _attrs(raw: Any) -> dict[str, str]:
    decoded = _json(raw) or {}
    return {str(k): attribute_text(v) for k, v in decoded.items() if v is not None and v != ""}


def project_guid(source: Source) -> str | None:
    """The project's GUID, or ``None`` where the database holds no project yet."""
    rows = _rows(source, 'SELECT value FROM settings WHERE "key" = :key', {"key": "project_guid"})
    return str(rows[0][0]) if rows else None


def find_coder(source: Source, name: str) -> CoderRef | None:
    """The coder called exactly ``name`` (surrounding blanks ignored), if registered."""
    rows = _rows(source, "SELECT id, guid, name, role FROM coders WHERE name = :name", {"name": name.strip()})
    return CoderRef(*rows[0]) if rows else None


def list_coders(source: Source) -> list[CoderRef]:
    """Every registered coder, by name."""
    return [CoderRef(*row) for row in _rows(source, "SELECT id, guid, name, role FROM coders ORDER BY name")]


def list_documents(source: Source, *, attributes: bool = True) -> list[DocumentInfo]:
    """Every document in import order, without its text (and, if asked, without its attributes).

    On SQLite the attributes column lies after the text, in overflow pages, so reading it walks
    every document's text: on a large corpus leave them out and fetch :func:`document_attributes`
    for the documents on screen.
    """
    if not attributes:
        rows = _rows(source, "SELECT id, guid, name, title, content_hash FROM documents ORDER BY id")
        return [DocumentInfo(i, guid, name, title, {}, digest) for i, guid, name, title, digest in rows]
    rows = _rows(source, "SELECT id, guid, name, title, content_hash, attributes FROM documents ORDER BY id")
    return [
        DocumentInfo(i, guid, name, title, _attrs(raw), digest) for i, guid, name, title, digest, raw in rows
    ]


def document_attributes(source: Source, ids: Sequence[int] | None = None) -> dict[int, dict[str, str]]:
    """Attributes of the documents given (all if ``None``), by document id."""
    if ids is None:
        rows = _rows(source, "SELECT id, attributes FROM documents")
    else:
        among, params = _in("doc", ids)
        rows = _rows(source, f"SELECT id, attributes FROM documents WHERE id IN {among}", params)
    return {doc_id: _attrs(raw) for doc_id, raw in rows}


def documents_with(documents: Sequence[DocumentInfo], key: str, value: str) -> list[int]:
    """Ids of the documents whose attribute ``key`` equals ``value`` (case-insensitive)."""
    value = value.casefold()
    return [d.id for d in documents if d.attributes.get(key, "").casefold() == value]


def document_progress(source: Source, coder_id: int) -> dict[int, Progress]:
    """Segments coded (with at least one code) by this coder, and in all, per document id.

    This scans the segments index once; the TUI runs it in a worker thread.
    """
    totals = dict(_rows(source, "SELECT document_id, count(*) FROM segments GROUP BY document_id"))
    coded = dict(
        _rows(
            source,
            "SELECT s.document_id, count(DISTINCT c.segment_id) FROM codings c"
            " JOIN segments s ON s.id = c.segment_id"
            " WHERE c.coder_id = :coder GROUP BY s.document_id",
            {"coder": coder_id},
        )
    )
    return {doc: Progress(coded.get(doc, 0), total) for doc, total in totals.items()}


def codebook(source: Source) -> list[CodeInfo]:
    """Every code in tree order (parents before children, siblings by ordinal), with its depth."""
    rows = _rows(
        source,
        'SELECT id, guid, "key", name, parent_id, description, inclusion, exclusion, keywords, colour,'
        " hotkey, example_text, example_interviewee, codable FROM codes ORDER BY ordinal, name",
    )
    children: dict[int | None, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        children[row[4]].append(row)
    out: list[CodeInfo] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            code_id, guid, key, name, parent_id, desc, incl, excl, keywords, colour, hotkey, ex, who, ok = c
            out.append(
                CodeInfo(
                    code_id,
                    guid,
                    key,
                    name,
                    parent_id,
                    depth,
                    desc,
                    incl,
                    excl,
                    tuple(str(k) for k in (_json(keywords) or [])),
                    colour or "#888888",  # codes from other programs may have none (as CodeInfo)
                    hotkey,
                    ex,
                    who,
                    bool(ok),
                )
            )
            walk(code_id, depth + 1)

    walk(None, 0)
    return out


def resume_point(source: Source, coder_id: int) -> tuple[int, int] | None:
    """Where this coder left off: (document id, segment ordinal) of their latest coding, if any."""
    rows = _rows(
        source,
        "SELECT s.document_id, s.ordinal FROM segments s JOIN codings c ON c.segment_id = s.id"
        " WHERE c.id = (SELECT max(id) FROM codings WHERE coder_id = :coder)",
        {"coder": coder_id},
    )
    return None if not rows else (rows[0][0], rows[0][1])


def coded_codes(source: Source, coder_id: int) -> set[int]:
    """Ids of the codes this coder has applied at least once."""
    rows = _rows(source, "SELECT DISTINCT code_id FROM codings WHERE coder_id = :coder", {"coder": coder_id})
    return {row[0] for row in rows}


_IN_DOC = "(SELECT id FROM segments WHERE document_id = :doc)"
_SEGMENTS = (
    "SELECT s.id, s.ordinal, p.ordinal, p.section, p.speaker, s.text, s.start FROM segments s"
    " JOIN passages p ON p.id = s.passage_id WHERE s.document_id = :doc ORDER BY s.ordinal"
)
_CODINGS = (
    'SELECT segment_id, code_id, start, "end" FROM codings'
    f" WHERE coder_id = :coder AND segment_id IN {_IN_DOC}"
)
_MEMOS = f"SELECT segment_id, text FROM memos WHERE coder_id = :coder AND segment_id IN {_IN_DOC} ORDER BY id"


def load_transcript(source: Source, document: DocumentInfo, coder_id: int) -> Transcript:
    """A document's segments with their passages, and this coder's codings and memos on them only."""
    params = {"doc": document.id, "coder": coder_id}
    segments = tuple(map(SegmentInfo._make, _rows(source, _SEGMENTS, params)))
    sets: dict[int, set[int]] = defaultdict(set)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for seg_id, code_id, start, end in _rows(source, _CODINGS, params):
        sets[seg_id].add(code_id)
        if start is not None and end is not None:
            spans[(seg_id, code_id)] = (start, end)
    memos: dict[int, str] = {}
    for memo_seg, text in _rows(source, _MEMOS, params):
        if memo_seg is not None:
            memos.setdefault(memo_seg, text)
    return Transcript(document, segments, {k: frozenset(v) for k, v in sets.items()}, memos, spans)


def code_view(
    source: Source,
    code_id: int,
    coder_ids: Sequence[int] | None = None,
    document_ids: Sequence[int] | None = None,
    documents: Sequence[DocumentInfo] | None = None,
) -> list[CodeViewRow]:
    """Every segment coded with ``code_id`` (by the coders given, in the documents given), in corpus order.

    Attributes come from ``documents`` (the list the caller already holds) or one extra query: reading
    them in the join would make SQLite walk every document's text for each row.
    """
    where = ["c.code_id = :code"]
    params: dict[str, int] = {"code": code_id}
    if coder_ids is not None:
        among, extra = _in("coder", coder_ids)
        where.append(f"c.coder_id IN {among}")
        params.update(extra)
    if document_ids is not None:
        among, extra = _in("doc", document_ids)
        where.append(f"s.document_id IN {among}")
        params.update(extra)
    rows = _rows(
        source,
        "SELECT s.document_id, d.name, s.id, s.ordinal, p.ordinal, p.section, s.text, k.name, c.memo"
        " FROM codings c JOIN segments s ON s.id = c.segment_id"
        " JOIN passages p ON p.id = s.passage_id JOIN documents d ON d.id = s.document_id"
        " JOIN coders k ON k.id = c.coder_id"
        f" WHERE {' AND '.join(where)} ORDER BY s.document_id, s.ordinal, k.name",
        params,
    )
    attrs = {d.id: d.attributes for d in (documents if documents is not None else list_documents(source))}
    return [
        CodeViewRow(doc_id, name, attrs.get(doc_id, {}), seg_id, ordinal, passage, section, text, coder, memo)
        for doc_id, name, seg_id, ordinal, passage, section, text, coder, memo in rows
    ]


def compare_document(source: Source, document_id: int) -> dict[int, dict[str, frozenset[int]]]:
    """Every coder's codes per segment of a document: segment id → coder name → code ids."""
    rows = _rows(
        source,
        "SELECT c.segment_id, k.name, c.code_id FROM codings c JOIN coders k ON k.id = c.coder_id"
        f" WHERE c.segment_id IN {_IN_DOC}",
        {"doc": document_id},
    )
    sets: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for seg_id, coder, code_id in rows:
        sets[seg_id][coder].add(code_id)
    return {seg: {c: frozenset(ids) for c, ids in by.items()} for seg, by in sets.items()}
