"""SVG snapshots at 120×40: the coding screen and the code view (fixed data, dark theme, no blink)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, main_screen


async def _settle(pilot: Pilot[Any]) -> None:
    """Wait for the progress worker and the follow-up of the last change, so every run looks the same."""
    await pilot.app.workers.wait_for_complete()
    for screen in pilot.app.screen_stack:
        if hasattr(screen, "flush_pending"):
            screen.flush_pending()
    await pilot.pause()


def test_main_screen(
    snap_compare: Callable[..., bool],
    project: tuple[Store, Sample],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # started in the project's folder: the status line names `qcode.db`
    store, _ = project

    async def code_some(pilot: Pilot[Any]) -> None:
        await pilot.press("j", "j", "r", "j", "j", "w", "d", "m", *"loyalty payment", "ctrl+s", "j")
        await _settle(pilot)

    app = QcodeApp(store, "alice", theme="textual-dark")
    assert snap_compare(app, terminal_size=SIZE, run_before=code_some)


def test_code_view(
    snap_compare: Callable[..., bool],
    project: tuple[Store, Sample],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # started in the project's folder: the status line names `qcode.db`
    store, _ = project

    async def open_code_view(pilot: Pilot[Any]) -> None:
        await pilot.press("j", "j", "j", "j", "w", "right_square_bracket", "j", "j", "w")
        main_screen(pilot.app).codebook.move_to(4)  # Wages withheld
        await pilot.press("C")
        await _settle(pilot)

    app = QcodeApp(store, "alice", theme="textual-dark")
    assert snap_compare(app, terminal_size=SIZE, run_before=open_code_view)
