"""Queries behind the CSV exports: coded segments long (one row per coding) and wide (per segment).

The long export streams straight from the database cursor (the raw DBAPI cursor on SQLite,
a server-side cursor elsewhere) in chunks of plain tuples, with the spreadsheet-formula guard
computed by the database, so no ORM object is built per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, aliased

from qcode.attributes import attribute_text
from qcode.coding.selection import code_ancestors
from qcode.export import sqlite_render
from qcode.export.files import FORMULA_TRIGGERS, neutralise
from qcode.export.shape import (
    CHUNK_ROWS,
    LONG_COLUMNS,
    MEMO_BREAK,
    SEGMENT_COLUMNS,
    Chunk,
    RowStream,
    attribute_columns,
    attribute_keys_of,
    coder_ids_named,
    codes_with_descendants,
    long_header,
)
from qcode.export.shape import write_stream as write_stream  # the writer callers take from here
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment


@dataclass(frozen=True)
class ExportFilter:
    """Which codings to export: ``None`` means all coders / all codes."""

    coder_ids: tuple[int, ...] | None = None
    code_ids: tuple[int, ...] | None = None
    #: Only the segments a query and ``--where`` conditions select (:mod:`qcode.query.service`).
    segments: Select[Any] | None = None
    #: The documents ``--where`` conditions keep (``None``: every document).
    document_ids: tuple[int, ...] | None = None


#: No restriction: every coder, every code.
ALL = ExportFilter()


def resolve_filter(
    session: Session,
    coders: Sequence[str] = (),
    codes: Sequence[str] = (),
    *,
    query: str | None = None,
    where: Sequence[str] = (),
) -> ExportFilter:
    """Turn coder names and code keys or names into ids; a code brings its sub-codes along.

    ``query`` and ``where`` (see ``docs/queries.md``) keep only the segments they select; the
    query's codes count as applied by the chosen coders.

    Raises:
        NotFoundError: a coder, code or attribute is unknown (all unknown ones are named).
        QueryError: the query is malformed.
    """
    coder_ids: tuple[int, ...] | None = None
    if coders:
        coder_ids = coder_ids_named(session.execute(select(Coder.id, Coder.name)).all(), coders)
    code_ids: tuple[int, ...] | None = None
    if codes:
        code_ids = tuple(sorted(expand_codes(session, codes)))
    from qcode.query.service import resolve_scope

    scope = resolve_scope(session, query, where, coder_ids)
    if scope is None:
        return ExportFilter(coder_ids, code_ids)
    return ExportFilter(coder_ids, code_ids, scope.segments, scope.document_ids)


def expand_codes(session: Session, codes: Sequence[str]) -> list[int]:
    """Ids of the named codes (by key, else name, case-insensitively), each followed by its
    descendants depth-first in codebook order; a code named twice appears once."""
    rows = session.execute(
        select(Code.id, Code.key, Code.name, Code.parent_id).order_by(Code.ordinal, Code.key)
    ).all()
    return codes_with_descendants(rows, codes)


def attribute_keys(session: Session) -> list[str]:
    """Every document attribute key, in order of first appearance (documents by name)."""
    return attribute_keys_of(session.scalars(select(Document.attributes).order_by(Document.name)))


def _guard(col: ColumnElement[Any], on: bool) -> ColumnElement[Any]:
    if not on:
        return col
    first = func.substr(func.ltrim(col, "'"), 1, 1)
    return case((first.in_(FORMULA_TRIGGERS), literal("'") + col), else_=col)


def _timestamp(col: Any, dialect: str) -> ColumnElement[Any]:
    """ISO 8601 in UTC with microseconds and ``Z``, formatted by the database."""
    if dialect == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        return func.replace(col, " ", "T") + literal("Z")
    return func.to_char(func.timezone("UTC", col), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')


def _where(flt: ExportFilter) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = []
    if flt.coder_ids is not None:
        cond.append(Coding.coder_id.in_(flt.coder_ids))
    if flt.code_ids is not None:
        cond.append(Coding.code_id.in_(flt.code_ids))
    if flt.segments is not None:
        cond.append(Coding.segment_id.in_(flt.segments))
    return cond


def _memo(coding: Any, segment: Any) -> ColumnElement[Any]:
    """The ``memo`` cell: :func:`qcode.export.shape.memo_cell` in SQL."""
    return case(
        (segment.is_(None), coding),
        (coding.is_(None) | (coding == segment), segment),
        else_=coding + literal(MEMO_BREAK) + segment,
    )


def long_select(dialect: str, keys: Sequence[str], flt: ExportFilter, *, guard: bool = True) -> Select[Any]:
    """The join behind the long export (one row per coding), columns as :func:`long_header`."""
    group = aliased(Code)
    on_segment = aliased(Memo)  # the coder's memo on the coding's segment
    text_cols = [
        Document.name,
        *(Document.attributes[k].as_string() for k in keys),
        Passage.section,
        Passage.speaker,
        Segment.text,
        Code.key,
        Code.name,
        group.key,
        Coder.name,
        _memo(Coding.memo, on_segment.text),
    ]
    g = [_guard(c, guard) for c in text_cols]
    n = len(keys)
    columns = [
        g[0],
        *g[1 : 1 + n],
        Passage.ordinal,
        g[1 + n],
        g[2 + n],
        Passage.start_ms,
        Passage.end_ms,
        Segment.ordinal,
        Segment.start,
        Segment.end,
        g[3 + n],
        *g[4 + n :],
        _timestamp(Coding.created_at, dialect),
        Coding.start,
        Coding.end,
    ]
    return (
        select(*columns)
        .select_from(Coding)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Passage, Passage.id == Segment.passage_id)
        .join(Document, Document.id == Segment.document_id)
        .join(Code, Code.id == Coding.code_id)
        .outerjoin(group, group.id == Code.parent_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .outerjoin(
            on_segment,
            and_(on_segment.coder_id == Coding.coder_id, on_segment.segment_id == Coding.segment_id),
        )
        .where(and_(True, *_where(flt)))
        .order_by(Document.name, Segment.ordinal, Code.ordinal, Code.key, Coder.name)
    )


def long_sql(session: Session, flt: ExportFilter = ALL, *, guard: bool = True) -> str:
    """The long export's join as plain columns, values inlined (the benchmark gives it to ``sqlite3``)."""
    dialect = session.get_bind().dialect
    keys = attribute_keys(session)
    if dialect.name == "sqlite":
        return _render_query(session, keys, flt, guard).columns
    stmt = long_select(dialect.name, keys, flt, guard=guard)
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def count_codings(session: Session, flt: ExportFilter = ALL) -> int:
    """How many codings pass the filter."""
    return session.scalar(select(func.count()).select_from(Coding).where(and_(True, *_where(flt)))) or 0


