"""The coding screen will not open as the consensus coder (its writes are refused below it too)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from qcode.store.migrate import Store
from qcode.store.models import Coder, Coding
from qcode.tui.app import QcodeApp
from tests.coding.sample import add_coding, fill_sample

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (Textual's loop)."""
    return "asyncio"


async def test_the_coding_screen_refuses_the_consensus_coder(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QCODE_CODER", raising=False)
    with sqlite_store.sessions() as s, s.begin():
        sample = fill_sample(s, coders=("alice", "consensus"))
        add_coding(s, sample, "consensus", "A", 1, "wages")
        s.execute(update(Coder).where(Coder.name == "consensus").values(role="consensus"))
    app = QcodeApp(sqlite_store, "consensus")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "j", "w")
    assert app.return_code == 6 and app.controller is None
    with sqlite_store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Coding)) == 1
