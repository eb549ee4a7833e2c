"""`K` opens the agreement screen on purpose; with one coder it says why it cannot."""

from __future__ import annotations

import pytest

from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from qcode.tui.screens.agreement import AgreementScreen
from qcode.tui.screens.main import MainScreen
from tests.coding.sample import Sample, add_coding
from tests.export.test_chart import parse
from tests.tui.harness import SIZE, screen_text

pytestmark = pytest.mark.anyio


async def _wait_for_screen(app: QcodeApp, pilot: object, kind: type) -> None:
    for _ in range(100):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if isinstance(app.screen, kind):
            return
    raise AssertionError(f"{kind.__name__} never opened; screen is {app.screen}")


async def test_k_opens_agreement_between_coders(project: tuple[Store, Sample]) -> None:
    store, sample = project
    with store.sessions() as s, s.begin():
        add_coding(s, sample, "alice", "A", 1, "recruit")
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("K")
        await _wait_for_screen(app, pilot, AgreementScreen)
        text = screen_text(app)
        assert "alice" in text and "bob" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_k_with_one_coder_explains_instead_of_opening(sqlite_store: Store) -> None:
    from tests.coding.sample import fill_sample

    with sqlite_store.sessions() as s, s.begin():
        sample = fill_sample(s)
        add_coding(s, sample, "alice", "A", 1, "recruit")
    app = QcodeApp(sqlite_store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("K")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("coder" in str(n.message) for n in app._notifications)


async def test_b_charts_only_this_coders_codes(project: tuple[Store, Sample]) -> None:
    from qcode.tui.screens.chart import ChartScreen

    store, _sample = project  # bob coded A1 "recruit" earlier; alice's chart must not count it
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w", "j", "w", "B")
        await pilot.pause()
        assert isinstance(app.screen, ChartScreen)
        chart = app.screen.chart
        assert "coded by alice" in chart
        rows = {label: (cells, count) for label, cells, count in parse(chart)[0]}
        wages = next(v for k, v in rows.items() if k.startswith("Wages"))
        recruit = next(v for k, v in rows.items() if k.startswith("Recruit"))
        assert wages[0] > 0 and wages[1] == 2  # alice coded wages twice
        assert recruit == (0, 0)  # only bob coded recruit: blind, not counted
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
