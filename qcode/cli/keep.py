"""`qcode check`, `qcode backup FILE` and `qcode restore FILE [--force]`: keeping a project safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qcode.cli.common import actor, echo_err, location, open_project, reading
from qcode.text import plural


def check() -> None:
    """Check the database (SQLite's integrity check) and qcode's invariants; one line per problem."""
    from qcode.errors import ProblemsFoundError
    from qcode.store.check import check_project

    with reading() as session:
        report = check_project(session)
    for problem in report.problems:
        echo_err(f"{location()}: {problem}")
    if report.problems:
        raise ProblemsFoundError(f"{location()}: {plural(len(report.problems), 'problem')} found")
    counted = ", ".join(f"{n:,} {what}" for what, n in report.counts.items())
    typer.echo(f"ok: {counted} checked")


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the backup (a qcode SQLite file).")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the project into FILE while coders keep working (SQLite's online backup; PostgreSQL too)."""
    from qcode.errors import ConflictError
    from qcode.store.backup import Copied, backup_engine, backup_sqlite, counts, read_only_engine
    from qcode.store.engine import sqlite_path

    target = file.expanduser().resolve()
    if target.exists() and not force:
        raise ConflictError(f"{target}: exists; --force replaces it")
    store = open_project()
    try:
        db = sqlite_path(store.url)
        if db is not None and db.resolve() == target:
            raise ConflictError(f"{target}: is the project itself; back it up to another file")
        if db is not None:
            backup_sqlite(db, target)
        else:
            backup_engine(store.engine, target)
    finally:
        store.close()
    copy = read_only_engine(target)
    try:
        with copy.connect() as conn:
            done = Copied(str(target), counts(conn))
    finally:
        copy.dispose()
    typer.echo(f"backup written to {target}: {done.describe()}")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup written by `qcode backup`.")],
    force: Annotated[bool, typer.Option("--force", help="Replace a project that is not empty.")] = False,
) -> None:
    """Replace the project with a backup; a project that holds anything is only replaced with --force."""
    from qcode.store.backup import restore_project
    from qcode.store.events import log_event

    store = open_project(create=True)
    where = location(store.url)
    try:
        revision = restore_project(store, file.expanduser().resolve(), where, force=force)
        with store.sessions() as s, s.begin():
            log_event(s, actor(), "project.restore", file=str(file), schema=revision)
    finally:
        store.close()
    typer.echo(f"restored {where} from {file}")
