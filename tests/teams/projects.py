"""Projects for team tests: the coding sample, copied to "laptops" row for row (GUIDs and all)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from qcode.coding import queries, service
from qcode.coding.types import CodeInfo, CoderRef, SegmentRef
from qcode.store.base import Base
from qcode.store.migrate import Store, open_store
from qcode.store.models import Code, Coder, Coding, Document, Event, Memo, Segment

TABLES = (
    "settings",
    "documents",
    "passages",
    "segments",
    "coders",
    "codes",
    "codings",
    "memos",
    "variables",
    "events",
)


def copy_project(src: Store, dst: Store) -> None:
    """Copy every row of ``src`` into the empty project ``dst`` (any backends), ids and GUIDs kept."""
    tables = Base.metadata.tables
    with src.engine.connect() as s, dst.engine.begin() as d:
        d.execute(tables["settings"].delete())
        for name in TABLES:
            table = tables[name]
            rows = [dict(r._mapping) for r in s.execute(select(table))]
            if rows:
                d.execute(table.insert(), rows)
        if d.dialect.name == "postgresql":
            for name in TABLES:
                if name != "settings":
                    sequence = f"pg_get_serial_sequence('{name}', 'id')"
                    d.execute(text(f"SELECT setval({sequence}, COALESCE(MAX(id), 1)) FROM {name}"))


@contextmanager
def laptop(src: Store, template: Path, path: Path) -> Iterator[Store]:
    """A SQLite copy of ``src`` at ``path`` (as if sent to another laptop), open while in use."""
    shutil.copy(template, path)
    other = open_store(f"sqlite:///{path}")
    try:
        copy_project(src, other)
        yield other
    finally:
        other.close()


def code(session: Session, key: str) -> CodeInfo:
    """A code of the project by key."""
    return next(c for c in queries.codebook(session) if c.key == key)


def coder(session: Session, name: str) -> CoderRef:
    """The coder called ``name`` (created if new), committed."""
    with session.begin():
        return service.ensure_coder(session, name)


def segment(session: Session, doc: str, ordinal: int) -> SegmentRef:
    """A segment of the project by document name and ordinal."""
    seg_id = session.scalar(
        select(Segment.id)
        .join(Document, Document.id == Segment.document_id)
        .where(Document.name == doc, Segment.ordinal == ordinal)
    )
    assert seg_id is not None
    return SegmentRef(seg_id, doc, ordinal)


def toggle(store: Store, who: str, doc: str, ordinal: int, key: str) -> None:
    """``who`` toggles code ``key`` on a segment through the coding service (with its event)."""
    with store.sessions() as s:
        person = coder(s, who)
        with s.begin():
            service.toggle_coding(s, person, segment(s, doc, ordinal), code(s, key))


def memo(store: Store, who: str, doc: str, ordinal: int, body: str) -> None:
    """``who`` sets their memo on a segment through the coding service."""
    with store.sessions() as s:
        person = coder(s, who)
        with s.begin():
            service.set_segment_memo(s, person, segment(s, doc, ordinal), body)


def codings(store: Store) -> set[tuple[str, str, int, str, str]]:
    """(coder, document, ordinal, code key, coding GUID) of every coding."""
    with store.sessions() as s:
        rows = s.execute(
            select(Coder.name, Document.name, Segment.ordinal, Code.key, Coding.guid)
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Code, Code.id == Coding.code_id)
        )
        return {tuple(r) for r in rows}  # type: ignore[misc]


def keys(store: Store) -> set[tuple[str, str, int, str]]:
    """(coder, document, ordinal, code key) of every coding."""
    return {c[:4] for c in codings(store)}


def memos(store: Store) -> dict[tuple[str, str, int], str]:
    """(coder, document, ordinal) → text of every segment memo."""
    with store.sessions() as s:
        rows = s.execute(
            select(Coder.name, Document.name, Segment.ordinal, Memo.text)
            .join(Coder, Coder.id == Memo.coder_id)
            .join(Segment, Segment.id == Memo.segment_id)
            .join(Document, Document.id == Segment.document_id)
        )
        return {(r[0], r[1], r[2]): r[3] for r in rows}


def counts(store: Store) -> tuple[int, int, int, int]:
    """Rows of coders, codings, memos and events."""
    with store.sessions() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(m)) or 0 for m in (Coder, Coding, Memo, Event)
        )
