"""`qcode codings import FILE.csv`: codings in the long export format, all rows or none.

Only ``document``, ``segment``, ``code`` and ``coder`` are required. ``passage``, ``section``,
``start``, ``end`` and ``text`` are checked against the segment where present; ``memo`` and
``coded_at`` are taken over, and so are ``coding_start`` and ``coding_end`` (a coding's exact span in
the document when it covers less than its segment; empty for the whole segment) for new codings;
attribute, ``code_name`` and ``code_group`` columns are ignored.
Files from elsewhere are welcome: ``;``-separated (European Excel) or comma-separated, and ``NA``
(how R's ``write.csv`` writes a missing value) in an optional column means empty.
Every row is checked before anything is written; rows already in the project add nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from qcode.coding.roles import CONSENSUS, acting_coder, require_own
from qcode.errors import InputError, RoleError
from qcode.export.files import unneutralise
from qcode.export.shape import coding_memo_in, memo_cell
from qcode.export.tables import CsvRecord, CsvTable, read_csv
from qcode.kinds import elsewhere
from qcode.names import Names, case_forms
from qcode.store.base import new_guid, utcnow
from qcode.store.events import log_event
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment
from qcode.text import plural

#: Problems listed in the error message (all of them stay on the exception).
MAX_LISTED = 50
#: Longest coder name a project stores (``coders.name``).
MAX_CODER_NAME = 200
#: How R's ``write.csv`` writes a missing value.
R_MISSING = "NA"


@dataclass(frozen=True)
class RowProblem:
    """Why one record of the file cannot be imported."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CodingsImportError(InputError):
    """Some rows cannot be imported, so none were; ``problems`` lists every bad row."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        listed = [str(p) for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            listed.append(f"… and {len(problems) - MAX_LISTED} more")
        if len(problems) == 1:  # one line: the row and what is wrong with it
            super().__init__(f"{listed[0]} (so nothing was imported)")
        else:
            head = f"{plural(len(problems), 'row')} cannot be imported, so nothing was imported:"
            super().__init__("\n".join([head, *listed]))
        self.problems = tuple(problems)
        self.path = problems[0].path if problems else None
        self.line = problems[0].line if problems else None


@dataclass(frozen=True)
class CodingsImportReport:
    """What an import did."""

    path: str
    rows: int
    added: int
    already_present: int
    memos_updated: int
    repeated_rows: int
    coders_created: tuple[str, ...]


@dataclass(frozen=True)
class _Seg:
    id: int
    start: int
    end: int
    text: str
    passage: int
    section: str


@dataclass(frozen=True)
class _Row:
    line: int
    segment: int
    code: int
    coder: str
    memo: str | None
    coded_at: datetime | None
    span: tuple[int, int] | None = None


class _Lookups:
    """Names → ids for documents, codes and coders, read once."""

    def __init__(self, session: Session, table: CsvTable, new_coders: Sequence[str] = ()) -> None:
        self.documents = Names(
            "document", [(n, i) for n, i in session.execute(select(Document.name, Document.id))]
        )
        codes = session.execute(select(Code.id, Code.key, Code.name, Code.parent_id, Code.codable)).all()
        self.codes = Names(
            "code", [(n, i) for i, _k, n, _p, _c in codes] + [(k, i) for i, k, _n, _p, _c in codes]
        )
        #: names the user declared new people (``--new-coder``), though a coder differs only in case
        self.new_coders = {n.strip() for n in new_coders}
        #: Codes coders do not apply (groups), by id: their name and their children's names.
        self.not_codable: dict[int, tuple[str, list[str]]] = {
            i: (name, [n for _i, _k, n, parent, _c in codes if parent == i])
            for i, _k, name, _p, codable in codes
            if not codable
        }
        coders = session.execute(select(Coder.name, Coder.id, Coder.role)).all()
        self.coders: dict[str, int] = {n: i for n, i, _r in coders}
        self.consensus = {n for n, _i, role in coders if role == CONSENSUS}
        #: every case-free form of a coder name (existing, or new in this file) → the name as written
        self.coder_forms: dict[str, str] = {f: n for n in self.coders for f in case_forms(n)}
        wanted: set[int | None] = set()
        for r in table.records:
            with suppress(InputError):  # an ambiguous name is that row's problem, said there
                wanted.add(self.document(r.cells.get("document", "")))
        wanted.discard(None)
        self.segments: dict[tuple[int, int], _Seg] = {}
        if wanted:
            for doc_id, ordinal, sid, a, b, text, p_ord, section in session.execute(
                select(
                    Segment.document_id,
                    Segment.ordinal,
                    Segment.id,
                    Segment.start,
                    Segment.end,
                    Segment.text,
                    Passage.ordinal,
                    Passage.section,
                )
                .join(Passage, Passage.id == Segment.passage_id)
                .where(Segment.document_id.in_(wanted))
            ):
                self.segments[(doc_id, ordinal)] = _Seg(sid, a, b, text, p_ord, section)

    def document(self, cell: str) -> int | None:
        """The document a cell names (in any case, as :class:`~qcode.names.Names` matches).

        Raises:
            InputError: the cell names several documents that differ only in case.
        """
        found = self.documents.get(cell)
        return found if found is not None else self.documents.get(unneutralise(cell))

    def code(self, cell: str) -> int | None:
        """The code a cell names by name or key (see :meth:`document`)."""
        found = self.codes.get(cell)
        return found if found is not None else self.codes.get(unneutralise(cell))

    def coder(self, cell: str) -> tuple[str, str | None]:
        """The existing coder's exact name, or the (unguarded) name of a coder to create; and why
        not, where the name differs only in case from another coder (a second person is never made
        by a slip of the shift key: ``--new-coder`` says it is one)."""
        for name in (cell, unneutralise(cell)):
            if name in self.coders:
                return name, None
        name = unneutralise(cell).strip()
        other = next((self.coder_forms[f] for f in case_forms(name) if f in self.coder_forms), name)
        if other != name and name not in self.new_coders:
            return name, (
                f"coder {name!r}: did you mean {other!r}? (if {name!r} is another person, "
                f"add --new-coder {name})"
            )
        self.coder_forms.update({f: name for f in case_forms(name) if f not in self.coder_forms})
        return name, None


def _same_text(cell: str, text: str) -> bool:
    def norm(s: str) -> str:
        return s.replace("\r\n", "\n")

    return norm(cell) == norm(text) or norm(unneutralise(cell)) == norm(text)


def _check(rec: CsvRecord, seg: _Seg) -> list[str]:
    """Mismatches between the optional columns of a record and the segment it names."""
    out: list[str] = []
    for column, expected in (("start", seg.start), ("end", seg.end), ("passage", seg.passage)):
        cell = _optional(rec, column)
        if cell is not None and cell.strip() != str(expected):
            out.append(f"{column} {cell.strip()} does not match the segment's {column} {expected}")
    text = _optional(rec, "text")
    if text is not None and not _same_text(text, seg.text):
        out.append(f"text does not match the segment's text {seg.text[:60]!r}")
    section = _optional(rec, "section")
    if section is not None and not _same_text(section, seg.section):
        out.append(f"section {section[:60]!r} does not match the segment's section {seg.section[:60]!r}")
    return out


def _not_codable(name: str, children: list[str]) -> str:
    """Why a group cannot be applied, and what to apply instead."""
    instead = f": apply one of its codes ({', '.join(children)})" if children else ""
    return f"code {name!r} is a group, not a code coders apply{instead}"


def _timestamp(cell: str | None) -> datetime:
    if cell is None:
        raise ValueError("empty")
    value = datetime.fromisoformat(cell.strip())
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before the first representable UTC time
        raise ValueError("out of range") from None


def _optional(rec: CsvRecord, column: str) -> str | None:
    """An optional cell: ``None`` when absent, empty or R's ``NA``."""
    value = rec.get(column)
    return None if value is None or value.strip() == R_MISSING else value


