"""The coder × unit matrices inter-coder agreement needs, read in a few set-based queries.

Units (issue 7): every segment — or passage, with ``unit="passage"`` — of every document that at
least one compared coder has coded. A coder *coded a document* when they applied at least one code,
any code in the codebook, to any of its segments (the one definition, in docs/teams.md and in every
agreement header). A coder who coded a document is taken to have decided "absent" (0) for every code
on its segments they left uncoded; a coder who did not code a document is missing (-1) on all its
units, and the statistics (:mod:`qcode.agreement.report`) give the complete-data figures only the
units every compared coder coded. A passage is present for a coder when any of its segments carries
the code.

Three queries (who coded which document; the segments of those documents, chunked by document;
the codings of the compared coders and codes) and NumPy build everything, so a million segments
and hundreds of thousands of codings take seconds. Per-code matrices are built when read
(:class:`CodeMatrices`), so a report over many codes holds one matrix at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Executable, select
from sqlalchemy.orm import Session

from qcode.coding.selection import CodeRef, code_ancestors, resolve_coders, resolve_codes
from qcode.errors import InputError
from qcode.store.models import Coding, Document, Segment

if TYPE_CHECKING:
    from qcode.agreement import AgreementReport

UnitKind: TypeAlias = Literal["segment", "passage"]
GroupBy: TypeAlias = Literal["code", "document", "coder-pair"]
IntArray: TypeAlias = NDArray[np.int64]
BoolArray: TypeAlias = NDArray[np.bool_]


_CHUNK = 5000  # ids per IN list: far below SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True, eq=False)
class AgreementData:
    """Everything agreement needs, fetched once.

    Attributes:
        unit: ``"segment"`` or ``"passage"``.
        coders: compared coders' names (matrix rows).
        codes: reported codes' names, in codebook order.
        unit_ids: segment or passage ids, in corpus order (documents by import, then ordinal).
        unit_documents: the document id of each unit.
        document_names: document id → name, for the documents with units.
        coded: coder × unit, True where the coder coded the unit's document.
        applied: rows of (code index, coder index, unit index), one per present cell, sorted by unit.
        notes: what the caller should say about the data (coders with nothing coded, parent codes).
    """

    unit: UnitKind
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    unit_ids: IntArray
    unit_documents: IntArray
    document_names: Mapping[int, str]
    coded: BoolArray
    applied: IntArray
    notes: tuple[str, ...]


class CodeMatrices(Mapping[str, NDArray[np.int8]]):
    """Per code, the coder × unit int8 matrix: 1 applied, 0 coded without it, -1 not coded.

    Each read builds a fresh matrix from the shared base, so iterating over many codes holds one
    at a time.
    """

    def __init__(self, codes: Sequence[str], coded: BoolArray, applied: IntArray) -> None:
        self._codes = tuple(codes)
        self._index = {code: k for k, code in enumerate(self._codes)}
        self._base = np.where(coded, 0, -1).astype(np.int8)
        self._applied = applied[np.argsort(applied[:, 0], kind="stable")]
        self._bounds = np.searchsorted(self._applied[:, 0], np.arange(len(self._codes) + 1))

    @property
    def shape(self) -> tuple[int, int]:
        """(coders, units) of every matrix."""
        rows, cols = self._base.shape
        return int(rows), int(cols)

    def __getitem__(self, code: str) -> NDArray[np.int8]:
        k = self._index[code]
        matrix = self._base.copy()
        part = self._applied[self._bounds[k] : self._bounds[k + 1]]
        matrix[part[:, 1], part[:, 2]] = 1
        return matrix

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


@dataclass(frozen=True, eq=False)
class UnitGroup:
    """One report's input: a label (a document, a coder pair, or ``""`` for all), rows and columns."""

    label: str
    coders: tuple[str, ...]
    unit_ids: IntArray
    matrices: CodeMatrices


