"""Pseudonymisation applied to what an export writes: segment rows, quote books; and its report.

The database is never changed: every replacement happens on the way out. A segment's text is cut
from its whole document after replacement (no mention crosses a segment boundary), so ``start``
and ``end`` in the exported rows are offsets into the pseudonymised document and
``text == document[start:end]`` still holds. The report says what was replaced where, and what
was close to a listed name but left alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.codebook.document import CodebookDocument
from qcode.export.files import neutralise
from qcode.export.pseudonym import Mention, Pseudonymiser, Redacted
from qcode.export.quotebook import Quote, QuoteSection
from qcode.export.shape import Chunk, RowStream
from qcode.store.models import Document, Segment

#: Columns of the pseudonymisation report.
REPORT_COLUMNS = ("action", "document", "where", "start", "end", "found", "name", "placeholder", "score")


@dataclass
class Ledger:
    """What was replaced (or found close and left) where, each place once."""

    rows: dict[tuple[str, str, int, int], tuple[Any, ...]] = field(default_factory=dict)

    def add(self, document: str, where: str, mentions: Iterable[Mention], *, base: int = 0) -> None:
        """Note every mention; offsets are shifted by ``base``."""
        for m in mentions:
            key = (document, where, base + m.start, base + m.end)
            self.rows.setdefault(
                key,
                (
                    "replaced" if m.replaced else "close",
                    document,
                    where,
                    base + m.start,
                    base + m.end,
                    m.found,
                    m.name,
                    m.placeholder,
                    round(m.score, 1),
                ),
            )

    @property
    def replaced(self) -> int:
        """How many mentions were replaced."""
        return sum(1 for r in self.rows.values() if r[0] == "replaced")

    @property
    def close(self) -> int:
        """How many close mentions were left alone."""
        return sum(1 for r in self.rows.values() if r[0] == "close")

    def table(self) -> list[tuple[Any, ...]]:
        """The report's rows: by document, then place (segment 2 before segment 10), then offset."""
        return [self.rows[k] for k in sorted(self.rows, key=lambda k: (k[0], _natural(k[1]), k[2]))]


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def write_report(ledger: Ledger, path: Path, *, force: bool) -> None:
    """The report as CSV (formula cells guarded)."""
    from qcode.export.files import open_output
    from qcode.export.tables import write_csv

    with open_output(path, force=force) as fh:
        write_csv(fh, REPORT_COLUMNS, [ledger.table()])  # the writer guards formula cells


@dataclass
class _Document:
    name: str
    redacted: Redacted
    mentions: dict[int, list[Mention]]  # by segment ordinal


