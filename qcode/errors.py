"""One error hierarchy for qcode.

Services raise these with a message that names the file, line or key at fault;
the CLI prints the message on one line and exits with ``exit_code``.
"""

from __future__ import annotations


class QcodeError(Exception):
    """Base of every error a user can cause and fix."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(QcodeError):
    """A file or argument given by the user cannot be used."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class StoreError(QcodeError):
    """The project database cannot be opened, upgraded or written."""

    exit_code = 3


class TransactionFailedError(StoreError):
    """The database refused one transaction (locked too long, connection lost); none of it was written.

    ``gist`` is why in a few words (``another process held the project's lock for more than 5 s``), for a
    status line; the message adds the driver's own words.
    """

    def __init__(self, message: str, gist: str = "") -> None:
        super().__init__(message)
        self.gist = gist or message


class SchemaTooNewError(StoreError):
    """The database was written by a newer qcode than this one."""


class ConflictError(QcodeError):
    """The request would lose or duplicate data unless the user says otherwise."""

    exit_code = 4


class RoleError(QcodeError):
    """The acting coder's role does not allow the change (another coder's work, or the consensus
    coder outside adjudication)."""

    exit_code = 6


class NotFoundError(QcodeError):
    """A named document, code, coder or segment does not exist."""

    exit_code = 5


class ProblemsFoundError(QcodeError):
    """A check found problems (each already said on its own line)."""

    exit_code = 6
