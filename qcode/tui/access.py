"""How the coding app reaches its project: reads at once, writes once the store is open.

Opening the store loads SQLAlchemy and the models, which costs more than everything else the first
screen needs. So on a SQLite project already at this qcode's schema, the first screen is read
through a read-only ``sqlite3`` connection (the queries in :mod:`qcode.coding.queries` run on
either) and the store opens on a worker thread once that screen is up. Every write goes through
the store, in its own transaction; a write asked for before the store is open waits for it, so a
key pressed early is committed, never dropped.

On SQLite the screen keeps reading through that connection afterwards: it reads a 2,000-segment
transcript in a third of the time a session takes, and each statement sees every committed write
(WAL, no transaction left open). On PostgreSQL reads go through the store's sessions.

The coding screen's hot write, toggling a code, goes on SQLite through a writable ``sqlite3``
connection of its own (:meth:`ProjectAccess.sqlite_unit`, the rows of the service:
:mod:`qcode.coding.sqlite_toggle`), so the first key pressed never waits for the store to load.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from qcode.coding.queries import project_guid
from qcode.errors import StoreError, TransactionFailedError
from qcode.store.faults import BUSY_TIMEOUT_MS
from qcode.store.probe import HEAD, connect_read_only, revision_of, sqlite_file

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.coding.queries import Source
    from qcode.store.migrate import Store

__all__ = ["ProjectAccess"]

#: Seconds ``close`` waits for the background opening (importing and connecting: well under one).
CLOSE_WAIT = 10.0
#: SQLite result codes that say the file itself cannot be read (the app says so and ends).
_UNREADABLE = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CANTOPEN")
#: Seconds any one statement of the coding screen may run on PostgreSQL before it is refused and said.
STATEMENT_TIMEOUT_S = 30.0


class ProjectAccess:
    """The app's way to one project: :meth:`read` for queries, :meth:`unit` for changes."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        url: str | None = None,
        reader: sqlite3.Connection | None = None,
        owns_store: bool = False,
    ) -> None:
        """Wrap an open ``store``, or a project at ``url`` read through ``reader`` while it opens.

        :meth:`close` closes a store it opened itself, or one handed over with ``owns_store``.
        """
        if store is None and (url is None or reader is None):
            raise ValueError("ProjectAccess needs an open store, or a URL and a read-only connection")
        self.url = store.url if store is not None else url
        if reader is None and store is not None:
            reader = _reader_for(store.url)
        self._store = store
        self._owns_store = owns_store or store is None
        self._reader = reader
        self._error: BaseException | None = None
        self._opening = threading.Lock()  # held while the store opens: one opening, others wait
        self._reading = threading.Lock()  # one statement at a time on the shared sqlite3 connection
        self._thread: threading.Thread | None = None
        self._writer: sqlite3.Connection | None = None
        self._writing = threading.Lock()  # one transaction at a time on the writable connection
        #: What opening the project said (a demo created here…), for the screen to repeat.
        self.notice = ""

    @classmethod
    def quick(cls, url: str) -> ProjectAccess | None:
        """Access to a SQLite project ready to code (this schema, a project GUID), store not yet open.

        ``None`` where the project needs the full path: another database, no file yet, an older
        schema to upgrade, a newer one to refuse, or no project in it (the demo is created).
        """
        reader = _reader_for(url)
        if reader is None:
            return None
        try:  # one read-only connection both checks the file and reads the first screen
            if revision_of(reader, url) == HEAD and project_guid(reader) is not None:
                return cls(url=url, reader=reader)
        except (StoreError, sqlite3.Error):
            pass
        reader.close()
        return None

    @property
    def is_open(self) -> bool:
        """Whether the store is open (changes no longer wait)."""
        return self._store is not None

    def store(self) -> Store:
        """The open store, opening it on this thread (or waiting for the thread that is).

        Raises:
            StoreError: the project could not be opened (also on every later call).
        """
        if self._store is None:
            with self._opening:
                if self._store is None and self._error is None:
                    try:
                        from qcode.store.migrate import open_store

                        assert self.url is not None
                        self._store = open_store(self.url, statement_timeout_s=STATEMENT_TIMEOUT_S)
                    except BaseException as exc:
                        self._error = exc
        if self._error is not None:
            raise StoreError(f"cannot open the project: {self._error}") from self._error
        assert self._store is not None
        return self._store

    def open_in_background(
        self,
        on_error: Callable[[StoreError], None] | None = None,
        on_open: Callable[[], None] | None = None,
    ) -> None:
        """Open the store on a worker thread (once), with what a change needs loaded too.

        The coding service brings the models (most of a first change's cost): loaded here, off the
        UI thread, the first key that changes something is as quick as the rest. ``on_error``
        hears of a failure to open; ``on_open`` (called on the worker) of its success.
        """
        if self._thread is not None:
            return

        def run() -> None:
            try:
                self.store()
            except StoreError as exc:
                if on_error is not None:
                    on_error(exc)
                return
            import qcode.coding.service  # noqa: F401

            if on_open is not None:
                on_open()

        self._thread = threading.Thread(target=run, name="qcode-open-store", daemon=True)
        self._thread.start()

    @contextmanager
    def read(self) -> Iterator[Source]:
        """Where to run the coding queries: the read-only connection on SQLite, else a session.

        Raises:
            TransactionFailedError: the read was refused (busy) and may be tried again.
            StoreError: the file cannot be read (damaged, gone): the app says so and ends.
        """
        if self._reader is not None:
            with self._reading, self._reader_failures():
                self._reader.execute("BEGIN")  # one snapshot for the whole read
                try:
                    yield self._reader
                finally:
                    self._reader.execute("COMMIT")
            return
        with self.reading() as session:
            yield session

    @property
    def writes_sqlite(self) -> bool:
        """Whether :meth:`sqlite_unit` is open to the coding screen's toggles (a SQLite project file)."""
        return self._reader is not None

    @contextmanager
    def sqlite_unit(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction on the project file through ``sqlite3``, without the store.

        ``BEGIN IMMEDIATE`` with the store's busy timeout and foreign keys; commit on success, roll
        back on any error.

        Raises:
            TransactionFailedError: the database refused the change (none of it was written).
            StoreError: the project is closed, or not a SQLite file.
        """
        from qcode.store.faults import gist, refused

        with self._writing:
            conn = self._writable()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise TransactionFailedError(refused(exc, self.url or ""), gist(exc)) from exc

    def _writable(self) -> sqlite3.Connection:
        if self._writer is None:
            path = sqlite_file(self.url or "") if self._reader is not None else None
            if path is None:
                raise StoreError("the project is closed" if self._error else f"{self.url}: not a SQLite file")
            try:
                conn = sqlite3.connect(
                    path.resolve().as_uri() + "?mode=rw",
                    uri=True,
                    check_same_thread=False,
                    isolation_level=None,
                )
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA synchronous = NORMAL")
            except sqlite3.Error as exc:
                from qcode.store.faults import reason

                raise StoreError(f"{path}: {reason(exc)}") from exc
            self._writer = conn
        return self._writer

    @contextmanager
    def scanning(self) -> Iterator[Source]:
        """A long read (a scan of every segment) that holds up neither the screen's reads nor a change.

        On SQLite a read-only connection of its own, in one snapshot (no store needed: the scan can
        start while the store loads); elsewhere a read-only session, as :meth:`reading`.

        Raises:
            TransactionFailedError: the read was refused (busy) and may be tried again.
            StoreError: the file cannot be read, or the project would not open.
        """
        path = sqlite_file(self.url or "") if self._reader is not None else None
        if path is None:
            with self.reading() as session:
                yield session
            return
        with self._reader_failures():
            conn = connect_read_only(path)
            try:
                conn.execute("BEGIN")
                yield conn
                conn.execute("COMMIT")
            finally:
                conn.close()

    @contextmanager
    def _reader_failures(self) -> Iterator[None]:
        from qcode.store.faults import reason

        try:
            yield
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "") or ""
            if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise TransactionFailedError(f"the database refused the read: {reason(exc)}") from exc
            if name.startswith(_UNREADABLE):
                raise StoreError(f"{sqlite_file(self.url or '') or self.url}: {reason(exc)}") from exc
            raise  # a query's own mistake: not the file's

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session in one transaction (never makes a writer wait), once the store is open.

        Raises:
            StoreError: the project would not open.
            TransactionFailedError: the database failed the read (server gone, statement too long).
        """
        with self._refusals(read=True) as store, store.readers() as session, session.begin():
            yield session

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One short transaction (commit on success, roll back on error), waiting for the store if need be.

        Raises:
            StoreError: the project would not open.
            TransactionFailedError: the database refused the change (another process held
                its lock too long, the server went away); none of it was written.
        """
        with self._refusals(read=False) as store, store.sessions() as session, session.begin():
            yield session

    @contextmanager
    def _refusals(self, *, read: bool) -> Iterator[Store]:
        """The open store; a database error inside becomes one :class:`TransactionFailedError`."""
        from sqlalchemy.exc import DBAPIError

        from qcode.store.faults import gist, refused

        store = self.store()
        try:
            yield store
        except DBAPIError as exc:
            failure = refused(exc, store.url, read=read)
            holder = _lock_holder(store, exc)
            raise TransactionFailedError(f"{failure}{holder}", gist(exc)) from exc

    def close(self) -> None:
        """Wait for an opening under way (on any thread), then release the reader, the writer and the store.

        The read-only connection goes first: SQLite folds the write-ahead log back into the project
        file, and deletes it, only when the last connection to close can write. Were the reader last
        (the first run's demo project, whose changes all went through the store), ``qcode.db`` was
        left a 4 KB stub beside a ``-wal`` holding everything, and a copy of it an empty project.
        """
        if self._thread is not None:
            self._thread.join(timeout=CLOSE_WAIT)
        with self._opening:  # a worker may be opening the store right now: let it finish first
            store, self._store = self._store, None
            self._error = self._error or StoreError("the project is closed")
        with self._reading:
            reader, self._reader = self._reader, None
            if reader is not None:
                reader.close()
        with self._writing:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        if store is not None and self._owns_store:
            store.close()
        if reader is not None and self.url is not None:
            fold_wal(self.url)


def fold_wal(url: str) -> None:
    """Fold a SQLite project's write-ahead log back into its file if no one else has it open.

    After this process's own connections are closed a ``-wal`` file is left only where another
    connection is still open (another coder, a scan on a worker thread that has not ended): a
    writable connection's checkpoint then copies what it can into the file, and its close deletes
    the log when it is the last. Best effort, never waiting: another process keeps its log.
    """
    path = sqlite_file(url)
    if path is None or not path.with_name(path.name + "-wal").exists():
        return
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass
    finally:
        conn.close()


def _lock_holder(store: Store, exc: BaseException) -> str:
    """On PostgreSQL, after a lock wait ran out: which session has had a transaction open longest."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) != "55P03":
        return ""
    from sqlalchemy import text

    sql = text(
        "SELECT pid, application_name, usename, extract(epoch FROM now() - xact_start)::int"
        " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND xact_start IS NOT NULL ORDER BY xact_start LIMIT 1"
    )
    try:
        with store.readers() as session:
            row = session.execute(sql).first()
    except Exception:  # only a hint for the message: the refusal stands without it
        return ""
    if row is None:
        return ""
    pid, app, user, seconds = row
    return f"; waiting on session {pid} ({app or 'unnamed'}, user {user}, transaction open {seconds} s)"


def _reader_for(url: str) -> sqlite3.Connection | None:
    """A read-only connection beside an open SQLite store (``None`` for other databases)."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        return connect_read_only(path)
    except sqlite3.Error:
        return None
