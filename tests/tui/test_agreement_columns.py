"""The coding screen's agreement window (``K``) on the coded demo: every column whole, at 80×24 and 120×40.

The table is wider than either window (ten columns, bands beside the figures at 120), so it comes in
pages of whole columns, the code's name on each (→ and ← between them): none is cut at the window's
edge, as the α interval was. The progress word goes on the status line, not in a toast over the table.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.agreement import COLUMNS, AgreementScreen, cell_width, column_pages
from tests.tui.harness import main_screen, screen_text
from tests.tui.test_newcomer import coded, coded_template, settle

__all__ = ["coded", "coded_template"]  # the fixtures, shared with the newcomer's tests

pytestmark = pytest.mark.anyio


def test_pages_hold_whole_columns_and_repeat_the_first() -> None:
    assert column_pages([10, 5, 5, 5], room=40) == [(1, 2, 3)]
    assert column_pages([10, 5, 5, 5], room=26) == [(1, 2), (3,)]  # 12 + 7 + 7 = 26, a third no longer fits
    assert column_pages([10, 30, 5], room=26) == [(1,), (2,)]  # too wide even alone: a page of its own
    assert cell_width("overall (mean of\n11 of 17 codes)") == 16


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_column_is_shown_whole_on_some_page(coded: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(coded, "alice")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert not app._notifications, "a toast lies over the table"
        table: DataTable[Any] = screen.query_one("#agreement-table", DataTable)
        seen: set[str] = set()
        for page in range(len(screen.pages)):
            await pilot.pause()
            assert table.virtual_size.width <= table.scrollable_content_region.width, "a column is cut"
            text = screen_text(app)
            shown = [str(c.label) for c in table.ordered_columns]
            assert shown[0] == "code" and all(name in text for name in shown), text
            wages = [str(getattr(c, "plain", c)) for c in table.get_row_at(0)]
            assert all(cell in text for cell in wages if cell), (wages, text)  # whole values, never cut
            assert f"({page + 1} of {len(screen.pages)})" in text or len(screen.pages) == 1
            seen.update(shown)
            await pilot.press("right")
        assert seen == set(COLUMNS)
        assert "α CI" in seen and len(screen.pages) == 2
        overall = [str(getattr(c, "plain", c)) for c in table.get_row_at(table.row_count - 1)]
        assert overall[0] == "overall (mean of\n11 of 17 codes)"
        await pilot.press("left", "escape")
        await pilot.pause()
        assert "computing agreement" not in screen_text(app)  # said on the status line while it worked
        assert main_screen(app).message == ""
