"""A project file damaged on disk ends the coding screen with one line, not a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qcode.cli.tui import open_access
from qcode.project.service import ensure_project
from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample
from tests.tui.harness import SIZE

pytestmark = pytest.mark.anyio


def _damage(path: Path, table: str) -> None:
    with sqlite3.connect(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        rows = conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = ?", (table,))
        pages = [r[0] for r in rows]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as fh:  # nothing has the file open
        for page in pages:
            fh.seek((page - 1) * size)
            fh.write(b"\xff" * size)


@pytest.mark.parametrize("table", ["segments", "codes"])
async def test_a_damaged_project_ends_the_app_with_its_reason(
    project: tuple[Store, Sample], table: str
) -> None:
    store, _ = project
    with store.sessions() as s, s.begin():
        ensure_project(s)
    store.close()
    _damage(Path(store.url.removeprefix("sqlite:///")), table)
    access = open_access(store.url)
    try:
        app = QcodeApp(access, "alice")
        said: list[str] = []
        ending = app.exit

        def exit_saying(*args: Any, **kwargs: Any) -> None:
            said.append(str(kwargs.get("message")))
            ending(*args, **kwargs)

        app.exit = exit_saying  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
        assert app.return_code == 1
        assert len(said) == 1 and "the database is damaged" in said[0] and "\n" not in said[0]
    finally:
        access.close()
