"""Queries behind `qcode report matrix`, `chart` and `quotes`: counts and quotations as dataclasses.

Counts are of distinct *units*: segments (default) or documents (interviewees), so that two
coders applying the same code to the same sentence count once; ``codings`` counts every
coding. Restrict to some coders with the filter to count one coder's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from qcode.attributes import attribute_text
from qcode.coding.roles import CONSENSUS
from qcode.coding.selection import code_ancestors
from qcode.errors import InputError, NotFoundError
from qcode.export.quotebook import Quote, QuoteSection
from qcode.export.service import ALL, ExportFilter, expand_codes
from qcode.store.models import Code, Coder, Coding, Document, Passage, Segment

Unit = Literal["segments", "documents", "codings"]
#: Column label of documents that lack the attribute a crosstab is by.
NO_VALUE = "(none)"


@dataclass(frozen=True)
class Matrix:
    """A table of counts: one row per code, one column per document / attribute value / code."""

    title: str
    corner: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    unit: str


@dataclass(frozen=True)
class Frequency:
    """How often one code was applied, in the chosen unit."""

    key: str
    name: str
    count: int
    colour: str = "#888888"


@dataclass(frozen=True)
class _Coded:
    coding: int
    segment: int
    document: int
    code: int
    coder: int


@dataclass
class _Project:
    codes: list[tuple[int, str, str, str]] = field(default_factory=list)  # id, key, name, colour
    documents: dict[int, tuple[str, dict[str, str]]] = field(default_factory=dict)
    coded: list[_Coded] = field(default_factory=list)


def _load(session: Session, flt: ExportFilter) -> _Project:
    code_q = select(Code.id, Code.key, Code.name, Code.colour).order_by(Code.ordinal, Code.key)
    if flt.code_ids is not None:
        code_q = code_q.where(Code.id.in_(flt.code_ids))
    where = []
    if flt.coder_ids is not None:
        where.append(Coding.coder_id.in_(flt.coder_ids))
    if flt.code_ids is not None:
        where.append(Coding.code_id.in_(flt.code_ids))
    if flt.segments is not None:
        where.append(Coding.segment_id.in_(flt.segments))
    coded = [
        _Coded(*row)
        for row in session.execute(
            select(Coding.id, Coding.segment_id, Segment.document_id, Coding.code_id, Coding.coder_id)
            .join(Segment, Segment.id == Coding.segment_id)
            .where(and_(True, *where))
        )
    ]
    doc_q = select(Document.id, Document.name, Document.attributes)
    if flt.document_ids is not None:
        doc_q = doc_q.where(Document.id.in_(flt.document_ids))
    docs = {
        i: (name, {k: attribute_text(v) for k, v in (attrs or {}).items()})
        for i, name, attrs in session.execute(doc_q)
    }
    return _Project(list(session.execute(code_q)), docs, coded)


def _unit(c: _Coded, unit: Unit) -> int:
    return c.segment if unit == "segments" else c.document if unit == "documents" else c.coding


def matrix(session: Session, by: str, flt: ExportFilter = ALL, *, unit: Unit = "segments") -> Matrix:
    """Code × document (``by="document"``), code × code co-occurrence within one coder's codings of
    a segment (``by="code"``) or code × the values of a document attribute (any other ``by``).

    In the code × document and code × attribute tables a group code's row counts the units where
    the group or any code under it was applied (a unit once, however many of its codes it carries).

    Raises:
        NotFoundError: no document has the attribute ``by``.
    """
    p = _load(session, flt)
    if by == "code":
        return _cooccurrence(p, unit)
    if by == "document":
        names = sorted(name for name, _ in p.documents.values())
        column_of = {i: name for i, (name, _) in p.documents.items()}
        title, corner = "Code × document", "code"
    else:
        if not any(by in attrs for _, attrs in p.documents.values()):
            known = sorted({k for _, attrs in p.documents.values() for k in attrs})
            raise NotFoundError(f"no document has the attribute {by!r} (known: {', '.join(known) or 'none'})")
        column_of = {i: attrs.get(by) or NO_VALUE for i, (_, attrs) in p.documents.items()}
        names = sorted(set(column_of.values()), key=lambda v: (v == NO_VALUE, v.casefold()))
        title, corner = f"Code × {by}", "code"
    cells: dict[tuple[int, str], set[int]] = {}
    above = code_ancestors(session)  # a group's row counts the units of any code under it
    for c in p.coded:
        for code in above.get(c.code, (c.code,)):
            cells.setdefault((code, column_of[c.document]), set()).add(_unit(c, unit))
    rows = tuple(
        (name, tuple(len(cells.get((cid, col), ())) for col in names)) for cid, _k, name, _c in p.codes
    )
    return Matrix(title, corner, tuple(names), rows, unit)


def cooccurrence_title(unit: str) -> str:
    """What a co-occurrence cell counts, for the table's title and the figure's."""
    where = "segments" if unit == "segments" else "documents with a segment"
    return f"Code co-occurrence: {where} where one coder applied both codes"


def _cooccurrence(p: _Project, unit: Unit) -> Matrix:
    """Pairs of codes one coder applied to the same segment, each segment (or document) once.

    Codes meet within one coder's codings: ann's wages and bob's remittance on one segment are two
    readings of it, not a segment about both. The diagonal counts the units with the code.
    """
    if unit == "codings":
        raise InputError("co-occurrence counts segments or documents, not codings")
    per_reading: dict[tuple[int, int], set[int]] = {}  # (segment, coder) → the codes they applied
    doc_of: dict[int, int] = {}
    for c in p.coded:
        per_reading.setdefault((c.segment, c.coder), set()).add(c.code)
        doc_of[c.segment] = c.document
    cells: dict[tuple[int, int], set[int]] = {}
    for (seg, _coder), codes in per_reading.items():
        unit_id = seg if unit == "segments" else doc_of[seg]
        for a in codes:
            for b in codes:
                cells.setdefault((a, b), set()).add(unit_id)
    ids = [cid for cid, *_ in p.codes]
    names = tuple(name for _i, _k, name, _c in p.codes)
    rows = tuple((names[i], tuple(len(cells.get((a, b), ())) for b in ids)) for i, a in enumerate(ids))
    return Matrix(cooccurrence_title(unit), "code", names, rows, unit)


def code_frequencies(
    session: Session, flt: ExportFilter = ALL, *, unit: Unit = "segments"
) -> list[Frequency]:
    """Each code (in codebook order) with the number of units coded with it; a group counts the units
    of any code under it, as ``report matrix`` does."""
    p = _load(session, flt)
    units: dict[int, set[int]] = {}
    above = code_ancestors(session)
    for c in p.coded:
        for code in above.get(c.code, (c.code,)):
            units.setdefault(code, set()).add(_unit(c, unit))
    return [Frequency(key, name, len(units.get(cid, ())), colour) for cid, key, name, colour in p.codes]


@dataclass(frozen=True)
class _QRow:
    code: int
    doc_id: int
    document: str
    attributes: dict[str, object]
    passage_id: int
    passage: int
    section: str
    p_start: int
    p_end: int
    s_start: int
    s_end: int
    coder: str
    memo: str | None


def consensus_coder(session: Session) -> str | None:
    """The one consensus coder that has decided something, whose codings a quote book shows by default
    (the final analysis uses them); ``None`` when there is none, or several to choose from."""
    names = session.scalars(
        select(Coder.name)
        .where(Coder.role == CONSENSUS, select(Coding.id).where(Coding.coder_id == Coder.id).exists())
        .order_by(Coder.name)
    ).all()
    return names[0] if len(names) == 1 else None


def quote_sections(
    session: Session, codes: Sequence[str] = (), flt: ExportFilter = ALL
) -> list[QuoteSection]:
    """Every coded segment, grouped by code and then by passage, with the passage for context.

    ``codes`` (keys or names) are taken in the order given, each followed by its sub-codes; with
    none, every code in codebook order. A code with nothing coded is kept only if named.
    """
    code_rows = session.execute(
        select(Code.id, Code.key, Code.name, Code.description).order_by(Code.ordinal, Code.key)
    ).all()
    info = {cid: (key, name, desc) for cid, key, name, desc in code_rows}
    order = expand_codes(session, codes) if codes else [cid for cid, *_ in code_rows]
    folded = {c.casefold() for c in codes}
    named = {cid for cid in order if info[cid][0].casefold() in folded or info[cid][1].casefold() in folded}
    where = [Coding.code_id.in_(order)]
    if flt.coder_ids is not None:
        where.append(Coding.coder_id.in_(flt.coder_ids))
    if flt.segments is not None:
        where.append(Coding.segment_id.in_(flt.segments))
    rows = [
        _QRow(*r)
        for r in session.execute(
            select(
                Coding.code_id,
                Document.id,
                Document.name,
                Document.attributes,
                Passage.id,
                Passage.ordinal,
                Passage.section,
                Passage.start,
                Passage.end,
                Segment.start,
                Segment.end,
                Coder.name,
                Coding.memo,
            )
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Passage, Passage.id == Segment.passage_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(and_(*where))
            .order_by(Document.name, Passage.ordinal, Segment.start, Coder.name)
        )
    ]
    wanted = {r.doc_id for r in rows}
    texts = {
        i: t for i, t in session.execute(select(Document.id, Document.text).where(Document.id.in_(wanted)))
    }
    grouped: dict[int, dict[int, list[_QRow]]] = {}
    for r in rows:
        grouped.setdefault(r.code, {}).setdefault(r.passage_id, []).append(r)
    sections = []
    for cid in order:
        passages = grouped.get(cid, {})
        if passages or cid in named:
            key, name, desc = info[cid]
            sections.append(
                QuoteSection(key, name, desc, tuple(_quote(rs, texts) for rs in passages.values()))
            )
    return sections


def _quote(rows: list[_QRow], texts: dict[int, str]) -> Quote:
    first = rows[0]
    spans: dict[tuple[int, int], None] = {}
    coders: dict[str, None] = {}
    memos: dict[str, None] = {}
    for r in rows:
        spans[(r.s_start - r.p_start, r.s_end - r.p_start)] = None
        coders[r.coder] = None
        if r.memo:
            memos[r.memo] = None
    attributes = {k: attribute_text(v) for k, v in (first.attributes or {}).items()}
    return Quote(
        first.document,
        attributes,
        first.section,
        first.passage,
        texts[first.doc_id][first.p_start : first.p_end],
        tuple(sorted(spans)),
        tuple(sorted(coders, key=str.casefold)),  # the same order under every quote
        tuple(memos),
    )
