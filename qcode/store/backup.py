"""`qcode backup` and `qcode restore`: one portable backup format, a qcode SQLite file.

A SQLite project is copied with SQLite's online backup API from a read-only connection: one
consistent snapshot, safe while coders keep working (they are never blocked in WAL mode). A
PostgreSQL project is copied row by row from one ``REPEATABLE READ`` snapshot into a new SQLite
file of the same schema, so the same file restores into either backend.

Restoring into SQLite uses the backup API again, into the project's own file (under its write
lock, so processes that have it open see the new content and no file is ever replaced under
them); into PostgreSQL, every table is replaced in one transaction. A project that holds anything
is only replaced when asked (``force``).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, Table, delete, func, select, text

from qcode.errors import ConflictError, InputError, StoreError
from qcode.store import models  # the tables (registered on Base.metadata by defining them)
from qcode.store.base import Base
from qcode.store.faults import BUSY_TIMEOUT_MS, reason
from qcode.store.probe import HEAD, connect_read_only, probe_sqlite

if TYPE_CHECKING:
    from qcode.store.migrate import Store

#: Rows copied per statement between backends.
BATCH = 2000
#: Tables whose rows make a project "hold something" (a new project has settings and one event).
_CONTENT = ("documents", "codes", "coders", "codings", "memos")


@dataclass(frozen=True)
class Copied:
    """What a backup or a restore carried: row counts of the tables that matter to people."""

    target: str
    counts: dict[str, int]

    def describe(self) -> str:
        """``12 documents, 4,000 segments, …`` for the command's one line."""
        keys = ("documents", "segments", "codings", "memos", "events")
        return ", ".join(f"{self.counts.get(k, 0):,} {k}" for k in keys)


def _tables() -> list[Table]:
    """Every qcode table, parents before children (the models module defines them)."""
    return [t for t in Base.metadata.sorted_tables if t.name in models.TABLES]


def counts(conn: Connection) -> dict[str, int]:
    """Rows in each qcode table."""
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in _tables()}


def holds_content(conn: Connection) -> bool:
    """Whether the project has documents, codes, coders, codings or memos."""
    return any(conn.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() for name in _CONTENT)


def sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind ``source`` into a new file ``target`` with SQLite's backup API.

    The copy keeps a rollback journal rather than a write-ahead log: one self-contained file,
    which a read-only connection opens without leaving ``-wal``/``-shm`` files beside it.
    """
    dst = sqlite3.connect(target)
    try:
        source.backup(dst)  # every page in one step: one snapshot of the source
    finally:
        dst.close()
    _self_contained(target)


def _self_contained(path: Path) -> None:
    """Give a new file (no one else has it open) a rollback journal instead of a write-ahead log."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


@contextmanager
def _new_file_beside(target: Path) -> Iterator[Path]:
    """A temporary file in ``target``'s folder that becomes ``target`` only if all went well."""
    if not target.parent.is_dir():
        raise InputError(f"folder {target.parent} does not exist", path=str(target))
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # SQLite creates it afresh
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _checked(path: Path) -> None:
    conn = connect_read_only(path)
    try:
        result = [r[0] for r in conn.execute("PRAGMA quick_check")]
    finally:
        conn.close()
    if result != ["ok"]:
        raise StoreError(f"{path}: the copy does not check out ({result[0]}); nothing was written")


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def copy_rows(source: Connection, target: Connection) -> None:
    """Every row of every qcode table from ``source`` into (empty) ``target``, parents first.

    A table that points to itself (codes → parent code) is copied without those links, which are
    set once every row is there: foreign keys are checked row by row on both backends.
    """
    for table in _tables():
        links = _self_references(table)
        order = [c for c in table.primary_key.columns]
        rows = source.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
        later: list[dict[str, object]] = []
        for chunk in rows.partitions(BATCH):
            batch = [dict(r._mapping) for r in chunk]
            if links:
                linked = (row for row in batch if any(row[c] for c in links))
                later += [{"pk": row["id"], **{c: row[c] for c in links}} for row in linked]
                batch = [{**row, **{c: None for c in links}} for row in batch]
            target.execute(table.insert(), batch)
        for row in later:
            values = {c: row[c] for c in links}
            target.execute(table.update().where(table.c.id == row["pk"]).values(**values))


