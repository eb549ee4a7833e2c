"""Read another qcode project's work into a :class:`~qcode.teams.snapshot.Snapshot`.

The other project is a SQLite file, opened read-only through SQLite (never with plain file I/O:
it may be live on someone's laptop), or a database URL read in one read-only transaction. Its
schema must be this qcode's. The same reader serves ``qcode export coder`` on this project.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from qcode.config import redact_url
from qcode.errors import InputError, StoreError
from qcode.names import Names
from qcode.store.engine import make_engine
from qcode.store.faults import store_error
from qcode.store.models import Code, Coder, Coding, Document, Event, Memo, Segment, Setting
from qcode.store.probe import HEAD, connect_read_only, revision_of
from qcode.teams.snapshot import (
    SnapCode,
    SnapCoder,
    SnapCoding,
    SnapDocument,
    SnapEvent,
    SnapMemo,
    Snapshot,
)


@contextmanager
def open_other(spec: str) -> Iterator[tuple[Connection, str]]:
    """A read-only connection to the project ``spec`` names (a path or a URL), in one snapshot.

    Yields:
        The connection and how to name the project in messages.

    Raises:
        StoreError: no such file, not a qcode database, another schema, or the server refuses.
    """
    if "://" in spec and not spec.startswith("sqlite:///"):
        with _open_url(spec) as conn:
            yield conn, redact_url(spec)
        return
    path = Path(spec[len("sqlite:///") :] if spec.startswith("sqlite:///") else spec).expanduser()
    with _open_sqlite(path) as conn:
        yield conn, str(path)


@contextmanager
def _open_sqlite(path: Path) -> Iterator[Connection]:
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a qcode database")
    if not path.exists():
        raise StoreError(f"{path}: no such file")
    try:
        probe = connect_read_only(path)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open ({exc})") from None
    try:
        revision = revision_of(probe, str(path))
    finally:
        probe.close()
    _require_head(revision, str(path))
    engine = create_engine("sqlite://", creator=lambda: connect_read_only(path))
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))  # one snapshot
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except DBAPIError as exc:
        raise store_error(exc, str(path), doing="reading it") from None
    finally:
        engine.dispose()


@contextmanager
def _open_url(url: str) -> Iterator[Connection]:
    engine = make_engine(url)
    where = redact_url(url)
    try:
        with engine.connect() as raw:
            conn = raw.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                names = set(
                    conn.execute(
                        text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                    ).scalars()
                )
                revision = (
                    conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    if "alembic_version" in names
                    else None
                )
                _require_head(revision, where)
                yield conn
    except DBAPIError as exc:
        raise store_error(exc, where, url, doing="reading it") from None
    finally:
        engine.dispose()


def _require_head(revision: str | None, where: str) -> None:
    if revision is None:
        raise StoreError(f"{where}: not a qcode project (no qcode schema in it)")
    if revision != HEAD:
        raise StoreError(
            f"{where}: its schema is {revision}, this qcode's is {HEAD}; "
            f"open it once with this qcode (`qcode --db {where} db upgrade`) and merge again"
        )


def load_source(spec: str) -> Snapshot:
    """What ``qcode merge`` was given: a coder file (``.json``), a REFI-QDA project (``.qdpx``), or
    another qcode project (path or URL).

    Dispatch is by name only: a database file is never opened except through SQLite.
    """
    suffix = "" if "://" in spec else Path(spec).suffix.lower()
    if suffix == ".json":
        from qcode.teams.coderfile import read_coder_file

        return read_coder_file(Path(spec))
    if suffix == ".qdpx":
        from qcode.teams.qdpx_source import snapshot_from_qdpx

        return snapshot_from_qdpx(Path(spec))
    with open_other(spec) as (conn, where):
        return read_snapshot(conn, where)


def coder_snapshot(session: Session, name: str) -> Snapshot:
    """One coder of this project (named in any case) with their work, for a coder file.

    Raises:
        NotFoundError: no such coder (close names suggested).
    """
    everyone = Names("coder", [(n, n) for n in session.scalars(select(Coder.name))])
    return read_snapshot(session.connection(), "this project", coder=everyone.find(name))


def read_snapshot(conn: Connection, where: str, *, coder: str | None = None) -> Snapshot:
    """Everything a merge may bring from the project on ``conn`` (or only coder ``coder``'s work).

    Raises:
        InputError: ``coder`` names no coder of that project.
    """
    coder_ids: list[int] | None = None
    if coder is not None:
        row = conn.execute(select(Coder.id).where(Coder.name == coder)).first()
        if row is None:
            raise InputError(f"{where}: no coder called {coder!r}")
        coder_ids = [int(row[0])]
    project = conn.execute(select(Setting.value).where(Setting.key == "project_guid")).scalar()
    coders = _coders(conn, coder_ids)
    names = {c.name for c in coders}
    return Snapshot(
        where,
        "coder file" if coder is not None else "project",
        project or "",
        coders,
        _codes(conn),
        tuple(SnapDocument(h, n) for h, n in conn.execute(select(Document.content_hash, Document.name))),
        _codings(conn, coder_ids),
        _memos(conn, coder_ids),
        _events(conn, None if coder is None else names),
    )


def _coders(conn: Connection, ids: list[int] | None) -> tuple[SnapCoder, ...]:
    stmt = select(Coder.guid, Coder.name, Coder.role).order_by(Coder.name)
    if ids is not None:
        stmt = stmt.where(Coder.id.in_(ids))
    return tuple(SnapCoder(*row) for row in conn.execute(stmt))


def _codes(conn: Connection) -> tuple[SnapCode, ...]:
    parent = aliased(Code)
    stmt = select(
        Code.guid,
        Code.key,
        Code.name,
        parent.guid,
        Code.description,
        Code.inclusion,
        Code.exclusion,
        Code.example_text,
        Code.example_interviewee,
        Code.keywords,
        Code.colour,
        Code.codable,
        Code.ordinal,
    ).outerjoin(parent, parent.id == Code.parent_id)
    out = []
    for row in conn.execute(stmt.order_by(Code.ordinal, Code.id)):
        values: list[Any] = list(row)
        values[9] = tuple(str(k) for k in (values[9] or ()))
        out.append(SnapCode(*values))
    return tuple(out)


def _codings(conn: Connection, coder_ids: list[int] | None) -> tuple[SnapCoding, ...]:
    stmt = (
        select(
            Coding.guid,
            Coder.guid,
            Document.content_hash,
            Segment.start,
            Segment.end,
            Segment.ordinal,
            Code.guid,
            Coding.created_at,
            Coding.memo,
            Coding.start,
            Coding.end,
            Coding.selection,
        )
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Document, Document.id == Segment.document_id)
        .join(Code, Code.id == Coding.code_id)
        .order_by(Coding.id)
    )
    if coder_ids is not None:
        stmt = stmt.where(Coding.coder_id.in_(coder_ids))
    return tuple(
        SnapCoding(g, c, h, a, b, o, k, at, memo, None if s is None or e is None else (s, e), sel)
        for g, c, h, a, b, o, k, at, memo, s, e, sel in conn.execute(stmt)
    )


def _memos(conn: Connection, coder_ids: list[int] | None) -> tuple[SnapMemo, ...]:
    seg_doc = aliased(Document)
    stmt = (
        select(
            Memo.guid,
            Coder.guid,
            Memo.text,
            Memo.created_at,
            Memo.updated_at,
            Document.content_hash,
            seg_doc.content_hash,
            Segment.start,
            Segment.end,
            Segment.ordinal,
            Code.guid,
        )
        .join(Coder, Coder.id == Memo.coder_id)
        .outerjoin(Document, Document.id == Memo.document_id)
        .outerjoin(Segment, Segment.id == Memo.segment_id)
        .outerjoin(seg_doc, seg_doc.id == Segment.document_id)
        .outerjoin(Code, Code.id == Memo.code_id)
        .order_by(Memo.id)
    )
    if coder_ids is not None:
        stmt = stmt.where(Memo.coder_id.in_(coder_ids))
    out = []
    for g, c, body, created, updated, doc_hash, seg_hash, a, b, ordinal, code in conn.execute(stmt):
        if seg_hash is not None:
            out.append(SnapMemo(g, c, body, created, updated, seg_hash, (a, b), ordinal))
        else:
            out.append(SnapMemo(g, c, body, created, updated, doc_hash, None, None, code))
    return tuple(out)


def _events(conn: Connection, actors: set[str] | None) -> tuple[SnapEvent, ...]:
    stmt = select(Event.guid, Event.at, Event.actor, Event.action, Event.payload).order_by(Event.id)
    if actors is not None:
        stmt = stmt.where(Event.actor.in_(sorted(actors)))
    return tuple(
        SnapEvent(g, at, actor, action, dict(payload or {}))
        for g, at, actor, action, payload in conn.execute(stmt)
    )
