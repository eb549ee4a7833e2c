"""The coding screen's sqlite3 toggle writes the rows the service writes (codings, events), byte for byte.

Compared column by column as SQLite holds them (``typeof`` and the text), GUIDs and times aside:
the same formats, the same JSON payload, readable by the ORM; refusals as the service's.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding import queries, service, sqlite_toggle
from qcode.coding.types import CodeInfo, CoderRef, SegmentRef
from qcode.errors import RoleError
from qcode.store.migrate import Store
from qcode.store.models import Coding, Event
from tests.coding.sample import Sample, fill_sample, tx

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


@pytest.fixture
def project(sqlite_store: Store) -> Iterator[tuple[Session, Sample, sqlite3.Connection]]:
    """The sample project on SQLite, a session on it and a plain connection as the TUI opens one."""
    with sqlite_store.sessions() as session:
        with session.begin():
            sample = fill_sample(session)
        path = Path(sqlite_store.url.removeprefix("sqlite:///"))
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            yield session, sample, conn
        finally:
            conn.close()


def _raw(conn: sqlite3.Connection, table: str, row_id: int) -> dict[str, tuple[str, object]]:
    """One row as SQLite holds it: each column's storage class and value."""
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    types = ", ".join(f'typeof("{c}"), "{c}"' for c in cols)
    values = conn.execute(f"SELECT {types} FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return {c: (values[2 * i], values[2 * i + 1]) for i, c in enumerate(cols)}


def _comparable(row: dict[str, tuple[str, object]], *, ids: tuple[str, ...]) -> dict[str, object]:
    """The row with its id, GUIDs, times and the given row ids checked for form and left out."""
    out: dict[str, object] = {}
    for col, (kind, value) in row.items():
        if col in ("guid", "selection") and value is not None:
            assert kind == "text" and _GUID.match(str(value)), (col, value)
            out[col] = kind
        elif col in ("created_at", "at"):
            assert kind == "text" and _STAMP.match(str(value)), (col, value)
            out[col] = kind
        elif col == "payload":
            assert kind == "text"
            payload = json.loads(str(value))
            assert str(value) == json.dumps(payload)  # the same serialisation as the ORM's JSON type
            out[col] = {k: ("<guid>" if k == "coding" else v) for k, v in payload.items()}
        elif col == "id" or col in ids:
            out[col] = kind
        else:
            out[col] = (kind, value)
    return out


def _last(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])


def _toggle_both(
    session: Session,
    conn: sqlite3.Connection,
    coder: CoderRef,
    seg: tuple[SegmentRef, SegmentRef],
    code: CodeInfo,
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    with tx(session):
        by_service = service.toggle_coding(session, coder, seg[0], code, "suggestion")
    session.commit()
    rows_service = (_last(conn, "codings"), _last(conn, "events"))
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        by_sqlite = sqlite_toggle.toggle_coding(conn, coder, seg[1], code, "suggestion")
    rows_sqlite = (_last(conn, "codings"), _last(conn, "events"))
    assert by_service.added == by_sqlite.added and by_service.code_key == by_sqlite.code_key
    return (by_service, *rows_service), (by_sqlite, *rows_sqlite)


def test_a_toggle_on_writes_the_services_rows(project: tuple[Session, Sample, sqlite3.Connection]) -> None:
    session, sample, conn = project
    alice = queries.find_coder(session, "alice")
    wages = next(c for c in queries.codebook(session) if c.key == "wages")
    assert alice is not None
    segs = (SegmentRef(sample.segments[("A", 1)], "A", 1), SegmentRef(sample.segments[("A", 2)], "A", 2))
    (op_s, coding_s, event_s), (op_q, coding_q, event_q) = _toggle_both(session, conn, alice, segs, wages)
    assert op_s.added and op_q.added
    ids = ("segment_id",)
    assert _comparable(_raw(conn, "codings", int(coding_q)), ids=ids) == _comparable(
        _raw(conn, "codings", int(coding_s)), ids=ids
    )
    event_service = _comparable(_raw(conn, "events", int(event_s)), ids=())
    event_sqlite = _comparable(_raw(conn, "events", int(event_q)), ids=())
    assert event_service.pop("payload") == {**event_sqlite.pop("payload"), "segment": 1}  # type: ignore[dict-item]
    assert event_service == event_sqlite
    # and the ORM reads the sqlite3 rows back as its own (aware UTC times, the JSON decoded)
    session.commit()
    made = session.scalars(select(Coding).where(Coding.guid == op_q.guid)).one()
    assert made.created_at.tzinfo is not None and made.memo is None
    payload = session.scalars(select(Event.payload).where(Event.id == event_q)).one()
    assert payload == {"coding": op_q.guid, "coder": "alice", "code": "wages", "document": "A",
                       "segment": 2, "via": "suggestion"}  # fmt: skip


def test_a_toggle_off_returns_the_memo_and_logs_as_the_service(
    project: tuple[Session, Sample, sqlite3.Connection],
) -> None:
    session, sample, conn = project
    bob = queries.find_coder(session, "bob")
    debt = next(c for c in queries.codebook(session) if c.key == "debt")
    assert bob is not None
    segs = (SegmentRef(sample.segments[("B", 1)], "B", 1), SegmentRef(sample.segments[("B", 2)], "B", 2))
    _toggle_both(session, conn, bob, segs, debt)
    conn.execute("UPDATE codings SET memo = 'kept' WHERE code_id = ?", (debt.id,))
    (op_s, _, event_s), (op_q, _, event_q) = _toggle_both(session, conn, bob, segs, debt)
    assert not op_s.added and not op_q.added and op_s.memo == op_q.memo == "kept"
    assert conn.execute("SELECT count(*) FROM codings").fetchone()[0] == 0
    event_service = _comparable(_raw(conn, "events", int(event_s)), ids=())
    event_sqlite = _comparable(_raw(conn, "events", int(event_q)), ids=())
    assert event_service.pop("payload") == {**event_sqlite.pop("payload"), "segment": 1}  # type: ignore[dict-item]
    assert event_service == event_sqlite


def test_the_consensus_coder_is_refused_before_anything_is_written(
    project: tuple[Session, Sample, sqlite3.Connection],
) -> None:
    session, sample, conn = project
    wages = next(c for c in queries.codebook(session) if c.key == "wages")
    consensus = CoderRef(sample.coders["bob"], "g", "bob", role="consensus")
    before = conn.execute("SELECT (SELECT count(*) FROM codings), (SELECT count(*) FROM events)").fetchone()
    with pytest.raises(RoleError):
        sqlite_toggle.toggle_coding(conn, consensus, SegmentRef(sample.segments[("A", 1)], "A", 1), wages)
    after = conn.execute("SELECT (SELECT count(*) FROM codings), (SELECT count(*) FROM events)").fetchone()
    assert before == after
