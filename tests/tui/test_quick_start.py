"""The first screen comes from a read-only connection; changes wait for the store, never get lost."""

from __future__ import annotations

import gc
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from qcode.cli.tui import open_access
from qcode.coding import queries
from qcode.project.service import ensure_project
from qcode.store.migrate import Store
from qcode.tui.access import ProjectAccess
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, main_screen, position, screen_text, stored_codings, transcript


def _codes_on_cursor(app: QcodeApp) -> frozenset[int]:
    """The codes the transcript shows on the current segment."""
    tv = transcript(app)
    return tv.codes_at(tv.cursor)


def _ready(project: tuple[Store, Sample]) -> str:
    """The sample project with its GUID (what a finished import leaves), store closed; its URL."""
    store, _ = project
    with store.sessions() as s, s.begin():
        ensure_project(s)
    store.close()
    return store.url


def test_a_ready_sqlite_project_opens_without_the_store(project: tuple[Store, Sample]) -> None:
    access = open_access(_ready(project))
    try:
        assert not access.is_open
        with access.read() as source:
            assert isinstance(source, sqlite3.Connection)
            assert [c.name for c in queries.list_coders(source)] == ["alice", "bob"]
        with pytest.raises(sqlite3.OperationalError, match="readonly"), access.read() as source:
            assert isinstance(source, sqlite3.Connection)
            source.execute("DELETE FROM coders")
    finally:
        access.close()


@pytest.mark.parametrize("case", ["no file", "not sqlite", "no project guid", "older schema"])
def test_anything_else_takes_the_full_path(tmp_path: Path, sqlite_store: Store, case: str) -> None:
    path = tmp_path / "other.db"
    if case == "not sqlite":
        path.write_bytes(b"PK\x03\x04 a zip, not a database")
    elif case == "no project guid":
        path = Path(sqlite_store.url.removeprefix("sqlite:///"))
    elif case == "older schema":
        path = Path(sqlite_store.url.removeprefix("sqlite:///"))
        with sqlite_store.sessions() as s, s.begin():
            ensure_project(s)
        conn = sqlite3.connect(path)
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
        conn.commit()
        conn.close()
    assert ProjectAccess.quick(f"sqlite:///{path}") is None
    assert ProjectAccess.quick("postgresql://postgres@127.0.0.1/none") is None


