"""`B` at 80×24 and 120×40: the chart fits the screen, every code on its own row with its true count."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll

from qcode.export.report_service import code_frequencies
from qcode.export.service import ExportFilter
from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.chart import ChartScreen
from qcode.tui.screens.main import MainScreen
from tests.export.test_chart import parse
from tests.tui.harness import screen_text

pytestmark = pytest.mark.anyio


async def _chart_after_coding(demo: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(demo, "alice")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("w", "j", "w", "h", "j", "b", "j", "h")
        await pilot.pause()
        await pilot.press("B")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChartScreen)
        assert app.controller is not None
        with demo.sessions() as session:
            coder = app.controller.coder
            freqs = code_frequencies(session, ExportFilter(coder_ids=(coder.id,)))
        truth = [(f.name, f.count) for f in freqs]
        assert dict(truth)["wages"] == 2 and dict(truth)["hours"] == 2 and dict(truth)["bribery"] == 1
        assert dict(truth)["money"] == 3  # the group: its codes' segments (wages on two, bribery on one)
        rows, ticks = parse(screen.chart)
        assert [(label, count) for label, _cells, count in rows] == truth
        assert ticks == [0, 1, 2, 3]  # whole counts only
        box = screen.query_one(VerticalScroll)
        width, height = size
        assert box.region.right <= width and box.region.bottom <= height  # the box fits the screen
        assert max(len(line) for line in screen.chart.splitlines()) <= screen.view.size.width
        text = screen_text(app)
        assert "wages" in text and "│██" in text
        assert bool(box.max_scroll_y) == (height < 40)  # 22 codes: more than 80×24 has rows
        if box.max_scroll_y:  # the keys scroll to the rest
            await pilot.press("end")
            await pilot.pause()
            assert box.scroll_y == box.max_scroll_y
            assert "family-guarantee" in screen_text(app)
        else:
            assert all(name in text for name, _ in truth)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_b_at_80_by_24_fits_and_scrolls(demo: Store) -> None:
    await _chart_after_coding(demo, (80, 24))


async def test_b_at_120_by_40_shows_every_code(demo: Store) -> None:
    await _chart_after_coding(demo, (120, 40))
