"""Queries and ``--where`` conditions as one SQL selection of segment ids, and the segments it selects.

The whole query becomes one statement the database evaluates: a code is the segments it was
applied to (through the codings' code index), AND/OR/NOT are INTERSECT/UNION/EXCEPT, and NEAR joins
segments by passage, by document, or by ordinal within a document (through the
``(document_id, ordinal)`` unique index). ``--where`` conditions are tested on the documents'
attributes in Python (documents are few next to segments) and restrict the selection by document.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    except_,
    exists,
    func,
    intersect,
    select,
    union,
)
from sqlalchemy.orm import Session, aliased

from qcode.attributes import attribute_text
from qcode.errors import NotFoundError
from qcode.names import Names, did_you_mean
from qcode.query.language import ANY, And, CodeTerm, Near, Node, Not, Or, parse
from qcode.query.where import DOCUMENT_KEY, VarType, document_matches, parse_where, predicate
from qcode.store.models import Code, Coder, Coding, Document, Passage, Segment, Variable

IdSelect = Select[Any]
#: Segment ids fetched per round trip when listing what a query selected.
PAGE = 2_000


@dataclass(frozen=True)
class Scope:
    """The segments a query and ``--where`` conditions select.

    Attributes:
        segments: a SELECT of the selected segment ids (one column).
        document_ids: the documents the conditions keep (``None``: no condition).
        query: the query as typed (``None``: no query).
        where: the conditions as typed.
    """

    segments: IdSelect
    document_ids: tuple[int, ...] | None
    query: str | None
    where: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """A selected segment with where it is and the codes on it."""

    document: str
    attributes: dict[str, str]
    passage: int
    section: str
    segment: int
    start: int
    end: int
    text: str
    codes: tuple[tuple[str, str], ...]  # (code key, coder), codebook order then coder


@dataclass(frozen=True)
class Hits:
    """How many segments were selected and the selected segments in pages (read once)."""

    total: int
    pages: Generator[list[Hit], None, None]


def resolve_scope(
    session: Session,
    query: str | None = None,
    where: Sequence[str] = (),
    coder_ids: Sequence[int] | None = None,
) -> Scope | None:
    """The selection of ``query`` (codes applied by ``coder_ids``, default anyone) and ``where``.

    Returns ``None`` when there is neither a query nor a condition (everything is selected).

    Raises:
        QueryError: the query is malformed.
        NotFoundError: a code, coder or attribute named is unknown.
        InputError: a condition is malformed or its value does not fit the attribute's type.
    """
    if not query and not where:
        return None
    tree = parse(query) if query else None
    docs = matching_documents(session, where) if where else None
    coders = tuple(coder_ids) if coder_ids is not None else None
    stmt: IdSelect
    if tree is not None:
        stmt = _Compiler(session, coders).compile(tree)
        if docs is not None:
            inner = stmt.subquery()
            stmt = select(Segment.id).where(Segment.id.in_(select(inner.c[0])), Segment.document_id.in_(docs))
    else:
        stmt = select(Segment.id).where(Segment.document_id.in_(docs or ()))
    return Scope(stmt, docs, query, tuple(where))


def matching_documents(session: Session, where: Sequence[str]) -> tuple[int, ...]:
    """Ids of the documents whose attributes pass every condition.

    Raises:
        NotFoundError: no document has an attribute named in a condition.
        InputError: a condition is malformed or its value does not fit the attribute's type.
    """
    conditions = [parse_where(w) for w in where]
    documents = list(session.execute(select(Document.id, Document.name, Document.attributes)))
    keys: dict[str, None] = {}
    for _i, _n, attrs in documents:
        keys.update(dict.fromkeys(attrs or {}))
    types = {
        name: cast("VarType", kind) for name, kind in session.execute(select(Variable.name, Variable.type))
    }
    known = Names(
        "attribute", [(k, k) for k in keys] + ([] if DOCUMENT_KEY in keys else [(DOCUMENT_KEY, DOCUMENT_KEY)])
    )
    tests = []
    for cond in conditions:
        key = known.get(cond.key)
        if key is None:
            raise NotFoundError(
                f"--where {cond.text!r}: no document has the attribute {cond.key!r}"
                f"{did_you_mean(cond.key, keys) or ' (known: ' + (', '.join(keys) or 'none') + ')'}"
            )
        tests.append((key, predicate(cond, types.get(key, "text"))))
    return tuple(i for i, name, attrs in documents if document_matches(tests, name, attrs or {}))


def _label(stmt: Select[Any] | CompoundSelect[Any]) -> IdSelect:
    """A compound as a plain SELECT of one column (SQLite reads no parenthesised compounds)."""
    sub = stmt.subquery()
    return select(sub.c[0].label("segment_id"))


class _Compiler:
    """Turns a query tree into one SELECT of segment ids."""

    def __init__(self, session: Session, coder_ids: tuple[int, ...] | None) -> None:
        self.session = session
        self.coder_ids = coder_ids
        self._codes: Names[int] | None = None
        self._children: dict[int | None, list[int]] = {}
        self._coders: Names[int] | None = None

    def compile(self, node: Node) -> IdSelect:
        if isinstance(node, CodeTerm):
            return self._term(node)
        if isinstance(node, Not):
            return _label(except_(select(Segment.id), self.compile(node.term)))
        if isinstance(node, Or):
            return _label(union(*(self.compile(t) for t in node.terms)))
        if isinstance(node, Near):
            return self._near(node)
        return self._and(node)

    def _and(self, node: And) -> IdSelect:
        plus = [self.compile(t) for t in node.terms if not isinstance(t, Not)]
        minus = [self.compile(t.term) for t in node.terms if isinstance(t, Not)]
        base: IdSelect = (
            select(Segment.id) if not plus else plus[0] if len(plus) == 1 else _label(intersect(*plus))
        )
        if not minus:
            return base
        removed = minus[0] if len(minus) == 1 else _label(union(*minus))
        return _label(except_(base, removed))

    def _near(self, node: Near) -> IdSelect:
        left, right = self.compile(node.left), self.compile(node.right)
        return _label(union(self._beside(left, right, node), self._beside(right, left, node)))

    def _beside(self, these: IdSelect, others: IdSelect, node: Near) -> IdSelect:
        """Segments of ``these`` with a segment of ``others`` within the node's scope."""
        mine, theirs = aliased(Segment), aliased(Segment)
        near: ColumnElement[bool]
        if node.scope == "passage":
            near = mine.passage_id.in_(select(theirs.passage_id).where(theirs.id.in_(others)))
        elif node.scope == "document":
            near = mine.document_id.in_(select(theirs.document_id).where(theirs.id.in_(others)))
        else:
            n = int(node.scope)
            near = exists(
                select(theirs.id).where(
                    theirs.document_id == mine.document_id,
                    theirs.ordinal.between(mine.ordinal - n, mine.ordinal + n),
                    theirs.id.in_(others),
                )
            )
        return cast("IdSelect", select(mine.id).where(mine.id.in_(these), near))

    def _term(self, term: CodeTerm) -> IdSelect:
        cond: list[ColumnElement[bool]] = []
        if term.code != ANY:
            cond.append(Coding.code_id.in_(self._code_ids(term.code)))
        if term.coder is not None:
            cond.append(Coding.coder_id == self._coder_id(term.coder))
        elif self.coder_ids is not None:
            cond.append(Coding.coder_id.in_(self.coder_ids))
        return cast("IdSelect", select(Coding.segment_id).where(and_(True, *cond)).distinct())

    def _code_ids(self, name: str) -> list[int]:
        """The code and its sub-codes (a group stands for everything under it)."""
        if self._codes is None:
            rows = self.session.execute(select(Code.id, Code.key, Code.name, Code.parent_id)).all()
            self._codes = Names("code", [(k, i) for i, k, _n, _p in rows] + [(n, i) for i, _k, n, _p in rows])
            for i, _k, _n, parent in rows:
                self._children.setdefault(parent, []).append(i)
        out, todo = [], [self._codes.find(name)]
        while todo:
            cid = todo.pop()
            out.append(cid)
            todo.extend(self._children.get(cid, ()))
        return out

    def _coder_id(self, name: str) -> int:
        if self._coders is None:
            self._coders = Names(
                "coder", [(n, i) for i, n in self.session.execute(select(Coder.id, Coder.name))]
            )
        return self._coders.find(name)


