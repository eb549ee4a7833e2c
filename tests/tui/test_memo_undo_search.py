"""Pilot tests: memos, session undo/redo across documents, search, the code prompt and the palette."""

from __future__ import annotations

import pytest

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.prompts import CodePrompt, MemoPrompt
from tests.coding.sample import Sample
from tests.tui.harness import (
    SIZE,
    main_screen,
    position,
    screen_text,
    stored_codings,
    stored_memos,
    transcript,
)

pytestmark = pytest.mark.anyio


async def test_memo_is_saved_shown_and_deleted(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "m")
        assert isinstance(app.screen, MemoPrompt)
        await pilot.press(*"chosen by record", "ctrl+s")
        assert stored_memos(store) == {("A", 2): "chosen by record"}
        assert "✎ chosen by record" in screen_text(app)
        await pilot.press("m", "escape")
        assert stored_memos(store) == {("A", 2): "chosen by record"}
        await pilot.press("m")
        area = app.screen.query_one("#memo")
        area.text = ""  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        assert stored_memos(store) == {}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_escape_keeps_typed_memo_text_until_asked_twice(
    project: tuple[Store, Sample], size: tuple[int, int]
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=size) as pilot:
        await pilot.press("j", "m", *"paid in cash", "escape")  # a tired escape: the text stays
        assert isinstance(app.screen, MemoPrompt)
        assert app.screen.query_one("#memo").text == "paid in cash"  # type: ignore[attr-defined]
        warning = " ".join(screen_text(app).replace("│", " ").split())
        assert "the memo has changes: ctrl+s saves them, escape again leaves without them" in warning
        await pilot.press("ctrl+s")  # and can still be saved
        assert stored_memos(store) == {("A", 2): "paid in cash"}
        await pilot.press("m", "escape")  # nothing changed: one escape leaves
        assert not isinstance(app.screen, MemoPrompt)
        await pilot.press("m", *" later", "escape", "escape")  # asked twice: the change goes
        assert not isinstance(app.screen, MemoPrompt)
        assert stored_memos(store) == {("A", 2): "paid in cash"}


async def test_undo_and_redo_across_documents(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "right_square_bracket", "j", "c", "m", *"kept", "ctrl+s")
        assert stored_codings(store) == {("A", 1, "wages"), ("B", 2, "confine")}
        await pilot.press("u")
        assert stored_memos(store) == {}
        await pilot.press("u")
        assert stored_codings(store) == {("A", 1, "wages")}
        await pilot.press("u")  # back in document A
        assert stored_codings(store) == set() and position(app) == ("A", 1)
        assert "undo: Wages withheld applied" in screen_text(app)
        await pilot.press("u")
        assert "nothing to undo" in screen_text(app)
        await pilot.press("ctrl+r", "ctrl+r")
        assert stored_codings(store) == {("A", 1, "wages"), ("B", 2, "confine")}
        assert position(app) == ("B", 2)
        await pilot.press("ctrl+r")
        assert stored_memos(store) == {("B", 2): "kept"}
        assert "✎ kept" in screen_text(app)