def agreement_data(
    session: Session,
    *,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    unit: UnitKind = "segment",
    consensus: bool = False,
) -> AgreementData:
    """Read units, who coded which document and the codings; see the module docstring for the rules.

    Args:
        session: an open session (read only).
        coders: coder names; by default every coder with codings (and the consensus coder only
            with ``consensus``).
        codes: code names or keys; by default every leaf code (a code without children).
        unit: ``"segment"`` or ``"passage"``.

    Raises:
        NotFoundError: an unknown coder or code.
        InputError: fewer than two coders, no codes, or an unknown unit.
    """
    if unit not in ("segment", "passage"):
        raise InputError(f"unit must be 'segment' or 'passage', got {unit!r}")
    who = resolve_coders(session, coders, consensus=consensus)
    what = resolve_codes(session, codes)
    conn = session.connection()
    coder_ids = np.array([i for i, _ in who], dtype=np.int64)
    pairs = _int_rows(
        conn,
        select(Coding.coder_id, Segment.document_id)
        .distinct()
        .join(Segment, Segment.id == Coding.segment_id)
        .where(Coding.coder_id.in_(coder_ids.tolist())),
        2,
    )
    documents = np.unique(pairs[:, 1])
    segments = _segments(conn, documents)
    if unit == "segment":
        unit_ids, unit_documents, seg_unit = segments[:, 0], segments[:, 1], np.arange(len(segments))
    else:
        unit_ids, unit_documents, seg_unit = _passages(segments)
    coded = np.zeros((len(who), len(unit_ids)), dtype=np.bool_)
    coder_row = _positions(coder_ids, pairs[:, 0])
    for g in range(len(who)):
        coded[g] = np.isin(unit_documents, pairs[coder_row == g, 1])
    applied = _applied(conn, coder_ids, _sources(session, what), segments[:, 0], seg_unit)
    names = dict(_name_rows(conn, documents))
    notes = [
        f"{name} coded none of these documents: missing on every unit"
        for g, (_, name) in enumerate(who)
        if not coded[g].any()
    ]
    notes += [
        f"{c.name} is a group: a segment has it when a coder applied {c.name} or any code under it"
        for c in what
        if c.has_children
    ]
    return AgreementData(
        unit,
        tuple(n for _, n in who),
        tuple(c.name for c in what),
        unit_ids,
        unit_documents,
        names,
        coded,
        applied,
        tuple(notes),
    )


@dataclass(frozen=True)
class Compared:
    """The units the complete-data figures compare, for headers and titles.

    Attributes:
        units: units of the documents every compared coder coded (coders who coded none aside).
        documents: those documents.
        with_codes: of ``units``, those where some compared coder applied some reported code.
    """

    units: int
    documents: int
    with_codes: int


def compared(data: AgreementData) -> Compared:
    """Count the units every compared coder coded, their documents, and those carrying a code."""
    active = data.coded.any(axis=1)
    every = data.coded[active].all(axis=0) if active.sum() >= 2 else np.zeros(len(data.unit_ids), np.bool_)
    applied = np.zeros(len(data.unit_ids), dtype=np.bool_)
    applied[data.applied[:, 2]] = True
    return Compared(
        units=int(every.sum()),
        documents=len(np.unique(data.unit_documents[every])),
        with_codes=int((every & applied).sum()),
    )


def _int_rows(conn: Connection, stmt: Executable, width: int) -> IntArray:
    """Run a query of integer columns into an array, reading the DB-API cursor directly.

    SQLAlchemy's row objects cost more than the query itself at 10⁵–10⁶ rows, and integers need no
    result processing on either backend.
    """
    result = conn.execute(stmt)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def _positions(sorted_or_not: IntArray, values: IntArray) -> IntArray:
    """Index of each of ``values`` in ``sorted_or_not`` (every value must occur)."""
    order = np.argsort(sorted_or_not, kind="stable")
    found: IntArray = order[np.searchsorted(sorted_or_not, values, sorter=order)]
    return found


def _segments(conn: Connection, documents: IntArray) -> IntArray:
    """(segment id, document id, passage id) of the documents' segments, in corpus order."""
    parts = [np.zeros((0, 3), dtype=np.int64)]
    for lo in range(0, len(documents), _CHUNK):
        chunk = documents[lo : lo + _CHUNK].tolist()
        parts.append(
            _int_rows(
                conn,
                select(Segment.id, Segment.document_id, Segment.passage_id)
                .where(Segment.document_id.in_(chunk))
                .order_by(Segment.document_id, Segment.ordinal),
                3,
            )
        )
    return np.concatenate(parts)


