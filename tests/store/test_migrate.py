"""Migrations build the models' schema; opening refuses what it must not touch."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from qcode.errors import SchemaTooNewError, StoreError
from qcode.store import migrate
from qcode.store.migrate import MIGRATIONS_DIR, Store, open_store
from qcode.store.models import Base
from qcode.store.probe import HEAD


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_constant_is_alembic_head() -> None:
    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == HEAD


def test_migrated_schema_matches_models(tmp_path: Path) -> None:
    """The migrations' schema (a new project is made from the models: tests/store/test_create.py)."""
    from alembic import command

    from qcode.store.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.begin() as conn:
        command.upgrade(migrate._alembic_config(conn), "head")  # type: ignore[arg-type]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_open_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes\n")
    before = _digest(path)
    with pytest.raises(StoreError, match="not a qcode database"):
        open_store(f"sqlite:///{path}")
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_open_refuses_a_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = _digest(path)
    with pytest.raises(StoreError, match="no qcode schema"):
        open_store(f"sqlite:///{path}", create=True)
    assert _digest(path) == before


def test_open_refuses_a_folder_and_a_missing_project(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_store(f"sqlite:///{tmp_path}")
    with pytest.raises(StoreError, match="no qcode project here"):
        open_store(f"sqlite:///{tmp_path / 'absent.db'}")
    assert list(tmp_path.iterdir()) == []


def test_open_refuses_a_newer_schema(sqlite_store: Store) -> None:
    path = Path(sqlite_store.engine.url.database or "")
    with sqlite_store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    sqlite_store.close()
    before = _digest(path)
    with pytest.raises(SchemaTooNewError, match="9999 is newer"):
        open_store(f"sqlite:///{path}")
    assert _digest(path) == before


def test_backup_copy_is_a_working_database(sqlite_store: Store) -> None:
    path = Path(sqlite_store.engine.url.database or "")
    copy = migrate._backup(path, HEAD)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)


def test_unreachable_postgres_is_one_clear_line_without_password() -> None:
    url = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/none"
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert "s3cret" not in message
    assert "cannot open database" in message
    assert "\n" not in message