def backup_sqlite(db: Path, target: Path) -> None:
    """A SQLite project into ``target`` (replaced only once the copy checks out)."""
    source = connect_read_only(db)
    try:
        with _new_file_beside(target) as tmp:
            sqlite_copy(source, tmp)
            _checked(tmp)
    except sqlite3.Error as exc:
        raise StoreError(f"{db}: backup failed ({reason(exc)}); nothing was written") from None
    finally:
        source.close()


def backup_engine(engine: Engine, target: Path) -> None:
    """A PostgreSQL project into a new qcode SQLite file ``target``, from one snapshot."""
    from qcode.store.migrate import open_store

    snapshot = engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with _new_file_beside(target) as tmp:
        copy = open_store(f"sqlite:///{tmp}", create=True)
        try:
            with snapshot.connect() as src, copy.engine.begin() as dst:
                copy_rows(src, dst)
        finally:
            copy.close()
        _self_contained(tmp)
        _checked(tmp)


def readable_backup(path: Path) -> str:
    """The schema revision of a backup file; refuses what is not a qcode backup this qcode can read."""
    if not path.is_file():
        raise InputError("no such backup file", path=str(path))
    revision = probe_sqlite(path)
    if revision is None:
        raise InputError("not a qcode backup (an empty database)", path=str(path))
    if revision != HEAD:
        from qcode.store.migrate import known_revisions

        if revision not in known_revisions():
            newer = f"backup of schema {revision}, newer than this qcode (head {HEAD})"
            raise InputError(newer, path=str(path))
    return revision


def restore_sqlite(backup: Path, db: Path) -> None:
    """Copy ``backup`` into the project file ``db`` (its pages, under its write lock, in one step)."""
    source = connect_read_only(backup)
    target = sqlite3.connect(db, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise StoreError(f"{db}: restore failed ({reason(exc)}); the project is as it was") from None
    finally:
        target.close()
        source.close()


def read_only_engine(path: Path) -> Engine:
    """An engine that only reads the SQLite file ``path`` (its journal mode is left as it is)."""
    from sqlalchemy import create_engine

    return create_engine("sqlite://", creator=lambda: connect_read_only(path))


def restore_rows(backup: Path, engine: Engine) -> None:
    """Replace every table of the (PostgreSQL) project with the backup's rows, in one transaction."""
    source = read_only_engine(backup)
    try:
        with source.connect() as src, engine.begin() as dst:
            dst.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
            for table in reversed(_tables()):
                dst.execute(delete(table))
            copy_rows(src, dst)
            dst.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
            for table in _tables():
                if "id" in table.c:
                    dst.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce(max(id), 0) + 1, false) FROM {table.name}"
                        )
                    )
    finally:
        source.dispose()


def refuse_overwrite(conn: Connection, where: str, force: bool) -> None:
    """A project that holds anything is only replaced with ``force``."""
    if not force and holds_content(conn):
        raise ConflictError(f"{where}: the project is not empty; restore replaces it all only with --force")


def restore_project(store: Store, backup: Path, where: str, *, force: bool) -> str:
    """Replace the open project with ``backup``; returns the backup's schema revision.

    An older backup is upgraded on a copy first (the file given is never changed).

    Raises:
        InputError: not a qcode backup, or one newer than this qcode.
        ConflictError: the project holds something and ``force`` is false.
    """
    from qcode.store.engine import read_only, sqlite_path
    from qcode.store.migrate import open_store

    revision = readable_backup(backup)
    with read_only(store.engine).connect() as conn:
        refuse_overwrite(conn, where, force)
    with tempfile.TemporaryDirectory(prefix="qcode-restore-") as folder:
        if revision != HEAD:
            upgraded = Path(folder) / "backup.db"
            reader = connect_read_only(backup)
            try:
                sqlite_copy(reader, upgraded)
            finally:
                reader.close()
            open_store(f"sqlite:///{upgraded}").close()
            backup = upgraded
        db = sqlite_path(store.url)
        if db is not None:
            store.engine.dispose()  # the copy goes through a connection of its own
            restore_sqlite(backup, db)
        else:
            restore_rows(backup, store.engine)
    return revision
