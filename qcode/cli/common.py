"""What every command shares: the --db option, opening the store, the error edge."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from qcode.errors import QcodeError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.store.migrate import Store


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
    """Open the project and run one transaction; commit on success, roll back on error."""
    from qcode.store.engine import transaction

    store = open_project(create=create)
    try:
        with transaction(store.sessions) as session:
            yield session
    finally:
        store.close()


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
        except KeyboardInterrupt:
            echo_err("qcode: interrupted")
            raise typer.Exit(130) from None


def print_json(data: object) -> None:
    """Write JSON to stdout (UTF-8, stable key order as given)."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