def _passages(segments: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Passage units in corpus order, their documents, and each segment's passage unit index."""
    ids, first, inverse = np.unique(segments[:, 2], return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return ids[order], segments[first[order], 1], rank[inverse.reshape(-1)]


def _sources(session: Session, codes: Sequence[CodeRef]) -> IntArray:
    """Rows of (code id, reported code index): each reported code from itself and every code under it."""
    index = {c.id: k for k, c in enumerate(codes)}
    pairs = [
        (code_id, index[above])
        for code_id, chain in code_ancestors(session).items()
        for above in chain
        if above in index
    ]
    rows = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return rows


def _applied(
    conn: Connection, coder_ids: IntArray, sources: IntArray, segment_ids: IntArray, seg_unit: IntArray
) -> IntArray:
    """(code index, coder index, unit index) of the compared codings, once per cell, sorted by unit.

    ``sources`` (sorted by code id) maps each coding's code to the reported codes it counts for: itself,
    and the groups above it.
    """
    n_codes = int(sources[:, 1].max()) + 1 if len(sources) else 1
    rows = _int_rows(
        conn,
        select(Coding.code_id, Coding.coder_id, Coding.segment_id).where(
            Coding.coder_id.in_(coder_ids.tolist()), Coding.code_id.in_(np.unique(sources[:, 0]).tolist())
        ),
        3,
    )
    if not len(rows):
        return np.zeros((0, 3), dtype=np.int64)
    n_coders = len(coder_ids)
    lo = np.searchsorted(sources[:, 0], rows[:, 0], side="left")
    counts = np.searchsorted(sources[:, 0], rows[:, 0], side="right") - lo
    if (counts != 1).any():  # a coding counts for its code and for the reported groups above it
        starts = np.repeat(lo, counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        rows, picked = np.repeat(rows, counts, axis=0), starts + within
    else:
        picked = lo
    code = sources[picked, 1]
    unit = seg_unit[_positions(segment_ids, rows[:, 2])]
    # One integer per cell, ordered by unit; sorting then dropping repeats removes a passage's
    # repeats (and a group's, when a coder applied two codes under it). (Plain np.unique hashes on
    # NumPy 2.3+: 20× slower here at a million cells.)
    coder = _positions(coder_ids, rows[:, 1])
    key = np.sort((unit * n_codes + code) * n_coders + coder)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    rest, coder = np.divmod(key, n_coders)
    unit, code = np.divmod(rest, n_codes)
    cells: IntArray = np.column_stack([code, coder, unit])
    return cells


def _name_rows(conn: Connection, documents: IntArray) -> Iterator[tuple[int, str]]:
    for lo in range(0, len(documents), _CHUNK):
        chunk = documents[lo : lo + _CHUNK].tolist()
        for doc_id, name in conn.execute(select(Document.id, Document.name).where(Document.id.in_(chunk))):
            yield int(doc_id), str(name)


def whole(data: AgreementData) -> UnitGroup:
    """Every compared coder on every unit."""
    return _subset(data, "", list(range(len(data.coders))), slice(0, len(data.unit_ids)))


def groups(data: AgreementData, by: GroupBy) -> list[UnitGroup]:
    """One group per document (``"document"``), per coder pair (``"coder-pair"``), or all (``"code"``).

    A pair's units are those of the documents either coder coded.
    """
    if by == "code":
        return [whole(data)]
    everyone = list(range(len(data.coders)))
    if by == "document":
        starts = np.flatnonzero(np.diff(data.unit_documents, prepend=-1))
        stops = [*starts[1:].tolist(), len(data.unit_ids)]
        return [
            _subset(data, data.document_names[int(data.unit_documents[a])], everyone, slice(int(a), b))
            for a, b in zip(starts.tolist(), stops, strict=True)
        ]
    if by == "coder-pair":
        out = []
        for i, j in itertools.combinations(everyone, 2):
            cols = np.flatnonzero(data.coded[i] | data.coded[j])
            out.append(_subset(data, f"{data.coders[i]} & {data.coders[j]}", [i, j], cols))
        return out
    raise InputError(f"--by must be code, document or coder-pair, got {by!r}")


def _subset(data: AgreementData, label: str, rows: list[int], columns: slice | IntArray) -> UnitGroup:
    applied = data.applied
    if isinstance(columns, slice):
        lo, hi = np.searchsorted(applied[:, 2], [columns.start, columns.stop])
        part = applied[lo:hi].copy()
        part[:, 2] -= columns.start
        coded = data.coded[rows][:, columns]
    else:
        pos = np.minimum(np.searchsorted(columns, applied[:, 2]), max(len(columns) - 1, 0))
        keep = columns[pos] == applied[:, 2] if len(columns) else np.zeros(len(applied), dtype=np.bool_)
        part = applied[keep].copy()
        part[:, 2] = pos[keep]
        coded = data.coded[np.ix_(np.asarray(rows, dtype=np.int64), columns)]
    row_of = np.full(len(data.coders), -1, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    part = part[row_of[part[:, 1]] >= 0]
    part[:, 1] = row_of[part[:, 1]]
    return UnitGroup(
        label,
        tuple(data.coders[g] for g in rows),
        data.unit_ids[columns],
        CodeMatrices(data.codes, coded, part),
    )


def agreement_report(
    group: UnitGroup, *, n_boot: int = 1000, seed: int | None = None, min_positive: int = 10
) -> AgreementReport:
    """The agreement report of one group (see :func:`qcode.agreement.build_report`).

    With no unit at all the report still has a row per code, each undefined with a note.
    """
    from qcode.agreement import DEFAULT_SEED, build_report

    settings: dict[str, Any] = {
        "n_boot": n_boot,
        "seed": DEFAULT_SEED if seed is None else seed,
        "min_positive": min_positive,
    }
    if len(group.unit_ids):
        return build_report(group.coders, group.unit_ids.tolist(), group.matrices, **settings)
    # No units: one all-missing placeholder column lets the engine say "undefined" per code.
    empty = np.full((len(group.coders), 1), -1, dtype=np.int8)
    report = build_report(group.coders, [0], dict.fromkeys(group.matrices, empty), **settings)
    return replace(report, units=0)
