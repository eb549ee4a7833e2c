"""The status line names the project, and says whole why a change was not saved, at 80×24 and 120×40.

A coder with two projects open in two terminals must see which is which (the database file, or a
server's host and database, never a password); a refused change must be readable in full on a
default-sized terminal, not half hidden under a toast that repeats it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url
from textual.pilot import Pilot
from textual.widgets import Static

from qcode.config import project_label
from qcode.project.service import ensure_project
from qcode.store.migrate import Store, open_store
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample, fill_sample
from tests.tui.harness import main_screen, screen_text, status_line

pytestmark = pytest.mark.anyio
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
LOCKED = "not saved: another process held the project's lock for more than 5 s; try again"


def test_project_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    here = tmp_path / "work"
    assert project_label(f"sqlite:///{here}/qcode.db", here) == "qcode.db"
    assert project_label(f"sqlite:///{here}/study/a.db", here) == "study/a.db"
    assert project_label(f"sqlite:///{tmp_path}/home/nk/qcode.db", here) == "~/nk/qcode.db"
    deep = "/srv/research/projects/2026/north-korea/overseas-labour/qcode.db"
    assert project_label(f"sqlite:///{deep}", here) == "…/overseas-labour/qcode.db"
    long_folder = f"/srv/{'a-very-long-folder-name-' * 2}/qcode.db"
    assert project_label(f"sqlite:///{long_folder}", here) == "…e-a-very-long-folder-name-/qcode.db"
    assert project_label("sqlite://", here) == "in-memory database"
    sealed = project_label(f"sqlite+pysqlcipher://:passphrase@/{here}/qcode.db", here)
    assert sealed == "qcode.db" and "passphrase" not in sealed  # an encrypted file's key never shows
    assert project_label("postgresql+psycopg://ann:pw@db.example.org:5432/study?sslmode=require") == (
        "db.example.org:5432/study"
    )
    assert project_label("postgresql://ann:s3cr@t/x@db.example.org/study") == "db.example.org/study"
    assert project_label("postgresql:///study") == "localhost/study"
    for odd in ("postgresql://ann:pa?ss@host/db", "postgresql://ann@host/db?password=p@ss"):
        label = project_label(odd)
        assert label == "database server" and "pa" not in label and "ss" not in label, label


def _fill(store: Store) -> None:
    with store.sessions() as s, s.begin():
        fill_sample(s)
        ensure_project(s)


async def _status_row(pilot: Pilot[Any]) -> str:
    """The status line as drawn (the row above the footer)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen_text(pilot.app).splitlines()[-2]


@pytest.mark.parametrize("size", SIZES)
async def test_the_status_line_names_the_sqlite_file(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    _fill(sqlite_store)
    monkeypatch.chdir(tmp_path)  # the project's folder, as when `qcode` is started in it
    app = QcodeApp(sqlite_store, "alice")
    async with app.run_test(size=size) as pilot:
        row = await _status_row(pilot)
        assert row.startswith(" A · segment 1/") and row.rstrip().endswith("coder alice · project qcode.db")
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # started with --db ../qcode.db: the path says which project
    app = QcodeApp(sqlite_store, "alice")
    async with app.run_test(size=size) as pilot:
        label = project_label(sqlite_store.url)
        assert label.endswith(f"{tmp_path.name[-20:]}/qcode.db") and len(label) <= 36
        row = await _status_row(pilot)
        # at 80 columns the long path gives way to its end: the folder and the file
        assert f"project {label}" in row if size[0] == 120 else f"{tmp_path.name[-10:]}/qcode.db" in row, row


@pytest.mark.parametrize("size", SIZES)
async def test_the_status_line_names_the_server_and_database_never_the_password(
    pg_url: str, size: tuple[int, int]
) -> None:
    url = make_url(pg_url)
    with_password = url.set(password=url.password or "s3cret-Pw").render_as_string(hide_password=False)
    try:
        store = open_store(with_password)
    except Exception as exc:  # a server that checks passwords: the test's URL has the right one or none
        pytest.skip(f"the test server refuses a made-up password: {str(exc).splitlines()[0]}")
    try:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE codings, memos, segments, passages, documents, codes, coders,"
                                 " events, settings, variables RESTART IDENTITY CASCADE")  # fmt: skip
        _fill(store)
        app = QcodeApp(store, "alice")
        async with app.run_test(size=size) as pilot:
            row = await _status_row(pilot)
            where = f"{url.host}:{url.port}/{url.database}" if url.port else f"{url.host}/{url.database}"
            # at 80 columns a long server name gives way to the database's own name
            assert f"project {where}" in row if size[0] == 120 else f" · {url.database}" in row, row
            screen = screen_text(app)
            password = make_url(with_password).password
            assert password and str(password) not in screen and f"{url.username}@" not in screen
    finally:
        store.close()


def _hold_lock(store: Store) -> sqlite3.Connection:
    other = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a teammate's import holds the write lock
    return other


@pytest.mark.parametrize("size", SIZES)
async def test_a_refused_save_is_said_whole_and_no_toast_covers_it(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    from qcode.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 50)
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=size, notifications=True) as pilot:
        await _status_row(pilot)
        other = _hold_lock(store)
        try:
            await pilot.press("j", "w")
            row = await _status_row(pilot)
            assert LOCKED in row, row  # whole, on the row a coder reads
            assert LOCKED in status_line(app)
            assert not [n for n in app._notifications if "not saved" in n.message.lower()]
            await pilot.press("j")
            assert LOCKED in await _status_row(pilot)  # an error stays while the coder moves
        finally:
            other.execute("ROLLBACK")
            other.close()


async def test_a_toast_sits_above_the_status_line(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message too long for the status line at 80 columns is also said whole in a toast, which must
    not cover the status line (nor the footer)."""
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _status_row(pilot)
        screen = main_screen(app)
        screen.say("a message far too long for one status line at eighty columns, so it is in a toast too")
        for _ in range(10):
            await pilot.pause()
            toasts = list(app.screen.query("Toast"))
            if toasts:
                break
        assert toasts, "no toast for a message the status line cuts"
        status = screen.query_one("#status", Static).region
        for toast in toasts:
            assert toast.region.bottom <= status.y, (toast.region, status)


def test_the_project_gives_way_in_steps() -> None:
    from qcode.tui.status import fit_status, project_shorter

    part = "project db.example.org:5432/nk_overseas_labour"
    parts = [("A", 0), ("segment 1/49", 0), ("coded 0/49", 2), ("coder alice", 3), (part, 4)]
    steps = project_shorter(part, "postgresql://ann:pw@db.example.org:5432/nk_overseas_labour")
    assert fit_status(parts, 120, steps).endswith(" · coder alice · " + part)
    assert fit_status(parts, 80, steps) == " A · segment 1/49 · coded 0/49 · coder alice · nk_overseas_labour"
    assert fit_status(parts, 60, steps) == " A · segment 1/49 · coded 0/49 · coder alice"
    here = project_shorter("project …/overseas-labour/qcode.db", "sqlite:////srv/x/overseas-labour/qcode.db")
    assert here["…/overseas-labour/qcode.db"] == "overseas-labour/qcode.db"
