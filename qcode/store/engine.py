"""Engines and sessions for SQLite (WAL, foreign keys, busy timeout) and PostgreSQL (lock timeouts).

Writers wait for each other for at most :data:`LOCK_TIMEOUT_S` on both backends. On SQLite a write
transaction begins with ``BEGIN IMMEDIATE``: it takes the write lock first, so the busy timeout
applies to it as a whole (a deferred transaction that read first would be refused at once when it
came to write). Read-only work runs in sessions from :attr:`Store.readers` (an execution option):
a plain ``BEGIN`` on SQLite, which never takes the write lock, and a ``READ ONLY`` transaction on
PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from qcode.config import redact_url
from qcode.errors import StoreError
from qcode.store.faults import BUSY_TIMEOUT_MS, LOCK_TIMEOUT_S

#: Seconds to reach a PostgreSQL server before saying it does not answer.
CONNECT_TIMEOUT_S = 5
#: Execution option marking a connection's transactions read-only (see :func:`read_only`).
READ_ONLY = "qcode_read_only"

_POSTGRES_NAMES = ("postgresql", "postgres")


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy manage transactions but keep pysqlite from issuing its own BEGIN late.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _sqlite_begin(conn: Any) -> None:
    reading = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other backends and memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def parse_url(url: str) -> URL:
    """A database URL qcode can open: SQLite, or PostgreSQL (``postgres://`` too) through psycopg.

    Raises:
        StoreError: not a URL, or a database qcode does not keep projects in.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {redact_url(url)}") from exc
    backend = parsed.get_backend_name()
    if backend in _POSTGRES_NAMES:
        return parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise StoreError(
            f"{redact_url(url)}: qcode keeps projects in SQLite (a file) or PostgreSQL, not {backend}"
        )
    return parsed


def make_engine(url: str, *, statement_timeout_s: float | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url``.

    SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE`` writes; PostgreSQL a
    connect timeout, a lock timeout and (for interactive use) a statement timeout.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    options = f"-c lock_timeout={LOCK_TIMEOUT_S * 1000}"
    if statement_timeout_s is not None:
        options += f" -c statement_timeout={int(statement_timeout_s * 1000)}"
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, "options": options, "application_name": "qcode"}
    try:
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"{redact_url(url)}: the PostgreSQL driver is missing; install qcode[postgres]"
        ) from exc


def read_only(engine: Engine) -> Engine:
    """The same engine (pool, events) whose transactions only read, each from one snapshot.

    No write lock is ever taken. On PostgreSQL the transaction is ``REPEATABLE READ``: every
    statement sees the same snapshot (as a SQLite read transaction does), so a report or a check
    never mixes rows from before and after another session's commit.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(
            **{READ_ONLY: True}, postgresql_readonly=True, isolation_level="REPEATABLE READ"
        )
    return engine.execution_options(**{READ_ONLY: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A sessionmaker whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One short unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