def _parse(rec: CsvRecord, look: _Lookups) -> tuple[_Row | None, list[str]]:
    missing = [c for c in ("document", "segment", "code", "coder") if not (rec.get(c) or "").strip()]
    if missing:
        return None, [f"empty {', '.join(missing)}"]
    problems: list[str] = []
    try:
        doc_id = look.document(rec.cells["document"])
    except InputError as exc:
        doc_id = None
        problems.append(str(exc))
    seg: _Seg | None = None
    if doc_id is None and not problems:
        typed = rec.cells["document"]
        problems.append(f"unknown document {typed!r}{look.documents.hint(unneutralise(typed))}")
    try:
        ordinal = int(rec.cells["segment"].strip())
    except ValueError:
        problems.append(f"segment {rec.cells['segment']!r} is not a whole number")
    else:
        if doc_id is not None:
            seg = look.segments.get((doc_id, ordinal))
            if seg is None:
                problems.append(f"document {rec.cells['document']!r} has no segment {ordinal}")
    try:
        code_id = look.code(rec.cells["code"])
    except InputError as exc:
        code_id = None
        problems.append(str(exc))
    else:
        if code_id is None:
            typed = rec.cells["code"]
            problems.append(f"unknown code {typed!r}{look.codes.hint(unneutralise(typed))}")
    if code_id is not None and code_id in look.not_codable:
        problems.append(_not_codable(*look.not_codable[code_id]))
    coded_at = None
    if _optional(rec, "coded_at") is not None:
        try:
            coded_at = _timestamp(rec.get("coded_at"))
        except ValueError as exc:
            why = "is out of range" if str(exc) == "out of range" else "is not an ISO 8601 time"
            problems.append(f"coded_at {rec.cells['coded_at']!r} {why}")
    coder, variant = look.coder(rec.cells["coder"])
    if variant is not None:
        problems.append(variant)
    elif coder not in look.coders and len(coder) > MAX_CODER_NAME:
        problems.append(f"coder name is {len(coder)} characters long (at most {MAX_CODER_NAME})")
    span = None
    if seg is not None:
        problems.extend(_check(rec, seg))
        span, problem = _span(rec, seg)
        problems.extend([problem] if problem else [])
    if problems or seg is None or code_id is None:
        return None, problems
    memo = _optional(rec, "memo")
    memo = unneutralise(memo) if memo is not None else None
    return _Row(rec.line, seg.id, code_id, coder, memo, coded_at, span), []


