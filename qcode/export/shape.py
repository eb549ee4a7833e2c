"""What the coded-segment exports share, whichever way they read the database.

The columns and header of the long format, the row stream and its one writer, and the filters
resolved from plain rows (coder names, codes with their sub-codes). Pure: no database, no I/O,
so both :mod:`qcode.export.service` (SQLAlchemy) and :mod:`qcode.export.direct` (``sqlite3``) use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from qcode.export.tables import write_csv
from qcode.names import Names

#: Rows fetched from the cursor per chunk.
CHUNK_ROWS = 20_000
#: Fixed columns of the long format, in order; document attributes go after ``document``.
#: ``speaker`` is the passage's (a turn's); ``start_ms``/``end_ms`` place a timed passage (subtitles).
SEGMENT_COLUMNS: tuple[str, ...] = (
    "passage", "section", "speaker", "start_ms", "end_ms", "segment", "start", "end", "text",
)
#: ``coding_start``/``coding_end`` are the coding's exact span in the document's text when it covers
#: less than its segment (a selection made in another program, or narrowed by the coder); empty
#: when it covers the whole segment (then ``start``/``end`` are its span).
CODING_COLUMNS: tuple[str, ...] = (
    "code", "code_name", "code_group", "coder", "memo", "coded_at", "coding_start", "coding_end",
)  # fmt: skip
LONG_COLUMNS: tuple[str, ...] = ("document", *SEGMENT_COLUMNS, *CODING_COLUMNS)
Chunk = Sequence[Sequence[Any]]

#: Between a coding's own memo and its coder's memo on the segment, where the ``memo`` cell holds both.
MEMO_BREAK = "\n\n"


def memo_cell(coding: str | None, segment: str | None) -> str | None:
    """The ``memo`` cell of a coding: what its coder wrote about it.

    A coder writes memos on a segment (``m`` in the coding screen); imports and adjudication give a
    coding a memo of its own. The cell holds the coding's memo, then a blank line, then the coder's
    memo on the segment; either alone where there is one, once where they are the same text. Each
    of the segment's codings by that coder carries the segment memo. The SQL of
    :mod:`qcode.export.service` and :mod:`qcode.export.sqlite_render` computes the same.
    """
    if segment is None or coding == segment:
        return coding if segment is None else segment
    return segment if coding is None else coding + MEMO_BREAK + segment


def coding_memo_in(cell: str | None, segment: str | None) -> str | None:
    """The coding's own memo in a ``memo`` cell, given its coder's memo on the segment (read back)."""
    if cell is None or segment is None:
        return cell
    if cell == segment:
        return None
    return cell.removesuffix(MEMO_BREAK + segment)


@dataclass(frozen=True)
class RowStream:
    """A table on its way out: the header, the row count and the rows in chunks (read once)."""

    header: tuple[str, ...]
    total: int
    chunks: Iterator[Chunk]
    #: Each row is one finished CSV record (SQLite renders the long format itself).
    rendered: bool = False
    #: Whether formula cells are to be neutralised (``False``: the user asked for ``--raw``).
    guard: bool = True
    #: The formula guard was applied where the rows were made (see :func:`qcode.export.tables.write_csv`).
    guarded: bool = False


def write_stream(fh: IO[str], stream: RowStream, progress: Callable[[int], None] | None = None) -> int:
    """Write ``stream`` through the one guarded CSV writer; returns the number of rows."""
    return write_csv(
        fh,
        stream.header,
        stream.chunks,
        guarded=stream.guarded,
        raw=not stream.guard,
        rendered=stream.rendered,
        progress=progress,
    )


def attribute_columns(keys: Sequence[str]) -> list[str]:
    """Column names for attributes: the key itself unless a fixed column has that name."""
    return [f"document_{k}" if k in LONG_COLUMNS else k for k in keys]


def long_header(keys: Sequence[str]) -> tuple[str, ...]:
    """Header of the long format for these attribute keys."""
    return ("document", *attribute_columns(keys), *SEGMENT_COLUMNS, *CODING_COLUMNS)


def attribute_keys_of(attributes: Iterable[dict[str, Any] | None]) -> list[str]:
    """Every key of the documents' attributes (given in document-name order), in order of first appearance."""
    keys: dict[str, None] = {}
    for attrs in attributes:
        keys.update(dict.fromkeys(attrs or {}))
    return list(keys)


def coder_ids_named(coders: Iterable[tuple[int, str]], names: Sequence[str]) -> tuple[int, ...]:
    """Ids of the coders ``names`` name, from ``(id, name)`` rows, sorted.

    Raises:
        NotFoundError: a name matches no coder (all unknown ones are named).
    """
    everyone = Names("coder", [(n, i) for i, n in coders])
    return tuple(sorted(set(everyone.find_all(names))))


def codes_with_descendants(
    rows: Sequence[tuple[int, str, str, int | None]], codes: Sequence[str]
) -> list[int]:
    """Ids of the named codes (by key, else name, case-insensitively), each followed by its
    descendants depth-first in codebook order; a code named twice appears once.

    ``rows`` are ``(id, key, name, parent_id)`` in codebook order (ordinal, then key).

    Raises:
        NotFoundError: a name matches no code.
    """
    lookup = Names("code", [(k, i) for i, k, _n, _p in rows] + [(n, i) for i, _k, n, _p in rows])
    named = lookup.find_all(codes)
    children: dict[int | None, list[int]] = {}
    for i, _k, _n, parent in rows:
        children.setdefault(parent, []).append(i)
    out: dict[int, None] = {}
    for code_id in named:
        todo = [code_id]
        while todo:
            cid = todo.pop()
            if cid not in out:
                out[cid] = None
                todo.extend(reversed(children.get(cid, [])))
    return list(out)
