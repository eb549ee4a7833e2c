"""The long CSV export on SQLite, rendered by SQLite itself: one finished CSV record per row.

Python's per-cell work (building objects for 16 cells, then the csv module quoting them) costs
more than the query; here SQLite applies the formula guard and RFC 4180 quoting (exactly the
``csv`` module's ``QUOTE_MINIMAL``: quote a cell holding ``,``, ``"``, CR or LF, double the
quotes) and Python only writes the lines. Per-document, per-code and per-coder cells are
rendered once in materialized CTEs. The join order is fixed (``CROSS JOIN``) so rows stream in
output order: documents by name, their segments by ordinal, then each segment's few codings
sorted by code and coder, with no sort of the whole result.

Per row, SQLite's cost is in the string functions, so the record is built the cheap way: one
``printf`` (one buffer, where each ``||`` copies the record so far), and the quoting test of the
long cells (section, segment text) by ``LIKE '%,%'``, which SQLite runs as a ``strcspn`` scan,
where each ``instr`` compares byte by byte. Both ``printf``'s ``%s`` and ``LIKE`` stop at a NUL
character, so a project holding one in a text the rows repeat must not use this query
(:data:`NUL_CHECK`); a memo, the one per-coding text, keeps the exact ``instr`` test and ``||``.
The ``memo`` cell joins the coding's own memo and its coder's memo on the segment
(:func:`qcode.export.shape.memo_cell`); without segment memos the join is left out.

:func:`build` also gives the same join with plain columns (``columns``), which the benchmark
hands to the ``sqlite3`` shell. Pure string building; the output is checked against the
portable path (SQLAlchemy Core + ``csv``) byte for byte in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Code points of ``=``, ``+``, ``-``, ``@``, tab and CR: a spreadsheet runs such a cell.
_TRIGGERS = "(61, 43, 45, 64, 9, 13)"
_NEEDS_QUOTES = "(instr({x}, ',') OR instr({x}, '\"') OR instr({x}, '\n') OR instr({x}, '\r'))"
#: The same test by ``LIKE``: a ``strcspn`` scan per character, several times faster, blind past a NUL.
_NEEDS_QUOTES_FAST = "({x} LIKE '%,%' OR {x} LIKE '%\"%' OR {x} LIKE '%\n%' OR {x} LIKE '%\r%')"
#: True when a text that :func:`build`'s record passes to ``printf`` or ``LIKE`` holds a NUL
#: character (``json_each`` decodes ``\u0000`` in an attribute to one); such a project is exported
#: by the portable path instead.
NUL_CHECK = (
    "SELECT EXISTS (SELECT 1 FROM segments WHERE instr(text, char(0)))"
    " OR EXISTS (SELECT 1 FROM passages WHERE instr(section, char(0)) OR instr(speaker, char(0)))"
    " OR EXISTS (SELECT 1 FROM documents WHERE instr(name, char(0)) OR instr(attributes, '\\u0000'))"
    " OR EXISTS (SELECT 1 FROM codes WHERE instr(key, char(0)) OR instr(name, char(0)))"
    " OR EXISTS (SELECT 1 FROM coders WHERE instr(name, char(0)))"
)


#: True when some coder wrote a memo on a segment (else the records need no join to the memos).
SEGMENT_MEMOS = "SELECT EXISTS (SELECT 1 FROM memos WHERE segment_id IS NOT NULL)"
#: The coder's memo on the coding's segment, joined after the codings (at most one: unique per coder).
_MEMO_JOIN = "LEFT JOIN memos AS m ON m.coder_id = c.coder_id AND m.segment_id = c.segment_id\n"
#: The ``memo`` cell: :func:`qcode.export.shape.memo_cell` in SQL (``char(10, 10)``: its blank line).
_MEMO = (
    "(CASE WHEN m.text IS NULL THEN c.memo WHEN c.memo IS NULL OR c.memo = m.text THEN m.text"
    " ELSE c.memo || char(10, 10) || m.text END)"
)


@dataclass(frozen=True)
class Query:
    """The rendering query (one column: a CSV record) and the same join as plain columns."""

    render: str
    columns: str


def literal(value: str) -> str:
    """An SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _quoted(x: str, *, fast: bool = False) -> str:
    need = (_NEEDS_QUOTES_FAST if fast else _NEEDS_QUOTES).format(x=x)
    return f"CASE WHEN {need} THEN '\"' || replace({x}, '\"', '\"\"') || '\"' ELSE {x} END"


