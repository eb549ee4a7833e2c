"""Pilot tests of "Who is coding?": escape gives up, a blank name is refused with the reason, and a
coder is in the project from their first change, not from opening the screen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qcode.cli.tui import coder_file, remember_coder
from qcode.store.migrate import Store
from qcode.store.models import Coder, Event
from qcode.tui.app import QcodeApp
from qcode.tui.screens.main import MainScreen
from qcode.tui.screens.prompts import CoderPrompt
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, screen_text, status_line, stored_codings, stored_memos

pytestmark = pytest.mark.anyio


def coders(store: Store) -> list[str]:
    """Every coder's name in the project, read afresh."""
    with store.sessions() as s:
        return sorted(s.scalars(select(Coder.name)))


def coder_events(store: Store) -> list[str]:
    """The names in the ``coder.add`` events."""
    with store.sessions() as s:
        return [e.payload["name"] for e in s.scalars(select(Event).where(Event.action == "coder.add"))]


async def test_escape_on_the_prompt_quits_and_changes_nothing(project: tuple[Store, Sample]) -> None:
    store, _ = project
    before = coders(store)
    app = QcodeApp(store, None, remember_coder=remember_coder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CoderPrompt)
        await pilot.press(*"car", "escape")
        await pilot.pause()
    assert app.return_code in (None, 0)
    assert coders(store) == before and not coder_file().exists()


async def test_a_blank_name_is_refused_with_the_reason(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "space", "enter")
        assert isinstance(app.screen, CoderPrompt)
        assert "A name is needed: it labels every coding you make." in screen_text(app)
        await pilot.press("ctrl+u", *"carol", "enter")
        assert isinstance(app.screen, MainScreen) and app.coder_name == "carol"


async def test_a_new_coder_is_in_the_project_from_their_first_change_not_from_opening(
    project: tuple[Store, Sample],
) -> None:
    store, _ = project
    before = coders(store)
    app = QcodeApp(store, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"carol", "enter")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("j", "right_square_bracket", "C", "escape", "A", "escape", "q")  # look around only
    assert coders(store) == before and "carol" not in coder_events(store)
    app = QcodeApp(store, "carol")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "coder carol" in status_line(app)
        await pilot.press("w")  # the first change: carol and her coding, in one transaction
        await pilot.pause()
        assert coders(store) == sorted([*before, "carol"]) and coder_events(store).count("carol") == 1
        assert stored_codings(store, "carol") == {("B", 1, "wages")}  # where she quit
        await pilot.press("j", "m", *"second", "ctrl+s", "u", "u")
        await pilot.pause()
        assert stored_codings(store, "carol") == set() and stored_memos(store, "carol") == {}
        assert coder_events(store).count("carol") == 1  # created once


@pytest.mark.parametrize("typed", ["Alice", " ALICE "])
async def test_a_name_that_differs_only_in_case_is_not_a_new_coder(
    project: tuple[Store, Sample], typed: str
) -> None:
    """``--coder Alice`` beside ``alice`` would open an empty screen and start a second coder."""
    store, _ = project
    before = coders(store)
    assert "alice" in before
    said: list[object] = []
    app = QcodeApp(store, typed)
    leave = app.exit

    def watched(result: object = None, return_code: int = 0, message: object = None) -> None:
        said.append(message)
        leave(result, return_code, message)  # type: ignore[arg-type]

    app.exit = watched  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")  # nothing to apply it to: the app is gone
    assert app.return_code == 2
    assert "did you mean 'alice'?" in str(said[0])
    assert coders(store) == before