@pytest.mark.anyio
async def test_first_screen_before_the_store_and_an_early_key_is_committed_without_it(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcode.store import migrate

    url = _ready(project)
    access = open_access(url)
    loaded = threading.Event()
    real_open = migrate.open_store

    def slow_open(url: str, **kwargs: Any) -> Store:
        loaded.wait(10)  # as if SQLAlchemy and the models were still loading
        return real_open(url, **kwargs)

    monkeypatch.setattr(migrate, "open_store", slow_open)
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert not access.is_open
            assert position(app) == ("A", 1) and "coder alice" in screen_text(app)
            await pilot.press("j")  # moving needs no store
            assert position(app) == ("A", 2) and not access.is_open
            await pilot.press("w")  # a toggle commits through sqlite3: it never waits for the store
            await pilot.pause()
            _, sample = project
            assert _codes_on_cursor(app) == {sample.codes["wages"]} and not access.is_open
            other = sqlite3.connect(url.removeprefix("sqlite:///"))  # committed: another reader sees it
            events = other.execute("SELECT action FROM events WHERE actor = 'alice'").fetchall()
            other.close()
            assert events == [("coding.add",)]
            threading.Timer(0.2, loaded.set).start()
            await pilot.press("u", "ctrl+r")  # undo and redo go through the store: they wait for it
            assert access.is_open
            await pilot.pause()
            assert _codes_on_cursor(app) == {sample.codes["wages"]}
    finally:
        loaded.set()
        access.close()
    reopened = real_open(url)
    try:
        assert stored_codings(reopened) == {("A", 2, "wages")}
    finally:
        reopened.close()


@pytest.mark.anyio
async def test_the_store_opens_after_the_first_screen_and_reads_see_its_writes(
    project: tuple[Store, Sample],
) -> None:
    """Also: startup objects leave the collector while the app runs (full collections stay short,
    no pauses of tens of ms on a keypress) and return to it on exit (nothing leaks)."""
    access = open_access(_ready(project))
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.get_freeze_count() > 1000
            assert access.store() is not None  # opened (or waits for the worker that is opening it)
            await pilot.press("w")
            await pilot.pause()
            _, sample = project
            assert _codes_on_cursor(app) == {sample.codes["wages"]}
            with access.read() as source:  # SQLite reads stay on the read-only connection
                assert isinstance(source, sqlite3.Connection)
                alice = queries.find_coder(source, "alice")
                assert alice is not None
                document = queries.list_documents(source)[0]
                transcript = queries.load_transcript(source, document, alice.id)
            _, sample = project
            assert dict(transcript.codings) == {
                sample.segments[("A", 1)]: frozenset({sample.codes["wages"]})
            }
            assert app.return_code is None
        assert gc.get_freeze_count() == 0
    finally:
        access.close()


@pytest.mark.anyio
async def test_a_store_that_fails_to_open_ends_the_app_with_the_reason(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcode.errors import StoreError
    from qcode.store import migrate

    access = open_access(_ready(project))

    def refuse(url: str, **_: object) -> Store:
        raise StoreError(f"{url}: database is locked")

    monkeypatch.setattr(migrate, "open_store", refuse)
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for _ in range(200):  # the store opens STORE_DELAY after the first screen
                if app.return_code is not None:
                    break
                await pilot.pause(0.02)
        assert app.return_code == 1
        with pytest.raises(StoreError, match=r"cannot open the project: .*database is locked"), access.unit():
            pass
    finally:
        access.close()


@pytest.mark.anyio
async def test_the_first_frame_is_already_laid_out_at_the_real_width(project: tuple[Store, Sample]) -> None:
    """The transcript is wrapped once, at the pane's width, before the first frame goes out."""
    access = open_access(_ready(project))
    frames: list[str] = []
    try:
        app = QcodeApp(access, "alice")
        real_display = app._display

        def display(screen: Any, renderable: Any) -> None:
            real_display(screen, renderable)
            if not frames:
                frames.append(screen_text(app))

        app._display = display  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            settled = screen_text(app)
    finally:
        access.close()
    first = frames[0].splitlines()
    cursor_rows = [i for i, line in enumerate(settled.splitlines()) if "▌" in line]
    assert cursor_rows, settled
    shown = []
    for i in cursor_rows:  # the cursor's segment, row by row, as in the settled screen
        line = settled.splitlines()[i]
        left = line.index("▌")
        right = line.index("│", left)  # the transcript pane's right border
        assert first[i][left:right] == line[left:right]
        shown.append(line[left:right])
    assert max(len(row.split()) for row in shown) > 5  # wrapped to the pane, not a word a line



@pytest.mark.anyio
async def test_a_terminal_telling_the_same_size_lays_nothing_out_again(project: tuple[Store, Sample]) -> None:
    """A terminal tells its size as the app starts; only a change of size re-lays out the coding screen."""
    from textual import events
    from textual.geometry import Size

    access = open_access(_ready(project))
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            screen = main_screen(app)
            layouts: list[object] = []
            real = screen._refresh_layout

            def counted(*args: Any, **kwargs: Any) -> None:
                layouts.append(args)
                real(*args, **kwargs)

            screen._refresh_layout = counted  # type: ignore[method-assign]
            app.post_message(events.Resize(Size(*SIZE), Size(*SIZE)))
            await pilot.pause(0.1)
            assert layouts == []
            await pilot.resize_terminal(80, 24)
            await pilot.pause(0.1)
            assert layouts and screen.has_class("-narrow")
            assert screen_text(app).splitlines()[-1].startswith("? Help q Quit")
    finally:
        access.close()


@pytest.mark.anyio
@pytest.mark.parametrize("coder", ["alice", "newcomer"])
async def test_a_change_waiting_for_a_store_that_fails_ends_the_app_cleanly(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch, coder: str
) -> None:
    """An early change that needs the store (a range; or a new coder, who must be registered) meets the
    failure: exit 1, no traceback. (A single toggle commits through sqlite3 and needs no store.)"""
    from qcode.errors import StoreError
    from qcode.store import migrate

    url = _ready(project)
    access = open_access(url)
    loaded = threading.Event()
    real_open = migrate.open_store

    def refuse_later(url: str, **_: object) -> Store:
        loaded.wait(10)
        raise StoreError(f"{url}: database is locked")

    monkeypatch.setattr(migrate, "open_store", refuse_later)
    threading.Timer(0.3, loaded.set).start()
    try:
        app = QcodeApp(access, coder)
        async with app.run_test(size=SIZE) as pilot:
            if coder == "alice":
                await pilot.pause()
                await pilot.press("v", "j", "w")  # a range waits for the store, which fails
            for _ in range(100):
                if app.return_code is not None:
                    break
                await pilot.pause(0.02)
        assert app.return_code == 1
    finally:
        loaded.set()
        access.close()
    reopened = real_open(url)
    try:
        assert stored_codings(reopened) == set() and stored_codings(reopened, coder="newcomer") == set()
    finally:
        reopened.close()


def test_the_reader_sees_each_commit_even_after_a_refused_write(project: tuple[Store, Sample]) -> None:
    url = _ready(project)
    access = open_access(url)
    try:
        with pytest.raises(sqlite3.OperationalError), access.read() as source:
            assert isinstance(source, sqlite3.Connection)
            source.execute("INSERT INTO coders (guid, name) VALUES ('x', 'x')")
        with access.unit() as session:
            from qcode.coding.service import ensure_coder

            ensure_coder(session, "carol")
        with access.read() as source:
            assert [c.name for c in queries.list_coders(source)] == ["alice", "bob", "carol"]
    finally:
        access.close()


def test_a_project_path_with_uri_characters_takes_the_quick_path(
    project: tuple[Store, Sample], tmp_path: Path
) -> None:
    import shutil

    source = Path(_ready(project).removeprefix("sqlite:///"))
    odd = tmp_path / "team #1 100%" / "qcode.db"  # ('?' starts a URL's options: not a plain path)
    odd.parent.mkdir()
    shutil.copy(source, odd)
    access = ProjectAccess.quick(f"sqlite:///{odd}")
    assert access is not None
    try:
        with access.read() as reader:
            assert [c.name for c in queries.list_coders(reader)] == ["alice", "bob"]
    finally:
        access.close()


@pytest.mark.anyio
async def test_coding_on_either_backend_through_the_commands_way_in(store: Store) -> None:
    """SQLite reads through its read-only connection, PostgreSQL through sessions: same screen, same rows."""
    from tests.coding.sample import fill_sample

    with store.sessions() as s, s.begin():
        fill_sample(s)
        ensure_project(s)
    access = ProjectAccess(store)
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert position(app) == ("A", 1)
            await pilot.press("j", "w", "]")
            await pilot.pause()
            assert position(app)[0] == "B"
            await pilot.press("[")
            await pilot.pause()
            assert position(app) == ("A", 1) and transcript(app).codings  # A2's code, read back
        with access.read() as source:
            assert isinstance(source, sqlite3.Connection) == store.url.startswith("sqlite")
    finally:
        access.close()
    assert stored_codings(store) == {("A", 2, "wages")}


@pytest.mark.anyio
async def test_a_change_the_database_refuses_is_said_and_left_undone(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock: the key says "not saved", nothing moves, coding goes on."""
    from qcode.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 50)
    url = _ready(project)
    wages = {project[1].codes["wages"]}
    access = open_access(url)
    other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("w", "]")  # wages on A1, then document B
            await pilot.pause()
            assert position(app)[0] == "B"
            other.execute("BEGIN IMMEDIATE")  # a teammate's import holds the lock
            await pilot.press("w")
            await pilot.pause()
            assert "not saved" in screen_text(app) and _codes_on_cursor(app) == set()
            assert "not saved: another process held the project's lock" in main_screen(app).message
            await pilot.press("j", "k")  # an error stays on the status line while the coder moves
            await pilot.pause()
            assert "not saved" in screen_text(app)
            await pilot.press("u")  # undoing A1 would open A: refused, so B stays on screen
            await pilot.pause()
            assert position(app)[0] == "B" and app.controller is not None
            assert app.controller.transcript is not None and app.controller.transcript.document.name == "B"
            assert app.return_code is None
            other.execute("ROLLBACK")
            await pilot.press("u")  # the same undo, now taken: A1 loses wages
            await pilot.pause()
            assert position(app) == ("A", 1) and _codes_on_cursor(app) == set()
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert _codes_on_cursor(app) == wages
    finally:
        other.close()
        access.close()
    from qcode.store.migrate import open_store

    reopened = open_store(url)
    try:
        assert stored_codings(reopened) == {("A", 1, "wages")}
    finally:
        reopened.close()


def test_a_sqlite3_change_is_one_transaction_refused_whole(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The toggles' own connection: an error rolls it all back; a held lock is one refusal, said plainly."""
    from qcode.errors import RoleError, TransactionFailedError
    from qcode.tui import access as access_module

    url = _ready(project)
    monkeypatch.setattr(access_module, "BUSY_TIMEOUT_MS", 100)
    access = open_access(url)
    path = url.removeprefix("sqlite:///")
    count = "SELECT count(*) FROM events"
    insert = "INSERT INTO events (guid, at, actor, action, payload) VALUES ('g', 't', 'a', 'x', '{}')"
    other = sqlite3.connect(path, isolation_level=None)
    try:
        before = other.execute(count).fetchone()
        with pytest.raises(RoleError), access.sqlite_unit() as conn:
            conn.execute(insert)
            raise RoleError("refused after the first statement")
        assert other.execute(count).fetchone() == before
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with pytest.raises(TransactionFailedError, match="held the project's lock"), access.sqlite_unit():
            pass
        other.execute("ROLLBACK")
        with access.sqlite_unit() as conn:  # and the next change goes through
            conn.execute(insert)
        assert other.execute(count).fetchone()[0] == before[0] + 1
        assert not access.is_open
    finally:
        other.close()
        access.close()
