"""Migration 0002 on a filled 0001 project: nothing lost, duplicate memos folded, events get GUIDs.

Fill the previous schema with raw SQL (as an older qcode wrote it), upgrade through the command's
own path (``open_store``, which backs a SQLite file up first), and compare row by row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from qcode.store.migrate import _alembic_config, open_store
from qcode.store.probe import HEAD

NOW = "2026-11-30 10:00:00.000000"
TEXT = "I worked 16 hours a day. We were watched."


def _fill_0001(engine: Engine) -> None:
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")  # type: ignore[arg-type]
    rows = [
        "INSERT INTO documents (id, guid, name, title, source_path, content_hash, text, attributes,"
        f" segmentation, created_at) VALUES (1, '{uuid.uuid4()}', 'A', '', '', '{'h' * 64}', '{TEXT}',"
        f" '{{\"age\": 50}}', 'sentence', '{NOW}')",
        "INSERT INTO passages (id, document_id, ordinal, section, start, \"end\")"
        " VALUES (1, 1, 1, 'Hours', 0, 41)",
        f"INSERT INTO segments (id, document_id, passage_id, ordinal, start, \"end\", text)"
        f" VALUES (1, 1, 1, 1, 0, 24, '{TEXT[:24]}'), (2, 1, 1, 2, 25, 41, '{TEXT[25:]}')",
        f"INSERT INTO coders (id, guid, name, created_at) VALUES (1, '{uuid.uuid4()}', 'ann', '{NOW}')",
        "INSERT INTO codes (id, guid, key, name, description, inclusion, exclusion, example_text,"
        " example_interviewee, keywords, colour, hotkey, ordinal, created_at) VALUES"
        f" (1, '{uuid.uuid4()}', 'hours', 'hours', '', '', '', '', '', '[]', '#1f77b4', 'h', 0, '{NOW}')",
        f"INSERT INTO codings (id, guid, coder_id, segment_id, code_id, memo, created_at)"
        f" VALUES (1, '{uuid.uuid4()}', 1, 1, 1, 'long days', '{NOW}')",
        # Two sessions of one coder wrote two memos on one segment (the bug the constraint ends).
        f"INSERT INTO memos (id, guid, coder_id, segment_id, text, created_at, updated_at) VALUES"
        f" (1, '{uuid.uuid4()}', 1, 2, 'first', '{NOW}', '{NOW}'),"
        f" (2, '{uuid.uuid4()}', 1, 2, 'second', '{NOW}', '{NOW}'),"
        f" (3, '{uuid.uuid4()}', 1, 2, 'first', '{NOW}', '{NOW}')",
        f"INSERT INTO memos (id, guid, coder_id, document_id, text, created_at, updated_at)"
        f" VALUES (4, '{uuid.uuid4()}', 1, 1, 'on the document', '{NOW}', '{NOW}')",
        f"INSERT INTO events (id, at, actor, action, payload) VALUES"
        f" (1, '{NOW}', 'ann', 'coding.add', '{{\"code\": \"hours\"}}'),"
        f" (2, '{NOW}', 'ann', 'memo.set', '{{\"text\": \"first\"}}')",
    ]
    with engine.begin() as conn:
        for sql in rows:
            conn.execute(text(sql))


def _check_upgraded(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert conn.execute(text("SELECT name, language FROM documents")).all() == [("A", "en")]
        assert conn.execute(text("SELECT count(*) FROM segments")).scalar() == 2
        assert conn.execute(text("SELECT name, role FROM coders")).all() == [("ann", "coder")]
        assert conn.execute(text("SELECT key, colour, codable FROM codes")).all() == [
            ("hours", "#1f77b4", True)
        ]
        assert conn.execute(
            text('SELECT segment_id, memo, start, "end", selection FROM codings')
        ).all() == [(1, "long days", None, None, None)]
        memos = conn.execute(text("SELECT segment_id, document_id, text FROM memos ORDER BY id")).all()
        assert memos == [(2, None, "first\n\nsecond"), (None, 1, "on the document")]
        events = conn.execute(text("SELECT id, guid FROM events ORDER BY id")).all()
        assert [e.id for e in events] == [1, 2]
        assert len({uuid.UUID(e.guid) for e in events}) == 2
        assert all(uuid.UUID(e.guid).version == 4 for e in events)
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM events"))
    with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO memos (guid, coder_id, segment_id, text, created_at, updated_at)"
                f" VALUES ('{uuid.uuid4()}', 1, 2, 'third', '{NOW}', '{NOW}')"
            )
        )


def test_sqlite_0001_project_upgrades_with_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    _fill_0001(engine)
    engine.dispose()
    store = open_store(f"sqlite:///{path}")
    try:
        _check_upgraded(store.engine)
    finally:
        store.close()
    backups = list(tmp_path.glob("old.db.0001.*.bak"))
    assert len(backups) == 1
    old = create_engine(f"sqlite:///{backups[0]}")
    with old.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        assert conn.execute(text("SELECT count(*) FROM memos")).scalar() == 4
    old.dispose()


@pytest.fixture
def pg_empty(pg_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database beside the session's one."""
    name = f"qcode_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_0001_project_upgrades(pg_empty: str) -> None:
    engine = create_engine(pg_empty)
    _fill_0001(engine)
    engine.dispose()
    store = open_store(pg_empty)
    try:
        _check_upgraded(store.engine)
    finally:
        store.close()