def _guarded(x: str) -> str:
    """``'`` before a formula-like cell (also before ``'…=``, so the guard can be undone exactly)."""
    risky = f"unicode({x}) <> 39 OR unicode(ltrim({x}, '''')) IN {_TRIGGERS}"
    return f"CASE WHEN unicode({x}) IN {_TRIGGERS[:-1]}, 39) AND ({risky}) THEN '''' || {x} ELSE {x} END"


def cell(x: str, *, guard: bool, quote: bool, fast: bool = False) -> str:
    """SQL for one text cell: guarded and/or CSV-quoted; NULL becomes empty when quoting.

    ``fast`` tests for quoting with ``LIKE`` (only for texts :data:`NUL_CHECK` covers).
    """
    out = _guarded(x) if guard else x
    if not quote:
        return out
    if guard:  # the common case (no trigger) quotes the column itself, not a copy
        need = f"unicode({x}) IN {_TRIGGERS[:-1]}, 39)"
        out = f"CASE WHEN {need} THEN {_quoted(f'({out})', fast=fast)} ELSE {_quoted(x, fast=fast)} END"
    else:
        out = _quoted(x, fast=fast)
    return f"ifnull({out}, '')"


def _attribute(key: str) -> str:
    # a JSON true/false reads as 1/0 in SQLite: say it as PostgreSQL and the other exports do
    value = "CASE type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE value END"
    return f"(SELECT {value} FROM json_each(documents.attributes) WHERE key = {literal(key)})"


def filter_clause(
    coder_ids: Sequence[int] | None, code_ids: Sequence[int] | None, segment_sql: str | None = None
) -> str:
    """``WHERE …`` on the codings (alias ``c``) for these filters, or nothing when there are none."""
    cond = []
    if coder_ids is not None:
        cond.append(f"c.coder_id IN ({', '.join(str(int(i)) for i in coder_ids) or 'NULL'})")
    if code_ids is not None:
        cond.append(f"c.code_id IN ({', '.join(str(int(i)) for i in code_ids) or 'NULL'})")
    if segment_sql is not None:
        cond.append(f"c.segment_id IN ({segment_sql})")
    return f"WHERE {' AND '.join(cond)}\n" if cond else ""


_JOIN = (
    "FROM documents CROSS JOIN segments AS s ON s.document_id = documents.id\n"
    "CROSS JOIN passages AS p ON p.id = s.passage_id\n"
    "CROSS JOIN codings AS c ON c.segment_id = s.id\n"
    "CROSS JOIN dd ON dd.id = documents.id\n"
    "CROSS JOIN cc ON cc.id = c.code_id CROSS JOIN kk ON kk.id = c.coder_id\n"
)
_ORDER = "ORDER BY documents.name, s.ordinal, cc.ordinal, cc.okey, kk.oname"
_CODES = "FROM codes LEFT JOIN codes AS parent ON parent.id = codes.parent_id"
_CODE_KEYS = "codes.id AS id, codes.ordinal AS ordinal, codes.key AS okey"
_CODER_KEYS = "coders.id AS id, coders.name AS oname"
_STAMP_BARE = "replace(c.created_at, ' ', 'T')"
_STAMP = f"{_STAMP_BARE} || 'Z'"


