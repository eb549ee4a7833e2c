"""The status line names the project, and says whole why a change was not saved, at 80×24 and 120×40.

A coder with two projects open in two terminals must see which is which (the database file, or a
server's host and database, never a password); a refused change must be readable in full on a
default-sized terminal, not half hidden under a toast that repeats it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample
from tests.tui.harness import main_screen, screen_text, status_line

pytestmark = pytest.mark.anyio
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
LOCKED = "not saved: another process held the project's lock for more than 5 s; try again"


async def _status_row(pilot: Pilot[Any]) -> str:
    """The status line as drawn (the row above the footer)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen_text(pilot.app).splitlines()[-2]


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