def count_segments(session: Session, scope: Scope) -> int:
    """How many segments the scope selects."""
    sub = scope.segments.subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def find_segments(session: Session, scope: Scope, coder_ids: Sequence[int] | None = None) -> Hits:
    """The selected segments in document-name and segment order, with the codes on each.

    Only codings by ``coder_ids`` (default: everyone) are listed on a segment.
    """
    return Hits(count_segments(session, scope), _pages(session, scope, coder_ids))


def _pages(
    session: Session, scope: Scope, coder_ids: Sequence[int] | None
) -> Generator[list[Hit], None, None]:
    stmt = (
        select(
            Segment.id,
            Document.name,
            Document.attributes,
            Passage.ordinal,
            Passage.section,
            Segment.ordinal,
            Segment.start,
            Segment.end,
            Segment.text,
        )
        .join(Passage, Passage.id == Segment.passage_id)
        .join(Document, Document.id == Segment.document_id)
        .where(Segment.id.in_(scope.segments))
        .order_by(Document.name, Segment.ordinal)
    )
    result = session.connection().execution_options(stream_results=True, yield_per=PAGE).execute(stmt)
    try:
        for rows in result.partitions():
            codes = _codes_on(session, [r[0] for r in rows], coder_ids)
            yield [
                Hit(
                    doc,
                    {k: attribute_text(v) for k, v in (attrs or {}).items()},
                    p_ord,
                    section,
                    ordinal,
                    start,
                    end,
                    text,
                    tuple(codes.get(seg_id, ())),
                )
                for seg_id, doc, attrs, p_ord, section, ordinal, start, end, text in rows
            ]
    finally:
        result.close()


def _codes_on(
    session: Session, segment_ids: list[int], coder_ids: Sequence[int] | None
) -> dict[int, list[tuple[str, str]]]:
    stmt = (
        select(Coding.segment_id, Code.key, Coder.name)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.segment_id.in_(segment_ids))
        .order_by(Coding.segment_id, Code.ordinal, Code.key, Coder.name)
    )
    if coder_ids is not None:
        stmt = stmt.where(Coding.coder_id.in_(coder_ids))
    out: dict[int, list[tuple[str, str]]] = {}
    for seg_id, key, coder in session.execute(stmt):
        out.setdefault(seg_id, []).append((key, coder))
    return out
