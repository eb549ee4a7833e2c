"""A new project is built from the models, not by replaying the migrations: the two schemas are the same.

Compared on both backends, catalogue against catalogue: every table's columns (type, nullability,
default, key), foreign keys, unique and check constraints, indexes, triggers (the append-only event
log) and the version stamp. Columns are compared by name: the migrations append a later column
where the models declare it in its place, and nothing in qcode reads columns by position.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from qcode.store.engine import make_engine
from qcode.store.migrate import _alembic_config, open_store
from qcode.store.probe import HEAD
from tests.conftest import _pg_admin_url


def _migrate(url: str) -> None:
    """The schema as the migrations build it, from nothing to HEAD."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")  # type: ignore[arg-type]
    finally:
        engine.dispose()


#: A named constraint inside CREATE TABLE: its name, kind and body.
_NAMED = r"CONSTRAINT (\w+) (CHECK|UNIQUE|PRIMARY KEY) \((.*?)\)(?=,|\s*\)$)"


def _sqlite_schema(conn: Connection) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for kind, name, table, sql in conn.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ):
        if kind != "table":
            out[kind, name] = (table, sql)
            continue
        columns = sorted(tuple(r[1:]) for r in conn.exec_driver_sql(f"PRAGMA table_xinfo('{name}')"))
        keys = sorted(tuple(r[2:]) for r in conn.exec_driver_sql(f"PRAGMA foreign_key_list('{name}')"))
        named = sorted(re.findall(_NAMED, sql, re.S))
        out[kind, name] = (columns, keys, named)
    return out


_PG_QUERIES = {
    "column": "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable,"
    " column_default FROM information_schema.columns WHERE table_schema = 'public'",
    "constraint": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
    " WHERE connamespace = 'public'::regnamespace",
    "index": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "trigger": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger"
    " WHERE NOT tgisinternal",
    "function": "SELECT proname, pg_get_functiondef(oid), '' FROM pg_proc"
    " WHERE pronamespace = 'public'::regnamespace",
}


def _pg_schema(conn: Connection) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for kind, sql in _PG_QUERIES.items():
        out.update(((kind, str(row[:2])), tuple(row)) for row in conn.execute(text(sql)))
    return out


def _schema(url: str) -> dict[tuple[str, str], Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            schema = _sqlite_schema(conn) if engine.dialect.name == "sqlite" else _pg_schema(conn)
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
    assert version == HEAD
    return schema


def _compare(migrated: str, created: str) -> None:
    _migrate(migrated)
    open_store(created, create=True).close()
    a, b = _schema(migrated), _schema(created)
    assert len(a) > 40
    assert {k: v for k, v in a.items() if b.get(k) != v} == {}
    assert set(a) == set(b)


def test_sqlite_project_is_created_as_the_migrations_build_it(tmp_path: Path) -> None:
    _compare(f"sqlite:///{tmp_path / 'migrated.db'}", f"sqlite:///{tmp_path / 'created.db'}")


@pytest.fixture
def empty_pg_databases() -> Iterator[tuple[str, str]]:
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL tests need QCODE_TEST_PG_URL")
    names = [f"qcode_create_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield tuple(make_url(admin).set(database=n).render_as_string(hide_password=False) for n in names)  # type: ignore[misc]
    finally:
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def test_postgresql_project_is_created_as_the_migrations_build_it(
    empty_pg_databases: tuple[str, str],
) -> None:
    _compare(*empty_pg_databases)


def test_a_created_event_log_is_append_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    store = open_store(url, create=True)
    try:
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO events (guid, at, actor, action, payload) VALUES"
                              " ('g', '2026-01-01 00:00:00', 'a', 'x', '{}')"))
        for sql in ("UPDATE events SET actor = 'b'", "DELETE FROM events"):
            with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
                conn.execute(text(sql))
    finally:
        store.close()


def test_a_second_creator_finds_the_project_made(tmp_path: Path) -> None:
    """Two first imports at once: the one that waited for the lock creates nothing twice."""
    from qcode.store import migrate

    url = f"sqlite:///{tmp_path / 'p.db'}"
    first = open_store(url, create=True)
    try:
        migrate._create(first.engine)  # as a second process would, after waiting on the first
        with first.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    finally:
        first.close()
