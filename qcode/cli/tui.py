"""`qcode code` (and bare `qcode`): open the coding TUI on the project here.

The TUI (Textual) is imported inside :func:`code`, so ``qcode --help`` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qcode.cli.common import echo_err, state
from qcode.config import CODER_ENV

if TYPE_CHECKING:
    from qcode.store.migrate import Store
    from qcode.tui.access import ProjectAccess

#: Where the name typed at the first-start prompt is kept (one line), like git's user.name.
CODER_FILE_ENV = "QCODE_CODER_FILE"


def coder_file() -> Path:
    """``$QCODE_CODER_FILE``, else ``$XDG_CONFIG_HOME/qcode/coder`` (``~/.config/qcode/coder``)."""
    explicit = os.environ.get(CODER_FILE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "qcode" / "coder"


def remembered_coder() -> str | None:
    """The name typed at an earlier first-start prompt, if any."""
    try:
        name = coder_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


def remember_coder(name: str) -> None:
    """Keep the prompted name for the next start (best effort: a read-only home is fine)."""
    path = coder_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name + "\n", encoding="utf-8")
    except OSError:
        pass


def resolve_coder(explicit: str | None) -> str | None:
    """``--coder``, then ``QCODE_CODER``, then the remembered name; ``None`` means ask."""
    for candidate in (explicit, os.environ.get(CODER_ENV), remembered_coder()):
        if candidate and candidate.strip():
            return candidate.strip()
    return None


def prepare_project(url: str) -> Store:
    """Open the project at ``url``; where there is none yet, create it with the demo corpus and codebook.

    "None yet" means a new database (no project GUID) with no documents and no codes: a project made
    with ``qcode init`` stays empty, and one filled by other tools is never touched.
    """
    from qcode.project import service as project_service
    from qcode.store.engine import transaction
    from qcode.store.migrate import open_store
    from qcode.tui.access import STATEMENT_TIMEOUT_S

    store = open_store(url, create=True, statement_timeout_s=STATEMENT_TIMEOUT_S)
    try:
        with transaction(store.sessions) as session:
            _, created = project_service.ensure_project(session)
            status = project_service.project_status(session) if created else None
            if status is not None and not status.documents and not status.codes:
                echo_err("qcode: no project here yet; creating one from the bundled corpus and codebook…")
                project_service.create_demo(session)
    except BaseException:
        store.close()
        raise
    return store


def code(
    coder: Annotated[
        str | None,
        typer.Option(
            "--coder", help=f"Your name as a coder (default: ${CODER_ENV}, else asked on first start)."
        ),
    ] = None,
    suggest: Annotated[
        bool | None,
        typer.Option(
            "--suggest/--no-suggest",
            help="Suggest codes beside the codebook (default: on, unless $QCODE_SUGGEST is 0/off).",
        ),
    ] = None,
) -> None:
    """Open the coding TUI on the project here (a demo project from the bundled corpus if there is none)."""
    from qcode.config import database_url
    from qcode.tui.app import QcodeApp

    access = open_access(database_url(state().db))
    try:
        app = QcodeApp(access, resolve_coder(coder), remember_coder=remember_coder, suggestions=suggest)
        app.run()
    finally:
        access.close()
    if app.return_code:
        raise typer.Exit(app.return_code)


def open_access(url: str) -> ProjectAccess:
    """A SQLite project ready to code opens after the first screen; anything else is prepared first."""
    from qcode.tui.access import ProjectAccess

    access = ProjectAccess.quick(url)
    return access if access is not None else ProjectAccess(prepare_project(url), owns_store=True)


if __name__ == "__main__":  # `python -m qcode.cli.tui --coder NAME`, before the lead wires `qcode code`
    typer.run(code)
