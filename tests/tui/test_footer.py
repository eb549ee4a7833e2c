"""The key footer: one line of the screen's keys that follows its bindings, cuts whole keys, and clicks."""

from __future__ import annotations

import pytest

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.help import HelpScreen
from qcode.tui.widgets.footer import PALETTE_RULE, KeyFooter
from tests.tui.harness import main_screen, screen_text

pytestmark = pytest.mark.anyio


def footer_line(app: QcodeApp) -> str:
    """The screen's last row: where the footer is."""
    return screen_text(app).splitlines()[-1]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (40, 12)], ids=["80x24", "120x40", "40x12"])
async def test_keys_that_do_not_fit_are_left_out_whole(demo: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        line = footer_line(app)
        footer = main_screen(app).query_one(KeyFooter)
        shown = [entry for _start, _end, entry in footer._spans]
        assert len(line) == size[0]
        assert line.startswith("? Help q Quit")  # help and quit first, whatever the width
        for entry in shown:  # every key drawn is drawn whole, with its label
            assert f"{entry.display} {entry.description}" in line
        left_out = [e for e in footer._entries if e not in shown]
        for entry in left_out:  # and a key left out leaves no piece of its label behind
            assert f" {entry.display} " not in line.replace(PALETTE_RULE, " ")
        if size[0] >= 80:
            assert line.rstrip().endswith(f"{PALETTE_RULE}^p palette")
            assert "^d Docs" in line
        else:
            assert len(left_out) > 0


async def test_footer_follows_the_screen_and_its_bindings(demo: Store) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "} Uncoded" in footer_line(app)
        await pilot.press("ctrl+f")  # the query screen has its own footer and keys
        await pilot.pause()
        line = footer_line(app)
        assert "esc Back" in line and "Uncoded" not in line
        await pilot.press("escape")
        await pilot.pause()
        assert "} Uncoded" in footer_line(app)


async def test_a_click_on_a_key_presses_it(demo: Store) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = main_screen(app).query_one(KeyFooter)
        start = next(s for s, _e, entry in footer._spans if entry.description == "Help")
        assert await pilot.click(KeyFooter, offset=(start + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_a_disabled_key_is_drawn_dim_and_only_rings(demo: Store) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = main_screen(app).query_one(KeyFooter)
        first = footer._entries[0]
        footer._entries = (first._replace(enabled=False), *footer._entries[1:])
        footer.refresh()
        await pilot.pause()
        text = footer.render()
        key_span = next(s for s in text.spans if s.start == 0)
        assert "dim" in str(key_span.style)
        rang: list[bool] = []
        app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
        assert await pilot.click(KeyFooter, offset=(0, 0))
        await pilot.pause()
        assert rang == [True] and not isinstance(app.screen, HelpScreen)
