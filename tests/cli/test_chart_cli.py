"""`qcode report chart` through the installed script on a terminal: colour unless NO_COLOR, true counts."""

from __future__ import annotations

import os
import pty
import subprocess

import pytest

from qcode.export.chart import bar_cells
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.coding.tiny import build
from tests.concurrency.procs import child_env, qcode_script
from tests.export.test_chart import parse


@pytest.fixture
def project(sqlite_store: Store) -> str:
    with transaction(sqlite_store.sessions) as session:
        build(
            session,
            {"D1": [["one.", "two.", "three."]]},
            [("debt", "Debt", None), ("hours", "Working hours", None), ("phealth", "Physical health", None)],
            ["alice"],
            [("alice", "D1", 1, "debt"), ("alice", "D1", 2, "debt"), ("alice", "D1", 3, "hours")],
        )
    return sqlite_store.url.removeprefix("sqlite:///")


def _on_a_terminal(db: str, columns: int, no_color: bool) -> str:
    """Run the chart with its output on a pseudo-terminal; what it wrote."""
    env = child_env(NO_COLOR="1")
    if not no_color:
        del env["NO_COLOR"]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [qcode_script(), "--db", db, "report", "chart", "--width", str(columns)],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
        os.close(follower)
        follower = -1
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0, done.stderr
    return out.decode("utf-8").replace("\r\n", "\n")


def test_no_color_means_no_escape_codes_and_the_counts_read_back(project: str) -> None:
    plain = _on_a_terminal(project, 80, no_color=True)
    assert "\x1b[" not in plain
    rows, ticks = parse(plain)
    assert [(label, count) for label, _cells, count in rows] == [
        ("Debt", 2), ("Working hours", 1), ("Physical health", 0),
    ]  # fmt: skip
    assert ticks[0] == 0 and rows[2][1] == 0 and rows[1][1] == bar_cells(1, rows[0][1], 2)
    coloured = _on_a_terminal(project, 80, no_color=False)
    assert "\x1b[36m" in coloured  # a terminal without NO_COLOR gets coloured bars
