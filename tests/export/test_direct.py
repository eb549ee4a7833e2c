"""The long export over the standard library's sqlite3 gives the same bytes as the SQLAlchemy path."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator

import pytest

from qcode.errors import NotFoundError
from qcode.export.direct import long_rows
from qcode.export.service import coded_segment_rows, resolve_filter
from qcode.export.shape import write_stream
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.probe import connect_read_only, sqlite_file
from tests.export.sample import add_segment_memos


@pytest.fixture
def reader(seeded_sqlite: Store) -> Iterator[sqlite3.Connection]:
    path = sqlite_file(seeded_sqlite.url)
    assert path is not None
    conn = connect_read_only(path)
    try:
        yield conn
    finally:
        conn.close()


def _portable(store: Store, coders: tuple[str, ...], codes: tuple[str, ...], guard: bool) -> str:
    buf = io.StringIO(newline="")
    with store.sessions() as session, session.begin():
        flt = resolve_filter(session, coders, codes)
        stream = coded_segment_rows(session, flt, guard=guard, render=False)
        write_stream(buf, stream)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("coders", "codes"), [((), ()), (("alice",), ()), ((), ("recruitment",)), (("BOB", "alice"), ("hours",))]
)
@pytest.mark.parametrize("guard", [True, False])
def test_same_bytes_as_the_portable_path(
    seeded_sqlite: Store,
    reader: sqlite3.Connection,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    guard: bool,
) -> None:
    stream = long_rows(reader, coders, codes, guard=guard, chunk_rows=2)
    assert stream is not None and stream.rendered
    buf = io.StringIO(newline="")
    assert write_stream(buf, stream) == stream.total > 0
    assert buf.getvalue() == _portable(seeded_sqlite, coders, codes, guard)
    assert reader.text_factory is str  # the connection is handed back as it came


@pytest.mark.parametrize(("coders", "codes"), [((), ()), (("bob",), ()), ((), ("recruitment",))])
@pytest.mark.parametrize("guard", [True, False])
def test_segment_memos_give_the_same_bytes_as_the_portable_path(
    seeded_sqlite: Store,
    reader: sqlite3.Connection,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    guard: bool,
) -> None:
    """Memos written with ``m`` on a segment join the ``memo`` cell on both paths, identically."""
    with transaction(seeded_sqlite.sessions) as session:
        add_segment_memos(session)
    stream = long_rows(reader, coders, codes, guard=guard, chunk_rows=2)
    assert stream is not None and stream.rendered
    buf = io.StringIO(newline="")
    write_stream(buf, stream)
    assert buf.getvalue() == _portable(seeded_sqlite, coders, codes, guard)
    if not codes:
        assert "pay first, then leave" in buf.getvalue() or coders == ("bob",)
        assert "both codes" in buf.getvalue() or coders == ("alice",)


def test_a_nul_character_leaves_the_export_to_the_portable_path(
    seeded_sqlite: Store, reader: sqlite3.Connection
) -> None:
    with seeded_sqlite.sessions() as session, session.begin():
        session.connection().exec_driver_sql("UPDATE segments SET text = 'a' || char(0) || 'b' WHERE id = 2")
    assert long_rows(reader) is None


def test_unknown_names_are_refused(reader: sqlite3.Connection) -> None:
    with pytest.raises(NotFoundError, match="zed"):
        long_rows(reader, ["zed"])
    with pytest.raises(NotFoundError, match="nocode"):
        long_rows(reader, (), ["nocode"])