class _Rows:
    """Pseudonymises rows of the segment exports, one document at a time."""

    def __init__(
        self, session: Session, header: Sequence[str], pseudo: Pseudonymiser, ledger: Ledger, guard: bool
    ) -> None:
        self.session, self.pseudo, self.ledger, self.guard = session, pseudo, ledger, guard
        col = {name: i for i, name in enumerate(header)}
        self.passage, self.section, self.segment = col["passage"], col["section"], col["segment"]
        self.start, self.end, self.text = col["start"], col["end"], col["text"]
        self.span = (col.get("coding_start"), col.get("coding_end"))
        self.memo = col.get("memo")
        self.coder = col.get("coder")
        self.attributes = {i: header[i] for i in range(1, self.passage)}
        self.doc: _Document | None = None
        self.cache: dict[tuple[str, str], str] = {}

    def _load(self, name: str) -> _Document:
        doc_id, text = self.session.execute(
            select(Document.id, Document.text).where(Document.name == name)
        ).one()
        bounds = self.session.execute(
            select(Segment.start, Segment.end, Segment.ordinal)
            .where(Segment.document_id == doc_id)
            .order_by(Segment.start)
        ).all()
        redacted = self.pseudo.apply(text, [x for s, e, _o in bounds for x in (s, e)])
        starts = [s for s, _e, _o in bounds]
        mentions: dict[int, list[Mention]] = {}
        for m in redacted.mentions:
            i = bisect_right(starts, m.start) - 1
            if i >= 0 and m.end <= bounds[i][1]:
                mentions.setdefault(bounds[i][2], []).append(m)
        return _Document(name, redacted, mentions)

    def _field(self, doc: str, where: str, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        key = (where, value)
        if key not in self.cache:
            redacted = self.pseudo.apply(value)
            self.ledger.add(doc, where, redacted.mentions)
            self.cache[key] = redacted.text
        return self.cache[key]

    def row(self, row: Sequence[Any]) -> list[Any]:
        out = list(row)
        name = str(row[0])
        if self.doc is None or self.doc.name != name:
            self.doc = self._load(name)
            self.cache.clear()
        red = self.doc.redacted
        ordinal = int(row[self.segment])
        self.ledger.add(name, f"segment {ordinal}", self.doc.mentions.pop(ordinal, ()))
        start, end = red.offset(int(row[self.start])), red.offset(int(row[self.end]), end=True)
        out[self.start], out[self.end], out[self.text] = start, end, red.text[start:end]
        at, to = self.span
        if at is not None and to is not None and row[at] not in (None, ""):  # a coding's own span
            out[at], out[to] = red.offset(int(row[at])), red.offset(int(row[to]), end=True)
        out[0] = self._field(name, "document name", name)
        for i, key in self.attributes.items():
            out[i] = self._field(name, f"attribute {key}", row[i])
        out[self.section] = self._field(name, f"section of passage {row[self.passage]}", row[self.section])
        if self.memo is not None:
            who = f" by {row[self.coder]}" if self.coder is not None else ""
            out[self.memo] = self._field(name, f"memo{who} on segment {row[self.segment]}", row[self.memo])
        if self.guard:
            out = [neutralise(c) if isinstance(c, str) else c for c in out]
        return out


def pseudonymise_rows(
    session: Session, stream: RowStream, pseudo: Pseudonymiser, ledger: Ledger, *, guard: bool = True
) -> RowStream:
    """The rows of an unguarded, unrendered segment export with every listed name replaced.

    Rows must come by document (as both segment exports order them).
    """
    assert not stream.rendered, "pseudonymise the portable rows, not SQLite's rendered records"
    rows = _Rows(session, stream.header, pseudo, ledger, guard)

    def chunks() -> Iterator[Chunk]:
        for chunk in stream.chunks:
            yield [rows.row(r) for r in chunk]

    return RowStream(stream.header, stream.total, chunks(), guard=guard, guarded=guard)


def pseudonymise_memos(
    stream: RowStream, pseudo: Pseudonymiser, ledger: Ledger, *, guard: bool = True
) -> RowStream:
    """The memo export's rows (unguarded) with names replaced in documents, segment texts and memos."""
    col = {name: i for i, name in enumerate(stream.header)}
    doc, seg, text, memo, who = (
        col["document"],
        col["segment"],
        col["segment_text"],
        col["memo"],
        col["coder"],
    )

    def one(row: Sequence[Any]) -> list[Any]:
        out = list(row)
        name = str(row[doc] or "(codebook)")
        place = f"segment {row[seg]}" if row[seg] is not None else "document"
        for i, where in ((doc, "document name"), (text, place), (memo, f"memo by {row[who]} on the {place}")):
            if isinstance(row[i], str) and row[i]:
                red = pseudo.apply(row[i])
                ledger.add(name, where, red.mentions)
                out[i] = red.text
        return [neutralise(c) if guard and isinstance(c, str) else c for c in out]

    def chunks() -> Iterator[Chunk]:
        for chunk in stream.chunks:
            yield [one(r) for r in chunk]

    return RowStream(stream.header, stream.total, chunks(), guard=guard, guarded=guard)


def pseudonymise_sections(
    sections: Sequence[QuoteSection], pseudo: Pseudonymiser, ledger: Ledger
) -> list[QuoteSection]:
    """Quote book sections with names replaced in passages, sections, memos, names and attributes.

    Coded spans keep marking the same words: no mention crosses a span's edge.
    """
    out = []
    for s in sections:
        red = pseudo.apply(s.description)
        ledger.add("(codebook)", f"description of code {s.key}", red.mentions)
        out.append(
            replace(s, description=red.text, quotes=tuple(_quote(q, pseudo, ledger) for q in s.quotes))
        )
    return out


def pseudonymise_codebook(doc: CodebookDocument, pseudo: Pseudonymiser, ledger: Ledger) -> CodebookDocument:
    """The codebook document with names replaced in definitions, criteria, examples and keywords."""

    def one(key: str, part: str, text: str) -> str:
        red = pseudo.apply(text)
        ledger.add("(codebook)", f"{part} of code {key}", red.mentions)
        return red.text

    codes = tuple(
        replace(
            c,
            description=one(c.key, "definition", c.description),
            inclusion=one(c.key, "inclusion", c.inclusion),
            exclusion=one(c.key, "exclusion", c.exclusion),
            example_text=one(c.key, "example", c.example_text),
            example_interviewee=one(c.key, "example speaker", c.example_interviewee),
            keywords=tuple(one(c.key, "keywords", k) for k in c.keywords),
        )
        for c in doc.codes
    )
    return replace(doc, codes=codes)


def _quote(q: Quote, pseudo: Pseudonymiser, ledger: Ledger) -> Quote:
    where = f"passage {q.passage}"
    red = pseudo.apply(q.text, [x for span in q.spans for x in span])
    ledger.add(q.document, where, red.mentions)

    def one(text: str, place: str) -> str:
        if not text:
            return text
        r = pseudo.apply(text)
        ledger.add(q.document, place, r.mentions)
        return r.text

    return Quote(
        one(q.document, "document name"),
        {k: one(v, f"attribute {k}") for k, v in q.attributes.items()},
        one(q.section, f"section of {where}"),
        q.passage,
        red.text,
        tuple((red.offset(a), red.offset(b, end=True)) for a, b in q.spans),
        q.coders,
        tuple(one(m, f"memo on {where}") for m in q.memos),
    )
