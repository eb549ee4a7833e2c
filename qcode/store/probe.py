"""Look at a SQLite project file without SQLAlchemy: is it one, and which schema does it hold.

Only the standard library, so a front end can check a project (and read its first screen) before
the ORM has loaded. Every connection here is read-only: a foreign file is never touched.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from qcode.errors import StoreError
from qcode.store.faults import BUSY_TIMEOUT_MS, reason

#: The newest schema revision this qcode writes; a test checks it is Alembic's head.
HEAD = "0002"
_SQLITE_URL = "sqlite:///"


def sqlite_file(url: str) -> Path | None:
    """The file behind a plain ``sqlite:///PATH`` URL (what ``--db PATH`` gives); ``None`` otherwise.

    URLs with a driver, query options or an in-memory database are left to SQLAlchemy's parser.
    """
    if not url.startswith(_SQLITE_URL) or "?" in url:
        return None
    database = url[len(_SQLITE_URL) :]
    return Path(database) if database and database != ":memory:" else None


def check_sqlite_path(path: Path, *, create: bool) -> None:
    """Refuse a folder, a missing file (unless ``create``) and an unreadable one, by name alone.

    Nothing here opens the file: on POSIX, closing any descriptor of a file drops every lock this
    process holds on it, so a plain ``open()``/``close()`` of a database this process is connected
    to lets another process delete the write-ahead log under it (sqlite.org, "How To Corrupt An
    SQLite Database File", section 2.2). Whether the content is SQLite is SQLite's own answer, read
    through :func:`connect_read_only` in :func:`probe_sqlite`.
    """
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a qcode database")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no qcode project here (run `qcode init` first)")
        if not path.parent.is_dir():
            raise StoreError(f"{path}: folder {path.parent} does not exist")
        return
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot read (permission denied)")


def revision_from(names: set[str], read_version: Callable[[], str | None], where: str) -> str | None:
    """The schema revision given the database's table names (``None``: an empty database)."""
    if "alembic_version" not in names:
        if names:
            raise StoreError(f"{where}: not a qcode database (it has tables but no qcode schema)")
        return None
    return read_version()


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``path`` (nor create it).

    In autocommit mode: no statement opens a transaction behind the caller's back (not even a
    refused write), so each read sees every commit made before it unless the caller asks for one
    snapshot with ``BEGIN``.
    """
    uri = path.resolve().as_uri() + "?mode=ro"  # escapes '#', '?' and '%' in the path
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def revision_of(conn: sqlite3.Connection, where: str) -> str | None:
    """The schema revision of the database ``conn`` is open on (see :func:`revision_from`).

    Raises:
        StoreError: not a qcode database (foreign tables, or not SQLite at all).
    """
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return revision_from(
            names, lambda: conn.execute("SELECT version_num FROM alembic_version").fetchone()[0], where
        )
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{where}: {reason(exc)}") from None


def probe_sqlite(path: Path) -> str | None:
    """Read the schema revision through a read-only connection, so a foreign file is left untouched.

    SQLite itself says whether the file is a database ("file is not a database"); the connection is
    SQLite's, so closing it keeps the locks of any other connection this process has to the file.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {reason(exc)}") from None
    try:
        return revision_of(conn, str(path))
    finally:
        conn.close()
