"""Pilot tests of the coding screen: every binding, each change committed before it is shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from qcode.config import RESERVED_HOTKEYS
from qcode.store.migrate import Store
from qcode.store.models import Event
from qcode.tui import keymap
from qcode.tui.app import QcodeApp
from qcode.tui.widgets.codebook import CodebookList
from qcode.tui.widgets.documents import DocumentList
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, main_screen, position, screen_text, stored_codings, transcript

pytestmark = pytest.mark.anyio


def test_every_printable_key_of_the_screen_is_reserved() -> None:
    assert keymap.printable_keys() <= RESERVED_HOTKEYS


async def test_opens_first_document_first_segment_focus_in_transcript(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert position(app) == ("A", 1)
        assert app.focused is transcript(app)
        text = screen_text(app)
        assert "Interviewee A" in text and "M · Russia · logger" in text and "Recruitment" in text
        assert "0/7" in text  # alice's progress on A, not bob's coding


async def test_moving_keys(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "down")
        assert position(app) == ("A", 4)
        await pilot.press("k", "up")
        assert position(app) == ("A", 2)
        await pilot.press("G")
        assert position(app) == ("A", 7)
        await pilot.press("g")
        assert position(app) == ("A", 1)
        await pilot.press("end", "home", "pagedown")
        assert position(app) == ("A", 7)
        await pilot.press("pageup")
        assert position(app) == ("A", 1)
        await pilot.press("right_square_bracket")
        assert position(app) == ("B", 1)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert position(app) == ("minister", 1)
        await pilot.press("left_square_bracket")
        assert position(app) == ("B", 1)


async def test_hotkey_toggles_and_commits_before_the_frame(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "j", "w")
        assert stored_codings(store) == {("A", 5, "wages")}
        assert (
            "Wages withheld"
            in screen_text(app).split("Most of the wages")[1].split("\n")[0]
            + screen_text(app).split("Most of the wages")[1].split("\n")[1]
        )
        main_screen(app).flush_pending()
        await pilot.pause()
        assert "coded 1/7" in screen_text(app)
        await pilot.press("w")
        assert stored_codings(store) == set()
    with store.sessions() as s:
        payloads = s.scalars(
            select(Event.payload).where(Event.action.like("coding.%")).order_by(Event.id)
        ).all()
    assert [p["segment"] for p in payloads] == [5, 5] and all(p["document"] == "A" for p in payloads)
    assert all(isinstance(p["coding"], str) and len(p["coding"]) == 36 for p in payloads)


async def test_hotkeys_work_from_any_pane_but_not_while_typing(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        screen.query_one(CodebookList).focus()
        await pilot.press("h")
        screen.query_one(DocumentList).focus()
        await pilot.press("d")
        assert stored_codings(store) == {("A", 1, "hours"), ("A", 1, "debt")}
        await pilot.press("slash", "h", "d", "w")
        assert stored_codings(store) == {("A", 1, "hours"), ("A", 1, "debt")}
        assert screen.search_text == "hdw"


async def test_space_toggles_the_highlighted_code(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        main_screen(app).query_one(CodebookList).move_to(6)  # Recruitment
        await pilot.press("space")
        assert stored_codings(store) == {("A", 1, "recruit")}


async def test_visual_mode_applies_then_removes_a_range(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "v", "j", "j")
        assert "VISUAL 3" in screen_text(app)
        await pilot.press("c")
        assert stored_codings(store) == {("A", 2, "confine"), ("A", 3, "confine"), ("A", 4, "confine")}
        assert transcript(app).visual_anchor is None
        await pilot.press("v", "k", "c")  # 3..4 all have it: removed
        assert stored_codings(store) == {("A", 2, "confine")}
        await pilot.press("v", "escape")
        assert transcript(app).visual_anchor is None


async def test_braces_jump_to_next_uncoded_across_documents(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "right_curly_bracket")
        assert position(app) == ("A", 2)
        await pilot.press("G", "w", "k", "w", "k", "k", "left_curly_bracket")
        assert position(app) == ("A", 3)
        await pilot.press("G", "right_curly_bracket")
        assert position(app) == ("B", 1)
        await pilot.press("left_curly_bracket")
        assert position(app) == ("A", 5)


async def test_resumes_where_the_coder_left_off(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "j", "j", "s")
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert position(app) == ("B", 3)



async def _type_ahead(app: QcodeApp, pilot: Pilot[None], keys: list[str | tuple[str, str | None]]) -> None:
    """Send keys as a terminal delivers a fast typist's (or a paste's): all queued, none awaited."""
    from textual import events

    await pilot.pause()
    assert app._driver is not None
    for key in keys:
        name, char = key if isinstance(key, tuple) else (key, key)
        app._driver.send_message(events.Key(name, char))
    for _ in range(3):
        await pilot.pause()

async def test_keys_typed_faster_than_the_screen_applies_them_keep_their_order(
    project: tuple[Store, Sample],
) -> None:
    """A fast typist's ``w j j d k w`` (all queued before any is handled) codes the segments it names."""
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        keys = [*"wjjdkw", ("right_square_bracket", "]"), *"w", ("escape", None), *"vjd"]
        await _type_ahead(app, pilot, keys)
        assert position(app) == ("B", 2)
        assert stored_codings(store) == {
            ("A", 1, "wages"), ("A", 3, "debt"), ("A", 2, "wages"),
            ("B", 1, "wages"), ("B", 1, "debt"), ("B", 2, "debt"),
        }  # fmt: skip


