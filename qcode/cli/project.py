"""`qcode init`, `qcode status` and `qcode db …`."""

from __future__ import annotations

import typer

from qcode.cli.common import JsonOption, location, open_project, print_json, reading, state, unit_of_work
from qcode.text import plural

db_app = typer.Typer(help="Inspect and upgrade the project database.", no_args_is_help=True)


def init() -> None:
    """Create a project database (default ./qcode.db) with the current schema."""
    from qcode.config import redact_url
    from qcode.project.service import ensure_project

    with unit_of_work(create=True) as session:
        guid, created = ensure_project(session)
        url = session.get_bind().engine.url.render_as_string(hide_password=True)
    verb = "created" if created else "already initialised"
    typer.echo(f"project {guid} {verb} at {redact_url(url)}")


def status(json_: JsonOption = False) -> None:
    """Count documents, passages, segments, coders, codes, codings and memos."""
    from dataclasses import asdict

    from qcode.project.service import project_status

    with reading() as session:
        st = project_status(session)
    if json_:
        print_json(asdict(st))
        return
    for key, value in asdict(st).items():
        typer.echo(f"{key.replace('_', ' '):<14}{value}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to this qcode's version (a backup copy is made first on SQLite).

    A damaged file is refused before anything is written, and a project already at this schema is
    still checked: "at schema" is only printed for a database that is sound.
    """
    from qcode.errors import StoreError
    from qcode.store.migrate import integrity_problems
    from qcode.store.probe import HEAD

    store = open_project()
    try:
        damage = integrity_problems(store.engine, limit=1)
    finally:
        store.close()
    if damage:
        raise StoreError(f"{location()}: the database is damaged ({damage[0]}); see qcode check")
    typer.echo(f"database at schema {HEAD}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision without changing anything."""
    from qcode.config import database_url
    from qcode.store.migrate import current_revision

    typer.echo(current_revision(database_url(state().db)) or "empty (no qcode schema yet)")


def demo() -> None:
    """Create (or complete) a demo project from the bundled transcripts and codebook, then show its status."""
    from qcode.project.service import create_demo

    with unit_of_work(create=True) as session:
        st = create_demo(session)
    counts = [plural(st.documents, "document"), plural(st.segments, "segment"), plural(st.codes, "code")]
    typer.echo(f"demo project ready: {', '.join(counts)}")
