"""The agreement screen on its own: a prepared report in a tiny app, bands and 'undefined', escape closes."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App
from textual.widgets import DataTable, Static

from qcode.agreement import AgreementReport, build_report
from qcode.tui.screens.agreement import AgreementScreen

pytestmark = pytest.mark.anyio


def _report() -> AgreementReport:
    # Debt: both apply on 3 units, both leave it on 5, differ on 2 → κ = (0.8 − 0.52)/0.48 = 0.583 (moderate).
    debt = np.array([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 0, 0, 0, 0, 0]], dtype=np.int8)
    unused = np.zeros((2, 10), dtype=np.int8)
    return build_report(["alice", "bob"], list(range(10)), {"Debt": debt, "Hours": unused}, n_boot=50)


class _Host(App[None]):
    def __init__(self, report: AgreementReport) -> None:
        super().__init__()
        self.report = report

    def on_mount(self) -> None:
        self.push_screen(AgreementScreen(self.report, notes=["carol coded none of these documents"]))


def _cells(table: DataTable[object], row: int) -> list[str]:
    return [str(getattr(c, "plain", c)) for c in table.get_row_at(row)]


async def test_screen_shows_rows_bands_undefined_and_notes_then_escape_closes() -> None:
    app = _Host(_report())
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        table: DataTable[object] = screen.query_one("#agreement-table", DataTable)
        assert table.row_count == 3  # two codes and the overall row
        debt, hours, overall = (_cells(table, i) for i in range(3))
        assert debt[:4] == ["Debt", "10", "0.400", "0.800"]
        assert debt[4] == "0.583 moderate" and debt[5] == "0.583 moderate"
        assert debt[6] == "0.604 unreliable" and debt[9] == "rare"
        assert hours[3:7] == ["undefined"] * 4 and hours[8] == "undefined"  # AC1 too: nobody applied it
        assert hours[9] == "unused"
        assert overall[0] == "overall (mean of\n1 of 2 codes)" and overall[4] == "0.583 moderate"
        header = str(screen.query_one("#agreement-header", Static).render())
        assert "alice, bob on the 10 segments every one of them coded" in header and "Pooled kappa" in header
        notes = screen.notes()  # the rules first (scrolling with the notes, so the table keeps the room)
        assert notes[0].startswith("Units: the segments of the documents every") and "'absent'" in notes[0]
        assert notes[1].startswith("Bands: Landis & Koch") and "left out" not in notes[1]
        assert notes[2] == "carol coded none of these documents"
        assert notes[3].startswith("nobody applied Hours (1 of 2 codes): no figure is defined for it")
        assert not any("nan" in c.lower().split() for row in (debt, hours, overall) for c in row)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)