async def test_letters_typed_ahead_into_the_code_prompt_go_to_the_prompt(
    project: tuple[Store, Sample],
) -> None:
    """``:wa`` typed before the prompt is up: the letters land in the prompt, no code is applied;
    the same for ``/wa`` and the search box."""
    from textual.widgets import Input

    from qcode.tui.screens.prompts import CodePrompt

    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await _type_ahead(app, pilot, [("colon", ":"), *"wa"])
        assert isinstance(app.screen, CodePrompt)
        assert app.screen.query_one(Input).value == "wa"
        await pilot.press("enter")
        await pilot.pause()
        assert stored_codings(store) == {("A", 1, "wages")}  # chosen in the prompt, applied once
        await _type_ahead(app, pilot, [("slash", "/"), *"wa"])
        assert main_screen(app).query_one("#search", Input).value == "wa"
        assert stored_codings(store) == {("A", 1, "wages")}


async def test_keys_typed_ahead_into_the_query_filter_and_search_go_to_the_box_opened(
    project: tuple[Store, Sample],
) -> None:
    """ctrl+f ``hours AND NOT wages`` typed before the filter is up: every letter (``g``, ``n``, ``A``,
    space: keys of the coding screen) lands in the query box, none in the where box or the transcript;
    the same for ``/night`` and for ``:overtime`` in the code prompt."""
    from textual.widgets import Input

    from qcode.tui.screens.prompts import CodePrompt
    from qcode.tui.screens.query import QueryScreen

    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await _type_ahead(app, pilot, [("ctrl+f", None), *"hours AND NOT wages"])
        assert isinstance(app.screen, QueryScreen)
        assert app.screen.query_one("#query", Input).value == "hours AND NOT wages"
        assert app.screen.query_one("#where", Input).value == ""
        assert app.focused is app.screen.query_one("#query", Input)
        await pilot.press("escape")
        assert position(app) == ("A", 1) and app.theme == "textual-dark"  # g, G, T did nothing here
        await _type_ahead(app, pilot, [("slash", "/"), *"night", ("enter", None)])
        screen = main_screen(app)
        assert screen.search_text == "night" and screen.hit_indices == [3]
        assert position(app) == ("A", 4)  # enter, typed ahead too, went to the hit
        await _type_ahead(app, pilot, [("colon", ":"), *"overtime"])
        assert isinstance(app.screen, CodePrompt)
        assert app.screen.query_one(Input).value == "overtime"
        await pilot.press("enter", "j")
        assert stored_codings(store) == {("A", 4, "hours")}
        assert position(app) == ("A", 5)  # keys are the coding screen's again