def coded_segment_rows(
    session: Session,
    flt: ExportFilter = ALL,
    *,
    guard: bool = True,
    chunk_rows: int = CHUNK_ROWS,
    render: bool = True,
) -> RowStream:
    """The long format: one row per coding, streamed in chunks.

    On SQLite (unless ``render`` is false, or a text holds a NUL character) each row is a
    finished CSV record rendered by the database (``sqlite_render``); elsewhere rows are tuples
    for the ``csv`` module.
    """
    keys = attribute_keys(session)
    total = count_codings(session, flt)
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite" and render and not session.scalar(sql_text(sqlite_render.NUL_CHECK)):
        query = _render_query(session, keys, flt, guard)
        return RowStream(
            long_header(keys),
            total,
            _raw_chunks(session, query.render, chunk_rows, as_bytes=True),
            rendered=True,
            guard=guard,
            guarded=guard,
        )
    stmt = long_select(dialect.name, keys, flt, guard=guard)
    if dialect.name == "sqlite":
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        chunks = _raw_chunks(session, sql, chunk_rows)
    else:
        chunks = _core_chunks(session, stmt, chunk_rows)
    return RowStream(long_header(keys), total, chunks, guard=guard, guarded=guard)


def _render_query(
    session: Session, keys: Sequence[str], flt: ExportFilter, guard: bool
) -> sqlite_render.Query:
    segments = None
    if flt.segments is not None:
        dialect = session.get_bind().dialect
        segments = str(flt.segments.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return sqlite_render.build(
        keys,
        guard=guard,
        coder_ids=flt.coder_ids,
        code_ids=flt.code_ids,
        segment_sql=segments,
        segment_memos=bool(session.scalar(sql_text(sqlite_render.SEGMENT_MEMOS))),
    )


def _raw_chunks(session: Session, sql: str, size: int, *, as_bytes: bool = False) -> Iterator[Chunk]:
    """Rows straight from the DBAPI cursor; ``as_bytes`` skips decoding text (rendered records)."""
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    factory = dbapi.text_factory
    cursor = dbapi.cursor()
    try:
        if as_bytes:
            dbapi.text_factory = bytes
        cursor.execute(sql)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()
        dbapi.text_factory = factory


def _core_chunks(session: Session, stmt: Select[Any], size: int) -> Iterator[Chunk]:
    result = session.connection().execution_options(stream_results=True, yield_per=size).execute(stmt)
    try:
        yield from result.partitions()
    finally:
        result.close()


def _cell(value: Any) -> str:
    return attribute_text(value)


_UNSAFE = re.compile(r"[^0-9A-Za-z_]+")


def wide_column(code_key: str, coder: str) -> str:
    """A column name statistics packages accept: ``bribery__Alice_Kim``."""
    name = _UNSAFE.sub("_", f"{code_key}__{coder}").strip("_") or "code"
    return name if name[0].isalpha() else f"c_{name}"


def wide_segment_rows(session: Session, flt: ExportFilter = ALL, *, guard: bool = True) -> RowStream:
    """The wide format: every segment, one 0/1 column per code and coder.

    A group code's column aggregates the codes under it: 1 where the coder applied the group or any
    code below it (see :func:`qcode.coding.selection.code_ancestors`).
    """
    keys = attribute_keys(session)
    codes = session.execute(
        select(Code.id, Code.key)
        .where(and_(True, *([Code.id.in_(flt.code_ids)] if flt.code_ids else [])))
        .order_by(Code.ordinal, Code.key)
    ).all()
    coder_q = select(Coder.id, Coder.name).order_by(Coder.name)
    if flt.coder_ids is not None:
        coder_q = coder_q.where(Coder.id.in_(flt.coder_ids))
    else:
        coder_q = coder_q.where(Coder.id.in_(select(Coding.coder_id).distinct()))
    coders = session.execute(coder_q).all()
    pairs: dict[tuple[int, int], int] = {}
    names: list[str] = []
    for code_id, key in codes:
        for coder_id, coder in coders:
            name = wide_column(key, coder)
            while name in names or name in LONG_COLUMNS:
                name += "_"
            pairs[(code_id, coder_id)] = len(names)
            names.append(name)
    marks: dict[int, list[int]] = {}
    above = code_ancestors(session)  # a group's column is 1 where any code under it is applied
    for seg_id, code_id, coder_id in session.execute(
        select(Coding.segment_id, Coding.code_id, Coding.coder_id).where(and_(True, *_where(flt)))
    ):
        for group_or_self in above.get(code_id, (code_id,)):
            col = pairs.get((group_or_self, coder_id))
            if col is not None:
                marks.setdefault(seg_id, []).append(col)
    counted = select(func.count()).select_from(Segment)
    if flt.segments is not None:
        counted = counted.where(Segment.id.in_(flt.segments))
    total = session.scalar(counted) or 0
    header = ("document", *attribute_columns(keys), *SEGMENT_COLUMNS, *names)
    chunks = _wide_chunks(session, keys, marks, len(names), guard, flt.segments)
    return RowStream(header, total, chunks, guard=guard, guarded=guard)


def _wide_chunks(
    session: Session,
    keys: Sequence[str],
    marks: dict[int, list[int]],
    width: int,
    guard: bool,
    segments: Select[Any] | None = None,
) -> Iterator[Chunk]:
    fix = neutralise if guard else str
    stmt = (
        select(
            Segment.id,
            Document.name,
            Document.attributes,
            Passage.ordinal,
            Passage.section,
            Passage.speaker,
            Passage.start_ms,
            Passage.end_ms,
            Segment.ordinal,
            Segment.start,
            Segment.end,
            Segment.text,
        )
        .join(Passage, Passage.id == Segment.passage_id)
        .join(Document, Document.id == Segment.document_id)
        .order_by(Document.name, Segment.ordinal)
    )
    if segments is not None:
        stmt = stmt.where(Segment.id.in_(segments))
    attr_cache: dict[str, list[str]] = {}
    chunk: list[list[Any]] = []
    for row in session.execute(stmt):
        seg_id, doc, attrs, p_ord, section, speaker, t0, t1, ordinal, start, end, text = row
        if doc not in attr_cache:
            attr_cache[doc] = [fix(_cell((attrs or {}).get(k))) for k in keys]
        flags = [0] * width
        for col in marks.get(seg_id, ()):
            flags[col] = 1
        chunk.append(
            [fix(doc), *attr_cache[doc], p_ord, fix(section), fix(speaker or ""), t0, t1, ordinal, start, end,
             fix(text), *flags]
        )
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
