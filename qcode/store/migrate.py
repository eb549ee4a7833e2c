"""Open a project database, creating or upgrading its schema with Alembic.

Opening checks, before anything is written, that the target is a qcode database of
a schema this qcode knows; an older schema is upgraded after a backup copy (SQLite).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qcode.config import redact_url
from qcode.errors import SchemaTooNewError, StoreError
from qcode.store.engine import db_error_reason, make_engine, session_factory, sqlite_path
from qcode.store.probe import HEAD, check_sqlite_path, probe_sqlite, revision_from

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Store:
    """An open project: its engine and the sessionmaker front ends own."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def _current_revision(conn: Connection, where: str) -> str | None:
    return revision_from(
        set(inspect(conn).get_table_names()),
        lambda: conn.execute(text("SELECT version_num FROM alembic_version")).scalar(),
        where,
    )


def _alembic_config(conn: Connection) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def known_revisions() -> set[str]:
    """Every revision in the migration scripts."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


def _refuse_newer(current: str | None, where: str) -> None:
    if current is not None and current != HEAD and current not in known_revisions():
        raise SchemaTooNewError(
            f"{where}: database schema {current} is newer than this qcode knows (head {HEAD}); upgrade qcode"
        )


def _backup(path: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{revision}.{stamp}.bak")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def _upgrade(engine: Engine, path: Path | None, current: str | None, where: str) -> None:
    from alembic import command

    _refuse_newer(current, where)
    if current is not None and path is not None:
        _backup(path, current)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild SQLite tables (copy, drop, rename); with foreign keys on,
            # dropping ``codes`` or ``coders`` would cascade into codings and memos. The pragma is
            # ignored inside a transaction, so it goes to the driver before SQLAlchemy begins one.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                command.upgrade(_alembic_config(conn), "head")  # type: ignore[arg-type]
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise StoreError(f"{where}: upgrade left a dangling reference in {broken[0]}")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def current_revision(url: str) -> str | None:
    """The schema revision of the database at ``url``, read without changing anything."""
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_path(path, create=False)
        return probe_sqlite(path)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return _current_revision(conn, redact_url(url))
    except (OperationalError, DBAPIError) as exc:
        raise StoreError(f"{redact_url(url)}: cannot open database ({db_error_reason(exc, url)})") from None
    finally:
        engine.dispose()


def open_store(url: str, *, create: bool = False, upgrade: bool = True) -> Store:
    """Open (and if asked create) the project at ``url``, bringing its schema to ``HEAD``.

    Raises:
        StoreError: not a qcode database, cannot connect, or no project and ``create`` is false.
        SchemaTooNewError: the database was written by a newer qcode.
    """
    path = sqlite_path(url)
    probed: str | None = None
    if path is not None:
        check_sqlite_path(path, create=create)
        probed = probe_sqlite(path)
        _refuse_newer(probed, str(path))
    engine = make_engine(url)
    if probed == HEAD:  # the common case: already checked read-only, no reflection needed
        return Store(url=url, engine=engine, sessions=session_factory(engine))
    where = str(path) if path is not None else redact_url(url)
    try:
        with engine.connect() as conn:
            current = _current_revision(conn, where)
        if current is None and not create:
            raise StoreError(f"{where}: no qcode project here (run `qcode init` first)")
        if current != HEAD:
            if not upgrade:
                raise StoreError(f"{where}: schema {current} needs `qcode db upgrade`")
            _upgrade(engine, path, current, where)
    except StoreError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise StoreError(f"{where}: cannot open database ({db_error_reason(exc, url)})") from None
    return Store(url=url, engine=engine, sessions=session_factory(engine))