def _span(rec: CsvRecord, seg: _Seg) -> tuple[tuple[int, int] | None, str | None]:
    """The coding's own span from ``coding_start``/``coding_end`` (``None``: the whole segment)."""
    cells = [(_optional(rec, c) or "").strip() for c in ("coding_start", "coding_end")]
    if not any(cells):
        return None, None
    try:
        start, end = (int(c) for c in cells)
    except ValueError:
        return None, f"coding_start {cells[0]!r} and coding_end {cells[1]!r} are not both whole numbers"
    if not seg.start <= start < end <= seg.end:
        return None, f"coding span {start}–{end} is not inside the segment's span {seg.start}–{seg.end}"
    return (None, None) if (start, end) == (seg.start, seg.end) else ((start, end), None)


def import_codings_csv(
    session: Session, path: Path, *, actor: str = "system", new_coders: Sequence[str] = ()
) -> CodingsImportReport:
    """Import codings from a long-format CSV file in the caller's transaction.

    Raises:
        InputError: the file cannot be read or lacks a required column.
        CodingsImportError: some rows name an unknown document, segment or code, or disagree
            with the segment; nothing is written.
    """
    if hint := elsewhere(path, (".csv", ".tsv", ".txt", "")):  # also a pipe or a file without one
        raise InputError(f"not a codings CSV; it {hint}", path=str(path))
    return import_codings_table(session, read_csv(path), actor=actor, new_coders=new_coders)


def import_codings_table(
    session: Session, table: CsvTable, *, actor: str = "system", new_coders: Sequence[str] = ()
) -> CodingsImportReport:
    """Import the records of a CSV table already read (see :func:`import_codings_csv`).

    Args:
        new_coders: names to create as coders of their own although a coder (here or earlier in the
            file) has the same name but for case.
    """
    look = _Lookups(session, table, new_coders)
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    for rec in table.records:
        row, errors = _parse(rec, look)
        problems.extend(RowProblem(table.path, rec.line, e) for e in errors)
        if row is not None:
            rows.append(row)
    has_memo = "memo" in table.columns
    seg_ids = sorted({r.segment for r in rows})
    existing = _existing(session, seg_ids)
    on_segment = _segment_memos(session, seg_ids) if has_memo else None
    # a row that changes nothing writes nothing, whoever's it is: the export's own file re-imports
    unchanged = {
        r.line
        for r in rows
        if r.coder in look.coders
        and (key := (look.coders[r.coder], r.segment, r.code)) in existing
        and not _memo_changes(existing[key][1], key, r.memo, on_segment)
    }
    acting = acting_coder(actor, look.coders)
    problems.extend(_role_problems(table.path, [r for r in rows if r.line not in unchanged], look, acting))
    if problems:
        raise CodingsImportError(problems)
    created = _create_coders(session, look, sorted({r.coder for r in rows} - set(look.coders)))
    added, already, updated, repeated = _write(session, rows, look.coders, existing, on_segment)
    log_event(
        session,
        actor,
        "codings.import",
        file=table.path,
        rows=len(table.records),
        added=added,
        already_present=already,
        memos_updated=updated,
        coders_created=created,
    )
    return CodingsImportReport(
        table.path, len(table.records), added, already, updated, repeated, tuple(created)
    )


