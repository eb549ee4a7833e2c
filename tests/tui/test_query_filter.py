"""Pilot tests of the query filter (ctrl+f): matching segments across documents, blind, n N between them."""

from __future__ import annotations

import pytest

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.query import QueryScreen
from tests.coding.sample import Sample
from tests.tui.harness import main_screen, position, screen_text, stored_codings

pytestmark = pytest.mark.anyio


async def _code_some(pilot: object) -> None:
    press = pilot.press  # type: ignore[attr-defined]
    await press("w", "j", "j", "j", "h", "w")  # A:1 wages; A:4 hours and wages
    await press("right_square_bracket", "c", "j", "j", "w")  # B:1 confinement; B:3 wages


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_filter_lists_matches_jumps_and_steps_across_documents(
    project: tuple[Store, Sample], size: tuple[int, int]
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=size) as pilot:
        await _code_some(pilot)
        assert stored_codings(store) >= {("A", 1, "wages"), ("A", 4, "hours"), ("B", 3, "wages")}
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, QueryScreen)
        await pilot.press(*"wages AND NOT hours", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.screen.query_one("#query-results")
        assert [(r.document, r.ordinal) for r in results.rows] == [("A", 1), ("B", 3)]  # type: ignore[attr-defined]
        text = screen_text(app)
        assert "2 segments in 2 documents" in text and "Wages withheld" not in text.split("segments")[0]
        await pilot.press("enter")  # show the first in its transcript
        assert not isinstance(app.screen, QueryScreen)
        assert position(app) == ("A", 1)
        screen = main_screen(app)
        assert screen.hit_indices == [0]  # A:1 marked in the open transcript
        await pilot.press("greater_than_sign")
        assert position(app) == ("B", 3)
        await pilot.press("greater_than_sign")  # wraps around
        assert position(app) == ("A", 1)
        await pilot.press("less_than_sign")
        assert position(app) == ("B", 3)
        assert main_screen(app).query_status() == "query wages AND NOT hours: hit 2/2 (n N)"
        await pilot.press("k")  # off the selected segments: the count again
        assert main_screen(app).query_status() == "query wages AND NOT hours: 2 segments (n N)"
        assert "query wages AND NOT hours" in screen_text(app)  # on the status line, at any width


async def test_the_filter_is_blind_errors_show_and_an_empty_query_clears_it(
    project: tuple[Store, Sample],
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w", "ctrl+f", *"recruit", "enter")  # bob coded A:1 recruit, alice did not
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "0 segments in 0 documents" in screen_text(app)
        app.screen.query_one("#query").value = "wages AND"  # type: ignore[attr-defined]
        app.screen.query_one("#query").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "at position 10: expected a code, ( or NOT, found the end" in screen_text(app)
        app.screen.query_one("#query").value = "wages"  # type: ignore[attr-defined]
        app.screen.query_one("#where").value = "country=China"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "0 segments" in screen_text(app)  # alice coded wages only in A (Russia)
        await pilot.press("escape")
        assert main_screen(app).query_where == "country=China"
        await pilot.press("ctrl+f")
        app.screen.query_one("#query").value = ""  # type: ignore[attr-defined]
        app.screen.query_one("#where").value = ""  # type: ignore[attr-defined]
        await pilot.press("enter")
        screen = main_screen(app)
        assert screen.query_hits == () and screen.query_status() == ""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_n_and_N_say_which_query_hit_and_when_they_wrap(
    project: tuple[Store, Sample], size: tuple[int, int]
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=size) as pilot:
        await _code_some(pilot)
        await pilot.press("ctrl+f", *"wages", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # A:1, the first of A:1, A:4, B:3
        screen = main_screen(app)
        await pilot.pause()
        assert "hit 1/3" in screen.query_status()
        await pilot.press("n", "n")
        await pilot.pause()
        assert position(app) == ("B", 3) and "hit 3/3 (n N)" in screen_text(app).splitlines()[-2]
        assert "wrapped" not in screen_text(app)
        await pilot.press("n")  # past the last: back to the first, and it says so
        await pilot.pause()
        assert position(app) == ("A", 1) and "hit 1/3" in screen.query_status()
        assert screen.message == "query wrapped to the top"
        assert "query wrapped to the top" in screen_text(app)  # the status line, or a toast when narrow
        await pilot.press("N")
        await pilot.pause()
        assert position(app) == ("B", 3) and screen.message == "query wrapped to the bottom"
        await pilot.press("N")
        await pilot.pause()
        assert position(app) == ("A", 4) and screen.message == "" and "hit 2/3" in screen.query_status()
