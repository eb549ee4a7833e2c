"""`qcode code` (and bare `qcode`): open the coding TUI on the project here.

The TUI (Textual) is imported inside :func:`code`, so ``qcode --help`` stays fast.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcode.cli.common import echo_err, state
from qcode.config import CODER_ENV
from qcode.errors import QcodeError
from qcode.text import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from qcode.store.migrate import Store
    from qcode.tui.access import ProjectAccess
    from qcode.tui.app import QcodeApp

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


def prepare_project(url: str, tell: Callable[[str], None] = echo_err) -> Store:
    """Open the project at ``url``; a local SQLite file that does not exist yet becomes the demo project.

    Only a new local file gets the demo corpus and codebook, with one line on stderr saying so. A
    database that exists (a file made by ``qcode init`` or by other tools, a shared PostgreSQL server)
    is never filled with demo documents unasked: where it holds no project yet it gets an empty one,
    and one line says that ``qcode demo`` would fill it. ``tell`` says those lines (stderr).
    """
    from qcode.config import redact_url
    from qcode.project import service as project_service
    from qcode.store.engine import transaction
    from qcode.store.migrate import open_store
    from qcode.store.probe import sqlite_file
    from qcode.tui.access import STATEMENT_TIMEOUT_S

    local = sqlite_file(url)
    new_file = local is not None and not local.exists()
    store = open_store(url, create=True, statement_timeout_s=STATEMENT_TIMEOUT_S)
    try:
        with transaction(store.sessions) as session:
            _, created = project_service.ensure_project(session)
            if new_file:
                demo = project_service.create_demo(session)
                tell(
                    f"qcode: no project at {local}; created a demo project from the bundled corpus"
                    f" ({plural(demo.documents, 'document')}, {plural(demo.codes, 'code')})"
                )
            elif created and project_service.project_status(session).documents == 0:
                tell(
                    f"qcode: {redact_url(url)} held no qcode project; opened it empty"
                    " (`qcode demo` adds the demo corpus and codebook)"
                )
    except BaseException:
        store.close()
        raise
    return store


def require_terminal() -> None:
    """Refuse to open the coding screen without a terminal (piped, cron): it would wait for keys forever.

    Raises:
        QcodeError: standard input or output is not a terminal.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise QcodeError(
            "the coding screen needs a terminal (standard input and output are not one);"
            " run a command instead, e.g. `qcode status` or `qcode --help`"
        )


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

    require_terminal()
    app = coding_app(
        database_url(state().db), resolve_coder(coder), remember_coder=remember_coder, suggestions=suggest
    )
    try:
        app.run()
    finally:
        app.access.close()
        gc.enable()  # (the app resumed it, unless it ended before its first screen)
    if app.return_code:
        raise typer.Exit(app.return_code)


def coding_app(url: str, coder: str | None, **options: Any) -> QcodeApp:
    """The coding app on the project at ``url``, ready to run; the caller closes ``app.access``.

    The garbage collector is paused from here until the first screen is up (the app resumes it):
    what start-up makes lives as long as the app, and collections while Textual and the screens were
    imported took a quarter of the start-up's CPU time (bench/tui.py). ``options`` go to the app.
    """
    gc.disable()
    try:
        from qcode.tui.app import QcodeApp

        return QcodeApp(open_access(url), coder, **options)
    except BaseException:
        gc.enable()
        raise


def open_access(url: str) -> ProjectAccess:
    """A SQLite project ready to code opens after the first screen; anything else is prepared first."""
    from qcode.tui.access import ProjectAccess

    access = ProjectAccess.quick(url)
    if access is not None:
        return access
    said: list[str] = []

    def tell(line: str) -> None:  # on stderr, and on the screen (the terminal's own lines are hidden)
        echo_err(line)
        said.append(line.removeprefix("qcode: "))

    access = ProjectAccess(prepare_project(url, tell), owns_store=True)
    access.notice = " ".join(said)
    return access


if __name__ == "__main__":  # `python -m qcode.cli.tui --coder NAME`, before the lead wires `qcode code`
    typer.run(code)
