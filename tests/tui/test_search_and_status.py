"""Pilot tests: search moves with vim's ``n`` ``N`` and says where it is; messages go when the cursor does."""

from __future__ import annotations

import pytest

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, main_screen, position, status_line

pytestmark = pytest.mark.anyio


async def test_n_and_shift_n_go_from_hit_to_hit_and_say_where_and_when_they_wrap(
    project: tuple[Store, Sample],
) -> None:
    """``/was`` hits A1 and A6; with A1 coded, ``n`` goes to the next hit (A6), not the next uncoded (A2)."""
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "slash", *"was", "enter")
        assert main_screen(app).hit_indices == [0, 5]
        assert position(app) == ("A", 1) and "/was: hit 1/2" in status_line(app)
        await pilot.press("n")
        assert position(app) == ("A", 6) and "/was: hit 2/2" in status_line(app)
        assert "wrapped" not in status_line(app)
        await pilot.press("n")
        assert position(app) == ("A", 1)
        assert "hit 1/2" in status_line(app) and "search wrapped to the top" in status_line(app)
        await pilot.press("N")
        assert position(app) == ("A", 6)
        assert "hit 2/2" in status_line(app) and "search wrapped to the bottom" in status_line(app)
        await pilot.press("j")  # off the hits: the count stays, the wrap notice goes
        assert "/was: 2 hits (n N)" in status_line(app) and "wrapped" not in status_line(app)
        await pilot.press("N")
        assert position(app) == ("A", 6) and "wrapped" not in status_line(app)
        await pilot.press("n")
        assert "search wrapped to the top" in status_line(app)
        await pilot.press("escape")  # clears the search (and what was said about it): n no longer moves
        assert "/was" not in status_line(app) and "wrapped" not in status_line(app)
        await pilot.press("n")
        assert position(app) == ("A", 1) and "no search: / searches" in status_line(app)


async def test_an_empty_search_clears_the_search(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"was", "enter", "n")
        assert position(app) == ("A", 6)
        await pilot.press("slash", "ctrl+u", "enter")  # the box opens with the search: empty it
        screen = main_screen(app)
        assert screen.search_text == "" and screen.hit_indices == []
        assert "/was" not in status_line(app) and "hit" not in status_line(app)
        await pilot.press("slash", *"nowhere", "enter")
        assert "/nowhere: no hits" in status_line(app) and position(app) == ("A", 6)


async def test_a_message_about_an_action_goes_when_the_coder_moves_on(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert "Wages withheld applied" in status_line(app)
        await pilot.press("j")
        await pilot.pause()
        assert "applied" not in status_line(app)
        await pilot.press("w", "right_square_bracket")  # to document B: the message was about A2
        await pilot.pause()
        assert position(app) == ("B", 1) and "applied" not in status_line(app)
        await pilot.press("u")  # undo goes back to A2 and says so there
        await pilot.pause()
        assert position(app) == ("A", 2) and "undo: Wages withheld applied" in status_line(app)
        await pilot.press("right_curly_bracket")  # next uncoded
        await pilot.pause()
        assert "undo" not in status_line(app)
