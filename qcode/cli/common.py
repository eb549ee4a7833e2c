"""What every command shares: the --db option, opening the store, the error edge."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from qcode.errors import QcodeError

if TYPE_CHECKING:
    import sqlite3

    from rich.progress import Progress
    from sqlalchemy.orm import Session

    from qcode.store.migrate import Store


T = TypeVar("T")


@dataclass
class AppState:
    """Global options, kept on the click context."""

    db: str | None = None
    debug: bool = False


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]


_STATE = AppState()


def state() -> AppState:
    """The global options of the running command (set by the root callback)."""
    return _STATE


def open_project(*, create: bool = False) -> Store:
    """Open the project named by ``--db`` / ``QCODE_DB`` / ``./qcode.db``."""
    from qcode.config import database_url
    from qcode.store.migrate import open_store

    return open_store(database_url(state().db), create=create)


@contextmanager
def unit_of_work(*, create: bool = False) -> Iterator[Session]:
    """Open the project and run one transaction that changes it; commit on success, roll back on error.

    On SQLite it takes the write lock first (waiting for another writer up to the busy timeout).
    """
    with _unit(create=create, read=False) as session:
        yield session


@contextmanager
def creating_unit_of_work() -> Iterator[Session]:
    """:func:`unit_of_work` for commands that make the project where there is none (``qcode import``):
    a new one is made as ``qcode init`` makes it, and said on its own line once committed."""
    from qcode.project.service import start_if_new

    with unit_of_work(create=True) as session:
        new = start_if_new(session, actor())
        yield session
    if new:
        typer.echo(f"created a new project at {location()}")


@contextmanager
def reading() -> Iterator[Session]:
    """Open the project and read it in one snapshot, without ever making a writer wait."""
    with _unit(create=False, read=True) as session:
        yield session


@contextmanager
def paused_collector() -> Iterator[None]:
    """No cyclic garbage collection while a bulk job runs (then it resumes).

    What an import allocates lives until its commit (parsed passages, segment rows) and holds no
    reference cycles worth collecting, yet every full collection walked all of it and every object
    spaCy and SQLAlchemy had loaded: a fifth of a 1 MB import's CPU time, for the same peak memory
    (bench/import.py).
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def sqlite_snapshot() -> Iterator[sqlite3.Connection | None]:
    """The project in one read-only snapshot over the standard library's ``sqlite3``: no SQLAlchemy.

    Only for a SQLite file already at this qcode's schema; otherwise (PostgreSQL, no file, an
    older schema that opening would upgrade) it yields ``None`` and the command takes
    :func:`reading`, which opens, upgrades or says what is wrong.

    Raises:
        StoreError: a folder, an unreadable file, or not a qcode database.
    """
    import sqlite3

    from qcode.config import database_url
    from qcode.errors import StoreError
    from qcode.store.faults import reason
    from qcode.store.probe import HEAD, check_sqlite_path, connect_read_only, revision_of, sqlite_file

    path = sqlite_file(database_url(state().db))
    conn = None
    if path is not None and path.exists():
        check_sqlite_path(path, create=False)
        try:
            conn = connect_read_only(path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: {reason(exc)}") from None
        try:
            conn.execute("BEGIN")
            current = revision_of(conn, str(path))
        except BaseException:
            conn.close()
            raise
        if current != HEAD:
            conn.close()
            conn = None
    try:
        yield conn
    finally:
        if conn is not None:
            conn.close()


@contextmanager
def _unit(*, create: bool, read: bool) -> Iterator[Session]:
    from sqlalchemy.exc import DBAPIError

    from qcode.store.engine import transaction
    from qcode.store.faults import store_error

    store = open_project(create=create)
    try:
        with transaction(store.readers if read else store.sessions) as session:
            yield session
    except DBAPIError as exc:
        after = "" if read else "nothing was written"
        raise store_error(exc, location(store.url), store.url, after=after) from None
    finally:
        store.close()


def location(url: str | None = None) -> str:
    """How messages name the project: its file, or its URL with the password hidden."""
    from qcode.config import database_url, redact_url
    from qcode.store.engine import sqlite_path

    url = url or database_url(state().db)
    path = sqlite_path(url)
    return str(path) if path is not None else redact_url(url)


def echo_err(message: str) -> None:
    """One line on standard error."""
    typer.echo(message, err=True)


class QcodeGroup(TyperGroup):
    """Root group: turns a QcodeError into one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QcodeError as exc:
            if state().debug:
                raise
            echo_err(f"qcode: error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            failure = _database_failure(exc)
            if failure is None or state().debug:
                raise
            echo_err(f"qcode: error: {failure}")
            raise typer.Exit(failure.exit_code) from None
        except KeyboardInterrupt:
            echo_err("qcode: interrupted")
            raise typer.Exit(130) from None


def _database_failure(exc: Exception) -> QcodeError | None:
    """A database error that escaped a command's own handling, as the one line every command gives."""
    import sqlite3

    known = isinstance(exc, sqlite3.Error)
    if not known and "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        known = isinstance(exc, DBAPIError)
    if not known:
        return None
    from qcode.config import database_url
    from qcode.store.faults import store_error

    return store_error(exc, location(), database_url(state().db))


def print_json(data: object) -> None:
    """Write JSON to stdout (UTF-8, stable key order as given)."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


class Bar:
    """A rich progress bar on stderr for long work; does nothing when not shown."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def track(self, items: list[T], label: str) -> Iterator[T]:
        """Yield ``items``, advancing a task named ``label``."""
        if self.progress is None:
            yield from items
            return
        yield from self.progress.track(items, description=label)

    def start(self, label: str, total: int) -> Callable[[int], None] | None:
        """A new task; returns the function that advances it (``None`` when no bar is shown)."""
        progress = self.progress
        if progress is None:
            return None
        task = progress.add_task(label, total=total)
        return lambda n: progress.advance(task, n)


@contextmanager
def progress(*, show: bool) -> Iterator[Bar]:
    """A transient bar, only when asked for and stderr is a terminal (logs and pipes stay clean)."""
    if not show or not sys.stderr.isatty():  # no terminal, no bar: rich stays unloaded
        yield Bar(None)
        return
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    if not console.is_terminal:
        yield Bar(None)
        return
    with Progress(console=console, transient=True) as progress:
        yield Bar(progress)


def actor() -> str:
    """Who the event log names for a command: ``$QCODE_CODER``, else ``system``."""
    import os

    from qcode.config import CODER_ENV

    return os.environ.get(CODER_ENV) or "system"
