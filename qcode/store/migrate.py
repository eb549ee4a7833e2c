"""Open a project database, creating or upgrading its schema with Alembic.

Opening checks, before anything is written, that the target is a qcode database of
a schema this qcode knows; an older schema is upgraded after a backup copy (SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from qcode.config import redact_url
from qcode.errors import SchemaTooNewError, StoreError
from qcode.store.engine import make_engine, read_only, session_factory, sqlite_path
from qcode.store.faults import store_error
from qcode.store.probe import HEAD, check_sqlite_path, connect_read_only, probe_sqlite, revision_from

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Store:
    """An open project: its engine, and sessions for changes (``sessions``) and for reading (``readers``).

    A reader's transaction never takes the write lock (SQLite) and cannot write (PostgreSQL), so a
    long export or agreement run never makes a coder's change wait.
    """

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]

    @classmethod
    def on(cls, url: str, engine: Engine) -> Store:
        """The store over an engine already made for ``url``."""
        return cls(url, engine, session_factory(engine), session_factory(read_only(engine)))

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
    """A copy of the project beside it, named by the revision it holds, before an upgrade."""
    from qcode.store.backup import sqlite_copy

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = path.with_name(f"{path.name}.{revision}.{stamp}.bak")
    source = connect_read_only(path)
    try:
        sqlite_copy(source, target)
    finally:
        source.close()
    return target


def integrity_problems(engine: Engine, *, limit: int = 20) -> list[str]:
    """SQLite's own ``quick_check`` of the file (pages, indexes, constraints): empty when sound.

    PostgreSQL checks its pages itself; there the list is empty.
    """
    if engine.dialect.name != "sqlite":
        return []
    with read_only(engine).connect() as conn:
        rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA quick_check({limit})")]
    if rows == ["ok"]:
        return []
    lines = (" ".join(r.replace("*** in database main ***", "").split()) for r in rows)
    return [line for line in lines if line]


def _upgrade(engine: Engine, path: Path | None, current: str | None, where: str) -> None:
    from alembic import command

    _refuse_newer(current, where)
    if current is not None and path is not None:
        damage = integrity_problems(engine, limit=1)
        if damage:
            raise StoreError(f"{where}: the database is damaged ({damage[0]}); not upgraded, see qcode check")
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


#: Alembic's own version table, as its migrations leave it.
_VERSION_TABLE = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
    " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)
#: The event log refuses UPDATE and DELETE (as migrations 0001 and 0002 make it).
_APPEND_ONLY = {
    "sqlite": tuple(
        f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
        "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION qcode_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$",
        "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
        "FOR EACH ROW EXECUTE FUNCTION qcode_events_append_only()",
    ),
}


def _create(engine: Engine) -> None:
    """A new project's schema at :data:`HEAD` in one transaction, built from the models.

    What the migrations build from nothing (tests/store/test_create.py compares the two on both
    backends), without loading Alembic and replaying every step: a quarter of a second less for
    ``qcode init`` and a first ``qcode import``.
    """
    from qcode.store import models  # noqa: F401 - registers the tables on Base.metadata
    from qcode.store.base import Base

    with engine.begin() as conn:  # the write lock first: a second creator waits, then finds it made
        if _current_revision(conn, "") == HEAD:
            return
        Base.metadata.create_all(conn)
        for statement in _APPEND_ONLY[conn.dialect.name]:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(_VERSION_TABLE)
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})


def current_revision(url: str) -> str | None:
    """The schema revision of the database at ``url``, read without changing anything."""
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_path(path, create=False)
        return probe_sqlite(path)
    engine = make_engine(url)
    try:
        with read_only(engine).connect() as conn:
            return _current_revision(conn, redact_url(url))
    except DBAPIError as exc:
        raise store_error(exc, redact_url(url), url, "cannot open database") from None
    finally:
        engine.dispose()


def open_store(
    url: str, *, create: bool = False, upgrade: bool = True, statement_timeout_s: float | None = None
) -> Store:
    """Open (and if asked create) the project at ``url``, bringing its schema to ``HEAD``.

    ``statement_timeout_s`` bounds every statement on PostgreSQL (the coding screen sets it, so a
    stuck query is refused and said rather than freezing the screen).

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
    engine = make_engine(url, statement_timeout_s=statement_timeout_s)
    if probed == HEAD:  # the common case: already checked read-only, no reflection needed
        return Store.on(url, engine)
    where = str(path) if path is not None else redact_url(url)
    try:
        with read_only(engine).connect() as conn:
            current = _current_revision(conn, where)
        if current is None and not create:
            raise StoreError(f"{where}: no qcode project here (run `qcode init` first)")
        if current is None:
            _create(engine)
        elif current != HEAD:
            if not upgrade:
                raise StoreError(f"{where}: schema {current} needs `qcode db upgrade`")
            _upgrade(engine, path, current, where)
    except StoreError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise store_error(exc, where, url, "cannot open database") from None
    return Store.on(url, engine)

