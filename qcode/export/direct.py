"""The long coded-segment export of a SQLite project through the standard library's ``sqlite3``.

Loading SQLAlchemy and the models costs more CPU than SQLite spends rendering 100,000 codings,
so ``qcode export segments`` on a SQLite file reads through the read-only connection of
:mod:`qcode.store.probe` instead, and SQLite renders each record (:mod:`qcode.export.sqlite_render`,
the same query :func:`qcode.export.service.coded_segment_rows` runs). It covers the long format
with coder and code filters; queries, ``--where``, the wide format and pseudonyms go through
:mod:`qcode.export.service`. Standard library only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence

from qcode.export import sqlite_render
from qcode.export.shape import (
    Chunk,
    RowStream,
    attribute_keys_of,
    coder_ids_named,
    codes_with_descendants,
    long_header,
)

#: Records fetched per chunk: about 250 kB, reused from chunk to chunk (20,000-row chunks of
#: finished records made the process fault in three times the memory, 13,600 pages against 5,000
#: at 100,000 codings, for no fewer instructions).
RECORD_ROWS = 1_000


def long_rows(
    conn: sqlite3.Connection,
    coders: Sequence[str] = (),
    codes: Sequence[str] = (),
    *,
    guard: bool = True,
    chunk_rows: int = RECORD_ROWS,
) -> RowStream | None:
    """One finished CSV record per coding (as :func:`qcode.export.service.coded_segment_rows`).

    ``None`` when a text holds a NUL character, which the rendering query cannot carry: the
    portable path exports such a project. Read inside one transaction, so the count, the header
    and the rows agree.

    Raises:
        NotFoundError: a coder or code is unknown.
    """
    if conn.execute(sqlite_render.NUL_CHECK).fetchone()[0]:
        return None
    coder_ids = coder_ids_named(conn.execute("SELECT id, name FROM coders"), coders) if coders else None
    code_ids = None
    if codes:
        rows = conn.execute("SELECT id, key, name, parent_id FROM codes ORDER BY ordinal, key").fetchall()
        code_ids = tuple(sorted(codes_with_descendants(rows, codes)))
    keys = attribute_keys_of(
        json.loads(text) if text is not None else None
        for (text,) in conn.execute("SELECT attributes FROM documents ORDER BY name")
    )
    segment_memos = bool(conn.execute(sqlite_render.SEGMENT_MEMOS).fetchone()[0])
    query = sqlite_render.build(
        keys, guard=guard, coder_ids=coder_ids, code_ids=code_ids, segment_memos=segment_memos
    )
    where = sqlite_render.filter_clause(coder_ids, code_ids)
    total = conn.execute(f"SELECT count(*) FROM codings AS c {where}").fetchone()[0]
    chunks = _chunks(conn, query.render, chunk_rows)
    return RowStream(long_header(keys), int(total), chunks, rendered=True, guard=guard, guarded=guard)


def _chunks(conn: sqlite3.Connection, sql: str, size: int) -> Iterator[Chunk]:
    """The records as UTF-8 bytes (never decoded: the writer passes them to the file as they are)."""
    factory = conn.text_factory
    conn.text_factory = bytes
    cursor = conn.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()
        conn.text_factory = factory
