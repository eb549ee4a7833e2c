"""What a database failure means to the person at the keyboard, in one line.

SQLAlchemy wraps the driver's error; the driver knows its kind (SQLite's result code, PostgreSQL's
SQLSTATE). Each kind a user can act on gets a plain sentence, followed by the driver's own first
line in brackets, with any password in the URL hidden. Standard library only (no SQLAlchemy), so the
stdlib probe can use it too.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from qcode.config import redact_url
from qcode.errors import StoreError

#: Seconds a write waits for a lock another coder's process or session holds, on either backend.
LOCK_TIMEOUT_S = 5
#: The same wait in milliseconds, as SQLite's ``busy_timeout`` takes it.
BUSY_TIMEOUT_MS = LOCK_TIMEOUT_S * 1000

_SQLITE = {
    "SQLITE_BUSY": f"another process held the project's lock for more than {LOCK_TIMEOUT_S} s",
    "SQLITE_LOCKED": f"another process held the project's lock for more than {LOCK_TIMEOUT_S} s",
    "SQLITE_CORRUPT": "the database is damaged; see `qcode check` and `qcode restore`",
    "SQLITE_NOTADB": "not a qcode database",
    "SQLITE_READONLY": "the database file cannot be written (read-only file, folder or disk)",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_IOERR": "the disk failed to read or write",
    "SQLITE_CANTOPEN": "the database file cannot be opened",
}
_POSTGRES = {
    "55P03": f"another session held a lock for more than {LOCK_TIMEOUT_S} s",
    "57014": "the statement took longer than its time limit",
    "40001": "another session changed the same rows at the same time",
    "40P01": "another session changed the same rows at the same time",
    "23505": "another session made the same change at the same time",
    "25006": "a read-only transaction tried to write",
    "57P01": "the database server is shutting down or restarting",
    "57P02": "the database server is shutting down or restarting",
    "57P03": "the database server is not accepting connections yet",
}
_SERVER_GONE = "the database server is not answering"
#: Refusals at connection time, which PostgreSQL sends before any SQLSTATE reaches the driver.
_REFUSED_AT_CONNECT = (
    (
        re.compile(r'database "([^"]*)" does not exist'),
        "the server has no database named {0} (create it, or check the URL)",
    ),
    (re.compile(r'role "([^"]*)" does not exist'), "the server has no user named {0} (check the URL)"),
    (re.compile(r"password authentication failed"), "the server refused the user name or password"),
    (re.compile(r"no pg_hba\.conf entry"), "the server does not let this user in from here (pg_hba.conf)"),
)


def _driver_line(orig: BaseException | None, exc: BaseException, url: str) -> str:
    lines = str(orig if orig is not None else exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line.replace(url, redact_url(url)) if url else line


def _explain(exc: BaseException, url: str) -> tuple[str | None, str]:
    """What the failure in ``exc`` means to the user (``None`` if nothing plainer than the driver's
    words), and the driver's own first line."""
    orig: Any = getattr(exc, "orig", None) or exc
    line = _driver_line(orig, exc, url)
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", "") or ""
        return next((m for prefix, m in _SQLITE.items() if name.startswith(prefix)), None), line
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        return _POSTGRES.get(state, _SERVER_GONE if state.startswith("08") else None), line
    message = str(orig)
    for pattern, meaning in _REFUSED_AT_CONNECT:
        found = pattern.search(message)
        if found:
            return meaning.format(*found.groups()), line
    if getattr(exc, "connection_invalidated", False) or type(orig).__name__ == "OperationalError":
        return _SERVER_GONE, line
    return None, line


def reason(exc: BaseException, url: str = "") -> str:
    """The failure in ``exc`` (a SQLAlchemy ``DBAPIError`` or a driver error) as one line."""
    meaning, line = _explain(exc, url)
    return f"{meaning} ({line})" if meaning else line


def gist(exc: BaseException, url: str = "") -> str:
    """The failure in ``exc`` in a few words, without the driver's (for a status line)."""
    meaning, line = _explain(exc, url)
    return meaning or line


def is_server_gone(exc: BaseException) -> bool:
    """Whether ``exc`` says the PostgreSQL server went away (so a later try may succeed)."""
    return reason(exc).startswith((_SERVER_GONE, _POSTGRES["57P01"], _POSTGRES["57P03"]))


def store_error(
    exc: BaseException, where: str, url: str = "", doing: str = "", after: str = ""
) -> StoreError:
    """A :class:`StoreError`: ``where`` (file or redacted URL), ``doing``, what went wrong, ``after``."""
    what = reason(exc, url)
    return StoreError(f"{where}: {doing + ': ' if doing else ''}{what}{'; ' + after if after else ''}")


def refused(exc: BaseException, url: str = "", *, read: bool = False) -> str:
    """What to say of one transaction the database refused (nothing of it was written)."""
    return f"the database refused the {'read' if read else 'change'}: {reason(exc, url)}"