async def test_search_exact_and_fuzzy_with_next_and_previous_hit(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot.press("slash", *"the", "enter")
        assert screen.hit_indices == [0, 1, 2, 3, 4, 5, 6][: len(screen.hit_indices)]
        assert app.focused is transcript(app)
        await pilot.press("escape", "slash", *"camp", "enter")
        assert screen.hit_indices == [6] and position(app) == ("A", 7)
        await pilot.press("escape", "slash", *"~wagess", "enter")
        assert screen.hit_indices == [4] and position(app) == ("A", 5)
        await pilot.press("escape", "slash", *"we", "enter")
        hits = list(screen.hit_indices)
        assert len(hits) >= 3
        start = transcript(app).cursor
        await pilot.press("greater_than_sign")
        assert (
            transcript(app).cursor == next(i for i in hits + hits if i > start)
            or transcript(app).cursor == hits[0]
        )
        await pilot.press("less_than_sign")
        assert transcript(app).cursor == start
        await pilot.press("escape")
        assert screen.hit_indices == [] and screen.search_text == ""


async def test_colon_prompt_finds_a_code_by_keyword(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon")
        assert isinstance(app.screen, CodePrompt)
        await pilot.press(*"passport", "enter")
        assert stored_codings(store) == {("A", 1, "confine")}
        await pilot.press("colon", *"surveilance", "enter")
        assert stored_codings(store) == {("A", 1, "confine"), ("A", 1, "surveil")}
        await pilot.press("colon", *"informer", "escape")
        assert len(stored_codings(store)) == 2


async def test_command_palette_applies_a_code(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"loyalty payment")
        await pilot.pause(0.3)  # the palette searches in a background task
        await pilot.press("enter")
        await pilot.pause()
        assert stored_codings(store) == {("A", 1, "wages")}


async def _palette(app: QcodeApp, pilot: object, typed: str) -> None:
    """ctrl+p, ``typed``, then enter on the best match, as a coder would."""
    press = pilot.press  # type: ignore[attr-defined]
    await press("ctrl+p", *typed)
    await pilot.pause(0.3)  # type: ignore[attr-defined]  # the palette searches in a background task
    await press("enter")
    await pilot.pause()  # type: ignore[attr-defined]


async def test_the_palette_runs_every_command_and_opens_documents(project: tuple[Store, Sample]) -> None:
    """Not only codes: screens (code view, compare, chart, help), moves, undo and documents."""
    from textual.command import CommandList

    from qcode.tui.screens.chart import ChartScreen
    from qcode.tui.screens.code_view import CodeViewScreen, CompareScreen
    from qcode.tui.screens.help import HelpScreen
    from qcode.tui.screens.query import QueryScreen

    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        options = app.screen.query_one(CommandList).options
        listed = " | ".join(str(o.hit.text) for o in options)  # type: ignore[attr-defined]
        titles = ("Agreement between coders", "Chart: your code frequencies", "Code view", "Compare coders",
                  "Help: every key", "Theme: dark / light", "Next uncoded segment", "Search the text",
                  "Query filter", "Suggestions: show / hide", "Undo", "Redo", "Quit")  # fmt: skip
        for title in titles:
            assert title in listed, title
        await pilot.press("escape")
        await _palette(app, pilot, "open document B")
        assert position(app) == ("B", 1)
        await pilot.press("w")
        await _palette(app, pilot, "next uncoded")
        assert position(app) == ("B", 2)
        await _palette(app, pilot, "undo")
        assert stored_codings(store) == set() and position(app) == ("B", 1)
        screens = (("code view", CodeViewScreen), ("compare coders", CompareScreen), ("chart", ChartScreen),
                   ("help", HelpScreen), ("query filter", QueryScreen))  # fmt: skip
        for typed, screen in screens:
            await _palette(app, pilot, typed)
            assert isinstance(app.screen, screen), typed
            await pilot.press("escape")
        await _palette(app, pilot, "theme: dark")
        assert app.theme == "textual-light"


async def test_the_palette_has_no_screenshot_nor_a_command_twice(project: tuple[Store, Sample]) -> None:
    """Textual's screenshot would write the screen (testimony) to a file unasked; its theme, keys and
    quit are qcode's own commands here."""
    from collections import Counter

    from textual.command import CommandList

    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        listed = [str(o.hit.text) for o in app.screen.query_one(CommandList).options]  # type: ignore[attr-defined]
        assert not [t for t in listed if "screenshot" in t.lower() or "maximize" in t.lower()]
        assert [t for t, n in Counter(listed).items() if n > 1] == []
        assert sum(t.startswith("Quit") for t in listed) == 1 and "Theme: dark / light" in listed


async def test_undo_and_redo_of_a_range_go_to_its_first_segment_in_its_document(
    project: tuple[Store, Sample],
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "k", "v", "k", "k", "w")  # A6..A4, selected upwards
        assert stored_codings(store) == {("A", 4, "wages"), ("A", 5, "wages"), ("A", 6, "wages")}
        await pilot.press("g", "u")
        assert stored_codings(store) == set() and position(app) == ("A", 4)
        await pilot.press("right_square_bracket", "ctrl+r")  # from document B: back to A, at A4
        assert len(stored_codings(store)) == 3 and position(app) == ("A", 4)
        await pilot.press("right_square_bracket", "j", "v", "j", "d", "left_square_bracket", "u")  # B2..B3
        assert position(app) == ("B", 2) and len(stored_codings(store)) == 3
