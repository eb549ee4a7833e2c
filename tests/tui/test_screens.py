"""Pilot tests: blind coding and the comparing screens, help, themes, small terminals, the coder prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.cli.tui import coder_file, remember_coder, resolve_coder
from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.code_view import CodeViewScreen, CompareScreen
from qcode.tui.screens.help import HelpScreen
from qcode.tui.screens.main import MainScreen
from qcode.tui.screens.prompts import CoderPrompt
from qcode.tui.widgets.codebook import CodebookList
from qcode.tui.widgets.results import CodeViewList
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, main_screen, position, screen_text, transcript

pytestmark = pytest.mark.anyio


async def test_blind_coding_shows_other_coders_only_when_comparing(project: tuple[Store, Sample]) -> None:
    store, sample = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert transcript(app).codes_at(0) == frozenset()
        assert "Recruitment " not in screen_text(app).split("I applied")[1].split("\n")[0]
        await pilot.press("w", "A")
        assert isinstance(app.screen, CompareScreen)
        text = screen_text(app)
        assert "alice" in text and "bob" in text and " Recruitment " in text and " Wages withheld " in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    app = QcodeApp(store, "bob")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert transcript(app).codes_at(0) == frozenset({sample.codes["recruit"]})


async def test_code_view_filters_and_jumps_to_context(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        main_screen(app).query_one(CodebookList).move_to(4)  # Wages withheld
        await pilot.press("j", "j", "j", "j", "w", "right_square_bracket", "j", "j", "w", "C")
        assert isinstance(app.screen, CodeViewScreen)
        view = app.screen.query_one(CodeViewList)
        assert [(r.document, r.ordinal) for r in view.rows] == [("A", 5), ("B", 3)]
        assert "M · Russia · logger" in screen_text(app)
        app.screen.query_one("#attribute").value = "country=China"  # type: ignore[attr-defined]
        await pilot.pause()
        assert [(r.document, r.ordinal) for r in view.rows] == [("B", 3)]
        app.screen.query_one("#attribute").value = ""  # type: ignore[attr-defined]
        app.screen.query_one("#code").value = app.controller.code_by_hotkey["r"].id  # type: ignore[attr-defined, union-attr]
        await pilot.pause()
        assert list(view.rows) == []  # only bob used Recruitment, and the view starts with my codings
        app.screen.query_one("#coder").value = "all"  # type: ignore[attr-defined]
        await pilot.pause()
        assert [(r.document, r.ordinal, r.coder) for r in view.rows] == [("A", 1, "bob")]
        view.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, MainScreen) and position(app) == ("A", 1)


async def test_help_lists_every_binding_and_the_code_hotkeys(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()  # the help table fills on mount: read it once drawn
        text = screen_text(app)
        for needle in (
            "next segment you have not coded",
            "visual mode",
            "undo",
            "redo",
            "search the text",
            "next search hit",
            "code view",
            "compare coders",
            "command palette",
            "Long hours",
        ):
            assert needle in text, needle
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_theme_focus_mode_and_quit(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("T")
        assert app.theme == "textual-light"
        await pilot.press("T", "F")
        assert app.theme == "textual-dark"
        assert not main_screen(app).query_one("#codebook-pane").display
        await pilot.press("F", "q")
    assert app.return_code == 0


async def test_usable_at_80_by_24(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "h")
        text = screen_text(app)
        assert "Documents" not in text  # hidden when narrow; [ and ] still change document
        assert "The selection took almost" in text and "Long hours" in text and "Codebook" in text


async def test_first_start_prompts_for_the_coder_and_remembers(project: tuple[Store, Sample]) -> None:
    store, _ = project
    assert resolve_coder(None) is None
    app = QcodeApp(store, None, remember_coder=remember_coder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CoderPrompt)
        assert "alice" in screen_text(app) and "bob" in screen_text(app)
        await pilot.press(*"carol", "enter")
        assert isinstance(app.screen, MainScreen) and app.coder_name == "carol"
    assert resolve_coder(None) == "carol" and coder_file().read_text().strip() == "carol"
    assert resolve_coder("dave") == "dave"


def test_coder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QCODE_CODER", "erin")
    assert resolve_coder(None) == "erin"
    assert resolve_coder("frank") == "frank"


async def test_code_view_opens_on_a_code_you_used_or_in_the_picker(project: tuple[Store, Sample]) -> None:
    """``C`` on a group (Labour conditions) opens on the first code you applied, not on an empty view;
    with none applied yet it opens in the code picker, saying what to do."""
    from textual.widgets import Select

    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")  # alice has coded nothing (bob's Recruitment is not hers)
        assert isinstance(app.screen, CodeViewScreen)
        assert app.focused is app.screen.query_one("#code", Select)
        assert "0 codings in 0 documents · pick another code or coder above" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("j", "d", "j", "j", "j", "w")  # Debt on A2, Wages withheld on A5
        main_screen(app).query_one(CodebookList).move_to(0)  # the group Labour conditions
        await pilot.press("C")
        assert isinstance(app.screen, CodeViewScreen)
        assert app.screen.query_one("#code", Select).value == app.controller.code_by_hotkey["w"].id  # type: ignore[union-attr]
        assert [(r.document, r.ordinal) for r in app.screen.query_one(CodeViewList).rows] == [("A", 5)]
        assert app.focused is app.screen.query_one(CodeViewList)
        assert "Wages withheld: 1 coding in 1 document" in screen_text(app)
        await pilot.press("escape")
        main_screen(app).query_one(CodebookList).move_to(5)  # Debt, which alice used: opens on it
        await pilot.press("C")
        assert app.screen.query_one("#code", Select).value == app.controller.code_by_hotkey["d"].id  # type: ignore[union-attr]
