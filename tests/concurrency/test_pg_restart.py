"""The team server restarts while coders work: refused in one line meanwhile, nothing acknowledged lost.

The test runs its own PostgreSQL cluster (:mod:`tests.concurrency.pgcluster`) so restarting it
disturbs no other test; it is skipped, with the reason, where the server binaries are missing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from qcode.store.migrate import open_store
from tests.concurrency.harness import DEFAULT_SECONDS, Plan, Report, prepare_project, run_mix
from tests.concurrency.ledger import verify
from tests.concurrency.pgcluster import PrivateCluster, missing_reason
from tests.concurrency.procs import CoderProcess

#: Seconds the server stays down.
DOWN_S = 2.0


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    pg = PrivateCluster()
    try:
        pg.start()
        pg.create_database()
        yield pg
    finally:
        pg.remove()


@pytest.mark.slow
def test_a_server_restart_mid_coding_loses_nothing_acknowledged(cluster: PrivateCluster) -> None:
    store = open_store(cluster.url, create=True)
    prepare_project(store)
    store.close()
    back: list[int] = []

    def restart(_procs: list[CoderProcess], deadline: float, report: Report) -> None:
        time.sleep(max(1.0, (deadline - time.monotonic()) / 3))
        cluster.stop("immediate")  # like a crash: sessions cut, nothing flushed politely
        time.sleep(DOWN_S)
        cluster.start()
        back.append(sum(report.ledger.counts.values()))

    plan = Plan(coders=2, seconds=max(DEFAULT_SECONDS, 4 * DOWN_S), commands=(("status",),))
    report, _ = run_mix(cluster.url, plan, during=restart)
    print(report.summary())
    assert report.crashes == []
    gone = sum(n for why, n in report.ledger.refusals.items() if "server is not answering" in why)
    assert gone > 0, report.summary()  # the coding processes were told the server was gone
    assert sum(report.ledger.counts.values()) > back[0] + 10, report.summary()  # and went on once it was back
    assert all("server" in f or "connection" in f for f in report.command_failures), report.command_failures
    reopened = open_store(cluster.url)
    try:
        with reopened.readers() as s:
            assert verify(s, report.ledger) == []
    finally:
        reopened.close()


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (Textual's loop)."""
    return "asyncio"


@pytest.mark.anyio
async def test_the_coding_screen_says_the_server_is_gone_and_goes_on_when_it_is_back(
    cluster: PrivateCluster,
) -> None:
    from qcode.cli.tui import open_access
    from qcode.tui.app import QcodeApp
    from tests.tui.harness import SIZE, position, status_line, stored_codings

    store = open_store(cluster.url, create=True)
    prepare_project(store)
    access = open_access(cluster.url)
    try:
        app = QcodeApp(access, "carol")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("w")  # wages on A1, committed
            await pilot.pause()
            cluster.stop("immediate")
            await pilot.press("j", "w")
            await pilot.pause()
            said = [n.message for n in app._notifications]
            status = status_line(app)  # the reason, whole, on the status line; no toast over it
            assert "not saved: the database server is not answering; try again" in status, status
            assert not any("server is not answering" in text for text in said), said
            await pilot.press("]")
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert position(app)[0] == "A" and said[-1].startswith("Could not read"), said
            cluster.start()
            await pilot.press("w")  # the same key again, the server back: saved
            await pilot.pause()
            assert app.return_code is None
        assert stored_codings(store, "carol") == {("A", 1, "wages"), ("A", 2, "wages")}
    finally:
        access.close()
        store.close()
