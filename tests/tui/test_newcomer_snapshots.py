"""SVG snapshots of what a newcomer sees on the demo, at 80×24 and 120×40 (fixed data, no blink, dark theme).

Update after an intended change of the screens with
``pytest --snapshot-update tests/tui/test_newcomer_snapshots.py``; look at each changed SVG before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

#: What to press before each snapshot: the first screen, the empty document K, the help, the documents pane.
VISITS = {
    "first_screen": (),
    "empty_document": ("right_square_bracket",) * 10,
    "help": ("question_mark",),
    "documents": ("ctrl+d", "j"),
    "group_refused": ("tab", "g", "space"),
}


async def _settle(pilot: Pilot[Any]) -> None:
    """Wait for the progress worker and the follow-up of the last key, so every run looks the same."""
    await pilot.app.workers.wait_for_complete()
    for screen in pilot.app.screen_stack:
        if hasattr(screen, "flush_pending"):
            screen.flush_pending()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("visit", list(VISITS))
def test_newcomer_screens(
    snap_compare: Callable[..., bool],
    demo: Store,
    visit: str,
    size: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # started in the project's folder: the status line names `qcode.db`
    async def go(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        for key in VISITS[visit]:
            await pilot.press(key)
            await _settle(pilot)

    app = QcodeApp(demo, "newbie", theme="textual-dark", suggestions=False)
    assert snap_compare(app, terminal_size=size, run_before=go)
