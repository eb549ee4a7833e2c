"""Issue 15 §1: a second process on the project must not make the coding screen's commits vanish.

The coding screen reads its first screen through a read-only SQLite connection and then opens the
store. If that opening touched the database file with plain ``open()``/``close()``, POSIX would drop
every lock the process holds on it; the next process to close its connection would then believe it
was the last one, checkpoint and delete the write-ahead log, and every later commit of the coding
screen would go into a deleted file.
"""

from __future__ import annotations

from sqlalchemy import func, select

from qcode.store.migrate import open_store
from qcode.store.models import Coding
from tests.concurrency.procs import CoderProcess, run_qcode


def _codings(url: str) -> int:
    store = open_store(url)
    try:
        with store.sessions() as s:
            return s.scalar(select(func.count()).select_from(Coding)) or 0
    finally:
        store.close()


def test_status_in_a_second_terminal_loses_no_coding(sqlite_project: str) -> None:
    coder = CoderProcess.start(sqlite_project, "ann")
    try:
        assert coder.send("toggle", seg=0, code="wages")["ok"]
        status = run_qcode(sqlite_project, "status")
        assert status.returncode == 0, status.stderr
        assert "codings       1" in status.stdout
        for seg in (1, 2):
            assert coder.send("toggle", seg=seg, code="wages")["ok"]
        again = run_qcode(sqlite_project, "status")  # and once more while the screen is open
        assert "codings       3" in again.stdout, again.stdout
    finally:
        coder.quit()
    assert _codings(sqlite_project) == 3