def _role_problems(path: str, rows: list[_Row], look: _Lookups, acting: str | None) -> list[RowProblem]:
    """Rows a consensus coder or another coder than the acting one would own (see ``coding.roles``)."""
    out = []
    for r in rows:
        if r.coder in look.consensus:
            message = f"{r.coder!r} is the consensus coder: only adjudication writes it"
            out.append(RowProblem(path, r.line, message))
            continue
        try:
            require_own(acting, r.coder, f"{r.coder}'s codings")
        except RoleError as exc:
            out.append(RowProblem(path, r.line, str(exc)))
    return out


def _create_coders(session: Session, look: _Lookups, names: list[str]) -> list[str]:
    for name in names:
        look.coders[name] = session.execute(
            insert(Coder).values(guid=new_guid(), name=name, created_at=utcnow()).returning(Coder.id)
        ).scalar_one()
    return names


def _segment_memos(session: Session, seg_ids: list[int]) -> dict[tuple[int, int], str]:
    """Each coder's memo on these segments, which the export's ``memo`` cell carries after the coding's."""
    out: dict[tuple[int, int], str] = {}
    for start in range(0, len(seg_ids), 10_000):
        for coder_id, seg_id, text in session.execute(
            select(Memo.coder_id, Memo.segment_id, Memo.text).where(
                Memo.segment_id.in_(seg_ids[start : start + 10_000])
            )
        ):
            if seg_id is not None:
                out[(coder_id, seg_id)] = text
    return out


#: (coder id, segment id, code id) → (coding id, the coding's memo).
Existing = dict[tuple[int, int, int], tuple[int, str | None]]
#: (coder id, segment id) → the coder's memo on the segment; ``None`` when the file has no memo column.
SegmentMemos = dict[tuple[int, int], str] | None


def _existing(session: Session, seg_ids: list[int]) -> Existing:
    """The codings already on these segments."""
    existing: Existing = {}
    for start in range(0, len(seg_ids), 10_000):
        for cid, coder_id, seg_id, code_id, memo in session.execute(
            select(Coding.id, Coding.coder_id, Coding.segment_id, Coding.code_id, Coding.memo).where(
                Coding.segment_id.in_(seg_ids[start : start + 10_000])
            )
        ):
            existing[(coder_id, seg_id, code_id)] = (cid, memo)
    return existing


def _memo_changes(memo: str | None, key: tuple[int, int, int], cell: str | None, on: SegmentMemos) -> bool:
    """Whether a row's ``memo`` cell differs from what the coding ``key`` (with its ``memo``) holds;
    never without a memo column (``on`` is ``None``)."""
    return on is not None and memo_cell(memo, on.get(key[:2])) != cell


def _write(
    session: Session,
    rows: list[_Row],
    coders: dict[str, int],
    existing: Existing,
    on_segment: SegmentMemos,
) -> tuple[int, int, int, int]:
    """Insert the new codings, update changed memos."""
    memos = on_segment or {}
    new: dict[tuple[int, int, int], dict[str, Any]] = {}
    updates: dict[int, str | None] = {}
    already = repeated = 0
    for r in rows:
        key = (coders[r.coder], r.segment, r.code)
        if key in new:
            repeated += 1
        elif key in existing:
            already += 1
            cid, memo = existing[key]
            if _memo_changes(memo, key, r.memo, on_segment):
                updates[cid] = coding_memo_in(r.memo, memos.get(key[:2]))
        else:
            new[key] = {
                "guid": new_guid(),
                "coder_id": key[0],
                "segment_id": r.segment,
                "code_id": r.code,
                "memo": coding_memo_in(r.memo, memos.get(key[:2])),
                "created_at": r.coded_at or utcnow(),
                "start": r.span[0] if r.span else None,
                "end": r.span[1] if r.span else None,
            }
    if new:
        session.execute(insert(Coding), list(new.values()))
    if updates:
        session.execute(update(Coding), [{"id": cid, "memo": memo} for cid, memo in updates.items()])
    return len(new), already, len(updates), repeated
