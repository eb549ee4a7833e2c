"""A memo the database refuses stays in its editor with the reason; the next ctrl+s saves it."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Label, TextArea

from qcode.cli.tui import open_access
from qcode.project.service import ensure_project
from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.prompts import MemoPrompt
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, stored_memos

pytestmark = pytest.mark.anyio


async def test_a_refused_memo_keeps_its_text_until_saved(
    project: tuple[Store, Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcode.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 50)
    store, _ = project
    with store.sessions() as s, s.begin():
        ensure_project(s)
    store.close()
    access = open_access(store.url)
    other = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("j", "m", *"paid twice, once in cash")
            other.execute("BEGIN IMMEDIATE")  # a teammate's import holds the write lock
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MemoPrompt)
            assert app.screen.query_one("#memo", TextArea).text == "paid twice, once in cash"
            reason = str(app.screen.query_one("#memo-refused", Label).render())
            assert "Not saved" in reason and "another process held the project's lock" in reason
            assert other.execute("SELECT count(*) FROM memos").fetchone() == (0,)
            other.execute("ROLLBACK")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, MemoPrompt)
        assert stored_memos(store) == {("A", 2): "paid twice, once in cash"}
    finally:
        other.close()
        access.close()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_lock_held_on_postgresql_is_refused_in_time_and_named(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session keeps a row locked: the change gives up after the lock timeout and names that session.

    (Not minutes of a frozen screen without a word.)
    """
    import time

    from sqlalchemy import text

    from qcode.coding.service import ensure_coder
    from qcode.errors import TransactionFailedError
    from qcode.store import engine
    from qcode.store.migrate import open_store
    from qcode.tui.access import ProjectAccess

    monkeypatch.setattr(engine, "LOCK_TIMEOUT_S", 1)
    with store.sessions() as s, s.begin():
        ensure_coder(s, "alice")
    mine = ProjectAccess(open_store(store.url), owns_store=True)
    holder = store.engine.connect()
    holder.execute(text("UPDATE coders SET role = 'coder' WHERE name = 'alice'"))  # row locked, not committed
    try:
        started = time.monotonic()
        with pytest.raises(TransactionFailedError) as info, mine.unit() as s:
            s.execute(text("UPDATE coders SET role = 'consensus' WHERE name = 'alice'"))
        assert time.monotonic() - started < 4
        message = str(info.value)
        assert "another session held a lock for more than" in message and "waiting on session" in message
    finally:
        holder.rollback()
        holder.close()
        mine.close()