def build(
    keys: Sequence[str],
    *,
    guard: bool = True,
    coder_ids: Sequence[int] | None = None,
    code_ids: Sequence[int] | None = None,
    segment_sql: str | None = None,
    segment_memos: bool = True,
) -> Query:
    """The long export for these attribute keys and filters (see ``service.long_header``).

    ``segment_sql`` is a SELECT of the segment ids to keep (a query's selection), or ``None``;
    ``segment_memos`` false (no memo on any segment, :data:`SEGMENT_MEMOS`) leaves out the join
    that brings each coder's segment memo into the ``memo`` cell.
    """
    where = filter_clause(coder_ids, code_ids, segment_sql)
    memo, join = (_MEMO, _JOIN + _MEMO_JOIN) if segment_memos else ("c.memo", _JOIN)

    def q(x: str) -> str:
        return cell(x, guard=guard, quote=True)

    def g(x: str) -> str:
        return cell(x, guard=guard, quote=False)

    doc = " || ',' || ".join([q("documents.name"), *(q(_attribute(k)) for k in keys)])
    code = f"{q('codes.key')} || ',' || {q('codes.name')} || ',' || {q('parent.key')}"
    ctes = (
        f"WITH dd AS MATERIALIZED (SELECT documents.id AS id, {doc} AS frag FROM documents),\n"
        f"cc AS MATERIALIZED (SELECT {_CODE_KEYS}, {code} AS frag {_CODES}),\n"
        f"kk AS MATERIALIZED (SELECT {_CODER_KEYS}, {q('coders.name')} AS frag FROM coders)\n"
    )
    # One printf per record; a memo (rare, and not covered by NUL_CHECK) joins with || instead.
    head = (
        "dd.frag, p.ordinal, "
        + cell("p.section", guard=guard, quote=True, fast=True)
        + ", "
        + cell("p.speaker", guard=guard, quote=True, fast=True)
        + ', p.start_ms, p.end_ms, s.ordinal, s.start, s."end", '
        + cell("s.text", guard=guard, quote=True, fast=True)
        + ", cc.frag, kk.frag"
    )
    fields = "%s,%d,%s,%s,%s,%s,%d,%d,%d,%s,%s,%s,"  # head's cells (NULL prints as nothing)
    span = 'c.start, c."end"'  # the coding's own span (NULL, printed as nothing: the whole segment)
    record = (
        f"CASE WHEN {memo} IS NULL THEN printf('{fields},%sZ,%s,%s', {head}, {_STAMP_BARE}, {span})"
        f" ELSE printf('{fields}', {head}) || {q(memo)} || ',' || {_STAMP}"
        f" || printf(',%s,%s', {span}) END"
    )
    render = f"{ctes}SELECT {record}\n{join}{where}{_ORDER}"
    names = ["name", *(f"a{i}" for i in range(len(keys)))]
    doc_cols = ", ".join(
        f"{g(x)} AS {n}" for x, n in zip(["documents.name", *map(_attribute, keys)], names, strict=True)
    )
    plain_ctes = (
        f"WITH dd AS MATERIALIZED (SELECT documents.id AS id, {doc_cols} FROM documents),\n"
        f"cc AS MATERIALIZED (SELECT {_CODE_KEYS}, {g('codes.key')} AS k, {g('codes.name')} AS n,"
        f" {g('parent.key')} AS grp {_CODES}),\n"
        f"kk AS MATERIALIZED (SELECT {_CODER_KEYS}, {g('coders.name')} AS n FROM coders)\n"
    )
    cols = ", ".join(
        [
            *(f"dd.{n}" for n in names),
            "p.ordinal",
            g("p.section"),
            g("p.speaker"),
            "p.start_ms",
            "p.end_ms",
            "s.ordinal",
            "s.start",
            's."end"',
            g("s.text"),
            "cc.k",
            "cc.n",
            "cc.grp",
            "kk.n",
            g(memo),
            _STAMP,
            "c.start",
            'c."end"',
        ]
    )
    return Query(render, f"{plain_ctes}SELECT {cols}\n{join}{where}{_ORDER}")
