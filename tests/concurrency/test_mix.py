"""Several coding screens and team commands at once on one project: nothing acknowledged is lost.

The run is bounded (``QCODE_HARNESS_SECONDS``, 6 s by default) so the suite stays short; the same
test runs for minutes when asked. It fails on the code before issue 15 §1's fix: a ``qcode status``
beside a coding screen made the screen's later commits vanish with the deleted WAL.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from qcode.store.backup import read_only_engine
from qcode.store.check import check_project
from qcode.store.migrate import Store, open_store
from tests.concurrency.harness import IMPORTER, Plan, Report, default_commands, prepare_project, run_mix
from tests.concurrency.ledger import verify
from tests.concurrency.procs import CoderProcess


@pytest.fixture
def team_project(store: Store) -> str:
    """The harness project on the test's backend, closed: its URL."""
    prepare_project(store)
    store.close()
    return store.url


def _check(url: str, report_ledger: object, importer: str | None = IMPORTER) -> list[str]:
    reopened = open_store(url)
    try:
        with reopened.readers() as s:
            return verify(s, report_ledger, importer=importer)  # type: ignore[arg-type]
    finally:
        reopened.close()


@pytest.mark.slow
def test_coding_screens_and_commands_lose_nothing(team_project: str, tmp_path: Path) -> None:
    report, _ = run_mix(team_project, Plan(coders=3, commands=default_commands(tmp_path)))
    print(report.summary())
    assert report.command_failures == []
    assert sum(report.ledger.counts.values()) > 20, report.summary()
    assert _check(team_project, report.ledger) == []
    # the last backup, taken while three coders wrote, is one consistent snapshot: its event log
    # explains its codings and memos, and SQLite finds the file sound
    copy = read_only_engine(tmp_path / "backup.qcode")
    try:
        with copy.connect() as conn, Session(bind=conn) as s:
            assert check_project(s).problems == []
    finally:
        copy.dispose()


@pytest.mark.slow
def test_a_coding_screen_killed_mid_write_while_others_read_loses_nothing_acknowledged(
    team_project: str, tmp_path: Path
) -> None:
    """``kill -9`` one coding process halfway (its last command may or may not have landed)."""
    out = str(tmp_path / "segments.csv")
    reads = (("status",), ("export", "segments", "--out", out, "--force"), ("documents",))
    killed: list[str] = []

    def kill_one(procs: list[CoderProcess], deadline: float, _report: Report) -> None:
        time.sleep(max(0.5, (deadline - time.monotonic()) / 2))
        procs[0].kill()
        killed.append(procs[0].name)

    report, _ = run_mix(team_project, Plan(coders=2, commands=reads), during=kill_one)
    print(report.summary())
    assert killed == ["coder0"] and report.command_failures == []
    assert report.ledger.counts["toggle"] > 5
    assert _check(team_project, report.ledger, importer=None) == []
