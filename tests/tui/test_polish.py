"""Words a newcomer tripped over: the codebook detail's key, the query count's plurals, report's help."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from typer.testing import CliRunner

from qcode.cli.main import app as cli
from qcode.coding.types import CodeInfo
from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.widgets.codebook import CodeDetail
from tests.coding.sample import Sample
from tests.tui.harness import screen_text

pytestmark = pytest.mark.anyio


class _Detail(App[None]):
    def compose(self) -> ComposeResult:
        yield CodeDetail(id="detail")


async def test_the_code_detail_names_the_key_only_where_it_differs_from_the_name() -> None:
    host = _Detail()
    async with host.run_test(size=(80, 24)) as pilot:
        detail = host.query_one(CodeDetail)
        detail.show_code(CodeInfo(1, "g1", "wages", "wages", hotkey="w"))
        await pilot.pause()
        assert str(detail.render()).split("\n")[0] == "wages  key w"  # was "wages  wages  key w"
        detail.show_code(CodeInfo(2, "g2", "hours", "Working hours", hotkey="h"))
        await pilot.pause()
        assert str(detail.render()).split("\n")[0] == "Working hours  hours  key h"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_query_count_reads_in_the_singular(
    project: tuple[Store, Sample], size: tuple[int, int]
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=size) as pilot:
        await pilot.press("j", "j", "j", "h")  # A:4 hours, the only segment with it
        await pilot.press("ctrl+f", *"hours", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "1 segment in 1 document ·" in screen_text(app)  # was "1 segments in 1 documents"


def test_report_help_names_what_the_group_does() -> None:
    result = CliRunner().invoke(cli, ["--help"], env={"COLUMNS": "160"})
    line = next(x for x in result.stdout.splitlines() if " report " in x)
    assert "matrix, quotes, chart, figure" in line and "Work with the source report" not in line
